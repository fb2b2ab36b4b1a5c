#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo's last part, run inside the stock lane's VM by scripts/demo.sh:
# QEMU takes an mdev of the sample as a PCI device. (UML, where the rest of
# the demo runs, has no type1 IOMMU backend, and Debian 12's QEMU 7.2 opens
# VFIO devices only through it.)
set -eu
. selftests/lib/guest.sh
say() { printf '\n### %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; eval "$*"; }

say "10. QEMU takes an mdev (Debian's kernel and QEMU, in the stock lane's VM)"
mdevfw_load sample
mdevfw_kmod vfio_iommu_type1
run 'echo "1 8" > /sys/bus/msample/new_device'
D=11111111-2222-4333-8444-555555555555
run "echo $D > /sys/class/mdev_bus/msample1/mdev_supported_types/msample-2/create"
run "readlink /sys/bus/mdev/devices/$D/iommu_group"
run "ls -l /dev/vfio/\$(basename \$(readlink /sys/bus/mdev/devices/$D/iommu_group))"
run "cat /sys/bus/mdev/devices/$D/ports"
# -S: the machine is built, the device realized and its BARs mapped, but no
# guest code runs (make vfio-guest boots a Linux guest on it).
run "printf 'info pci\nquit\n' | qemu-system-x86_64 -M q35 -nodefaults -display none -S \\
	-monitor stdio -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/$D,addr=03.0 2>&1 |
	tr -d '\r' | sed -n '/Bus  0, device   3/,/id \"\"/p'"
run "echo 1 > /sys/bus/mdev/devices/$D/remove"
run 'echo 1 > /sys/bus/msample/del_device'
echo
echo "demo: QEMU part done"
