#!/usr/bin/env bash
# Configure and build the Lifeboat kernel with the initramfs built in.
#   build/kernel.sh SRC OBJ INITRAMFS_LIST OUT_BZIMAGE
# The initramfs is made here from the gen_init_cpio list (fixed mtimes) and
# compressed with zstd -19 (8 MiB window): the static binaries share a lot of
# library code far apart, which a small window misses. The kernel embeds a
# *.cpio.zst as it is.
# The configuration is tinyconfig for x86_64 plus kernel-config/*.config; the
# build fails naming every requested symbol that olddefconfig dropped.
set -euo pipefail
src=$1 obj=$2 list=$3 out=$4
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$obj"
jobs=$(nproc)
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
: "${SOURCE_DATE_EPOCH:=0}"
export KBUILD_BUILD_TIMESTAMP="@$SOURCE_DATE_EPOCH" KBUILD_BUILD_USER=lifeboat \
	KBUILD_BUILD_HOST=lifeboat KBUILD_BUILD_VERSION=1
kmake() { make -s -C "$src" O="$obj" ARCH=x86_64 CC="$cc" HOSTCC="$cc" "$@"; }

initramfs=$obj/lifeboat-initramfs.cpio.zst
mkdir -p "$obj/lifeboat"
# gen_init_cpio -t fixes the mtime of directories, links and nodes only;
# regular files keep their own (a checkout's time for rootfs-overlay/, the
# build's for /init), so our copy of the tool uses -t for them too.
sed 's/(long) buf\.st_mtime,/(long) default_mtime,/' "$src/usr/gen_init_cpio.c" >"$obj/lifeboat/gen_init_cpio.c"
grep -q '(long) buf.st_mtime,' "$obj/lifeboat/gen_init_cpio.c" && { echo "kernel: error: cannot fix file mtimes in gen_init_cpio" >&2; exit 1; }
gcc -O2 -o "$obj/lifeboat/gen_init_cpio" "$obj/lifeboat/gen_init_cpio.c"
"$obj/lifeboat/gen_init_cpio" -t "$SOURCE_DATE_EPOCH" "$list" >"$obj/lifeboat-initramfs.cpio"
zstd -19 -q -T1 -c "$obj/lifeboat-initramfs.cpio" >"$initramfs.new"
# unchanged bytes keep their mtime, so the kernel is not relinked for nothing
if cmp -s "$initramfs.new" "$initramfs"; then rm "$initramfs.new"; else mv "$initramfs.new" "$initramfs"; fi

frag=$obj/lifeboat.frag
cat "$top"/kernel-config/*.config >"$frag.new"
echo "CONFIG_INITRAMFS_SOURCE=\"$initramfs\"" >>"$frag.new"
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
clean=$([ -e "$obj/vmlinux" ] || echo 1)
start=$(date +%s)
kmake -j"$jobs" bzImage
[ -z "$clean" ] || echo "kernel, clean build: $(($(date +%s) - start)) s ($(date -u +%F))" >>"$obj/../timings.txt"
cp "$obj/arch/x86/boot/bzImage" "$out"
