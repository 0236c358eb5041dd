# Sourced by tests/run.sh (named: sh tests/run.sh live_utypes): uprobes
# typed by their binaries' DWARF, on this machine's real tracefs, as
# root. tests/utypes/prog.c, built with -g at -O0 (PIE), at -O2 (PIE and
# not) and at -O2 with its debuginfo split out (objcopy --only-keep-debug,
# --add-gnu-debuglink), is probed with members through pointers, nested
# pointers, char arrays, strings, an int array, bitfields, a cast and
# typed $retval (a long, and a struct pointer followed): the events must
# print what the program prints. Then debuginfo under /usr/lib/debug/DIR,
# -s (the program's stack, not the kernel's uprobe frames), the binary's
# identity (another build at the path exits 4, -f arms it) and libc's
# getaddrinfo typed by libc6-dbg's debuginfo (by build-id), called by
# tests/utypes/gai.c. Around each case uprobe_events is compared with
# what it was before.
# shellcheck source=tests/lib/live.sh
. "$top/tests/lib/live.sh"

utypes_armed() { run_armed "$1" "$2"; }
utypes_clean() { uprobes_as_before "$out/utypes-live.before" "live_utypes/$1"; }

# utypes_surf BIN: the probes, each event printing one line of the
# program's output.
utypes_surf() {
	cat <<EOF
p $1:handle id=it->id name=it->name note=it->note scores=it->scores ready=it->fl.ready mode=it->fl.mode level=it->fl.level depth=it->in->depth label=it->in->label next=%0->next->id next_name=it->next->name k=k tag=tag
r $1:handle ret=\$retval
p $1:pick which=%2 first=(struct item *)%0->name
r $1:pick picked=\$retval->id picked_name=\$retval->name
EOF
}

# utypes_events FILE: the events as "EVENT ARGS", as the program prints
# them.
utypes_events() {
	sed -n 's/^.* \([a-z_]*\): ([^)]*) /\1 /p' "$1"
}

