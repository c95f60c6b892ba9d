#!/usr/bin/env bash
# Configure and build the Lifeboat kernel with the initramfs built in.
#   build/kernel.sh SRC OBJ INITRAMFS_LIST OUT_BZIMAGE
# The source is Debian's linux-source (build/pins/linux-source-6.1.pin) with
# build/patches/linux/*.patch, unpacked here when missing or out of date.
# The kernel tree (source and O= objects) is cached, keyed on its inputs: in
# $LIFEBOAT_KERNEL_CACHE/KEY (default ~/.cache/lifeboat/kernel, under
# LIFEBOAT_CACHE), KEY a hash of the pin, the patches, kernel-config/*.config,
# this script and the compiler's and linker's versions. A build with a known
# KEY only re-embeds the initramfs and relinks (the same bytes: the paths of
# the tree are not in the kernel). Checkouts share a tree one at a time
# (flock on KEY.lock; SRC.lock without the cache: out/vmlinuz and the ISO's
# kernel are two builds of one tree); the 3 trees used last are kept. LIFEBOAT_KERNEL_CACHE=off
# builds in SRC instead (the reproducibility test's second build).
# The objects are in SRC/obj: in a subdirectory of the source, Kbuild names
# the source "..", so no compiler argument holds the tree's path and ccache
# serves a tree elsewhere (another checkout, the second build) the same objects.
# The initramfs is made in OBJ either way.
# The initramfs is made here from the gen_init_cpio list (fixed mtimes) and
# compressed with zstd -19 (8 MiB window): the static binaries share a lot of
# library code far apart, which a small window misses. The kernel embeds a
# *.cpio.zst as it is.
# The configuration is tinyconfig for x86_64 plus kernel-config/*.config; the
# build fails naming every requested symbol that olddefconfig dropped.
# With --modules, the same tree (configured the same way) builds the modules
# instead, stripped, into MODDIR/lib/modules/RELEASE with depmod's modules.dep
# and modules.alias (busybox's modprobe reads them): they go into the tools
# image (build/mktools.sh), which the initramfs carries, so they are built
# before it and before the final link.
#   build/kernel.sh --modules SRC OBJ MODDIR
set -euo pipefail
usage() {
	echo "usage: build/kernel.sh SRC OBJ INITRAMFS_LIST OUT_BZIMAGE | --modules SRC OBJ MODDIR" >&2
	exit 100
}
modules=
if [ "${1:-}" = --modules ]; then
	modules=1
	shift
	[ $# = 3 ] || usage
	src=$1 obj=$2 moddir=$3 list= out=
else
	[ $# = 4 ] || usage
	src=$1 obj=$2 list=$3 out=$4
fi
top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "kernel: error: $*" >&2; exit 1; }
mkdir -p "$obj"
obj=$(cd "$obj" && pwd)
here_obj=$obj # the checkout's: the initramfs and timings.txt stay here
jobs=$(nproc)
pin=$top/build/pins/linux-source-6.1.pin
patches=("$top"/build/patches/linux/*.patch)
[ -e "${patches[0]}" ] || patches=()

# What the kernel tree depends on, besides the initramfs.
key=$({
	cat "$pin"
	for f in "${patches[@]}" "$top"/kernel-config/*.config "$0"; do
		echo "== $(basename "$f")"
		cat "$f"
	done
	gcc --version | head -1
	ld --version | head -1
} | sha256sum | cut -c1-16)

# prepare_src DIR: the pinned source with our patches in DIR (unless DIR
# already holds the ones of this key).
prepare_src() {
	local dir=$1 p
	[ "$(cat "$dir/.lifeboat-key" 2>/dev/null)" != "$key" ] || return 0
	echo "kernel: unpacking the source into $dir" >&2
	rm -rf "$dir.tmp"
	"$top/build/source.sh" unpack "$pin" "$dir.tmp"
	for p in "${patches[@]}"; do
		patch -s -p1 -d "$dir.tmp" <"$p" || die "patch $(basename "$p") does not apply"
	done
	echo "$key" >"$dir.tmp/.lifeboat-key"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
}
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
: "${SOURCE_DATE_EPOCH:=0}"
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" KBUILD_BUILD_USER=lifeboat \
	KBUILD_BUILD_HOST=lifeboat KBUILD_BUILD_VERSION=1
kmake() { make -s -C "$src" O="$obj" ARCH=x86_64 CC="$cc" HOSTCC="$cc" "$@"; }

cache=${LIFEBOAT_KERNEL_CACHE:-${LIFEBOAT_CACHE:-$HOME/.cache/lifeboat}/kernel}
if [ "$cache" = off ]; then
	# one build at a time in the tree (vmlinuz and the ISO's kernel)
	mkdir -p "$(dirname "$src")"
	exec 9>"$src.lock"
	flock 9
	prepare_src "$src"
	obj=$src/obj
	mkdir -p "$obj"
else
	mkdir -p "$cache"
	exec 9>"$cache/$key.lock"
	if ! flock -n 9; then
		echo "kernel: waiting for $cache/$key (another checkout builds in it)" >&2
		flock 9
	fi
	touch "$cache/$key.lock" # last use, for pruning
	src=$cache/$key/src
	prepare_src "$src"
	obj=$src/obj
	mkdir -p "$obj"
fi
# embed_initramfs: the initramfs of LIST, compressed, where the configuration
# says (only rewritten when its bytes change).
embed_initramfs() {
	# gen_init_cpio -t fixes the mtime of directories, links and nodes only;
	# regular files keep their own (a checkout's time for rootfs-overlay/, the
	# build's for /init), so our copy of the tool uses -t for them too.
	sed 's/(long) buf\.st_mtime,/(long) default_mtime,/' "$src/usr/gen_init_cpio.c" >"$obj/lifeboat/gen_init_cpio.c"
	grep -q '(long) buf.st_mtime,' "$obj/lifeboat/gen_init_cpio.c" && { echo "kernel: error: cannot fix file mtimes in gen_init_cpio" >&2; exit 1; }
	gcc -O2 -o "$obj/lifeboat/gen_init_cpio" "$obj/lifeboat/gen_init_cpio.c"
	"$obj/lifeboat/gen_init_cpio" -t "$SOURCE_DATE_EPOCH" "$list" >"$here_obj/lifeboat-initramfs.cpio"
	zstd -19 -q -T1 -c "$here_obj/lifeboat-initramfs.cpio" >"$here_obj/lifeboat-initramfs.cpio.zst.new"
	# unchanged bytes keep their mtime, so the kernel is not relinked for nothing
	for f in "$here_obj/lifeboat-initramfs.cpio.zst" "$obj/lifeboat-initramfs.cpio.zst"; do
		cmp -s "$here_obj/lifeboat-initramfs.cpio.zst.new" "$f" || cp "$here_obj/lifeboat-initramfs.cpio.zst.new" "$f"
	done
	rm "$here_obj/lifeboat-initramfs.cpio.zst.new"
}
mkdir -p "$obj/lifeboat"
initramfs=$obj/lifeboat-initramfs.cpio.zst
[ -n "$modules" ] || embed_initramfs

frag=$obj/lifeboat.frag
cat "$top"/kernel-config/*.config >"$frag.new"
# relative to the objects: the same line in every tree (ccache hits)
echo "CONFIG_INITRAMFS_SOURCE=\"$(basename "$initramfs")\"" >>"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -e "$obj/.config" ]; then
	kmake tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag.new" >/dev/null
	kmake olddefconfig >/dev/null
	missing=0
	while IFS= read -r line; do
		case "$line" in "#"* | "") continue ;; esac
		sym=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -qx "# $sym is not set" "$obj/.config" || grep -qx "$sym=n" "$obj/.config" ||
				! grep -q "^$sym=" "$obj/.config" || { echo "kernel: error: $sym=n was not kept"; missing=1; }
		elif ! grep -qxF "$line" "$obj/.config"; then
			echo "kernel: error: requested $line did not survive olddefconfig (have: $(grep "^$sym=" "$obj/.config" || echo unset))" >&2
			missing=1
		fi
	done <"$frag.new"
	if [ $missing = 1 ]; then
		rm -f "$frag"
		exit 1
	fi
	mv "$frag.new" "$frag"
fi
rm -f "$frag.new"
if [ -n "$modules" ]; then
	clean=$([ -e "$obj/modules.order" ] || echo 1)
	start=$(date +%s)
	kmake -j"$jobs" modules
	took=$(($(date +%s) - start))
	[ -z "$clean" ] || echo "kernel modules, clean build: $took s ($(date -u +%F))" >>"$here_obj/../timings.txt"
	release=$(cat "$obj/include/config/kernel.release")
	rm -rf "$moddir.tmp"
	lib=$moddir.tmp/lib/modules/$release
	mkdir -p "$lib"
	# installed by hand: modules_install wants modules.builtin, which
	# only a vmlinux build makes (and vmlinux embeds the initramfs)
	n=0
	while read -r m; do
		mkdir -p "$lib/kernel/$(dirname "$m")"
		strip --strip-debug -o "$lib/kernel/$m" "$obj/$m" || die "cannot install $m"
		echo "kernel/$m" >>"$lib/modules.order"
		n=$((n + 1))
	done < <(sed 's/\.o$/.ko/' "$obj/modules.order")
	[ "$n" -gt 0 ] || die "no modules were built"
	depmod -b "$moddir.tmp" "$release" || die "depmod failed on $moddir.tmp"
	rm -rf "$moddir"
	mv "$moddir.tmp" "$moddir"
	echo "kernel: $n modules of $release in $moddir" >&2
else
	clean=$([ -e "$obj/vmlinux" ] || echo 1)
	start=$(date +%s)
	kmake -j"$jobs" bzImage
	took=$(($(date +%s) - start))
	if [ -n "$clean" ]; then
		echo "kernel, clean build: $took s ($(date -u +%F))" >>"$here_obj/../timings.txt"
	elif [ "$cache" != off ]; then
		echo "kernel: from the cached tree $cache/$key in $took s" >&2
	fi
	cp "$obj/arch/x86/boot/bzImage" "$out"
fi
if [ "$cache" != off ]; then
	# keep the 3 trees used last; skip one another checkout holds
	ls -t "$cache"/*.lock | tail -n +4 | while read -r lock; do
		old=${lock%.lock}
		(flock -n 9 && rm -rf "$old" "$lock") 9>>"$lock" || true
	done
fi
