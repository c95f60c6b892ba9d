#!/bin/sh
# A Lifeboat job: set a new root password in the installed system (found by
# lifeboat chroot itself), from a crypt hash given through fw_cfg:
#   mkpasswd -m sha-512 > hash;  qemu ... -fw_cfg name=opt/lifeboat/new_root_hash,file=hash \
#       -fw_cfg name=opt/lifeboat/run,file=reset-root-password.sh
hash=$(cat /sys/firmware/qemu_fw_cfg/by_name/opt/lifeboat/new_root_hash/raw) || exit 1
case $hash in '$'*) ;; *) echo "reset-root-password: not a crypt hash" >&2; exit 1 ;; esac
printf 'root:%s\n' "$hash" | lifeboat chroot --root 1 chpasswd -e
