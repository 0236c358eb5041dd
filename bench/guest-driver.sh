#!/bin/sh
# bench/guest-driver.sh: runs in a busybox guest booted by bench/guest.sh,
# next to the compiled scripts (/bench). /bench/conf sets:
#   MODE   "list", or "arm", "drain" and/or "agg"
#   NS     the probe counts to arm (arm-N.sh, arm-N.hand)
#   DUR    seconds of load a drain run   BUFKB  per-CPU buffer of every run
#   PINGS  ping floods at once (ip load) LOADS, READERS  drain runs to do
# Prints one line a result, parsed by bench/guest.sh:
#   RESULT arm script|hand N ARM_CS DISARM_CS         (centiseconds)
#   RESULT drain LOAD READER DELIVERED LOST UNREAD LOAD_CS
#   RESULT agg RUN DD_CS COUNTED LOST                  (COUNT: dd's reads)
#   FUNC NAME                                          (MODE list)
#   NOTE text                                          (problems)
# A *.hand file has a line a probe: "LETTER NAME TARGET-AND-ARGS", the
# definition the script writes, with the group left out.
#
# Nothing here knows the runtime's variables: a script's instance is found
# as instances/surfc_*, its group as the events directory that holds its
# first probe's event, its end as its exit.
# shellcheck disable=SC1091
T=/sys/kernel/tracing
cd /bench || exit 1
. /bench/conf
: "${MODE:=arm}" "${NS:=20 100}" "${DUR:=5}" "${BUFKB:=1408}" "${PINGS:=2}"
: "${LOADS:=ip b16}" "${READERS:=cat script-o script-redirect script-wc}"
: "${COUNT:=1000000}" "${AGGRUNS:=none hist stream lat}"

note() { echo "NOTE $*"; }