# utypes_run NAME BIN [SURFC FLAGS]: compile BIN's probes, arm them, run
# BIN once armed; its events must be what it prints.
utypes_run() {
	name=$1 bin=$2
	shift 2
	utypes_surf "$bin" >"$out/utypes_$name.surf"
	"$SURFC" "$@" -o "$out/utypes_$name.sh" "$out/utypes_$name.surf" 2>"$out/utypes_$name.err" ||
		{ fail "live_utypes/$name: compile"; cat "$out/utypes_$name.err"; return; }
	sh "$out/utypes_$name.sh" -q -o "$out/utypes_$name.txt" 2>"$out/utypes_$name.run" &
	run=$!
	utypes_armed $run 4 || fail "live_utypes/$name: never armed"
	"$bin" >"$out/utypes_$name.want"
	sleep 0.5
	kill -TERM $run
	wait $run
	rc=$?
	got=$(utypes_events "$out/utypes_$name.txt")
	want=$(cat "$out/utypes_$name.want")
	if [ $rc = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "live_utypes/$name: members, nested pointers, char arrays, strings, an int array, bitfields, a cast and typed \$retval print what the program prints"
	else
		fail "live_utypes/$name: exit $rc"
		printf '%s\n--- want\n%s\n' "$got" "$want"
		cat "$out/utypes_$name.run"
	fi
	utypes_clean "$name"
}

# The debuglink's file under /usr/lib/debug/DIR (as root: the tree is
# the system's; a directory of this run's, removed after).
utypes_global_debug() {
	g=/usr/lib/debug$out/utypes-live/global
	mkdir -p "$out/utypes-live/global" "$g"
	cp "$out/utypes-live/split/prog" "$out/utypes-live/global/prog"
	cp "$out/utypes-live/split/prog.debug" "$g/prog.debug"
	got=$("$SURFC" -S -e "p $out/utypes-live/global/prog:handle id=it->id label=it->in->label" 2>&1 |
		sed -n 's/^echo .*:0x[0-9a-f]* //p')
	rm -rf "/usr/lib/debug$out/utypes-live"
	# Its empty parents too, up to /usr/lib/debug.
	e=/usr/lib/debug$out
	while [ "$e" != /usr/lib/debug ] && rmdir "$e" 2>/dev/null; do
		e=${e%/*}
	done
	if [ "$got" = "id=+0(%di):s64 label=+0(+8(+56(%di))):string' >> uprobe_events" ]; then
		pass "live_utypes/global: the debuglink's file under /usr/lib/debug/DIR"
	else
		fail "live_utypes/global: $got"
	fi
}

# -s: each uprobe event comes with the program's stack, whose first frame
# is the probed address, and with no kernel frames.
utypes_stack() {
	bin=$out/utypes-live/O0
	"$SURFC" -o "$out/utypes_stack.sh" -e "p $bin:handle id=it->id" 2>"$out/utypes_stack.err" ||
		{ fail "live_utypes/stack: compile"; cat "$out/utypes_stack.err"; return; }
	sh "$out/utypes_stack.sh" -s -q -o "$out/utypes_stack.txt" 2>"$out/utypes_stack.run" &
	run=$!
	utypes_armed $run 1 || fail "live_utypes/stack: never armed"
	"$bin" >/dev/null
	sleep 0.5
	kill -TERM $run
	wait $run
	rc=$?
	# "handle: (0xADDR) id=7", then "<user stack trace>", then frames:
	# " =>  <ADDR>", or "=> PATH[+0xOFF]" where the kernel could still
	# name the mapping when the trace was read (sym-userobj: it depends on
	# whether the process was alive then). The first frame is the event's
	# address; a kernel frame is a bare symbol.
	verdict=$(awk '
		/ handle: \(0x/ { a = $0; sub(/.*\(0x/, "", a); sub(/\).*/, "", a); want = a; n++; next }
		/<user stack trace>/ { stacks++; first = 1; next }
		/^ => / { f = $0; sub(/^ => */, "", f)
			if (f ~ /^\/.*\[\+0x[0-9a-f]+\]$/) {
				off = f; sub(/.*\[\+0x/, "", off); sub(/\]$/, "", off)
				if (first && substr(want, length(want) - length(off) + 1) == off) ok++
			} else {
				gsub(/[ <>]/, "", f); sub(/^0*/, "", f)
				if (first && f == want) ok++
				if (f ~ /[g-z_]/) kernel++
			}
			first = 0 }
		END { print n + 0, stacks + 0, ok + 0, kernel + 0 }' "$out/utypes_stack.txt")
	if [ $rc = 0 ] && [ "$verdict" = "2 2 2 0" ]; then
		pass "live_utypes/stack: -s gives each uprobe event the program's stack, from the probed address, without the kernel's frames"
	else
		fail "live_utypes/stack: exit $rc, events/stacks/first frames right/kernel frames: $verdict"
		cat "$out/utypes_stack.txt" "$out/utypes_stack.run"
	fi
	utypes_clean stack
}

