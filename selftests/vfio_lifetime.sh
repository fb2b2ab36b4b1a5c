#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VFIO user that holds an mdev, at each front door (locking.rst,
# invariant 10): the eswitch mode change and devlink port del refuse with
# EBUSY and their extack; sysfs remove and del_device wait, with no lock
# held, until the user lets go, after the kernel has asked it to through
# the request eventfd; meanwhile the same parent's lock and the other
# parents work. A process that holds the VFIO cdev without binding it
# (no open the framework can count): port del deletes the port at once
# and the mdev goes when the file is closed, with the devlink lock free
# meanwhile; del_device and module unload wait for that close, outside
# every lock. Then QEMU realizes the device. No sleeps: every wait is on
# an event, with a bound.
#
#   vfio_lifetime.sh group   the holder uses the group API and type1
#                            (lanes with VFIO_IOMMU_TYPE1); QEMU too
#   vfio_lifetime.sh cdev    the holder uses iommufd and the device cdev
#                            (lanes with VFIO_DEVICE_CDEV)
. "$(dirname "$0")/lib/guest.sh"

mode=${1:-group}
ktap_print_header
case $mode in
group|cdev) ;;
*) ktap_exit_fail_msg "usage: vfio_lifetime.sh group|cdev" ;;
esac
# 29 cases at the front doors, 28 with an unbound cdev, QEMU's one.
cdev=
vfio_has_cdev && mdevfw_kmod iommufd && cdev=1
ktap_set_plan $((29 + ${cdev:+28} + 0 + $([ "$mode" = group ] && echo 1 || echo 0)))
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
if [ "$mode" = group ]; then
	mdevfw_kmod vfio_iommu_type1 || ktap_exit_fail_msg "no vfio_iommu_type1 in this kernel"
else
	mdevfw_kmod iommufd || ktap_exit_fail_msg "no iommufd in this kernel"
	vfio_has_cdev || ktap_exit_fail_msg "no VFIO device cdev in this kernel"
fi
hups=0
trap 'hups=$((hups + 1))' HUP
D=msample/msample0
msample_new 0 8 >/dev/null
msample_new 1 8 >/dev/null
T1=$(type_dir msample0 msample-1)
run() { local out; out=$("$@" 2>&1); echo "$?|$out"; }
BUSY="kernel answers: Device or resource busy"
# A removal that a kernel work item finishes: wait for its uevent.
UEV="$MDEVFW_TOOLS/uevwait 20000"

