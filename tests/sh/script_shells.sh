# Sourced by tests/run.sh: a generated script under six shells, in dry-run
# mode (-l, then -n: every write it would make). -n needs no tracefs and
# checks nothing; with SURFC_TRACEFS=DIR (read by a dry run only) it also
# runs the checks against a fake tracefs: one without
# set_event_notrace_pid (the pid filters), one with it, and one where a
# function is missing (exit 3). Every shell must print exactly
# tests/script/shells.expect.
script_shells() {
	fake=$out/tracefs
	rm -rf "$fake" "$out/tracefs-notrace" "$out/tracefs-nofunc"
	mkdir -p "$fake/instances" "$fake/events/sched/sched_process_exec"
	cp "$top/tests/script/README.fixture" "$fake/README"
	: >"$fake/kprobe_events"
	: >"$fake/uprobe_events"
	: >"$fake/synthetic_events"
	printf 'kernel_clone\n__netif_receive_skb_core [m]\n' >"$fake/available_filter_functions"
	cp -r "$fake" "$out/tracefs-notrace"
	: >"$out/tracefs-notrace/set_event_notrace_pid"
	cp -r "$fake" "$out/tracefs-nofunc"
	echo kernel_clone >"$out/tracefs-nofunc/available_filter_functions"
	script=$out/shells.sh
	(cd "$top/tests/script" && "$SURFC" --no-types --arch x86_64 -o "$script" shells.surf) ||
		{ fail "script/compile"; return; }
	if shellcheck -s sh "$script" >"$out/shellcheck.out" 2>&1; then
		pass "script/shellcheck"
	else
		fail "script/shellcheck"
		head -20 "$out/shellcheck.out"
	fi
	for sh in "busybox ash" dash "bash --posix" mksh posh yash; do
		name=$(echo "$sh" | cut -d' ' -f1)
		# shellcheck disable=SC2086
		{ SURFC_TRACEFS=$fake $sh "$script" -l; echo "[exit $?]"
		  SURFC_TRACEFS=$fake $sh "$script" -n; echo "[exit $?]"
		  SURFC_TRACEFS=$out/tracefs-notrace $sh "$script" -n -s -b 64; echo "[exit $?]"
		  SURFC_TRACEFS=$out/tracefs-nofunc $sh "$script" -n; echo "[exit $?]"
		  $sh "$script" -n -r; echo "[exit $?]"; } \
			>"$out/shells.$name" 2>&1
		if [ "${UPDATE:-}" = 1 ] && [ "$name" = dash ]; then
			cp "$out/shells.$name" "$top/tests/script/shells.expect"
		fi
		if cmp -s "$out/shells.$name" "$top/tests/script/shells.expect"; then
			pass "script/shell $name"
		else
			fail "script/shell $name"
			diff -u "$top/tests/script/shells.expect" "$out/shells.$name" | head -20
		fi
	done
}
script_shells

