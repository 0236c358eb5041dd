#!/bin/sh
# tests/e2e/run.sh: Debian's own kernels under qemu (TCG), with nothing in
# the guest but busybox and the compiled scripts: the "minimal target" the
# product is for. The host compiles against each kernel's types (DWARF
# from its -dbg package, or the BTF inside its image); the guest runs
# tests/e2e/driver.sh, which prints one "CASE NAME ok|FAIL ..." line a case.
#
#   sh tests/e2e/run.sh              the whole matrix, then a summary
#   (sourced by tests/run.sh, it adds to its counts)

# e2e_kernel SERIES ARCH TYPES CASES: TYPES is dwarf or btf.
e2e_kernel() {
	series=$1 arch=$2 types=$3 cases=$4
	tag=$series-$arch
	dir=$out/e2e-$tag
	rm -rf "$dir"
	mkdir -p "$dir/root/bin" "$dir/root/e2e" "$dir/root/proc" "$dir/root/sys" \
		"$dir/root/dev" "$dir/root/tmp"
	img=$(sh "$top/tests/kernels.sh" image "$series" "$arch") &&
		bb=$(sh "$top/tests/kernels.sh" busybox "$series" "$arch") ||
		{ fail "e2e/$tag: cannot get the kernel"; return; }
	case $arch in
	amd64*) march=x86_64 ;;
	arm64) march=aarch64 ;;
	ppc64el) march=ppc64le ;;
	*) march=$arch ;;
	esac
	if [ "$types" = dwarf ]; then
		dbg=$(sh "$top/tests/kernels.sh" dbg "$series" "$arch") ||
			{ fail "e2e/$tag: cannot get the kernel's DWARF"; return; }
		tflags="--vmlinux $dbg"
	else
		btf=$(sh "$top/tests/kernels.sh" btf "$series" "$arch") &&
			rel=$(sh "$top/tests/kernels.sh" release "$series" "$arch") ||
			{ fail "e2e/$tag: cannot get the kernel's BTF"; return; }
		tflags="--btf $btf --kernel-release $rel --arch $march"
	fi
	# One script for the whole fleet: compiled once from every kernel's
	# types (e2e_fleet), it arms this guest's own definitions.
	cp "$out/e2e-fleet/"*.sh "$dir/root/e2e/"
	case " $cases " in
	*" offset "*) e2e_offset || return ;;
	esac
	case " $cases " in
	*" ctrlc "*)
		cc -static -O2 -o "$dir/root/e2e/sigdfl" "$top/tests/live/sigdfl.c" ||
			{ fail "e2e/$tag: cannot build sigdfl"; return; } ;;
	esac
	case " $cases " in
	*" utypes "*) e2e_utypes || return ;;
	esac
	case " $cases " in
	*" retargs "*) # what only newer kernels take
		# shellcheck disable=SC2086
		"$SURFC" $tflags -o "$dir/root/e2e/retargs.sh" \
			"$top/tests/e2e/retargs.surf" 2>"$dir/retargs.err" ||
			{ fail "e2e/$tag: compile retargs"; cat "$dir/retargs.err"; return; } ;;
	esac
	case " $cases " in
	*" kinds "*|*" kinds61 "*) # fprobes and tracepoint probes: 6.12's
		b612=$(sh "$top/tests/kernels.sh" btf 6.12 amd64) &&
			r612=$(sh "$top/tests/kernels.sh" release 6.12 amd64) &&
			"$SURFC" --btf "$b612" --kernel-release "$r612" --arch x86_64 \
				-o "$dir/root/e2e/kinds.sh" "$top/tests/e2e/kinds.surf" \
				2>"$dir/kinds.err" ||
			{ fail "e2e/$tag: compile kinds"; cat "$dir/kinds.err"; return; } ;;
	esac
	case " $cases " in
	*" eprobe "*) # an event probe, against this kernel's types
		# shellcheck disable=SC2086
		"$SURFC" $tflags -o "$dir/root/e2e/eprobe.sh" \
			"$top/tests/e2e/eprobe.surf" 2>"$dir/eprobe.err" ||
			{ fail "e2e/$tag: compile eprobe"; cat "$dir/eprobe.err"; return; } ;;
	esac
	case " $cases " in
	*" globs "*) # wildcards, against this kernel's types
		# shellcheck disable=SC2086
		"$SURFC" $tflags -o "$dir/root/e2e/globs.sh" \
			"$top/tests/e2e/globs.surf" 2>"$dir/globs.err" ||
			{ fail "e2e/$tag: compile globs"; cat "$dir/globs.err"; return; } ;;
	esac
	case " $cases " in
	*" fleetident "*) # a fleet script without this kernel
		d61=$(sh "$top/tests/kernels.sh" dbg 6.1 amd64) &&
			a61=$(sh "$top/tests/kernels.sh" btf 6.1 arm64) &&
			ra61=$(sh "$top/tests/kernels.sh" release 6.1 arm64) &&
			"$SURFC" --vmlinux "$d61" --btf "$a61" --kernel-release "$ra61" \
				-o "$dir/root/e2e/fleetident.sh" "$top/tests/e2e/probes-open.surf" ||
			{ fail "e2e/$tag: compile the 6.1 fleet script"; return; } ;;
	esac
	case " $cases " in
	*" identity "*) # a script compiled for the 6.1 kernel
		d61=$(sh "$top/tests/kernels.sh" dbg 6.1 amd64) &&
			"$SURFC" --vmlinux "$d61" -o "$dir/root/e2e/ident.sh" \
				"$top/tests/e2e/probes-open.surf" ||
			{ fail "e2e/$tag: compile the 6.1 script"; return; } ;;
	esac
	# E2E_BOOT=0 (the ASan+UBSan run of make check): the compiles above
	# are what that build tests; the guests run the same scripts, and the
	# release build's run boots them.
	if [ "${E2E_BOOT:-1}" = 0 ]; then
		pass "e2e/$tag: every script the guest runs compiled (E2E_BOOT=0: not booted)"
		return
	fi
	cp "$bb" "$dir/root/bin/busybox"
	cp "$top/tests/e2e/driver.sh" "$dir/root/e2e/driver.sh"
	echo "$cases" >"$dir/root/e2e/cases"
	cat >"$dir/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
