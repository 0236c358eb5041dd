# runtime-sh/hist.awk: one histogram of the kernel (an event's "hist"
# file) as people read it, or as JSON lines for collectors.
#
#   awk -v title=NAME -v json=0|1 -v unit=TEXT -f hist.awk HISTFILE
#
# title names the probe; unit follows a latency probe's lat ("us").
# The kernel writes a table's rows in its trigger's sort order:
#   { comm: sh          , lat: ~ 2^4 } hitcount:       6499  count:       7388
# and a stacktrace key over several lines, then the totals:
#   Hits: 6684 / Entries: 16 / Dropped: 0
# A table whose one grouping key is .log2 or .buckets=N is drawn as bars,
# one histogram for each value of its other keys; any other as aligned
# columns. The numbers stay the kernel's text: awks that hold numbers as
# doubles would round counts past 2^53.

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# The keys and values the trigger names: "# trigger info: hist:keys=a,b.log2:vals=hitcount,c:..."
function read_trigger(line,    spec, parts, n, i, list, m, j, name) {
	spec = line
	sub(/.*trigger info: hist:/, "", spec)
	sub(/ .*/, "", spec)
	n = split(spec, parts, ":")
	for (i = 1; i <= n; i++) {
		if (parts[i] ~ /^keys=/) {
			m = split(substr(parts[i], 6), list, ",")
			for (j = 1; j <= m; j++) {
				name = list[j]
				kmod[j] = ""
				if (index(name, ".")) {
					kmod[j] = substr(name, index(name, ".") + 1)
					sub(/=.*/, "", kmod[j])
					name = substr(name, 1, index(name, ".") - 1)
				}
				kname[j] = name
			}
			nkeys = m
		}
	}
}

# The value of key k in a row's key text, between "NAME: " and the next
# key's ", NAME: ".
function key_value(text, k,    start, rest, end) {
	start = index(text, kname[k] ": ")
	if (!start)
		return ""
	rest = substr(text, start + length(kname[k]) + 2)
	if (k < nkeys) {
		end = index(rest, ", " kname[k + 1] ": ")
		if (end)
			rest = substr(rest, 1, end - 1)
	}
	return trim(rest)
}

# A key's value as shown: a log2 bucket "~ 2^N" holds (2^(N-1), 2^N]
# (the kernel rounds up to a power of two; 0 and 1 are bucket 0).
function bucket_low(k, v,    n) {
	if (kmod[k] == "log2") {
		n = v
		sub(/.*\^/, "", n)
		n += 0
		return n == 0 ? 0 : pow2(n - 1) + 1
	}
	sub(/^~ */, "", v)
	sub(/-.*/, "", v)
	return v + 0
}

function bucket_high(k, v,    n) {
	if (kmod[k] == "log2") {
		n = v
		sub(/.*\^/, "", n)
		n += 0
		return n == 0 ? 1 : pow2(n)
	}
	sub(/^~ */, "", v)
	sub(/^[0-9]*-/, "", v)
	return v + 0
}

function pow2(n,    r) {
	r = 1
	while (n-- > 0)
		r *= 2
	return r
}

function shown(k, v) {
	if (kmod[k] == "execname") {
		gsub(/[ \t]+/, " ", v)
		sub(/\[ /, "[", v)
	} else if (kmod[k] ~ /^sym/) {
		if (v ~ /\] ./)
			sub(/^\[[0-9a-fA-F]*\] /, "", v)
	}
	return v
}

function json_string(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, "\\t", s)
	gsub(/\n/, "\\n", s)
	return "\"" s "\""
}

function json_key(k, v,    n, frames, i, out) {
	if (kmod[k] == "log2" || kmod[k] == "buckets")
		return "[" bucket_low(k, v) "," bucket_high(k, v) "]"
	if (kname[k] == "stacktrace" || kname[k] == "common_stacktrace") {
		n = split(v, frames, "\n")
		out = "["
		for (i = 1; i <= n; i++)
			out = out (i > 1 ? "," : "") json_string(trim(frames[i]))
		return out "]"
	}
	if (kmod[k] == "" && v ~ /^-?[0-9]+$/)
		return v
	return json_string(shown(k, v))
}

# One row: its key text and its values text.
function add_row(keytext, valtext,    k, n, f, i) {
	rows++
	for (k = 1; k <= nkeys; k++)
		key[rows, k] = key_value(keytext, k)
	n = split(valtext, f, " ")
	nv[rows] = 0
	for (i = 1; i + 1 <= n; i += 2) {
		nv[rows]++
		vname[rows, nv[rows]] = f[i]
		sub(/:$/, "", vname[rows, nv[rows]])
		vval[rows, nv[rows]] = f[i + 1]
	}
}

