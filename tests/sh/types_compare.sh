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
types_compare
