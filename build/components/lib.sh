# Shared helpers for build/components/*.sh; sourced, not run.
# A recipe is its header (`# pin:`, `# needs:`, `# order:`; see all.sh), its
# flags and its install list; logging and error handling are here.
# After `. lib.sh NAME SRC BUILD STAGE` a script has:
#   SRC BUILD STAGE (absolute), JOBS, KINC (kernel headers farm, see kinc.sh),
#   CC ("ccache musl-gcc -isystem $KINC" or without ccache), CFLAGS_COMMON
#   (-Os plus path-prefix maps), SOURCE_DATE_EPOCH (exported),
#   msg/die, needed NAME, copy_src (sets TREE), run_logged LOG WHAT CMD...,
#   comp_configure ARGS..., comp_make ARGS..., comp_install ARGS...,
#   install_bin FILE DEST, install_link TARGET LINKPATH, clamp PATH...,
#   CXX_GLIBC and check_no_nss FILE (C++ tools, see there),
#   smoke_dir, smoke_run PROG ARGS..., smoke_expect REGEX WHAT (smoke tests),
#   NO_AUTOTOOLS (make variables for stale autotools stamps)
# Every step logs to its own file in BUILD (configure.log, build.log,
# install.log, ...); a failed step prints the log's tail and names the component.
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
rm -f "$BUILD"/*.log # a step's log holds this build's output only

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

# C++: Debian's musl-gcc has no C++ library, so a C++ tool (gdisk,
# ddrescue) is linked static against glibc. That is sound only while it uses
# no NSS (getpwnam, getaddrinfo, ...: static glibc would dlopen the rescued
# system's libnss_*.so) and loads nothing else at run time (setlocale and
# iconv_open load gconv modules and locales; in the "C" locale, which a
# program that never calls setlocale keeps, glibc converts with built-in
# code). libc.a's static dlopen support is linked in anyway (libstdc++'s
# locale code refers to setlocale), so check_no_nss FILE OBJ... checks that
# the unstripped FILE holds no NSS code and that the program's own objects
# OBJ call none of these entry points.
# shellcheck disable=SC2034
if [ "${CC#ccache }" != "$CC" ]; then CXX_GLIBC="ccache g++"; else CXX_GLIBC=g++; fi
check_no_nss() {
	local file=$1 nss calls
	shift
	nss=$(nm "$file" | awk '{ print $NF }' | grep -E '^_{0,2}nss_|^_nss_' | sort -u | tr '\n' ' ') || true
	[ -z "$nss" ] || die "$(basename "$file") holds glibc's NSS code: $nss"
	calls=$(nm -u "$@" | awk 'NF == 2 { print $2 }' | grep -E \
		'^(getpw|getgr|getsp|gethostby|getaddrinfo|getnameinfo|getservby|getprotoby|getnetby|initgroups|getlogin|dlopen|setlocale|newlocale|iconv_open|catopen|bindtextdomain|_ZNSt6locale6global|_ZNSt6localeC[12]EPKc)' |
		sort -u | tr '\n' ' ') || true
	[ -z "$calls" ] || die "$(basename "$file")'s code calls what makes static glibc load libraries at run time: $calls"
	msg "$(basename "$file"): static glibc, no NSS, no run-time loading"
}
# NO_AUTOTOOLS: make variables for a tree whose Debian patches left the
# autotools stamps stale (configure.ac newer than configure): without them make
# reruns aclocal/automake, which are missing or of another version (BUILD-NOTES
# section 8). Usage: comp_make "${NO_AUTOTOOLS[@]}" ...
# shellcheck disable=SC2034
NO_AUTOTOOLS=(ACLOCAL=true AUTOMAKE=true AUTOCONF=true AUTOHEADER=true MAKEINFO=true)

# needed NAME: the build directory of component NAME, which this recipe's
# `# needs:` header must name (all.sh builds it first).
needed() {
	local needs
	needs=$(awk '!/^#/ { exit } /^# needs:/ { sub(/^# needs: */, ""); print; exit }' "$COMP_DIR/$COMP_NAME.sh")
	case " $needs " in *" $1 "*) ;; *) die "uses component $1 without '# needs: $1' in its header" ;; esac
	[ -d "$BUILD/../$1" ] || die "component $1 is not built ($BUILD/../$1; build/components/all.sh builds it first)"
	(cd "$BUILD/../$1" && pwd)
}

