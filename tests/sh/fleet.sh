# Sourced by tests/run.sh: one script for several kernels (6.1 and 6.12
# amd64 from their BTF, 6.1 arm64 from the BTF in its image), under the
# six shells, on any machine: -l lists each kernel's definitions, -n -K
# shows one kernel's writes, -n without -K on a kernel the script does not
# know asks for one (exit 2), an unknown -K says which there are, -h from
# standard input (ssh HOST sh -s) names no shell as the script; texts
# the kernels share are stored once; shellcheck passes.
fleet() {
	a61=$(sh "$top/tests/kernels.sh" btf 6.1 arm64) &&
		ra61=$(sh "$top/tests/kernels.sh" release 6.1 arm64) ||
		{ fail "fleet: cannot get 6.1 arm64's BTF"; return; }
	script=$out/fleet.sh
	"$SURFC" --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 \
		--btf "$KBTF612" --kernel-release 6.12.117+deb12-cloud-amd64 \
		--btf "$a61" --kernel-release "$ra61" -o "$script" \
		-e 'p vfs_read name=file->f_path.dentry->d_name.name:string n=%2' \
		-e 'p kernel_clone f=args->flags' 2>"$out/fleet.err" ||
		{ fail "fleet: compile"; cat "$out/fleet.err"; return; }
	# vfs_read's f_path moved in 6.12; kernel_clone's text is the same
	# on both amd64 kernels: stored once.
	if grep -q "^text_[0-9]*='vfs_read name=+0(+40(+24(%di))):string n=%dx:u64'" "$script" &&
	   grep -q "^text_[0-9]*='vfs_read name=+0(+40(+72(%di))):string n=%dx:u64'" "$script" &&
	   grep -q "^text_[0-9]*='vfs_read name=+0(+40(+24(%x0))):string n=%x2:u64'" "$script" &&
	   [ "$(grep -c "^text_[0-9]*='kernel_clone f=+0(%di):u64'" "$script")" = 1 ]; then
		pass "fleet: each kernel's definitions, a shared one stored once"
	else
		fail "fleet: the definitions"
		grep '^text_' "$script"
	fi
	if shellcheck -s sh "$script" >"$out/fleet.sc" 2>&1; then
		pass "fleet: shellcheck"
	else
		fail "fleet: shellcheck"
		head -n 10 "$out/fleet.sc"
	fi
	for sh in "busybox ash" dash "bash --posix" mksh posh yash; do
		name=${sh%% *}
		# shellcheck disable=SC2086
		{ $sh "$script" -l; echo "[exit $?]"
		  $sh "$script" -n -K 6.12.117+deb12-cloud-amd64; echo "[exit $?]"
		  $sh "$script" -n -K "$ra61"; echo "[exit $?]"
		  $sh "$script" -n; echo "[exit $?]"
		  $sh "$script" -l -K 5.10.0-1-amd64; echo "[exit $?]"
		  $sh "$script" -K 6.12.117+deb12-cloud-amd64 -d 1; echo "[exit $?]"; } \
			>"$out/fleet.$name" 2>&1
		if [ "$name" = busybox ]; then
			cp "$out/fleet.$name" "$out/fleet.first"
			if grep -q '^kernel 6.1.0-56-cloud-amd64 (x86_64):$' "$out/fleet.first" &&
			   grep -q '^kernel 6.12.117+deb12-cloud-amd64 (x86_64):$' "$out/fleet.first" &&
			   grep -q "^kernel $ra61 (aarch64):\$" "$out/fleet.first" &&
			   grep -q '^append kprobe_events p:surfc_PID/vfs_read vfs_read name=+0(+40(+72(%di))):string n=%dx:u64$' "$out/fleet.first" &&
			   grep -q '^append kprobe_events p:surfc_PID/vfs_read vfs_read name=+0(+40(+24(%x0))):string n=%x2:u64$' "$out/fleet.first" &&
			   grep -q 'this script holds kernels .*: -n -K RELEASE shows one' "$out/fleet.first" &&
			   grep -q -- '-K 5.10.0-1-amd64: this script.s kernels are 6.1.0-56-cloud-amd64 (x86_64), 6.12' "$out/fleet.first" &&
			   grep -q -- '-K is for -n and -l' "$out/fleet.first" &&
			   [ "$(grep -c '^\[exit 0\]' "$out/fleet.first")" = 3 ] &&
			   [ "$(grep -c '^\[exit 2\]' "$out/fleet.first")" = 3 ]; then
				pass "fleet: -l, -n -K, and the kernels named (busybox)"
			else
				fail "fleet: -l, -n -K, and the kernels named (busybox)"
				cat "$out/fleet.first"
			fi
		elif cmp -s "$out/fleet.first" "$out/fleet.$name"; then
			pass "fleet: $name as busybox"
		else
			fail "fleet: $name as busybox"
			diff -u "$out/fleet.first" "$out/fleet.$name" | head -n 20
		fi
	done
	# Two kernels the script could not tell apart (one release, no
	# version or build-id to part them): only the first could be armed.
	"$SURFC" --check --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 \
		--btf "$KBTF612" --kernel-release 6.1.0-56-cloud-amd64 \
		-e 'p vfs_read' >"$out/fleet.twice" 2>&1
	rc=$?
	if [ $rc = 1 ] && grep -q "^$KBTF612: error: kernel 6.1.0-56-cloud-amd64 again (as $KBTF): the script tells its kernels apart by release, /proc/version and build-id, and would arm only the first\$" "$out/fleet.twice"; then
		pass "fleet: one release twice, nothing to tell them apart, is an error"
	else
		fail "fleet: one release twice: exit $rc"
		cat "$out/fleet.twice"
	fi
	# From standard input, as ssh HOST sh -s runs it (posh has no -s).
	got=
	for sh in "busybox ash" dash "bash --posix" mksh yash; do
		# shellcheck disable=SC2086
		got="$got$($sh -s -- -h <"$script" | sed -n 1p | cut -d' ' -f1-4)|"
	done
	if [ "$got" = "$(printf 'usage: sh SCRIPT [-d|%.0s' 1 2 3 4 5)" ]; then
		pass "fleet: -h from standard input names SCRIPT, not the shell (five shells)"
	else
		fail "fleet: -h from standard input: $got"
	fi
}

