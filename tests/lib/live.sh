# tests/lib/live.sh: what the live suites share (tests/sh/live*.sh source
# it): they run generated scripts on this machine's own tracefs, as root.
TR=/sys/kernel/tracing

# run_armed PID N [EVENT...]: waits (10 s at most) until run PID has N
# events enabled: its own group's, and those of the existing EVENTs
# (GROUP/NAME) in its instance. Only those files are read: the poll itself
# must not flood a probe on read().
run_armed() {
	pid=$1 want=$2
	shift 2
	i=0
	while [ $i -lt 100 ]; do
		files=
		for event in "$@"; do
			files="$files $TR/instances/surfc_${pid}_*/events/$event/enable"
		done
		# shellcheck disable=SC2086 # globs, expanded anew each time
		n=$(grep -c 1 "$TR/instances/surfc_$pid"_*/events/surfc_"$pid"_*/*/enable \
			$files 2>/dev/null | awk -F: '{ s += $NF } END { print s + 0 }')
		[ "$n" -ge "$want" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# uprobes_as_before BEFORE NAME: uprobe_events is as BEFORE saved it.
uprobes_as_before() {
	if cmp -s "$1" "$TR/uprobe_events"; then
		pass "$2: uprobe_events as before"
	else
		fail "$2: uprobe_events changed"
		diff "$1" "$TR/uprobe_events" | head -5
	fi
}
