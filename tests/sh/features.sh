# Sourced by tests/run.sh: the features a probe needs from the target's
# kernel (the script checks them against the tracefs README) come from the
# fetch plan, not from searching the definition's text: an immediate
# string that holds "$arg1" needs imm-string, not $arg<N>.

# features_of PROBE: the features of its script's kernel 1, probe 1: the
# text whose id kernel_1_features holds.
features_of() {
	"$SURFC" --no-types --arch x86_64 -e "$1" -o "$out/features.sh" 2>/dev/null
	id=$(sed -n "s/^kernel_1_features='\([0-9]*\)'\$/\1/p" "$out/features.sh")
	[ "$id" = 0 ] || sed -n "s/^text_$id='\(.*\)'\$/\1/p" "$out/features.sh"
}

features() {
	got=$(features_of 'p vfs_read a=\"$arg1\":string')
	got="$got|$(features_of 'p vfs_read a=$arg1')"
	got="$got|$(features_of 'p vfs_read c=+u8(%di):ustring f=%di:x32 g=\7')"
	got="$got|$(features_of 'p vfs_read s=+0(%si):string b=+0(%si):b3@1/32 r=+0(%si):u8[4]')"
	want='imm-string|$arg<N>|x8/16/32/64;ustring;[u]<offset>;imm-value|b<bit-width>;<array-size>'
	if [ "$got" = "$want" ]; then
		pass "features: from the fetch plan, not from the text"
	else
		fail "features: got '$got', want '$want'"
	fi
}

features

# The script's check of the target's README takes names with blanks in
# them: $argN in a kernel return probe is the README's line "kernel return
# probes support: $retval, $arg<N>, $comm". A README without it: exit 3
# naming it; with it: the dry run goes on. Under the six shells.
features_readme() {
	"$SURFC" --no-types --arch x86_64 -o "$out/retargs.sh" \
		-e 'r kernel_clone a=$arg1 s=+0(%di):string' 2>/dev/null ||
		{ fail "features/readme: compile"; return; }
	for with in no yes; do
		fake=$out/tracefs-retargs-$with
		rm -rf "$fake" && mkdir -p "$fake/instances"
		cp "$top/tests/script/README.fixture" "$fake/README"
		[ $with = no ] ||
			printf '\t     kernel return probes support: $retval, $arg<N>, $comm\n' >>"$fake/README"
		: >"$fake/kprobe_events"
		echo kernel_clone >"$fake/available_filter_functions"
	done
	for sh in "busybox ash" dash "bash --posix" mksh posh yash; do
		# shellcheck disable=SC2086
		SURFC_TRACEFS=$out/tracefs-retargs-no $sh "$out/retargs.sh" -n \
			>"$out/retargs.no" 2>&1
		no=$?
		# shellcheck disable=SC2086
		SURFC_TRACEFS=$out/tracefs-retargs-yes $sh "$out/retargs.sh" -n \
			>"$out/retargs.yes" 2>&1
		yes=$?
		if [ $no = 3 ] && grep -q "lack 'kernel return probes support: \$retval, \$arg<N>'" "$out/retargs.no" &&
		   [ $yes = 0 ] && grep -q 'r:surfc_' "$out/retargs.yes"; then
			pass "features/readme ${sh%% *}: a name with blanks, checked in the README"
		else
			fail "features/readme ${sh%% *}: exit $no without the line, $yes with it"
			cat "$out/retargs.no" "$out/retargs.yes" | head -n 6
		fi
	done
}

features_readme

# The kinds only dynamic_events defines, and maxactive, need their README
# format lines (as 6.12's README writes them): without them, exit 3
# naming the first lacking; with them, the dry run defines each in
# dynamic_events (the kretprobe in kprobe_events).
features_kinds() {
	"$SURFC" --no-types --arch x86_64 -o "$out/kinds.sh" -e 'f vfs_read c=%2' \
		-e 'f vfs_read%return r=$retval' -e 't sched_switch p=%1' \
		-e 'E sched/sched_switch p=prev_pid' -e 'r5 vfs_read' 2>/dev/null ||
		{ fail "features/kinds: compile"; return; }
	for with in no yes; do
		fake=$out/tracefs-kinds-$with
		rm -rf "$fake" && mkdir -p "$fake/instances" "$fake/events/sched/sched_switch"
		cp "$top/tests/script/README.fixture" "$fake/README"
		[ $with = no ] || printf '%s\n' \
			'	           r[maxactive][:[<group>/][<event>]] <place> [<args>]' \
			'	           f[:[<group>/][<event>]] <func-name>[%return] [<args>]' \
			'	           t[:[<group>/][<event>]] <tracepoint> [<args>]' \
			'	           e[:[<group>/][<event>]] <attached-group>.<attached-event> [<args>] [if <filter>]' \
			>>"$fake/README"
		: >"$fake/kprobe_events"
		: >"$fake/dynamic_events"
		echo vfs_read >"$fake/available_filter_functions"
	done
	SURFC_TRACEFS=$out/tracefs-kinds-no sh "$out/kinds.sh" -n >"$out/kinds.no" 2>&1
	no=$?
	SURFC_TRACEFS=$out/tracefs-kinds-yes sh "$out/kinds.sh" -n >"$out/kinds.yes" 2>&1
	yes=$?
	defs=$(grep -c '^append dynamic_events [fte]:surfc_PID/' "$out/kinds.yes")
	if [ $no = 3 ] && grep -q "lack 'f\[:\[<group>/\]\[<event>\]\] <func-name>\[%return\]'" "$out/kinds.no" &&
	   [ $yes = 0 ] && [ "$defs" = 4 ] && grep -q '^append kprobe_events r5:surfc_PID/' "$out/kinds.yes"; then
		pass "features/kinds: f, t, E and r5 need their README lines; with them each is defined in its file"
	else
		fail "features/kinds: exit $no without the lines, $yes with them, $defs dynamic definitions"
		cat "$out/kinds.no" "$out/kinds.yes" | head -n 8
	fi
}

features_kinds
