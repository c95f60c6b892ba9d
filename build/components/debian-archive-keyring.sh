#!/usr/bin/env bash
# pin: debian-archive-keyring
# image: tools
# The Debian archive keyring from Debian's debian-archive-keyring package (the
# .deb, sha256-pinned, is the source): the keys apt's sources name in
# Signed-By, against which gpgv checks the archive's InRelease files (gpgv.sh
# verifies this machine's with it).
#   build/components/debian-archive-keyring.sh SRC BUILD STAGE
# Installs STAGE/usr/share/keyrings/debian-archive-keyring.gpg.
set -euo pipefail
. "$(dirname "$0")/lib.sh" debian-archive-keyring "$@"

keyring=usr/share/keyrings/debian-archive-keyring.gpg
[ -s "$SRC/$keyring" ] || die "the package holds no $keyring"
mkdir -p "$STAGE/$(dirname "$keyring")"
install -m 644 "$SRC/$keyring" "$STAGE/$keyring"
clamp_up "$STAGE/$keyring"
msg "installed $keyring=$(stat -c %s "$STAGE/$keyring")"
