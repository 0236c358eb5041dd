#!/bin/sh
# bench/compile.sh [SURFC]: the ten probes of bench/ten-probes.surf
# compiled against the Debian 6.1 cloud kernel's BTF and its DWARF vmlinux,
# and perf probe -k VMLINUX -D on the same ten (ten-probes.perf: perf has
# no casts or packet views, so lines 6 and 10 read a plain member there).
# Prints wall times, the ratios, and surfc's peak memory on DWARF.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
surfc=${1:-$top/surfc}
btf=$(sh "$top/tests/kernels.sh" btf 6.1 amd64)
vmlinux=$(sh "$top/tests/kernels.sh" dbg 6.1 amd64)
probes=$top/bench/ten-probes.surf

now() { date +%s%N; }
ms() { echo "$1" | awk '{ printf "%.1f", $1 / 1e6 }'; }

# Mean wall time of N runs of a command, in ns.
mean() {
	n=$1
	shift
	t0=$(now)
	i=0
	while [ $i -lt "$n" ]; do
		"$@" >/dev/null 2>&1 || { echo "bench: $* failed" >&2; exit 1; }
		i=$((i + 1))
	done
	echo $(( ($(now) - t0) / n ))
}

"$surfc" -S --btf "$btf" "$probes" >/dev/null
t_btf=$(mean 20 "$surfc" -S --btf "$btf" "$probes")
t_dwarf=$(mean 5 "$surfc" -S --vmlinux "$vmlinux" "$probes")
rss=$(/usr/bin/time -f %M "$surfc" -S --vmlinux "$vmlinux" "$probes" 2>&1 >/dev/null | tail -n 1)
t0=$(now)
while read -r line; do
	perf probe -k "$vmlinux" -D "$line" >/dev/null 2>&1 ||
		{ echo "bench: perf probe -D '$line' failed" >&2; exit 1; }
done <"$top/bench/ten-probes.perf"
t_perf=$(( $(now) - t0 ))

echo "ten probes, Debian $(basename "$vmlinux" | sed 's/^vmlinux-//')"
echo "surfc, BTF:          $(ms "$t_btf") ms"
echo "surfc, DWARF:        $(ms "$t_dwarf") ms (peak memory $((rss / 1024)) MB)"
echo "perf probe -D:       $(ms "$t_perf") ms ($(ms $((t_perf / 10))) ms a probe)"
awk -v p="$t_perf" -v b="$t_btf" -v d="$t_dwarf" 'BEGIN {
	printf "perf / surfc BTF:    %.0fx\nperf / surfc DWARF:  %.0fx\n", p / b, p / d }'
