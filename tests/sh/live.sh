# Sourced by tests/run.sh: generated scripts on this machine's real tracefs
# (uprobes and trace events; kprobes run in the qemu guests). As root.
#
# Before and after every case the tracefs state that matters is compared:
# uprobe_events, kprobe_events, instances/, the global enable and filter of
# the event used, tracing_on, current_tracer. A probe of "another tool"
# (othertool/keepme) must survive every run.
# shellcheck source=tests/lib/live.sh
. "$top/tests/lib/live.sh"

live_snapshot() {
	for f in uprobe_events kprobe_events tracing_on current_tracer \
		events/sched/sched_process_exec/enable events/sched/sched_process_exec/filter; do
		[ -f "$TR/$f" ] && { echo "== $f"; cat "$TR/$f"; }
	done
	echo "== instances"
	ls "$TR/instances"
}

# live_clean NAME: the state is as it was before the case.
live_clean() {
	live_snapshot >"$out/live.after"
	if cmp -s "$out/live.before" "$out/live.after"; then
		pass "live/$1: nothing left behind"
	else
		fail "live/$1: tracefs changed"
		diff "$out/live.before" "$out/live.after" | head -10
	fi
}

# live_armed PID N: waits until run PID has N events enabled (its own
# group's, and sched_process_exec).
live_armed() { run_armed "$1" "$2" sched/sched_process_exec; }

# live_compile NAME: tests/out/NAME.surf -> tests/out/NAME.sh
live_compile() {
	"$SURFC" --no-types -o "$out/$1.sh" "$out/$1.surf" 2>"$out/$1.err" ||
		{ fail "live/$1: compile"; cat "$out/$1.err"; return 1; }
}

live_setup() {
	[ -f "$TR/README" ] || mount -t tracefs nodev "$TR" 2>/dev/null
	if [ "$(id -u)" != 0 ] || [ ! -w "$TR/uprobe_events" ]; then
		fail "live: needs root and a tracefs with uprobe_events"
		return 1
	fi
	cc -g -O0 -o "$out/target" "$top/tests/live/target.c" &&
		cc -o "$out/sigdfl" "$top/tests/live/sigdfl.c" || {
		fail "live: cannot build the test programs"; return 1; }
	cp /bin/true "$out/surfc_marker"
	echo '-:othertool/keepme' 2>/dev/null >>"$TR/uprobe_events"
	echo 'p:othertool/keepme /bin/true:0x10' >>"$TR/uprobe_events"
	live_snapshot >"$out/live.before"
	grep -q othertool "$out/live.before"
}

live_values() {
	# By symbol, and by raw file offset as in seed 003.
	off=$(nm "$out/target" | awk '$3 == "process" { sub(/^0+/, "", $1); print "0x" $1 }')
	cat >"$out/values.surf" <<EOF
P $out/target:process x=+0(%di):s32 nm=+4(%di):string big=+24(%di):s64
p:byoff $out/target:$off x=+0(%di):s32
EOF
	live_compile values || return
	sh "$out/values.sh" -q -d 3 -o "$out/values.txt" &
	pid=$!
	live_armed $pid 2 || { fail "live/values: never armed"; wait $pid; return; }
	"$out/target" 5 10
	wait $pid
	rc=$?
	n=$(grep -c 'process: .* x=100[0-4] nm="item[0-4]" big=1099511627776$' "$out/values.txt")
	m=$(grep -c 'byoff: .* x=100[0-4]$' "$out/values.txt")
	if [ $rc = 0 ] && [ "$n" = 5 ] && [ "$m" = 5 ]; then
		pass "live/values: uprobes by symbol and by offset read 5 structs exactly (-d 3, exit 0)"
	else
		fail "live/values: exit $rc, $n and $m of 5 events right"
		head -5 "$out/values.txt"
	fi
	live_clean values
}