# cs: now = /proc/uptime in centiseconds (busybox date has no %N).
cs() {
	read -r now rest </proc/uptime
	now=${now%.*}${now#*.}
	while :; do
		case $now in 0?*) now=${now#0} ;; *) break ;; esac
	done
}

mount -t tracefs nodev $T 2>/dev/null
[ -f $T/kprobe_events ] || { note "no kprobe_events"; exit 1; }

# ---- list: the functions the arm probes may use ----
# Cold ones, that ftrace can hook and that are not on the kprobe
# blacklist: ACPICA's interpreter, namespace, tables, resources and
# utilities (they run at boot and on ACPI events only), and ext4's and
# jbd2's (built in, and no ext4 file system in the guest).
list_functions() {
	mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
	bl=/sys/kernel/debug/kprobes/blacklist
	[ -r $bl ] || bl=/dev/null
	awk 'FILENAME == ARGV[1] { bad[$2] = 1; next }
		NF == 1 && $1 ~ /^(acpi_(ex|ds|ps|ns|tb|rs|ut)|ext4|jbd2)_[a-z0-9_]+$/ && !($1 in bad) && !seen[$1]++ {
			print "FUNC " $1
		}' $bl $T/available_filter_functions
}

# ---- helpers ----

# first_event FILE: ev = the event name of FILE's first probe.
first_event() {
	read -r letter ev rest <"$1"
}

count() { nargs=$#; }

# armed DIRGLOB N TIMEOUT_CS [PID]: waits until the group holding event
# $ev in an instance matching DIRGLOB has N events, all enabled. Sets inst
# (the instance) and grp. Fails on timeout, or when PID has exited.
armed() {
	cs; a0=$now
	while :; do
		grp=
		# shellcheck disable=SC2231 # $1 is a glob
		for gd in "$T/instances/"$1/events/*/"$ev"; do
			[ -d "$gd" ] && grp=${gd%/*}
		done
		if [ -n "$grp" ]; then
			read -r e <"$grp/enable"
			if [ "$e" = 1 ]; then
				count "$grp"/*/enable
				if [ "$nargs" -ge "$2" ]; then
					inst=${grp%/events/*}
					return 0
				fi
			fi
		fi
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
			note "run $4 ended before it was armed"
			return 1
		fi
		cs; a1=$now
		[ $((a1 - a0)) -lt "$3" ] || { note "not armed after $3 cs"; return 1; }
		sleep 0.05
	done
}

# Nothing may be left: no definitions, no instances.
leftovers() {
	if grep -q . $T/kprobe_events || [ -n "$(ls $T/instances)" ]; then
		note "left behind after $1: $(cat $T/kprobe_events) $(ls $T/instances)"
		# Clear the way for the next run.
		for d in "$T"/instances/*; do
			[ -d "$d" ] || continue
			echo 0 >"$d/events/enable"
			rmdir "$d"
		done
		echo >$T/kprobe_events
	fi
}

# hand_define FILE GROUP: the definitions, one append each.
hand_define() {
	while read -r letter name rest; do
		echo "$letter:$2/$name $rest" >>$T/kprobe_events ||
			note "cannot define $letter:$2/$name $rest"
	done <"$1"
}

# hand_each FILE WHAT: for each event NAME of FILE, writes WHAT into
# $E/NAME/filter|enable (WHAT: filter, on, off), or removes the
# definitions (WHAT: remove GROUP).
hand_each() {
	while read -r letter name rest; do
		case $2 in
		filter) echo "common_pid!=$$&&common_pid!=$rd" >"$E/$name/filter" ;;
		on) echo 1 >"$E/$name/enable" ;;
		off) echo 0 >"$E/$name/enable" ;;
		remove) echo "-:$3/$name" >>$T/kprobe_events ;;
		esac
	done <"$1"
}

# ---- A. arming ----

# The script from its start until all N events are enabled; then from
# SIGTERM until it has exited.
arm_script() {
	n=$1
	first_event arm-"$n".hand
	cs; t0=$now
	sh ./arm-"$n".sh -q -o /dev/null 2>/tmp/arm.err &
	pid=$!
	if armed 'surfc_*' "$n" $((n * 200 + 6000)) $pid; then
		cs; t1=$now
		kill -TERM $pid
		wait $pid
		cs; t2=$now
		echo "RESULT arm script $n $((t1 - t0)) $((t2 - t1))"
	else
		kill -TERM $pid 2>/dev/null
		wait $pid
		head -5 /tmp/arm.err
	fi
	leftovers "arm script $n"
}

# The same writes by hand, in the script's order: instance, definitions,
# a reader, filters, enables; then disables, the reader, removals, rmdir.
arm_hand() {
	n=$1 g=bench_hand
	H=$T/instances/$g E=$T/instances/$g/events/$g
	cs; t0=$now
	mkdir "$H"
	hand_define arm-"$n".hand $g
	cat "$H/trace_pipe" >/dev/null &
	rd=$!
	hand_each arm-"$n".hand filter
	hand_each arm-"$n".hand on
	cs; t1=$now
	hand_each arm-"$n".hand off
	kill "$rd"
	wait "$rd"
	hand_each arm-"$n".hand remove $g
	rmdir "$H"
	cs; t2=$now
	echo "RESULT arm hand $n $((t1 - t0)) $((t2 - t1))"
	leftovers "arm by hand $n"
}

# ---- B. drain under load ----

load_start() {
	loadpid=
	case $1 in
	ip)
		# PINGS floods at once (each waits for its reply).
		i=1
		while [ $i -lt "$PINGS" ]; do
			ping -A -q 127.0.0.1 >/dev/null 2>&1 &
			loadpid="$loadpid $!"
			i=$((i + 1))
		done
		ping -A -q 127.0.0.1 >/dev/null 2>&1 & ;;
	b16) dd if=/dev/zero of=/dev/null bs=1 2>/dev/null & ;;
	esac
	loadpid="$loadpid $!"
}

# stats: lost (overrun + dropped) and unread (entries) of $inst.
stats() {
	read -r lost unread <<EOF
$(cat "$inst"/per_cpu/cpu*/stats 2>/dev/null | awk '
		/^overrun:/ { o += $2 } /^dropped events:/ { d += $3 } /^entries:/ { e += $2 }
		END { print o + d, e + 0 }')
EOF
}

# drain LOAD READER: READER is script-o (-o FILE), script-redirect
# (> FILE), script-wc (| wc -l) or cat (cat trace_pipe > FILE, armed by
# hand). Arms, runs the load DUR s, reads the losses, gives the reader
# up to 3 s to empty the buffer, stops, counts the lines.
drain() {
	load=$1 reader=$2
	hand=drain-$load.hand
	first_event "$hand"
	rm -f /tmp/drain.out /tmp/drain.count /tmp/spid
	glob='surfc_*'
	case $reader in
	script-o)
		sh ./drain-"$load".sh -q -b "$BUFKB" -o /tmp/drain.out &
		pid=$! ;;
	script-redirect)
		sh ./drain-"$load".sh -q -b "$BUFKB" >/tmp/drain.out &
		pid=$! ;;
	script-wc)
		(sh ./drain-"$load".sh -q -b "$BUFKB" & echo $! >/tmp/spid; wait) |
			wc -l >/tmp/drain.count &
		pipe=$!
		while [ ! -s /tmp/spid ]; do sleep 0.05; done
		read -r pid </tmp/spid ;;
	cat)
		g=bench_hand glob=bench_hand
		H=$T/instances/$g E=$T/instances/$g/events/$g
		mkdir "$H"
		echo "$BUFKB" >"$H/buffer_size_kb"
		hand_define "$hand" $g
		cat "$H/trace_pipe" >/tmp/drain.out &
		rd=$!
		pid=$rd
		hand_each "$hand" filter
		hand_each "$hand" on ;;
	esac
	if ! armed "$glob" 1 6000 "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		leftovers "drain $load $reader"
		return
	fi
	cs; t0=$now
	load_start "$load"
	sleep "$DUR"
	# shellcheck disable=SC2086
	kill $loadpid
	# shellcheck disable=SC2086
	wait $loadpid 2>/dev/null
	cs; t1=$now
	stats
	lostload=$lost
	i=0
	while [ $i -lt 15 ] && [ "$unread" != 0 ]; do
		sleep 0.2
		stats
		i=$((i + 1))
	done
	case $reader in
	cat)
		hand_each "$hand" off
		kill "$rd"
		wait "$rd"
		hand_each "$hand" remove "$g"
		rmdir "$H" ;;
	*)
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null ;;
	esac
	if [ "$reader" = script-wc ]; then
		wait "$pipe"
		read -r delivered </tmp/drain.count
	else
		delivered=$(wc -l </tmp/drain.out)
	fi
	rm -f /tmp/drain.out
	echo "RESULT drain $load $reader $delivered $lostload $unread $((t1 - t0))"
	leftovers "drain $load $reader"
}

