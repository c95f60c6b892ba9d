#!/usr/bin/env bash
# build/deps.sh check   name the Debian packages that are missing and how to install them
# build/deps.sh install install them (root; uses the machine's apt configuration)
set -euo pipefail
list=$(dirname "$0")/deps.txt
missing=()
while read -r pkg; do
	case "$pkg" in "#"* | "") continue ;; esac
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done <"$list"
case "${1:-check}" in
check)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "deps: error: missing Debian packages: ${missing[*]}" >&2
		echo "deps: install them with: make deps   (or: apt-get install ${missing[*]})" >&2
		exit 1
	fi
	;;
install)
	[ ${#missing[@]} -eq 0 ] && exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps: error: installing needs root: sudo apt-get install ${missing[*]}" >&2
		exit 111
	fi
	apt-get -q update >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
	;;
*) echo "usage: build/deps.sh check|install" >&2; exit 100 ;;
esac
