#!/usr/bin/env bash
# The floor for boot time: the same Lifeboat kernel with an initramfs that is
# only busybox's shell. Relinks the kernel with that initramfs, keeps the
# result, and relinks it back.
#   build/bench/floor.sh OUT_VMLINUZ
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ $# = 1 ] || { echo "usage: build/bench/floor.sh OUT_VMLINUZ" >&2; exit 100; }
out=$1
work=$top/_build/bench-floor
mkdir -p "$work" "$(dirname "$out")"
cat >"$work/init" <<'SH'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t proc proc /proc
export PS1='floor# '
exec /bin/busybox setsid /bin/busybox cttyhack /bin/busybox sh
SH
cat >"$work/list" <<LIST
dir /bin 0755 0 0
dir /dev 0755 0 0
dir /proc 0555 0 0
nod /dev/console 0600 0 0 c 5 1
file /bin/busybox $top/_build/stage/bin/busybox 0755 0 0
file /init $work/init 0755 0 0
LIST
k() { "$top/build/kernel.sh" "$top/_build/src/linux" "$top/_build/kernel" "$1" "$2"; }
k "$work/list" "$out"
k "$top/_build/initramfs.list" "$work/restored-vmlinuz"
cmp -s "$work/restored-vmlinuz" "$top/out/vmlinuz" || echo "floor: warning: the relinked kernel differs from out/vmlinuz" >&2
