# Sourced by tests/run.sh: a U probe on a marker inlined twice, compiled
# for 6.1 and 6.12 with --allow-partial. Every kernel has the same
# probes, both sites each, whether it takes them or not: 6.1 lacks
# ':char' and leaves both sites out, 6.12 arms both. (The compiler once
# split the sites only where the probe had no errors, and the script's
# kernels then disagreed on their probes.)
usdt_fleet() {
	bin=$out/usdt-fleet/markers
	mkdir -p "$out/usdt-fleet"
	if ! cc -O2 -g -fPIE -pie -DSEM -o "$bin" "$top/tests/usdt/markers.c" 2>/dev/null; then
		fail "usdt_fleet: cannot build tests/usdt/markers.c (make deps installs systemtap-sdt-dev for <sys/sdt.h>)"
		return
	fi
	"$SURFC" --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 \
		--btf "$KBTF612" --kernel-release 6.12.117+deb12-cloud-amd64 \
		--allow-partial -o "$out/usdt-fleet.sh" \
		-e "U $bin:test:twice k=%0:char" -e "U $bin:test:hit i=%0" \
		2>"$out/usdt-fleet.err"
	rc=$?
	l61=$(sh "$out/usdt-fleet.sh" -l -K 6.1.0-56-cloud-amd64 2>&1 | grep -c "^  p:")
	l612=$(sh "$out/usdt-fleet.sh" -l -K 6.12.117+deb12-cloud-amd64 2>&1 |
		sed -n 's/^  p:surfc_PID\/\([a-z_0-9]*\) .*/\1/p' | tr '\n' ' ')
	if [ $rc = 0 ] && [ "$l61" = 1 ] && [ "$l612" = "twice twice_1 hit " ] &&
	   grep -q "^<arg 1>:1:[0-9]*: warning: kernel 6.1.0-56-cloud-amd64 does not take ':char' (kernels from 6.12 do); the probe is left out there (--allow-partial)\$" "$out/usdt-fleet.err"; then
		pass "usdt_fleet: a marker's two sites, left out together on 6.1 (no :char), both armed on 6.12"
	else
		fail "usdt_fleet: exit $rc, 6.1 $l61 probes, 6.12: $l612"
		cat "$out/usdt-fleet.err"
	fi
}

usdt_fleet
