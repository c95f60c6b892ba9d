#!/usr/bin/env bash
# Pinned third-party sources: fetch through apt into a cache outside the work
# tree, verify every file's sha256 against the pin, and only then unpack.
#   build/source.sh fetch  PIN         download (if not cached) and verify
#   build/source.sh unpack PIN DEST    fetch, verify, unpack into DEST
#   build/source.sh pin NAME VERSION KIND LICENSE  (maintainers) write a pin
# A pin (build/pins/NAME.pin) has lines "name", "version", "kind" (dsc = a
# Debian source package, orig = a Debian source package whose debian.tar is
# missing on the archive this machine reaches: its .dsc and upstream tarball
# only, unpacked without Debian's patches; deb = a binary package, which carries
# a source tarball (line "tarball PATH") or is itself what is used (no
# tarball line: its files are unpacked)), "license" and one
# "file NAME SHA256" per downloaded file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LIFEBOAT_CACHE:-$HOME/.cache/lifeboat}
dl=$cache/downloads
mkdir -p "$dl"

die() { echo "source: error: $*" >&2; exit 111; }

field() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$2"; }

apt_opts() {
	mapfile -t APT_OPTS < <("$here/apt-private.sh" "$cache/apt")
	if [ ! -e "$cache/apt/updated" ] || [ -n "${1:-}" ]; then
		apt-get "${APT_OPTS[@]}" -q update >&2 || die "apt-get update failed (no network to the Debian archive?)"
		touch "$cache/apt/updated"
	fi
}

download() { # name version kind -> files into $dl
	local name=$1 version=$2 kind=$3 tmp
	tmp=$(mktemp -d "$dl/.tmp.XXXXXX")
	apt_opts
	(
		cd "$tmp"
		if [ "$kind" = dsc ]; then
			apt-get "${APT_OPTS[@]}" -q source --download-only "$name=$version" >&2 ||
				{ apt_opts refresh; apt-get "${APT_OPTS[@]}" -q source --download-only "$name=$version" >&2; }
		elif [ "$kind" = orig ]; then
			# apt fails on the missing debian.tar after fetching (and checking) the rest.
			apt-get "${APT_OPTS[@]}" -q source --download-only "$name=$version" >&2 || true
			ls ./*.orig.tar.* >/dev/null 2>&1 ||
				{ apt_opts refresh; apt-get "${APT_OPTS[@]}" -q source --download-only "$name=$version" >&2 || true; }
			rm -f ./*.debian.tar.*
			ls ./*.orig.tar.* >/dev/null 2>&1
		else
			apt-get "${APT_OPTS[@]}" -q download "$name=$version" >&2 ||
				{ apt_opts refresh; apt-get "${APT_OPTS[@]}" -q download "$name=$version" >&2; }
		fi
	) || { rm -rf "$tmp"; die "cannot download $name=$version from the Debian archive"; }
	mv -f "$tmp"/* "$dl/"
	rmdir "$tmp"
}

verify() { # pin -> 0 if all present and matching
	local pin=$1 ok=0 f sum
	while read -r f sum; do
		[ -e "$dl/$f" ] || { ok=1; continue; }
		echo "$sum  $dl/$f" | sha256sum --quiet -c - >/dev/null 2>&1 ||
			{ echo "source: warning: $f does not match its pin; fetching again" >&2; rm -f "$dl/$f"; ok=1; }
	done < <(awk '$1 == "file" { print $2, $3 }' "$pin")
	return $ok
}

fetch() {
	local pin=$1
	[ -r "$pin" ] || die "no pin file $pin"
	verify "$pin" && return 0
	download "$(field name "$pin")" "$(field version "$pin")" "$(field kind "$pin")"
	verify "$pin" || die "$(field name "$pin"): downloaded files do not match the sha256 in $pin"
}

unpack() {
	local pin=$1 dest=$2 kind
	fetch "$pin"
	kind=$(field kind "$pin")
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	if [ "$kind" = dsc ]; then
		local dsc
		dsc=$(awk '$1 == "file" && $2 ~ /\.dsc$/ { print $2 }' "$pin")
		# Signatures need the Debian keyring; the sha256 pins are our trust root.
		dpkg-source --no-check -x "$dl/$dsc" "$dest" >/dev/null
	elif [ "$kind" = orig ]; then
		local orig
		orig=$(awk '$1 == "file" && $2 ~ /\.orig\.tar\./ { print $2 }' "$pin")
		mkdir -p "$dest"
		tar -xf "$dl/$orig" -C "$dest" --strip-components=1
	else
		local deb tarball
		deb=$(awk '$1 == "file" && $2 ~ /\.deb$/ { print $2 }' "$pin")
		tarball=$(field tarball "$pin")
		mkdir -p "$dest"
		if [ -z "$tarball" ]; then
			dpkg-deb -x "$dl/$deb" "$dest"
		else
			dpkg-deb --fsys-tarfile "$dl/$deb" | tar -xO "./$tarball" | tar -xJ -C "$dest" --strip-components=1
		fi
	fi
}

pin() { # name version kind license
	local name=$1 version=$2 kind=$3 license=$4 out=$here/pins/$1.pin
	download "$name" "$version" "$kind"
	{
		echo "name $name"
		echo "version $version"
		echo "kind $kind"
		echo "license $license"
		local f
		if [ "$kind" = dsc ] || [ "$kind" = orig ]; then
			local v=${version#*:}
			for f in "$dl/${name}_${v}.dsc"; do echo "file $(basename "$f") $(sha256sum <"$f" | cut -d' ' -f1)"; done
			awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on { print $3 }' "$dl/${name}_${v}.dsc" |
				while read -r f; do
					case $kind:$f in orig:*.debian.tar.*) continue ;; esac
					echo "file $f $(sha256sum <"$dl/$f" | cut -d' ' -f1)"
				done
		else
			f=$(ls "$dl/${name}_${version#*:}"_*.deb | head -1)
			echo "file $(basename "$f") $(sha256sum <"$f" | cut -d' ' -f1)"
		fi
	} >"$out"
	echo "wrote $out" >&2
}

case "${1:-}" in
fetch) fetch "$2" ;;
unpack) unpack "$2" "$3" ;;
pin) shift; pin "$@" ;;
*) echo "usage: build/source.sh fetch PIN | unpack PIN DEST | pin NAME VERSION KIND LICENSE" >&2; exit 100 ;;
esac
