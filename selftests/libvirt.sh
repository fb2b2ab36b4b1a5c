#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libvirt (Debian 12's 9.0) sees our mdevs. A private libvirtd, with only
# its node-device driver (LIBVIRT_DRIVER_DIR) and everything it writes on
# tmpfs, lists the mdevs (virsh nodedev-list --cap mdev) and dumps each
# one's XML: its type, its parent's address and its IOMMU group. Two
# parents: the sample's, on the virtual msample bus, which libvirt does not
# know (its mdevs' parent is "computer"); and a parent on a PCI function
# (selftests/pci-parent, bound to a function nobody drives), as a real
# vendor's is, which libvirt shows with its mdev_types capability.
# The stock lane: its kernel has the type1 backend that makes IOMMU groups
# appear as libvirt expects; libvirt's own wait for its enumeration is the
# only wait.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 10
for c in libvirtd virsh unshare; do
	command -v $c >/dev/null || ktap_exit_fail_msg "no $c (libvirt-daemon, libvirt-clients)"
done
nodedev=$(ls /usr/lib/*/libvirt/connection-driver/libvirt_driver_nodedev.so 2>/dev/null | head -1)
[ -n "$nodedev" ] || ktap_exit_fail_msg "no libvirt node-device driver"
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
mdevfw_kmod vfio_iommu_type1 || ktap_exit_fail_msg "no vfio_iommu_type1 in this kernel"
insmod "$MDEVFW_MODDIR/selftests/pci-parent/mdevfw_pciparent.ko" ||
	ktap_exit_fail_msg "cannot load mdevfw_pciparent"
msample_new 0 8 >/dev/null
U1=$(new_uuid)
U2=$(new_uuid)
wr "$(type_dir msample0 msample-1)/create" "$U1" >/dev/null
wr "$(type_dir msample0 msample-2)/create" "$U2" >/dev/null

# The first PCI function without a driver becomes a parent.
fn=
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/driver" ] || { fn=${d##*/}; break; }
done
[ -n "$fn" ] || ktap_exit_fail_msg "no PCI function without a driver"
PF=/sys/bus/pci/devices/$fn
wr "$PF/driver_override" mdevfw_pcip >/dev/null
wr /sys/bus/pci/drivers_probe "$fn" >/dev/null
check "the PCI parent binds $fn" "$(basename "$(readlink "$PF/driver")")" mdevfw_pcip
U3=$(new_uuid)
wr "$PF/mdev_supported_types/mdevfw_pcip-vf/create" "$U3" >/dev/null

# libvirt's names: SUBSYSTEM_SYSNAME[_PARENT], every other character "_".
name() { echo "$*" | tr -c '[:alnum:]\n' _; }
pci=$(name "pci_$fn")
M1=$(name "mdev_${U1}_msample0")
M2=$(name "mdev_${U2}_msample0")
M3=$(name "mdev_${U3}_$fn")

# libvirt asks mdevctl for defined mdevs (none), and mdevctl refuses to
# run without its script directories (/etc/mdevctl.d is the VM's tmpfs).
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
run=$(mktemp -d -p /run)
mkdir "$run/drivers"
ln -s "$nodedev" "$run/drivers/"
cat >"$run/libvirtd.conf" <<EOF
unix_sock_dir = "$run"
log_outputs = "3:file:$run/libvirtd.log"
EOF
t0=$(date +%s)
# Its state directories are the host's under 9p: tmpfs over them, in a
# mount namespace of its own. -d returns once the sockets listen.
unshare --mount --propagation private bash -c '
	for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
		[ -d $d ] && mount -t tmpfs tmpfs $d
	done
	LIBVIRT_DRIVER_DIR=$1/drivers exec libvirtd -d -f $1/libvirtd.conf -p $1/pid' \
	- "$run" || ktap_exit_fail_msg "libvirtd did not start"
# One virsh for many commands (a process start over 9p under TCG costs
# seconds): "vsh CMD; echo @@; CMD ...", then "part N" of its output.
# virsh's echo ends no line: "@@" starts the line of the next output.
vsh() { out=$(virsh -q -c "nodedev:///system?socket=$run/libvirt-sock" "$@" 2>&1); }
part() {
	awk -v n="$1" '{ while (substr($0, 1, 2) == "@@") { p++; $0 = substr($0, 3) } }
		p == n && $0 != ""' <<<"$out"
}
took() { ktap_print_msg "$* after $(( $(date +%s) - t0 )) s"; }
# stop: the daemon, and a bounded wait for its exit (the pid file is its lock).
stop() {
	local pid
	pid=$(cat "$run/pid")
	kill "$pid"
	timeout 60 tail --pid="$pid" -f /dev/null
}