# A script compiled for another kernel refuses to arm (exit 4), unless -f.
live_identity() {
	cat >"$out/ident.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	"$SURFC" --btf /sys/kernel/btf/vmlinux --kernel-release 0.0.0-elsewhere \
		-o "$out/ident.sh" "$out/ident.surf" || { fail "live/identity: compile"; return; }
	sh "$out/ident.sh" -q -d 1 >/dev/null 2>"$out/ident.err"
	rc=$?
	sh "$out/ident.sh" -q -f -d 1 >/dev/null 2>&1
	rcf=$?
	if [ $rc = 4 ] && grep -q 'compiled for kernel 0.0.0-elsewhere' "$out/ident.err" && [ $rcf = 0 ]; then
		pass "live/identity: another kernel's script exits 4; -f arms it"
	else
		fail "live/identity: exit $rc, with -f $rcf"
		cat "$out/ident.err"
	fi
	live_clean identity
}

# One script for two kernels, this one (its BTF) and Debian's 6.1: it
# arms this kernel's definitions. With --allow-partial, a probe 6.1
# cannot take (':char', a fetch type from 6.12) is left out there, and a
# probe this kernel's types cannot take (block_bio_bounce, an event gone
# after 6.1) is left out here: the run says so when it starts.
live_fleet() {
	cat >"$out/fleet.surf" <<EOF
P $out/target:process x=+0(%di):s32
P $out/target:process c=+0(%di):char
e block/block_bio_bounce
EOF
	here=$(uname -r)
	"$SURFC" --allow-partial --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 \
		--btf /sys/kernel/btf/vmlinux --kernel-release "$here" \
		-o "$out/fleet.sh" "$out/fleet.surf" 2>"$out/fleet.err" ||
		{ fail "live/fleet: compile"; cat "$out/fleet.err"; return; }
	sh "$out/fleet.sh" -d 3 -o "$out/fleet.txt" 2>"$out/fleet.log" &
	pid=$!
	live_armed $pid 2 || { fail "live/fleet: never armed"; wait $pid; return; }
	"$out/target" 5 10
	wait $pid
	rc=$?
	n=$(grep -c 'process: .* x=100[0-4]$' "$out/fleet.txt")
	c=$(grep -c "process_1: .* c='" "$out/fleet.txt")
	if [ $rc = 0 ] && [ "$n" = 5 ] && [ "$c" = 5 ] &&
	   grep -q "kernel 6.1.0-56-cloud-amd64 does not take ':char' (kernels from 6.12 do); the probe is left out there (--allow-partial)" "$out/fleet.err" &&
	   grep -q "no event 'block_bio_bounce' in the kernel's types.* (on $here); the probe is left out there (--allow-partial)" "$out/fleet.err" &&
	   grep -q "not on $here: .*fleet.surf:3: e block/block_bio_bounce (--allow-partial)" "$out/fleet.log" &&
	   grep -q 'tracing 2 probe(s)' "$out/fleet.log"; then
		pass "live/fleet: a script for 6.1 and this kernel armed this one's two probes (5 events each) and said which it left out; the one 6.1 cannot take was left out there"
	else
		fail "live/fleet: exit $rc, $n and $c of 5 events"
		cat "$out/fleet.err" "$out/fleet.log"
		head -4 "$out/fleet.txt"
	fi
	live_clean fleet
}

