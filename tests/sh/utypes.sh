# Sourced by tests/run.sh: uprobes typed by their binaries' DWARF,
# without a tracefs. tests/utypes/prog.c built with -g at -O0 and -O2,
# PIE and not, with its debuginfo split out (found by .gnu_debuglink, or
# named by --debug-file), and for arm64 (static, Debian's
# gcc-aarch64-linux-gnu): the fetchargs of its typed probes, exactly;
# --describe /PATH:FUNC; and the errors: debuginfo of another build (named
# or found), none at all, a binary of another arch, a function the DWARF
# lacks. A raw %0 needs no DWARF; PATH:0xOFFSET takes casts.

# utypes_args BIN [FLAGS]: what -S writes for BIN's probes after each
# target, one line a probe.
utypes_args() {
	bin=$1
	shift
	"$SURFC" "$@" -S -e "p $bin:handle id=it->id name=it->name note=it->note scores=it->scores ready=it->fl.ready mode=it->fl.mode level=it->fl.level depth=it->in->depth label=it->in->label next=%0->next->id k=k tag=tag" \
		-e "r $bin:pick picked=\$retval->id picked_name=\$retval->name" \
		-e "r $bin:handle ret=\$retval" 2>&1 |
		sed -n "s|^echo '[pr]:surfc/[a-z_]* $bin:0x[0-9a-f]* \\(.*\\)' >> uprobe_events\$|\\1|p"
}

utypes_x86_want='id=+0(%di):s64 name=+8(%di):string note=+0(+24(%di)):string scores=+32(%di):s32[4] ready=+48(%di):b1@0/32 mode=+48(%di):b3@1/32 level=+48(%di):b5@4/32 depth=+0(+56(%di)):s32 label=+0(+8(+56(%di))):string next=+0(+64(%di)):s64 k=%si:s32 tag=+0(%dx):string
picked=+0($retval):s64 picked_name=+8($retval):string
ret=$retval:s64'

# utypes_same NAME GOT WANT
utypes_same() {
	if [ "$2" = "$3" ]; then
		pass "utypes/$1"
	else
		fail "utypes/$1"
		printf '%s\n--- want\n%s\n' "$2" "$3"
	fi
}

# utypes_caret TEXT: the caret line under TEXT.
utypes_caret() {
	printf '%s\n' "$1" | sed 's/./~/g; s/^~/^/'
}

utypes_id() {
	readelf -n "$1" | awk '/Build ID:/ { print $3; exit }'
}

