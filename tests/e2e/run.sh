#!/bin/sh
# tests/e2e/run.sh: Debian's own kernels under qemu (TCG), with nothing in
# the guest but busybox and the compiled scripts: the "minimal target" the
# product is for. The host compiles against the kernel's DWARF; the guest
# runs tests/e2e/driver.sh, which prints one "CASE NAME ok|FAIL" line a case.
#
#   sh tests/e2e/run.sh              prints ok/FAIL lines, then a summary
#   (sourced by tests/run.sh, it adds to its counts)
e2e_kernel() {
	series=$1 arch=$2
	tag=$series-$arch
	dir=$out/e2e-$tag
	rm -rf "$dir"
	mkdir -p "$dir/root/bin" "$dir/root/e2e" "$dir/root/proc" "$dir/root/sys" \
		"$dir/root/dev" "$dir/root/tmp"
	img=$(sh "$top/tests/kernels.sh" image "$series" "$arch") &&
		dbg=$(sh "$top/tests/kernels.sh" dbg "$series" "$arch") ||
		{ fail "e2e/$tag: cannot get the kernel"; return; }
	for p in "$top"/tests/e2e/probes-*.surf; do
		name=${p##*/probes-}
		name=${name%.surf}
		"$SURFC" --vmlinux "$dbg" -o "$dir/root/e2e/$name.sh" "$p" 2>"$dir/$name.err" ||
			{ fail "e2e/$tag: compile $name"; cat "$dir/$name.err"; return; }
	done
	# SYMBOL+OFFSET: the offset of vfs_read's second instruction (only
	# the low 32 bits of the addresses: sh arithmetic is signed 64-bit).
	off=$(objdump -d --disassemble=vfs_read "$dbg" | awk '
		/^ *ffff[0-9a-f]*:/ { sub(/:.*/, "", $1); a[++n] = substr($1, 9) }
		n == 2 { print a[1], a[2]; exit }' | {
		read -r first second && echo $((0x$second - 0x$first)); })
	[ -n "$off" ] || { fail "e2e/$tag: no offset in vfs_read"; return; }
	printf 'p:entry vfs_read f=%%di\np:inside vfs_read+%d f=%%di\n' "$off" >"$dir/offset.surf"
	"$SURFC" --vmlinux "$dbg" -o "$dir/root/e2e/offset.sh" "$dir/offset.surf" 2>"$dir/offset.err" ||
		{ fail "e2e/$tag: compile offset"; cat "$dir/offset.err"; return; }
	cc -static -O2 -o "$dir/root/e2e/sigdfl" "$top/tests/live/sigdfl.c" ||
		{ fail "e2e/$tag: cannot build sigdfl"; return; }
	cp /bin/busybox "$dir/root/bin/busybox"
	cp "$top/tests/e2e/driver.sh" "$dir/root/e2e/driver.sh"
	cat >"$dir/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
sh /e2e/driver.sh
echo E2E-DONE
poweroff -f
INIT
	chmod +x "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$dir/initrd.gz"
	timeout 600 qemu-system-x86_64 -nographic -no-reboot -m 1024 -smp 2 \
		-kernel "$img" -initrd "$dir/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" >"$dir/console.log" 2>&1
	tr -d '\r' <"$dir/console.log" | sed 's/^.*\(CASE \)/\1/' >"$dir/console.txt"
	grep -q '^E2E-DONE' "$dir/console.txt" ||
		{ fail "e2e/$tag: the guest did not finish"; tail -20 "$dir/console.txt"; }
	while read -r word name result rest; do
		[ "$word" = CASE ] || continue
		if [ "$result" = ok ]; then
			pass "e2e/$tag/$name: $rest"
		else
			fail "e2e/$tag/$name: $rest"
		fi
	done <"$dir/console.txt"
}

if [ -z "${top:-}" ]; then # run on its own
	top=$(cd "$(dirname "$0")/../.." && pwd)
	SURFC=${SURFC:-$top/surfc}
	out=$top/tests/out
	mkdir -p "$out"
	passed=0 failed=0
	pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
	fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
	e2e_kernel 6.1 amd64
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
fi
