#!/usr/bin/env bash
# Print apt-get options for a private apt setup with deb and deb-src entries
# derived from the machine's own configured Debian archive. No mirror host
# names live in the repository: they are read from /etc/apt at run time.
# Usage: build/apt-private.sh DIR   (prints the -o options, one per line)
set -euo pipefail
dir=$1
mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
out="$dir/sources/lifeboat.sources.new"
: >"$out"
# deb822 files: copy every stanza that serves this Debian release, as deb + deb-src.
for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] || continue
	awk -v cn="$codename" '
	function flush() {
		if (st != "" && st ~ ("Suites:[^\n]*" cn) && st ~ /Types:[^\n]*deb/)
			printf "%s\n", st
		st = ""
	}
	/^[ \t]*#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^Types:/ { st = st "Types: deb deb-src\n"; next }
	{ st = st $0 "\n" }
	END { flush() }' "$f" >>"$out"
done
# one-line format
if [ -e /etc/apt/sources.list ]; then
	awk -v cn="$codename" '$1 == "deb" && $0 ~ cn {
		line = $0; sub(/^deb[ \t]+/, "", line)
		print "deb " line; print "deb-src " line }' /etc/apt/sources.list \
		>"$dir/sources/lifeboat.list.new"
	mv "$dir/sources/lifeboat.list.new" "$dir/sources/lifeboat.list"
fi
mv "$out" "$dir/sources/lifeboat.sources"
if ! grep -q . "$dir/sources/lifeboat.sources" "$dir/sources/"*.list 2>/dev/null; then
	echo "apt-private: error: no Debian $codename archive found in /etc/apt" >&2
	exit 111
fi
printf '%s\n' -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$dir/sources" \
	-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::Archives=$dir/cache/archives" \
	-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root"
