#!/bin/sh
# bench/guest.sh: the generated script's costs on real kprobes, in Debian's
# own kernels under qemu (TCG) with a busybox-only guest (issue 8, items 2
# and 5). Each part runs in ONE guest boot, so its ratios compare like
# with like.
#
#   sh bench/guest.sh [arm|drain|fleet|all] [N...] [SURFC=path]
#                     [ARCH=amd64|arm64|both] [DUR=s] [BUFKB=kb]
#                     [REPS=n] [DRYREPS=n] [DWARF=0|1] [ARG=text] [FAMILIES=re]
#                     [COUNT=n]
#
#   arm    A. arming and disarming N kprobes (default N: 20 100 500) on
#          distinct functions: the script (from its start until all its
#          events are enabled; from SIGTERM until it has exited) against
#          the same writes by hand in busybox sh (mkdir, a definition, a
#          filter and an enable each; disable, remove, rmdir).
#          ARCH: amd64 (default) = Debian 6.1 amd64; arm64 = 6.1 arm64;
#          both. Types from the BTF in each kernel image.
#   drain  B. a hot probe with a converted field (ip_ under a ping flood
#          on loopback, b16_ under "dd bs=1"), DUR seconds (5) of load,
#          BUFKB (1408) per CPU, in 6.1 amd64: events delivered and lost
#          (overrun + dropped in the instance's per_cpu stats) for the
#          script with -o FILE, > FILE and | wc -l, against plain
#          "cat trace_pipe > FILE" of the same definition armed by hand.
#   fleet  C. one script for many kernels: arming and disarming N kprobes
#          (as arm does, 6.1 amd64, SMP_ARM vCPUs) with the script compiled
#          for this kernel alone, for 7 kernels (this one, 6.1 arm64,
#          amd64-generic and amd64-rt, 6.12 amd64: BTF; 6.1 ppc64el and
#          s390x: DWARF, DWARF=0 leaves them out) and for 20 (this one and
#          the 19 others of bench/fleet.sh's cache/fleet/: run that first);
#          this kernel is the last listed in both. Each run REPS times (3),
#          the order of the three scripts turned each time; the medians.
#          Also "sh SCRIPT -n" in the guest (the kernel chosen by its
#          release: parsing, choosing, loading the texts, printing the
#          writes), DRYREPS times (5) in a row. The probes: "p FUNCTION
#          ARG" (ARG: a=%0, the first argument, whose definition differs
#          by arch; ARG= for bare probes, the same text on every kernel),
#          on the guest's cold functions in FAMILIES (a regex of name
#          prefixes: BTF, SysV IPC, TCP, UDP, IPv6, xfrm; not msg_ and mq_,
#          which printk and the block layer use too; arm's ACPI and ext4
#          functions are not in ppc64el's and s390x's vmlinux, nor ext4's
#          in the generic and rt kernels, where it is a module),
#          keeping those that compile for every kernel, in the guest's
#          order. What the 7- and 20-kernel scripts armed (kprobe_events,
#          less the run's group) must be what the 1-kernel one armed.
#   agg    D. counting in the kernel against streaming, in 6.1 amd64 (1
#          vCPU, one boot): dd reads COUNT (1000000) bytes one at a time,
#          with no probe, with a vfs_read probe filtered on dd that counts
#          in the kernel (h:), the same probe streamed to -o FILE (BUFKB a
#          CPU), and a latency probe (l) on vfs_read: dd's time, and what
#          was counted or delivered, and lost.
#   all    arm and drain (the default).
#
# More knobs: PINGS=2 ping floods at once (the ip load); LOADS='ip b16'
# and READERS='cat script-o script-redirect script-wc' choose the drain
# runs; DRAIN_LIMIT=SECONDS bounds the drain guest (converting a large
# -o FILE after the run takes minutes under TCG). "all" takes about 8 min
# (ARCH=both: 14 min).
# SMP_ARM=1: the arm guest's vCPUs (the drain guest has 2: the load and
# the reader). With 2, one 6.1 amd64 guest locked up arming 500 kprobes
# by hand under TCG; with 1 there is no cross-CPU code patching.
# The arm times come from polling (0.05 s steps) the instance's group
# "enable" file: one read of a tracefs file, no fork.
#
# SURFC is the surfc binary that compiles the scripts (default: ./surfc
# of this tree); its runtime is the one measured. The guest's function
# list is cached in cache/bench/ (one extra boot the first time).
# Work files: tests/out/bench/. Needs qemu-system-x86_64 (and -aarch64).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
SURFC=$top/surfc
mode=all ns='' arch='' DUR=5 BUFKB=1408 PINGS=2 SMP_ARM=1
REPS=3 DRYREPS=5 DWARF=1 ARG='a=%0'
FAMILIES='^(btf|ipc|sem|shm|tcp|udp|ip6|ipv6|xfrm)_[a-z0-9_]+$'
LOADS='ip b16' READERS='cat script-o script-redirect script-wc' COUNT=1000000
for a in "$@"; do
	case $a in
	arm | drain | fleet | agg | all) mode=$a ;;
	REPS=*) REPS=${a#REPS=} ;;
	DRYREPS=*) DRYREPS=${a#DRYREPS=} ;;
	DWARF=0 | DWARF=1) DWARF=${a#DWARF=} ;;
	ARG=*) ARG=${a#ARG=} ;;
	FAMILIES=*) FAMILIES=${a#FAMILIES=} ;;
	SURFC=*) SURFC=${a#SURFC=} ;;
	ARCH=amd64 | ARCH=arm64 | ARCH=both) arch=${a#ARCH=} ;;
	DUR=*) DUR=${a#DUR=} ;;
	BUFKB=*) BUFKB=${a#BUFKB=} ;;
	PINGS=*) PINGS=${a#PINGS=} ;;
	SMP_ARM=*) SMP_ARM=${a#SMP_ARM=} ;;
	LOADS=*) LOADS=${a#LOADS=} ;;
	READERS=*) READERS=${a#READERS=} ;;
	COUNT=*) COUNT=${a#COUNT=} ;;
	[1-9]*) ns="$ns $a" ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/guest.sh: unknown argument '$a' (-h: usage)" >&2; exit 2 ;;
	esac