# shellcheck -s sh on the script of every sample that compiles.
script_samples() {
	for s in raw:--no-types modern:--btf=$KBTF types-btf:--btf=$KBTF; do
		name=${s%%:*} flag=${s#*:}
		src=$top/samples/$name.surf
		[ -f "$src" ] || src=$top/tests/golden/$name.surf
		# shellcheck disable=SC2086
		if "$SURFC" $(echo "$flag" | tr = " ") -o "$out/sample-$name.sh" "$src" 2>/dev/null &&
		   shellcheck -s sh "$out/sample-$name.sh" >"$out/sc.out" 2>&1; then
			pass "script/shellcheck $name"
		else
			fail "script/shellcheck $name"
			head -10 "$out/sc.out"
		fi
	done
}
script_samples

# Without -o the script goes to stdout; -o FILE makes it executable.
script_output() {
	first=$("$SURFC" --no-types -e 'p kernel_clone' | head -n 1)
	rm -f "$out/mode.sh"
	(umask 077 && "$SURFC" --no-types -o "$out/mode.sh" -e 'p kernel_clone')
	mode=$(stat -c %a "$out/mode.sh" 2>/dev/null)
	if [ "$first" = "#!/bin/sh" ] && [ "$mode" = 755 ]; then
		pass "script/output: stdout by default, -o FILE is mode 755"
	else
		fail "script/output: first line '$first', mode '$mode'"
	fi
}
script_output

# Hostile text through every input the compiler copies: a file name with a
# newline, quotes, $(...), backquotes and escape sequences; -e text;
# --kernel-release; filter strings and immediates. The script's -h, -l and
# -n under every shell, and surfc -S run as a shell script, must never run
# the marker command (">PWNED" creates the file); no comment line of the
# script or of -S holds a raw control character (values are shell-quoted:
# a filter string may hold one for the kernel); uprobe paths and probe
# names with such characters are refused.
script_inject() {
	dir=$out/inject
	rm -rf "$dir" && mkdir -p "$dir"
	# A name with control characters is refused (below); this one has
	# every other kind of trouble.
	name=$(printf "a'\$(>PWNED)\`>PWNED\` >PWNED;\"x.surf")
	printf '%s\n' 'p kernel_clone s=\"$(>PWNED)`>PWNED`'"'"';>PWNED" f:comm=="$(>PWNED)"' \
		"e sched/sched_process_exec f:comm==\"';>PWNED;'\"||comm==\"$(printf '\033]0;x\007')\"" \
		>"$dir/$name"
	release=$(printf '6.1\n>PWNED\n\033]0;x\007')
	expr=$(printf 'p:n1 kernel_clone r=%%di f:comm=="\033[2J$(>PWNED)"')
	(cd "$dir" && "$SURFC" --btf "$KBTF" --kernel-release "$release" --arch x86_64 \
		-o inject.sh "$name" -e "$expr" && "$SURFC" -S --btf "$KBTF" --arch x86_64 "$name" -e "$expr" >show.sh) ||
		{ fail "script/inject: compile"; return; }
	refused=0
	nl=$(printf "a\n>PWNED;\033[31m.surf")
	cp "$dir/$name" "$dir/$nl"
	(cd "$dir" && "$SURFC" --no-types "$nl" -o nl.sh) >/dev/null 2>&1 || refused=$((refused + 1))
	"$SURFC" --no-types -e "P /bin/tr'ue:0x10" >/dev/null 2>&1 || refused=$((refused + 1))
	"$SURFC" --no-types -e 'P /bin/$(>PWNED):0x10' >/dev/null 2>&1 || refused=$((refused + 1))
	"$SURFC" --no-types -e 'p:n$(>PWNED) kernel_clone' >/dev/null 2>&1 || refused=$((refused + 1))
	runs=0
	for sh in "busybox ash" dash "bash --posix" mksh posh yash; do
		for opt in -h -l -n; do
			# shellcheck disable=SC2086
			(cd "$dir" && $sh inject.sh $opt >"$dir/run.out" 2>&1) && runs=$((runs + 1))
		done
	done
	ctl=$(cat "$dir/inject.sh" "$dir/show.sh" | grep '^#' |
		LC_ALL=C grep -c "$(printf '[\001-\010\013-\037\177]')")
	(cd "$dir" && mkdir -p events/surfc && sh show.sh >/dev/null 2>&1)
	if [ ! -e "$dir/PWNED" ] && [ "$refused" = 4 ] && [ "$ctl" = 0 ] && [ "$runs" = 18 ] &&
	   shellcheck -s sh "$dir/inject.sh" >"$dir/sc.out" 2>&1; then
		pass "script/inject: hostile file names (control characters refused), -e, --kernel-release, filters, immediates: -h/-l/-n (exit 0) under six shells and -S ran nothing; comments inert; shellcheck clean"
	else
		fail "script/inject: marker $(ls "$dir/PWNED" 2>/dev/null), $refused of 4 refused, $runs of 18 runs exit 0, $ctl comment lines with control characters"
		head -5 "$dir/sc.out"
	fi
}
script_inject