# Compiled from the running kernel's own types, the script knows its
# build-id (/sys/kernel/notes) and arms; the same script with another
# build-id is another build of this release: exit 4.
live_build_id() {
	cat >"$out/buildid.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	"$SURFC" -o "$out/buildid.sh" "$out/buildid.surf" 2>"$out/buildid.err" ||
		{ fail "live/build-id: compile"; cat "$out/buildid.err"; return; }
	id=$(sed -n "s/^kernel_1_build_id='\([0-9a-f]*\)'\$/\1/p" "$out/buildid.sh")
	sed "s/^kernel_1_build_id=.*/kernel_1_build_id='00ff'/" "$out/buildid.sh" >"$out/buildid2.sh"
	sh "$out/buildid.sh" -q -d 1 >/dev/null 2>"$out/buildid.log"
	rc=$?
	sh "$out/buildid2.sh" -q -d 1 >/dev/null 2>"$out/buildid2.log"
	rc2=$?
	if [ ${#id} = 40 ] && [ $rc = 0 ] && [ $rc2 = 4 ] &&
	   grep -q "this is another build of $(uname -r) (build-id $id)" "$out/buildid2.log"; then
		pass "live/build-id: this kernel's build-id ($id) arms; another exits 4"
	else
		fail "live/build-id: id '$id', exit $rc, another $rc2"
		cat "$out/buildid.log" "$out/buildid2.log"
	fi
	live_clean build-id
}

live_symbol() {
	# PATH:SYMBOL resolves to the same offset nm gives (PIE: the file
	# offset of .text equals its address).
	want=$(nm "$out/target" | awk '$3 == "process" { sub(/^0+/, "", $1); print "0x" $1 }')
	got=$("$SURFC" -S --no-types -e "P $out/target:process" |
		sed -n 's/.*target:\(0x[0-9a-f]*\).*/\1/p')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		pass "live/symbol: $out/target:process is $got, as nm says"
	else
		fail "live/symbol: surfc says '$got', nm '$want'"
	fi
}

live_event() {
	cat >"$out/event.surf" <<'EOF'
e sched/sched_process_exec f:filename~"*surfc_marker"
EOF
	live_compile event || return
	sh "$out/event.sh" -q -d 3 -o "$out/event.txt" &
	pid=$!
	live_armed $pid 1 || { fail "live/event: never armed"; wait $pid; return; }
	"$out/surfc_marker"; "$out/surfc_marker"; "$out/surfc_marker"; /bin/true
	wait $pid
	n=$(grep -c 'filename=.*surfc_marker' "$out/event.txt")
	others=$(grep -vc 'surfc_marker' "$out/event.txt")
	if [ "$n" = 3 ] && [ "$others" = 0 ]; then
		pass "live/event: the filter let exactly the 3 marker execs through"
	else
		fail "live/event: $n marker lines, $others others"
		head -5 "$out/event.txt"
	fi
	live_clean event
}

# live_signal NAME SIGNAL: the run ends on SIGNAL, exit 0, nothing left.
live_signal() {
	cat >"$out/sig.surf" <<EOF
P $out/target:process x=+0(%di):s32
e sched/sched_process_exec
EOF
	live_compile sig || return
	"$out/sigdfl" sh "$out/sig.sh" -q -o "$out/sig.txt" &
	pid=$!
	live_armed $pid 2 || { fail "live/$1: never armed"; kill -9 -$pid; return; }
	if [ "$2" = INT ]; then
		kill -INT -$pid # the whole group, as a terminal's Ctrl-C
	else
		kill -"$2" $pid
	fi
	wait $pid
	rc=$?
	if [ $rc = 0 ]; then
		pass "live/$1: SIG$2 ends the run with exit 0"
	else
		fail "live/$1: SIG$2 gave exit $rc"
	fi
	live_clean "$1"
}

live_pipe() {
	cat >"$out/pipe.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	live_compile pipe || return
	{ sh "$out/pipe.sh" -q | head -n 1 >"$out/pipe.txt"; } &
	job=$!
	sleep 0.5
	"$out/target" 100 10 &
	tpid=$!
	wait $job
	kill $tpid 2>/dev/null
	wait $tpid 2>/dev/null
	if [ "$(wc -l <"$out/pipe.txt")" = 1 ] && grep -q 'x=1000' "$out/pipe.txt"; then
		pass "live/pipe: the run ends when its reader's pipe closes"
	else
		fail "live/pipe: $(cat "$out/pipe.txt")"
	fi
	live_clean pipe
}

live_arm_failure() {
	cat >"$out/armfail.surf" <<EOF
P $out/target:process x=+0(%di):s32
P $out/target:0x7fffffff
P $out/target:process y=+4(%di):string
EOF
	live_compile armfail || return
	sh "$out/armfail.sh" -q -d 3 >/dev/null 2>"$out/armfail.err"
	rc=$?
	# Exit 1; the message names the probe's line and its definition.
	if [ $rc = 1 ] && grep -q "arming failed: .*armfail.surf:2: P .*:0x7fffffff" "$out/armfail.err" &&
	   grep -q "surfc:   p:surfc_[0-9_]*/target_0x7fffffff .*target:0x7fffffff" "$out/armfail.err" &&
	   grep -q "failed: enabling it" "$out/armfail.err"; then
		pass "live/armfail: the 2nd of 3 probes fails to arm: exit 1, its line and definition named"
	else
		fail "live/armfail: exit $rc"
		cat "$out/armfail.err"
	fi
	live_clean armfail
}

# A filter the kernel refuses (an e event's fields are only known on the
# target): exit 1 with the kernel's own message and caret, nothing left.
live_bad_filter() {
	cat >"$out/badfilter.surf" <<EOF
P $out/target:process x=+0(%di):s32
e sched/sched_process_exec f:nosuchfield==1
EOF
	live_compile badfilter || return
	sh "$out/badfilter.sh" -q -d 3 >/dev/null 2>"$out/badfilter.err"
	rc=$?
	if [ $rc = 1 ] && grep -q "arming failed: .*badfilter.surf:2: e sched" "$out/badfilter.err" &&
	   grep -q "parse_error: Field not found" "$out/badfilter.err" &&
	   grep -q "surfc:  *^" "$out/badfilter.err"; then
		pass "live/badfilter: the kernel's filter error is shown with its caret, exit 1"
	else
		fail "live/badfilter: exit $rc"
		cat "$out/badfilter.err"
	fi
	live_clean badfilter
}

live_kill9() {
	cat >"$out/k9.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	live_compile k9 || return
	"$out/sigdfl" sh "$out/k9.sh" -q -o /dev/null &
	dead=$!
	"$out/sigdfl" sh "$out/k9.sh" -q -o /dev/null &
	alive=$!
	live_armed $dead 1 && live_armed $alive 1 ||
		{ fail "live/kill9: never armed"; kill -9 -$dead -$alive; return; }
	kill -9 -$dead
	wait $dead 2>/dev/null
	sh "$out/k9.sh" -c 2>"$out/k9.err"
	if ls -d "$TR/instances/surfc_$dead"_* 2>/dev/null || grep -q "surfc_${dead}_" "$TR/uprobe_events"; then
		fail "live/kill9: -c left run $dead's probes"
	elif ! ls -d "$TR/instances/surfc_$alive"_* >/dev/null 2>&1; then
		fail "live/kill9: -c removed the live run $alive"
	else
		pass "live/kill9: -c removed the dead run's probes and instance only"
	fi
	kill -TERM $alive
	wait $alive
	live_clean kill9
}

live_side_by_side() {
	cat >"$out/a.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	cat >"$out/b.surf" <<EOF
P $out/target:process nm=+4(%di):string
EOF
	live_compile a && live_compile b || return
	sh "$out/a.sh" -q -d 3 -o "$out/a.txt" &
	a=$!
	sh "$out/b.sh" -q -d 3 -o "$out/b.txt" &
	b=$!
	live_armed $a 1 && live_armed $b 1 || { fail "live/side: never armed"; wait; return; }
	"$out/target" 4 10
	wait $a
	wait $b
	na=$(grep -c 'x=100' "$out/a.txt")
	nb=$(grep -c 'nm="item' "$out/b.txt")
	if [ "$na" = 4 ] && [ "$nb" = 4 ] && ! grep -q nm= "$out/a.txt" && ! grep -q x= "$out/b.txt"; then
		pass "live/side: two runs side by side each saw its own 4 events"
	else
		fail "live/side: a saw $na, b saw $nb"
	fi
	live_clean side
}

# A uprobe on libc's read(), which the script's reader calls to read the
# trace: unless the reader is kept out, each event it reads makes another
# (127,300 events in 3 s here); kept out, it has none and dd has its own.
# The instance's set_event_notrace_pid holds the script's shell and, by
# event-fork, its reader.
live_no_self_feeding() {
	libc=$(ldd /bin/cat | awk '/libc\.so/ { print $3 }')
	cat >"$out/feed.surf" <<EOF
P $libc:read
EOF
	live_compile feed || return
	sh "$out/feed.sh" -q -d 3 -o "$out/feed.txt" &
	pid=$!
	live_armed $pid 1 || { fail "live/feed: never armed"; wait $pid; return; }
	reader=$(pgrep -P $pid -x cat)
	notrace=$(sort -n "$TR/instances/surfc_$pid"_*/set_event_notrace_pid | tr '\n' ' ')
	dd if=/dev/zero of=/dev/null bs=1 count=300 2>/dev/null &
	ddpid=$!
	wait $ddpid
	wait $pid
	# By pid: the comm column may read <...> (field notes).
	# Other processes on the machine may read too: what matters is that
	# the script's own shell and reader have no event at all.
	total=$(wc -l <"$out/feed.txt")
	mine=$(grep -c -- "-\($reader\|$pid\)  *\[" "$out/feed.txt")
	dd=$(grep -c -- "-$ddpid  *\[" "$out/feed.txt")
	kept=no
	case " $notrace " in
	*" $pid "*)
		case " $notrace " in *" $reader "*) kept=yes ;; esac ;;
	esac
	if [ -n "$reader" ] && [ "$mine" = 0 ] && [ "$dd" -ge 300 ] && [ "$dd" -le 310 ] &&
	   [ $kept = yes ]; then
		pass "live/feed: uprobe on libc read: the script's shell and reader (set_event_notrace_pid: $notrace) 0 events, dd $dd for its 300 reads, $total in all"
	else
		fail "live/feed: reader '$reader' $mine events, dd $dd, $total in all, notrace '$notrace'"
		awk '{ print $1 }' "$out/feed.txt" | sort | uniq -c | sort -rn | head -5
	fi
	live_clean feed
}

