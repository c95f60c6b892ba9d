#!/bin/sh
# A Lifeboat job: check and repair every ext2/3/4 and XFS filesystem on the
# machine's disks (not mounted ones: e2fsck and xfs_repair refuse those).
#   make run RUN=tests/examples/fsck-all.sh
#   qemu ... -fw_cfg name=opt/lifeboat/run,file=fsck-all.sh
# Exit status as fsck -A: the OR of the checkers' statuses (0 clean, 1 errors
# were repaired, 4 errors left, 8 a checker failed).
rc=0 n=0
for dev in $(blkid -c /dev/null -o device); do
	case $(blkid -c /dev/null -o value -s TYPE "$dev") in
	ext2 | ext3 | ext4)
		echo "fsck-all: e2fsck -f -y $dev"
		e2fsck -f -y "$dev"
		s=$?
		;;
	xfs)
		echo "fsck-all: xfs_repair $dev"
		xfs_repair "$dev"
		s=$?
		[ "$s" = 0 ] || s=4
		;;
	*) continue ;;
	esac
	n=$((n + 1))
	rc=$((rc | s))
done
echo "fsck-all: $n filesystem(s) checked, status $rc"
exit "$rc"