# hold [--hold-unbound] UUID: a holder in the background, fed on fd 7,
# heard on fd 8; next: its next line ("open", "request", "closed"),
# within a bound; release: tell it to close, then reap it.
# FIFOs cannot live on the 9p root: /run is the guest's tmpfs.
fifo=$(mktemp -d -p /run)
mkfifo "$fifo/in" "$fifo/out"
hold() {
	local how=--hold
	[ $# = 2 ] && { how=$1; shift; }
	"$MDEVFW_TOOLS/vfio" $how "$1" <"$fifo/in" >"$fifo/out" &
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
# release_gone UUID: release, and wait until the mdev's removal.
release_gone() {
	$UEV remove "/$1" bash -c 'echo >&7'
	check "released; the mdev is removed" "$?|$(next)" "0|closed"
	wait $hpid
	exec 7>&- 8<&-
}
nports() { devlink -j port show | jq '.port | length'; }

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
check "then remove succeeds" "$(<"$out")" OK
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
check "then del_device succeeds" "$(<"$out") $(ls $SYS_MDEV_BUS)" "OK msample2"

# An unbound VFIO cdev: a registration that no open count sees. Port del
# must not wait for it under the devlink lock: the port goes at once, the
# mdev when the file is closed. Kernels with VFIO_DEVICE_CDEV only.
unbound() {
	D=msample/msample2
	T=$(type_dir msample2 msample-1)
	check_cmd "switchdev (msample2)" devlink dev eswitch set $D mode switchdev
	U=$(new_uuid)
	wr $T/create "$U" >/dev/null
	hold --hold-unbound "$U"
	check "hold the cdev unbound" "$(next)" open
	tty=$(head -1 $SYS_MDEVS/$U/ports)
	check_cmd "its function inactive" devlink port function set $D/0 state inactive
	check "port del returns at once, with a warning" "$(run devlink port del $D/0)" \
		"0|Warning: mdevfw: port deleted; the mdev goes when its VFIO device file is closed."
	check "the port is gone, the mdev is not" "$(nports) $(ls $SYS_MDEVS | grep -c "$U")" "0 1"
	check "its data path refuses opens, though its port took inactive along" \
		"$(wr /dev/$tty x)" ENODEV
	# The cdev is gone (ENOENT); the group still lists it no more (ENODEV).
	gone=ENOENT
	[ "$mode" = group ] && gone=ENODEV
	check "its VFIO device is gone: no new open" "$("$MDEVFW_TOOLS/vfio" --hold "$U" </dev/null)" \
		"error $gone"
	check "meanwhile: the devlink lock is free" "$(devlink dev eswitch show $D)" "$D: mode switchdev"
	check "meanwhile: port add works" "$(devlink port add $D flavour pcisf pfnum 0 sfnum 7 >/dev/null; nports)" 1
	check_cmd "meanwhile: legacy" devlink dev eswitch set $D mode legacy
	check_cmd "meanwhile: switchdev" devlink dev eswitch set $D mode switchdev
	check "the mdev going gets no port back" "$(devlink -j port show | jq -r '.port[].sfnum')" 7
	release_gone "$U"
	check "then the mdev is gone" "$(ls $SYS_MDEVS | grep -c "$U")" 0
	check_cmd "port del of the other" devlink port del $D/7

	# del_device waits, outside every lock, for the file to be closed.
	U=$(new_uuid)
	wr $T/create "$U" >/dev/null
	hold --hold-unbound "$U"
	check "hold unbound for del_device" "$(next)" open
	check "port del" "$(run devlink port del $D/0 | head -c 2)" "0|"
	msample_del 2 >"$out" &
	del_pid=$!
	check "meanwhile: another PF comes" "$(msample_new 4 4)" OK
	check "meanwhile: del_device still waits" "$(kill -0 $del_pid && echo waiting)" waiting
	release
	wait $del_pid
	check "then del_device succeeds" "$(<"$out") $(ls $SYS_MDEVS | grep -c "$U")" "OK 0"

	# Module unload too, with the port del's work still waiting.
	check_cmd "switchdev (msample4)" devlink dev eswitch set msample/msample4 mode switchdev
	U=$(new_uuid)
	wr "$(type_dir msample4 msample-1)/create" "$U" >/dev/null
	hold --hold-unbound "$U"
	check "hold unbound for rmmod" "$(next)" open
	check "port del" "$(run devlink port del msample/msample4/0 | head -c 2)" "0|"
	(rmmod mdevfw_sample; echo "rmmod $?" >"$out") &
	rm_pid=$!
	check "meanwhile: rmmod waits" "$(kill -0 $rm_pid && echo waiting)" waiting
	release
	wait $rm_pid
	check "then rmmod succeeds" "$(<"$out")" "rmmod 0"
	check_cmd "and the framework unloads" rmmod mdevfw
	mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules again"
}
if [ -n "$cdev" ]; then
	unbound
else
	ktap_print_msg "no VFIO device cdev: no unbound holder"
fi

# A real client: QEMU realizes the device and shows its BARs (-S: no guest).
msample_new 3 4 >/dev/null
W=$(new_uuid)
wr "$(type_dir msample3 msample-2)/create" "$W" >/dev/null
if [ "$mode" = cdev ]; then
	:
elif command -v qemu-system-x86_64 >/dev/null; then
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