done
case "$DUR$BUFKB$PINGS$SMP_ARM$REPS$DRYREPS$COUNT$ns" in *[!0-9\ ]*) echo "bench/guest.sh: numbers only in N, DUR, BUFKB" >&2; exit 2 ;; esac
: "${ns:= 20 100 500}"
: "${arch:=amd64}"
case $SURFC in /*) ;; *) SURFC=$(pwd)/$SURFC ;; esac
[ -x "$SURFC" ] || { echo "bench/guest.sh: no surfc at $SURFC (make)" >&2; exit 2; }
out=$top/tests/out/bench
mkdir -p "$out" "$top/cache/bench"
log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# kernel ARCH: sets img, bb, tflags, rel, march for Debian 6.1 on ARCH.
kernel() {
	if ! { img=$(sh "$top/tests/kernels.sh" image 6.1 "$1") &&
		bb=$(sh "$top/tests/kernels.sh" busybox 6.1 "$1") &&
		btf=$(sh "$top/tests/kernels.sh" btf 6.1 "$1") &&
		rel=$(sh "$top/tests/kernels.sh" release 6.1 "$1"); }; then
		die "cannot get Debian's 6.1 $1 kernel"
	fi
	case $1 in amd64) march=x86_64 ;; *) march=aarch64 ;; esac
	tflags="--btf $btf --kernel-release $rel --arch $march"
}

# boot ARCH DIR TIMEOUT CONF CPUS: boots the kernel with DIR/root (plus busybox,
# the driver and CONF as /bench/conf) as its initramfs; the console, less
# its \r and escapes, goes to DIR/console.txt.
boot() {
	dir=$2
	mkdir -p "$dir/root/bin" "$dir/root/bench" "$dir/root/proc" "$dir/root/sys" \
		"$dir/root/dev" "$dir/root/tmp"
	cp "$bb" "$dir/root/bin/busybox"
	cp "$top/bench/guest-driver.sh" "$dir/root/bench/driver.sh"
	printf '%s\n' "$4" >"$dir/root/bench/conf"
	cat >"$dir/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
if [ -f /bench/main.sh ]; then sh /bench/main.sh; else sh /bench/driver.sh; fi
echo BENCH-DONE
poweroff -f
INIT
	chmod +x "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$dir/initrd.gz"
	b0=$(date +%s)
	: >"$dir/console.log"
	if [ "$1" = amd64 ]; then
		timeout "$3" qemu-system-x86_64 -nographic -no-reboot -m 2048 -smp "$5" \
			-kernel "$img" -initrd "$dir/initrd.gz" \
			-append "console=ttyS0 quiet panic=-1" >"$dir/console.log" 2>&1 &
	else
		timeout "$3" qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic \
			-no-reboot -m 2048 -smp "$5" -kernel "$img" -initrd "$dir/initrd.gz" \
			-append "console=ttyAMA0 quiet panic=-1" >"$dir/console.log" 2>&1 &
	fi
	qemu=$!
	# A guest kernel that locked up (seen once with 2 vCPUs while arming
	# 500 kprobes: CPU 0 in the shell's write, CPU 1 never answering)
	# ends the boot at once rather than at the timeout.
	while kill -0 $qemu 2>/dev/null; do
		if grep -q 'soft lockup\|self-detected stall' "$dir/console.log"; then
			log "the $1 guest kernel locked up: $(grep -m 1 'soft lockup\|self-detected stall' "$dir/console.log" | tr -d '\r')"
			kill $qemu
			break
		fi
		sleep 2
	done
	wait $qemu
	boot_secs=$(($(date +%s) - b0))
	tr -d '\r' <"$dir/console.log" |
		sed 's/^.*\(RESULT \)/\1/; s/^.*\(NOTE \)/\1/; s/^.*\(FUNC \)/\1/; s/^.*\(BENCH\)/\1/' >"$dir/console.txt"
	grep '^NOTE ' "$dir/console.txt" | sed 's/^NOTE /bench: guest: /' >&2
	grep -q '^BENCH-DONE' "$dir/console.txt" || {
		log "the $1 guest did not finish in $3 s (${boot_secs} s): $dir/console.txt"
		tail -n 15 "$dir/console.txt" >&2
		return 1
	}
}

# funcs ARCH: the cached list of cold, probeable functions of the guest
# kernel (from its available_filter_functions), in $funcs.
funcs() {
	funcs=$top/cache/bench/funcs-$rel.txt
	[ -s "$funcs" ] && return 0
	log "listing the functions of $rel (one boot)"
	rm -rf "$out/list-$1"
	boot "$1" "$out/list-$1" 300 "MODE=list" 1 || die "cannot list the functions"
	sed -n 's/^FUNC \([A-Za-z0-9_]*\)$/\1/p' "$out/list-$1/console.txt" >"$funcs.tmp"
	[ "$(wc -l <"$funcs.tmp")" -ge 100 ] || die "too few functions in $out/list-$1/console.txt"
	mv "$funcs.tmp" "$funcs"
}

# compile NAME SURF DIR: DIR/root/bench/NAME.sh, and NAME.hand: the
# definitions surfc -S shows, as "LETTER EVENT TARGET-AND-ARGS".
compile() {
	# shellcheck disable=SC2086
	"$SURFC" $tflags -o "$3/root/bench/$1.sh" "$2" 2>"$3/$1.err" ||
		{ cat "$3/$1.err" >&2; die "cannot compile $2"; }
	# shellcheck disable=SC2086
	"$SURFC" $tflags -S "$2" 2>/dev/null |
		sed -n "s/^echo '\([pr]\):[^/ ]*\/\([^ ]*\) \(.*\)' >> kprobe_events\$/\1 \2 \3/p" \
			>"$3/root/bench/$1.hand"
}

# ---- A. arming ----

bench_arm() {
	a=$1 failed=0
	kernel "$a"
	funcs "$a"
	dir=$out/arm-$a
	rm -rf "$dir"
	mkdir -p "$dir/root/bench"
	# The functions surfc knows (BTF leaves some out), in the list's order.
	sed 's/^/p /' "$funcs" >"$dir/all.surf"
	# shellcheck disable=SC2086
	"$SURFC" $tflags --check "$dir/all.surf" 2>&1 |
		sed -n 's/^.*all\.surf:\([0-9]*\):[0-9]*: error:.*/\1/p' | sort -un >"$dir/bad"
	awk -v badfile="$dir/bad" 'BEGIN { while ((getline l <badfile) > 0) bad[l] = 1 }
		!(FNR in bad)' "$dir/all.surf" >"$dir/good.surf"
	limit=120
	for n in $ns; do
		[ "$(wc -l <"$dir/good.surf")" -ge "$n" ] ||
			die "only $(wc -l <"$dir/good.surf") usable functions in $funcs for $n probes"
		head -n "$n" "$dir/good.surf" >"$dir/arm-$n.surf"
		compile "arm-$n" "$dir/arm-$n.surf" "$dir"
		[ "$(wc -l <"$dir/root/bench/arm-$n.hand")" = "$n" ] ||
			die "surfc -S did not show $n definitions for $dir/arm-$n.surf"
		limit=$((limit + n * 2))
	done
	log "arm: $a, N =$ns, $SMP_ARM vCPU(s) (timeout $limit s)"
	boot "$a" "$dir" "$limit" "MODE=arm
