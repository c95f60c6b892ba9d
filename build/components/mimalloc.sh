#!/usr/bin/env bash
# pin: mimalloc
# Static musl mimalloc as one object that replaces malloc, free, calloc,
# realloc and the rest (MI_MALLOC_OVERRIDE): the allocator of e2fsprogs
# (issue 21). e2fsck spends much of its time allocating: `e2fsck -fn` of an
# ext4 with a million inodes took 1.34x the CPU time of Debian's glibc build,
# 14% of it in musl's mallocng (glibc's malloc: 3%); with this object, 0.93x.
#   build/components/mimalloc.sh SRC BUILD STAGE
# Installs nothing into STAGE; BUILD/mimalloc.o (multicall_link's
# MULTICALL_OBJS) and BUILD/mimalloc-thp.o. -O2: it is the hot path it is
# here for.
set -euo pipefail
. "$(dirname "$0")/lib.sh" mimalloc "$@"

copy_src
# mimalloc.o: the default. mimalloc-thp.o: the same with the large_os_pages
# option on by default (build/patches/mimalloc/0001-*), for btrfs-progs
# alone: its allocator then asks for 2 MiB transparent huge pages (madvise),
# and `btrfs check` of a large filesystem takes far fewer page faults for
# about 5% more memory: half the CPU time on the host it was chosen on, the
# same under TCG, more where the host's balloon hands freed memory back to
# its hypervisor (each new huge page is then faulted in afresh; make bench
# runs it both ways). xfs_repair gained 5% for 20% more memory, so it and the
# rest keep mimalloc.o.
for obj in mimalloc:0 mimalloc-thp:1; do
	msg "compiling ${obj%:*}.o"
	# shellcheck disable=SC2086 # CC is a list of words
	run_logged build "compiling src/static.c (${obj%:*})" $CC -std=gnu11 -O2 -DNDEBUG -DMI_MALLOC_OVERRIDE \
		-D__USE_ISOC11=1 -DMI_DEFAULT_ALLOW_LARGE_OS_PAGES="${obj#*:}" \
		-ffile-prefix-map="$TREE=." -ffile-prefix-map="$BUILD=." -ffile-prefix-map="$SRC=." \
		-I"$TREE/include" -c "$TREE/src/static.c" -o "$BUILD/${obj%:*}.o"
	# Everything musl must not serve itself once malloc is replaced: a block
	# from musl's aligned_alloc freed by mimalloc's free would corrupt both.
	# mimalloc defines aligned_alloc only where glibc's __USE_ISOC11 is set.
	nm --defined-only "$BUILD/${obj%:*}.o" >"$BUILD/symbols"
	for sym in malloc free calloc realloc aligned_alloc memalign posix_memalign valloc pvalloc \
		malloc_usable_size reallocarray; do
		grep -q " T $sym\$" "$BUILD/symbols" || die "${obj%:*}.o does not define $sym"
	done
	# Every aligned call aligned as asked (mimalloc-check.c; the patch 0002-*).
	# shellcheck disable=SC2086 # CC is a list of words
	run_logged build "linking mimalloc-check (${obj%:*})" $CC -std=c11 -D_GNU_SOURCE -Os -static \
		-Wall -Wextra -Werror "$COMP_DIR/mimalloc-check.c" "$BUILD/${obj%:*}.o" -o "$BUILD/mimalloc-check"
	"$BUILD/mimalloc-check" >"$BUILD/check.out" 2>&1 ||
		die "${obj%:*}.o: $(cat "$BUILD/check.out")"
	msg "built BUILD/${obj%:*}.o=$(stat -c %s "$BUILD/${obj%:*}.o")"
done
