# shellcheck shell=bash
# Make md arrays with Debian's own mdadm in a Debian VM: this host's kernel
# has no md (BUILD-NOTES section 9). Sourced by mkvolumes.sh and
# mklayouts.sh, which need $tmp (a scratch directory they remove). Debian's
# kernel (downloaded with apt and unpacked into the cache, not installed),
# an initramfs of Debian's busybox-static, the host's Debian mdadm with its
# libraries and the md and virtio modules, under TCG.
#
#   md_vm LOG SCRIPT DRIVE...
#
# boots it with each DRIVE (a file, or FILE,readonly=on) as a virtio-blk
# disk, /dev/vda, /dev/vdb, ... in order, and runs SCRIPT (shell text for
# the VM's busybox sh, with mdadm, blockdev, dd; `fail WHY` ends it) once
# the last disk is there; the console goes to LOG. Exits the caller with a
# message unless SCRIPT ran to its end.

mdvm_cache=${LIFEBOAT_CACHE:-$HOME/.cache/lifeboat}/debian-debs

# deb PACKAGE [PATH...]: unpack a Debian package (downloaded with apt, not
# installed), or only the PATHs of it (tar patterns), into the cache once;
# print that directory
deb() {
	local pkg=$1 dir=$mdvm_cache/$1
	shift
	: "${tmp:?the caller sets tmp}"
	if [ ! -d "$dir" ]; then
		mkdir -p "$mdvm_cache"
		rm -rf "$dir.new" && mkdir "$dir.new"
		(cd "$tmp" && apt-get download -q "$pkg") >&2
		dpkg-deb --fsys-tarfile "$tmp/$pkg"_*.deb | tar -x -C "$dir.new" --wildcards "$@"
		rm -f "$tmp/$pkg"_*.deb
		mv "$dir.new" "$dir"
	fi
	echo "$dir"
}

# insmod order for MODULES... from DIR's modules.dep (deps, deepest first)
module_order() {
	local dir=$1
	shift
	for m in "$@"; do
		awk -v m="$m" -F': *' '$1 ~ ("/" m ".ko$") {
			n = split($2, d, " "); for (i = n; i >= 1; i--) print d[i]; print $1 }' \
			"$dir/modules.dep"
	done | awk '!seen[$0]++'
}

# mdvm_initramfs KMODDIR BUSYBOXDIR LASTDISK SCRIPT: $tmp/md-initrd.gz
mdvm_initramfs() {
	local kdir=$1 bbdir=$2 root=$tmp/mdroot m lib
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,modules}
	cp "$bbdir/bin/busybox" "$root/bin/busybox"
	cp /sbin/mdadm "$root/bin/mdadm"
	for lib in $(ldd /sbin/mdadm | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	module_order "$kdir" virtio_pci virtio_blk raid1 >"$root/modules.list"
	while read -r m; do cp "$kdir/$m" "$root/modules/"; done <"$root/modules.list"
	sed -i 's|.*/||' "$root/modules.list"
	{
		cat <<'EOT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
fail() { echo "MKMD: failed: $*"; poweroff -f; }
for m in $(cat /modules.list); do insmod "/modules/$m" || fail "insmod $m"; done
EOT
		echo "last=/dev/$3"
		cat <<'EOT'
for i in $(seq 100); do [ -b $last ] && break; sleep 0.1; done
[ -b $last ] || fail "no $last"
EOT
		printf '%s\n' "$4"
		printf 'sync\necho "MKMD: done"\npoweroff -f\n'
	} >"$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$tmp/md-initrd.gz"
}

md_vm() {
	local vmlog=$1 script=$2 kpkg kdir kver bbdir f n drives qemu last letters
	shift 2
	kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$kpkg" ] || { echo "md_vm: apt knows no linux-image-amd64 (apt-get update?)" >&2; exit 111; }
	kdir=$(deb "$kpkg" './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/md/*' \
		'./lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/block/virtio_blk.ko')
	kver=$(basename "$(echo "$kdir"/lib/modules/*)")
	# the package's modules.dep is made at install: make it for this subset
	[ -e "$kdir/lib/modules/$kver/modules.dep" ] || depmod -b "$kdir" "$kver"
	bbdir=$(deb busybox-static ./bin/busybox)
	drives=()
	n=0
	for f; do
		drives+=(-drive "if=none,id=d$n,format=raw,file=$f" -device "virtio-blk-pci,drive=d$n")
		n=$((n + 1))
	done
	letters=abcdefghijklmnopqrstuvwxyz
	last=vd${letters:n-1:1}
	mdvm_initramfs "$kdir/lib/modules/$kver" "$bbdir" "$last" "$script"
	qemu=(qemu-system-x86_64 -accel tcg -nodefaults -no-reboot -display none -m 256
		-chardev "file,id=s0,path=$vmlog,append=on" -serial chardev:s0
		-kernel "$(echo "$kdir"/boot/vmlinuz-*)" -initrd "$tmp/md-initrd.gz"
		-append "console=ttyS0 panic=-1 quiet" "${drives[@]}")
	printf '# QEMU command line:\n# %s\n' "${qemu[*]}" >"$vmlog"
	echo "md_vm: md arrays in a Debian VM ($kpkg, TCG; log: $vmlog)" >&2
	timeout 900 "${qemu[@]}"
	grep -q '^MKMD: done' "$vmlog" || {
		echo "md_vm: the md VM failed:" >&2
		tail -n 30 "$vmlog" >&2
		exit 1
	}
}
