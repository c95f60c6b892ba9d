#!/usr/bin/env bash
# Kernel headers for musl-gcc without the kernel source:
#   build/components/kinc.sh DIR
# makes DIR a symlink farm onto linux-libc-dev's headers (BUILD-NOTES section 1).
# Use it as `musl-gcc -isystem DIR`; the search order is then musl, gcc, DIR.
set -euo pipefail
dir=${1:?usage: kinc.sh DIR}
[ -r /usr/include/linux/fs.h ] && [ -d /usr/include/x86_64-linux-gnu/asm ] ||
	{ echo "kinc: error: kernel headers missing (apt-get install linux-libc-dev)" >&2; exit 1; }
mkdir -p "$dir"
for d in linux asm-generic mtd drm misc rdma sound video xen; do
	if [ -d "/usr/include/$d" ]; then ln -sfn "/usr/include/$d" "$dir/$d"; fi
done
ln -sfn /usr/include/x86_64-linux-gnu/asm "$dir/asm"
