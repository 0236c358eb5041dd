# Sourced by tests/run.sh: USDT markers (U PATH:PROVIDER:NAME). What
# surfc reads from .note.stapsdt is compared with what binutils' readelf
# says, computed here on its own (awk): each marker's file offset and its
# semaphore's, from the note's addresses, .stapsdt.base's address and the
# PT_LOAD segments. For /usr/bin/python3.11 (Debian's has markers with
# semaphores) and for tests/usdt/markers.c built PIE, non-PIE and as a
# shared object, with and without semaphores (<sys/sdt.h>:
# systemtap-sdt-dev). Then the probes they make, the identity of the
# binary, and the errors that need a built binary.

# usdt_hex: awk functions from and to hex (no %x: some awks print only 32
# bits with it).
usdt_awk_hex='
function hex(s,    v, i) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function tohex(v,    s, d) {
	s = ""
	do { d = v % 16; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / 16 } while (v > 0)
	return "0x" s
}'

# usdt_expected BIN: "PROVIDER:NAME OFFSET SEMAPHORE|- SPEC..." a marker,
# from readelf alone.
usdt_expected() {
	{
		readelf -SW "$1" | awk '/ \.stapsdt\.base / {
			sub(/.*\.stapsdt\.base +/, ""); split($0, f, " "); print "BASE", f[2] }'
		readelf -lW "$1" | awk '$1 == "LOAD" { print "LOAD", $2, $3, $5 }'
		readelf -n "$1"
	} | awk "$usdt_awk_hex"'
	BEGIN { nload = 0 }
	function offset(a,    i) {
		for (i = 0; i < nload; i++)
			if (a >= vaddr[i] && a < vaddr[i] + filesz[i])
				return tohex(a - vaddr[i] + off[i])
		return "?"
	}
	$1 == "BASE" { sbase = hex($2); next }
	$1 == "LOAD" { off[nload] = hex($2); vaddr[nload] = hex($3); filesz[nload++] = hex($4); next }
	$1 == "Provider:" { prov = $2; next }
	$1 == "Name:" { name = $2; next }
	$1 == "Location:" {
		gsub(/,/, ""); pc = hex($2); base = hex($4); sem = hex($6)
		if (base && sbase != "") { pc += sbase - base; if (sem) sem += sbase - base }
		next
	}
	$1 == "Arguments:" {
		$1 = ""; sub(/^ /, "")
		print prov ":" name, offset(pc), sem ? offset(sem) : "-", $0
	}' | sed 's/ *$//'
}

# usdt_described BIN: the same lines, from surfc --describe BIN.
usdt_described() {
	"$SURFC" --describe "$1" | awk '
	function flush() { if (m != "") print m, o, s, args }
	/^[^ ]/ { flush(); m = $1; o = $3; s = $4 == "semaphore" ? $5 : "-"; args = ""; next }
	{ args = args (args == "" ? "" : " ") $2 }
	END { flush() }' | sed 's/ *$//'
}

usdt_compare() {
	usdt_expected "$1" >"$out/usdt.want"
	usdt_described "$1" >"$out/usdt.got" 2>&1
	n=$(wc -l <"$out/usdt.want")
	if [ "$n" -gt 0 ] && cmp -s "$out/usdt.want" "$out/usdt.got"; then
		pass "usdt/offsets $2: $n markers' offsets, semaphores and specs as readelf's notes, sections and segments give them"
	else
		fail "usdt/offsets $2"
		diff "$out/usdt.want" "$out/usdt.got" | head -10
	fi
}

# usdt_build NAME CFLAGS...: tests/usdt/markers.c as $out/usdt/NAME.
usdt_build() {
	name=$1
	shift
	cc -O2 -g "$@" -o "$out/usdt/$name" "$top/tests/usdt/markers.c"
}