# ---- D. counting in the kernel against streaming ----

# agg_armed PID: until run PID has a trigger or an enabled event.
agg_armed() {
	i=0
	while [ $i -lt 600 ]; do
		grep -qs '^hist:' "$T"/instances/surfc_*/events/surfc_*/*/trigger && return 0
		grep -qs 1 "$T"/instances/surfc_*/events/surfc_*/*/enable && return 0
		kill -0 "$1" 2>/dev/null || { note "agg: run $1 ended before it was armed"; return 1; }
		sleep 0.05
		i=$((i + 1))
	done
	note "agg: not armed"
	return 1
}

# agg RUN: dd reads COUNT bytes one at a time (COUNT vfs_read hits by dd)
# with RUN armed: none (no probe), hist (agg-hist.sh: counted in the
# kernel), stream (agg-stream.sh -o FILE: each read an event), lat
# (agg-lat.sh: a kprobe, a kretprobe and a synthetic event a read).
# Prints dd's time, what was counted (the table's hits) or delivered (the
# file's lines), and what was lost (the script's overrun count, or the
# table's drops).
agg() {
	run=$1
	rm -f /tmp/agg.out /tmp/agg.err
	if [ "$run" != none ]; then
		sh ./agg-"$run".sh -b "$BUFKB" -o /tmp/agg.out 2>/tmp/agg.err &
		pid=$!
		agg_armed "$pid" || { wait "$pid"; leftovers "agg $run"; return; }
	fi
	cs; t0=$now
	dd if=/dev/zero of=/dev/null bs=1 count="$COUNT" 2>/dev/null
	cs; t1=$now
	counted=0 lost=0
	if [ "$run" != none ]; then
		kill -TERM "$pid"
		wait "$pid"
		case $run in
		stream)
			counted=$(grep -c ' vfs_read: ' /tmp/agg.out)
			lost=$(sed -n 's/^surfc: \([0-9]*\) events were lost.*/\1/p' /tmp/agg.err) ;;
		*)
			# "N hits, N entries, N dropped"
			read -r counted _ _ _ lost _ <<EOF
$(grep ' hits, ' /tmp/agg.out)
EOF
		esac
	fi
	echo "RESULT agg $run $((t1 - t0)) ${counted:-0} ${lost:-0}"
	rm -f /tmp/agg.out
	leftovers "agg $run"
}

echo "BENCH kernel $(uname -r) $(uname -m)"
case " $MODE " in
*" list "*) list_functions ;;
esac
case " $MODE " in
*" arm "*)
	for n in $NS; do
		arm_hand "$n"
		arm_script "$n"
	done ;;
esac
case " $MODE " in
*" agg "*)
	for run in $AGGRUNS; do
		agg "$run"
	done ;;
esac
case " $MODE " in
*" drain "*)
	ip link set lo up
	for load in $LOADS; do
		for reader in $READERS; do
			drain "$load" "$reader"
		done
	done ;;
esac
