#!/usr/bin/env bash
# The tools image: the large, rarely used tools (components with
# `# image: tools`, installed into STAGE-tools) and the kernel's modules, as one
# squashfs that the initramfs carries as a file (/usr/lib/lifeboat/
# tools.squashfs) and /init mounts read-only on /usr/lib/lifeboat/tools. It
# stays compressed in RAM; only what is used is decompressed, into the page
# cache. Every file and link in it gets a link at its own path in the
# initramfs (build/mkcpiolist.py --tools).
#   build/mktools.sh STAGE_TOOLS MODDIR TREE OUT
# TREE becomes STAGE_TOOLS plus MODDIR (lib/modules/RELEASE), OUT its image.
# Reproducible: owners root, every time SOURCE_DATE_EPOCH, no xattrs, entries
# sorted (mksquashfs sorts directories; -reproducible is the default of 4.5,
# given anyway). zstd at level 19, 128 KiB blocks by default; TOOLS_COMP,
# TOOLS_COMP_OPTS and TOOLS_BLOCK choose others (README.md, "The tools image
# and kernel modules").
set -euo pipefail
[ $# = 4 ] || { echo "usage: build/mktools.sh STAGE_TOOLS MODDIR TREE OUT" >&2; exit 100; }
tools=$1 mods=$2 tree=$3 out=$4
die() { echo "mktools: error: $*" >&2; exit 1; }
command -v mksquashfs >/dev/null || die "mksquashfs not found (apt-get install squashfs-tools)"
[ -d "$tools" ] || die "$tools does not exist (the components' build makes it)"
[ -d "$mods/lib/modules" ] || die "no kernel modules in $mods (build/kernel.sh --modules)"
: "${SOURCE_DATE_EPOCH:?mktools: SOURCE_DATE_EPOCH must be set}"
rm -rf "$tree"
mkdir -p "$tree"
cp -a "$tools/." "$tree/"
cp -a "$mods/." "$tree/"
rm -f "$out.tmp"
# the options, not the environment, set the times (mksquashfs refuses both)
env -u SOURCE_DATE_EPOCH mksquashfs "$tree" "$out.tmp" -noappend -quiet -no-progress -reproducible \
	-comp "${TOOLS_COMP:-zstd}" ${TOOLS_COMP_OPTS:--Xcompression-level 19} -b "${TOOLS_BLOCK:-128K}" \
	-all-root -no-xattrs -all-time "$SOURCE_DATE_EPOCH" -mkfs-time "$SOURCE_DATE_EPOCH" >/dev/null ||
	die "mksquashfs of $tree failed"
mv "$out.tmp" "$out"
echo "mktools: $out: $(stat -c %s "$out") bytes, $(find "$tree" ! -type d | wc -l) files and links" >&2