# usdt_prelink BIN OUT: BIN as prelink would leave it moved 16 bytes
# down, as far as markers go: .stapsdt.base's address 16 below the base
# its notes recorded (its section header patched; 64-bit little endian).
# Down, so that the semaphores stay inside the data segment's file bytes.
usdt_prelink() {
	cp "$1" "$2"
	shoff=$(readelf -hW "$2" | sed -n 's/.*Start of section headers: *\([0-9]*\).*/\1/p')
	idx=$(readelf -SW "$2" | sed -n 's/^ *\[ *\([0-9]*\)\] \.stapsdt\.base .*/\1/p')
	addr=$(readelf -SW "$2" | awk '/ \.stapsdt\.base / {
		sub(/.*\.stapsdt\.base +/, ""); split($0, f, " "); print f[2] }')
	v=$((0x$addr - 16)) bytes='' i=0
	while [ $i -lt 8 ]; do
		bytes="$bytes\\$(printf %03o $((v & 255)))"
		v=$((v >> 8)) i=$((i + 1))
	done
	# shellcheck disable=SC2059
	printf "$bytes" | dd of="$2" bs=1 seek=$((shoff + idx * 64 + 16)) conv=notrunc 2>/dev/null
}

# After prelink, every offset and semaphore is 16 lower, as readelf's
# notes and the moved section give them too.
usdt_prelinked() {
	usdt_prelink "$out/usdt/nopie.sem" "$out/usdt/prelinked" || { fail "usdt/prelink: cannot patch"; return; }
	usdt_described "$out/usdt/nopie.sem" | awk "$usdt_awk_hex"'
		{ $2 = tohex(hex($2) - 16); if ($3 != "-") $3 = tohex(hex($3) - 16); print }' >"$out/usdt.moved"
	usdt_described "$out/usdt/prelinked" >"$out/usdt.got"
	usdt_expected "$out/usdt/prelinked" >"$out/usdt.want"
	if cmp -s "$out/usdt.moved" "$out/usdt.got" && cmp -s "$out/usdt.want" "$out/usdt.got"; then
		pass "usdt/prelink: .stapsdt.base 16 bytes below the notes' base moves every offset and semaphore 16 down"
	else
		fail "usdt/prelink"
		diff "$out/usdt.moved" "$out/usdt.got" | head -5
		diff "$out/usdt.want" "$out/usdt.got" | head -5
	fi
}

# usdt_show BIN MARKER_AND_ARGS: the tracefs lines of a U probe.
usdt_show() {
	"$SURFC" -S --no-types -e "U $1:$2" 2>&1 | grep -v '^#'
}

# The probes: every site of test:twice armed, PATH:OFF(SEMAPHORE), the
# fetchargs of each site's own spec, %N:ustring through the pointer.
usdt_probes() {
	bin=$out/usdt/pie.sem
	# Each site's spec is -4@ a 32-bit register: %eax, %r8d...
	want=$(usdt_expected "$bin" | awk '$1 == "test:twice" {
		r = $4; sub(/^-4@%/, "", r); sub(/^e/, "", r); sub(/d$/, "", r)
		print $2, $3, "%" r ":s32" }')
	# shellcheck disable=SC2086
	set -- $want
	got=$(usdt_show "$bin" 'test:twice k=%0')
	exp="echo 'p:surfc/twice $bin:$1($2) k=$3' >> uprobe_events
echo 'p:surfc/twice_1 $bin:$4($5) k=$6' >> uprobe_events"
	if [ "$got" = "$exp" ]; then
		pass "usdt/sites: a marker inlined twice is armed at both sites, each with its own spec and the semaphore"
	else
		fail "usdt/sites"
		printf '%s\n--- want\n%s\n' "$got" "$exp"
	fi
	# shellcheck disable=SC2046
	set -- $(usdt_expected "$bin" | awk '$1 == "test:hit" { print $2, $3 }')
	got=$(usdt_show "$bin" 'test:hit i=%0 w=%1:ustring n=%2 x=X%0')
	exp="echo 'p:surfc/hit $bin:$1($2) i=%di:s32 w=+0(%si):ustring n=%dx:s64 x=%di:x32' >> uprobe_events"
	nosem=$out/usdt/nopie.nosem
	# shellcheck disable=SC2046
	set -- $(usdt_expected "$nosem" | awk '$1 == "test:global" { print $2 }')
	got2=$(usdt_show "$nosem" 'test:global c=%0')
	exp2="echo 'p:surfc/global $nosem:$1 c=@+0x4020:s64' >> uprobe_events"
	if [ "$got" = "$exp" ] && [ "$got2" = "$exp2" ]; then
		pass "usdt/args: each spec's register, size and sign; :ustring through a pointer; SYM(%rip) as @+OFFSET; no semaphore, no reference counter"
	else
		fail "usdt/args"
		printf '%s\n%s\n--- want\n%s\n%s\n' "$got" "$got2" "$exp" "$exp2"
	fi
}

