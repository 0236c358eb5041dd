# tests/limits.sh: sourced by tests/run.sh (suite "limits"). Inputs too
# big or too odd for a golden file: sizes that must stay linear, nesting
# that must not recurse, outputs that cannot be written, input that is not
# text. Each check asserts the exact diagnostic and the exit status.

lim=$out/limits
mkdir -p "$lim"

# Runs surfc with a time limit; stdout+stderr go to $lim/$1.out, the
# status to $lim/$1.status. $1 = name, $2 = seconds, then the arguments.
lim_run() {
	name=$1 secs=$2
	shift 2
	timeout "$secs" "$SURFC" "$@" >"$lim/$name.out" 2>&1 </dev/null
	echo $? >"$lim/$name.status"
}

# $1 = name, $2 = expected status, $3 = expected first line of the output.
lim_expect() {
	got_status=$(cat "$lim/$1.status")
	got_line=$(sed -n 1p "$lim/$1.out")
	if [ "$got_status" = "$2" ] && [ "$got_line" = "$3" ]; then
		pass "limits/$1"
	else
		fail "limits/$1"
		echo "  want: [exit $2] $3"
		echo "  got:  [exit $got_status] $(head -c 300 "$lim/$1.out")"
	fi
}

# -- scaling: each was quadratic or worse (4,000 identical probes took
# 42 s; 100,000 distinct 18 s; 120,000 arguments 19.6 s). Linear, they
# take a second at most under ASan; 6 s leaves room for a loaded machine
# and still catches the quadratic versions.
awk 'BEGIN { for (i = 0; i < 20000; i++) print "p vfs_read x=%di" }' \
	>"$lim/same.surf"
lim_run same 6 --no-types -S "$lim/same.surf"
lim_expect same 0 "# $lim/same.surf:1: p vfs_read x=%di"
if [ "$(grep -c "^echo 'p:surfc/vfs_read_19999 " "$lim/same.out")" != 1 ]; then
	fail "limits/same-names"
else
	pass "limits/same-names"
fi

awk 'BEGIN { for (i = 0; i < 100000; i++) printf "p f%d x=%%di\n", i }' \
	>"$lim/distinct.surf"
lim_run distinct 6 --no-types --check "$lim/distinct.surf"
lim_expect distinct 0 ""

awk 'BEGIN { printf "p vfs_read"; for (i = 0; i < 120000; i++)
	printf " a%d=%%di", i; print "" }' >"$lim/args.surf"
lim_run args 6 --no-types --check "$lim/args.surf"
lim_expect args 1 "$lim/args.surf:1:1054: error: more than 128 arguments; the kernel's limit is 128"

# 100,000 errors: stored and sorted in linear time, 50 printed.
awk 'BEGIN { for (i = 0; i < 100000; i++) print "q f" }' >"$lim/errors.surf"
lim_run errors 20 --no-types --check "$lim/errors.surf"
lim_expect errors 1 "$lim/errors.surf:1:1: error: unknown probe kind 'q'; a probe starts with p (entry), r (return), e (event), P (user entry), R (user return), l (latency), g (call graph), U (USDT marker), f (fprobe), t (tracepoint), E (event probe)"
if [ "$(tail -n 1 "$lim/errors.out")" = \
	"surfc: error: too many errors: 99950 more not shown (--max-errors=50)" ] &&
	[ "$(grep -c ': error: ' "$lim/errors.out")" = 51 ]; then
	pass "limits/max-errors-default"
else
	fail "limits/max-errors-default"
	tail -n 2 "$lim/errors.out"
fi

# -- recursion: a 600 KB filter of 100,000 '||' terms, 100,000 nested
# parentheses, 100,000 '!': errors, not a stack overflow.
awk 'BEGIN { printf "p vfs_read x=%%di f:x==1"; for (i = 1; i < 100000; i++)
	printf "||x==1"; print "" }' >"$lim/oror.surf"
lim_run oror 20 --no-types --check "$lim/oror.surf"
lim_expect oror 1 "$lim/oror.surf:1:20: error: filter nested 100000 deep (each term of a '||' or '&&' chain is a level); surfc's limit is 1000"
lim_run oror-ast 20 --dump-ast "$lim/oror.surf"
lim_expect oror-ast 1 "probe p @1:1-600017"

