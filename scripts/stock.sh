#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare (or reuse) a stock lane: Debian's own kernel under QEMU, 6.12
# (the `stock` lane) or Debian 12's default 6.1 (`stock-6.1`).
#
#   scripts/stock.sh [--series 6.1] [--kdir | --abi]
#
#   (no option)  prepare; the last line is the cache directory
#   --kdir       make sure the distro headers are there; the last line is
#                their build directory
#   --abi        print the kernel ABI (e.g. 6.12.117+deb12-amd64)
#
# The ABI is read from apt, never pinned: for 6.12 from the
# linux-headers-6.12-amd64 meta package, for 6.1 from linux-headers-amd64,
# Debian 12's default, whose dependency is the newest 6.1.0-N. The image
# .deb is downloaded and unpacked into the cache, not installed, and so are
# the headers (the -amd64 and -common packages and the linux-kbuild package
# they depend on). The image's modules get a depmod there: the guest mounts
# them over its /lib/modules/<abi>. Nothing of either kernel is installed:
# on a new machine, installing the 6.12 headers pulled in the signed image,
# whose triggers built an initramfs for it and ran DKMS, for nothing.
#
# The cache, ${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw/stock-<version>/, holds
#   root/         the unpacked image package (boot/, lib/modules/)
#   vmlinuz       link to root/boot/vmlinuz-<abi>
#   vmlinux       its kernel uncompressed, with its PVH entry (for the
#                 nested guest), if the image has one
#   initramfs.cpio.gz
#                 static busybox, the 9p modules and an init that mounts the
#                 host's root over virtio 9p, chroots into it and runs
#                 $MDEVFW_INIT with RUN=$RUN (both from the kernel command line)
#   kdir          the headers' build directory
# and is used only once its stamp file (written last) says it is complete
# for this very script. The 6.1 cache is stock-6.1.<debian revision>.
set -euo pipefail

series=6.12
if [ "${1:-}" = --series ]; then
	series=${2:?usage: stock.sh [--series 6.1] [--kdir | --abi]}
	shift 2
fi
mode=${1:-prepare}
case $mode in
prepare|--kdir|--abi) ;;
*) echo "usage: stock.sh [--series 6.1] [--kdir | --abi]" >&2; exit 2 ;;
esac

flavour=amd64
case $series in
6.12) meta=linux-headers-6.12-$flavour; abire='6\.12\.[^ ]*' ;;
6.1) meta=linux-headers-$flavour; abire='6\.1\.0-[0-9]*' ;;
*) echo "stock.sh: no stock lane for $series" >&2; exit 2 ;;
esac
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'; }

ver=$(candidate "$meta")
case $ver in
''|'(none)') echo "stock.sh: apt knows no $meta (apt-get update?)" >&2; exit 2 ;;
esac
# The meta package depends on linux-headers-<abi>-amd64 only.
abi=$(apt-cache depends "$meta" 2>/dev/null |
	sed -n "s/^ *Depends: linux-headers-\($abire\)-$flavour\$/\1/p" | head -1)
[ -n "$abi" ] || { echo "stock.sh: cannot read the ABI from $meta's dependencies" >&2; exit 2; }
krel=$abi-$flavour
image=linux-image-$krel-unsigned
headers=linux-headers-$krel
iver=$(candidate "$image")
if [ "$iver" != "$ver" ]; then
	echo "stock.sh: $image is at '$iver', not $ver as $meta" >&2
	exit 2
fi
src=$(apt-cache policy "linux-source-$series" 2>/dev/null | awk '/Installed:/ { print $2 }')
if [ -n "$src" ] && [ "$src" != '(none)' ] && [ "$src" != "$ver" ]; then
	echo "stock.sh: note: linux-source-$series is $src, the stock kernel is $ver" >&2
fi

if [ "$mode" = --abi ]; then
	echo "$krel"
	exit 0
fi

