# Sourced by tests/run.sh: runtime-sh/graph.awk on what function_graph
# printed in real guests (tests/graph/*.trace): smp2-6.12, a 2-CPU 6.12
# instance where another CPU ran while the gates were open (its lines must
# go), and top-6.1, 6.1's top level with the probes' own fetches before
# the function's first line. Under every awk a target may have, each
# must print exactly tests/graph/NAME[-dDEPTH].expect (UPDATE=1 rewrites
# them from gawk's).

# graph_case NAME DEPTH: the fixture, with a depth limit (0: none).
graph_case() {
	suffix=
	[ "$2" = 0 ] || suffix=-d$2
	for awk in mawk gawk "busybox awk" original-awk; do
		name=$(echo "$awk" | cut -d' ' -f1)
		# shellcheck disable=SC2086
		$awk -v probes="tcp_v4_rcv tcp_v4_rcv;args tcp_v4_rcv;" -v depth="$2" \
			-f "$top/runtime-sh/graph.awk" "$top/tests/graph/$1.trace" \
			>"$out/graph-$1$suffix.$name" 2>&1
		if [ "${UPDATE:-}" = 1 ] && [ "$name" = gawk ]; then
			cp "$out/graph-$1$suffix.$name" "$top/tests/graph/$1$suffix.expect"
		fi
		if cmp -s "$out/graph-$1$suffix.$name" "$top/tests/graph/$1$suffix.expect"; then
			pass "graph_awk/$1$suffix $name"
		else
			fail "graph_awk/$1$suffix $name"
			diff "$top/tests/graph/$1$suffix.expect" "$out/graph-$1$suffix.$name" | head -10
		fi
	done
}

graph_awk() {
	graph_case smp2-6.12 0
	graph_case smp2-6.12 2
	graph_case top-6.1 0
}

graph_awk