# The -d timer's sleeps are the script's own children: none may show in
# its events. The test samples the script's children while it runs; its
# own marker's exec must show, once.
live_no_self_exec() {
	cat >"$out/selfexec.surf" <<'EOF'
e sched/sched_process_exec
EOF
	live_compile selfexec || return
	sh "$out/selfexec.sh" -q -d 3 -o "$out/selfexec.txt" &
	pid=$!
	live_armed $pid 1 || { fail "live/selfexec: never armed"; wait $pid; return; }
	"$out/surfc_marker" &
	marker=$!
	wait $marker
	children=
	while kill -0 $pid 2>/dev/null; do
		# Children and grandchildren (a timer in a subshell).
		kids=$(pgrep -d, -P $pid)
		children="$children ${kids:+$(echo $kids | tr , ' ') $(pgrep -P "$kids" | tr '\n' ' ')}"
		sleep 0.05
	done
	wait $pid
	rc=$?
	children=$(printf '%s\n' $children | sort -u)
	sampled=0 seen=0
	for c in $children; do
		sampled=$((sampled + 1))
		! grep -q " pid=$c old_pid=" "$out/selfexec.txt" || seen=$((seen + 1))
	done
	m=$(grep -c "filename=$out/surfc_marker pid=$marker " "$out/selfexec.txt")
	if [ $rc = 0 ] && [ "$sampled" -ge 3 ] && [ "$seen" = 0 ] && [ "$m" = 1 ]; then
		pass "live/selfexec: -d 3: none of the script's $sampled descendants (sampled) in its sched_process_exec events; the marker's exec once"
	else
		fail "live/selfexec: exit $rc, $seen of $sampled children seen, marker $m"
		head -5 "$out/selfexec.txt"
	fi
	live_clean selfexec
}

if live_setup; then
	live_values
	live_identity
	live_fleet
	live_build_id
	live_symbol
	live_event
	live_signal sigterm TERM
	live_signal sigint INT
	live_signal sighup HUP
	live_pipe
	live_arm_failure
	live_bad_filter
	live_kill9
	live_side_by_side
	live_no_self_feeding
	live_no_self_exec
	echo '-:othertool/keepme' >>"$TR/uprobe_events"
fi
