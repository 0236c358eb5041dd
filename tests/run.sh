#!/bin/sh
# tests/run.sh: every test of surfc. Ends with one line "N passed, N failed".
#
#   SURFC=path   the compiler under test (default ./surfc)
#   MUTATE=path  the mutation harness (tests/mutate.c), if built
#   UPDATE=1     rewrite the golden .expect files from the current output
#   FUZZ=path    the libFuzzer target (tests/fuzz/), if built
#   FUZZ_TIME=N  seconds it runs for (default 60)
#
#   sh tests/run.sh [SUITE...]   runs only the suites named (default: all):
#   golden, samples, mutate, fuzz, limits, sh (every tests/sh/*.sh) or one
#   of them by name (script_shells, types_compare, live), e2e.
#
# A golden case is tests/golden/NAME.expect whose first line is
# "# surfc ARGS"; the case runs `surfc ARGS [NAME.surf]` in tests/golden
# and compares stdout+stderr and the exit status with the rest of the file.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
SURFC=${SURFC:-surfc}
case $SURFC in /*) ;; *) SURFC=$top/$SURFC ;; esac
MUTATE=${MUTATE:-}
case $MUTATE in ""|/*) ;; *) MUTATE=$top/$MUTATE ;; esac
out=$top/tests/out
suites=" ${*:-all} "
# Is suite $1 (or, for tests/sh files, its group $2) selected?
want() {
	case $suites in *" all "*|*" $1 "*) return 0 ;; esac
	[ -n "${2:-}" ] && case $suites in *" $2 "*) return 0 ;; esac
	return 1
}
rm -rf "$out" && mkdir -p "$out"
passed=0 failed=0 skipped=0

# Real kernels' types for the typed cases (fetched once, cached).
KBTF=$(sh "$top/tests/kernels.sh" btf 6.1 amd64) || {
	echo "FAIL cannot get the 6.1 kernel's BTF"; exit 1; }
KDWARF=$(sh "$top/tests/kernels.sh" dbg 6.1 amd64) || {
	echo "FAIL cannot get the 6.1 kernel's DWARF"; exit 1; }
export KBTF KDWARF

pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }

# Runs one golden case; $1 = path of the .expect file.
golden() {
	name=$(basename "$1" .expect)
	args=$(sed -n '1s/^# surfc //p' "$1")
	file=
	[ -f "$top/tests/golden/$name.surf" ] && file=$name.surf
	(
		cd "$top/tests/golden" &&
		eval "\"\$SURFC\" $args $file" >"$out/$name.out" 2>&1
		echo "[exit $?]" >>"$out/$name.out"
	)
	if [ "${UPDATE:-}" = 1 ]; then
		{ sed -n 1p "$1"; cat "$out/$name.out"; } >"$1.new" && mv "$1.new" "$1"
	fi
	sed 1d "$1" >"$out/$name.want"
	if cmp -s "$out/$name.want" "$out/$name.out"; then
		pass "golden/$name"
	else
		fail "golden/$name"
		diff -u "$out/$name.want" "$out/$name.out" | head -40
	fi
}

want golden && for t in "$top"/tests/golden/*.expect; do
	golden "$t"
done

# Every sample parses and passes the type-free checks.
want samples && for s in "$top"/samples/*.surf; do
	if "$SURFC" --check --no-types "$s" >"$out/sample.out" 2>&1; then
		pass "samples/$(basename "$s")"
	else
		fail "samples/$(basename "$s")"
		cat "$out/sample.out"
	fi
done

# A mutation run over the samples: no input may crash or hang the parser.
if ! want mutate; then
	:
elif [ -n "$MUTATE" ]; then
	if MUTATE_BTF=$KBTF "$MUTATE" 4000 "$top"/samples/*.surf "$top"/tests/golden/*.surf \
		>"$out/mutate.out" 2>&1; then
		pass "mutate ($(tail -n 1 "$out/mutate.out"))"
	else
		fail "mutate"
		tail -n 20 "$out/mutate.out"
	fi
else
	skipped=$((skipped + 1))
	echo "skip mutate (MUTATE not set)"
fi

want limits && . "$top/tests/limits.sh"

# The libFuzzer target for FUZZ_TIME seconds from the seed corpus (new
# inputs go to tests/out/fuzz-corpus, not into the tree); a crash, leak,
# sanitizer report or 10 s input fails the run and names the reproducer.
if ! want fuzz; then
	:
elif [ -n "${FUZZ:-}" ]; then
	case $FUZZ in /*) ;; *) FUZZ=$top/$FUZZ ;; esac
	mkdir -p "$out/fuzz-corpus"
	if SURFC_FUZZ_BTF=$KBTF "$FUZZ" -max_total_time="${FUZZ_TIME:-60}" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/fuzz-" "$out/fuzz-corpus" \
		"$top/tests/fuzz/corpus" </dev/null >"$out/fuzz.log" 2>&1; then
		pass "fuzz ($(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$out/fuzz.log") inputs in ${FUZZ_TIME:-60} s, $(grep -o \
			'cov: [0-9]* ft: [0-9]*' "$out/fuzz.log" | tail -n 1))"
	else
		fail "fuzz"
		grep -E 'ERROR|SUMMARY|runtime error' "$out/fuzz.log" | head -n 5
		for r in "$out"/fuzz-*; do
			[ -f "$r" ] && echo "reproducer: $r (run: $FUZZ $r)"
		done
	fi
else
	skipped=$((skipped + 1))
	echo "skip fuzz (FUZZ not set)"
fi

for t in "$top"/tests/sh/*.sh; do
	[ -f "$t" ] || continue
	want "$(basename "$t" .sh)" sh || continue
	. "$t"
done

# Real kprobes: Debian's kernels in qemu guests (tests/e2e/).
if ! want e2e; then
	:
elif command -v qemu-system-x86_64 >/dev/null 2>&1; then
	. "$top/tests/e2e/run.sh"
	e2e_all
else
	skipped=$((skipped + 1))
	echo "skip e2e (no qemu-system-x86_64: make deps installs it)"
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
