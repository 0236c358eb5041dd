# Sourced by tests/run.sh: fetch plans rendered for kernels of other
# arches and features (tests/unit/render.c): one plan, the text each
# kernel takes. UNIT is the built test (make check passes it); without
# it, make builds it.
render() {
	unit=${UNIT:-}
	if [ -z "$unit" ]; then
		make -s -C "$top" unit >/dev/null && unit=build/release/tests/unit/render
	fi
	case $unit in /*) ;; *) unit=$top/$unit ;; esac
	if "$unit" >"$out/render.out" 2>&1; then
		pass "render: plans as data, one text a kernel ($(grep -c '^ok' "$out/render.out") checks)"
	else
		fail "render"
		grep -v '^ok' "$out/render.out"
	fi
}

render