# --btf-dir: BTFHub's layout (DISTRO/VERSION/ARCH/RELEASE.btf, or packed
# as .btf.tar.xz): a kernel a file, its release from the name, its arch
# checked against the folder's. Bad trees are clear errors.
fleet_btfhub() {
	hub=$out/hub
	rm -rf "$hub" && mkdir -p "$hub/debian/12/x86_64" "$hub/debian/12/arm64" \
		"$hub/bad/x86_64" "$hub/wrong/arm64" "$hub/empty/x86_64"
	cp "$KBTF" "$hub/debian/12/x86_64/6.1.0-56-cloud-amd64.btf"
	cp "$a61" "$hub/debian/12/arm64/$ra61.btf"
	cp "$KBTF612" "$out/6.12.117+deb12-cloud-amd64.btf"
	(cd "$out" && tar cJf "$hub/debian/12/x86_64/6.12.117+deb12-cloud-amd64.btf.tar.xz" \
		6.12.117+deb12-cloud-amd64.btf) || { fail "fleet/btfhub: tar"; return; }
	"$SURFC" -S --btf-dir "$hub/debian" -e 'p vfs_read name=file->f_path.dentry->d_name.name:string' \
		>"$out/hub.out" 2>&1
	rc=$?
	if [ $rc = 0 ] &&
	   grep -q "^# kernel $ra61 (aarch64)\$" "$out/hub.out" &&
	   grep -q "^# kernel 6.1.0-56-cloud-amd64 (x86_64)\$" "$out/hub.out" &&
	   grep -q '^# kernel 6.12.117+deb12-cloud-amd64 (x86_64)$' "$out/hub.out" &&
	   grep -q "vfs_read name=+0(+40(+72(%di))):string'" "$out/hub.out" &&
	   grep -q "vfs_read name=+0(+40(+24(%x0))):string'" "$out/hub.out"; then
		pass "fleet/btfhub: three kernels from a BTFHub tree, one packed (.btf.tar.xz)"
	else
		fail "fleet/btfhub: exit $rc"
		cat "$out/hub.out"
	fi
	printf 'not xz' >"$hub/bad/x86_64/6.1.0-1-amd64.btf.tar.xz"
	cp "$KBTF" "$hub/wrong/arm64/6.1.0-56-cloud-amd64.btf"
	got=
	for d in bad wrong empty nosuch; do
		"$SURFC" --check --btf-dir "$hub/$d" -e 'p vfs_read' >"$out/hub.$d" 2>&1
		got="$got $?"
	done
	if [ "$got" = " 1 1 1 1" ] &&
	   grep -q "6.1.0-1-amd64.btf.tar.xz: error: cannot read kernel types: not a whole xz stream" "$out/hub.bad" &&
	   grep -q "error: these types are for x86_64, but their folder says aarch64" "$out/hub.wrong" &&
	   grep -q "error: --btf-dir .*/empty: no KERNEL_RELEASE.btf or .btf.tar.xz file in it" "$out/hub.empty" &&
	   grep -q "error: --btf-dir .*/nosuch: no such directory" "$out/hub.nosuch"; then
		pass "fleet/btfhub: a bad archive, a wrong folder, an empty tree and none are errors"
	else
		fail "fleet/btfhub: exits$got"
		cat "$out"/hub.bad "$out"/hub.wrong "$out"/hub.empty "$out"/hub.nosuch
	fi
}

fleet
fleet_btfhub
