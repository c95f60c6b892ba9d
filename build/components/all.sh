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
# LIFEBOAT_COMPONENT_JOBS (default: the number of cores) components are built
# at once, each as soon as what it needs is built (below).
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
lanes=${LIFEBOAT_COMPONENT_JOBS:-$(nproc)}
[[ $lanes =~ ^[1-9][0-9]*$ ]] || die "LIFEBOAT_COMPONENT_JOBS=$lanes: not a number of builds at once"
echo "all: building ${comps[*]} ($lanes at once)" >&2

# build C: unpack its source when needed, then run its recipe (in a lane).
build() {
	local c=$1 p=${pin[$1]} st=$stage
	local src=$srcroot/$p
	if [ ! -d "$src" ] || ! cmp -s "$pins/$p.pin" "$srcroot/.$p.pin"; then
		echo "all: unpacking $p into $src" >&2
		"$here/../source.sh" unpack "$pins/$p.pin" "$src"
		cp "$pins/$p.pin" "$srcroot/.$p.pin"
	fi
	[ -z "${tools[$c]}" ] || st=$stage-tools
	"$here/$c.sh" "$src" "$buildroot/$c" "$st"
}

# Up to $lanes components at once (configure scripts are serial; a second
# lane keeps the other core busy). A component starts once what it needs is
# built, and one without `order: first` once every `order: first` one is. The
# first failure starts nothing more.
# The order to start them in: the most needed first (what more components
# wait for, transitively), then as above.
declare -A dependents
for c in "${comps[@]}"; do
	dependents[$c]=0
done
mark() {
	local n
	for n in ${needs[$1]}; do
		[ -z "${seen[$n]:-}" ] || continue
		seen[$n]=1
		dependents[$n]=$((dependents[$n] + 1))
		mark "$n"
	done
}
for c in "${comps[@]}"; do
	declare -A seen=()
	mark "$c"
done
mapfile -t sched < <(i=0; for c in "${comps[@]}"; do printf '%04d %04d %s\n' $((9999 - dependents[$c])) $i "$c"; i=$((i + 1)); done | sort | cut -d' ' -f3)
declare -A took started built lane_of
running=0 failed=
t0=$(date +%s)
ready() {
	local n
	for n in ${needs[$1]}; do [ -n "${built[$n]:-}" ] || return 1; done
	[ "${first[$1]}" = 0 ] || for n in "${comps[@]}"; do
		[ "${first[$n]}" = 1 ] || [ -n "${built[$n]:-}" ] || return 1
	done
}
while :; do
	if [ -z "$failed" ]; then
		for c in "${sched[@]}"; do
			[ "$running" -lt "$lanes" ] || break
			[ -z "${started[$c]:-}" ] || continue
			ready "$c" || continue
			started[$c]=$(date +%s)
			build "$c" &
			lane_of[$!]=$c
			running=$((running + 1))
		done
	fi
	[ "$running" -gt 0 ] || break
	rc=0
	wait -n -p pid || rc=$?
	c=${lane_of[$pid]}
	running=$((running - 1))
	if [ "$rc" != 0 ]; then
		echo "all: error: component $c failed" >&2
		failed="$failed $c"
		continue
	fi
	built[$c]=1
	took[$c]=$(($(date +%s) - started[$c]))
	echo "all: $c done in ${took[$c]} s" >&2
done
[ -z "$failed" ] || die "component(s)$failed failed"
{
	echo "all: component times:"
	for c in "${comps[@]}"; do printf 'all:   %-12s %4d s\n' "$c" "${took[$c]}"; done
	printf 'all:   %-12s %4d s (%d at once)\n' total $(($(date +%s) - t0)) "$lanes"
} >&2