NS='$ns'" "$SMP_ARM" || failed=1
	log "arm: $a guest took $boot_secs s"
	{
		echo
		echo "A. arming and disarming N kprobes, Debian $rel, $SMP_ARM vCPU(s), in one boot ($boot_secs s)"
		echo "   script: $SURFC"
		awk '$1 == "RESULT" && $2 == "arm" { t[$3, $4] = $5; d[$3, $4] = $6; if (!($4 in seen)) { seen[$4] = 1; ns[++k] = $4 } }
		function s(cs) { return cs == "" ? "-" : sprintf("%.2f", cs / 100) }
		function r(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.1fx", a / b) }
		END {
			printf "   %6s  %12s %12s %7s   %14s %14s %7s\n", "probes", "script arm", "by hand arm", "ratio", "script disarm", "by hand disarm", "ratio"
			for (i = 1; i <= k; i++) {
				n = ns[i]
				printf "   %6d  %10s s %10s s %7s   %12s s %12s s %7s\n", n,
					s(t["script", n]), s(t["hand", n]), r(t["script", n], t["hand", n]),
					s(d["script", n]), s(d["hand", n]), r(d["script", n], d["hand", n])
			}
		}' "$dir/console.txt"
	} >>"$out/report.txt"
	return $failed
}

# ---- B. drain under load ----

