#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo's transcript, run inside the VM by scripts/demo.sh.
set -eu
. selftests/lib/guest.sh
say() { printf '\n### %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; eval "$*"; }

mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
say "Load the framework and the sample vendor driver"
# What mdevfw.ko needs of the kernel's own modules (vfio, where VFIO is a
# module), as modprobe would load it.
for dep in $(modinfo -F depends "$MDEVFW_MODDIR/mdevfw.ko" | tr , ' '); do
	run mdevfw_kmod "$dep"
done
run insmod "$MDEVFW_MODDIR/mdevfw.ko"
run insmod "$MDEVFW_MODDIR/sample-parent/mdevfw_sample.ko"

say "1. Create a parent: a virtual PF with a pool of 8 serial ports"
run 'echo "1 8" > /sys/bus/msample/new_device'
run ls /sys/class/mdev_bus/
run devlink dev show
run devlink dev info msample/msample1

say "2. Its types"
run mdevctl types

say "3. Start two mdevs with mdevctl"
A=11111111-2222-4333-8444-555555555555
B=66666666-7777-4888-8999-aaaaaaaaaaaa
run mdevctl start -p msample1 -t msample-1 -u $A
run mdevctl start -p msample1 -t msample-2 -u $B
run mdevctl list
run cat /sys/class/mdev_bus/msample1/mdev_supported_types/msample-1/available_instances

say "4. Capacity in devlink, and a change event when it moves"
run devlink resource show msample/msample1
# The kernel's side of udev; the monitor listens once it has said so.
udevadm monitor --kernel --property --subsystem-match=msample >/run/demo.monitor &
mon=$!
timeout 10 grep -q -m1 '^KERNEL - ' <(tail -n +1 -f /run/demo.monitor) || :
run devlink dev param set msample/msample1 name max_ports value 12 cmode runtime
timeout 10 grep -q -m1 '^MDEV_TYPES=' <(tail -n +1 -f /run/demo.monitor) || :
kill $mon
echo '$ udevadm monitor --kernel --property --subsystem-match=msample'
sed -n '/^KERNEL\[/,$p' /run/demo.monitor
run devlink resource show msample/msample1
run 'cat /sys/class/mdev_bus/msample1/mdev_supported_types/msample-*/available_instances'

say "5. Bytes through one mdev's serial port (a tty with a loopback)"
tty=$(head -1 /sys/bus/mdev/devices/$A/ports)
run "stat -c '%n: char device %t:%T, mode %A' /dev/$tty"
run "exec 3<>/dev/$tty"
run 'echo "hello through $tty" >&3'
run 'read -r -t 5 line <&3; echo "read back: $line"'
run 'echo 0 > /sys/bus/mdev/devices/'$A'/loopback'
run 'echo dropped >&3; read -r -t 1 line <&3 || echo "loopback off: nothing read back"'
run "exec 3>&-"

say "6. Switch the eswitch to switchdev: every mdev gets a devlink port"
run devlink dev eswitch show msample/msample1
run devlink dev eswitch set msample/msample1 mode switchdev
run devlink port show
run devlink port function set msample/msample1/0 hw_addr 02:00:00:00:00:01
run devlink port show msample/msample1/0

say "7. Add a port through devlink: the same mdev appears in sysfs"
run devlink dev param show msample/msample1 name port_mdev_type
run devlink port add msample/msample1 flavour pcisf pfnum 0 sfnum 7
# Its UUID is name-based: anyone can compute it from the port's name.
C=$(python3 -c 'import uuid; print(uuid.uuid5(uuid.UUID("6d646576-6677-4e5f-9c1e-706f72747321"), "msample/msample1/pf0sf7"))')
echo "(uuid5 of \"msample/msample1/pf0sf7\" in mdevfw's namespace: $C)"
run "ls /sys/bus/mdev/devices/"
run "readlink /sys/bus/mdev/devices/$C/mdev_type"
run mdevctl list

say "8. Switch back: refused while a tty is open, accepted once it is closed"
run "exec 3<>/dev/$tty"
run 'devlink dev eswitch set msample/msample1 mode legacy || echo "(refused: exit $?)"'
run "exec 3>&-"
run devlink dev eswitch set msample/msample1 mode legacy
run devlink dev eswitch show msample/msample1
run 'devlink port show | wc -l'
run 'ls /sys/bus/mdev/devices/ | wc -l'

say "9. Teardown: delete the parent while a tty is open; it hangs up"
# The tty is our controlling terminal (we opened it without O_NOCTTY), so
# its hangup also sends us SIGHUP, as a USB serial adapter's unplug would.
trap 'echo "(SIGHUP: the tty hung up)"' HUP
run "exec 3<>/dev/$tty"
run 'echo 1 > /sys/bus/msample/del_device'
run 'read -r line <&3 && echo "read: $line" || echo "read: EOF"'
run '{ echo more >&3; } 2>&1 || echo "(the write failed, as on an unplugged USB serial adapter)"'
run "exec 3>&-"
run 'ls /sys/bus/mdev/devices/ | wc -l'
run 'devlink dev show | wc -l'
run rmmod mdevfw_sample
run rmmod mdevfw
echo
echo "demo: done"
