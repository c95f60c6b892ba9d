#!/usr/bin/env bash
# Boot out/lifeboat.iso in QEMU on this terminal, the way a provider's rescue
# mode attaches it: 7 blank demo disks as sda-sdg (virtio-scsi target ids 0-6),
# the ISO itself as target 7 (sdh), one user-mode NIC. Quit: Ctrl-a x, or
# `poweroff` at the prompt.
# RUN=job.sh: run it as a job at boot (fw_cfg opt/lifeboat/run), power off
# when it ends and exit with its status (README "Jobs at boot").
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
iso=$top/out/lifeboat.iso
disks=${LIFEBOAT_DEMO_DISKS:-$top/_build/demo-disks}
mkdir -p "$disks"
spec=()
for slot in 0 1 2 3 4 5 6; do
	img=$disks/sd$(printf "\\x$(printf %x $((97 + slot)))").img
	[ -e "$img" ] || truncate -s $(((slot + 1) * 256))M "$img"
	spec+=(--disk "slot=$slot,file=$img,serial=demo-disk-$slot")
done
# MACHINE=q35, DISK=nvme|ahci|lsi|megasas|pvscsi|usb|virtio-blk (the demo
# disks on that controller instead; the ISO stays sdh), NIC=e1000e|rtl8139|...
if [ -n "${DISK:-}" ] && [ "$DISK" != virtio-scsi ]; then
	others=()
	for s in "${spec[@]}"; do
		[ "$s" = --disk ] || others+=(--other "$(echo "$s" | sed 's/.*file=\([^,]*\).*/\1/')")
	done
	spec=(--controller "$DISK" "${others[@]}")
fi
spec+=(--disk "slot=7,file=$iso,serial=lifeboat-medium,readonly,boot" --nic "${NIC:-virtio}")
# the disks' arguments as the boot tests and make bench spell them
mapfile -d '' -t diskargs < <(/usr/bin/python3 "$top/build/qemu_args.py" "${spec[@]}")
[ ${#diskargs[@]} -gt 0 ] || { echo "run: error: build/qemu_args.py gave no disk arguments" >&2; exit 1; }
args=(-nodefaults -no-reboot -display none -serial mon:stdio -m "${LIFEBOAT_MEM:-512}" -smp 2
	-machine "${MACHINE:-pc}" "${diskargs[@]}")

# KVM only where a probe proves it works: nested KVM can hang, so the probe
# boots the kernel into an immediate panic under a timeout.
accel=tcg
if [ -z "${LIFEBOAT_ACCEL:-}" ] && [ -w /dev/kvm ]; then
	if timeout 20 qemu-system-x86_64 -accel kvm -nodefaults -no-reboot -display none -m 128 \
		-kernel "$top/out/vmlinuz" -append "panic=-1 rdinit=/lifeboat-kvm-probe init=/lifeboat-kvm-probe" \
		</dev/null >/dev/null 2>&1; then
		accel=kvm
	fi
fi
accel=${LIFEBOAT_ACCEL:-$accel}
if [ -n "${RUN:-}" ]; then
	[ -r "$RUN" ] || { echo "run: error: RUN=$RUN: no such file" >&2; exit 100; }
	log=$top/_build/run-job.log
	# the console also to a file, for the job's last line
	args=("${args[@]/mon:stdio/chardev:con}" -chardev "stdio,id=con,mux=on,logfile=$log" -mon chardev=con
		-fw_cfg "name=opt/lifeboat/run,file=$RUN" -fw_cfg name=opt/lifeboat/then,string=poweroff
		-device isa-debug-exit,iobase=0x501,iosize=2)
	echo "run: booting $iso with $accel to run $RUN; its output follows, then QEMU exits with its status"
	rc=0
	qemu-system-x86_64 -accel "$accel" "${args[@]}" || rc=$?
	# isa-debug-exit: QEMU exits with 2 * value + 1; the line has the status itself
	last=$(tr -d '\r' <"$log" | grep -a '^lifeboat: job [0-9]* exited [0-9]*$' | tail -n 1)
	if [ $((rc % 2)) = 1 ] && [ -n "$last" ]; then
		echo "run: $last"
		exit "${last##* }"
	fi
	echo "run: error: QEMU exited $rc without a job's result (console: $log)" >&2
	exit 111
fi
echo "run: booting $iso with $accel on ${MACHINE:-pc}; 7 demo disks (${DISK:-virtio-scsi}) in $disks," \
	"NIC ${NIC:-virtio}. Quit: Ctrl-a x (or poweroff)."
exec qemu-system-x86_64 -accel "$accel" "${args[@]}"
