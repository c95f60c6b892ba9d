#!/usr/bin/env bash
# pin: busybox
# order: first
# Static musl busybox with the curated config build/busybox.config
# (see build/busybox.config.md).
#   build/components/busybox.sh SRC BUILD STAGE
# Installs STAGE/bin/busybox and a relative symlink for every applet at the
# path `busybox --list-full` gives. Built first (`order: first`): the other
# components replace the links they provide (fdisk, blkid) with real binaries.
# halt/poweroff/reboot only send SIGUSR1/SIGUSR2/SIGTERM to PID 1
# (FEATURE_CALL_TELINIT and FEATURE_WAIT_FOR_INIT are off; -f calls reboot(2)).
set -euo pipefail
. "$(dirname "$0")/lib.sh" busybox "$@"

config=$COMP_DIR/../busybox.config
[ -r "$config" ] || die "missing $config"
copy_src
b=$TREE

export KCONFIG_NOTIMESTAMP= # keep the (SOURCE_DATE_EPOCH) date in the banner
export CFLAGS="-ffile-prefix-map=$b=. -ffile-prefix-map=$BUILD=."
bbmake() { make -C "$b" CC="$CC" HOSTCC=gcc "$@"; }

cp "$config" "$b/.config"
run_logged oldconfig "make oldconfig" bbmake oldconfig </dev/null
# The checked-in config must be complete and consistent: oldconfig may not change it.
if ! diff <(grep '^CONFIG_\|^# CONFIG_' "$config") <(grep '^CONFIG_\|^# CONFIG_' "$b/.config") >"$BUILD/config.diff"; then
	cat "$BUILD/config.diff" >&2
	die "build/busybox.config is not stable under 'make oldconfig' (diff above); regenerate it"
fi
for opt in CONFIG_STATIC=y "# CONFIG_INIT is not set" "# CONFIG_LINUXRC is not set" \
	"# CONFIG_FEATURE_CALL_TELINIT is not set" "# CONFIG_EXTRA_COMPAT is not set" \
	"# CONFIG_FEATURE_VI_REGEX_SEARCH is not set"; do
	grep -qxF "$opt" "$b/.config" || die "config must have: $opt"
done

comp_make CC="$CC" HOSTCC=gcc busybox

install_bin "$b/busybox" bin/busybox
bb=$STAGE/bin/busybox
"$bb" true || die "the built busybox does not run on this host"
n=0
while IFS= read -r path; do
	case "$path" in bin/busybox | "") continue ;; esac
	# A real binary there comes from a later component (util-linux's fdisk, blkid) that
	# ran before a rebuild of busybox alone: keep it.
	if [ -e "$STAGE/$path" ] && [ ! -L "$STAGE/$path" ]; then continue; fi
	install_link bin/busybox "$path"
	n=$((n + 1))
done < <("$bb" --list-full)
for need in sbin/poweroff sbin/reboot sbin/halt bin/sh; do
	[ -L "$STAGE/$need" ] || die "$need was not installed"
done
msg "installed bin/busybox ($(stat -c %s "$bb") bytes) and $n applet links"
