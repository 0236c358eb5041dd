# Sourced by tests/run.sh: wildcard targets against the 6.1 kernel's BTF.
# The compiler's expansion of p vfs_rea* is what surfc --list gives for
# the same glob; on the target the script arms only the matches its
# available_filter_functions (and events/) holds, and says how many.

globs_expansion() {
	want=$("$SURFC" --btf "$KBTF" --list 'vfs_rea*' | grep -v / | tr '\n' ' ')
	got=$("$SURFC" --btf "$KBTF" -S -e 'p vfs_rea*' |
		sed -n "s/^echo 'p:surfc\/\([^ ]*\) .*/\1/p" | tr '\n' ' ')
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "globs/expansion: p vfs_rea* is the $(echo $want | wc -w) functions --list gives"
	else
		fail "globs/expansion: got '$got', --list '$want'"
	fi
}

# A fake tracefs that traces vfs_read and vfs_readv (not vfs_readlink)
# and has sched_process_exec (not sched_process_exit).
globs_target() {
	"$SURFC" --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 \
		-o "$out/globs.sh" -e 'p vfs_rea* c=%2' -e 'e sched/sched_process_e*' ||
		{ fail "globs/target: compile"; return; }
	fake=$out/tracefs-globs
	rm -rf "$fake" && mkdir -p "$fake/instances" "$fake/events/sched/sched_process_exec"
	cp "$top/tests/script/README.fixture" "$fake/README"
	: >"$fake/kprobe_events"
	printf 'vfs_read\nvfs_readv\next4_read [ext4]\n' >"$fake/available_filter_functions"
	SURFC_TRACEFS=$fake sh "$out/globs.sh" -n -f >"$out/globs.out" 2>"$out/globs.err"
	rc=$?
	defs=$(grep -c '^append kprobe_events p:' "$out/globs.out")
	if [ $rc = 0 ] && [ "$defs" = 2 ] &&
	   grep -q '^surfc: vfs_rea\*: 2 of its 3 matches are traceable here$' "$out/globs.err" &&
	   grep -q '^surfc: sched/sched_process_e\*: 1 of its 2 matches are traceable here$' "$out/globs.err" &&
	   grep -q 'events/sched/sched_process_exec/enable 1' "$out/globs.out" &&
	   ! grep -q 'vfs_readlink\|sched_process_exit' "$out/globs.out"; then
		pass "globs/target: arms the 2 of 3 functions and 1 of 2 events the target has, and says so"
	else
		fail "globs/target: exit $rc, $defs definitions: $(cat "$out/globs.err")"
	fi
}

# Two kernels: the matches are those of both; 6.1 lacks __probestub_*
# (6.4 added them), so there the script arms none and says so, while
# 6.12 arms both.
globs_fleet() {
	"$SURFC" --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 \
		--btf "$KBTF612" --kernel-release 6.12.117+deb12-cloud-amd64 \
		-o "$out/globs-fleet.sh" -e 'p __traceiter_sched_switch' \
		-e 'p __probestub_sched_sw*' 2>"$out/globs-fleet.err" ||
		{ fail "globs/fleet: compile: $(cat "$out/globs-fleet.err")"; return; }
	fake=$out/tracefs-globs-fleet
	rm -rf "$fake" && mkdir -p "$fake/instances"
	cp "$top/tests/script/README.fixture" "$fake/README"
	: >"$fake/kprobe_events"
	printf '__traceiter_sched_switch\n__probestub_sched_switch\n__probestub_sched_swap_numa\n' \
		>"$fake/available_filter_functions"
	said61=$(SURFC_TRACEFS=$fake sh "$out/globs-fleet.sh" -n -K 6.1.0-56-cloud-amd64 2>&1 >/dev/null)
	defs612=$(SURFC_TRACEFS=$fake sh "$out/globs-fleet.sh" -n -K 6.12.117+deb12-cloud-amd64 2>/dev/null |
		grep -c '^append kprobe_events p:surfc_PID/__probestub_')
	if [ "$said61" = "surfc: __probestub_sched_sw*: 0 of its 2 matches are traceable here" ] &&
	   [ "$defs612" = 2 ]; then
		pass "globs/fleet: 6.1 arms none of __probestub_sched_sw* and says so, 6.12 both"
	else
		fail "globs/fleet: 6.1 said '$said61', 6.12 armed $defs612"
	fi
}

globs_expansion
globs_target
globs_fleet
