#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VFIO user that holds an mdev, at each front door (locking.rst,
# invariant 10): the eswitch mode change and devlink port del refuse with
# EBUSY and their extack; sysfs remove and del_device wait, with no lock
# held, until the user lets go, after the kernel has asked it to through
# the request eventfd; meanwhile the same parent's lock and the other
# parents work. Then QEMU realizes the device. No sleeps: every wait is on
# an event, with a bound.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 30
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
mdevfw_kmod vfio_iommu_type1 || ktap_exit_fail_msg "no vfio_iommu_type1 in this kernel"
hups=0
trap 'hups=$((hups + 1))' HUP
D=msample/msample0
msample_new 0 8 >/dev/null
msample_new 1 8 >/dev/null
T1=$(type_dir msample0 msample-1)
run() { local out; out=$("$@" 2>&1); echo "$?|$out"; }
BUSY="kernel answers: Device or resource busy"

# hold UUID: a holder in the background, fed on fd 7, heard on fd 8;
# next: its next line ("open", "request", "closed"), within a bound;
# release: tell it to close, then reap it.
# FIFOs cannot live on the 9p root: /run is the guest's tmpfs.
fifo=$(mktemp -d -p /run)
mkfifo "$fifo/in" "$fifo/out"
hold() {
	"$MDEVFW_TOOLS/vfio" --hold "$1" <"$fifo/in" >"$fifo/out" &
	hpid=$!
	exec 7>"$fifo/in" 8<"$fifo/out"
}
next() { local line=timeout; read -r -t 60 line <&8; echo "$line"; }
release() {
	echo >&7
	check "released" "$(next)" closed
	wait $hpid
	exec 7>&- 8<&-
}

U=$(new_uuid)
wr $T1/create "$U" >/dev/null
group=$(readlink $SYS_MDEVS/$U/iommu_group)
check "the mdev has an iommu_group" "$(basename "$(dirname "$group")")" iommu_groups
check "and a VFIO group node" "$(stat -c %F /dev/vfio/"$(basename "$group")")" \
	"character special file"
check "the VFIO device is under the mdev" "$(ls $SYS_MDEVS/$U/vfio-dev)" vfio0
tty=$(head -1 $SYS_MDEVS/$U/ports)

hold "$U"
check "hold" "$(next)" open
check "open: mode change refused" "$(run devlink dev eswitch set $D mode switchdev)" \
	"1|Error: mdevfw: mdevs of this parent are open (1); close them first.
$BUSY"
release
# With the VFIO user gone the tty loops back again.
exec 3<>/dev/$tty
echo "back to loopback" >&3
read -r -t 10 line <&3
exec 3>&-
check "closed: the tty loops back" "$line" "back to loopback"

check_cmd "switchdev" devlink dev eswitch set $D mode switchdev
hold "$U"
check "hold in switchdev" "$(next)" open
check "open: port del refused" "$(run devlink port del $D/0)" \
	"1|Error: mdevfw: the mdev is open through VFIO; close it, or remove it through sysfs.
$BUSY"
check "refused: the mdev is still there" "$(ls -d $SYS_MDEVS/$U)" "$SYS_MDEVS/$U"
release
check_cmd "closed: port del removes it" devlink port del $D/0
check "gone" "$(ls $SYS_MDEVS)" ""
check_cmd "legacy" devlink dev eswitch set $D mode legacy

# sysfs remove waits for the user, outside every lock.
U=$(new_uuid)
wr $T1/create "$U" >/dev/null
hold "$U"
check "hold for remove" "$(next)" open
out=$(mktemp)
wr $SYS_MDEVS/$U/remove 1 >"$out" &
rm_pid=$!
check "remove asks the user to let go" "$(next)" request
check "remove is still waiting" "$(kill -0 $rm_pid && echo waiting)" waiting
V=$(new_uuid)
check "meanwhile: create on the same parent" "$(wr $T1/create "$V")" OK
check "meanwhile: the devlink lock is free" "$(devlink dev eswitch show $D)" "$D: mode legacy"
check "meanwhile: another parent goes" "$(msample_del 1)" OK
release
wait $rm_pid
check "then remove succeeds" "$(cat "$out")" OK
check "and the mdev is gone" "$(ls $SYS_MDEVS)" "$V"

# del_device waits for the user too, holding no lock another PF needs.
hold "$V"
check "hold for del_device" "$(next)" open
msample_del 0 >"$out" &
del_pid=$!
check "del_device asks the user to let go" "$(next)" request
check "meanwhile: another PF comes" "$(msample_new 2 4)" OK
release
wait $del_pid
check "then del_device succeeds" "$(cat "$out") $(ls $SYS_MDEV_BUS)" "OK msample2"

# A real client: QEMU realizes the device and shows its BARs (-S: no guest).
msample_new 3 4 >/dev/null
W=$(new_uuid)
wr "$(type_dir msample3 msample-2)/create" "$W" >/dev/null
if command -v qemu-system-x86_64 >/dev/null; then
	pci=$(printf 'info pci\nquit\n' | timeout 120 qemu-system-x86_64 -M q35 \
		-nodefaults -display none -S -monitor stdio \
		-device vfio-pci,sysfsdev=$SYS_MDEVS/$W 2>&1 | tr -d '\r' |
		awk '/Bus /{ p = 0 } /Serial port/{ p = 1 } p' |
		grep -E 'Serial port|BAR[0-9]' | sed 's/^ *//')
	check "QEMU: the serial card and its two I/O BARs" "$pci" \
		"Serial port: PCI device 4348:3253
BAR0: I/O at 0xffffffffffffffff [0x0006].
BAR1: I/O at 0xffffffffffffffff [0x0006]."
else
	ktap_test_skip "QEMU: no qemu-system-x86_64"
fi
rm -rf "$out" "$fifo"
ktap_finished
