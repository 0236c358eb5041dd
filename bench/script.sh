#!/bin/sh
# bench/script.sh [SURFC]: the generated script's costs on this machine's
# tracefs (root; uprobes):
#   1. arming 100 and 500 uprobes: the script (from its start until its
#      banner, written once everything is enabled) against the same
#      definitions, filters and enables written by hand with echo;
#   2. draining a flood (a uprobe in a hot loop, 3 s): events delivered
#      and lost with plain cat (-r), with each awk converting behind cat on
#      a pipe, and with -o FILE (cat, then awk over the file).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
surfc=${1:-$top/surfc}
T=/sys/kernel/tracing
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -g -O0 -o "$tmp/target" "$top/tests/live/target.c"
now() { date +%s%N; }
ms() { awk -v n="$1" 'BEGIN { printf "%.0f", n / 1e6 }'; }

for n in 100 500; do
	i=1
	while [ $i -le $n ]; do
		echo "p:p$i $tmp/target:process x=+0(%di):s32 nm=+4(%di):string"
		i=$((i + 1))
	done >"$tmp/many.surf"
	"$surfc" --no-types -o "$tmp/many.sh" "$tmp/many.surf"
	t0=$(now)
	sh "$tmp/many.sh" -d 1 -o /dev/null 2>&1 >/dev/null | { read -r _; now >"$tmp/t1"; cat >/dev/null; }
	t1=$(cat "$tmp/t1")
	off=$(sed -n "s/^probe_1_rest='[^:]*:\(0x[0-9a-f]*\).*/\1/p" "$tmp/many.sh")
	g=handmade
	t2=$(now)
	mkdir "$T/instances/$g"
	i=1
	while [ $i -le $n ]; do
		echo "p:$g/p$i $tmp/target:$off x=+0(%di):s32 nm=+4(%di):string" >>"$T/uprobe_events"
		i=$((i + 1))
	done
	i=1
	while [ $i -le $n ]; do
		echo "common_pid!=$$" >"$T/instances/$g/events/$g/p$i/filter"
		echo 1 >"$T/instances/$g/events/$g/p$i/enable"
		i=$((i + 1))
	done
	t3=$(now)
	i=1
	while [ $i -le $n ]; do
		echo 0 >"$T/instances/$g/events/$g/p$i/enable"
		echo "-:$g/p$i" >>"$T/uprobe_events"
		i=$((i + 1))
	done
	rmdir "$T/instances/$g"
	echo "$n uprobes, arm: script $(ms $((t1 - t0))) ms, by hand $(ms $((t3 - t2))) ms"
done

# 2. A flood: process() called in a loop without pause.
cat >"$tmp/hot.c" <<'EOF'
#include <stdlib.h>
struct item { int x; char name[16]; long big; };
__attribute__((noinline)) int process(struct item *it) { return it->x; }
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	struct item it = {1000, "hot", 0};
	int s = 0;
	for (long i = 0; i < n; i++) {
		it.x = 1000 + (int)(i % 5);
		s += process(&it);
	}
	return s & 1;
}
EOF
cc -O0 -o "$tmp/hot" "$tmp/hot.c"
printf 'P %s:process ip_a=+0(%%di) b16_p=+0(%%di) x=+0(%%di):s32\n' "$tmp/hot" >"$tmp/flood.surf"
"$surfc" --no-types -o "$tmp/flood.sh" "$tmp/flood.surf"
# run_flood AWK ARGS...: the script for 3 s under a flood, with AWK as
# awk (bound over /usr/bin/awk in a private mount namespace); prints
# "delivered lost" (stdout lines, or -o FILE's).
run_flood() {
	awk_bin=$1
	shift
	"$tmp/hot" 100000000000 &
	tpid=$!
	rm -f "$tmp/out.txt"
	lines=$(unshare -m sh -c 'mount --bind /usr/bin/"$0" /usr/bin/awk && exec sh "$@"' \
		"$awk_bin" "$tmp/flood.sh" -d 3 "$@" 2>"$tmp/err" | wc -l)
	kill $tpid
	wait $tpid 2>/dev/null || true
	[ ! -f "$tmp/out.txt" ] || lines=$(wc -l <"$tmp/out.txt")
	lost=$(sed -n 's/^surfc: \([0-9]*\) events were lost.*/\1/p' "$tmp/err")
	echo "$lines ${lost:-0}"
}
set -- $(run_flood mawk -r)
echo "flood 3 s: cat (-r) to stdout: delivered $1, lost $2"
set -- $(run_flood mawk -r -o "$tmp/out.txt")
echo "flood 3 s: cat (-r) -o FILE: delivered $1, lost $2"
for a in mawk gawk original-awk busybox; do
	set -- $(run_flood $a)
	echo "flood 3 s: cat | $a to stdout: delivered $1, lost $2"
	set -- $(run_flood $a -o "$tmp/out.txt")
	echo "flood 3 s: cat -o FILE, then $a over it: delivered $1, lost $2"
done
