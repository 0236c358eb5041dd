# surfc: build, test, install.
#
#   make                 build ./surfc
#   make check           build and run every test (tests/run.sh)
#   make check SANITIZE=1  the same tests against an ASan+UBSan build (the
#                        e2e scripts compiled, their guests not booted:
#                        E2E_BOOT=0; the release build's run boots them)
#   make fuzz            build the libFuzzer target (clang): build/fuzz/surfc-fuzz
#   make mutate          build the mutation harness (tests/mutate.c)
#   make unit            build the unit tests (tests/unit/)
#   make demo            build, then compile a sample and show the result
#   make deps            install the Debian packages the build and tests use
#   make install PREFIX=/usr/local DESTDIR=

CC ?= cc
PKG_CONFIG ?= pkg-config
FLEX ?= flex
BISON ?= bison
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
PKGS := libelf libdw libbpf liblzma
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lbpf -ldw -lelf -llzma)

ifeq ($(SANITIZE),1)
BUILD := build/asan
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
SURFC := $(BUILD)/surfc
else
BUILD := build/release
SURFC := surfc
endif

# Debian packages: to build, and to run the tests.
BUILD_DEPS := gcc make flex bison pkg-config libelf-dev libdw-dev libbpf-dev liblzma-dev
TEST_DEPS := clang libclang-rt-14-dev dash busybox-static posh mksh yash shellcheck gawk \
	original-awk lz4 linux-perf time binutils util-linux python3 systemtap-sdt-dev \
	qemu-system-x86 qemu-system-arm qemu-system-ppc qemu-system-misc cpio zstd \
	xz-utils ansible-core dropbear-bin openssh-client libc6-dbg \
	gcc-aarch64-linux-gnu

GEN := grammar/parser.c grammar/parser.h grammar/lexer.c grammar/lexer.h
SRCS := compiler/util.c compiler/source.c compiler/diag.c compiler/arch.c \
	compiler/ast.c compiler/fetchtype.c compiler/probekind.c compiler/glob.c \
	compiler/conversion.c compiler/packet.c compiler/plan.c \
	compiler/check.c compiler/hist.c compiler/usym.c compiler/usdt.c \
	compiler/utypes.c \
	compiler/types/model.c compiler/types/open.c compiler/types/btfsrc.c \
	compiler/types/elfinfo.c compiler/types/btfhub.c \
	compiler/types/dwarfsrc.c compiler/types/events.c \
	compiler/typecheck.c compiler/describe.c compiler/list.c \
	codegen/fetcharg.c codegen/trigger.c codegen/show.c codegen/script.c \
	grammar/parse.c
LIB_OBJS := $(SRCS:%.c=$(BUILD)/%.o) $(BUILD)/grammar/parser.o \
	$(BUILD)/grammar/lexer.o $(BUILD)/runtime.o
MAIN_OBJ := $(BUILD)/compiler/main.o
MUTATE := $(BUILD)/tests/mutate
UNIT := $(BUILD)/tests/unit/render

# The libFuzzer target: always clang, always ASan+UBSan, its own objects.
FUZZ_CC ?= clang
FUZZ_BUILD := build/fuzz
FUZZ := $(FUZZ_BUILD)/surfc-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer \
	$(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJS := $(SRCS:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/grammar/parser.o \
	$(FUZZ_BUILD)/grammar/lexer.o $(FUZZ_BUILD)/runtime.o \
	$(FUZZ_BUILD)/tests/fuzz/fuzz.o

.PHONY: all check demo deps install clean fuzz mutate unit e2e
all: $(SURFC)

$(SURFC): $(MAIN_OBJ) $(BUILD)/libsurfc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libsurfc.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(MUTATE): $(BUILD)/tests/mutate.o $(BUILD)/libsurfc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(UNIT): $(BUILD)/tests/unit/render.o $(BUILD)/libsurfc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(FUZZ): $(FUZZ_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LIBS)

$(FUZZ_BUILD)/grammar/lexer.o: FUZZ_CFLAGS += -Wno-sign-compare \
	-Wno-unused-function -Wno-missing-prototypes

# "Did you mean" measures the edit distance to every one of the kernel's
# 60,000 function names; tracing each comparison there made typed inputs
# ten times slower without finding new paths.
$(FUZZ_BUILD)/compiler/util.o: FUZZ_CFLAGS += -fno-sanitize-coverage=trace-cmp

$(FUZZ_BUILD)/%.o: %.c compiler/surfc.h grammar/parser.h grammar/lexer.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/runtime.o: $(BUILD)/runtime.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-overlength-strings -c -o $@ $<

grammar/parser.c grammar/parser.h: grammar/parser.y
	$(BISON) -Wall -Werror --header=grammar/parser.h -o grammar/parser.c $<

grammar/lexer.c grammar/lexer.h: grammar/lexer.l
	$(FLEX) --header-file=grammar/lexer.h -o grammar/lexer.c $<

# The flex skeleton compares signed with unsigned sizes; that is its code,
# not ours, so only that warning is silenced, and only for that file.
$(BUILD)/grammar/lexer.o: ALL_CFLAGS += -Wno-sign-compare -Wno-unused-function \
	-Wno-missing-prototypes

$(BUILD)/%.o: %.c compiler/surfc.h grammar/parser.h grammar/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The runtime stays real .sh/.awk files; the build embeds them.
$(BUILD)/runtime.c: runtime-sh/surfc.sh runtime-sh/convert.awk runtime-sh/hist.awk \
		runtime-sh/graph.awk runtime-sh/embed.sh
	@mkdir -p $(dir $@)
	{ sh runtime-sh/embed.sh runtime_sh runtime-sh/surfc.sh && \
	  sh runtime-sh/embed.sh convert_awk runtime-sh/convert.awk && \
	  sh runtime-sh/embed.sh hist_awk runtime-sh/hist.awk && \
	  sh runtime-sh/embed.sh graph_awk runtime-sh/graph.awk; } >$@

$(BUILD)/runtime.o: $(BUILD)/runtime.c
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

fuzz: $(FUZZ)

mutate: $(MUTATE)

unit: $(UNIT)

e2e: deps
	$(MAKE) $(SURFC)
	SURFC=$(SURFC) sh tests/e2e/run.sh

check: deps
	$(MAKE) $(SURFC) $(MUTATE) $(UNIT) $(FUZZ)
	SURFC=$(SURFC) MUTATE=$(MUTATE) UNIT=$(UNIT) FUZZ=$(FUZZ) \
		E2E_BOOT=$(if $(filter 1,$(SANITIZE)),0,1) sh tests/run.sh

demo: deps
	$(MAKE) $(SURFC)
	@sh tests/demo.sh $(SURFC)

deps:
	@sh tests/deps.sh $(BUILD_DEPS) $(TEST_DEPS)

install: $(SURFC)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(SURFC) $(DESTDIR)$(BINDIR)/surfc
	if [ -f surfc.1 ]; then install -d $(DESTDIR)$(MANDIR)/man1 && \
		install -m 0644 surfc.1 $(DESTDIR)$(MANDIR)/man1/surfc.1; fi

clean:
	rm -rf build surfc $(GEN) tests/out
