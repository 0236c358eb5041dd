# Sourced by tests/run.sh after live.sh: the generated script's duties on
# this machine's real tracefs (as root): conversions with every awk under
# every shell, a full disk, the binaries of uprobes, -c after kill -9 and
# across pid namespaces, the cleanup race under load, a hostile
# environment, dry runs off the target.

SHELLS="dash busybox-sh bash mksh posh yash"
AWKS="mawk gawk original-awk busybox"

# shell_cmd NAME: the command line that runs a script under shell NAME.
shell_cmd() {
	case $1 in
	busybox-sh) echo "busybox sh" ;;
	bash) echo "bash --posix" ;;
	*) echo "$1" ;;
	esac
}

# with_awk AWK CMD...: CMD in a private mount namespace where awk (the
# script's, from its fixed PATH) is AWK: /usr/bin/awk is bound to it. The
# script is run as it ships; nothing in it can be pointed elsewhere.
with_awk() {
	bin=/usr/bin/$1
	shift
	exec unshare -m sh -c 'mount --bind "$0" /usr/bin/awk &&
		[ "$(stat -L -c %i /usr/bin/awk)" = "$(stat -c %i "$0")" ] &&
		exec "$@"' "$bin" "$@"
}

# The converted values of target's 5 structs (x = 1000 + i, little endian).
conv_want() {
	head -n "$1" <<'EOF'
ip_a=232.3.0.0 b16_p=59395 B16_q=0xe803 x=1000
ip_a=233.3.0.0 b16_p=59651 B16_q=0xe903 x=1001
ip_a=234.3.0.0 b16_p=59907 B16_q=0xea03 x=1002
ip_a=235.3.0.0 b16_p=60163 B16_q=0xeb03 x=1003
ip_a=236.3.0.0 b16_p=60419 B16_q=0xec03 x=1004
EOF
}

conv_got() {
	sed -n 's/.* process: ([0-9a-fx]*) //p' "$1"
}