took "libvirtd up"
vsh "nodedev-list --cap mdev; echo @@; nodedev-list --cap mdev_types; echo @@;
     nodedev-dumpxml $M1; echo @@; nodedev-dumpxml $M2; echo @@;
     nodedev-dumpxml $M3; echo @@; nodedev-dumpxml $pci"
took "virsh done"
check "nodedev-list --cap mdev lists the three mdevs" \
	"$(part 0 | sort)" "$(printf '%s\n' "$M1" "$M2" "$M3" | sort)"
check "nodedev-list --cap mdev_types lists the PCI parent only" "$(part 1)" "$pci"

# xml MDEV UUID TYPE PARENT_NAME PARENT_ADDR DRIVER: what libvirt must say.
xml() {
	cat <<EOF
<device>
  <name>$1</name>
  <path>$(readlink -f $SYS_MDEVS/"$2")</path>
  <parent>$4</parent>
  <driver>
    <name>$6</name>
  </driver>
  <capability type='mdev'>
    <type id='$3'/>
    <uuid>$2</uuid>
    <parent_addr>$5</parent_addr>
    <iommuGroup number='$(basename "$(readlink $SYS_MDEVS/"$2"/iommu_group)")'/>
  </capability>
</device>
EOF
}
check "dumpxml: msample-1, its group, parent computer" \
	"$(part 2)" "$(xml "$M1" "$U1" msample-1 computer msample0 msample)"
check "dumpxml: msample-2, its group, parent computer" \
	"$(part 3)" "$(xml "$M2" "$U2" msample-2 computer msample0 msample)"
check "dumpxml: the PCI parent's mdev, its group, parent $pci" \
	"$(part 4)" "$(xml "$M3" "$U3" mdevfw_pcip-vf "$pci" "$fn" mdevfw_pcip_mdev)"
check "dumpxml: the PCI parent's mdev_types capability" \
	"$(part 5 | sed -n "/<capability type='mdev_types'>/,/<\/capability>/p")" \
	"    <capability type='mdev_types'>
      <type id='mdevfw_pcip-vf'>
        <name>A function of nothing</name>
        <deviceAPI>vfio-pci</deviceAPI>
        <availableInstances>3</availableInstances>
      </type>
    </capability>"

# A new mdev reaches libvirt through the kernel's uevent; a removed one
# leaves. The daemon reads both from its udev monitor, which needs udevd:
# without it libvirt sees them at its next start. Restart it.
stop
wr $SYS_MDEVS/"$U2"/remove 1 >/dev/null
U4=$(new_uuid)
wr "$PF/mdev_supported_types/mdevfw_pcip-vf/create" "$U4" >/dev/null
M4=$(name "mdev_${U4}_$fn")
unshare --mount --propagation private bash -c '
	for d in /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
		[ -d $d ] && mount -t tmpfs tmpfs $d
	done
	LIBVIRT_DRIVER_DIR=$1/drivers exec libvirtd -d -f $1/libvirtd.conf -p $1/pid' \
	- "$run" || ktap_exit_fail_msg "libvirtd did not start again"
took "libvirtd up again"
vsh "nodedev-list --cap mdev; echo @@; nodedev-dumpxml $pci"
took "virsh done"
check "after a remove and a create: the list follows" \
	"$(part 0 | sort)" "$(printf '%s\n' "$M1" "$M3" "$M4" | sort)"
check "and the PCI parent has 2 instances left" \
	"$(part 1 | grep -o '<availableInstances>.*')" \
	"<availableInstances>2</availableInstances>"
stop
took "libvirtd stopped"
for u in "$U1" "$U3" "$U4"; do wr $SYS_MDEVS/"$u"/remove 1 >/dev/null; done
wr "$PF/driver/unbind" "$fn" >/dev/null
wr "$PF/driver_override" "" 1 >/dev/null
check "the PCI function is let go" "$([ -e "$PF/driver" ] && echo bound || echo unbound)" unbound
rm -rf "$run"
ktap_finished
