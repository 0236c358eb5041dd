#!/bin/sh
# bench/script.sh [SURFC]: the generated script's costs, on this machine's
# tracefs (root; uprobes):
#   1. arm + disarm of a 20-probe script, against the same definitions,
#      filters and enables written with plain echo, in the same run;
#   2. lines per second through the awk converter against plain cat.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
surfc=${1:-$top/surfc}
T=/sys/kernel/tracing
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -g -O0 -o "$tmp/target" "$top/tests/live/target.c"
now() { date +%s%N; }

i=1
while [ $i -le 20 ]; do
	echo "p:p$i $tmp/target:process x=+0(%di):s32 nm=+4(%di):string"
	i=$((i + 1))
done >"$tmp/twenty.surf"
"$surfc" --no-types -o "$tmp/twenty.sh" "$tmp/twenty.surf"

# The script: from start until all 20 are enabled, then from SIGTERM
# until it has exited (everything removed).
t0=$(now)
sh "$tmp/twenty.sh" -q -o /dev/null &
pid=$!
until [ "$(cat "$T/instances/surfc_$pid"/events/surfc_$pid/*/enable 2>/dev/null | grep -c 1)" = 20 ]; do :; done
t1=$(now)
kill -TERM $pid
wait $pid || true
t2=$(now)

# The same writes by hand.
off=$(sed -n "s/^S1_REST='[^:]*:\(0x[0-9a-f]*\).*/\1/p" "$tmp/twenty.sh")
g=handmade
t3=$(now)
mkdir "$T/instances/$g"
i=1
while [ $i -le 20 ]; do
	echo "p:$g/p$i $tmp/target:$off x=+0(%di):s32 nm=+4(%di):string" >>"$T/uprobe_events"
	i=$((i + 1))
done
i=1
while [ $i -le 20 ]; do
	echo "common_pid!=$$" >"$T/instances/$g/events/$g/p$i/filter"
	echo 1 >"$T/instances/$g/events/$g/p$i/enable"
	i=$((i + 1))
done
t4=$(now)
i=1
while [ $i -le 20 ]; do
	echo 0 >"$T/instances/$g/events/$g/p$i/enable"
	echo "-:$g/p$i" >>"$T/uprobe_events"
	i=$((i + 1))
done
rmdir "$T/instances/$g"
t5=$(now)

ms() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }
echo "20 uprobes, arm:    script $(ms $((t1 - t0))) ms, echo by hand $(ms $((t4 - t3))) ms"
echo "20 uprobes, disarm: script $(ms $((t2 - t1))) ms, echo by hand $(ms $((t5 - t4))) ms"

# 2. The converter: 300,000 lines, a third of them with fields to convert.
awk 'BEGIN {
	for (i = 0; i < 100000; i++) {
		printf "   target-%d  [001] ..... %d.%06d: p1: (0x1159) x=%d nm=\"item\"\n", 1000 + i % 7, i / 1000, i % 1000000, i
		printf "   target-%d  [001] ..... %d.%06d: conv: (0x1159) ip_src=0x%x b16_port=0x%x\n", 1000 + i % 7, i / 1000, i % 1000000, i * 2654435761 % 4294967296, i % 65536
		printf "   other-%d  [000] ..... %d.%06d: sched_switch: prev_comm=x prev_pid=%d\n", 2000 + i % 5, i / 1000, i % 1000000, i
	}
}' >"$tmp/stream"
lines=300000
awkprog=$(sed -n "s/^SURFC_AWK='\(.*\)/\1/p" "$tmp/twenty.sh" >/dev/null; cat "$top/runtime-sh/convert.awk")
rate() { awk -v l=$lines -v t="$1" 'BEGIN { printf "%.0f", l / (t / 1e9) }'; }
t0=$(now); cat "$tmp/stream" >/dev/null; t1=$(now)
for a in awk "busybox awk"; do
	t2=$(now)
	# shellcheck disable=SC2086
	$a -v convs="conv:ip_src=ip,b16_port=b16;" -v big=0 "$awkprog" "$tmp/stream" >/dev/null
	t3=$(now)
	echo "stream, $lines lines: cat $(rate $((t1 - t0))) lines/s, converter ($a) $(rate $((t3 - t2))) lines/s"
done
