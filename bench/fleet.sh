#!/bin/sh
# bench/fleet.sh [SURFC]: one script for a fleet of Debian 6.1 kernels.
#   1. fetches 20 Debian 6.1 kernel images (linux-image-6.1.0-N-FLAVOUR-
#      unsigned: cloud, generic and rt flavours of amd64 and arm64, several
#      ABIs N) with apt-get download into cache/fleet/ (git-ignored; kept),
#      and extracts each one's BTF and release; a package Debian no longer
#      has is skipped, and the next candidate taken;
#   2. compiles the same probes (tests/e2e/probes-*.surf and
#      samples/modern.surf) for 1, 3 and all the kernels: wall time (best
#      of 3), peak memory, the script's size, its distinct texts; and the
#      size of one single-kernel script a kernel, together;
#   3. shows a probe's fetchargs on the cloud, generic and rt amd64
#      flavours of one ABI (PREEMPT_RT changes task_struct);
#   4. times choosing the kernel on a target: sh SCRIPT -n -K RELEASE (a dry
#      run: picks the kernel, loads its texts, prints the writes) for the
#      fleet's script and a single kernel's, with dash and busybox ash
#      (best of 5).
# Needs apt (root; arm64 added as a foreign arch), lz4, zstd, xz, objcopy,
# /usr/bin/time, dash and busybox. Touches no tracefs.
# Lists of kernels and of arguments are split on blanks on purpose.
# shellcheck disable=SC2046,SC2086
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
surfc=${1:-$top/surfc}
cache=$top/cache/fleet
want=${FLEET_KERNELS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$cache"

log() { echo "fleet: $*" >&2; }
now() { date +%s%N; }
ms() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }

[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
dpkg --print-foreign-architectures | grep -qx arm64 || {
	dpkg --add-architecture arm64
	apt-get update -qq -o APT::Sandbox::User=root
}

# The candidates, in order: the first three make the 3-kernel case (the
# first, the 1-kernel one); ABI 55 is there only if one of the others is
# gone from Debian's archive.
candidates=
for n in 57 56 53; do
	for f in cloud-amd64 cloud-arm64 rt-amd64 amd64 arm64 rt-arm64; do
		candidates="$candidates 6.1.0-$n-$f"
	done
done
candidates="$candidates 6.1.0-50-cloud-amd64 6.1.0-47-cloud-amd64"
for f in cloud-amd64 cloud-arm64 rt-amd64 amd64 arm64 rt-arm64; do
	candidates="$candidates 6.1.0-55-$f"
done

# extract_btf IMAGE OUT: as the tests get it (tests/kernels.sh).
extract_btf() {
	sh "$top/tests/kernels.sh" extract-btf "$1" "$2"
}

# fetch KERNEL: downloads its package once into cache/fleet/PACKAGE/,
# keeps boot/vmlinuz-*, writes btf and release; fails if Debian lacks it.
fetch() {
	k=$1
	pkg=linux-image-$k-unsigned
	dir=$cache/$pkg
	[ -f "$dir/.done" ] && return 0
	apt-cache show "$pkg" >/dev/null 2>&1 || { log "no package $pkg"; return 1; }
	arch=${k##*-}
	spec=$pkg
	[ "$arch" = "$(dpkg --print-architecture)" ] || spec=$pkg:$arch
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$spec" >/dev/null 2>&1) ||
		{ log "apt-get download $spec failed"; rm -rf "$dir"; return 1; }
	deb=$(ls "$dir"/*.deb)
	du -k "$deb" | cut -f1 >"$dir/deb_kb"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards './boot/vmlinuz-*'
	rm -f "$deb"
	img=$(ls "$dir"/boot/vmlinuz-*)
	extract_btf "$img" "$dir/btf" || { log "no BTF in $img"; rm -rf "$dir"; return 1; }
	echo "${img##*/vmlinuz-}" >"$dir/release"
	touch "$dir/.done"
}

# 1. The kernels.
t0=$(now)
kernels='' got=0 dl_kb=0
for k in $candidates; do
	[ "$got" -lt "$want" ] || break
	fetch "$k" || continue
	kernels="$kernels $k"
	got=$((got + 1))
	dl_kb=$((dl_kb + $(cat "$cache/linux-image-$k-unsigned/deb_kb")))
done
t_fetch=$(( $(now) - t0 ))
[ "$got" -ge 3 ] || { log "only $got kernels"; exit 1; }
echo "kernels: $got of $want (packages: $((dl_kb / 1024)) MB; fetch and extraction this run: $(ms "$t_fetch") ms)"
for k in $kernels; do
	d=$cache/linux-image-$k-unsigned
	printf '  %-24s %-24s BTF %s bytes\n' "$k" "$(cat "$d/release")" "$(wc -c <"$d/btf")"
done

# args K...: --btf BTF --kernel-release R for each kernel named.
args() {
	for k; do
		d=$cache/linux-image-$k-unsigned
		printf '%s\n' --btf "$d/btf" --kernel-release "$(cat "$d/release")"
	done
}
release() { cat "$cache/linux-image-$1-unsigned/release"; }

# 2. The probes: every e2e probe file, and samples/modern.surf.
cat "$top"/tests/e2e/probes-*.surf "$top/samples/modern.surf" >"$tmp/probes.surf"
nprobes=$(grep -c '^[^#]' "$tmp/probes.surf")
set -- $(args $kernels)
partial=
if ! "$surfc" --check "$@" "$tmp/probes.surf" >"$tmp/check.err" 2>&1; then
	partial=--allow-partial
	log "some probes fail on some kernels: compiling with --allow-partial"
	sed 's/^/  /' "$tmp/check.err" | head -n 20 >&2
fi
echo "probes: $nprobes (tests/e2e/probes-*.surf, samples/modern.surf)${partial:+, $partial}"

# measure NAME K...: compiles for those kernels; prints a table row.
measure() {
	name=$1
	shift
	set -- $(args "$@")
	best=
	for _ in 1 2 3; do
		t0=$(now)
		"$surfc" $partial "$@" -o "$tmp/$name.sh" "$tmp/probes.surf" 2>/dev/null ||
			{ log "compiling for $name failed"; exit 1; }
		t=$(( $(now) - t0 ))
		[ -n "$best" ] && [ "$best" -le "$t" ] || best=$t
	done
	rss=$(/usr/bin/time -f %M "$surfc" $partial "$@" -o "$tmp/$name.sh" "$tmp/probes.surf" 2>&1 >/dev/null | tail -n 1)
	printf '| %s | %s ms | %s MB | %s | %s |\n' "$name" "$(ms "$best")" \
		"$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(wc -c <"$tmp/$name.sh")" "$(grep -c '^text_' "$tmp/$name.sh")"
}
set -- $kernels
first=$1
three="$1 $2 $3"
for k in $kernels; do last=$k; done
echo
echo "| kernels | compile (best of 3) | peak RSS | script bytes | texts |"
echo "| --- | --- | --- | --- | --- |"
measure 1 $first
measure 3 $three
measure "$got" $kernels
mv "$tmp/$got.sh" "$tmp/fleet.sh"
mv "$tmp/1.sh" "$tmp/single.sh"

# One single-kernel script a kernel, together.
sum=0 texts=0
for k in $kernels; do
	"$surfc" $partial $(args "$k") -o "$tmp/one.sh" "$tmp/probes.surf" 2>/dev/null
	sum=$((sum + $(wc -c <"$tmp/one.sh")))
	texts=$((texts + $(grep -c '^text_' "$tmp/one.sh")))
done
fleet_bytes=$(wc -c <"$tmp/fleet.sh")
echo
echo "$got single-kernel scripts together: $sum bytes, $texts texts;" \
	"the $got-kernel script: $fleet_bytes bytes" \
	"($(awk -v a="$sum" -v b="$fleet_bytes" 'BEGIN { printf "%.1f", a / b }')x smaller)"
# The kernels grouped by their definitions (the same text ids a probe).
echo "kernels with the same definitions:"
i=1
while [ $i -le "$got" ]; do
	r=$(sed -n "s/^kernel_${i}_release='\(.*\)'\$/\1/p" "$tmp/fleet.sh")
	v=$(sed -n "s/^kernel_${i}_rest='\(.*\)'\$/\1/p" "$tmp/fleet.sh")
	echo "$v|$r"
	i=$((i + 1))
done | sort -t'|' -k1,1 -k2,2V | awk -F'|' '
	$1 != prev { if (n) print "  " n ":" g; prev = $1; g = ""; n = 0 }
	{ g = g " " $2; n++ }
	END { print "  " n ":" g }'

# 3. One ABI's amd64 flavours: the same probe, different offsets.
abi=$(echo "$first" | sed 's/^\(6\.1\.0-[0-9]*\)-.*/\1/')
probe='p wake_up_new_task pid=%0->pid comm=%0->comm prio=%0->prio'
echo
echo "$probe"
for f in cloud-amd64 amd64 rt-amd64; do
	k=$abi-$f
	case " $kernels " in *" $k "*) ;; *) echo "  $k: not fetched"; continue ;; esac
	line=$("$surfc" -S $(args "$k") -e "$probe" | sed -n 's/^echo .p:[^ ]* \(.*\)'"'"' >> kprobe_events$/\1/p')
	printf '  %-22s %s\n' "$(release "$k")" "$line"
