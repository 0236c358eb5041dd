# Sourced by tests/run.sh: a g probe's script in dry runs (-n), under dash
# and busybox ash: the tracer's settings before the gate's triggers, -T
# (no durations; -G's max_graph_depth only where the tracer's directory
# has it, which a dry run cannot see), the gate and return removed in
# cleanup, and what -l says.

graph_dry() {
	(cd "$top/tests/golden" && "$SURFC" --no-types --arch x86_64 \
		-e 'g tcp_v4_rcv d=%0 f:d==1' -o "$out/graph_dry.sh") ||
		{ fail "graph_dry: compile"; return; }
	fake=$out/tracefs-graph
	rm -rf "$fake"
	mkdir -p "$fake/instances"
	: >"$fake/kprobe_events"
	printf 'tcp_v4_rcv\n' >"$fake/available_filter_functions"
	cp "$top/tests/script/README.fixture" "$fake/README"
	for sh in dash "busybox ash"; do
		name=$(echo "$sh" | cut -d' ' -f1)
		# shellcheck disable=SC2086
		SURFC_TRACEFS=$fake $sh "$out/graph_dry.sh" -n -G 3 -T >"$out/graph_dry.$name" 2>&1
		rc=$?
		# The settings, in order, then the filter, the triggers, the
		# enable; at the end the triggers, then the three events.
		got=$(grep -v '^surfc: note' "$out/graph_dry.$name" | sed 's/^[a-z]* //' |
			sed -n 's#^instances/surfc_PID/##p; s#^kprobe_events ##p' | tr '\n' ';')
		want="tracing_on 0;current_tracer function_graph;options/funcgraph-irqs 0;options/funcgraph-proc 1;options/funcgraph-abstime 1;options/funcgraph-duration 0;"
		want="p:surfc_PID/tcp_v4_rcv tcp_v4_rcv d=%di;p:surfc_PID/tcp_v4_rcv__on tcp_v4_rcv d=%di;r:surfc_PID/tcp_v4_rcv__ret tcp_v4_rcv;$want"
		want="${want}events/surfc_PID/tcp_v4_rcv/filter (d==1)&&common_pid!=SHELL_PID;events/surfc_PID/tcp_v4_rcv__on/trigger traceon if (d==1)&&common_pid!=SHELL_PID;events/surfc_PID/tcp_v4_rcv__ret/trigger traceoff;events/surfc_PID/tcp_v4_rcv/enable 1;"
		want="${want}events/surfc_PID/tcp_v4_rcv/enable 0;events/surfc_PID/tcp_v4_rcv__ret/trigger !traceoff;events/surfc_PID/tcp_v4_rcv__on/trigger !traceon if (d==1)&&common_pid!=SHELL_PID;"
		want="${want}-:surfc_PID/tcp_v4_rcv;-:surfc_PID/tcp_v4_rcv__ret;-:surfc_PID/tcp_v4_rcv__on;"
		if [ $rc = 0 ] && [ "$got" = "$want" ]; then
			pass "graph_dry/$name: settings (-G, -T), gate and return, undone in order"
		else
			fail "graph_dry/$name: exit $rc"
			printf 'got:  %s\nwant: %s\n' "$got" "$want"
		fi
	done
	if sh "$out/graph_dry.sh" -l | grep -q '^  graph tracing_on=0 current_tracer=function_graph .*: in the instance where its tracers include function_graph (6.11 on), else at the top level when it is idle$'; then
		pass "graph_dry/list: -l shows the tracer's settings and where it records"
	else
		fail "graph_dry/list"
		sh "$out/graph_dry.sh" -l
	fi
}

graph_dry
