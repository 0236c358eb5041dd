# Sourced by tests/run.sh (named: sh tests/run.sh live_usdt): U probes on
# this machine's real tracefs, as root. Debian's /usr/bin/python3.11 has
# USDT markers guarded by semaphores: a script prints a known Python
# program's file, functions and lines; the semaphore of a running python
# is 0 before, 1 while armed (the kernel's reference counter) and 0
# after. tests/usdt/markers.c: arguments of every kind, both sites of a
# marker inlined twice, a constant (test:forms), events that come only
# because the semaphores are raised, and the binary's identity (exit 4;
# -f arms). Around each case uprobe_events is compared with what it was
# before.
# shellcheck source=tests/lib/live.sh
. "$top/tests/lib/live.sh"

usdt_live_armed() { run_armed "$1" "$2"; }
usdt_live_clean() { uprobes_as_before "$out/usdt-live.before" "live_usdt/$1"; }

# usdt_semaphore PID BIN MARKER: the 16-bit semaphore of PROVIDER:NAME
# in process PID, read from its memory (the note's address, plus the
# load address when BIN is position-independent).
usdt_semaphore() {
	addr=$(readelf -n "$2" | awk -v m="$3" '
		$1 == "Provider:" { p = $2 } $1 == "Name:" { n = $2 }
		$1 == "Location:" && p ":" n == m { gsub(/,/, ""); print $6; exit }')
	if readelf -hW "$2" | grep -q 'Type: *DYN'; then
		base=$(awk -v f="$2" '$6 == f && $3 == "00000000" { split($1, a, "-"); print "0x" a[1]; exit }' "/proc/$1/maps")
		addr=$((addr + base))
	fi
	dd if="/proc/$1/mem" bs=2 skip=$((addr / 2)) count=1 2>/dev/null | od -An -tu2 | tr -d ' '
}

# A Python program that waits for $out/usdt-go, then calls alpha and
# beta twice. CPython 3.11 passes function__entry for a call from Python
# code only while python:line's semaphore is raised too (its eval loop
# reaches its DTrace hooks on the tracing path), so the script arms
# python:line as well, with a filter that lets no event through.
usdt_live_python() {
	py=/usr/bin/python3.11
	prog=$out/usdt_prog.py
	cat >"$prog" <<EOF
import os, time
def alpha(n):
    return beta(n) + 1
def beta(n):
    return n * 2
while not os.path.exists("$out/usdt-go"):
    time.sleep(0.05)
for i in range(2):
    alpha(i)
EOF
	cat >"$out/usdt_py.surf" <<EOF
U $py:python:function__entry file=%0:ustring func=%1:ustring line=%2 f:file~"*/usdt_prog.py"
U $py:python:line line=%2 f:line==-1
EOF
	"$SURFC" -o "$out/usdt_py.sh" "$out/usdt_py.surf" 2>"$out/usdt_py.err" ||
		{ fail "live_usdt/python: compile"; cat "$out/usdt_py.err"; return; }
	rm -f "$out/usdt-go"
	"$py" "$prog" &
	target=$!
	sleep 0.3
	before=$(usdt_semaphore $target $py python:function__entry)
	sh "$out/usdt_py.sh" -q -o "$out/usdt_py.txt" 2>"$out/usdt_py.run" &
	run=$!
	usdt_live_armed $run 2 || fail "live_usdt/python: never armed"
	during=$(usdt_semaphore $target $py python:function__entry)
	during_line=$(usdt_semaphore $target $py python:line)
	touch "$out/usdt-go"
	wait $target
	sleep 0.5
	kill -TERM $run
	wait $run
	rc=$?
	rm -f "$out/usdt-go"
	"$py" "$prog" &
	target=$!
	sleep 0.3
	after=$(usdt_semaphore $target $py python:function__entry)
	touch "$out/usdt-go"
	wait $target
	got=$(sed -n 's/.*function__entry: ([0-9a-fx]*) //p' "$out/usdt_py.txt")
	want="file=\"$prog\" func=\"alpha\" line=2
file=\"$prog\" func=\"beta\" line=4
file=\"$prog\" func=\"alpha\" line=2
file=\"$prog\" func=\"beta\" line=4"
	if [ $rc = 0 ] && [ "$got" = "$want" ] && [ "$before" = 0 ] &&
	   [ "$during" = 1 ] && [ "$during_line" = 1 ] && [ "$after" = 0 ]; then
		pass "live_usdt/python: function__entry prints the program's file, functions and lines; the semaphore of a running python is 0, 1 while armed, 0 after"
	else
		fail "live_usdt/python: exit $rc, semaphore $before/$during/$after (line $during_line)"
		printf '%s\n--- want\n%s\n' "$got" "$want"
		cat "$out/usdt_py.run"
	fi
	usdt_live_clean python
}

# markers.c built PIE with semaphores: its markers are passed only while
# their semaphores are raised; a process started after arming has them
# raised by the kernel when it maps the binary.
usdt_live_markers() {
	bin=$out/usdt-live/markers
	cat >"$out/usdt_m.surf" <<EOF
U $bin:test:hit i=%0 w=%1:ustring n=%2
U $bin:test:twice k=%0
U $bin:test:global c=%0
U $bin:test:forms five=%0 r9=%5
EOF
	"$SURFC" -o "$out/usdt_m.sh" "$out/usdt_m.surf" 2>"$out/usdt_m.err" ||
		{ fail "live_usdt/markers: compile"; cat "$out/usdt_m.err"; return; }
	sh "$out/usdt_m.sh" -q -o "$out/usdt_m.txt" 2>"$out/usdt_m.run" &
	run=$!
	usdt_live_armed $run 5 || fail "live_usdt/markers: never armed"
	"$bin" 2
	sleep 0.5
	kill -TERM $run
	wait $run
	rc=$?
	got=$(sed -n 's/.* \(hit\|twice\|twice_1\|global\|forms\): ([0-9a-fx]*) /\1 /p' "$out/usdt_m.txt" |
		sed 's/ r9=[0-9]*$//')
	want='hit i=0 w="zero" n=-1
twice k=0
twice_1 k=100
global c=40
hit i=1 w="one" n=-2
twice k=1
twice_1 k=101
global c=40
forms five=5'
	if [ $rc = 0 ] && [ "$got" = "$want" ]; then
		pass "live_usdt/markers: registers by size and sign, a string through a pointer, both sites of an inlined marker, a global through @+OFFSET, a constant; passed only with the semaphores raised"
	else
		fail "live_usdt/markers: exit $rc"
		printf '%s\n--- want\n%s\n' "$got" "$want"
		cat "$out/usdt_m.run"
	fi
	usdt_live_clean markers
}

# The script checks the binary by its build-id: another build of
# markers.c at the path exits 4 before arming; -f arms it.
usdt_live_identity() {
	bin=$out/usdt-live/ident
	cp "$out/usdt-live/markers" "$bin"
	"$SURFC" -o "$out/usdt_id.sh" -e "U $bin:test:hit i=%0" 2>"$out/usdt_id.err" ||
		{ fail "live_usdt/identity: compile"; cat "$out/usdt_id.err"; return; }
	cp "$out/usdt-live/markers.other" "$bin"
	sh "$out/usdt_id.sh" -q -d 1 -o /dev/null 2>"$out/usdt_id.run"
	rc=$?
	sh "$out/usdt_id.sh" -q -f -o "$out/usdt_id.txt" 2>"$out/usdt_id.frun" &
	run=$!
	usdt_live_armed $run 1 || fail "live_usdt/identity: -f never armed"
	"$bin" 1
	sleep 0.5
	kill -TERM $run
	wait $run
	rcf=$?
	if [ $rc = 4 ] && grep -q "is not the binary compiled for (build-id" "$out/usdt_id.run" &&
	   [ $rcf = 0 ] && grep -q ' hit: ([0-9a-fx]*) i=0$' "$out/usdt_id.txt"; then
		pass "live_usdt/identity: another build at the path exits 4; -f arms it and its marker fires"
	else
		fail "live_usdt/identity: other $rc, -f $rcf"
		cat "$out/usdt_id.run" "$out/usdt_id.frun" "$out/usdt_id.txt"
	fi
	usdt_live_clean identity
}

usdt_live() {
	[ -f "$TR/README" ] || mount -t tracefs nodev "$TR" 2>/dev/null
	if [ "$(id -u)" != 0 ] || [ ! -w "$TR/uprobe_events" ]; then
		fail "live_usdt: needs root and a tracefs with uprobe_events"
		return
	fi
	cp "$TR/uprobe_events" "$out/usdt-live.before"
	if [ -x /usr/bin/python3.11 ] && readelf -n /usr/bin/python3.11 | grep -q 'Name: function__entry'; then
		usdt_live_python
	else
		fail "live_usdt/python: no /usr/bin/python3.11 with markers (make deps installs python3)"
	fi
	mkdir -p "$out/usdt-live"
	if ! cc -O2 -g -fPIE -pie -DSEM -o "$out/usdt-live/markers" "$top/tests/usdt/markers.c" ||
	   ! cc -O2 -g -fPIE -pie -DSEM -DVARIANT=1 -o "$out/usdt-live/markers.other" "$top/tests/usdt/markers.c"; then
		fail "live_usdt: cannot build tests/usdt/markers.c (<sys/sdt.h>: systemtap-sdt-dev)"
		return
	fi
	usdt_live_markers
	usdt_live_identity
}

usdt_live