# live_awk_stream AWK SHELL: converting to stdout, awk behind cat on a
# pipe. The first 3 events must be out while the run goes on (mawk
# without -W interactive holds them back), and 2 more that happen just
# before SIGTERM must not be lost.
live_awk_stream() {
	rm -f "$out/conv.txt"
	# shellcheck disable=SC2046
	with_awk "$1" $(shell_cmd "$2") "$out/conv.sh" -q >"$out/conv.txt" 2>"$out/conv.err" &
	pid=$!
	live_armed $pid 1 || { fail "live/awk $1 $2: never armed"; kill -9 $pid; return; }
	"$out/target" 3 1
	# Up to 10 s (a loaded machine: CI's other jobs), but busybox sh,
	# whose cat may hold the last events of a burst (below), only as long
	# as none is out after 2 s.
	i=0
	while n=$(conv_got "$out/conv.txt" | wc -l) && [ "$n" -lt 3 ] && [ $i -lt 100 ]; do
		[ "$2" = busybox-sh ] && [ $i -ge 20 ] && [ "$n" -ge 1 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	conv_got "$out/conv.txt" >"$out/conv.early"
	early_want=$(conv_want 3)
	# busybox sh runs its own cat, which copies with sendfile: the kernel
	# may hold the last event of a burst until the next one (or the end).
	# So it must show a first part of them, in order, at least one.
	[ "$2" != busybox-sh ] || early_want=$(conv_want "$(wc -l <"$out/conv.early")")
	"$out/target" 2 0
	kill -TERM $pid
	wait $pid
	rc=$?
	# The second target run counts from x=1000 again.
	{ conv_want 3; conv_want 2; } >"$out/conv.want"
	conv_got "$out/conv.txt" >"$out/conv.all"
	if [ $rc = 0 ] && [ -s "$out/conv.early" ] && [ "$early_want" = "$(cat "$out/conv.early")" ] &&
	   cmp -s "$out/conv.want" "$out/conv.all" && [ ! -s "$out/conv.err" ]; then
		pass "live/awk $1 $2: stdout: $(wc -l <"$out/conv.early") of 3 events converted while running, 2 more just before SIGTERM kept, exit 0"
	else
		fail "live/awk $1 $2: exit $rc; while running: $(wc -l <"$out/conv.early") of 3; in all:"
		cat "$out/conv.all" "$out/conv.err"
	fi
}

# live_awk_file AWK SHELL: -o FILE is converted in place after the run;
# -r leaves it raw.
live_awk_file() {
	# shellcheck disable=SC2046
	with_awk "$1" $(shell_cmd "$2") "$out/conv.sh" -q -d 2 -o "$out/conv.file" &
	pid=$!
	live_armed $pid 1 || { fail "live/awk-file $1 $2: never armed"; wait $pid; return; }
	"$out/target" 5 1
	wait $pid
	rc=$?
	# shellcheck disable=SC2046
	with_awk "$1" $(shell_cmd "$2") "$out/conv.sh" -q -r -d 2 -o "$out/conv.raw" &
	pid=$!
	live_armed $pid 1 || { fail "live/awk-file $1 $2: never armed (-r)"; wait $pid; return; }
	"$out/target" 5 1
	wait $pid
	rcr=$?
	raw=$(conv_got "$out/conv.raw" | sed -n 1p)
	if [ $rc = 0 ] && [ $rcr = 0 ] && [ "$(conv_want 5)" = "$(conv_got "$out/conv.file")" ] &&
	   [ "$raw" = "ip_a=0x3e8 b16_p=0x3e8 B16_q=0x3e8 x=1000" ]; then
		pass "live/awk-file $1 $2: -o FILE converted after the run (5 events exact); -r raw"
	else
		fail "live/awk-file $1 $2: exit $rc, -r $rcr; raw '$raw'"
		conv_got "$out/conv.file"
	fi
}

live_awks() {
	cat >"$out/conv.surf" <<EOF
P $out/target:process ip_a=+0(%di) b16_p=+0(%di) B16_q=+0(%di) x=+0(%di):s32
EOF
	live_compile conv || return
	for a in $AWKS; do
		for sh in $SHELLS; do
			live_awk_stream "$a" "$sh"
		done
	done
	set -- $SHELLS
	for a in $AWKS; do
		live_awk_file "$a" "$1"
		shift
	done
	live_clean awks
}

# gone PID: PID has ended (a zombie whose new parent has not reaped it yet
# has ended too).
gone() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# no_readers PID: no process holds the trace_pipe of run PID's instance.
no_readers() {
	# shellcheck disable=SC2012
	! ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q "/instances/surfc_$1_.*/trace_pipe\$"
}

# A full disk: cat's write fails; the run says so, exits 5 early, and
# leaves no process. The same for stdout on /dev/full.
live_full_disk() {
	cat >"$out/full.surf" <<EOF
P $out/target:process x=+0(%di):s32 nm=+4(%di):string
EOF
	live_compile full || return
	mkdir -p "$out/tiny"
	mount -t tmpfs -o size=64k tmpfs "$out/tiny" || { fail "live/full: cannot mount a tmpfs"; return; }
	t0=$(date +%s)
	sh "$out/full.sh" -q -d 20 -o "$out/tiny/events.txt" 2>"$out/full.err" &
	pid=$!
	live_armed $pid 1 || { fail "live/full: never armed"; wait $pid; umount "$out/tiny"; return; }
	"$out/target" 3000 0
	wait $pid
	rc=$?
	secs=$(($(date +%s) - t0))
	umount "$out/tiny"
	msg=$(grep -v '^cat: ' "$out/full.err")
	if [ $rc = 5 ] && [ "$msg" = "surfc: writing the output failed ($out/tiny/events.txt)" ] &&
	   [ "$secs" -lt 10 ] && no_readers $pid; then
		pass "live/full: -o on a full tmpfs: '$msg', exit 5 after ${secs} s of -d 20, no process left"
	else
		fail "live/full: exit $rc after ${secs} s: $(cat "$out/full.err")"
	fi
	sh "$out/full.sh" -q -d 20 >/dev/full 2>"$out/full.err" &
	pid=$!
	live_armed $pid 1 || { fail "live/full: never armed"; wait $pid; return; }
	"$out/target" 3 0
	wait $pid
	rc=$?
	msg=$(grep -v '^cat: ' "$out/full.err")
	if [ $rc = 5 ] && [ "$msg" = "surfc: writing the output failed" ] && no_readers $pid; then
		pass "live/full: stdout on /dev/full: '$msg', exit 5"
	else
		fail "live/full: /dev/full: exit $rc: $(cat "$out/full.err")"
	fi
	live_clean full
}

# The binary of a uprobe is checked before arming: another binary at the
# same path exits 4 naming the probe and both identities; -f arms it.
live_binary_check() {
	mkdir -p "$out/bin"
	cc -g -O0 -o "$out/bin/prog" "$top/tests/live/target.c" &&
		cc -g -O1 -o "$out/bin/prog.other" "$top/tests/live/target.c" &&
		cc -g -O0 -Wl,--build-id=none -o "$out/bin/noid" "$top/tests/live/target.c" &&
		cc -g -O1 -Wl,--build-id=none -o "$out/bin/noid.other" "$top/tests/live/target.c" ||
		{ fail "live/binary: cannot build"; return; }
	build_id() { readelf -n "$1" | sed -n 's/.*Build ID: //p'; }
	was=$(build_id "$out/bin/prog")
	cat >"$out/bin.surf" <<EOF
P $out/bin/prog:process x=+0(%di):s32
P $out/bin/noid:process x=+0(%di):s32
EOF
	live_compile bin || return
	noid_was=$(cksum <"$out/bin/noid" | tr ' ' :)
	header=$(grep '^# binary: ' "$out/bin.sh")
	want_header="# binary: $out/bin/prog: build-id $was
# binary: $out/bin/noid: cksum $noid_was"
	sh "$out/bin.sh" -q -d 1 -o /dev/null 2>"$out/bin.err"
	rc_same=$?
	cp "$out/bin/prog" "$out/bin/prog.orig"
	cp "$out/bin/prog.other" "$out/bin/prog"
	sh "$out/bin.sh" -q -d 1 -o /dev/null 2>"$out/bin.err"
	rc=$?
	now=$(build_id "$out/bin/prog")
	want="surfc: $out/bin/prog is not the binary compiled for (build-id $was; this one: $now): $out/bin.surf:1: P $out/bin/prog:process x=+0(%di):s32: offsets may differ (-f arms anyway)"
	sh "$out/bin.sh" -d 1 -f -o /dev/null 2>"$out/bin.ferr"
	rcf=$?
	cp "$out/bin/prog.orig" "$out/bin/prog"
	cp "$out/bin/noid.other" "$out/bin/noid"
	sh "$out/bin.sh" -q -d 1 -o /dev/null 2>"$out/bin.nerr"
	rcn=$?
	noid_now=$(cksum <"$out/bin/noid" | tr ' ' :)
	want_n="surfc: $out/bin/noid is not the binary compiled for (cksum $noid_was; this one: $noid_now): $out/bin.surf:2: P $out/bin/noid:process x=+0(%di):s32: offsets may differ (-f arms anyway)"
	if [ "$header" = "$want_header" ] && [ $rc_same = 0 ] && [ $rc = 4 ] &&
	   [ "$(cat "$out/bin.err")" = "$want" ] && [ $rcf = 0 ] &&
	   grep -q "^surfc: warning: $out/bin/prog is not the binary compiled for .*; arming anyway (-f)$" "$out/bin.ferr" &&
	   [ $rcn = 4 ] && [ "$(cat "$out/bin.nerr")" = "$want_n" ]; then
		pass "live/binary: the same binaries arm; another build-id at the path exits 4 (both ids named), -f arms with a warning; without a build-id, cksum"
	else
		fail "live/binary: same $rc_same, other $rc, -f $rcf, no build-id $rcn"
		printf '%s\n' "$header" "$want" "$want_n"
		cat "$out/bin.err" "$out/bin.ferr" "$out/bin.nerr"
	fi
	live_clean binary
}

# kill -9 of the script's shell alone: its reader lives on, holding the
# trace open. -c stops it and removes everything, and says so; when the
# instance cannot be removed (a file of it held open), -c says so and
# exits 1.
live_clean_reader() {
	cat >"$out/k9r.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	live_compile k9r || return
	sh "$out/k9r.sh" -q -o /dev/null &
	dead=$!
	live_armed $dead 1 || { fail "live/clean-reader: never armed"; kill -9 $dead; return; }
	reader=$(pgrep -P $dead -x cat)
	name=$(basename "$TR/instances/surfc_${dead}"_*)
	kill -9 $dead
	wait $dead 2>/dev/null
	kill -0 "$reader" 2>/dev/null || { fail "live/clean-reader: the reader died with the shell"; return; }
	sh "$out/k9r.sh" -c 2>"$out/k9r.err"
	rc=$?
	want="surfc: stopped the reader $reader of dead run $dead
surfc: removed the instance of dead run $dead
surfc: removed $name/process of dead run $dead"
	if [ $rc = 0 ] && [ "$(cat "$out/k9r.err")" = "$want" ] && gone "$reader"; then
		pass "live/clean-reader: -c stopped the dead run's reader and removed its instance and probe, exit 0"
	else
		fail "live/clean-reader: exit $rc"
		cat "$out/k9r.err"
	fi
	# Something that stays: the instance's trace file held open.
	sh "$out/k9r.sh" -q -o /dev/null &
	dead=$!
	live_armed $dead 1 || { fail "live/clean-reader: never armed"; kill -9 $dead; return; }
	name=$(basename "$TR/instances/surfc_${dead}"_*)
	kill -9 $dead
	wait $dead 2>/dev/null
	exec 9<"$TR/instances/$name/trace"
	sh "$out/k9r.sh" -c 2>"$out/k9r.err"
	rc=$?
	exec 9<&-
	sh "$out/k9r.sh" -c 2>/dev/null
	rc2=$?
	if [ $rc = 1 ] && grep -qx "surfc: cannot remove $TR/instances/$name" "$out/k9r.err" &&
	   ! grep -q "removed the instance" "$out/k9r.err" && [ $rc2 = 0 ]; then
		pass "live/clean-reader: an instance that cannot be removed: -c says so, exit 1; once free, exit 0"
	else
		fail "live/clean-reader: held open: exit $rc, then $rc2"
		cat "$out/k9r.err"
	fi
	live_clean clean-reader
}

# -c in another pid namespace (sharing this tracefs) sees every run's pid
# as unknown: it must leave them all, live or dead, and say so.
live_clean_namespace() {
	cat >"$out/ns.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	live_compile ns || return
	"$out/sigdfl" sh "$out/ns.sh" -q -o /dev/null &
	alive=$!
	"$out/sigdfl" sh "$out/ns.sh" -q -o /dev/null &
	dead=$!
	live_armed $alive 1 && live_armed $dead 1 ||
		{ fail "live/namespace: never armed"; kill -9 -$alive -$dead; return; }
	kill -9 -$dead
	wait $dead 2>/dev/null
	unshare -p -f --mount-proc sh "$out/ns.sh" -c 2>"$out/ns.err"
	rc=$?
	alive_name=$(basename "$TR/instances/surfc_${alive}"_*)
	dead_name=$(basename "$TR/instances/surfc_${dead}"_*)
	left=$(grep -c "^surfc: left surfc_\($alive\|$dead\)_.*: run \($alive\|$dead\) of another pid namespace (clean it up from there)$" "$out/ns.err")
	if [ $rc = 0 ] && [ -d "$TR/instances/$alive_name" ] && [ -d "$TR/instances/$dead_name" ] &&
	   [ "$left" = 4 ] && ! grep -q removed "$out/ns.err"; then
		pass "live/namespace: -c from another pid namespace left the live and the dead run (instances and probes), and said so"
	else
		fail "live/namespace: exit $rc, $left 'left' lines"
		cat "$out/ns.err"
	fi
	# From here, the dead one goes and the live one stays.
	sh "$out/ns.sh" -c 2>"$out/ns.err"
	rc=$?
	if [ $rc = 0 ] && [ -d "$TR/instances/$alive_name" ] && [ ! -d "$TR/instances/$dead_name" ]; then
		pass "live/namespace: -c in the runs' namespace removed only the dead run"
	else
		fail "live/namespace: here: exit $rc"
		cat "$out/ns.err"
	fi
	kill -TERM $alive
	wait $alive
	live_clean namespace
}

# Arming fails at the filter step right after the reader is forked; under
# CPU load the reader's TERM can come before its exec and be lost. Cleanup
# must end anyway: 50 runs a shell, each bounded by timeout.
live_cleanup_race() {
	cat >"$out/race.surf" <<EOF
P $out/target:process x=+0(%di):s32
e sched/sched_process_exec f:nosuchfield==1
EOF
	live_compile race || return
	before=$(ls "$TR/instances" | grep -c surfc_)
	busy() { while :; do :; done; }
	busy & b1=$!
	busy & b2=$!
	for sh in $SHELLS; do
		hung=0 wrong=0 n=0
		while [ $n -lt 50 ]; do
			# shellcheck disable=SC2046
			timeout -s KILL 20 $(shell_cmd "$sh") "$out/race.sh" -q >/dev/null 2>&1
			rc=$?
			[ $rc != 137 ] || hung=$((hung + 1))
			[ $rc = 1 ] || [ $rc = 137 ] || wrong=$((wrong + 1))
			n=$((n + 1))
		done
		left=$(($(ls "$TR/instances" | grep -c surfc_) - before))
		if [ $hung = 0 ] && [ $wrong = 0 ] && [ "$left" = 0 ]; then
			pass "live/race $sh: 50 failed armings under load: all exit 1 in bounded time, nothing left"
		else
			fail "live/race $sh: $hung hung, $wrong other exits, $left instances left"
		fi
	done
	kill $b1 $b2
	wait $b1 $b2 2>/dev/null
	live_clean race
}

# The caller's environment steers nothing: a PATH with fake utilities
# first, IFS=: and IFS=0123456789 (posh kept them), SURFC_TRACEFS in a
# real run.
live_environment() {
	cat >"$out/env.surf" <<EOF
P $out/target:process x=+0(%di):s32
EOF
	live_compile env || return
	mkdir -p "$out/fakebin" "$out/faketracefs"
	for u in cat printf awk sed sleep kill mkdir rmdir od ls id uname; do
		printf '#!/bin/sh\necho "$0" >>%s/faked\nexit 1\n' "$out" >"$out/fakebin/$u"
		chmod +x "$out/fakebin/$u"
	done
	rm -f "$out/faked"
	bad=
	for sh in dash posh bash; do
		for ifs in : 0123456789; do
			# shellcheck disable=SC2046
			PATH=$out/fakebin:$PATH IFS=$ifs SURFC_TRACEFS=$out/faketracefs \
				$(shell_cmd "$sh") "$out/env.sh" -q -d 2 -o "$out/env.txt" &
			pid=$!
			live_armed $pid 1 || { bad="$bad $sh/$ifs:never-armed"; wait $pid; continue; }
			"$out/target" 2 1
			wait $pid
			rc=$?
			n=$(grep -c 'x=100[01]$' "$out/env.txt")
			[ $rc = 0 ] && [ "$n" = 2 ] || bad="$bad $sh/IFS=$ifs:exit-$rc:$n-events"
		done
	done
	if [ -z "$bad" ] && [ ! -e "$out/faked" ] && [ -z "$(ls "$out/faketracefs")" ]; then
		pass "live/environment: fake utilities first in PATH, IFS=: and IFS=0123456789, SURFC_TRACEFS: dash, posh and bash runs armed the real tracefs, saw their 2 events, ran nothing fake"
	else
		fail "live/environment:$bad; faked: $(cat "$out/faked" 2>/dev/null | sort -u | tr '\n' ' ')"
	fi
	live_clean environment
}

# -n and -l preview anywhere: a kprobe script compiled for another kernel,
# as an unprivileged user (no access to tracefs) and as root on this
# machine (no kprobes here): exit 0, the same writes.
live_dry_anywhere() {
	"$SURFC" --btf "$KBTF" --kernel-release 6.1.0-elsewhere --arch x86_64 \
		-o "$out/dry.sh" -e 'p kernel_clone' -e "P $out/target:process" || { fail "live/dry: compile"; return; }
	chmod 755 "$out" "$out/dry.sh"
	sh "$out/dry.sh" -n >"$out/dry.root" 2>"$out/dry.rerr"
	rcr=$?
	setpriv --reuid=65534 --regid=65534 --clear-groups sh "$out/dry.sh" -n >"$out/dry.user" 2>"$out/dry.uerr"
	rcu=$?
	setpriv --reuid=65534 --regid=65534 --clear-groups sh "$out/dry.sh" -l >"$out/dry.list" 2>&1
	rcl=$?
	note="surfc: note: compiled for kernel 6.1.0-elsewhere, this is $(uname -r)"
	if [ $rcr = 0 ] && [ $rcu = 0 ] && [ $rcl = 0 ] && cmp -s "$out/dry.root" "$out/dry.user" &&
	   [ "$(cat "$out/dry.rerr")" = "$note" ] && [ "$(cat "$out/dry.uerr")" = "$note" ] &&
	   grep -q '^append kprobe_events p:surfc_PID/kernel_clone kernel_clone$' "$out/dry.user" &&
	   grep -q '^  p:surfc_PID/kernel_clone kernel_clone$' "$out/dry.list"; then
		pass "live/dry: -n and -l of another kernel's kprobe script: exit 0 as root and as nobody, the same writes, a note on stderr"
	else
		fail "live/dry: -n root $rcr, user $rcu, -l $rcl"
		cat "$out/dry.rerr" "$out/dry.uerr" "$out/dry.list"
	fi
}

if live_setup; then
	live_awks
	live_full_disk
	live_binary_check
	live_clean_reader
	live_clean_namespace
	live_cleanup_race
	live_environment
	live_dry_anywhere
	echo '-:othertool/keepme' >>"$TR/uprobe_events"
fi