utypes_offline() {
	d=$out/utypes
	rm -rf "$d"
	mkdir -p "$d/split" "$d/wrong" "$d/other"
	src=$top/tests/utypes/prog.c
	if ! cc -g -O0 -o "$d/O0" "$src" || ! cc -g -O2 -o "$d/O2" "$src" ||
	   ! cc -g -O2 -fno-pie -no-pie -o "$d/O2nopie" "$src" ||
	   ! cc -g -O2 -o "$d/split/prog" "$src" ||
	   ! objcopy --only-keep-debug "$d/split/prog" "$d/split/prog.debug" ||
	   ! objcopy --strip-debug --add-gnu-debuglink="$d/split/prog.debug" "$d/split/prog" ||
	   ! cc -g -O2 -DVARIANT=1 -o "$d/other/prog" "$src" ||
	   ! objcopy --only-keep-debug "$d/other/prog" "$d/other/prog.debug"; then
		fail "utypes: cannot build tests/utypes/prog.c"
		return
	fi
	if [ "$(uname -m)" != x86_64 ]; then
		skipped=$((skipped + 1))
		echo "skip utypes (x86_64 registers expected)"
		return
	fi
	for b in O0 O2 O2nopie split/prog; do
		utypes_same "$b: members, nested pointers, char arrays, strings, an int array, bitfields, typed \$retval" \
			"$(utypes_args "$d/$b")" "$utypes_x86_want"
	done
	# The debuglink's file in the binary's .debug/ directory.
	mkdir -p "$d/dotdebug/.debug"
	cp "$d/split/prog" "$d/dotdebug/prog"
	cp "$d/split/prog.debug" "$d/dotdebug/.debug/prog.debug"
	utypes_same "dotdebug/prog (its debuginfo in .debug/): the same" \
		"$(utypes_args "$d/dotdebug/prog")" "$utypes_x86_want"
	utypes_same "split/prog with --debug-file: the same" \
		"$(utypes_args "$d/split/prog" --debug-file "$d/split/prog.debug")" "$utypes_x86_want"
	utypes_same "describe: the prototype from DWARF and where each argument is" \
		"$("$SURFC" --describe "$d/split/prog:handle" 2>&1)" \
		'long int handle(struct item *it, int k, char *tag)
  %0   it                   %di        struct item *
  %1   k                    %si        int
  %2   tag                  %dx        char *
  return                   $retval    long int'
	id=$(utypes_id "$d/split/prog") oid=$(utypes_id "$d/other/prog")
	utypes_same "debug-file of another build: both ids named" \
		"$("$SURFC" -S --debug-file "$d/other/prog.debug" -e "p $d/split/prog:handle x=it->id" 2>&1; echo "exit $?")" \
		"<arg 1>:1:3: error: cannot type 'it->id': $d/split/prog has build-id $id, but --debug-file $d/other/prog.debug has build-id $oid
p $d/split/prog:handle x=it->id
  $(utypes_caret "$d/split/prog")
exit 1"
	# The debuglink finds a file of another build next to the binary.
	cp "$d/split/prog" "$d/wrong/prog"
	cp "$d/other/prog.debug" "$d/wrong/prog.debug"
	utypes_same "debuglink to another build: both ids named" \
		"$("$SURFC" -S -e "p $d/wrong/prog:handle x=it->id" 2>&1 | head -1; echo "exit $?")" \
		"<arg 1>:1:3: error: cannot type 'it->id': debuginfo $d/wrong/prog.debug is of another build: $d/wrong/prog has build-id $id, the debuginfo has $oid
exit 0"
	rm "$d/wrong/prog.debug"
	utypes_same "no debuginfo: an error for a typed argument" \
		"$("$SURFC" -S -e "p $d/wrong/prog:handle x=it->id" 2>&1 | head -1)" \
		"<arg 1>:1:3: error: cannot type 'it->id': $d/wrong/prog has no DWARF, and no debuginfo was found for it (by build-id under /usr/lib/debug/.build-id, nor by its .gnu_debuglink prog.debug): pass --debug-file FILE"
	utypes_same "no debuginfo: %0 alone is the argument register" \
		"$("$SURFC" -S -e "p $d/wrong/prog:handle x=%0" 2>&1 | sed -n 's/.*:0x[0-9a-f]* //p')" \
		"x=%di' >> uprobe_events"
	utypes_same "a function the DWARF lacks" \
		"$("$SURFC" -S -e "p $d/O2:_start x=%0->id" 2>&1 | head -1)" \
		"<arg 1>:1:$((${#d} + 7)): error: no function '_start' in the DWARF of $d/O2"
	utypes_same "a member the struct lacks" \
		"$("$SURFC" -S -e "p $d/O2:handle x=it->nope" 2>&1 | head -1)" \
		"<arg 1>:1:$((${#d} + 20)): error: struct item has no member 'nope'; did you mean 'note'?"
	utypes_same "PATH:0xOFFSET: a cast to the binary's struct" \
		"$("$SURFC" -S -e "p $d/O2:0x10 x=(struct item *)%di->note" 2>&1 | sed -n "s/^echo.*:0x10 //p")" \
		"x=+0(+24(%di)):string' >> uprobe_events"
	utypes_same "PATH:0xOFFSET: no prototype for %0" \
		"$("$SURFC" -S -e "p $d/O2:0x10 x=%0->id" 2>&1 | head -1)" \
		"<arg 1>:1:$((${#d} + 14)): error: no prototype at $d/O2:0x10: cast a register instead, e.g. (struct foo *)%di"
	utypes_same "a parameter in a return probe: a warning" \
		"$("$SURFC" -S -e "r $d/O2:handle x=it->id" 2>&1 >/dev/null | head -1)" \
		"<arg 1>:1:$((${#d} + 16)): warning: at a return probe 'it' reads where the parameter was at entry, which may no longer hold it"
	utypes_same "describe: a misspelled function" \
		"$("$SURFC" --describe "$d/O2:hndle" 2>&1; echo "exit $?")" \
		"surfc: error: no function 'hndle' in the DWARF of $d/O2; did you mean 'handle'?
exit 1"
	utypes_same "describe: not an ELF file" \
		"$("$SURFC" --describe "$src:handle" 2>&1; echo "exit $?")" \
		"surfc: error: cannot describe $src:handle: $src is not an ELF file
exit 1"
	if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
		fail "utypes/arm64: no aarch64-linux-gnu-gcc (make deps installs gcc-aarch64-linux-gnu)"
		return
	fi
	aarch64-linux-gnu-gcc -static -g -O2 -o "$d/arm64" "$src" ||
		{ fail "utypes/arm64: cannot build"; return; }
	utypes_same "arm64: the same probes on x0-x2" \
		"$(utypes_args "$d/arm64" --arch arm64 --no-types)" \
		"$(echo "$utypes_x86_want" | sed 's/%di/%x0/g; s/%si/%x1/g; s/%dx/%x2/g')"
	utypes_same "arm64: a binary of another arch" \
		"$("$SURFC" -S -e "p $d/arm64:handle x=it->id" 2>&1 | head -1)" \
		"<arg 1>:1:3: error: $d/arm64 is built for aarch64; the probes are compiled for $(uname -m)"
}

utypes_offline
