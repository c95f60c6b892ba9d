#!/usr/bin/env bash
# Print the bytes of every component and artifact.
#   build/size.sh BUILD_DIR OUT_DIR [MARKDOWN]
# With MARKDOWN, also write there the figures README's measured section shows
# (build/measured.py puts it into README.md).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: build/size.sh BUILD_DIR OUT_DIR [MARKDOWN]" >&2; exit 100; }
b=$1 out=$2 md=${3:-}
for f in "$out/lifeboat.iso" "$out/vmlinuz" "$b/vmlinuz-iso" "$b/initramfs.list" "$b/kernel/lifeboat-initramfs.cpio.zst"; do
	[ -r "$f" ] || { echo "size: error: $f is missing (make image)" >&2; exit 1; }
done
size() { stat -c %s "$1"; }
src_of() { awk -v p="$1" '$1 == "file" && $2 == p { print $3 }' "$b/initramfs.list"; }

iso=$(size "$out/lifeboat.iso")
vmlinuz=$(size "$out/vmlinuz")
vmlinuz_iso=$(size "$b/vmlinuz-iso")
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
row "the ISO's kernel (no tools image)" "$vmlinuz_iso"
row "initramfs (uncompressed files)" "$raw"
row "initramfs cpio" "$cpio"
row "initramfs cpio.zst (as built in)" "$zst"
row "kernel alone (bzImage minus initramfs)" "$((vmlinuz - zst))"
echo
printf '%-40s %12s\n' "component (in the initramfs)" "bytes"
comps=(/init /bin/busybox /usr/bin/dropbearmulti /usr/lib/sftp-server /sbin/e2fsprogs /sbin/util-linux /usr/bin/lifeboat /usr/bin/apt)
for f in "${comps[@]}"; do
	src=$(src_of "$f")
	[ -z "$src" ] || row "$f" "$(size "$src")"
done

# The tools image (build/mktools.sh): what is in it, the modules by group.
tools=$b/tools.squashfs tree=$b/tools-tree
tools_bytes=0 mod_bytes=0 mod_count=0
if [ -r "$tools" ] && [ -d "$tree" ]; then
	tools_bytes=$(size "$tools")
	mod_count=$(find "$tree/lib/modules" -name '*.ko' | wc -l)
	mod_bytes=$(find "$tree/lib/modules" -name '*.ko' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
	echo
	printf '%-40s %12s\n' "tools image ($tools)" "bytes"
	row "tools.squashfs (as in the initramfs)" "$tools_bytes"
	row "its files, unpacked" "$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
	row "kernel modules ($mod_count)" "$mod_bytes"
	for dir in "$tree"/lib/modules/*/kernel/*/ "$tree"/lib/modules/*/kernel/drivers/*/; do
		[ -d "$dir" ] || continue
		case $dir in */kernel/drivers/) continue ;; esac
		row "  ${dir#"$tree"/lib/modules/*/kernel/}" "$(find "$dir" -name '*.ko' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
	done
	while read -r f; do
		row "  /${f#"$tree"/}" "$(size "$f")"
	done < <(find "$tree" -path "$tree/lib/modules" -prune -o -type f -print | sort)
fi

[ -n "$md" ] || exit 0
declare -A note=([/init]=", with libblkid" [/sbin/e2fsprogs]="; one multi-call binary" [/sbin/util-linux]="; one multi-call binary")
mb() { awk -v n="$1" 'BEGIN { printf "%.2f MB", n / 1e6 }'; }
group() { echo "$1 B" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }
{
	echo "| what | bytes |"
	echo "|---|---|"
	echo "| \`lifeboat.iso\` | $(group "$iso") (the kernel is stored once: \`/boot/vmlinuz\` and the EFI image's \`BOOTX64.EFI\` share sectors) |"
	echo "| \`vmlinuz\` (kernel + initramfs, both zstd) | $(group "$vmlinuz"): kernel $(mb $((vmlinuz - zst))), initramfs $(mb "$zst") ($(mb "$raw") unpacked) |"
	echo "| the ISO's kernel (\`/boot/vmlinuz\`, \`BOOTX64.EFI\`: the same initramfs without the tools image) | $(group "$vmlinuz_iso") |"
	for f in "${comps[@]}"; do
		src=$(src_of "$f")
		[ -z "$src" ] || echo "| \`$f\` (static${note[$f]:-}) | $(mb "$(size "$src")") |"
	done
	[ "$tools_bytes" = 0 ] ||
		echo "| \`/usr/lib/lifeboat/tools.squashfs\` (the tools image: in \`vmlinuz\`'s initramfs, and \`/lifeboat/tools.squashfs\` on the ISO; mounted at boot) | $(mb "$tools_bytes"): $mod_count kernel modules ($(mb "$mod_bytes") unpacked) and the tools of \`# image: tools\` components |"
	# what each tool costs, unpacked (the image compresses them together)
	if [ "$tools_bytes" != 0 ]; then
		while read -r f; do
			echo "| \`/${f#"$tree"/}\` (tools image, static) | $(mb "$(size "$f")") |"
		done < <(find "$tree" -path "$tree/lib/modules" -prune -o -type f -size +100k -print | sort)
	fi
} >"$md.tmp"
mv "$md.tmp" "$md"
