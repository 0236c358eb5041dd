# Sourced by tests/run.sh: runtime-sh/hist.awk on histograms a 6.1 guest
# printed (tests/hist/*.hist, each from the kernel's hist file as it was),
# in text and in JSON, under every awk a target may have. All must print
# exactly tests/hist/NAME.expect. UPDATE=1 rewrites those from gawk's.

# hist_case NAME KEYS UNIT: the fixture, its trigger's keys, the unit.
hist_case() {
	for awk in mawk gawk "busybox awk" original-awk; do
		name=$(echo "$awk" | cut -d' ' -f1)
		# shellcheck disable=SC2086
		{ $awk -v title=probe -v keys="$2" -v unit="$3" -v json=0 \
			-f "$top/runtime-sh/hist.awk" "$top/tests/hist/$1.hist"
		  $awk -v title=probe -v keys="$2" -v unit="$3" -v json=1 \
			-f "$top/runtime-sh/hist.awk" "$top/tests/hist/$1.hist"; } \
			>"$out/hist-$1.$name" 2>&1
		if [ "${UPDATE:-}" = 1 ] && [ "$name" = gawk ]; then
			cp "$out/hist-$1.$name" "$top/tests/hist/$1.expect"
		fi
		if cmp -s "$out/hist-$1.$name" "$top/tests/hist/$1.expect"; then
			pass "hist_awk/$1 $name"
		else
			fail "hist_awk/$1 $name"
			diff "$top/tests/hist/$1.expect" "$out/hist-$1.$name" | head -10
		fi
	done
}

hist_awk() {
	# A latency histogram by comm, with a value: bars, gaps filled.
	hist_case synthetic-lat "comm,lat.log2" us
	# The event has two tables: keys picks the stacktrace one.
	hist_case g-ret stacktrace ""
	# .execname and .buckets=64: bars by process.
	hist_case g-ent2 "common_pid.execname,count.buckets=64" ""
	# .sym-offset and a .hex value: a table.
	hist_case g-ent3 "fp.sym-offset" ""
}

hist_awk