bench_drain() {
	failed=0
	kernel amd64
	dir=$out/drain-amd64
	rm -rf "$dir"
	mkdir -p "$dir/root/bench"
	for load in ip b16; do
		compile "drain-$load" "$top/bench/drain-$load.surf" "$dir"
		[ "$(wc -l <"$dir/root/bench/drain-$load.hand")" = 1 ] ||
			die "surfc -S did not show the definition of bench/drain-$load.surf"
	done
	limit=${DRAIN_LIMIT:-$((120 + 8 * (DUR + 12)))}
	log "drain: amd64, $DUR s of load a run, $BUFKB KB a CPU (timeout $limit s)"
	boot amd64 "$dir" "$limit" "MODE=drain
DUR=$DUR
BUFKB=$BUFKB
PINGS=$PINGS
LOADS='$LOADS'
READERS='$READERS'" 2 || failed=1
	log "drain: the guest took $boot_secs s"
	{
		echo
		echo "B. drain under load, Debian $rel, 2 vCPUs, $DUR s of load a run, $BUFKB KB a CPU, in one boot ($boot_secs s)"
		echo "   script: $SURFC"
		echo "   ip:  p ip_rcv ip_src= ip_dst= ($PINGS x ping -A 127.0.0.1); b16: p vfs_write b16_x=%2 (dd bs=1 to /dev/null)"
		echo "   lost: overrun + dropped in the instance at the end of the load; unread: still in the"
		echo "   buffer when the reader was stopped (up to 3 s later); events: delivered + lost + unread"
		echo "   (the load competes with the reader for the CPUs); delivered/s: over the load's time"
		awk -v dur="$DUR" '$1 == "RESULT" && $2 == "drain" {
			k = $3 SUBSEP $4; del[k] = $5; lost[k] = $6; unread[k] = $7; secs[k] = $8 / 100
		}
		function row(load, rd, label,    k, c) {
			k = load SUBSEP rd; c = load SUBSEP "cat"
			if (!(k in del)) { printf "   %-4s %-24s %10s\n", load, label, "(no result)"; return }
			printf "   %-4s %-24s %10d %10d %10d %8d %11.0f %8s\n", load, label, del[k] + lost[k] + unread[k], del[k], lost[k], unread[k],
				(secs[k] > 0 ? del[k] / secs[k] : 0),
				(rd == "cat" || !(c in del) || del[c] == 0) ? "" : sprintf("%.1f%%", 100 * del[k] / del[c])
		}
		END {
			printf "   %-4s %-24s %10s %10s %10s %8s %11s %8s\n", "load", "reader", "events", "delivered", "lost", "unread", "delivered/s", "vs cat"
			for (l = 1; l <= 2; l++) {
				load = l == 1 ? "ip" : "b16"
				row(load, "cat", "cat trace_pipe > FILE")
				row(load, "script-o", "script -o FILE")
				row(load, "script-redirect", "script > FILE")
				row(load, "script-wc", "script | wc -l")
			}
		}' "$dir/console.txt"
	} >>"$out/report.txt"
	return $failed
}

