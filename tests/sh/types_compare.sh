# Sourced by tests/run.sh: structured expressions on the Debian 6.1 kernel,
# compiled from its BTF and from its DWARF, compared with each other and
# with perf probe's own translation (tests/types-compare.list).
types_compare() {
	list=$top/tests/types-compare.list
	surf=$out/compare.surf
	# One probe a line, its argument named v.
	grep -v '^#' "$list" | awk -F' [|] ' '{ printf "p %s v=%s\n", $1, $2 }' >"$surf"
	for src in btf dwarf; do
		if [ $src = btf ]; then flag="--btf $KBTF"; else flag="--vmlinux $KDWARF"; fi
		# shellcheck disable=SC2086
		"$SURFC" -S --arch x86_64 $flag "$surf" 2>"$out/compare.$src.err" |
			sed -n "s/^echo 'p:[^ ]* [^ ]* v=\(.*\)' >> kprobe_events$/\1/p" \
			>"$out/compare.$src"
	done
	if ! cmp -s "$out/compare.btf" "$out/compare.dwarf" ||
	   [ "$(wc -l <"$out/compare.btf")" -ne "$(wc -l <"$surf")" ]; then
		fail "types/btf-vs-dwarf"
		cat "$out/compare.btf.err" "$out/compare.dwarf.err"
		diff "$out/compare.btf" "$out/compare.dwarf" | head -20
		return
	fi
	pass "types/btf-vs-dwarf ($(wc -l <"$surf") expressions identical)"
	n=0 bad=0 i=0
	grep -v '^#' "$list" | while IFS='|' read -r fn expr perf; do
		i=$((i + 1))
		fn=$(echo $fn) perf=$(echo $perf)
		[ "$perf" = - ] && continue
		ours=$(sed -n "${i}p" "$out/compare.btf")
		theirs=$(perf probe -k "$KDWARF" -D "$fn v=$perf" 2>&1 |
			sed -n 's/^p:[^ ]* [^ ]* v=//p')
		# Same offsets and nesting; same size (perf picks other letters).
		norm() { echo "$1" | sed 's/:[sux]\([0-9]*\)$/:\1/; s/:string$/:string/'; }
		if [ "$(norm "$ours")" = "$(norm "$theirs")" ]; then
			echo "same $fn $expr -> $ours"
		else
			echo "DIFF $fn $expr -> surfc '$ours', perf '$theirs'"
		fi
	done >"$out/compare.perf"
	n=$(grep -c '^same' "$out/compare.perf")
	if grep -q '^DIFF' "$out/compare.perf"; then
		fail "types/perf-probe"
		grep '^DIFF' "$out/compare.perf"
	else
		pass "types/perf-probe ($n expressions equal to perf probe -D)"
	fi
}
# The trace events: BTF's (its tracepoints whose prototype is an event
# class's) must be DWARF's (read from vmlinux's event variables) less the
# groups the kernel makes itself, and an event BTF gives one class must
# have DWARF's fields. BTF prints */EVENT: the group is compared away.
# One line an event: its name, group and fields; the fields of an event
# whose class BTF cannot tell (several share its prototype) are not
# compared.
events_compare() {
	for src in btf dwarf; do
		if [ $src = btf ]; then flag="--btf $KBTF"; else flag="--vmlinux $KDWARF"; fi
		# shellcheck disable=SC2086
		"$SURFC" $flag --list -v '*/*' 2>"$out/events.$src.err" | awk '
			/^[^ ]/ { flush(); name = $0; sub(/^[^\/]*\//, "", name);
				  group = $0; sub(/\/.*/, "", group); block = ""; skip = 0; next }
			/the types do not say which/ { skip = 1 }
			{ block = block "\\n" $0 }
			function flush() { if (name != "") print name "\t" group "\t" (skip ? "?" : block) }
			END { flush() }' | sort >"$out/events.$src"
	done
	cut -f1 "$out/events.btf" >"$out/events.btf.names"
	nbtf=$(wc -l <"$out/events.btf")
	missing=$(cut -f1 "$out/events.dwarf" | sort -u |
		comm -13 - "$out/events.btf.names" | head -5)
	# DWARF's events BTF has too, and the groups BTF lacks.
	others=$(awk -F'\t' 'NR == FNR { have[$1] = 1; next }
		!($1 in have) { print $2 }' "$out/events.btf.names" \
		"$out/events.dwarf" | sort -u | tr '\n' ' ')
	awk -F'\t' 'NR == FNR { want[$1] = $3; next }
		($1 in want) && want[$1] != "?" && want[$1] != $3 { print $1 }' \
		"$out/events.btf" "$out/events.dwarf" >"$out/events.diff"
	if [ "$nbtf" -lt 300 ] || [ -n "$missing" ] || [ -s "$out/events.diff" ] ||
	   [ "$others" != "ftrace syscalls " ]; then
		fail "types/events-btf-vs-dwarf"
		echo "BTF's events DWARF lacks: $missing"
		echo "groups only DWARF has: $others"
		head -5 "$out/events.diff"
		cat "$out/events.btf.err" "$out/events.dwarf.err"
		return
	fi
	pass "types/events-btf-vs-dwarf ($nbtf events, $(grep -vc '	?$' "$out/events.btf") with the same fields; DWARF adds: $others)"
}

types_compare
events_compare
