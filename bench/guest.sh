#!/bin/sh
# bench/guest.sh: the generated script's costs on real kprobes, in Debian's
# own kernels under qemu (TCG) with a busybox-only guest (issue 8, items 2
# and 5). Each part runs in ONE guest boot, so its ratios compare like
# with like.
#
#   sh bench/guest.sh [arm|drain|all] [N...] [SURFC=path] [ARCH=amd64|arm64|both]
#                     [DUR=s] [BUFKB=kb]
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
#   all    both (the default).
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
LOADS='ip b16' READERS='cat script-o script-redirect script-wc'
for a in "$@"; do
	case $a in
	arm | drain | all) mode=$a ;;
	SURFC=*) SURFC=${a#SURFC=} ;;
	ARCH=amd64 | ARCH=arm64 | ARCH=both) arch=${a#ARCH=} ;;
	DUR=*) DUR=${a#DUR=} ;;
	BUFKB=*) BUFKB=${a#BUFKB=} ;;
	PINGS=*) PINGS=${a#PINGS=} ;;
	SMP_ARM=*) SMP_ARM=${a#SMP_ARM=} ;;
	LOADS=*) LOADS=${a#LOADS=} ;;
	READERS=*) READERS=${a#READERS=} ;;
	[1-9]*) ns="$ns $a" ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/guest.sh: unknown argument '$a' (-h: usage)" >&2; exit 2 ;;
	esac
done
case "$DUR$BUFKB$PINGS$SMP_ARM$ns" in *[!0-9\ ]*) echo "bench/guest.sh: numbers only in N, DUR, BUFKB" >&2; exit 2 ;; esac
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
sh /bench/driver.sh
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
cat "$out/report.txt"
echo
echo "bench/guest.sh $mode: $(($(date +%s) - t0)) s in all"
exit $rc