# ---- D. counting in the kernel ----

bench_agg() {
	failed=0
	kernel amd64
	dir=$out/agg-amd64
	rm -rf "$dir"
	mkdir -p "$dir/root/bench"
	for run in hist stream lat; do
		compile "agg-$run" "$top/bench/agg-$run.surf" "$dir"
	done
	log "agg: amd64, dd of $COUNT bytes, one at a time"
	boot amd64 "$dir" 1800 "MODE=agg
COUNT=$COUNT
BUFKB=$BUFKB" 1 || failed=1
	log "agg: the guest took $boot_secs s"
	{
		echo
		echo "D. counting in the kernel against streaming, Debian $rel, 1 vCPU, one boot ($boot_secs s)"
		echo "   dd if=/dev/zero of=/dev/null bs=1 count=$COUNT: each read a hit of p vfs_read f:comm==\"dd\""
		echo "   counted: the table's hits (h:, l) or the lines delivered (stream, -o FILE, $BUFKB KB a CPU)"
		awk '$1 == "RESULT" && $2 == "agg" { t[$3] = $4 / 100; n[$3] = $5; l[$3] = $6 }
		END {
			printf "   %-28s %8s %8s %10s %10s\n", "run", "dd", "vs none", "counted", "lost"
			split("none hist stream lat", runs, " ")
			names["none"] = "no probe"; names["hist"] = "h:keys=count (in the kernel)"
			names["stream"] = "streamed to -o FILE"; names["lat"] = "l vfs_read (latency)"
			for (i = 1; i <= 4; i++) {
				r = runs[i]
				if (!(r in t)) { printf "   %-28s (no result)\n", names[r]; continue }
				printf "   %-28s %7.2fs %7.2fx %10d %10d\n", names[r], t[r],
					(t["none"] > 0 ? t[r] / t["none"] : 0), n[r], l[r]
			}
		}' "$dir/console.txt"
	} >>"$out/report.txt"
	return $failed
}

# ---- C. one script for many kernels ----

# fleet_kernels: k7 and k20, the surfc arguments of the 7 and 20 kernels
# (this one last in each); k7names, k20names their releases.
fleet_kernels() {
	k7='' k7names=''
	for sa in "6.1 arm64" "6.1 amd64-generic" "6.1 amd64-rt" "6.12 amd64"; do
		# shellcheck disable=SC2086
		if ! { b=$(sh "$top/tests/kernels.sh" btf $sa) &&
			r=$(sh "$top/tests/kernels.sh" release $sa); }; then
			die "cannot get Debian's $sa kernel"
		fi
		k7="$k7 --btf $b --kernel-release $r" k7names="$k7names $r"
	done
	if [ "$DWARF" = 1 ]; then
		for a in ppc64el s390x; do
			v=$(sh "$top/tests/kernels.sh" dbg 6.1 "$a") || die "cannot get Debian's 6.1 $a vmlinux"
			k7="$k7 --vmlinux $v" k7names="$k7names $(sh "$top/tests/kernels.sh" release 6.1 "$a")"
		done
	fi
	k7="$k7 --btf $btf --kernel-release $rel" k7names="$k7names $rel"
	# bench/fleet.sh's kernels, less this one (a release listed twice is
	# taken silently, and the first listed wins at run time).
	k20='' k20names='' nk=0
	for d in "$top"/cache/fleet/linux-image-*-unsigned; do
		[ -f "$d/.done" ] || continue
		r=$(cat "$d/release")
		[ "$r" != "$rel" ] || continue
		case " $k20names " in *" $r "*) continue ;; esac
		[ "$nk" -lt 19 ] || break
		k20="$k20 --btf $d/btf --kernel-release $r" k20names="$k20names $r"
		nk=$((nk + 1))
	done
	[ "$nk" = 19 ] || die "only $nk other kernels in cache/fleet/ (sh bench/fleet.sh fetches them)"
	k20="$k20 --btf $btf --kernel-release $rel" k20names="$k20names $rel"
	# shellcheck disable=SC2086
	set -- $k7names
	nk7=$#
}