CASES=$(cat /e2e/cases) sh /e2e/driver.sh
echo E2E-DONE
poweroff -f
INIT
	chmod +x "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$dir/initrd.gz"
	t0=$(date +%s)
	# One vCPU: kprobes patch kernel text while other CPUs run it, and
	# qemu's TCG does not always see such cross-CPU changes (a 6.12 guest
	# once took an unknown int3 in try_to_wake_up while a group of
	# kprobes was being enabled; a 6.1 guest locked up arming 500 by
	# hand). The tests are of the script, not of TCG.
	case $arch in
	amd64*) qemu="qemu-system-x86_64" console=ttyS0 ;;
	arm64) qemu="qemu-system-aarch64 -M virt -cpu cortex-a57" console=ttyAMA0 ;;
	ppc64el) qemu="qemu-system-ppc64 -M pseries" console=hvc0 ;;
	s390x) qemu="qemu-system-s390x" console=ttysclp0 ;;
	esac
	# shellcheck disable=SC2086
	timeout 900 $qemu -nographic -no-reboot -m 1024 -smp 1 \
		-kernel "$img" -initrd "$dir/initrd.gz" \
		-append "console=$console quiet panic=-1" >"$dir/console.log" 2>&1
	secs=$(($(date +%s) - t0))
	tr -d '\r' <"$dir/console.log" | sed 's/^.*\(CASE \)/\1/; s/^.*\(E2E-DONE\)/\1/' >"$dir/console.txt"
	if grep -q '^E2E-DONE' "$dir/console.txt"; then
		pass "e2e/$tag: the guest booted, ran every case and powered off (${secs} s)"
	else
		fail "e2e/$tag: the guest did not finish (${secs} s)"
		tail -20 "$dir/console.txt"
	fi
	while read -r word name result rest; do
		[ "$word" = CASE ] || continue
		if [ "$result" = ok ]; then
			pass "e2e/$tag/$name: $rest"
		else
			fail "e2e/$tag/$name: $rest"
		fi
	done <"$dir/console.txt"
}

# SYMBOL+OFFSET: vfs_read's second instruction, found with objdump on the
# DWARF vmlinux (only the low 32 bits of the addresses: sh arithmetic is
# signed 64-bit).
e2e_offset() {
	off=$(objdump -d --disassemble=vfs_read "$dbg" | awk '
		/^ *ffff[0-9a-f]*:/ { sub(/:.*/, "", $1); a[++n] = substr($1, 9) }
		n == 2 { print a[1], a[2]; exit }' | {
		read -r first second && echo $((0x$second - 0x$first)); })
	[ -n "$off" ] || { fail "e2e/$tag: no offset in vfs_read"; return 1; }
	printf 'p:entry vfs_read f=%%di\np:inside vfs_read+%d f=%%di\n' "$off" >"$dir/offset.surf"
	# shellcheck disable=SC2086
	"$SURFC" $tflags -o "$dir/root/e2e/offset.sh" "$dir/offset.surf" 2>"$dir/offset.err" ||
		{ fail "e2e/$tag: compile offset"; cat "$dir/offset.err"; return 1; }
}

# utypes (issue 13): tests/utypes/prog.c built static for the guest's
# arch at -O0 and -O2 with -g, and its typed uprobes compiled from its
# DWARF. A uprobe names its binary by path, which surfc reads on the
# host: the guest has it at the same path.
e2e_utypes() {
	case $march in
	x86_64) ucc=cc ;;
	*) ucc=$march-linux-gnu-gcc ;;
	esac
	for o in O0 O2; do
		bin=$dir/uprog/$o
		mkdir -p "$dir/uprog" "$dir/root$dir/uprog"
		"$ucc" -static -g -"$o" -o "$bin" "$top/tests/utypes/prog.c" ||
			{ fail "e2e/$tag: cannot build tests/utypes/prog.c with $ucc"; return 1; }
		cp "$bin" "$dir/root$bin"
		cat >"$dir/utypes_$o.surf" <<EOF
