#!/bin/sh
# tests/run.sh: every test of surfc. Ends with one line "N passed, N failed"
# (", N skipped" when something was skipped).
#
#   SURFC=path   the compiler under test (default ./surfc)
#   MUTATE=path  the mutation harness (tests/mutate.c), if built
#   UPDATE=1     rewrite the expectations of the cases named, and only
#                those: golden/NAME's .expect, script_shells's
#                tests/script/shells.expect, hist_awk's tests/hist/*.expect,
#                graph_awk's tests/graph/*.expect. With no case named, or
#                with any other suite, it refuses (exit 2) and runs nothing.
#   FUZZ=path    the libFuzzer target (tests/fuzz/), if built
#   FUZZ_TIME=N  seconds it runs for (default 60)
#
#   sh tests/run.sh [SUITE|CASE...]   runs only what is named (default: all):
#   golden, samples, mutate, fuzz, limits, sh (every tests/sh/*.sh) or one
#   of them by name (script_shells, types_compare, live, ...; live_script
#   brings live, whose helpers it uses), e2e;
#   golden/NAME (tests/golden/NAME.expect) and samples/FILE.surf name one
#   case, as the ok and FAIL lines do; a name that is no suite or case is a
#   failure ("FAIL no such case: golden/NAME"). offline: what needs neither
#   a kernel from cache/ (tests/kernels.sh, which may download) nor qemu
#   nor root: the golden cases whose "# surfc" line names neither $KBTF nor
#   $KDWARF, samples, limits, and the tests/sh files that use neither
#   (nor tests/kernels.sh) and are not live*.sh (the machine's tracefs, as
#   root: name them to add them). mutate and fuzz use the 6.1 BTF. The
#   6.1 kernel's BTF and DWARF are fetched only when something selected
#   uses them (with offline alone, never).
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
passed=0 failed=0 skipped=0

pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
}

# arg_kind ARG: sets kind to golden (case golden/$n), sample (case
# samples/$n), suite, or none, the name of nothing.
arg_kind() {
	case $1 in
	golden/*)
		n=${1#golden/}
		n=${n%.expect}
		kind=golden
		case $n in ""|*/*) kind=none ;; esac
		[ -f "$top/tests/golden/$n.expect" ] || kind=none ;;
	samples/*)
		n=${1#samples/}
		n=${n%.surf}.surf
		kind=sample
		case $n in .surf|*/*) kind=none ;; esac
		[ -f "$top/samples/$n" ] || kind=none ;;
	all|golden|samples|mutate|limits|fuzz|sh|e2e|offline)
		kind=suite ;;
	""|*/*)
		kind=none ;;
	*)
		kind=none
		[ -f "$top/tests/sh/$1.sh" ] && kind=suite ;;
	esac
}

# The arguments: suites (" golden limits "), cases (" golden/arch-arm
# samples/raw.surf "); UPDATE=1 takes golden cases, script_shells, hist_awk and graph_awk only.
[ $# -eq 0 ] && set -- all
suites=" " cases=" " updatable=0 others=0
for arg in "$@"; do
	arg_kind "$arg"
	case $kind in
	golden) cases="${cases}golden/$n " ;;
	sample) cases="${cases}samples/$n " ;;
	suite) suites="$suites$arg " ;;
	esac
	case $kind:$arg in
	golden:*|none:golden/*|suite:script_shells|suite:hist_awk|suite:graph_awk) updatable=$((updatable + 1)) ;;
	*) others=$((others + 1)) ;;
	esac
done
# live_script.sh uses live.sh's helpers (live_setup, live_clean, ...):
# alone it would run nothing and pass.
case $suites in
*" live_script "*) case $suites in *" live "*) ;; *) suites="${suites}live " ;; esac ;;
esac
if [ "${UPDATE:-}" = 1 ] && { [ "$updatable" = 0 ] || [ "$others" != 0 ]; }; then
	echo "tests/run.sh: UPDATE=1 rewrites only the expectations named: give" \
		"golden/NAME... script_shells, hist_awk or graph_awk, and no other suite or case" >&2
	exit 2
fi

# Is suite $1 (or its group $2: sh for a tests/sh file, offline) selected?
want() {
	case $suites in *" all "*|*" $1 "*) return 0 ;; esac
	[ -n "${2:-}" ] && case $suites in *" $2 "*) return 0 ;; esac
	return 1
}
# Is case $1 (golden/NAME, samples/FILE.surf) named?
named() {
	case $cases in *" $1 "*) return 0 ;; esac
	return 1
}
# Do golden case $1 (its "# surfc" line) and tests/sh file $1 use the 6.1
# kernel's types (or fetch a kernel themselves)?
golden_typed() { sed -n 1p "$1" | grep -q 'KBTF\|KDWARF'; }
sh_typed() { grep -q 'KBTF\|KDWARF\|kernels\.sh' "$1"; }
# Is golden case $1 (a .expect path) / tests/sh file $1 selected?
golden_wanted() {
	want golden || named "golden/$(basename "$1" .expect)" ||
		{ want offline && ! golden_typed "$1"; }
}
sh_wanted() {
	want "$(basename "$1" .sh)" sh && return 0
	want offline || return 1
	case $(basename "$1") in live*) return 1 ;; esac
	! sh_typed "$1"
}

rm -rf "$out" && mkdir -p "$out"

# A name that is no suite or case fails: a typo must not pass as a run of
# nothing.
for arg in "$@"; do
	arg_kind "$arg"
	[ "$kind" = none ] || continue
	case $arg in
	golden/*|samples/*) fail "no such case: $arg" ;;
	*) fail "no such suite: $arg" ;;
	esac
done

# Real kernels' types for the typed cases (fetched once, cached), only
# when something selected uses them.
kernels=0
for t in "$top"/tests/golden/*.expect; do
	golden_wanted "$t" && golden_typed "$t" && kernels=1
done
for t in "$top"/tests/sh/*.sh; do
	[ -f "$t" ] && sh_wanted "$t" && sh_typed "$t" && kernels=1
done
want mutate && [ -n "$MUTATE" ] && kernels=1
want fuzz && [ -n "${FUZZ:-}" ] && kernels=1
if [ "$kernels" = 1 ]; then
	KBTF=$(sh "$top/tests/kernels.sh" btf 6.1 amd64) || {
		fail "cannot get the 6.1 kernel's BTF"; summary; exit 1; }
	KDWARF=$(sh "$top/tests/kernels.sh" dbg 6.1 amd64) || {
		fail "cannot get the 6.1 kernel's DWARF"; summary; exit 1; }
	KBTF612=$(sh "$top/tests/kernels.sh" btf 6.12 amd64) || {
		fail "cannot get the 6.12 kernel's BTF"; summary; exit 1; }
	export KBTF KDWARF KBTF612
fi

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
	if [ "${UPDATE:-}" = 1 ] && named "golden/$name"; then
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

for t in "$top"/tests/golden/*.expect; do
	golden_wanted "$t" && golden "$t"
done

# Every sample parses and passes the type-free checks.
for s in "$top"/samples/*.surf; do
	want samples offline || named "samples/$(basename "$s")" || continue
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

want limits offline && . "$top/tests/limits.sh"

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
	sh_wanted "$t" || continue
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

summary
[ "$failed" -eq 0 ]