/^# trigger info:/ { read_trigger($0); next }
/^#/ { next }
stack_text != "" {
	if ($0 ~ /^}/) {
		line = $0
		sub(/^} */, "", line)
		add_row(stack_text, line)
		# The frames are the stacktrace key's value.
		for (k = 1; k <= nkeys; k++)
			if (kname[k] == "stacktrace" || kname[k] == "common_stacktrace")
				key[rows, k] = frames
		stack_text = ""
		next
	}
	frames = frames (frames == "" ? "" : "\n") trim($0)
	next
}
/^\{/ {
	line = $0
	end = index(line, "} ")
	if (!end) { # a stacktrace key: frames follow, then "} hitcount: ..."
		stack_text = substr(line, 3)
		frames = ""
		next
	}
	add_row(substr(line, 3, end - 3), substr(line, end + 2))
	next
}
/^ *Hits:/ { hits = $2 }
/^ *Entries:/ { entries = $2 }
/^ *Dropped:/ { dropped = $2 }

# The key drawn as bars: the one .log2 or .buckets key, if just one.
function bar_key(    k, found) {
	found = 0
	for (k = 1; k <= nkeys; k++)
		if (kmod[k] == "log2" || kmod[k] == "buckets") {
			if (found)
				return 0
			found = k
		}
	return found
}

function put_json(    r, k, i, out) {
	for (r = 1; r <= rows; r++) {
		out = "{\"probe\":" json_string(title) ",\"keys\":{"
		for (k = 1; k <= nkeys; k++)
			out = out (k > 1 ? "," : "") json_string(kname[k]) ":" json_key(k, key[r, k])
		out = out "},\"values\":{"
		for (i = 1; i <= nv[r]; i++)
			out = out (i > 1 ? "," : "") json_string(vname[r, i]) ":" vval[r, i]
		print out "}}"
	}
	print "{\"probe\":" json_string(title) ",\"hits\":" (hits + 0) ",\"entries\":" (entries + 0) ",\"dropped\":" (dropped + 0) "}"
}

function put_totals() {
	printf "  %s hits, %s entries, %s dropped\n", hits + 0, entries + 0, dropped + 0
}

function put_table(    r, k, i, w, text, line) {
	for (k = 1; k <= nkeys; k++) {
		w[k] = length(kname[k])
		for (r = 1; r <= rows; r++) {
			text = index(key[r, k], "\n") ? "(stack below)" : shown(k, key[r, k])
			if (length(text) > w[k])
				w[k] = length(text)
		}
	}
	for (i = 1; i <= nv[1]; i++) {
		vw[i] = length(vname[1, i])
		for (r = 1; r <= rows; r++)
			if (length(vval[r, i]) > vw[i])
				vw[i] = length(vval[r, i])
	}
	printf "%s:\n", title
	line = " "
	for (k = 1; k <= nkeys; k++)
		line = line " " sprintf("%-" w[k] "s", kname[k])
	for (i = 1; i <= nv[1]; i++)
		line = line "  " sprintf("%" vw[i] "s", vname[1, i])
	print line
	for (r = 1; r <= rows; r++) {
		line = " "
		for (k = 1; k <= nkeys; k++) {
			text = key[r, k]
			if (index(text, "\n"))
				text = "(stack below)"
			line = line " " sprintf("%-" w[k] "s", shown(k, text))
		}
		for (i = 1; i <= nv[r]; i++)
			line = line "  " sprintf("%" vw[i] "s", vval[r, i])
		print line
		for (k = 1; k <= nkeys; k++)
			if (index(key[r, k], "\n")) {
				text = key[r, k]
				gsub(/\n/, "\n      ", text)
				print "      " text
			}
	}
	put_totals()
}

# Bars: rows grouped by the other keys (groups in the kernel's order),
# buckets in order, the empty ones between filled in.
function put_bars(b,    r, k, g, group, ngroups, lo, hi, max, i, j, t, n, extra, seen, order, cnt, high, nb, blow, low, step) {
	ngroups = 0
	for (r = 1; r <= rows; r++) {
		group = ""
		for (k = 1; k <= nkeys; k++)
			if (k != b)
				group = group (group == "" ? "" : ", ") kname[k] "=" shown(k, key[r, k])
		if (!(group in seen)) {
			seen[group] = ++ngroups
			order[ngroups] = group
		}
		g = seen[group]
		low = bucket_low(b, key[r, b])
		cnt[g, low] = vval[r, 1]
		high[g, low] = bucket_high(b, key[r, b])
		extra[g, low] = ""
		for (i = 2; i <= nv[r]; i++)
			extra[g, low] = extra[g, low] "  " vname[r, i] " " vval[r, i]
		nb[g]++
		blow[g, nb[g]] = low
	}
	for (g = 1; g <= ngroups; g++) {
		# the buckets of this group, in order (few: a simple sort)
		n = nb[g]
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (blow[g, j] < blow[g, i]) {
					t = blow[g, i]; blow[g, i] = blow[g, j]; blow[g, j] = t
				}
		max = 0
		for (i = 1; i <= n; i++)
			if (cnt[g, blow[g, i]] + 0 > max)
				max = cnt[g, blow[g, i]] + 0
		printf "%s %s%s%s:\n", title, kname[b], unit != "" && kname[b] == "lat" ? " (" unit ")" : "", order[g] == "" ? "" : ", " order[g]
		for (i = 1; i <= n; i++) {
			low = blow[g, i]
			put_bar(low, high[g, low], cnt[g, low], max, extra[g, low])
			# the empty buckets up to the next one
			if (i < n) {
				if (kmod[b] == "log2")
					for (lo = high[g, low] + 1; lo < blow[g, i + 1]; lo = hi + 1) {
						hi = (lo - 1) * 2
						put_bar(lo, hi, 0, max, "")
					}
				else if ((blow[g, i + 1] - low) / (high[g, low] - low + 1) <= 20) {
					step = high[g, low] - low + 1
					for (lo = low + step; lo < blow[g, i + 1]; lo += step)
						put_bar(lo, lo + step - 1, 0, max, "")
				}
			}
		}
	}
	put_totals()
}

function put_bar(lo, hi, count, max, extra,    width, bar, label) {
	width = max > 0 ? int(40 * count / max + 0.5) : 0
	if (count + 0 > 0 && width == 0)
		width = 1
	bar = sprintf("%" width "s", "")
	gsub(/ /, "@", bar)
	label = lo == hi ? lo : "[" lo ", " hi "]"
	printf "  %-22s %10s |%-40s|%s\n", label, count, bar, extra
}

END {
	if (json) {
		put_json()
		exit
	}
	b = bar_key()
	if (b)
		put_bars(b)
	else
		put_table()
}