p $bin:handle id=it->id name=it->name note=it->note scores=it->scores ready=it->fl.ready mode=it->fl.mode level=it->fl.level depth=it->in->depth label=it->in->label next=%0->next->id next_name=it->next->name k=k tag=tag
r $bin:handle ret=\$retval
p $bin:pick which=%2 first=(struct item *)%0->name
r $bin:pick picked=\$retval->id picked_name=\$retval->name
EOF
		# shellcheck disable=SC2086
		"$SURFC" $tflags -o "$dir/root/e2e/utypes_$o.sh" "$dir/utypes_$o.surf" \
			2>"$dir/utypes_$o.err" ||
			{ fail "e2e/$tag: compile utypes_$o"; cat "$dir/utypes_$o.err"; return 1; }
		echo "$o $bin" >>"$dir/root/e2e/uprogs"
	done
}

# e2e_fleet: every probes-*.surf compiled once for all the kernels of the
# matrix (their types: DWARF, or the BTF in the image with its release);
# each guest runs these same scripts.
e2e_fleet() {
	dir=$out/e2e-fleet
	rm -rf "$dir" && mkdir -p "$dir"
	flags=
	nk=0
	for k in 6.1:amd64:dwarf 6.1:amd64-generic:btf 6.1:amd64-rt:btf \
		6.1:arm64:btf 6.12:amd64:btf 6.1:ppc64el:dwarf 6.1:s390x:dwarf; do
		nk=$((nk + 1))
		series=${k%%:*} rest=${k#*:}
		arch=${rest%%:*} types=${rest#*:}
		if [ "$types" = dwarf ]; then
			f=$(sh "$top/tests/kernels.sh" dbg "$series" "$arch") ||
				{ fail "e2e/fleet: cannot get $series $arch's DWARF"; return 1; }
			flags="$flags --vmlinux $f"
		else
			f=$(sh "$top/tests/kernels.sh" btf "$series" "$arch") &&
				r=$(sh "$top/tests/kernels.sh" release "$series" "$arch") ||
				{ fail "e2e/fleet: cannot get $series $arch's BTF"; return 1; }
			flags="$flags --btf $f --kernel-release $r"
		fi
	done
	for p in "$top"/tests/e2e/probes-*.surf; do
		name=${p##*/probes-}
		name=${name%.surf}
		# shellcheck disable=SC2086
		"$SURFC" $flags -o "$dir/$name.sh" "$p" 2>"$dir/$name.err" ||
			{ fail "e2e/fleet: compile $name"; cat "$dir/$name.err"; return 1; }
	done
	pass "e2e/fleet: $(ls "$dir"/*.sh | wc -l) scripts, each for the $nk kernels"
}

# The matrix of issue 5: Debian 12's 6.1 cloud kernel on amd64 (DWARF) and
# arm64 (the BTF in its Image), and the 6.12 cloud kernel on amd64 (BTF),
# every guest running the same fleet scripts; and (issue 10) its 6.1 kernel
# on ppc64el and on big-endian s390x, types from their -dbg packages' DWARF
# (no BTF there). Not on these two: ctrlc (a static C binary, built for the
# host only), offset (objdump of the host's arch; offset.surf reads %di).
# utypes on arm64: a static binary from Debian's gcc-aarch64-linux-gnu,
# probed by its DWARF.
# identity, fleetident and retargs are about 6.12. agg (issue 11): the
# known workloads' tables, -j -i, and -c after kill -9, on every kernel. The generic and
# PREEMPT_RT flavours of amd64's 6.1.0-56 (their BTF): rt's task_struct
# is laid out apart, so the clone case's pid and comm read right there only
# from rt's own definitions.
e2e_all() {
	e2e_fleet || return
	e2e_kernel 6.1 amd64 dwarf "clone filter open offset net stack duration ctrlc selfread refused agg graph graphbusy kinds61 globs eprobe"
	e2e_kernel 6.1 amd64-generic btf "clone filter open net stack duration selfread agg"
	e2e_kernel 6.1 amd64-rt btf "clone filter open net stack duration selfread agg"
	e2e_kernel 6.1 arm64 btf "clone filter open net stack duration selfread refused agg utypes"
	e2e_kernel 6.12 amd64 btf "clone filter open net stack duration selfread identity fleetident retargs agg graph kinds globs eprobe"
	e2e_kernel 6.1 ppc64el dwarf "clone filter open net stack duration selfread refused agg"
	e2e_kernel 6.1 s390x dwarf "clone filter open net stack duration selfread refused agg"
	[ "${E2E_BOOT:-1}" = 0 ] || { . "$top/tests/e2e/ansible.sh" && e2e_ansible; }
}

if [ -z "${top:-}" ]; then # run on its own
	top=$(cd "$(dirname "$0")/../.." && pwd)
	SURFC=${SURFC:-$top/surfc}
	out=$top/tests/out
	mkdir -p "$out"
	passed=0 failed=0
	pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
	fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
	t0=$(date +%s)
	e2e_all
	echo "e2e: $(($(date +%s) - t0)) s"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
fi