# fleet_compile NAME FLAGS SURF DIR: DIR/root/bench/NAME.sh; checks that
# this kernel's release is in it once, and that its dry run for this
# kernel makes the 1-kernel script's writes.
fleet_compile() {
	# shellcheck disable=SC2086
	"$SURFC" $2 -o "$4/root/bench/$1.sh" "$3" 2>"$4/$1.err" ||
		{ cat "$4/$1.err" >&2; die "cannot compile $3 for $1"; }
	[ "$(grep -c "^kernel_[0-9]*_release='$rel'\$" "$4/root/bench/$1.sh")" = 1 ] ||
		die "$1.sh does not hold $rel exactly once"
	sh "$4/root/bench/$1.sh" -n -K "$rel" >"$4/$1.dry" 2>&1 || die "sh $1.sh -n -K $rel failed"
	case $1 in
	k1/*) ;;
	*) cmp -s "$4/k1/${1#*/}.dry" "$4/$1.dry" ||
		die "$1.sh's writes for $rel differ from the 1-kernel script's ($4/$1.dry)" ;;
	esac
}

bench_fleet() {
	failed=0
	kernel amd64
	fleet_kernels
	dir=$out/fleet-amd64
	rm -rf "$dir"
	mkdir -p "$dir/root/bench/k1" "$dir/root/bench/k$nk7" "$dir/root/bench/k20" \
		"$dir/k1" "$dir/k$nk7" "$dir/k20"
	fleet_main >"$dir/root/bench/main.sh"
	# The guest's cold functions in FAMILIES (one boot the first time).
	ffuncs=$top/cache/bench/fleet-funcs-$rel-$(printf '%s' "$FAMILIES" | cksum | cut -d' ' -f1).txt
	if [ ! -s "$ffuncs" ]; then
		log "fleet: listing the functions of $rel in $FAMILIES (one boot)"
		boot amd64 "$dir" 300 "MODE=fleetlist
FAMILIES='$FAMILIES'" 1 || die "cannot list the functions"
		sed -n 's/^FUNC \([A-Za-z0-9_]*\)$/\1/p' "$dir/console.txt" >"$ffuncs.tmp"
		[ "$(wc -l <"$ffuncs.tmp")" -ge 100 ] || die "too few functions in $dir/console.txt"
		mv "$ffuncs.tmp" "$ffuncs"
	fi
	# Those every kernel takes: the lines with an error on none.
	awk -v arg="$ARG" '{ print "p " $1 (arg == "" ? "" : " " arg) }' "$ffuncs" >"$dir/all.surf"
	for flags in "$tflags" "$k7" "$k20"; do
		# shellcheck disable=SC2086
		"$SURFC" --max-errors 0 $flags --check "$dir/all.surf" 2>&1 |
			sed -n 's/^.*all\.surf:\([0-9]*\):[0-9]*: error:.*/\1/p'
	done | sort -un >"$dir/bad"
	awk -v badfile="$dir/bad" 'BEGIN { while ((getline l <badfile) > 0) bad[l] = 1 }
		!(FNR in bad)' "$dir/all.surf" >"$dir/good.surf"
	ngood=$(wc -l <"$dir/good.surf")
	# shellcheck disable=SC2086
	nall=$(printf '%s\n' $k7names $k20names | sort -u | wc -l)
	log "fleet: $(wc -l <"$ffuncs") functions of $rel in FAMILIES, $ngood taken by all $nall kernels"
	limit=180
	for n in $ns; do
		[ "$ngood" -ge "$n" ] || die "only $ngood usable functions for $n probes"
		head -n "$n" "$dir/good.surf" >"$dir/fleet-$n.surf"
		fleet_compile "k1/arm-$n" "$tflags" "$dir/fleet-$n.surf" "$dir"
		fleet_compile "k$nk7/arm-$n" "$k7" "$dir/fleet-$n.surf" "$dir"
		fleet_compile "k20/arm-$n" "$k20" "$dir/fleet-$n.surf" "$dir"
		# The first probe's event, for the driver's armed().
		# shellcheck disable=SC2086
		"$SURFC" $tflags -S "$dir/fleet-$n.surf" 2>/dev/null |
			sed -n "s/^echo '\([pr]\):[^/ ]*\/\([^ ]*\) \(.*\)' >> kprobe_events\$/\1 \2 \3/p" \
				>"$dir/root/bench/fleet-$n.hand"
		[ "$(wc -l <"$dir/root/bench/fleet-$n.hand")" = "$n" ] ||
			die "surfc -S did not show $n definitions for $dir/fleet-$n.surf"
		limit=$((limit + n * (REPS + 1)))
	done
	log "fleet: 1, $nk7 and 20 kernels, N =$ns, $REPS runs each, $SMP_ARM vCPU(s) (timeout $limit s)"
	boot amd64 "$dir" "$limit" "MODE=fleet
NS='$ns'
KS='1 $nk7 20'
REPS=$REPS
DRYREPS=$DRYREPS" "$SMP_ARM" || failed=1
	log "fleet: the guest took $boot_secs s"
	{
		echo
		echo "C. one script for many kernels: arming and disarming N kprobes, Debian $rel, $SMP_ARM vCPU(s),"
		echo "   in one boot ($boot_secs s); medians of $REPS runs (the three scripts in turn); dry: sh SCRIPT -n"
		echo "   in the guest, a run (of $DRYREPS in a row). script: $SURFC"
		echo "   probes: \"p FUNCTION${ARG:+ $ARG}\" on the first N of $ngood functions (of $(wc -l <"$ffuncs") in FAMILIES) that all $nall kernels take"
		echo "   $nk7 kernels:$k7names"
		echo "   20 kernels:$k20names"
		for n in $ns; do
			for k in 1 "$nk7" 20; do
				f=$dir/root/bench/k$k/arm-$n.sh
				echo "SIZE $k $n $(wc -c <"$f") $(grep -c '^text_' "$f")"
			done
		done | cat - "$dir/console.txt" | awk '
		$1 == "SIZE" { bytes[$2, $3] = $4; texts[$2, $3] = $5; next }
		$1 == "RESULT" && $2 == "fleet" { arm[$3, $4] = arm[$3, $4] " " $5; dis[$3, $4] = dis[$3, $4] " " $6; if (!($4 in seen)) { seen[$4] = 1; ns[++nn] = $4 } if (!($3 in kseen)) { kseen[$3] = 1; ks[++nk] = $3 } }
		$1 == "RESULT" && $2 == "dry" { dry[$3, $4] = $5 / $6 }
		$1 == "RESULT" && $2 == "same" { same[$3, $4] = $5 }
		$1 == "RESULT" && $2 == "def" { def[$3, $4] = substr($0, index($0, $5)) }
		function median(list,    v, m, i, j, t) {
			m = split(list, v, " ")
			if (m == 0) return ""
			for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
		}
		function s(cs) { return cs == "" ? "-" : sprintf("%.2f s", cs / 100) }
		function r(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2fx", a / b) }
		END {
			printf "   %6s %7s  %9s %6s  %9s %6s  %9s %6s  %9s %5s  %s\n", "probes", "kernels", "arm", "ratio", "disarm", "ratio", "dry", "ratio", "bytes", "texts", "runs (arm)"
			for (i = 1; i <= nn; i++) {
				n = ns[i]
				a1 = median(arm[1, n]); d1 = median(dis[1, n])
				for (j = 1; j <= nk; j++) {
					k = ks[j]
					a = median(arm[k, n]); d = median(dis[k, n])
					printf "   %6d %7d  %9s %6s  %9s %6s  %7.0f ms %6s  %9d %5d  %s\n", n, k, s(a), r(a, a1), s(d), r(d, d1),
						dry[k, n] * 10, r(dry[k, n], dry[1, n]), bytes[k, n], texts[k, n], arm[k, n]
				}
			}
			for (i = 1; i <= nn; i++) for (j = 1; j <= nk; j++) {
				n = ns[i]; k = ks[j]
				if (k != 1 && same[k, n] != "yes") printf "   N=%d, %d kernels: kprobe_events NOT the 1-kernel script%ss\n", n, k, "\047"
			}
			n = ns[1]
			for (j = 1; j <= nk; j++) if ((ks[j], n) in def) printf "   first definition armed, %2d kernels: %s\n", ks[j], def[ks[j], n]
		}'
	} >>"$out/report.txt"
	return $failed
}

# fleet_main: the guest's /bench/main.sh for MODE fleet and fleetlist. It
# takes the driver's helpers (cs, first_event, armed, leftovers); with
# these MODEs the driver does nothing itself. Prints:
#   RESULT fleet K N ARM_CS DISARM_CS   RESULT dry K N CS RUNS
#   RESULT same K N yes|no              RESULT def K N DEFINITION
fleet_main() {
	cat <<'MAIN'
#!/bin/sh
. /bench/driver.sh

if [ "$MODE" = fleetlist ]; then
	mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
	bl=/sys/kernel/debug/kprobes/blacklist
	[ -r $bl ] || bl=/dev/null
	awk -v re="$FAMILIES" 'FILENAME == ARGV[1] { bad[$2] = 1; next }
		NF == 1 && $1 ~ re && !($1 in bad) && !seen[$1]++ { print "FUNC " $1 }' \
		"$bl" "$T"/available_filter_functions
	exit 0
fi

# fleet_run K N: k$K/arm-$N.sh from its start until its N events are
# enabled; what it armed (kprobe_events, less the group) and events that
# came while arming, then from SIGTERM until it has exited.
fleet_run() {
	k=$1 n=$2
	first_event fleet-"$n".hand
	cs; t0=$now
	sh ./k"$k"/arm-"$n".sh -q -o /dev/null 2>/tmp/arm.err &
	pid=$!
	if armed 'surfc_*' "$n" $((n * 200 + 6000)) $pid; then
		cs; t1=$now
		sed 's/^\([pr]\):[^/]*\//\1:/' "$T"/kprobe_events >/tmp/kpe-"$k"-"$n"
		hits=$(cat "$inst"/per_cpu/cpu*/stats | awk '/^(entries|overrun|read events):/ { s += $NF } END { print s + 0 }')
		[ "$hits" = 0 ] || note "$k kernels, N=$n: $hits events while arming"
		cs; t2=$now
		kill -TERM $pid
		wait $pid
		cs; t3=$now
		echo "RESULT fleet $k $n $((t1 - t0)) $((t3 - t2))"
	else
		kill -TERM $pid 2>/dev/null
		wait $pid
		head -5 /tmp/arm.err
	fi
	leftovers "fleet $k $n"
}

# The scripts' order turns each round: 1 7 20, 7 20 1, 20 1 7.
order=$KS
r=1
while [ $r -le "$REPS" ]; do
	for n in $NS; do
		for k in $order; do
			fleet_run "$k" "$n"
		done
		if [ $r = 1 ]; then
			for k in $KS; do
				[ -f /tmp/kpe-"$k"-"$n" ] || continue
				echo "RESULT def $k $n $(head -n 1 /tmp/kpe-"$k"-"$n")"
				if cmp -s /tmp/kpe-1-"$n" /tmp/kpe-"$k"-"$n"; then
					echo "RESULT same $k $n yes"
				else
					echo "RESULT same $k $n no"
				fi
			done
		fi
	done
	set -- $order
	first=$1
	shift
	order="$* $first"
	r=$((r + 1))
done

# Dry runs: the script's own work, no tracefs.
for n in $NS; do
	for k in $KS; do
		cs; t0=$now
		i=0
		while [ $i -lt "$DRYREPS" ]; do
			sh ./k"$k"/arm-"$n".sh -n >/dev/null 2>/tmp/dry.err || note "sh k$k/arm-$n.sh -n: $(head -n 1 /tmp/dry.err)"
			i=$((i + 1))
		done
		cs
		echo "RESULT dry $k $n $((now - t0)) $DRYREPS"
	done
done
MAIN
}

t0=$(date +%s)
: >"$out/report.txt"
rc=0
case $mode in
arm | all)
	case $arch in
	both) bench_arm amd64 || rc=1; bench_arm arm64 || rc=1 ;;
	*) bench_arm "$arch" || rc=1 ;;
	esac ;;
esac
case $mode in
drain | all) bench_drain || rc=1 ;;
esac
[ "$mode" != fleet ] || bench_fleet || rc=1
[ "$mode" != agg ] || bench_agg || rc=1
cat "$out/report.txt"
echo
echo "bench/guest.sh $mode: $(($(date +%s) - t0)) s in all"
exit $rc
