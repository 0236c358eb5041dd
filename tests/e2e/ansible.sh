#!/bin/sh
# tests/e2e/ansible.sh: a fleet driven by the tools people already use.
# Two qemu guests at once, Debian's 6.1 and 6.12 amd64 cloud kernels, each
# with busybox and Debian's dropbear (with the libraries it needs) in its
# initramfs, reached by ssh on a port of 127.0.0.1 that qemu forwards
# (user networking with restrict=on: the guests reach nothing else). The
# fleet script e2e_fleet compiled from probes-fleet.surf (every kernel of
# the matrix) runs on both:
#
#   * as `ssh HOST sh -s -- -q -d N < fleet.sh`, both hosts at once: each
#     host's events on its ssh's stdout, and nothing written to its
#     filesystem;
#   * through samples/fleet-playbook.yml (ansible-core's script module; no
#     Python on the guests): each host's events in events/HOST.txt, and
#     nothing left behind but Ansible's own empty remote tmp directory;
#   * the same playbook with a script compiled for 6.1 alone: the 6.12
#     host fails with exit 4 (what a fleet tool acts on), the 6.1 host runs;
#   * ssh again, its client killed mid-run: the run ends by its -d and
#     leaves nothing.
#
# While a run is armed, each guest opens and reads its marker file
# (/tmp/marker-RELEASE) three times: its events must be those, with the
# values its kernel gives (the name through struct file's f_path, which
# moved between 6.1 and 6.12, and count=7), none of the other host's, and
# the definitions it armed must be those of its kernel. Nothing of any run
# may be left in either guest. The guests are then powered off. Ansible's
# own files on the controller stay under tests/out.
#
# Sourced by tests/e2e/run.sh; e2e_ansible runs after e2e_fleet (it uses
# its fleet.sh) and uses the caller's pass, fail, top, out and SURFC.

# The guests: inventory name, kernel series (amd64).
ea_guests="amd64-6.1:6.1 amd64-6.12:6.12"
ea_run_secs=15 # each run's -d

# ea_ssh HOST CMD: runs CMD in guest HOST as root (with ea_exec=exec in a
# subshell, the subshell becomes ssh).
ea_exec=
ea_ssh() {
	ea_ssh_port=$(cat "$ea_dir/$1/port")
	shift
	$ea_exec ssh -F /dev/null -p "$ea_ssh_port" -i "$ea_dir/id" \
		-o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$ea_dir/known_hosts" -o ConnectTimeout=10 \
		-o LogLevel=ERROR root@127.0.0.1 "$@"
}

