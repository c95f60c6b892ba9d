#!/usr/bin/env bash
# Print the bytes of every component and artifact.
#   build/size.sh BUILD_DIR OUT_DIR [MARKDOWN]
# With MARKDOWN, also write there the figures README's measured section shows
# (build/measured.py puts it into README.md).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: build/size.sh BUILD_DIR OUT_DIR [MARKDOWN]" >&2; exit 100; }
b=$1 out=$2 md=${3:-}
for f in "$out/lifeboat.iso" "$out/vmlinuz" "$b/initramfs.list" "$b/kernel/lifeboat-initramfs.cpio.zst"; do
	[ -r "$f" ] || { echo "size: error: $f is missing (make image)" >&2; exit 1; }
done
size() { stat -c %s "$1"; }
src_of() { awk -v p="$1" '$1 == "file" && $2 == p { print $3 }' "$b/initramfs.list"; }

iso=$(size "$out/lifeboat.iso")
vmlinuz=$(size "$out/vmlinuz")
cpio=$(size "$b/kernel/lifeboat-initramfs.cpio")
zst=$(size "$b/kernel/lifeboat-initramfs.cpio.zst")
raw=0
while read -r kind _ src _; do
	[ "$kind" = file ] || continue
	raw=$((raw + $(size "$src")))
done < <(grep -v '^#' "$b/initramfs.list")

printf '%-40s %12s\n' "what" "bytes"
row() { printf '%-40s %12s\n' "$1" "$2"; }
row lifeboat.iso "$iso"
row vmlinuz "$vmlinuz"
row "initramfs (uncompressed files)" "$raw"
row "initramfs cpio" "$cpio"
row "initramfs cpio.zst (as built in)" "$zst"
row "kernel alone (bzImage minus initramfs)" "$((vmlinuz - zst))"
echo
printf '%-40s %12s\n' "component (in the initramfs)" "bytes"
comps=(/init /bin/busybox /usr/bin/dropbearmulti /usr/lib/sftp-server /sbin/e2fsprogs /sbin/util-linux /usr/bin/lifeboat)
for f in "${comps[@]}"; do
	src=$(src_of "$f")
	[ -z "$src" ] || row "$f" "$(size "$src")"
done

[ -n "$md" ] || exit 0
declare -A note=([/init]=", with libblkid" [/sbin/e2fsprogs]="; one multi-call binary" [/sbin/util-linux]="; one multi-call binary")
mb() { awk -v n="$1" 'BEGIN { printf "%.2f MB", n / 1e6 }'; }
group() { echo "$1 B" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }
{
	echo "| what | bytes |"
	echo "|---|---|"
	echo "| \`lifeboat.iso\` | $(group "$iso") (the kernel is stored once: \`/boot/vmlinuz\` and the EFI image's \`BOOTX64.EFI\` share sectors) |"
	echo "| \`vmlinuz\` (kernel + initramfs, both zstd) | $(group "$vmlinuz"): kernel $(mb $((vmlinuz - zst))), initramfs $(mb "$zst") ($(mb "$raw") unpacked) |"
	for f in "${comps[@]}"; do
		src=$(src_of "$f")
		[ -z "$src" ] || echo "| \`$f\` (static${note[$f]:-}) | $(mb "$(size "$src")") |"
	done
} >"$md.tmp"
mv "$md.tmp" "$md"
