# Sourced by tests/run.sh: which architecture a BTF file is for. A bare
# BTF blob names no machine; surfc reads it from the kernel's own struct
# pt_regs (and the blob's byte order), refuses a contradicting --arch, and
# refuses to guess when the types cannot tell. Small BTF files come from
# clang's BPF target (bpfel and bpfeb), the real ones from Debian's 6.1.

# arch_of ARGS...: the arch of the kernel of the script surfc writes.
arch_of() {
	"$SURFC" "$@" -o - 2>"$out/arch.err" | sed -n 's/^kernel_1_arch=//p'
}

arch_btf() {
	dir=$out/arch-btf
	mkdir -p "$dir"
	cat >"$dir/regs.c" <<'C'
struct pt_regs { unsigned long gpr[32]; unsigned long nip; };
int probe_me(struct pt_regs *regs, long x) { return regs->nip + x; }
C
	cat >"$dir/noregs.c" <<'C'
struct foo { long a; };
int probe_me(struct foo *f, long x) { return f->a + x; }
C
	if ! clang -target bpfeb -g -c "$dir/regs.c" -o "$dir/be.o" ||
	   ! clang -target bpfel -g -c "$dir/regs.c" -o "$dir/le.o" ||
	   ! clang -target bpfel -g -c "$dir/noregs.c" -o "$dir/none.o"; then
		fail "arch/btf: cannot build the BTF fixtures with clang"
		return
	fi
	abtf=$(sh "$top/tests/kernels.sh" btf 6.1 arm64) ||
		{ fail "arch/btf: cannot get the arm64 BTF"; return; }
	e='p vfs_read a=%0'
	got="$(arch_of --btf "$KBTF" -e "$e") $(arch_of --btf "$abtf" -e "$e")"
	got="$got $(arch_of --btf "$dir/be.o" -e 'p probe_me a=%1')"
	got="$got $(arch_of --btf "$dir/le.o" -e 'p probe_me a=%1')"
	if [ "$got" = "x86_64 aarch64 ppc64 ppc64le" ]; then
		pass "arch/btf: amd64, arm64, big- and little-endian ppc64 BTF"
	else
		fail "arch/btf: got '$got'"
	fi
	# The arm64 BTF gives arm64's registers.
	if "$SURFC" -S --btf "$abtf" -e "$e" 2>&1 | grep -q "vfs_read a=%x0:x64'"; then
		pass "arch/btf: %0 on arm64's BTF is %x0"
	else
		fail "arch/btf: %0 on arm64's BTF"
	fi
	"$SURFC" -S --btf "$abtf" --arch x86_64 -e "$e" >"$dir/wrong.out" 2>&1
	echo "[exit $?]" >>"$dir/wrong.out"
	printf '%s: error: these types are for aarch64, not for x86_64\n[exit 1]\n' \
		"$abtf" >"$dir/wrong.want"
	if cmp -s "$dir/wrong.want" "$dir/wrong.out"; then
		pass "arch/btf: --arch x86_64 with arm64's BTF is refused"
	else
		fail "arch/btf: --arch x86_64 with arm64's BTF"
		diff "$dir/wrong.want" "$dir/wrong.out"
	fi
	(cd "$dir" && "$SURFC" -S --btf none.o -e 'p probe_me a=%1') >"$dir/none.out" 2>&1
	echo "[exit $?]" >>"$dir/none.out"
	printf '%s\n' "none.o: error: cannot tell which architecture these types are for: pass --arch" \
		'[exit 1]' >"$dir/none.want"
	if cmp -s "$dir/none.want" "$dir/none.out"; then
		pass "arch/btf: types without struct pt_regs need --arch"
	else
		fail "arch/btf: types without struct pt_regs"
		diff "$dir/none.want" "$dir/none.out"
	fi
}

# A type narrower than the member reads its first bytes: on a big-endian
# kernel its most significant ones, which the compiler says, with the
# bitfield type that reads the low bits everywhere; not on little-endian.
narrowing() {
	dir=$out/arch-btf
	cat >"$dir/pkt.c" <<'C'
struct pt_regs { unsigned long gpr[32]; unsigned long nip; };
struct pkt { unsigned int len; unsigned char tos; };
int probe_me(struct pt_regs *regs, long x) { return regs->nip + x; }
int probe_pkt(struct pkt *p) { return p->len + p->tos; }
C
	clang -target bpfeb -g -c "$dir/pkt.c" -o "$dir/pkt-be.o" &&
		clang -target bpfel -g -c "$dir/pkt.c" -o "$dir/pkt-le.o" ||
		{ fail "arch/narrowing: cannot build the BTF fixtures"; return; }
	p='p probe_pkt l=%0->len:u8 t=%0->tos:u8 all=%0->len:u32'
	(cd "$dir" && "$SURFC" --check --btf pkt-be.o -e "$p") >"$dir/be.out" 2>&1
	(cd "$dir" && "$SURFC" --check --btf pkt-le.o -e "$p") >"$dir/le.out" 2>&1
	if [ "$(grep -c warning "$dir/be.out")" = 1 ] &&
	   grep -q "<arg 1>:1:23: warning: on ppc64 (big-endian) ':u8' reads the most significant 8 bits of '%0->len' (unsigned int); ':b8@0/32' reads the least significant, as little-endian kernels do" "$dir/be.out" &&
	   [ ! -s "$dir/le.out" ]; then
		pass "arch/narrowing: ':u8' of a u32 on big-endian is a warning with the portable bitfield; none on little-endian"
	else
		fail "arch/narrowing"
		cat "$dir/be.out" "$dir/le.out"
	fi
}

# A script from a bare BTF file without --kernel-release arms anywhere:
# the compiler says so, and so do the script's -h, dry run and banner.
release_warning() {
	"$SURFC" --btf "$KBTF" -e 'p vfs_read' -o "$out/anykernel.sh" 2>"$out/anykernel.err"
	printf '%s: warning: %s\n' "$KBTF" "these types do not say which kernel they belong to, so the script will arm on any kernel: pass --kernel-release (the target's uname -r)" >"$out/anykernel.want"
	if cmp -s "$out/anykernel.want" "$out/anykernel.err" &&
	   grep -q '^# kernel: any' "$out/anykernel.sh" &&
	   sh "$out/anykernel.sh" -h | grep -q '^Probes (.*, any kernel: compiled without one):$' &&
	   sh "$out/anykernel.sh" -n 2>&1 >/dev/null | grep -q "^surfc: note: compiled without a kernel's identity: it would arm on any kernel$" &&
	   "$SURFC" --btf "$KBTF" --kernel-release 6.1.0-56-cloud-amd64 -e 'p vfs_read' \
		-o "$out/onekernel.sh" 2>"$out/onekernel.err" && [ ! -s "$out/onekernel.err" ]; then
		pass "arch/btf: a bare BTF without --kernel-release gets a warning; the script's -h and -n say it knows no kernel"
	else
		fail "arch/btf: the any-kernel warning"
		diff "$out/anykernel.want" "$out/anykernel.err"
		cat "$out/onekernel.err"
	fi
}

arch_btf
narrowing
release_warning