# ea_initrd HOST SERIES: the guest's initramfs: busybox, dropbear with the
# libraries ldd names and the loader, a host key, the run's key for root,
# the virtio-net modules; the guest's init starts dropbear on port 22.
ea_initrd() {
	ea_d=$ea_dir/$1
	ea_root=$ea_d/root
	mkdir -p "$ea_root/bin" "$ea_root/usr/sbin" "$ea_root/etc/dropbear" "$ea_root/root/.ssh" \
		"$ea_root/lib/modules" "$ea_root/proc" "$ea_root/sys" "$ea_root/dev" "$ea_root/tmp" \
		"$ea_root/run" "$ea_root/var/run"
	chmod 700 "$ea_root/root" "$ea_root/root/.ssh"
	chmod 1777 "$ea_root/tmp"
	ea_bb=$(sh "$top/tests/kernels.sh" busybox "$2" amd64) &&
		ea_mods=$(sh "$top/tests/kernels.sh" netmods "$2" amd64) &&
		sh "$top/tests/kernels.sh" image "$2" amd64 >"$ea_d/image" &&
		sh "$top/tests/kernels.sh" release "$2" amd64 >"$ea_d/release" ||
		{ fail "e2e/ansible: cannot get the $2 kernel"; return 1; }
	cp "$ea_bb" "$ea_root/bin/busybox"
	cp "$ea_mods"/*.ko "$ea_mods/order" "$ea_root/lib/modules/"
	cp /usr/sbin/dropbear "$ea_root/usr/sbin/"
	# Every library ldd names (=> PATH) and the loader (a bare PATH).
	for ea_lib in $(ldd /usr/sbin/dropbear | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }'); do
		mkdir -p "$ea_root${ea_lib%/*}" && cp -L "$ea_lib" "$ea_root$ea_lib" ||
			{ fail "e2e/ansible: cannot copy $ea_lib"; return 1; }
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$ea_root/etc/passwd"
	echo 'root:x:0:' >"$ea_root/etc/group"
	echo /bin/sh >"$ea_root/etc/shells"
	printf 'passwd: files\ngroup: files\nshadow: files\n' >"$ea_root/etc/nsswitch.conf"
	dropbearkey -t ed25519 -f "$ea_root/etc/dropbear/hostkey" >/dev/null 2>&1 ||
		{ fail "e2e/ansible: dropbearkey"; return 1; }
	dropbearkey -y -f "$ea_root/etc/dropbear/hostkey" | grep '^ssh-' >"$ea_d/hostkey.pub"
	cp "$ea_dir/id.pub" "$ea_root/root/.ssh/authorized_keys"
	chmod 600 "$ea_root/root/.ssh/authorized_keys"
	cat >"$ea_root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tracefs nodev /sys/kernel/tracing
while read -r m; do
	insmod "/lib/modules/$m.ko" || echo "E2E insmod $m failed"
done </lib/modules/order
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up
echo hello >"/tmp/marker-$(uname -r)" # what the load reads
/usr/sbin/dropbear -F -E -s -j -k -p 22 -r /etc/dropbear/hostkey &
echo E2E-SSH-STARTED
while :; do sleep 3600; done
INIT
	chmod +x "$ea_root/init"
	(cd "$ea_root" && find . | cpio -o -H newc -R 0:0 2>/dev/null | gzip -1) >"$ea_d/initrd.gz"
}

# ea_boot HOST: boots the guest in the background with its ssh on a free
# port of 127.0.0.1 (another port if that one was taken meanwhile).
ea_boot() {
	ea_d=$ea_dir/$1
	for _ in 1 2 3; do
		ea_port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || { fail "e2e/ansible/$1: no free port"; return 1; }
		echo "$ea_port" >"$ea_d/port"
		timeout 900 qemu-system-x86_64 -nographic -no-reboot -m 1024 -smp 1 \
			-kernel "$(cat "$ea_d/image")" -initrd "$ea_d/initrd.gz" \
			-append "console=ttyS0 quiet panic=-1" \
			-netdev "user,id=n,restrict=on,hostfwd=tcp:127.0.0.1:$ea_port-:22" \
			-device virtio-net-pci,netdev=n,romfile= \
			</dev/null >"$ea_d/console.log" 2>&1 &
		echo $! >"$ea_d/pid"
		sleep 1
		kill -0 "$(cat "$ea_d/pid")" 2>/dev/null && return 0
		grep -q 'hostfwd\|host forwarding' "$ea_d/console.log" || break
	done
	fail "e2e/ansible/$1: qemu did not start"
	cat "$ea_d/console.log"
	return 1
}

# ea_up HOST: waits up to 3 minutes for its ssh.
ea_up() {
	ea_i=0
	while [ $ea_i -lt 90 ]; do
		kill -0 "$(cat "$ea_dir/$1/pid")" 2>/dev/null || return 1
		ea_ssh "$1" true </dev/null 2>/dev/null && return 0
		sleep 2
		ea_i=$((ea_i + 1))
	done
	return 1
}

# ea_files HOST: the guest's own filesystem (its rootfs: not the mount
# points of /proc, /sys and /dev), names, sizes and times.
ea_files() {
	ea_ssh "$1" 'find / -xdev | grep -v "^/proc\$\|^/sys\$\|^/dev\$" | sort |
		xargs ls -ldn --full-time' </dev/null
}

# In a guest: wait for a run to have its 2 events enabled.
ea_armed='i=0
	while [ $i -lt 600 ]; do
		n=$(cat /sys/kernel/tracing/instances/surfc_*/events/surfc_*/*/enable 2>/dev/null | grep -c 1)
		[ "$n" -ge 2 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ "$n" -ge 2 ] || { echo "never armed" >&2; exit 1; }'
# ea_load HOST: waits for a run to be armed, prints the kprobe definitions
# it armed, then opens and reads the marker file 3 times (dd: one read(2)
# of 7 bytes each).
ea_load() {
	ea_ssh "$1" "$ea_armed"'
		cat /sys/kernel/tracing/kprobe_events
		for i in 1 2 3; do
			dd if=/tmp/marker-$(uname -r) of=/dev/null bs=7 count=1 2>/dev/null
		done' </dev/null
}

# ea_defs: "NAME DEFINITION" of each surfc kprobe line on stdin (a guest's
# kprobe_events, or a dry run's appends), sorted.
ea_defs() {
	sed -n 's/^\(append kprobe_events \)\{0,1\}p:surfc_[0-9A-Z_]*\/\([^ ]*\) /\2 /p' | sort
}

# ea_check WHAT HOST EVENTS ARMED: HOST's events (a file) are its marker
# reads and opens, with its kernel's values, and none of the other host's;
# ARMED (the kprobe_events seen during the run) holds its kernel's
# definitions.
ea_check() {
	ea_rel=$(cat "$ea_dir/$2/release")
	ea_reads=$(grep -c "vfs_read: .* count=7 name=\"marker-$ea_rel\"\$" "$3")
	ea_opens=$(grep -c "do_sys_openat2: .* name=\"/tmp/marker-$ea_rel\"\$" "$3")
	ea_total=$(grep -c . "$3")
	if [ "$ea_reads" -ge 3 ] && [ "$ea_opens" -ge 3 ] && [ "$ea_total" = $((ea_reads + ea_opens)) ]; then
		pass "e2e/ansible/$1/$2: $ea_reads reads (count=7, name=\"marker-$ea_rel\"), $ea_opens opens, nothing else"
	else
		fail "e2e/ansible/$1/$2: $ea_reads reads, $ea_opens opens, $ea_total events in all"
		head -n 5 "$3"
	fi
	ea_defs <"$4" >"$4.defs"
	if [ -s "$4.defs" ] && cmp -s "$ea_dir/$2/want.defs" "$4.defs"; then
		pass "e2e/ansible/$1/$2: armed its kernel's definitions ($(grep -o 'name=+0(+40([^)]*)' "$4.defs"))"
	else
		fail "e2e/ansible/$1/$2: the definitions armed are not $ea_rel's"
		diff "$ea_dir/$2/want.defs" "$4.defs" | head -n 10
	fi
}

# ea_clean HOST: no surfc_ definition or instance left.
ea_clean() {
	ea_left=$(ea_ssh "$1" 'grep surfc_ /sys/kernel/tracing/kprobe_events
		ls /sys/kernel/tracing/instances | grep surfc_' </dev/null)
	if [ -z "$ea_left" ]; then
		pass "e2e/ansible/clean/$1: no surfc_ definition or instance left"
	else
		fail "e2e/ansible/clean/$1: $ea_left"
	fi
}

# ea_playbook NAME SCRIPT ARGS: samples/fleet-playbook.yml on both guests,
# from $ea_dir/NAME (events in its events/); exit status in NAME/rc.
# Ansible's files on the controller (its tmp, ssh control sockets) go to
# $ea_dir/home, no configuration file but an empty one is read.
ea_playbook() {
	mkdir -p "$ea_dir/$1" "$ea_dir/home"
	(
		cd "$ea_dir/$1" &&
		HOME=$ea_dir/home ANSIBLE_CONFIG=$ea_dir/ansible.cfg ANSIBLE_NOCOLOR=1 \
			ansible-playbook -i "$ea_dir/inventory.ini" "$top/samples/fleet-playbook.yml" \
			-e "{\"surfc_script\": \"$2\", \"surfc_args\": \"$3\",
				\"surfc_events\": \"$ea_dir/$1/events\"}" </dev/null
		echo $? >"$ea_dir/$1/rc"
	) >"$ea_dir/$1/ansible.log" 2>&1
}

e2e_ansible() {
	ea_dir=$out/e2e-ansible
	rm -rf "$ea_dir" && mkdir -p "$ea_dir"
	for ea_c in ansible-playbook ssh ssh-keygen dropbearkey /usr/sbin/dropbear python3; do
		command -v "$ea_c" >/dev/null 2>&1 ||
			{ fail "e2e/ansible: no $ea_c (make deps installs ansible-core, dropbear-bin, openssh-client)"; return; }
	done
	ea_script=$out/e2e-fleet/fleet.sh
	[ -f "$ea_script" ] || { fail "e2e/ansible: no $ea_script (e2e_fleet makes it)"; return; }
	ssh-keygen -q -t ed25519 -N '' -C surfc-e2e -f "$ea_dir/id" ||
		{ fail "e2e/ansible: ssh-keygen"; return; }
	: >"$ea_dir/known_hosts"
	ea_names=
	for ea_hs in $ea_guests; do
		ea_h=${ea_hs%%:*}
		ea_names="$ea_names $ea_h"
		ea_initrd "$ea_h" "${ea_hs#*:}" || return
		sh "$ea_script" -n -K "$(cat "$ea_dir/$ea_h/release")" | ea_defs >"$ea_dir/$ea_h/want.defs"
	done
	# The test means something only if the kernels' definitions differ.
	# shellcheck disable=SC2086
	set -- $ea_names
	if cmp -s "$ea_dir/$1/want.defs" "$ea_dir/$2/want.defs"; then
		fail "e2e/ansible: the script arms the same definitions on $1 and $2"
	fi

	ea_t0=$(date +%s)
	for ea_h in $ea_names; do
		ea_boot "$ea_h" || { ea_off; return; }
	done
	for ea_h in $ea_names; do
		printf '[127.0.0.1]:%s %s\n' "$(cat "$ea_dir/$ea_h/port")" \
			"$(cat "$ea_dir/$ea_h/hostkey.pub")" >>"$ea_dir/known_hosts"
	done
	ea_ok=0
	for ea_h in $ea_names; do
		if ea_up "$ea_h"; then
			ea_ok=$((ea_ok + 1))
		else
			fail "e2e/ansible/boot/$ea_h: no ssh within 3 minutes"
			tr -d '\r' <"$ea_dir/$ea_h/console.log" | tail -n 20
		fi
	done
	[ $ea_ok = 2 ] || { ea_off; return; }
	pass "e2e/ansible/boot: both guests answer ssh on 127.0.0.1 ($(($(date +%s) - ea_t0)) s)"

	# 1. ssh HOST sh -s -- ARGS < script, both hosts at once.
	ea_t1=$(date +%s)
	for ea_h in $ea_names; do
		ea_files "$ea_h" >"$ea_dir/$ea_h/files-before"
		ea_ssh "$ea_h" sh -s -- -q -d $ea_run_secs <"$ea_script" >"$ea_dir/$ea_h/ssh.txt" \
			2>"$ea_dir/$ea_h/ssh.err" &
		echo $! >"$ea_dir/$ea_h/ssh.pid"
		ea_load "$ea_h" >"$ea_dir/$ea_h/ssh.armed" 2>"$ea_dir/$ea_h/ssh.load" &
		echo $! >"$ea_dir/$ea_h/load.pid"
	done
	for ea_h in $ea_names; do
		wait "$(cat "$ea_dir/$ea_h/load.pid")"
		wait "$(cat "$ea_dir/$ea_h/ssh.pid")"
		ea_rc=$?
		if [ $ea_rc = 0 ] && [ ! -s "$ea_dir/$ea_h/ssh.err" ]; then
			pass "e2e/ansible/ssh-stdin/$ea_h: exit 0, nothing on stderr"
		else
			fail "e2e/ansible/ssh-stdin/$ea_h: exit $ea_rc: $(cat "$ea_dir/$ea_h/ssh.err" "$ea_dir/$ea_h/ssh.load")"
		fi
		ea_check ssh-stdin "$ea_h" "$ea_dir/$ea_h/ssh.txt" "$ea_dir/$ea_h/ssh.armed"
		ea_files "$ea_h" >"$ea_dir/$ea_h/files-after"
		if [ -s "$ea_dir/$ea_h/files-before" ] && cmp -s "$ea_dir/$ea_h/files-before" "$ea_dir/$ea_h/files-after"; then
			pass "e2e/ansible/ssh-stdin/$ea_h: nothing written to the guest's filesystem"
		else
			fail "e2e/ansible/ssh-stdin/$ea_h: the guest's filesystem changed"
			diff "$ea_dir/$ea_h/files-before" "$ea_dir/$ea_h/files-after" | head -n 10
		fi
	done
	echo "e2e/ansible: ssh stdin runs took $(($(date +%s) - ea_t1)) s"

	# 2. The playbook, both hosts at once (Ansible's forks).
	cat >"$ea_dir/inventory.ini" <<EOF
[fleet]
EOF
	for ea_h in $ea_names; do
		echo "$ea_h ansible_port=$(cat "$ea_dir/$ea_h/port")" >>"$ea_dir/inventory.ini"
	done
	cat >>"$ea_dir/inventory.ini" <<EOF

[fleet:vars]
ansible_host=127.0.0.1
ansible_user=root
ansible_ssh_private_key_file=$ea_dir/id
ansible_ssh_common_args='-F /dev/null -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$ea_dir/known_hosts'
ansible_ssh_transfer_method=piped
ansible_ssh_use_tty=false
EOF
	: >"$ea_dir/ansible.cfg"
	# The delegated tasks' temporary files (on the controller) too.
	mkdir -p "$ea_dir/host_vars"
	echo "ansible_remote_tmp: $ea_dir/home/.ansible/tmp" >"$ea_dir/host_vars/localhost.yml"
	ea_t1=$(date +%s)
	for ea_h in $ea_names; do
		ea_load "$ea_h" >"$ea_dir/$ea_h/play.armed" 2>"$ea_dir/$ea_h/play.load" &
		echo $! >"$ea_dir/$ea_h/load.pid"
	done
	ea_playbook play "$ea_script" "-q -d $ea_run_secs"
	for ea_h in $ea_names; do
		wait "$(cat "$ea_dir/$ea_h/load.pid")"
	done
	ea_secs=$(($(date +%s) - ea_t1))
	if [ "$(cat "$ea_dir/play/rc")" = 0 ] && [ $ea_secs -lt $((2 * ea_run_secs)) ]; then
		pass "e2e/ansible/playbook: ansible-playbook exit 0, both hosts at once ($ea_secs s for two ${ea_run_secs} s runs)"
	else
		fail "e2e/ansible/playbook: ansible-playbook exit $(cat "$ea_dir/play/rc") ($ea_secs s)"
		tail -n 30 "$ea_dir/play/ansible.log"
	fi
	for ea_h in $ea_names; do
		if [ -f "$ea_dir/play/events/$ea_h.txt" ]; then
			ea_check playbook "$ea_h" "$ea_dir/play/events/$ea_h.txt" "$ea_dir/$ea_h/play.armed"
		else
			fail "e2e/ansible/playbook/$ea_h: no events/$ea_h.txt $(cat "$ea_dir/$ea_h/play.load")"
		fi
		# The script module's copy is gone; Ansible keeps its remote tmp.
		ea_files "$ea_h" >"$ea_dir/$ea_h/files-play"
		ea_extra=$(diff "$ea_dir/$ea_h/files-after" "$ea_dir/$ea_h/files-play" |
			grep '^[<>]' | grep -v ' /root$\| /root/\.ansible$\| /root/\.ansible/tmp$')
		if [ -z "$ea_extra" ]; then
			pass "e2e/ansible/playbook/$ea_h: nothing left in the guest but Ansible's empty ~/.ansible/tmp"
		else
			fail "e2e/ansible/playbook/$ea_h: the guest's filesystem changed: $ea_extra"
		fi
	done

	# 3. A script for the 6.1 kernel alone: the 6.12 host fails with 4.
	ea_b61=$(sh "$top/tests/kernels.sh" btf 6.1 amd64) &&
		ea_r61=$(sh "$top/tests/kernels.sh" release 6.1 amd64) &&
		"$SURFC" --btf "$ea_b61" --kernel-release "$ea_r61" --arch x86_64 -o "$ea_dir/only61.sh" \
			"$top/tests/e2e/probes-fleet.surf" ||
		{ fail "e2e/ansible/status: compile the 6.1 script"; ea_off; return; }
	ea_playbook status "$ea_dir/only61.sh" "-q -d 2"
	ea_rc=$(cat "$ea_dir/status/rc")
	if [ "$ea_rc" = 2 ] &&
		grep -q '^amd64-6\.1  *: ok=[0-9]* .* failed=0 ' "$ea_dir/status/ansible.log" &&
		grep -q '^amd64-6\.12  *: ok=[0-9]* .* failed=1 ' "$ea_dir/status/ansible.log" &&
		grep -q 'exit 4 (not the kernel compiled for)' "$ea_dir/status/ansible.log" &&
		[ -f "$ea_dir/status/events/amd64-6.12.txt" ]; then
		pass "e2e/ansible/status: a 6.1 script: amd64-6.12 failed with exit 4 (its events saved first), amd64-6.1 ran, ansible-playbook exit 2"
	else
		fail "e2e/ansible/status: ansible-playbook exit $ea_rc"
		tail -n 30 "$ea_dir/status/ansible.log"
	fi

	# 4. The ssh client killed mid-run. No terminal, no SIGHUP: the run
	# goes on (the ssh server's close of the output pipe waits while
	# busybox cat is in sendfile on the trace) until -d, then ends as usual.
	for ea_h in $ea_names; do
		(ea_exec="exec"; ea_ssh "$ea_h" sh -s -- -q -d 10 <"$ea_script" >/dev/null 2>&1) &
		echo $! >"$ea_dir/$ea_h/lost.pid"
	done
	for ea_h in $ea_names; do
		ea_ssh "$ea_h" "$ea_armed" </dev/null && kill "$(cat "$ea_dir/$ea_h/lost.pid")"
		wait "$(cat "$ea_dir/$ea_h/lost.pid")"
		date +%s >"$ea_dir/$ea_h/lost.t"
	done
	for ea_h in $ea_names; do
		ea_left=$(ea_ssh "$ea_h" 'i=0
			while ls /sys/kernel/tracing/instances | grep -q surfc_ && [ $i -lt 300 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			echo "waited $((i / 10)) s"
			grep surfc_ /sys/kernel/tracing/kprobe_events
			ls /sys/kernel/tracing/instances | grep surfc_
			ps | grep "[s]h -s"' </dev/null)
		case $ea_left in
		"waited "*" s")
			pass "e2e/ansible/lost/$ea_h: ssh client killed mid-run: the run ended within $(($(date +%s) - $(cat "$ea_dir/$ea_h/lost.t"))) s of the kill (-d 10), nothing left" ;;
		*)
			fail "e2e/ansible/lost/$ea_h: left after the client was killed: $ea_left" ;;
		esac
	done

	for ea_h in $ea_names; do
		ea_clean "$ea_h"
	done
	ea_off
	echo "e2e/ansible: $(($(date +%s) - ea_t0)) s from boot to power off"
}

# ea_off: powers the guests off (qemu exits with -no-reboot), or stops
# their qemu.
ea_off() {
	ea_offs=
	for ea_h in $ea_names; do
		[ -f "$ea_dir/$ea_h/pid" ] || continue
		ea_ssh "$ea_h" 'poweroff -f' </dev/null >/dev/null 2>&1 &
		ea_offs="$ea_offs $!"
	done
	for ea_h in $ea_names; do
		[ -f "$ea_dir/$ea_h/pid" ] || continue
		ea_pid=$(cat "$ea_dir/$ea_h/pid")
		ea_i=0
		while kill -0 "$ea_pid" 2>/dev/null && [ $ea_i -lt 60 ]; do
			sleep 0.5
			ea_i=$((ea_i + 1))
		done
		if kill -0 "$ea_pid" 2>/dev/null; then
			kill "$ea_pid"
			fail "e2e/ansible/off/$ea_h: the guest did not power off"
		else
			pass "e2e/ansible/off/$ea_h: powered off"
		fi
		wait "$ea_pid" 2>/dev/null
	done
	for ea_pid in $ea_offs; do
		wait "$ea_pid"
	done
}
