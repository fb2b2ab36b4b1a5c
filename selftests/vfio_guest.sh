#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Linux guest drives the sample's mdev: QEMU (Debian's qemu-system-x86,
# TCG, nested inside the test VM) boots Debian's stock kernel with a busybox
# initramfs and -device vfio-pci,sysfsdev=<the mdev>. The guest's 8250_pci
# binds the card (class 0x0700, 16550: the class entry of its table, with
# the WCH CH352 quirk for 4348:3253), and the guest and the host exchange a
# line over the first port: the guest writes to its ttyS, the host reads
# /dev/ttyMDEVn; the host writes, the guest reads.
#
#   vfio_guest.sh [STOCK_CACHE]  (scripts/stock.sh's directory: vmlinuz;
#                                without it, the image this VM booted)
#
# It runs in make check's stock-6.1 boot, and alone with `make vfio-guest`
# (scripts/vfio-guest.sh). Nested emulation (TCG inside TCG) takes about
# two minutes. No sleeps: the host waits on the tty and on QEMU, with
# bounds.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 6
# QEMU's bound, under the test's timeout (tests.list): the guest's time
# ran from 2 to 7 minutes with the 2 host cores quiet or busy.
BOUND=1400
kernel=${MDEVFW_KIMAGE:-}
[ $# = 0 ] || kernel=$1/vmlinuz
[ -f "$kernel" ] || ktap_exit_fail_msg "no kernel image '$kernel' (run scripts/stock.sh)"
# The same kernel uncompressed, booted through its PVH entry, when
# scripts/stock.sh could extract it: nested, the bzImage's decompression
# took about 2 minutes.
[ -f "${kernel%/*}/vmlinux" ] && kernel=${kernel%/*}/vmlinux
ktap_print_msg "guest kernel: ${kernel##*/}"
command -v qemu-system-x86_64 >/dev/null || ktap_exit_fail_msg "no qemu-system-x86_64"
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
mdevfw_kmod vfio_iommu_type1 || ktap_exit_fail_msg "no vfio_iommu_type1 in this kernel"
msample_new 0 8 >/dev/null
U=$(new_uuid)
[ "$(wr "$(type_dir msample0 msample-2)/create" "$U")" = OK ] ||
	ktap_exit_fail_msg "cannot create an msample-2"
tty=$(sed -n 1p $SYS_MDEVS/$U/ports)

# The initramfs: static busybox and an init that finds the card, sends a
# line, waits for one and powers off. /run is the VM's own tmpfs.
work=$(mktemp -d -p /run)
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys}
cp /bin/busybox "$root/bin/busybox"
mknod "$root/dev/console" c 5 1
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "guest: $*"; }
say "init after $(cut -d' ' -f1 /proc/uptime) s"
card=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x4348:0x3253 ] && card=$(readlink -f "$d")
done
[ -n "$card" ] || { say "no PCI device 4348:3253"; poweroff -f; }
ttys=
for t in /sys/class/tty/ttyS*; do
	case $(readlink -f "$t") in "$card"/*) ttys="$ttys ${t##*/}" ;; esac
done
say "card ${card##*/} driver $(basename "$(readlink "$card/driver")") ports$ttys"
set -- $ttys
exec 3<>"/dev/$1"
stty raw -echo clocal 115200 <&3
echo "hello from the guest" >&3
if read -r -t 900 line <&3; then
	say "read: $line"
else
	say "read nothing"
fi
say "done after $(cut -d' ' -f1 /proc/uptime) s"
poweroff -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$work/initrd.cpio"

# The guest's console, where the host can watch it: the run directory.
console=${RUN:-$work}/guest-console.txt
# The host's end, raw and without echo (an echo would go back to the
# guest), open before QEMU so that nothing the guest sends is missed.
exec 3<>"/dev/$tty"
stty -F "/dev/$tty" raw -echo
start=$(date +%s)
# cryptomgr.notests: the crypto self-tests were an eighth of the guest
# kernel's boot, and no crypto is under test here.
# No CMPXCHG16B for the guest: its emulation by a TCG nested in TCG
# corrupted the guest's state (a double fault in SLUB's cmpxchg16b during
# start_kernel), and the kernel does without it.
timeout -k 10 "$BOUND" qemu-system-x86_64 -machine q35 -accel tcg,tb-size=64 \
	-cpu qemu64,-cx16 -smp 1 -m 256 -nodefaults -display none -no-reboot \
	-serial "file:$console" -kernel "$kernel" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0 quiet panic=-1 no_timer_check mitigations=off cryptomgr.notests" \
	-device "vfio-pci,sysfsdev=$SYS_MDEVS/$U,addr=03.0" >"$work/qemu.log" 2>&1 &
qpid=$!
line=timeout
read -r -t "$BOUND" line <&3
check "the guest's line arrives on $tty" "$line" "hello from the guest"
got=$(date +%s)
printf 'hello from the host\n' >&3
wait $qpid
rc=$?
end=$(date +%s)
exec 3>&-
ktap_print_msg "guest line after $((got - start)) s, QEMU done after $((end - start)) s"
sed 's/^/# console: /' "$console"
sed 's/^/# qemu: /' "$work/qemu.log"
check "QEMU exits by itself" "$rc" 0
check "the guest's 8250_pci binds the card, two ports" \
	"$(grep -o 'guest: card .*' "$console" | tr -d '\r')" \
	"guest: card 0000:00:03.0 driver serial ports ttyS1 ttyS2"
check "the guest reads the host's line" \
	"$(grep -o 'guest: read.*' "$console" | tr -d '\r')" "guest: read: hello from the host"
# The port no VM holds loops back again.
exec 3<>"/dev/$tty"
stty -F "/dev/$tty" raw -echo
printf 'loop\n' >&3
line=timeout
read -r -t 10 line <&3
exec 3>&-
check "a port no VM holds keeps its loopback" "$line" "loop"
check "and the mdev goes" "$(wr $SYS_MDEVS/"$U"/remove 1)" OK
rm -rf "$work"
ktap_finished
