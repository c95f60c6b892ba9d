#!/bin/sh
# A Lifeboat job: copy a whole disk, zstd-compressed, to an SSH target. Give
# the target and a key to reach it through fw_cfg, never on the boot line:
#   -fw_cfg name=opt/lifeboat/run,file=copy-disk-ssh.sh
#   -fw_cfg name=opt/lifeboat/copy_key,file=id_ed25519   (a dropbear or
#                                                        OpenSSH private key)
# and edit TARGET and DISK below (or pass them as the job's own fw_cfg files).
TARGET=${TARGET:-backup@192.0.2.10}
DISK=${DISK:-/dev/sda}
key=/sys/firmware/qemu_fw_cfg/by_name/opt/lifeboat/copy_key/raw
[ -r "$key" ] && cp "$key" /tmp/copy_key && chmod 600 /tmp/copy_key
set -o pipefail
zstd -T0 -3 -c "$DISK" |
	ssh -y -i /tmp/copy_key "$TARGET" "cat > $(hostname)-${DISK##*/}.img.zst"
