# Lifeboat: `make run` boots the image in QEMU, `make check` runs every test.
# Everything is built under _build/ and out/; downloads are cached in
# ~/.cache/lifeboat (LIFEBOAT_CACHE), compiler output in ccache where present.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:

B := _build
OUT := out
SRC := $(B)/src
VERSION ?= $(shell git describe --always --tags --dirty 2>/dev/null || echo dev)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)
export SOURCE_DATE_EPOCH
# No CCACHE_BASEDIR: with it, ccache served a busybox built in another
# checkout whose bytes differed (measured); a second checkout compiles afresh.
PYTHON := /usr/bin/python3

MUSL_CC := musl-gcc
HOST_GCC := gcc
HOST_CLANG := clang
ifneq ($(shell command -v ccache),)
MUSL_CC := ccache musl-gcc
HOST_GCC := ccache gcc
HOST_CLANG := ccache clang
endif
CFLAGS_TARGET := -std=c11 -D_GNU_SOURCE -Os -static -Wall -Wextra -Werror
CFLAGS_HOST := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror

INIT_SRCS := $(sort $(wildcard init/*.c))
INIT_HDRS := $(wildcard init/*.h)
# What /init and lifeboat share (common/), one static library both link.
COMMON_SRCS := $(sort $(wildcard common/*.c))
COMMON_HDRS := $(wildcard common/*.h)
COMMON_OBJS := $(patsubst common/%.c,$(B)/common/%.o,$(COMMON_SRCS))
COMMON_LIB := $(B)/common/libcommon.a
# Host unit tests link everything but main() and the libblkid edge (they fake it).
INIT_LIB_SRCS := $(filter-out init/main.c,$(INIT_SRCS))
COMMON_LIB_SRCS := $(filter-out common/%_blkid.c,$(COMMON_SRCS))
# apt (apt/): Debian packages at run time; all but main() is host-testable.
APT_SRCS := $(sort $(wildcard apt/*.c))
APT_HDRS := $(wildcard apt/*.h)
APT_LIB_SRCS := $(filter-out apt/main.c,$(APT_SRCS))
HOST_SRCS := $(INIT_LIB_SRCS) $(COMMON_LIB_SRCS) $(APT_LIB_SRCS)
HOST_HDRS := $(INIT_HDRS) $(COMMON_HDRS) $(APT_HDRS)
# libblkid and libmount, static musl, from the util-linux component build.
UL := $(B)/comp/util-linux/prefix
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/test_*.c))
# libFuzzer targets, one per parser of outside input (tests/fuzz/fuzz_*.c).
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(addprefix $(B)/fuzz/,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 60
CFLAGS_FUZZ := -std=c11 -D_GNU_SOURCE -g -O1 \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror
PINS := $(wildcard build/pins/*.pin)
# Patches of the components (build/patches/NAME/, applied by lib.sh's copy_src);
# the kernel's (build/patches/linux) are the kernel's inputs.
COMPONENT_PATCHES := $(filter-out build/patches/linux/%,$(wildcard build/patches/*/*.patch))
COMPONENT_INPUTS := $(PINS) $(wildcard build/components/*) build/busybox.config $(COMPONENT_PATCHES)
OVERLAY_FILES := $(shell find rootfs-overlay -type f -o -type l 2>/dev/null)

.PHONY: FORCE all image deps check-deps run check unit boot size readme bench bench-smoke lint fuzz \
	fuzz-regress fuzz-bins clean distclean print-build-vars need-unit need-lint need-fuzz need-boot
all: image
image: $(OUT)/vmlinuz $(OUT)/lifeboat.iso $(OUT)/SHA256SUMS

deps:
	@build/deps.sh install

# The two commands set up a fresh machine: under `make run` and `make check`
# the missing packages of build/deps.txt are installed (root: apt-get; else
# sudo when `sudo -n true` works; else the exact command to run); any other
# target names what is missing. (Target variables pass to prerequisites.)
DEPS_MODE := check
run check: DEPS_MODE := ensure
check-deps:
	@build/deps.sh $(DEPS_MODE)

# What each target needs, checked first by name (after check-deps installed
# everything under run and check).
need-unit:
	@build/deps.sh need unit gcc
need-lint:
	@build/deps.sh need lint clang-format clang-tidy cppcheck
need-fuzz:
	@build/deps.sh need fuzz clang libclang-rt-14-dev
need-boot:
	@build/deps.sh need boot qemu-system-x86 qemu-utils ovmf ipxe-qemu python3-pytest python3-pytest-xdist python3-pexpect \
		e2fsprogs openssh-client debootstrap xfsprogs btrfs-progs musl-tools \
		dosfstools mtools gdisk fdisk ntfs-3g exfatprogs exfat-fuse rsync zstd \
		gpgv gnupg debian-archive-keyring faketime

# Third-party makes must not see our command-line variables: `make VERSION=x`
# would reach busybox's and the kernel's own VERSION through MAKEFLAGS.
SUBBUILD := env -u MAKEFLAGS -u MAKEOVERRIDES -u MFLAGS -u MAKELEVEL

# The version and the timestamp every artifact embeds; rewritten only when they
# change (a new commit), so that what embeds them is rebuilt then, and only then.
$(B)/build-vars: FORCE
	@mkdir -p $(B)
	@echo "VERSION=$(VERSION) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)" > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
FORCE:

# Third-party userland: every build/components/NAME.sh with a `# pin:` header,
# in the order of their `# needs:` (build/components/all.sh).
# Each component takes its timestamps from its own Debian changelog (pinned),
# so a new commit of ours does not rebuild them.
$(B)/stamps/components: $(COMPONENT_INPUTS) | check-deps
	@mkdir -p $(B)/stamps
	rm -rf $(B)/stage $(B)/stage-tools
	clean=$$([ -d $(B)/comp ] || echo 1); start=$$(date +%s); \
	$(SUBBUILD) -u SOURCE_DATE_EPOCH build/components/all.sh $(B)/stage $(B)/comp $(SRC); \
	[ -z "$$clean" ] || echo "components, clean build: $$(( $$(date +%s) - start )) s ($$(date -u +%F))" >> $(B)/timings.txt
	touch $@

$(B)/common/%.o: common/%.c $(COMMON_HDRS) Makefile $(B)/stamps/components | check-deps
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_TARGET) -Icommon -I$(UL)/include/blkid -c -o $@ $<

# D: no timestamps or owners in the archive, so that it builds the same bytes
$(COMMON_LIB): $(COMMON_OBJS)
	rm -f $@
	ar rcsD $@ $(COMMON_OBJS)

# linux-libc-dev's headers for musl-gcc (/init's loop device: linux/loop.h).
KINC := $(B)/kinc
$(B)/stamps/kinc: build/components/kinc.sh
	@mkdir -p $(@D)
	build/components/kinc.sh $(KINC)
	touch $@

$(B)/init/init: $(INIT_SRCS) $(INIT_HDRS) $(COMMON_HDRS) $(COMMON_LIB) Makefile $(B)/stamps/components $(B)/stamps/kinc \
		$(B)/build-vars | check-deps
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_TARGET) -isystem $(KINC) -DLIFEBOAT_VERSION='"$(VERSION)"' -Iinit -Icommon \
		-o $@ $(INIT_SRCS) $(COMMON_LIB) -L$(UL)/lib -lblkid
	strip $@

# Our applets (applets/*.c) share the disk code with /init through common/.
APPLET_SRCS := $(sort $(wildcard applets/*.c))
$(B)/applets/usr/bin/lifeboat: $(APPLET_SRCS) $(wildcard applets/*.h) $(COMMON_HDRS) $(COMMON_LIB) $(B)/stamps/components | check-deps
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_TARGET) -Iapplets -Icommon -I$(UL)/include/blkid -I$(UL)/include/libmount \
		-o $@ $(APPLET_SRCS) $(COMMON_LIB) -L$(UL)/lib -lmount -lblkid
	strip $@

# apt and apt-get (one program): static, linked with common/ only.
$(B)/applets/usr/bin/apt: $(APT_SRCS) $(APT_HDRS) $(COMMON_HDRS) $(COMMON_LIB) Makefile | check-deps
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_TARGET) -Iapt -Icommon -o $@ $(APT_SRCS) $(COMMON_LIB)
	strip $@
	ln -sfn apt $(@D)/apt-get

# Debian's kernel source plus our patches (build/patches/linux: disk names by
# slot), built in a tree cached on these inputs (build/kernel.sh; ~/.cache/
# lifeboat/kernel, LIFEBOAT_KERNEL_CACHE=off builds in _build/src/linux).
KERNEL_INPUTS := build/pins/linux-source-6.1.pin $(wildcard build/patches/linux/*.patch) \
	$(wildcard kernel-config/*.config) build/kernel.sh
# The modules first, from the same tree as the bzImage: they go into the
# tools image, which the initramfs carries, which the bzImage embeds.
MODDIR := $(B)/kernel-modules
$(B)/stamps/modules: $(KERNEL_INPUTS) | check-deps
	@mkdir -p $(@D)
	$(SUBBUILD) build/kernel.sh --modules $(CURDIR)/$(SRC)/linux $(CURDIR)/$(B)/kernel $(CURDIR)/$(MODDIR)
	touch $@

# The tools image (build/mktools.sh): STAGE-tools and the modules, one
# squashfs that /init mounts; TOOLS_TREE is what it was made of.
TOOLS_TREE := $(B)/tools-tree
TOOLS_IMAGE := $(B)/tools.squashfs
$(TOOLS_IMAGE): $(B)/stamps/components $(B)/stamps/modules build/mktools.sh $(B)/build-vars
	build/mktools.sh $(B)/stage-tools $(MODDIR) $(TOOLS_TREE) $@

# /etc/apt/sources.list from the build machine's apt configuration (never
# checked in: no mirror names in the repository). /etc/apt is outside the
# tree, so it is read every time and the file rewritten only when it changes.
APT_ROOT := $(B)/apt-root
APT_SOURCES := $(APT_ROOT)/etc/apt/sources.list
$(APT_SOURCES): build/apt-sources.sh FORCE
	@mkdir -p $(@D)
	@build/apt-sources.sh $@

# The root filesystem as a gen_init_cpio list (no root privileges needed).
$(B)/initramfs.list: $(B)/stamps/components $(B)/init/init $(B)/applets/usr/bin/lifeboat \
		$(B)/applets/usr/bin/apt \
		$(OVERLAY_FILES) build/mkcpiolist.py $(TOOLS_IMAGE) $(APT_SOURCES)
	$(PYTHON) build/mkcpiolist.py --tools $(TOOLS_IMAGE) $(TOOLS_TREE) \
		$(B)/medium-id $(B)/init/init $(B)/stage $(B)/applets $(APT_ROOT) rootfs-overlay > $@.tmp
	mv $@.tmp $@

$(OUT)/vmlinuz: $(B)/initramfs.list $(B)/build-vars $(KERNEL_INPUTS)
	@mkdir -p $(OUT)
	$(SUBBUILD) build/kernel.sh $(CURDIR)/$(SRC)/linux $(CURDIR)/$(B)/kernel $(CURDIR)/$(B)/initramfs.list $@

# The ISO's kernel: the same initramfs but for the tools image, which the ISO
# carries as a file of its own tree and /init mounts from the medium
# (init/tools.h): booting does not unpack 7 MB a rescue may never use.
TOOLS_LINE := file /usr/lib/lifeboat/tools.squashfs
$(B)/initramfs-iso.list: $(B)/initramfs.list
	grep -v '^$(TOOLS_LINE) ' $< > $@.tmp || true
	@test $$(( $$(wc -l < $<) - $$(wc -l < $@.tmp) )) = 1 || \
		{ echo "make: error: no '$(TOOLS_LINE)' line in $<" >&2; exit 1; }
	mv $@.tmp $@

$(B)/vmlinuz-iso: $(B)/initramfs-iso.list $(B)/build-vars $(KERNEL_INPUTS)
	$(SUBBUILD) build/kernel.sh $(CURDIR)/$(SRC)/linux $(CURDIR)/$(B)/kernel-iso $(CURDIR)/$(B)/initramfs-iso.list $@

$(OUT)/lifeboat.iso: $(B)/vmlinuz-iso $(TOOLS_IMAGE) build/iso.sh build/isodedup.py $(B)/build-vars
	build/iso.sh $(B)/vmlinuz-iso $(TOOLS_IMAGE) $(B)/medium-id $(B)/iso $@

$(OUT)/SHA256SUMS: $(OUT)/vmlinuz $(OUT)/lifeboat.iso
	cd $(OUT) && sha256sum vmlinuz lifeboat.iso > SHA256SUMS

run: check-deps image
	@build/deps.sh need run qemu-system-x86 python3
	@build/run.sh

size: image
	@build/size.sh $(B) $(OUT) $(OUT)/size.md

# README's measured section from out/size.md and out/bench/summary.md (make
# bench writes it; without it the section's bench part stays as it is).
readme: size
	@$(PYTHON) build/measured.py README.md $(OUT)/size.md $(OUT)/bench/summary.md

# Benchmarks against the peers users would pick (build/bench/bench.py): not tests.
# The peers (build/bench/bench-deps.txt) are installed like the two commands'
# packages (root, or sudo -n).
bench: need-boot image
	@build/deps.sh ensure build/bench/bench-deps.txt
	@mkdir -p $(OUT)/bench
	build/bench/floor.sh $(OUT)/bench/floor-vmlinuz
	$(PYTHON) build/bench/bench.py

# make check's smoke of make bench: one round of Lifeboat (kernel and ISO) and
# the floor, no peers, no memory search, no SSH timing, no apt timing; results in
# _build/bench-smoke (out/bench keeps the last real run).
BENCH_SMOKE := $(B)/bench-smoke
bench-smoke: need-boot image
	@mkdir -p $(BENCH_SMOKE)
	build/bench/floor.sh $(BENCH_SMOKE)/floor-vmlinuz
	BENCH_OUT=$(BENCH_SMOKE) BENCH_RUNS=1 BENCH_MEMORY=0 BENCH_PEERS=0 BENCH_SSH=0 BENCH_APT=0 BENCH_E2FSCK_SHAPE=1,2,3,5 BENCH_REPAIR_SHAPE=1,2,3,5 \
		$(PYTHON) build/bench/bench.py > $(BENCH_SMOKE)/stdout.log || \
		{ tail -30 $(BENCH_SMOKE)/stdout.log; echo "bench-smoke: error: make bench is broken (log: $(BENCH_SMOKE)/bench.log)" >&2; exit 1; }
	@grep '^run 1:' $(BENCH_SMOKE)/stdout.log

# Host unit tests under ASan/UBSan.
# The host sources (and the blkid fake) are compiled once per flavour into
# objects that every test and fuzz target links (HOST_OBJS, FUZZ_OBJS); the
# tests and targets are built in parallel, one job per core.
HOST_LIB_SRCS := $(HOST_SRCS) tests/unit/fake_blkid.c
HOST_OBJS := $(patsubst %.c,$(B)/host-asan/%.o,$(HOST_LIB_SRCS))
FUZZ_OBJS := $(patsubst %.c,$(B)/host-fuzz/%.o,$(HOST_LIB_SRCS))
TEST_HDRS := $(HOST_HDRS) $(wildcard tests/unit/*.h)
$(B)/host-asan/%.o: %.c $(TEST_HDRS) | need-unit
	@mkdir -p $(@D)
	@echo "CC (host, ASan/UBSan) $@"
	@$(HOST_GCC) $(CFLAGS_HOST) -Iinit -Icommon -Iapt -Itests/unit -c -o $@ $<
$(B)/unit/%: tests/unit/%.c $(HOST_OBJS) $(TEST_HDRS) | need-unit
	@mkdir -p $(@D)
	@echo "CC (host, ASan/UBSan) $@"
	@$(HOST_GCC) $(CFLAGS_HOST) -Iinit -Icommon -Iapt -Itests/unit -o $@ $< $(HOST_OBJS)

unit: need-unit
	@$(MAKE) --no-print-directory -j$$(nproc) $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

# Fuzzing: clang's libFuzzer with ASan/UBSan over the same sources as unit.
$(B)/host-fuzz/%.o: %.c $(TEST_HDRS) | need-fuzz
	@mkdir -p $(@D)
	@echo "CC (host, libFuzzer) $@"
	@$(HOST_CLANG) $(CFLAGS_FUZZ) -Iinit -Icommon -Iapt -c -o $@ $<
$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_OBJS) | need-fuzz
	@mkdir -p $(@D)
	@echo "CC (host, libFuzzer) $@"
	@$(HOST_CLANG) $(CFLAGS_FUZZ) -fsanitize=fuzzer -Iinit -Icommon -Iapt -o $@ $< $(FUZZ_OBJS)
fuzz-bins: need-fuzz
	@$(MAKE) --no-print-directory -j$$(nproc) $(FUZZ_BINS)

# Each target for FUZZ_SECONDS, from the checked-in seeds; new inputs go to
# _build/fuzz/corpus, crashes to _build/fuzz/crashes (copy them into
# tests/fuzz/regressions/<target>/ once fixed).
fuzz: fuzz-bins
	@set -e; for t in $(FUZZ_NAMES); do \
		mkdir -p $(B)/fuzz/corpus/$$t $(B)/fuzz/crashes/$$t; \
		echo "== $$t for $(FUZZ_SECONDS) s"; \
		rc=0; $(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-print_final_stats=1 -artifact_prefix=$(B)/fuzz/crashes/$$t/ \
			$(B)/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
			> $(B)/fuzz/$$t.fuzz.log 2>&1 || rc=$$?; \
		grep -E 'DONE|number_of_executed_units|SUMMARY|Test unit written' \
			$(B)/fuzz/$$t.fuzz.log || true; \
		test $$rc = 0 || { tail -60 $(B)/fuzz/$$t.fuzz.log; exit 1; }; \
	done

# Every seed and every fixed crash, once each: quick, part of check.
fuzz-regress: fuzz-bins
	@set -e; for t in $(FUZZ_NAMES); do \
		files=$$(find tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t -type f 2>/dev/null | sort || true); \
		test -n "$$files" || { echo "fuzz-regress: $$t has no corpus" >&2; exit 1; }; \
		echo "== $$t: $$(echo "$$files" | wc -l) inputs"; \
		$(B)/fuzz/$$t -runs=1 $$files > $(B)/fuzz/$$t.log 2>&1 || \
			{ tail -40 $(B)/fuzz/$$t.log; exit 1; }; \
	done

# A test that cannot run here fails with its reason (tests/conftest.py)
# unless LIFEBOAT_ALLOW_SKIP=1; -rs prints every skip's reason.
# BOOT_JOBS workers (pytest-xdist), a test file each at a time (--dist
# loadfile: a module's shared VM stays on one worker); tests/build first, so
# that its second full build runs beside the boots rather than after them.
# The 25 slowest tests are listed at the end (--durations): CI's time budget.
BOOT_JOBS ?= 2
boot: need-boot image
	$(PYTHON) -m pytest -p no:cacheprovider -rs --durations=25 -n $(BOOT_JOBS) --dist loadfile \
		tests/build tests/boot $(PYTEST_ARGS)

print-build-vars:
	@echo VERSION=$(VERSION) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH)

check: check-deps lint unit fuzz-regress boot bench-smoke

# Style (clang-format, .clang-format), then cppcheck and clang-tidy
# (.clang-tidy) on every C file: applets/ and *_blkid.c need the util-linux
# headers, so the components are built first.
LINT_C := $(sort $(wildcard init/*.c common/*.c apt/*.c tests/unit/*.c tests/fuzz/*.c))
LINT_FORMAT := $(sort $(wildcard init/*.[ch] common/*.[ch] applets/*.[ch] apt/*.[ch] tests/unit/*.[ch] \
	tests/fuzz/*.[ch] build/components/*.c))
LINT_INC := -Iinit -Icommon -Iapt -Itests/unit -I$(UL)/include/blkid -I$(UL)/include/libmount
lint: need-lint $(B)/stamps/components
	@echo "LINT clang-format"
	@clang-format --dry-run --Werror $(LINT_FORMAT)
	@echo "LINT cppcheck"
	@cppcheck --quiet --std=c11 --enable=warning,style,portability,performance \
		--suppress=variableScope --inline-suppr --error-exitcode=1 \
		-D_GNU_SOURCE -Iinit -Icommon -Iapt -Itests/unit $(LINT_C) $(wildcard applets/*.c)
	@# the multi-call dispatcher is built with its name and a generated table (lib.sh)
	@cppcheck --quiet --std=c11 --enable=warning,style,portability,performance \
		--suppress=variableScope --inline-suppr --error-exitcode=1 \
		-D_GNU_SOURCE -DMULTICALL_NAME='"multicall"' build/components/multicall.c
	@echo "LINT clang-tidy"
	@test -e $(UL)/include/libmount/libmount.h || \
		{ echo "lint: error: no util-linux headers in $(UL) (the component build)" >&2; exit 1; }
	@files="$(LINT_C) $(wildcard applets/*.c)"; \
	mkdir -p $(B); rc=0; \
	printf '%s\n' $$files | xargs -P$$(nproc) -n4 sh -c 'exec clang-tidy --quiet "$$@" \
		-- -std=c11 -D_GNU_SOURCE -Iapplets $(LINT_INC)' clang-tidy \
		> $(B)/lint-tidy.log 2>&1 || rc=$$?; \
	grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed [0-9]+ warnings|^Use -header-filter' \
		$(B)/lint-tidy.log || true; \
	exit $$rc

clean:
	rm -rf $(OUT) $(B)/init $(B)/common $(B)/unit $(B)/fuzz $(B)/iso $(B)/initramfs.list \
		$(TOOLS_IMAGE) $(TOOLS_TREE)

distclean:
	rm -rf $(OUT) $(B)
