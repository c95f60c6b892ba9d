#!/usr/bin/env bash
# Build all third-party userland into a staging tree, in order.
#   build/components/all.sh STAGE BUILDROOT SRCROOT [COMPONENT...]
# For each component: SRCROOT/PIN is unpacked with build/source.sh when it is
# missing or was unpacked from a different pin (SRCROOT/.PIN.pin records it),
# then build/components/COMPONENT.sh SRCROOT/PIN BUILDROOT/COMPONENT STAGE runs.
# Default order: busybox first (the later ones replace some of its links),
# musl (libcrypt for dropbear), dropbear, e2fsprogs, util-linux, sftp-server.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: build/components/all.sh STAGE BUILDROOT SRCROOT [COMPONENT...]" >&2; exit 100; }
here=$(cd "$(dirname "$0")" && pwd)
pins=$here/../pins
mkdir -p "$1" "$2" "$3"
stage=$(cd "$1" && pwd) buildroot=$(cd "$2" && pwd) srcroot=$(cd "$3" && pwd)
shift 3
comps=("$@")
[ ${#comps[@]} -gt 0 ] || comps=(busybox musl dropbear e2fsprogs util-linux sftp-server)

pin_of() { case $1 in sftp-server) echo openssh ;; *) echo "$1" ;; esac; }

declare -A took
t0=$(date +%s)
for c in "${comps[@]}"; do
	[ -x "$here/$c.sh" ] || { echo "all: error: no component $c" >&2; exit 1; }
	p=$(pin_of "$c")
	src=$srcroot/$p
	if [ ! -d "$src" ] || ! cmp -s "$pins/$p.pin" "$srcroot/.$p.pin"; then
		echo "all: unpacking $p into $src" >&2
		"$here/../source.sh" unpack "$pins/$p.pin" "$src"
		cp "$pins/$p.pin" "$srcroot/.$p.pin"
	fi
	s=$(date +%s)
	if [ "$c" = dropbear ] && [ -z "${LIFEBOAT_CRYPT:-}" ] && [ -r "$buildroot/musl/lib/libcrypt.a" ]; then
		LIFEBOAT_CRYPT=$buildroot/musl "$here/$c.sh" "$src" "$buildroot/$c" "$stage"
	else
		"$here/$c.sh" "$src" "$buildroot/$c" "$stage"
	fi
	took[$c]=$(($(date +%s) - s))
	echo "all: $c done in ${took[$c]} s" >&2
done
{
	echo "all: component times:"
	for c in "${comps[@]}"; do printf 'all:   %-12s %4d s\n' "$c" "${took[$c]}"; done
	printf 'all:   %-12s %4d s\n' total $(($(date +%s) - t0))
} >&2
