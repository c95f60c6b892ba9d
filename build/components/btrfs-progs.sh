#!/usr/bin/env bash
# pin: btrfs-progs
# image: tools
# needs: util-linux zlib lzo2 zstd mimalloc
# Static musl btrfs-progs (BUILD-NOTES section 8): check, rescue, restore,
# scrub, subvolume, filesystem, device and balance (all in `btrfs`), mkfs.btrfs
# and btrfstune.
#   build/components/btrfs-progs.sh SRC BUILD STAGE
# Installs STAGE/sbin/btrfs, btrfs-progs' own multi-call build (btrfs.box:
# btrfs, mkfs.btrfs, btrfstune and btrfs-image with one copy of the shared
# code, zlib, lzo, zstd, libblkid/libuuid and musl; argv[0] picks the program),
# and the links mkfs.btrfs, btrfstune, btrfs-image and btrfsck (`btrfs check`)
# to it.
set -euo pipefail
. "$(dirname "$0")/lib.sh" btrfs-progs "$@"

ul=$(needed util-linux)/prefix
zlib=$(needed zlib)/prefix
lzo=$(needed lzo2)/prefix
zstd=$(needed zstd)/prefix
copy_src
# The tarball's configure writes include/config.h, but its autoheader template
# sits at the top (where older releases had config.h): the same template, moved,
# instead of running autogen.sh (autotools are not among the build's packages).
cp "$TREE/config.h.in" "$TREE/include/config.h.in"
# Only our static libraries, never the host's .pc files.
pc=$ul/lib/pkgconfig:$zlib/lib/pkgconfig:$zstd/lib/pkgconfig
# Its Makefile uses configure's CFLAGS, not the .pc files' cflags: the include
# paths go there.
comp_configure PKG_CONFIG_LIBDIR="$pc" PKG_CONFIG_PATH= \
	CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -I$ul/include -I$zlib/include -I$zstd/include -I$lzo/include" \
	CPPFLAGS="-I$lzo/include" LDFLAGS="-L$lzo/lib" \
	--host=x86_64-linux-musl --prefix=/usr \
	--disable-documentation --disable-convert --disable-python --disable-backtrace \
	--disable-libudev --disable-shared --with-crypto=builtin
# With mimalloc (an object, so it replaces musl's malloc; mimalloc.sh): with
# musl's, `btrfs check` of make bench's image took about 2x the CPU time of
# Debian's glibc build, over half of it in the kernel (mmap and munmap).
# mimalloc-thp.o asks for 2 MiB pages (madvise, where the kernel has THP):
# the check's page faults go from about 300,000 to 800, for 5% more RSS; the
# CPU time it saves depends on the machine (mimalloc.sh).
# -O2 for the two files `btrfs check` spends most of its user time in (perf
# against Debian's build): extent_io.c's read_extent_buffer, whose memcpy -Os
# inlines as `rep movsb` (slow for btrfs' small copies), and ctree.c's tree
# checks, where -Os leaves the key accessors as calls. Through the Makefile's
# per-object DIR_FILE_cflags; the rest stays -Os. make bench's image on the
# host: user time 5.4 -> 4.5 s; `btrfs` +8 KB (+4 KB compressed, of the
# about 10 KB the ISO had to spare under 12 MiB: about 6 KB are left). Five
# more hot files (check/main.c, disk-io.c, the extent cache, the rb-tree,
# crc32c) gave another 0.2 s for +12 KB compressed, which the ISO has not;
# all of it -O2, +55 KB compressed.
hot="kernel-shared/ctree kernel-shared/extent_io"
o2=()
for f in $hot; do o2+=("$(echo "$f" | tr /- __)_cflags=-O2"); done
comp_make V=1 EXTRA_LDFLAGS="$(needed mimalloc)/mimalloc-thp.o" "${o2[@]}" btrfs.box.static
for f in $hot; do
	grep -q -- "-c $f.c -o $f.static.o -O2" "$BUILD/build.log" || die "$f.c was not compiled -O2"
done
nm "$TREE/btrfs.box.static" | grep -c " T mi_malloc\$" >/dev/null || die "btrfs.box.static is not linked with mimalloc"
install_bin "$TREE/btrfs.box.static" sbin/btrfs
for p in mkfs.btrfs btrfstune btrfs-image btrfsck; do install_link sbin/btrfs "sbin/$p"; done

# Each name must run its own program, and a round trip: mkfs.btrfs --rootdir
# fills a scratch file without mounting it, btrfs restore gives the files back.
smoke_dir
img=$CHECK/btrfs.img
smoke_run btrfs --version && smoke_expect "^btrfs-progs v6\.2" "btrfs --version"
smoke_run mkfs.btrfs --version && smoke_expect "^mkfs.btrfs, part of btrfs-progs v6\.2" "mkfs.btrfs --version"
smoke_run btrfstune --help && smoke_expect "^usage: btrfstune " "btrfstune --help"
"$STAGE/sbin/btrfsck" --help >"$CHECK/out" 2>&1 || true
smoke_expect "btrfs check \[options\] <device>" "btrfsck --help"
mkdir -p "$CHECK/root/etc" "$CHECK/back"
head -c 300000 "$STAGE/sbin/btrfs" >"$CHECK/root/etc/data"
echo lifeboat >"$CHECK/root/etc/hostname"
truncate -s 256M "$img"
smoke_run mkfs.btrfs -q -L lifeboat --rootdir "$CHECK/root" "$img"
smoke_run btrfs check "$img"
smoke_run btrfs filesystem label "$img" && smoke_expect "^lifeboat$" "btrfs filesystem label"
smoke_run btrfs inspect-internal dump-super "$img" && smoke_expect "^label[[:space:]]*lifeboat" "btrfs inspect-internal dump-super"
smoke_run btrfstune -f -u "$img"
smoke_run btrfs rescue zero-log "$img"
smoke_run btrfs check "$img"
smoke_run btrfs restore "$img" "$CHECK/back"
diff -r "$CHECK/root" "$CHECK/back" >"$CHECK/out" 2>&1 || die "btrfs restore did not give back what mkfs.btrfs --rootdir put in: $(cat "$CHECK/out")"
rm -rf "$CHECK"
msg "installed sbin/btrfs=$(stat -c %s "$STAGE/sbin/btrfs")"
