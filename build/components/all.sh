#!/usr/bin/env bash
# Build the third-party userland into a staging tree, in dependency order.
#   build/components/all.sh STAGE BUILDROOT SRCROOT [COMPONENT...]
# A component is a build/components/NAME.sh whose header says
#   # pin: PIN            its source, build/pins/PIN.pin
#   # needs: NAME...      components built before it (their libraries, or the
#                         links in STAGE it installs over)
#   # order: first        built before every component without this line
#   # image: tools        installed into STAGE-tools instead of STAGE: the
#                         large, rarely used tools, packed into a compressed
#                         image mounted at boot (not unpacked into RAM)
# For each one: SRCROOT/PIN is unpacked with build/source.sh when it is
# missing or was unpacked from a different pin (SRCROOT/.PIN.pin records it),
# then NAME.sh SRCROOT/PIN BUILDROOT/NAME STAGE runs. The order is topological
# over `needs`, ties broken by `order: first`, then by name. With COMPONENT
# names, only those and what they need (transitively) are built.
#   build/components/all.sh --order [COMPONENT...]   prints that order only
set -euo pipefail
order_only=
if [ "${1:-}" = --order ]; then
	order_only=1
	shift
	set -- - - - "$@"
fi
[ $# -ge 3 ] || { echo "usage: build/components/all.sh STAGE BUILDROOT SRCROOT [COMPONENT...]" >&2; exit 100; }
here=$(cd "$(dirname "$0")" && pwd)
pins=$here/../pins
die() { echo "all: error: $*" >&2; exit 1; }

# header FILE KEY: the value of "# KEY: value" in FILE's leading comment.
header() { awk -v k="# $2:" '!/^#/ { exit } index($0, k) == 1 { sub(k " *", ""); print; exit }' "$1"; }

declare -A pin needs first tools
for f in "$here"/*.sh; do
	p=$(header "$f" pin)
	[ -n "$p" ] || continue # lib.sh, kinc.sh, this file: not components
	c=$(basename "$f" .sh)
	[ -r "$pins/$p.pin" ] || die "$c.sh: no pin $pins/$p.pin"
	[ -x "$f" ] || die "$c.sh is not executable"
	pin[$c]=$p
	needs[$c]=$(header "$f" needs)
	first[$c]=$([ "$(header "$f" order)" = first ] && echo 0 || echo 1)
	tools[$c]=$(header "$f" image)
	case ${tools[$c]} in '' | tools) ;; *) die "$c.sh: unknown '# image: ${tools[$c]}' (only 'tools')" ;; esac
done
for c in "${!needs[@]}"; do
	for n in ${needs[$c]}; do [ -n "${pin[$n]:-}" ] || die "$c.sh needs $n, which is no component"; done
done

# The components asked for and, transitively, what they need.
declare -A want
add() {
	[ -n "${pin[$1]:-}" ] || die "no component $1 (no build/components/$1.sh with a '# pin:' line)"
	[ -z "${want[$1]:-}" ] || return 0
	want[$1]=1
	local n
	for n in ${needs[$1]}; do add "$n"; done
}
if [ $# -gt 3 ]; then
	for c in "${@:4}"; do add "$c"; done
else
	for c in "${!pin[@]}"; do want[$c]=1; done
fi

# Kahn's algorithm: repeatedly take the first ready component (order: first,
# then name) whose needs are all done.
mapfile -t byrank < <(for c in "${!want[@]}"; do echo "${first[$c]} $c"; done | sort | cut -d' ' -f2)
comps=()
declare -A done_
while [ ${#comps[@]} -lt ${#want[@]} ]; do
	next=
	for c in "${byrank[@]}"; do
		[ -z "${done_[$c]:-}" ] || continue
		ready=1
		for n in ${needs[$c]}; do [ -n "${done_[$n]:-}" ] || ready=; done
		if [ -n "$ready" ]; then next=$c && break; fi
	done
	[ -n "$next" ] || die "the needs of these components form a cycle: $(for c in "${!want[@]}"; do [ -n "${done_[$c]:-}" ] || printf '%s ' "$c"; done)"
	done_[$next]=1
	comps+=("$next")
done

if [ -n "$order_only" ]; then
	echo "${comps[*]}"
	exit 0
fi
mkdir -p "$1" "$1-tools" "$2" "$3"
stage=$(cd "$1" && pwd) buildroot=$(cd "$2" && pwd) srcroot=$(cd "$3" && pwd)
echo "all: building ${comps[*]}" >&2
declare -A took
t0=$(date +%s)
for c in "${comps[@]}"; do
	p=${pin[$c]}
	src=$srcroot/$p
	if [ ! -d "$src" ] || ! cmp -s "$pins/$p.pin" "$srcroot/.$p.pin"; then
		echo "all: unpacking $p into $src" >&2
		"$here/../source.sh" unpack "$pins/$p.pin" "$src"
		cp "$pins/$p.pin" "$srcroot/.$p.pin"
	fi
	s=$(date +%s)
	st=$stage
	[ -z "${tools[$c]}" ] || st=$stage-tools
	"$here/$c.sh" "$src" "$buildroot/$c" "$st" || die "component $c failed"
	took[$c]=$(($(date +%s) - s))
	echo "all: $c done in ${took[$c]} s" >&2
done
{
	echo "all: component times:"
	for c in "${comps[@]}"; do printf 'all:   %-12s %4d s\n' "$c" "${took[$c]}"; done
	printf 'all:   %-12s %4d s\n' total $(($(date +%s) - t0))
} >&2
