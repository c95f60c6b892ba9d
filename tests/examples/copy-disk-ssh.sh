#!/bin/sh
# A Lifeboat job: copy a whole disk, zstd-compressed, to an SSH target, as
# TARGET:HOSTNAME-DISK.img.zst. The target and a key to reach it come through
# fw_cfg, never on the boot line:
#   -fw_cfg name=opt/lifeboat/run,file=copy-disk-ssh.sh
#   -fw_cfg name=opt/lifeboat/copy_target,string=backup@192.0.2.10
#   -fw_cfg name=opt/lifeboat/copy_key,file=id_dropbear  (a key for dropbear's
#       dbclient: `dropbearconvert openssh dropbear id_ed25519 id_dropbear`)
# DISK: /dev/sda unless opt/lifeboat/copy_disk says otherwise.
cfg=/sys/firmware/qemu_fw_cfg/by_name/opt/lifeboat
TARGET=$(cat "$cfg/copy_target/raw" 2>/dev/null) || { echo "copy-disk-ssh: no copy_target" >&2; exit 1; }
DISK=$(cat "$cfg/copy_disk/raw" 2>/dev/null) || DISK=/dev/sda
cp "$cfg/copy_key/raw" /tmp/copy_key 2>/dev/null && chmod 600 /tmp/copy_key
set -o pipefail
zstd -T0 -3 -c "$DISK" |
	ssh -y -i /tmp/copy_key "$TARGET" "cat > $(hostname)-${DISK##*/}.img.zst"
