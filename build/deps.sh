#!/usr/bin/env bash
# The Debian packages the build and the tests need.
#   build/deps.sh check [LIST]    name the missing packages of LIST and how to install them
#   build/deps.sh install [LIST]  install them: as root with apt-get, otherwise
#                                 through sudo when `sudo -n true` works; else
#                                 fail naming the exact command
#   build/deps.sh ensure [LIST]   check, and install what is missing
#   build/deps.sh need WHO PKG... fail unless PKG... are installed, naming them
#                                 and WHO (a make target) in the message
# LIST is a file with a package a line (default build/deps.txt; # comments).
# Uses the machine's own apt configuration. Exit 0, 1 (missing), 100 (usage),
# 111 (cannot install).
set -euo pipefail
here=$(dirname "$0")
usage() { echo "usage: build/deps.sh check|install|ensure [LIST] | need WHO PKG..." >&2; exit 100; }

missing_of() { # PKG... -> the ones not installed, one a line
	local pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || echo "$pkg"
	done
}

apt_install() { # PKG...
	local -a sudo=()
	if [ "$(id -u)" != 0 ]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			echo "deps: error: installing needs root; run: sudo apt-get install --no-install-recommends $*" >&2
			exit 111
		fi
	fi
	echo "deps: installing $*" >&2
	"${sudo[@]}" apt-get -q update >/dev/null ||
		{ echo "deps: error: apt-get update failed" >&2; exit 111; }
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" ||
		{ echo "deps: error: apt-get install $* failed" >&2; exit 111; }
}

mode=${1:-check}
[ $# -eq 0 ] || shift
if [ "$mode" = need ]; then
	[ $# -ge 2 ] || usage
	who=$1
	shift
	mapfile -t missing < <(missing_of "$@")
	if [ ${#missing[@]} -gt 0 ]; then
		echo "$who: error: missing Debian packages: ${missing[*]} (make deps, or: apt-get install ${missing[*]})" >&2
		exit 1
	fi
	exit 0
fi
[ $# -le 1 ] || usage
list=${1:-$here/deps.txt}
[ -r "$list" ] || { echo "deps: error: no package list $list" >&2; exit 100; }
mapfile -t wanted < <(grep -v -e '^#' -e '^[[:space:]]*$' "$list")
mapfile -t missing < <(missing_of "${wanted[@]}")
case $mode in
check)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "deps: error: missing Debian packages: ${missing[*]}" >&2
		echo "deps: install them with: make deps   (or: apt-get install ${missing[*]})" >&2
		exit 1
	fi
	;;
install | ensure)
	[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
	mapfile -t missing < <(missing_of "${wanted[@]}")
	if [ ${#missing[@]} -gt 0 ]; then
		echo "deps: error: still missing after apt-get install: ${missing[*]}" >&2
		exit 111
	fi
	;;
*) usage ;;
esac
