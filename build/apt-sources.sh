#!/usr/bin/env bash
# The image's /etc/apt/sources.list, from the build machine's apt
# configuration: no mirror name lives in the repository.
#   build/apt-sources.sh OUT [ETC]
# ETC (default /etc) holds os-release, apt/sources.list and
# apt/sources.list.d/*.sources (deb822). OUT gets, in one-line format, the
# `main` of the release ETC's os-release names (VERSION_CODENAME: the one the
# image was built from) and of its -updates and -security suites, each at
# the first URI configured for it: a missing -updates uses the release's
# URI, a missing -security that URI with "-security" added to its last path
# component (/debian -> /debian-security), as /init's mirror= does. OUT is
# rewritten only when it changes, so that make rebuilds what embeds it then.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "usage: build/apt-sources.sh OUT [ETC]" >&2; exit 100; fi
out=$1 etc=${2:-/etc}
die() { echo "apt-sources: error: $*" >&2; exit 1; }

[ -r "$etc/os-release" ] || die "no $etc/os-release"
codename=$(. "$etc/os-release" && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "$etc/os-release names no VERSION_CODENAME"

# "SUITE URI" for every binary (deb) entry with the main component, in the
# order apt reads them: sources.list, then sources.list.d/ by name.
pairs() {
	local f
	if [ -e "$etc/apt/sources.list" ]; then
		awk '{ sub(/#.*/, "") } $1 == "deb" {
			i = 2
			if ($i ~ /^\[/) while (i <= NF && $i !~ /\]$/) i++
			if ($i ~ /^\[/ || $i ~ /\]$/) i++
			uri = $i; suite = $(i + 1)
			for (j = i + 2; j <= NF; j++) if ($j == "main") print suite, uri
		}' "$etc/apt/sources.list"
	fi
	for f in "$etc"/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk 'function flush(   i, j, n, m, u, s) {
			if (types ~ /(^| )deb( |$)/ && comps ~ /(^| )main( |$)/ && enabled !~ /^(no|false)$/) {
				n = split(suites, s, " "); m = split(uris, u, " ")
				for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print s[i], u[j]
			}
			types = uris = suites = comps = enabled = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{ v = $0; sub(/^[^:]*:[ \t]*/, "", v) }
		/^Types:/ { types = v } /^URIs:/ { uris = v } /^Suites:/ { suites = v }
		/^Components:/ { comps = v } /^Enabled:/ { enabled = v }
		END { flush() }' "$f"
	done
}
list=$(pairs)
uri_of() { awk -v s="$1" '$1 == s { print $2; exit }' <<<"$list"; }

main=$(uri_of "$codename")
[ -n "$main" ] || die "no '$codename main' entry in $etc/apt/sources.list or $etc/apt/sources.list.d/*.sources"
main=${main%/}
updates=$(uri_of "$codename-updates")
updates=${updates%/}
security=$(uri_of "$codename-security")
security=${security%/}
if [ -z "$security" ]; then
	security=$main
	[ "${security#*://*/}" != "$security" ] || security=$security/debian
	security=$security-security
	echo "apt-sources: note: no $codename-security in $etc/apt; using $security" >&2
fi
printf 'deb %s %s main\n' "$main" "$codename" "${updates:-$main}" "$codename-updates" \
	"$security" "$codename-security" >"$out.tmp"
if cmp -s "$out.tmp" "$out"; then rm "$out.tmp"; else mv "$out.tmp" "$out"; fi
