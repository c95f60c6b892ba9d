#!/usr/bin/env bash
# pin: mdadm
# image: tools
# Static musl mdadm without udev (BUILD-NOTES section 8; the read-only
# assembly patch in build/patches/mdadm).
#   build/components/mdadm.sh SRC BUILD STAGE
# Installs STAGE/sbin/mdadm (not mdmon: arrays with external metadata, IMSM
# and DDF, assemble but stay read-only without it). Its config,
# /etc/mdadm/mdadm.conf, is in rootfs-overlay; nothing in the image runs
# mdadm by itself (no udev rules, no mdadm -I, no --monitor service).
set -euo pipefail
. "$(dirname "$0")/lib.sh" mdadm "$@"

copy_src
# NO_LIBUDEV: mdadm neither waits for udev nor asks it whether it runs.
# COROSYNC/DLM: no cluster md (the host's headers must not decide).
comp_make CC="$CC" CXFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=. -DNO_LIBUDEV" \
	CWFLAGS="-Wall -Wextra -Wno-unused-parameter -Wimplicit-fallthrough=0" \
	COROSYNC=-DNO_COROSYNC DLM=-DNO_DLM LDFLAGS=-static mdadm
install_bin "$TREE/mdadm" sbin/mdadm

out=$("$STAGE/sbin/mdadm" --version 2>&1) || die "mdadm --version failed: $out"
grep -q "^mdadm - v4\\.2 " <<<"$out" || die "mdadm --version printed: $out"
out=$("$STAGE/sbin/mdadm" --assemble --help 2>&1) || die "mdadm --assemble --help failed: $out"
grep -q "^Usage: mdadm --assemble " <<<"$out" || die "mdadm --assemble --help printed: $out"
# A file with no md superblock: --examine reads it and says so (exit 1), no crash.
t=$BUILD/check
rm -rf "$t" && mkdir -p "$t" && truncate -s 4M "$t/blank"
out=$("$STAGE/sbin/mdadm" --examine "$t/blank" 2>&1) && die "mdadm --examine of a blank file succeeded: $out"
grep -q "No md superblock detected" <<<"$out" || die "mdadm --examine of a blank file printed: $out"
rm -rf "$t"
msg "installed sbin/mdadm=$(stat -c %s "$STAGE/sbin/mdadm")"