done

# 4. Choosing the kernel on a target: a dry run, best of 5, in ms.
# best5 SHELL SCRIPT RELEASE
best5() {
	best=
	for _ in 1 2 3 4 5; do
		t0=$(now)
		$1 "$2" -n -K "$3" >/dev/null 2>&1 || { log "$1 $2 -n -K $3 failed"; exit 1; }
		t=$(( $(now) - t0 ))
		[ -n "$best" ] && [ "$best" -le "$t" ] || best=$t
	done
	ms "$best"
}
echo
echo "| sh SCRIPT -n -K RELEASE | dash | busybox ash |"
echo "| --- | --- | --- |"
r1=$(release "$first") rl=$(release "$last")
echo "| 1-kernel script, $r1 | $(best5 dash "$tmp/single.sh" "$r1") ms | $(best5 'busybox sh' "$tmp/single.sh" "$r1") ms |"
echo "| $got-kernel script, $r1 (first) | $(best5 dash "$tmp/fleet.sh" "$r1") ms | $(best5 'busybox sh' "$tmp/fleet.sh" "$r1") ms |"
echo "| $got-kernel script, $rl (last) | $(best5 dash "$tmp/fleet.sh" "$rl") ms | $(best5 'busybox sh' "$tmp/fleet.sh" "$rl") ms |"
# The same writes whichever script: the fleet's picks what the single one has.
dash "$tmp/single.sh" -n -K "$r1" >"$tmp/a" 2>&1
dash "$tmp/fleet.sh" -n -K "$r1" >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b" || { log "the $got-kernel script's writes for $r1 differ from the single one's"; diff "$tmp/a" "$tmp/b" >&2 || true; exit 1; }
echo "(the $got-kernel script's writes for $r1 are the 1-kernel script's)"