# copy_src [DEST]: TREE (default BUILD/src) becomes a private, writable copy of
# the pristine SRC tree with build/patches/NAME/*.patch applied, in name order
# (each says why).
copy_src() {
	local p
	TREE=${1:-$BUILD/src}
	msg "copying source to $TREE"
	rm -rf "$TREE"
	cp -a "$SRC" "$TREE"
	for p in "$COMP_DIR/../patches/$COMP_NAME"/*.patch; do
		[ -e "$p" ] || continue
		msg "applying $(basename "$p")"
		patch -s -p1 -d "$TREE" <"$p" >"$BUILD/patch.log" 2>&1 ||
			{ cat "$BUILD/patch.log" >&2; die "patch build/patches/$COMP_NAME/$(basename "$p") does not apply"; }
	done
}

# run_logged LOG WHAT CMD...: CMD with its output appended to BUILD/LOG.log;
# if it fails, the log's errors (or its tail) and a message naming WHAT.
run_logged() {
	local log=$BUILD/$1.log what=$2
	shift 2
	if ! "$@" >>"$log" 2>&1; then
		if grep -q -i 'error' "$log"; then grep -B2 -A5 -i 'error' "$log" | tail -40 >&2; else tail -30 "$log" >&2; fi
		die "$what failed (log: $log)"
	fi
}

# comp_configure ARGS...: TREE's ./configure with CC and CFLAGS (CFLAGS_COMMON,
# TREE's paths mapped) and ARGS; log configure.log.
comp_configure() {
	msg "configuring"
	run_logged configure configure \
		sh -c 'cd "$1" && shift && exec ./configure "$@"' configure "$TREE" \
		CC="$CC" CFLAGS="$CFLAGS_COMMON -ffile-prefix-map=$TREE=." "$@"
}

# comp_make ARGS...: make -C TREE -jJOBS ARGS; log build.log.
comp_make() {
	msg "building (-j$JOBS; log: build.log)"
	run_logged build "make $*" make -C "$TREE" -j"$JOBS" "$@"
}

# comp_install ARGS...: make -C TREE ARGS (install targets); log install.log.
comp_install() {
	msg "installing"
	run_logged install "make $*" make -C "$TREE" "$@"
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

# link_line LOG PROG: the one command in LOG (a verbose build log) that links
# PROG (`... -o PROG ...`; for libtool its "libtool: link:" line, not the
# --mode=link call). Dies unless there is exactly one.
link_line() {
	local log=$1 prog=$2 lines n
	lines=$(awk -v p="$prog" 'index($0, "--mode=link") == 0 {
		for (i = 1; i < NF; i++) if ($i == "-o" && $(i + 1) == p) { print; next }
	}' "$log")
	n=$(printf '%s' "$lines" | grep -c '^' || true)
	[ "$n" = 1 ] || die "found $n commands linking $prog in $log, not 1 (built verbosely, V=1?)"
	printf '%s\n' "$lines"
}

# multicall_link OUT LOG SPEC...: one static binary OUT for several programs
# of a package, so that the package's libraries and musl are in the image once.
# SPEC is DIR:PROG[:ALIAS...]: PROG was linked in DIR (relative object and library
# paths are relative to it) by the command link_line finds in LOG. Each
# program's own objects become one object with main renamed ID_main (ID is PROG
# with every character a C name cannot hold made _: mkfs.xfs is mkfs_xfs) and all
# else local, so programs defining the same names cannot clash; then
# multicall.c (dispatching on argv[0]: PROG and each ALIAS, see there) is
# linked with all of them and the union of their libraries (and -L paths), once.
# MULTICALL_SHARED: names (space-separated) that the programs define alike and
# a shared library calls back (xfsprogs' libxlog: xlog_recover_do_trans); the
# first program defining one keeps it global, in the others it is local.
# MULTICALL_CC (default CC) compiles multicall.c and links: "$CXX_GLIBC" for
# C++ programs (gdisk.sh). MULTICALL_OBJS: objects linked once for all the
# programs, before the libraries (mimalloc.o, which replaces musl's malloc).
multicall_link() {
	local out=$1 log=$2 name mc spec dir prog id tok line globals want cc=${MULTICALL_CC:-$CC}
	local -a rest toks objs keep libs=() ldirs=() progobjs=()
	local -A seen=()
	shift 2
	name=$(basename "$out")
	mc=$BUILD/multicall
	rm -rf "$mc"
	mkdir -p "$mc"
	for spec in "$@"; do
		IFS=: read -ra rest <<<"$spec"
		dir=${rest[0]} prog=${rest[1]}
		if [ -z "$prog" ] || [ ! -d "$dir" ]; then die "multicall_link: bad spec $spec"; fi
		id=${prog//[^A-Za-z0-9_]/_}
		line=$(link_line "$log" "$prog") || exit 1
		objs=()
		read -ra toks <<<"$line"
		for tok in "${toks[@]}"; do
			case $tok in
			/*) ;;
			*.o | *.a) tok=$dir/$tok ;;
			esac
			case $tok in
			*.o) [ -f "$tok" ] || die "$prog's object $tok is missing"
				objs+=("$tok") ;;
			*.a) [ -f "$tok" ] || die "$prog's library $tok is missing"
				tok=$(realpath "$tok") ;;&
			*.a | -l*) [ -n "${seen[$tok]:-}" ] || { seen[$tok]=1; libs+=("$tok"); } ;;
			-L/*) [ -n "${seen[$tok]:-}" ] || { seen[$tok]=1; ldirs+=("$tok"); } ;;
			-L*) tok=-L$(realpath -m "$dir/${tok#-L}")
				[ -n "${seen[$tok]:-}" ] || { seen[$tok]=1; ldirs+=("$tok"); } ;;
			esac
		done
		[ ${#objs[@]} -gt 0 ] || die "no objects in the command linking $prog: $line"
		# C++: COMDAT groups become plain sections, each program keeping its own
		# copy (made local below), so the final link discards none of them.
		ld -r --force-group-allocation -o "$mc/$id.o" "${objs[@]}"
		globals=$(nm -g --defined-only "$mc/$id.o" | awk 'NF == 3 { print $3 }')
		grep -qx main <<<"$globals" || die "$prog's objects define no main: ${objs[*]}"
		! grep -qx "${id}_main" <<<"$globals" || die "$prog's objects already define ${id}_main"
		keep=("--keep-global-symbol=${id}_main")
		want=${id}_main
		for tok in ${MULTICALL_SHARED:-}; do
			if grep -qx "$tok" <<<"$globals" && [ -z "${seen[sym:$tok]:-}" ]; then
				seen[sym:$tok]=$prog
				keep+=("--keep-global-symbol=$tok")
				want+=$'\n'$tok
			fi
		done
		objcopy --redefine-sym "main=${id}_main" "${keep[@]}" "$mc/$id.o"
		globals=$(nm -g --defined-only "$mc/$id.o" | awk 'NF == 3 { print $3 }')
		[ "$(sort <<<"$globals")" = "$(sort <<<"$want")" ] || die "$mc/$id.o exports more or less than ${want//$'\n'/ }: $globals"
		progobjs+=("$mc/$id.o")
		echo "MULTICALL_PROG($id)" >>"$mc/multicall_progs.h"
		for tok in "${rest[@]:1}"; do echo "MULTICALL_ALIAS(\"$tok\", $id)" >>"$mc/multicall_progs.h"; done
		msg "multicall: $prog from ${#objs[@]} objects"
	done
	# shellcheck disable=SC2086 # CC and CFLAGS_COMMON are lists of words
	$cc $CFLAGS_COMMON -x c -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -DMULTICALL_NAME="\"$name\"" -I"$mc" \
		-c "$COMP_DIR/multicall.c" -o "$mc/multicall.o"
	# shellcheck disable=SC2086 # MULTICALL_OBJS is a list of paths
	$cc -static -o "$out" "$mc/multicall.o" "${progobjs[@]}" ${MULTICALL_OBJS:-} "${ldirs[@]}" \
		-Wl,--start-group "${libs[@]}" -Wl,--end-group >"$mc/link.log" 2>&1 ||
		{ cat "$mc/link.log" >&2; die "linking $out failed"; }
	if [ ${#libs[@]} -gt 0 ]; then
		msg "multicall: $name with $(printf '%s\n' "${libs[@]}" | xargs -n1 basename -- | tr '\n' ' ')"
	else
		msg "multicall: $name with no libraries"
	fi
}

# A recipe's smoke test of what it installed: smoke_dir makes CHECK (BUILD/check)
# a fresh scratch directory; smoke_run PROG ARG... runs PROG (a name installed
# in STAGE/sbin or STAGE/bin, or an absolute path) with its output in CHECK/out
# and dies with that output if it fails; smoke_expect PATTERN WHAT dies unless
# CHECK/out has a line matching PATTERN (grep) and says WHAT printed none.
smoke_dir() {
	CHECK=$BUILD/check
	rm -rf "$CHECK"
	mkdir -p "$CHECK"
}
smoke_run() {
	local p=$1
	case $p in
	/*) ;;
	*) if [ -x "$STAGE/sbin/$p" ]; then p=$STAGE/sbin/$p; elif [ -x "$STAGE/bin/$p" ]; then p=$STAGE/bin/$p; else
		die "smoke test: $p is not installed in $STAGE/sbin or $STAGE/bin"
	fi ;;
	esac
	"$p" "${@:2}" >"$CHECK/out" 2>&1 || die "$* failed: $(cat "$CHECK/out")"
}
smoke_expect() { grep -q -- "$1" "$CHECK/out" || die "$2 printed no '$1': $(cat "$CHECK/out")"; }

# prefix_lib LIB SYMBOL HEADER...: BUILD/prefix becomes lib/LIB (a static
# library other recipes link) and include/HEADER...; dies unless LIB defines
# SYMBOL.
prefix_lib() {
	local lib=$1 sym=$2 prefix=$BUILD/prefix name
	name=$(basename "$1")
	shift 2
	rm -rf "$prefix"
	mkdir -p "$prefix/lib" "$prefix/include"
	cp "$lib" "$prefix/lib/"
	cp "$@" "$prefix/include/"
	nm "$prefix/lib/$name" | grep " T $sym\$" >/dev/null || die "$name defines no $sym"
	msg "built prefix/lib/$name=$(stat -c %s "$prefix/lib/$name")"
}
