# runtime-sh/graph.awk: the call graphs a run's gates opened, out of the
# function_graph tracer's output, with nothing else in it.
#
#   awk -v probes="NAME FUNC;NAME FUNC;..." -v depth=N -f graph.awk TRACE
#
# The tracer prints each line as (funcgraph-abstime, -proc, no irqs):
#    4.969435 |   0)     nc-93      |               |  /* NAME: (FUNC+0x0/0xee0) f=v */
#    4.969560 |   0)     nc-93      |               |  FUNC() {
# A graph starts at its probe's own event (its arguments), printed as a
# comment; it is the lines of that CPU and task from FUNC's entry to its
# closing brace (FUNC's first line may come after lines of the probe's own
# fetches, which are dropped). While one gate is open, other CPUs keep
# running: their lines are dropped. Each graph gets a header that the
# display conversions read as an event line:
#   # 4.969435: NAME: f=v (cpu 0, nc-93)
# depth (0: all) keeps the lines of FUNC and depth-1 levels below it.
# (No single quote may appear in this file: it is embedded in one.)

BEGIN {
	n = split(probes, list, ";")
	for (i = 1; i <= n; i++) {
		if (list[i] == "")
			continue
		split(list[i], pair, " ")
		func_of[pair[1]] = pair[2]
	}
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# The graph's depth of a function column: two blanks, then two a level.
function level(text,    m) {
	match(text, /^ */)
	return (RLENGTH - 2) / 2
}

{
	nf = split($0, f, "|")
	if (nf < 4)
		next
	stamp = trim(f[1])
	cpu = trim(f[2])
	task = cpu
	sub(/\).*/, "", cpu)
	sub(/^[^)]*\) */, "", task)
	task = trim(task)
	text = f[4]
	for (i = 5; i <= nf; i++)
		text = text "|" f[i]
	body = trim(text)
}

# A probe's own event opens a graph on its CPU.
body ~ /^\/\* [A-Za-z_][A-Za-z0-9_]*: / {
	name = substr(body, 4)
	sub(/:.*/, "", name)
	if ((name in func_of) && !(cpu in open)) {
		args = substr(body, length(name) + 6)
		sub(/ *\*\/$/, "", args)
		sub(/^\([^)]*\) */, "", args)
		print "# " stamp ": " name ": " args " (cpu " cpu ", " task ")"
		open[cpu] = name
		owner[cpu] = task
		started[cpu] = 0
		nest[cpu] = 0
	}
	next
}

(cpu in open) && task == owner[cpu] {
	fn = func_of[open[cpu]]
	if (!started[cpu]) {
		if (body != fn "() {" && body != fn "();")
			next
		started[cpu] = 1
		base[cpu] = level(text)
	}
	lv = level(text) - base[cpu]
	if (depth == 0 || lv < depth)
		print
	if (body ~ /\{$/)
		nest[cpu]++
	else if (body ~ /^\}/)
		nest[cpu]--
	if (nest[cpu] <= 0) {
		print ""
		delete open[cpu]
	}
}
