#!/bin/sh
# tests/e2e/driver.sh: runs in the guest, next to the compiled scripts.
# Prints "CASE NAME ok ..." or "CASE NAME FAIL ..." for each case.
T=/sys/kernel/tracing
cd /e2e || exit 1

ok() { echo "CASE $1 ok $2"; }
bad() { echo "CASE $1 FAIL $2"; }

# armed PID N: wait until run PID has N of its events enabled.
armed() {
	i=0
	while [ $i -lt 100 ]; do
		n=$(cat $T/instances/surfc_$1_*/events/surfc_$1_*/*/enable 2>/dev/null | grep -c 1)
		[ "$n" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# start CASE N CMD...: starts a run in the background (run = its pid) and
# waits until its N events are enabled.
start() {
	name=$1 n=$2
	shift 2
	"$@" &
	run=$!
	armed $run "$n" || bad "$name" "never armed"
}

# Nothing of any run may be left: no definitions, no instances. A run
# unmounts the tracefs it mounted: look through a mount of our own (the
# definitions outlive it), and leave none, so that each run mounts its own.
clean() {
	m=
	[ -e $T/kprobe_events ] || { mount -t tracefs nodev $T && m=1; }
	if [ ! -e $T/kprobe_events ]; then
		bad "$1-clean" "no tracefs to look at"
	elif grep -q surfc_ $T/kprobe_events $T/synthetic_events $T/uprobe_events $T/dynamic_events 2>/dev/null ||
		ls $T/instances | grep -q surfc_; then
		bad "$1-clean" "$(cat $T/kprobe_events $T/synthetic_events $T/uprobe_events $T/dynamic_events; ls $T/instances)"
	else
		ok "$1-clean" "no definitions, no synthetic events, no instances"
	fi
	[ -z "$m" ] || umount $T
}

# triggered PID N: wait until run PID has hist triggers on N events of
# its group (an aggregating probe is never enabled).
triggered() {
	i=0
	while [ $i -lt 100 ]; do
		n=$(grep -l '^hist:' $T/instances/surfc_$1_*/events/surfc_$1_*/*/trigger 2>/dev/null | grep -c .)
		[ "$n" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The known workloads of probes-agg.surf: 500 'read -r' of a one-line
# file by busybox-r (a shell reads a line a byte at a time), writes of
# 100 bytes (3), 1000 (5) and 5000 (7) by busybox-w.
agg_workload() {
	/tmp/busybox-r sh -c 'i=0; while [ $i -lt 500 ]; do read -r l </tmp/marker-file; i=$((i + 1)); done'
	/tmp/busybox-w dd if=/dev/zero of=/tmp/agg-w bs=100 count=3 2>/dev/null
	/tmp/busybox-w dd if=/dev/zero of=/tmp/agg-w bs=1000 count=5 2>/dev/null
	/tmp/busybox-w dd if=/dev/zero of=/tmp/agg-w bs=5000 count=7 2>/dev/null
}

# bucket FILE TITLE RANGE: the count at RANGE in the bars titled TITLE.
bucket() {
	awk -v t="$2" -v r="$3" '/^[^ ]/ { on = $0 == t ":"; next }
		on && index($0, "  " r " ") == 1 { split($0, f, "|"); n = split(f[1], w, " "); print w[n] }' "$1"
}

# bars_total FILE TITLE: the counts of the bars titled TITLE, summed.
bars_total() {
	awk -v t="$2" '/^[^ ]/ { on = $0 == t ":"; next }
		on && /\|/ { split($0, f, "|"); n = split(f[1], w, " "); s += w[n] }
		END { print s + 0 }' "$1"
}

case_agg() {
	cp /bin/busybox /tmp/busybox-r
	cp /bin/busybox /tmp/busybox-w
	sh agg.sh -q -d 6 -o /tmp/agg.txt &
	run=$!
	triggered $run 4 || bad agg "never armed"
	agg_workload
	wait $run
	rc=$?
	reads=$(awk '$1 == "busybox-r" { print $2 }' /tmp/agg.txt)
	w100=$(bucket /tmp/agg.txt "writes count, comm=busybox-w" "[65, 128]")
	w1000=$(bucket /tmp/agg.txt "writes count, comm=busybox-w" "[513, 1024]")
	w5000=$(bucket /tmp/agg.txt "writes count, comm=busybox-w" "[4097, 8192]")
	lat=$(bars_total /tmp/agg.txt "rlat lat (us), comm=busybox-r")
	if [ $rc = 0 ] && [ "${reads:-0}" -ge 500 ] && [ "$w100" = 3 ] && [ "$w1000" = 5 ] &&
	   [ "$w5000" = 7 ] && [ "$lat" = "$reads" ]; then
		ok agg "busybox-r: $reads reads, $lat in the latency histogram; writes 3, 5, 7 in their log2 buckets"
	else
		bad agg "exit $rc: reads ${reads:-none}, latency total $lat, writes ${w100:-?} ${w1000:-?} ${w5000:-?}"
		cat /tmp/agg.txt
	fi
	clean agg
	# JSON lines, every second as well: the reads row, then the totals.
	sh agg.sh -q -j -i 1 -d 3 -o /tmp/agg.json &
	run=$!
	triggered $run 4 || bad aggjson "never armed"
	agg_workload
	wait $run
	rows=$(grep -c '^{"probe":"reads","keys":{"comm":"busybox-r"},"values":{"hitcount":[0-9]*,"count":[0-9]*}}$' /tmp/agg.json)
	totals=$(grep -c '^{"probe":"rlat","hits":[0-9]*,"entries":[0-9]*,"dropped":0}$' /tmp/agg.json)
	if [ "$rows" -ge 1 ] && [ "$totals" -ge 2 ]; then
		ok aggjson "-j -i 1: $rows reads rows and $totals latency totals in JSON lines"
	else
		bad aggjson "$rows rows, $totals totals"
		head -20 /tmp/agg.json
	fi
	clean aggjson
	# Killed with -9: -c removes its triggers, synthetic event and probes.
	sh agg.sh -q -o /dev/null &
	run=$!
	triggered $run 4 || bad aggkill "never armed"
	kill -9 $run
	wait $run 2>/dev/null
	sh agg.sh -c 2>/tmp/aggc.err
	rc=$?
	if [ $rc = 0 ] && grep -q 'removed the synthetic event' /tmp/aggc.err; then
		ok aggkill "-c after kill -9: $(grep -c removed /tmp/aggc.err) removals"
	else
		bad aggkill "exit $rc: $(cat /tmp/aggc.err)"
	fi
	clean aggkill
}

# gated PID: wait until run PID's graph gate has its trigger.
gated() {
	i=0
	while [ $i -lt 200 ]; do
		grep -qs '^traceoff' $T/instances/surfc_$1_*/events/surfc_$1_*/*/trigger \
			$T/events/surfc_$1_*/*/trigger && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Seed 002: three connection attempts to port 9000 and five to 9001 (a
# closed port: the SYN still goes through tcp_v4_rcv, which resets it).
# Exactly three graphs, each of port 9000, each holding the reset path;
# afterwards the tracer is nop, tracing_on as before, nothing left.
case_graph() {
	ip link set lo up
	# The run's settings are checked through a mount of the driver's.
	mount -t tracefs nodev $T
	read -r on_before <$T/tracing_on
	sh graph.sh -q -d 8 -o /tmp/graph.txt &
	run=$!
	gated $run || bad graph "never armed"
	for port in 9000 9001 9001 9000 9001 9001 9000 9001; do
		nc 127.0.0.1 $port </dev/null >/dev/null 2>&1
	done
	wait $run
	rc=$?
	graphs=$(grep -c '^# ' /tmp/graph.txt)
	ours=$(grep -c '^# [0-9.]*: tcp_v4_rcv: b16_dport=9000 (cpu ' /tmp/graph.txt)
	resets=$(awk '/^# / { g++ } /tcp_v4_send_reset\(\) \{/ { r[g] = 1 }
		END { for (i in r) n++; print n + 0 }' /tmp/graph.txt)
	read -r tracer <$T/current_tracer
	read -r on <$T/tracing_on
	if [ $rc = 0 ] && [ "$graphs" = 3 ] && [ "$ours" = 3 ] && [ "$resets" = 3 ] &&
	   [ "$tracer" = nop ] && [ "$on" = "$on_before" ]; then
		ok graph "3 graphs, all of port 9000, each with tcp_v4_send_reset; tracer nop, tracing_on $on"
	else
		bad graph "exit $rc: $graphs graphs, $ours of port 9000, $resets with the reset; tracer $tracer, tracing_on $on (was $on_before)"
		head -30 /tmp/graph.txt
	fi
	if grep -qsv '^#' $T/events/surfc_*/*/trigger; then
		bad graph-triggers "$(grep -v '^#' $T/events/surfc_*/*/trigger)"
	fi
	clean graph
	umount $T
}

# Where the graph needs the top level (6.1's instances have no
# function_graph) and another tracer is set there: exit 3 naming it, and
# nothing changed.
case_graphbusy() {
	mount -t tracefs nodev $T
	echo function >$T/current_tracer
	sh graph.sh -q -d 2 -o /tmp/graphbusy.txt 2>/tmp/graphbusy.err
	rc=$?
	read -r tracer <$T/current_tracer
	echo nop >$T/current_tracer
	if [ $rc = 3 ] && [ "$tracer" = function ] &&
	   grep -q 'the top level is busy: its current_tracer is function, not nop' /tmp/graphbusy.err; then
		ok graphbusy "exit 3: $(cat /tmp/graphbusy.err)"
	else
		bad graphbusy "exit $rc, tracer then $tracer: $(cat /tmp/graphbusy.err)"
	fi
	clean graphbusy
	umount $T
}

case_clone() {
	start clone 3 sh clone.sh -q -d 4 -o /tmp/clone.txt
	sleep 0.3 &
	child=$!
	wait $child
	wait $run
	# A fork by this shell: SIGCHLD (17) as the exit signal.
	if grep -q "kernel_clone: .* flags=0x[0-9a-f]* sig=17\$" /tmp/clone.txt &&
	   grep -q "wake_up_new_task: .* comm=\"sh\" pid=$child users=[1-9]" /tmp/clone.txt &&
	   grep -q "kernel_clone__return: .* ret=$child\$" /tmp/clone.txt; then
		ok clone "child $child: entry args, pid, comm and \$retval"
	else
		bad clone "child $child: $(grep -c . /tmp/clone.txt) lines"
		head -5 /tmp/clone.txt
	fi
	clean clone
}

case_filter() {
	start filter 1 sh filter.sh -q -d 4 -o /tmp/filter.txt
	sleep 0.1 & wait $!
	timeout 5 true
	wait $run
	n=$(grep -c 'comm="timeout"' /tmp/filter.txt)
	others=$(grep -vc 'comm="timeout"' /tmp/filter.txt)
	if [ "$n" -ge 1 ] && [ "$others" = 0 ]; then
		ok filter "$n timeout forks, nothing else"
	else
		bad filter "$n timeout, $others others"
	fi
	clean filter
}

case_open() {
	start open 1 sh open.sh -q -d 4 -o /tmp/open.txt
	for i in 1 2 3; do read -r x </tmp/marker-file; done
	wait $run
	if grep -q 'name="/tmp/marker-file" dfd=' /tmp/open.txt; then
		ok open "the path as opened"
	else
		bad open "$(grep -c . /tmp/open.txt) lines"
	fi
	clean open
}

case_offset() {
	start offset 2 sh offset.sh -q -d 4 -o /tmp/offset.txt
	for i in 1 2 3; do read -r x </tmp/marker-file; done
	wait $run
	# The events are enabled and disabled at once as a group, in an
	# order of the kernel's: a read at either edge may reach one probe
	# and not the other. This shell's own reads happen well inside the
	# run: each must show the same file at entry and inside.
	mine() {
		grep " $1: " /tmp/offset.txt |
			awk -v p="-$$" 'substr($1, length($1) - length(p) + 1) == p' |
			sed 's/.* f=//' | sort -u
	}
	mine entry >/tmp/at0
	mine inside >/tmp/atn
	n=$(grep -c . /tmp/atn)
	if [ "$n" -ge 1 ] && cmp -s /tmp/at0 /tmp/atn; then
		ok offset "%di at SYMBOL+OFFSET: this shell's $n files, the same at entry"
	else
		bad offset "this shell's files: $n inside, $(grep -c . /tmp/at0) at entry, not the same"
	fi
	clean offset
}

case_net() {
	ip link set lo up
	start net 2 sh net.sh -q -d 4 -o /tmp/net.txt
	ping -c 2 -W 1 127.0.0.1 >/dev/null 2>&1
	# Nothing listens: the SYN is answered by a reset (whose port is
	# another, filtered out).
	timeout 3 nc 127.0.0.1 5555 </dev/null >/dev/null 2>&1
	wait $run
	if ! grep -q 'dev="lo" c0=108 len=[0-9]* cloned=[01] pkt_type=[0-7]$' /tmp/net.txt; then
		bad net "$(head -2 /tmp/net.txt)"
	elif ! grep -q 'ip_rcv: .* ip_src=127.0.0.1 ip_dst=127.0.0.1 version=4 ihl=5 ttl=64 b16_dport=5555 syn=1 ack=0 doff=10$' /tmp/net.txt ||
	   grep 'ip_rcv: ' /tmp/net.txt | grep -qv 'b16_dport=5555 '; then
		bad net "ip_rcv: $(grep -c 'ip_rcv: ' /tmp/net.txt) events: $(grep 'ip_rcv: ' /tmp/net.txt | head -2)"
	else
		ok net "char array, element, bitfields on loopback; the SYN: $(grep -m 1 'ip_rcv: ' /tmp/net.txt | sed 's/.* ip_src=/ip_src=/')"
	fi
	clean net
}

case_stack() {
	start stack 1 sh open.sh -q -s -d 3 -o /tmp/stack.txt
	read -r x </tmp/marker-file
	wait $run
	if grep -q '=> do_sys_openat2\|=> __x64_sys_openat\|=> do_syscall_64' /tmp/stack.txt; then
		ok stack "-s adds kernel stacks"
	else
		bad stack "$(head -3 /tmp/stack.txt)"
	fi
	clean stack
}

case_ctrlc() {
	# As a terminal starts it: own process group, SIGINT at its default.
	start ctrlc 1 /e2e/sigdfl sh open.sh -q -o /tmp/ctrlc.txt
	kill -INT -$run
	wait $run
	rc=$?
	if [ $rc = 0 ]; then ok ctrlc "Ctrl-C ends with exit 0"; else bad ctrlc "exit $rc"; fi
	clean ctrlc
}

case_selfread() {
	# vfs_read while the script's reader reads the trace: only the
	# driver's own reads may show.
	start selfread 1 sh read.sh -q -d 10 -o /tmp/read.txt
	i=0
	# 100 reads spread over the run, through the shell's read(2).
	while [ $i -lt 100 ]; do
		read -r x </tmp/marker-file
		i=$((i + 1))
		[ $((i % 10)) = 0 ] && sleep 0.5
	done
	wait $run
	n=$(grep -c 'name="marker-file"' /tmp/read.txt)
	total=$(grep -c . /tmp/read.txt)
	if [ "$n" -ge 100 ] && [ "$total" -lt 2000 ]; then
		ok selfread "$n marker reads, $total events in all"
	else
		bad selfread "$n marker reads, $total events in all"
	fi
	clean selfread
}

# -d 2 ends on time (busybox date has no %N: /proc/uptime).
case_duration() {
	read -r t0 rest </proc/uptime
	sh open.sh -q -d 2 -o /dev/null
	rc=$?
	read -r t1 rest </proc/uptime
	ms=$(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000 }')
	if [ $rc = 0 ] && [ "$ms" -ge 2000 ] && [ "$ms" -lt 4500 ]; then
		ok duration "-d 2 took $ms ms, exit 0"
	else
		bad duration "-d 2 took $ms ms, exit $rc"
	fi
	clean duration
}

# A script compiled for the 6.1 kernel on this one: exit 4, and -f arms.
# A function the kernel will not probe (notify_die is NOKPROBE_SYMBOL on
# every arch): the kernel refuses its definition after vfs_read's was
# written; the run names the probe, exits 1 or 3, and leaves nothing.
case_refused() {
	sh refused.sh -q -d 2 -o /dev/null 2>/tmp/refused.err
	rc=$?
	if { [ $rc = 1 ] || [ $rc = 3 ]; } && grep -q 'refused.surf:2: p notify_die' /tmp/refused.err; then
		ok refused "exit $rc: $(head -n 1 /tmp/refused.err)"
	else
		bad refused "exit $rc: $(cat /tmp/refused.err)"
	fi
	clean refused
}

# Uprobes typed by their binary's DWARF (tests/utypes/prog.c, built
# static on the host at -O0 and -O2, at the same path here): the events
# print what the program prints.
case_utypes() {
	while read -r o bin; do
		start utypes-$o 4 sh utypes_$o.sh -q -o /tmp/utypes_$o.txt
		"$bin" >/tmp/utypes_$o.want
		sleep 1
		kill -TERM $run
		wait $run
		rc=$?
		sed -n 's/^.* \([a-z_]*\): ([^)]*) /\1 /p' /tmp/utypes_$o.txt >/tmp/utypes_$o.got
		if [ $rc = 0 ] && [ -s /tmp/utypes_$o.want ] && cmp -s /tmp/utypes_$o.got /tmp/utypes_$o.want; then
			ok utypes-$o "members, nested pointers, char arrays, strings, an int array, bitfields, a cast and typed \$retval print what the program prints"
		else
			bad utypes-$o "exit $rc: $(head -3 /tmp/utypes_$o.got; echo ---; head -3 /tmp/utypes_$o.want)"
		fi
		clean utypes-$o
	done </e2e/uprogs
	# -s: each of the 8 uprobe events gets the program's stack (handle's
	# first frame its address) where the kernel records user stacks
	# (arm64's 6.1 does not: then none), and never the kernel's frames.
	read -r o bin </e2e/uprogs
	start utypes-stack 4 sh utypes_$o.sh -s -q -o /tmp/utypes_stack.txt
	"$bin" >/dev/null
	sleep 1
	kill -TERM $run
	wait $run
	rc=$?
	verdict=$(awk '
		/ handle: \(0x/ { a = $0; sub(/.*\(0x/, "", a); sub(/\).*/, "", a); want = a; n++; next }
		/<user stack trace>/ { stacks++; first = 1; next }
		/^ => / { f = $0; gsub(/[ =><]/, "", f); sub(/^0*/, "", f)
			if (first && f == want) ok++
			if (f ~ /[g-z_]/) kernel++
			first = 0 }
		END { print n + 0, stacks + 0, ok + 0, kernel + 0 }' /tmp/utypes_stack.txt)
	case $rc:$verdict in
	"0:2 8 2 0"|"0:2 0 0 0") ok utypes-stack "-s on uprobes: events, user stacks, first frames right, kernel frames: $verdict" ;;
	*) bad utypes-stack "exit $rc: $verdict: $(head -5 /tmp/utypes_stack.txt)" ;;
	esac
	clean utypes-stack
}

case_identity() {
	sh ident.sh -q -d 1 -o /dev/null 2>/tmp/ident.err
	rc=$?
	sh ident.sh -q -f -d 1 -o /dev/null 2>/dev/null
	rcf=$?
	if [ $rc = 4 ] && grep -q 'compiled for kernel 6.1' /tmp/ident.err && [ $rcf = 0 ]; then
		ok identity "the 6.1 script exits 4 here; -f arms it"
	else
		bad identity "exit $rc, with -f $rcf: $(cat /tmp/ident.err)"
	fi
	clean identity
}

# $argN at a return (6.12): dd reads 7 bytes of the 6-byte marker file;
# the return sees the entry's file, its count, and what read returned.
case_retargs() {
	start retargs 1 sh retargs.sh -q -d 3 -o /tmp/retargs.txt
	dd if=/tmp/marker-file of=/dev/null bs=7 count=1 2>/dev/null
	wait $run
	if grep -q 'vfs_read__return: .* name="marker-file" count=7 ret=6$' /tmp/retargs.txt; then
		ok retargs "the file, count 7 and ret 6 at the return"
	else
		bad retargs "$(grep -c . /tmp/retargs.txt) lines: $(grep marker /tmp/retargs.txt | head -n 2)"
	fi
	clean retargs
}

# fprobes on entry and return, a tracepoint probe, an event probe and a
# kretprobe's maxactive (tests/e2e/kinds.surf, 6.12 only). The tracepoint
# probe tsw and the kernel's own sched/sched_switch fire at the same
# switch, one line after the other: their prev_comm, prev_pid and
# next_pid must agree.
case_kinds() {
	start kinds 5 sh kinds.sh -q -d 3 -o /tmp/kinds.txt
	dd if=/tmp/marker-file of=/dev/null bs=7 count=1 2>/dev/null
	sh -c 'echo $$ >/tmp/kinds.pid; exec /bin/true'
	for i in 1 2 3; do sleep 0.1; done
	wait $run
	epid=$(cat /tmp/kinds.pid)
	awk '
		function val(k) {
			if (!match($0, " " k "=[^ ]*")) return "?"
			v = substr($0, RSTART + length(k) + 2, RLENGTH - length(k) - 2)
			gsub(/"/, "", v)
			return v
		}
		/ tsw: / { t = val("prev_comm") " " val("prev_pid") " " val("next_pid"); tl = NR }
		/ sched_switch: / { r = val("prev_comm") " " val("prev_pid") " " val("next_pid"); rl = NR }
		tl && rl && (tl - rl == 1 || rl - tl == 1) {
			if (t == r) good++; else { bad++; print "differ: " t " / " r >"/dev/stderr" }
			tl = rl = 0
		}
		END { print good + 0, bad + 0 }' /tmp/kinds.txt >/tmp/kinds.sw 2>/tmp/kinds.diff
	read -r good badsw </tmp/kinds.sw
	if grep -q ' fent: .* name="marker-file" count=7$' /tmp/kinds.txt &&
	   grep -q ' fret: .* name="marker-file" ret=6$' /tmp/kinds.txt &&
	   grep -q " rmax: .* ret=6$" /tmp/kinds.txt &&
	   grep -q " sched_process_exec: .* file=\"/[^\"]*\" pid=$epid\$" /tmp/kinds.txt &&
	   [ "$good" -ge 3 ] && [ "$badsw" = 0 ]; then
		ok kinds "f on entry and %return; $good tsw events as sched/sched_switch saw them; exec by $epid; r5 ret=6"
	else
		bad kinds "$good agree, $badsw differ $(head -n 2 /tmp/kinds.diff); $(grep -v switch /tmp/kinds.txt | head -n 5; grep switch /tmp/kinds.txt | head -n 4)"
	fi
	clean kinds
	# Killed with -9: -c removes its dynamic events.
	sh kinds.sh -q -o /dev/null &
	run=$!
	armed $run 5 || bad kindskill "never armed"
	kill -9 $run
	wait $run 2>/dev/null
	sh kinds.sh -c 2>/tmp/kindsc.err
	rc=$?
	n=$(grep -c 'removed surfc_' /tmp/kindsc.err)
	if [ $rc = 0 ] && [ "$n" = 5 ]; then
		ok kindskill "-c after kill -9: $n definitions removed"
	else
		bad kindskill "exit $rc: $(cat /tmp/kindsc.err)"
	fi
	clean kindskill
}

# Wildcards: every traceable match armed (filtered to nothing, but for
# one read of 7 bytes), the count said, and all of it removed.
case_globs() {
	start globs 1 sh globs.sh -d 3 -o /tmp/globs.txt 2>/tmp/globs.err
	sleep 1
	n=$(cat $T/instances/surfc_${run}_*/events/surfc_${run}_*/*/enable 2>/dev/null | grep -c 1)
	dd if=/tmp/marker-file of=/dev/null bs=7 count=1 2>/dev/null
	wait $run
	said=$(grep -c 'matches are traceable here$' /tmp/globs.err)
	if [ "$said" = 3 ] && [ "$n" -gt 10 ] &&
	   grep -q ' seven: .* c=7' /tmp/globs.txt; then
		ok globs "$n probes enabled; $(grep 'traceable here' /tmp/globs.err | sed 's/^surfc: //' | tr '\n' ' ')"
	else
		bad globs "$n enabled, $said counts: $(cat /tmp/globs.err) $(head -n 3 /tmp/globs.txt)"
	fi
	clean globs
}

# An event probe on sched_process_exec: its line and the kernel's own
# event's show the same file and pid.
case_eprobe() {
	start eprobe 1 sh eprobe.sh -q -d 2 -o /tmp/eprobe.txt
	sh -c 'echo $$ >/tmp/eprobe.pid; exec /bin/true'
	wait $run
	epid=$(cat /tmp/eprobe.pid)
	# busybox may exec twice (the path, then /proc/self/exe): each.
	mine=$(grep " ex: .* pid=$epid old=$epid\$" /tmp/eprobe.txt | sed 's/.* file="\([^"]*\)".*/\1/' | tr '\n' ' ')
	theirs=$(grep " sched_process_exec: filename=.* pid=$epid old_pid=$epid\$" /tmp/eprobe.txt |
		sed 's/.* filename=\([^ ]*\) .*/\1/' | tr '\n' ' ')
	if [ -n "$mine" ] && [ "$mine" = "$theirs" ]; then
		ok eprobe "exec of $mine(pid $epid), as sched_process_exec says"
	else
		bad eprobe "'$mine' / '$theirs': $(grep "$epid" /tmp/eprobe.txt | head -n 3)"
	fi
	clean eprobe
}

# The same script on a kernel without fprobes: -f arms it as the only
# kernel compiled for, and the README check exits 3.
case_kinds61() {
	sh kinds.sh -f -q -d 1 -o /dev/null 2>/tmp/kinds61.err
	rc=$?
	if [ $rc = 3 ] && grep -q "lacks\? 'f\[:\[<group>/\]\[<event>\]\] <func-name>\[%return\]'" /tmp/kinds61.err; then
		ok kinds61 "exit 3: $(cat /tmp/kinds61.err)"
	else
		bad kinds61 "exit $rc: $(cat /tmp/kinds61.err)"
	fi
	clean kinds61
}

# A fleet script for 6.1 amd64 and arm64 on this kernel: exit 4 naming
# both; -f arms the one of this arch.
case_fleetident() {
	sh fleetident.sh -q -d 1 -o /dev/null 2>/tmp/fleet.err
	rc=$?
	sh fleetident.sh -f -d 1 -o /dev/null 2>/tmp/fleetf.err
	rcf=$?
	if [ $rc = 4 ] && grep -q 'compiled for kernels 6.1.0-[0-9]*-cloud-amd64 (x86_64), 6.1.0-[0-9]*-cloud-arm64 (aarch64); this is' /tmp/fleet.err &&
	   [ $rcf = 0 ] && grep -q 'arming the definitions of 6.1.0-[0-9]*-cloud-amd64 (x86_64) anyway (-f)' /tmp/fleetf.err; then
		ok fleetident "exit 4 naming both kernels; -f arms the x86_64 one"
	else
		bad fleetident "exit $rc, with -f $rcf: $(cat /tmp/fleet.err /tmp/fleetf.err)"
	fi
	clean fleetident
}

echo "E2E kernel $(uname -r) $(uname -m)"
echo hello >/tmp/marker-file # what the cases read
for c in ${CASES:-clone filter open offset net stack ctrlc selfread}; do
	case_$c
done