# The guest mounts the image's modules over /lib/modules/<abi> of the
# host's root: a new machine (a container) may have no /lib/modules.
mkdir -p /lib/modules
top_cache=${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw
mkdir -p "$top_cache"
# One preparation at a time (parallel vm-runs, apt's own lock).
exec 9>"$top_cache/stock.lock"
flock 9

cache=$top_cache/stock-$ver
stamp=$cache/.mdevfw-complete
# Unpacked with the image, below.
kdir=$cache/root/usr/src/$headers
if [ "$mode" = --kdir ] && [ -f "$stamp" ] && [ -f "$kdir/Makefile" ]; then
	echo "$kdir"
	exit 0
fi

self=$(sha256sum <"$0" | cut -c1-12)
want="$ver $krel $self"
if [ -f "$stamp" ] && [ "$(cut -d' ' -f1-3 "$stamp")" = "$want" ]; then
	echo "stock.sh: $krel: cached"
	[ "$mode" = --kdir ] && echo "$kdir" || echo "$cache"
	exit 0
fi

# Old stock kernels of this series are dead weight: the disk can be small.
for old in "$top_cache/stock-$series".*; do
	[ -d "$old" ] && [ "$old" != "$cache" ] && rm -rf "$old"
done
rm -f "$stamp"
mkdir -p "$cache"

# The unpacked image has its own stamp: a new recipe for the initramfs must
# not download 100 MB again.
# A cache unpacked by an older recipe (6.12's headers were installed then)
# lacks the headers or the depmod: unpack it again.
if [ ! -f "$cache/root/.mdevfw-unpacked" ] || [ ! -f "$kdir/Makefile" ] ||
   [ ! -f "$cache/root/lib/modules/$krel/modules.dep" ]; then
	need_kb=$((800 * 1024))
	free_kb=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
	if [ "$free_kb" -lt "$need_kb" ]; then
		echo "stock.sh: need 800 MB free under $cache, have $((free_kb / 1024)) MB" >&2
		exit 1
	fi
	rm -rf "$cache/root" "$cache/dl"
	mkdir -p "$cache/dl"
	# The headers: the flavour's, the common ones and the kbuild package
	# they name (linux-kbuild-6.1, linux-kbuild-6.12.117+deb12).
	kbuild=$(apt-cache depends "$headers" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -1)
	[ -n "$kbuild" ] || { echo "stock.sh: $headers names no linux-kbuild package" >&2; exit 2; }
	debs=("$image=$ver" "$headers=$ver" "linux-headers-$abi-common=$ver" "$kbuild=$ver")
	echo "stock.sh: downloading ${debs[*]}"
	if ! (cd "$cache/dl" && apt-get download -qq "${debs[@]}" 2>/dev/null); then
		echo "stock.sh: download failed; apt-get update and retry"
		apt-get update -qq -o DPkg::Lock::Timeout=600 >&2
		(cd "$cache/dl" && apt-get download -qq "${debs[@]}")
	fi
	for deb in "$cache"/dl/*.deb; do
		dpkg-deb -x "$deb" "$cache/root"
	done
	rm -rf "$cache/dl"
	# The flavour's Makefile includes the common one by its installed
	# path; the symlinks to kbuild are relative.
	printf 'include %s\n' "$cache/root/usr/src/linux-headers-$abi-common/Makefile" \
		>"$kdir/Makefile"
	/sbin/depmod -b "$cache/root" "$krel"
	touch "$cache/root/.mdevfw-unpacked"
fi
[ -f "$cache/root/boot/vmlinuz-$krel" ] || { echo "stock.sh: no vmlinuz-$krel in $image" >&2; exit 1; }
ln -sfn "root/boot/vmlinuz-$krel" "$cache/vmlinuz"

# --- vmlinux ---------------------------------------------------------------
# The image's kernel uncompressed, an ELF with a PVH entry (Debian builds
# CONFIG_PVH): QEMU boots it with no decompressor and no real-mode setup.
# The nested guest (selftests/vfio_guest.sh) boots it: under TCG inside
# TCG, the decompression of the bzImage alone took about 2 minutes. The
# payload is the first XZ (6.1) or zstd (6.12) stream in the image; what
# follows it is no part of it, so the decompressor's status says nothing
# and readelf judges the result. Without one, the guest boots the bzImage.
pvh() {
	local img=$1 off
	off=$(LC_ALL=C grep -obUaP "$2" "$img" | head -1 | cut -d: -f1)
	[ -n "$off" ] && command -v "${3%% *}" >/dev/null || return 1
	tail -c +$((off + 1)) "$img" | $3 >"$cache/vmlinux.tmp" 2>/dev/null
	# The PVH note, and the whole ELF: the notes are near its start, so
	# a truncated file still has them, but not its section headers.
	readelf -n "$cache/vmlinux.tmp" 2>/dev/null |
		grep 'Xen .*note type: (0x00000012)' >/dev/null &&
		[ -z "$(readelf -S "$cache/vmlinux.tmp" 2>&1 >/dev/null)" ]
}
rm -f "$cache/vmlinux"
img=$cache/root/boot/vmlinuz-$krel
if pvh "$img" '\xfd7zXZ\x00' "xz -dc --single-stream" ||
   pvh "$img" '\x28\xb5\x2f\xfd' "zstd -dc"; then
	mv "$cache/vmlinux.tmp" "$cache/vmlinux"
else
	rm -f "$cache/vmlinux.tmp"
	echo "stock.sh: no PVH vmlinux in $img: the nested guest boots the bzImage" >&2
fi

# --- initramfs -------------------------------------------------------------
mods=$cache/root/lib/modules/$krel
ird=$cache/initramfs.d
rm -rf "$ird"
mkdir -p "$ird"/{bin,dev,proc,sys,mnt,modules}
cp /bin/busybox "$ird/bin/busybox"
file -b "$ird/bin/busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$ird/bin/busybox" 2>&1 | grep -q 'not a dynamic' ||
	{ echo "stock.sh: /bin/busybox is not static (install busybox-static)" >&2; exit 1; }
mknod "$ird/dev/console" c 5 1 2>/dev/null || true

# The modules the 9p root needs, dependencies first (from modinfo, so a
# new dependency in a later point release is picked up).
declare -A seen=()
order=()
modpath() { find "$mods/kernel" -name "$1.ko*" -print -quit; }
add_mod() {
	local name=$1 path dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	path=$(modpath "$name")
	if [ -z "$path" ]; then
		# Built into the image: nothing to load.
		grep -qs "/$name.ko" "$mods/modules.builtin" && return 0
		echo "stock.sh: module $name not found in $image" >&2
		exit 1
	fi
	for dep in $(modinfo -F depends "$path" | tr ',' ' '); do
		add_mod "${dep//-/_}"
	done
	order+=("$path")
}
roots=(9p 9pnet_virtio)
# Usually built in; load it if this kernel has it as a module.
[ -n "$(modpath virtio_pci)" ] && roots=(virtio_pci "${roots[@]}")
for m in "${roots[@]}"; do
	add_mod "$m"
done
list=
for path in "${order[@]}"; do
	base=$(basename "$path")
	base=${base%.xz}
	base=${base%.zst}
	base=${base%.gz}
	case $path in
	*.xz) xz -dc "$path" >"$ird/modules/$base" ;;
	*.zst) zstd -qdc "$path" >"$ird/modules/$base" ;;
	*.gz) gzip -dc "$path" >"$ird/modules/$base" ;;
	*) cp "$path" "$ird/modules/$base" ;;
	esac
	list="$list $base"
done
echo "stock.sh: initramfs modules:$list"

# The image's modules, from the cache, at their usual place in the guest.
modmount="mount -t tmpfs modules /mnt/lib/modules && mkdir /mnt/lib/modules/$krel &&
	mount --bind /mnt$mods /mnt/lib/modules/$krel || die \"cannot mount the modules\""
cat >"$ird/init" <<EOF
#!/bin/busybox sh
# Generated by mdevfw scripts/stock.sh: mount the host's root over 9p, then
# run \$MDEVFW_INIT (the project's guest init) in it with RUN=\$RUN.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
die() {
	echo "stock initramfs: \$*"
	echo o >/proc/sysrq-trigger
	sleep 30
}
# The kernel hands unknown k=v parameters to init as environment; read the
# command line as well, in case they did not arrive that way.
for kv in \$(cat /proc/cmdline); do
	case \$kv in
	RUN=*) [ -n "\${RUN:-}" ] || RUN=\${kv#RUN=} ;;
	MDEVFW_INIT=*) [ -n "\${MDEVFW_INIT:-}" ] || MDEVFW_INIT=\${kv#MDEVFW_INIT=} ;;
	esac
done
[ -n "\${RUN:-}" ] || die "no RUN= on the kernel command line"
[ -n "\${MDEVFW_INIT:-}" ] || die "no MDEVFW_INIT= on the kernel command line"
for m in$list; do
	insmod /modules/\$m || die "insmod \$m failed"
done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /mnt ||
	die "cannot mount the host's root over 9p"
$modmount
for d in proc sys dev; do
	mount --move /\$d /mnt/\$d || die "cannot move /\$d into the host root"
done
exec chroot /mnt /usr/bin/env RUN="\$RUN" "\$MDEVFW_INIT"
EOF
chmod 755 "$ird/init"
(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$cache/initramfs.cpio.gz.tmp"
mv "$cache/initramfs.cpio.gz.tmp" "$cache/initramfs.cpio.gz"
rm -rf "$ird"
echo "$kdir" >"$cache/kdir"
echo "$krel" >"$cache/abi"

echo "$want $(date -u +%FT%TZ)" >"$stamp"
echo "stock.sh: $krel ready; headers in $kdir"
[ "$mode" = --kdir ] && echo "$kdir" || echo "$cache"