# What only a built binary can show: a spec ftrace cannot fetch, a
# constant read as text, a marker without arguments.
usdt_errors() {
	bin=$out/usdt/pie.sem
	"$SURFC" --check --no-types -e "U $bin:test:indexed a=%0" -e "U $bin:test:none a=%0" \
		>"$out/usdt.err" 2>&1
	rc=$?
	spec=$(usdt_expected "$bin" | awk '$1 == "test:indexed" { print $4 }')
	want="<arg 1>:1:$((${#bin} + 19)): error: %0 of marker test:indexed is '$spec', which surfc cannot fetch: an index register cannot be fetched by ftrace"
	want2="<arg 2>:1:$((${#bin} + 16)): error: marker test:none has no arguments"
	if [ $rc = 1 ] && [ "$(sed -n 1p "$out/usdt.err")" = "$want" ] &&
	   [ "$(sed -n 4p "$out/usdt.err")" = "$want2" ]; then
		pass "usdt/errors: a spec with an index register, %N of a marker without arguments"
	else
		fail "usdt/errors: exit $rc"
		printf '%s\n%s\n---\n' "$want" "$want2"
		cat "$out/usdt.err"
	fi
}

# test:forms, a note markers.c writes by hand: every spec form surfc
# reads or refuses, as --describe shows it; SYM+OFF(%rip)'s offset from
# readelf's symbol table and the probed segment.
usdt_forms() {
	for kind in pie nopie; do
		bin=$out/usdt/$kind.sem
		counter=$(readelf -sW "$bin" | awk '$8 == "counter" { print $2; exit }')
		pc=$(readelf -n "$bin" | awk '$1 == "Name:" { n = $2 }
			$1 == "Location:" && n == "forms" { sub(/,/, "", $2); print $2 }')
		off=$(usdt_expected "$bin" | awk '$1 == "test:forms" { print $2 }')
		rip=$(printf '0x%x' $((0x$counter + 8 - (pc - off))))
		"$SURFC" --describe "$bin:test:forms" >"$out/usdt-forms.got" 2>&1
		cat >"$out/usdt-forms.want" <<EOF
test:forms  offset $off
  %0   8@\$5                 \\5:u64
  %1   -8@-16(%rbp)         -16(%bp):s64
  %2   -4@%ah               (ftrace cannot fetch bits 8-15 of a register)
  %3   8@%fs:8              (a segment register cannot be fetched by ftrace)
  %4   %rax                 %ax:u64
  %5   2@%r9w               %r9:u16
  %6   1@%sil               %si:u8
  %7   -8@counter+8(%rip)   @+$rip:s64
EOF
		if cmp -s "$out/usdt-forms.want" "$out/usdt-forms.got"; then
			pass "usdt/forms $kind: a constant, a negative displacement, no size, 16 and 8 bits, SYM+OFF(%rip); a high byte and a segment refused"
		else
			fail "usdt/forms $kind"
			diff "$out/usdt-forms.want" "$out/usdt-forms.got"
		fi
	done
	"$SURFC" --check --no-types -e "U $bin:test:forms a=%0:string b=%3" >"$out/usdt.err" 2>&1
	rc=$?
	col=$((${#bin} + 20)) # of 'string'
	want="<arg 1>:1:$col: error: %0 is the constant '8@\$5' in the marker: it points to no text
U $bin:test:forms a=%0:string b=%3
$(printf '%*s' $((col - 1)) '')^~~~~~
<arg 1>:1:$((col + 9)): error: %3 of marker test:forms is '8@%fs:8', which surfc cannot fetch: a segment register cannot be fetched by ftrace"
	if [ $rc = 1 ] && [ "$(sed -n 1,4p "$out/usdt.err")" = "$want" ]; then
		pass "usdt/forms: :string on a constant, a segment register: errors naming the spec"
	else
		fail "usdt/forms: errors, exit $rc"
		printf '%s\n---\n' "$want"
		cat "$out/usdt.err"
	fi
}

# Another build at the path exits 4 before arming (a dry run against a
# fake tracefs checks as a run does); -f goes on.
usdt_identity() {
	usdt_build ident -fPIE -pie -DSEM && usdt_build ident.other -fPIE -pie -DSEM -DVARIANT=1 ||
		{ fail "usdt/identity: cannot build"; return; }
	bin=$out/usdt/ident
	"$SURFC" --no-types -o "$out/usdt-ident.sh" -e "U $bin:test:hit i=%0" 2>"$out/usdt-ident.err" ||
		{ fail "usdt/identity: compile"; cat "$out/usdt-ident.err"; return; }
	fake=$out/usdt-tracefs
	rm -rf "$fake" && mkdir -p "$fake/instances" && : >"$fake/uprobe_events"
	{ cat "$top/tests/script/README.fixture"
	  echo '   place (uprobe): <path>:<offset>[%return][(ref_ctr_offset)]'; } >"$fake/README"
	SURFC_TRACEFS=$fake sh "$out/usdt-ident.sh" -n >/dev/null 2>&1
	rc_same=$?
	cp "$bin.other" "$bin"
	SURFC_TRACEFS=$fake sh "$out/usdt-ident.sh" -n >/dev/null 2>"$out/usdt-ident.err"
	rc=$?
	SURFC_TRACEFS=$fake sh "$out/usdt-ident.sh" -n -f >/dev/null 2>&1
	rcf=$?
	# A semaphore needs the kernel's uprobe reference counter.
	cp "$top/tests/script/README.fixture" "$fake/README"
	SURFC_TRACEFS=$fake sh "$out/usdt-ident.sh" -n -f >/dev/null 2>"$out/usdt-ref.err"
	rc_ref=$?
	if grep -q '^probe_1_binary_id=' "$out/usdt-ident.sh" && [ $rc_same = 0 ] && [ $rc = 4 ] &&
	   grep -q "is not the binary compiled for (build-id" "$out/usdt-ident.err" && [ $rcf = 0 ] &&
	   [ $rc_ref = 3 ] && grep -q "this kernel's probes lack '(ref_ctr_offset)'" "$out/usdt-ref.err"; then
		pass "usdt/identity: a U probe's binary is checked by build-id: another build exits 4, -f goes on; a README without (ref_ctr_offset) exits 3"
	else
		fail "usdt/identity: same $rc_same, other $rc, -f $rcf, no ref_ctr $rc_ref"
		cat "$out/usdt-ident.err" "$out/usdt-ref.err"
	fi
}

usdt_all() {
	if [ -x /usr/bin/python3.11 ] && readelf -n /usr/bin/python3.11 | grep -q stapsdt; then
		usdt_compare /usr/bin/python3.11 python3.11
	else
		fail "usdt/offsets python3.11: no /usr/bin/python3.11 with markers (make deps installs python3)"
	fi
	mkdir -p "$out/usdt"
	if [ ! -f /usr/include/sys/sdt.h ] && [ ! -f "/usr/include/$(gcc -print-multiarch 2>/dev/null)/sys/sdt.h" ]; then
		fail "usdt: no <sys/sdt.h> (make deps installs systemtap-sdt-dev)"
		return
	fi
	for kind in pie nopie so; do
		case $kind in
		pie) flags="-fPIE -pie" ;;
		nopie) flags="-fno-pie -no-pie" ;;
		so) flags="-fPIC -shared" ;;
		esac
		for sem in sem nosem; do
			d=
			[ $sem = nosem ] || d=-DSEM
			# shellcheck disable=SC2086
			usdt_build "$kind.$sem" $flags $d || { fail "usdt: cannot build $kind.$sem"; continue; }
			usdt_compare "$out/usdt/$kind.$sem" "markers $kind $sem"
		done
	done
	usdt_prelinked
	usdt_forms
	usdt_probes
	usdt_errors
	usdt_identity
}

usdt_all
