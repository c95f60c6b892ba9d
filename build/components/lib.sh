# Shared helpers for build/components/*.sh; sourced, not run.
# After `. lib.sh NAME SRC BUILD STAGE` a script has:
#   SRC BUILD STAGE (absolute), JOBS, KINC (kernel headers farm, see kinc.sh),
#   CC ("ccache musl-gcc -isystem $KINC" or without ccache), CFLAGS_COMMON
#   (-Os plus path-prefix maps), SOURCE_DATE_EPOCH (exported),
#   msg/die, install_bin FILE DEST, install_link TARGET LINKPATH, clamp PATH...
# Environment: LIFEBOAT_NO_CCACHE=1 (or CCACHE_DISABLE=1) builds without ccache.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

COMP_NAME=$1
msg() { echo "$COMP_NAME: $*" >&2; }
die() { echo "$COMP_NAME: error: $*" >&2; exit 1; }

[ $# -ge 4 ] || die "usage: build/components/$COMP_NAME.sh SRC BUILD STAGE"
COMP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -d "$2" ] || die "source dir $2 does not exist (unpack it: build/source.sh unpack build/pins/PIN.pin DIR)"
mkdir -p "$3" "$4"
SRC=$(cd "$2" && pwd)
BUILD=$(cd "$3" && pwd)
STAGE=$(cd "$4" && pwd)

command -v musl-gcc >/dev/null || die "musl-gcc not found (apt-get install musl-tools)"
# shellcheck disable=SC2034 # JOBS, CC, CFLAGS_COMMON are for the sourcing script
JOBS=$(nproc)

# Reproducibility: fixed epoch; default is the date of the Debian changelog entry.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -STimestamp 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH

KINC=$BUILD/kinc
"$COMP_DIR/kinc.sh" "$KINC"

# shellcheck disable=SC2034
if command -v ccache >/dev/null && [ -z "${LIFEBOAT_NO_CCACHE:-}" ] && [ -z "${CCACHE_DISABLE:-}" ]; then
	CC="ccache musl-gcc -isystem $KINC"
	# Paths under BUILD are hashed relative to it, so a fresh BUILD dir still hits.
	export CCACHE_BASEDIR=$BUILD
else
	CC="musl-gcc -isystem $KINC"
fi
# No build directory in __FILE__ strings or debug info (binaries are stripped anyway).
# shellcheck disable=SC2034
CFLAGS_COMMON="-Os -ffile-prefix-map=$BUILD=. -ffile-prefix-map=$SRC=."

# copy_src DEST: a private, writable copy of the pristine SRC tree.
copy_src() {
	rm -rf "$1"
	cp -a "$SRC" "$1"
}

# clamp PATH...: mtime of files/links/dirs (not followed) to SOURCE_DATE_EPOCH.
clamp() { touch -h -d "@$SOURCE_DATE_EPOCH" "$@"; }
# clamp_up PATH: PATH and its parent directories up to (and including) STAGE.
clamp_up() {
	local p=$1
	clamp "$p"
	while [ "$p" != "$STAGE" ] && [ "$p" != / ]; do
		p=$(dirname "$p")
		clamp "$p"
	done
}

# install_bin FILE DEST: stripped, mode 755, replaces whatever is at DEST (e.g. a busybox link).
install_bin() {
	local file=$1 dest=$STAGE/$2
	case $(file -b "$file") in
	ELF*"statically linked"*) ;;
	*) die "$file is not a static executable: $(file -b "$file")" ;;
	esac
	mkdir -p "$(dirname "$dest")"
	rm -f "$dest"
	install -m 755 "$file" "$dest"
	strip --strip-all "$dest"
	clamp_up "$dest"
}

# install_link TARGET LINK: LINK (a path in STAGE, e.g. sbin/mkfs.ext4) becomes a
# relative symlink to TARGET (a path in STAGE, e.g. sbin/mke2fs); replaces what is there.
install_link() {
	local target=$1 link=$2 rel
	mkdir -p "$STAGE/$(dirname "$link")"
	rel=$(realpath -m -s --relative-to="$STAGE/$(dirname "$link")" "$STAGE/$target")
	rm -f "$STAGE/$link"
	ln -s "$rel" "$STAGE/$link"
	clamp_up "$STAGE/$link"
}