awk 'BEGIN { printf "p vfs_read x="; for (i = 0; i < 100000; i++)
	printf "+0("; printf "%%di"; for (i = 0; i < 100000; i++) printf ")";
	print "" }' >"$lim/parens.surf"
lim_run parens 20 --no-types --check "$lim/parens.surf"
lim_expect parens 1 "$lim/parens.surf:1:316: error: parentheses nested more than 100 deep"

awk 'BEGIN { printf "p vfs_read x=%%di f:"; for (i = 0; i < 100000; i++)
	printf "!"; print "x==1" }' >"$lim/bang.surf"
lim_run bang 20 --no-types --check "$lim/bang.surf"
lim_expect bang 1 "$lim/bang.surf:1:10014: error: nested too deep for surfc's parser (10000 levels); the rest of $lim/bang.surf is not read"

# -- input that is not a probe file.
lim_run zero 20 --no-types --check /dev/zero
lim_expect zero 1 "/dev/zero: error: cannot read: it is larger than 16 MiB; probe files are text"
head -c 17000000 /dev/zero | timeout 20 "$SURFC" --no-types --check - \
	>"$lim/stdin.out" 2>&1
echo $? >"$lim/stdin.status"
lim_expect stdin 1 "-: error: cannot read: it is larger than 16 MiB; probe files are text"

lim_run binary 20 --no-types --check /bin/ls
if [ "$(cat "$lim/binary.status")" = 1 ] &&
	[ "$(wc -c <"$lim/binary.out")" -lt 40000 ] &&
	! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$lim/binary.out"; then
	pass "limits/binary (50 errors, no control bytes)"
else
	fail "limits/binary"
fi

# -- every line of JSON diagnostics parses, whatever the input's bytes.
if command -v python3 >/dev/null 2>&1; then
	lim_run json 20 --no-types --check --max-errors 0 \
		--diagnostics-format=json /bin/ls "$top/tests/golden/diag-control.surf"
	if python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    json.loads(line.decode("utf-8"))
    n += 1
assert n > 100, n
' "$lim/json.out"; then
		pass "limits/json-valid"
	else
		fail "limits/json-valid"
	fi
else
	fail "limits/json-valid: no python3 (make deps installs it)"
fi

# -- output that cannot be written is an error, in every mode.
for mode in script -S --dump-ast --help; do
	case $mode in
	script) set -- --no-types -e 'p vfs_read' ;;
	--help) set -- --help ;;
	*) set -- --no-types "$mode" -e 'p vfs_read' ;;
	esac
	"$SURFC" "$@" >/dev/full 2>"$lim/full$mode.out"
	echo $? >"$lim/full$mode.status"
	lim_expect "full$mode" 1 "surfc: error: cannot write to stdout: No space left on device"
done
lim_run full-o 20 --no-types -S -e 'p vfs_read' -o /dev/full
lim_expect full-o 1 "/dev/full: error: cannot write: No space left on device"

# -- a long target a thousand times: the suffix _1000 must not push the
# event name past the kernel's 63 characters.
awk 'BEGIN { for (i = 0; i < 1200; i++)
	print "p f_23456789_123456789_123456789_123456789_123456789_123456789" }' \
	>"$lim/long.surf"
lim_run long 20 --no-types -S "$lim/long.surf"
longest=$(sed -n "s|^echo 'p:surfc/\([^ ]*\) .*|\1|p" "$lim/long.out" |
	awk '{ if (length($0) > n) n = length($0) } END { print n }')
if [ "$(cat "$lim/long.status")" = 0 ] && [ "$longest" = 63 ]; then
	pass "limits/long-names"
else
	fail "limits/long-names (longest event name: $longest)"
fi

# -- a file name with a newline would start a command in the script's
# comments (and in -S): refused.
nl_name="$lim/$(printf 'x\necho PWNED\n.surf')"
echo 'p vfs_read' >"$nl_name"
lim_run newline-name 20 --no-types -S "$nl_name"
lim_expect newline-name 1 "$lim/x\\x0aecho PWNED\\x0a.surf: error: cannot read: its name holds a control character (a newline?); rename it"
rm -f "$nl_name"