# The script checks the binary by its build-id: another build at the
# path exits 4 before arming; -f arms it, and the types compiled in still
# fit (the builds differ in a constant only).
utypes_identity() {
	bin=$out/utypes-live/ident
	cp "$out/utypes-live/O2" "$bin"
	"$SURFC" -o "$out/utypes_id.sh" -e "p $bin:handle id=it->id name=it->name" 2>"$out/utypes_id.err" ||
		{ fail "live_utypes/identity: compile"; cat "$out/utypes_id.err"; return; }
	cp "$out/utypes-live/other" "$bin"
	sh "$out/utypes_id.sh" -q -d 1 -o /dev/null 2>"$out/utypes_id.run"
	rc=$?
	sh "$out/utypes_id.sh" -q -f -o "$out/utypes_id.txt" 2>"$out/utypes_id.frun" &
	run=$!
	utypes_armed $run 1 || fail "live_utypes/identity: -f never armed"
	"$bin" >/dev/null
	sleep 0.5
	kill -TERM $run
	wait $run
	rcf=$?
	got=$(utypes_events "$out/utypes_id.txt")
	if [ $rc = 4 ] && grep -q "is not the binary compiled for (build-id" "$out/utypes_id.run" &&
	   [ $rcf = 0 ] && [ "$got" = 'handle id=7 name="alpha"
handle id=8 name="beta"' ]; then
		pass "live_utypes/identity: another build at the path exits 4; -f arms it and its typed probe fires"
	else
		fail "live_utypes/identity: other $rc, -f $rcf"
		cat "$out/utypes_id.run" "$out/utypes_id.frun" "$out/utypes_id.txt"
	fi
	utypes_clean identity
}

# libc has no DWARF of its own; libc6-dbg's debuginfo is found by its
# build-id. tests/utypes/gai.c calls getaddrinfo once, with known hints.
utypes_libc() {
	libc=/lib/x86_64-linux-gnu/libc.so.6
	cc -o "$out/utypes-live/gai" "$top/tests/utypes/gai.c" ||
		{ fail "live_utypes/libc: cannot build tests/utypes/gai.c"; return; }
	"$SURFC" -o "$out/utypes_libc.sh" -e "p $libc:getaddrinfo node=name service=service family=hints->ai_family socktype=hints->ai_socktype flags=hints->ai_flags f:node==\"surfc-utypes-check.invalid\"" \
		2>"$out/utypes_libc.err" ||
		{ fail "live_utypes/libc: compile"; cat "$out/utypes_libc.err"; return; }
	sh "$out/utypes_libc.sh" -q -o "$out/utypes_libc.txt" 2>"$out/utypes_libc.run" &
	run=$!
	utypes_armed $run 1 || fail "live_utypes/libc: never armed"
	"$out/utypes-live/gai" >"$out/utypes_libc.want"
	sleep 0.5
	kill -TERM $run
	wait $run
	rc=$?
	got=$(utypes_events "$out/utypes_libc.txt")
	want=$(cat "$out/utypes_libc.want")
	if [ $rc = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "live_utypes/libc: getaddrinfo's name, service and hints, typed by libc6-dbg's debuginfo (found by build-id), as the program passed them"
	else
		fail "live_utypes/libc: exit $rc"
		printf '%s\n--- want\n%s\n' "$got" "$want"
		cat "$out/utypes_libc.run"
	fi
	utypes_clean libc
}

utypes_live() {
	[ -f "$TR/README" ] || mount -t tracefs nodev "$TR" 2>/dev/null
	if [ "$(id -u)" != 0 ] || [ ! -w "$TR/uprobe_events" ]; then
		fail "live_utypes: needs root and a tracefs with uprobe_events"
		return
	fi
	cp "$TR/uprobe_events" "$out/utypes-live.before"
	d=$out/utypes-live
	rm -rf "$d"
	mkdir -p "$d/split"
	src=$top/tests/utypes/prog.c
	if ! cc -g -O0 -o "$d/O0" "$src" || ! cc -g -O2 -o "$d/O2" "$src" ||
	   ! cc -g -O2 -fno-pie -no-pie -o "$d/O2nopie" "$src" ||
	   ! cc -g -O2 -DVARIANT=1 -o "$d/other" "$src" ||
	   ! cc -g -O2 -o "$d/split/prog" "$src" ||
	   ! objcopy --only-keep-debug "$d/split/prog" "$d/split/prog.debug" ||
	   ! objcopy --strip-debug --add-gnu-debuglink="$d/split/prog.debug" "$d/split/prog"; then
		fail "live_utypes: cannot build tests/utypes/prog.c"
		return
	fi
	utypes_run O0 "$d/O0"
	utypes_run O2 "$d/O2"
	utypes_run O2nopie "$d/O2nopie"
	utypes_run split "$d/split/prog"
	utypes_global_debug
	utypes_stack
	utypes_identity
	libc=/lib/x86_64-linux-gnu/libc.so.6
	id=$(readelf -n "$libc" 2>/dev/null | awk '/Build ID:/ { print $3 }')
	if [ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug" ]; then
		utypes_libc
	else
		fail "live_utypes/libc: no debuginfo for $libc (make deps installs libc6-dbg)"
	fi
}

utypes_live
