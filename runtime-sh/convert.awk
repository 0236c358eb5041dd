# runtime-sh/convert.awk: the display conversions of language.md §5, on the
# trace stream. One awk process for the whole run; lines of events without
# conversions pass untouched.
#
#   -v convs="EVENT:FIELD=KIND,...;EVENT:...;"   KIND: ip b16 b32 b64 B16 B32 B64
#   -v big=0|1                                   the target's byte order
#   -v flush=0|1                                 1: each line out as it comes (live)
#
# surfc makes the kernel print these fields in hex (x32 for ip_, xNN for
# bNN_), so values are handled as digit strings: 64-bit values stay exact.
# (No single quote may appear in this file: it is embedded in one.)

function hexval(c) {
	return index("0123456789abcdef", tolower(c)) - 1
}

# A value as printed ("0x1a2b" or decimal) to WIDTH hex digits.
function tohex(v, width,    h, n, d) {
	if (v ~ /^0x/) {
		h = tolower(substr(v, 3))
	} else {
		h = ""
		n = v + 0
		while (n > 0) {
			d = n % 16
			h = substr("0123456789abcdef", d + 1, 1) h
			n = (n - d) / 16
		}
	}
	while (length(h) < width)
		h = "0" h
	return substr(h, length(h) - width + 1)
}

function swap(h,    r, i) {
	r = ""
	for (i = length(h) - 1; i >= 1; i -= 2)
		r = r substr(h, i, 2)
	return r
}

# Hex digits to decimal digits, exactly (schoolbook, on digit strings).
function todec(h,    dec, i, j, carry, t, n) {
	n = 1
	dec[1] = 0
	for (i = 1; i <= length(h); i++) {
		carry = hexval(substr(h, i, 1))
		for (j = 1; j <= n; j++) {
			t = dec[j] * 16 + carry
			dec[j] = t % 10
			carry = (t - dec[j]) / 10
		}
		while (carry > 0) {
			dec[++n] = carry % 10
			carry = (carry - dec[n]) / 10
		}
	}
	t = ""
	for (j = n; j >= 1; j--)
		t = t dec[j]
	return t
}

function convert(kind, v,    bits, h, out) {
	if (kind == "ip") {
		h = tohex(v, 8)
		if (!big)
			h = swap(h)
		return hexval(substr(h, 1, 1)) * 16 + hexval(substr(h, 2, 1)) "." \
		       hexval(substr(h, 3, 1)) * 16 + hexval(substr(h, 4, 1)) "." \
		       hexval(substr(h, 5, 1)) * 16 + hexval(substr(h, 6, 1)) "." \
		       hexval(substr(h, 7, 1)) * 16 + hexval(substr(h, 8, 1))
	}
	bits = substr(kind, 2) + 0
	h = tohex(v, bits / 4)
	if (!big)
		h = swap(h)
	if (substr(kind, 1, 1) == "B") {
		out = h
		sub(/^0+/, "", out)
		return "0x" (out == "" ? "0" : out)
	}
	return todec(h)
}

BEGIN {
	n = split(convs, events, ";")
	for (i = 1; i <= n; i++) {
		if (events[i] == "")
			continue
		c = index(events[i], ":")
		ev = substr(events[i], 1, c - 1)
		m = split(substr(events[i], c + 1), fields, ",")
		for (j = 1; j <= m; j++) {
			e = index(fields[j], "=")
			kinds[ev, substr(fields[j], 1, e - 1)] = substr(fields[j], e + 1)
			fieldlist[ev] = fieldlist[ev] " " substr(fields[j], 1, e - 1)
		}
	}
}

{
	line = $0
	# The event's name follows the timestamp: "... 123.456789: NAME: ..."
	if (match(line, /[0-9]\.[0-9]+: [A-Za-z_][A-Za-z0-9_]*: /)) {
		ev = substr(line, RSTART, RLENGTH)
		sub(/^[0-9.]+: /, "", ev)
		sub(/: $/, "", ev)
		if (ev in fieldlist) {
			m = split(fieldlist[ev], names, " ")
			for (j = 1; j <= m; j++) {
				p = index(line, " " names[j] "=")
				if (!p)
					continue
				start = p + length(names[j]) + 2
				rest = substr(line, start)
				len = index(rest, " ") ? index(rest, " ") - 1 : length(rest)
				val = substr(rest, 1, len)
				if (val ~ /^(0x[0-9a-fA-F]+|[0-9]+)$/)
					line = substr(line, 1, start - 1) \
					       convert(kinds[ev, names[j]], val) substr(rest, len + 1)
			}
		}
	}
	print line
	if (flush)
		fflush()
}
