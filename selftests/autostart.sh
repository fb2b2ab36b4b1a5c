#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mdevctl autostart through udev, with the real systemd-udevd: a device
# defined with --auto comes up by itself when its parent registers. First
# with Debian's own rule only (which calls /usr/sbin/mdevctl, absent on
# Debian 12: nothing starts), then with ours installed as
# /etc/udev/rules.d/60-mdevctl.rules. Our tty rule links the mdev's ttys
# under /dev/mdev/by-uuid/<uuid>/. No sleeps: udevadm settle, and udevadm
# wait for the auto mdev, which udev's rule creates on its own time.
#
# The rules pipe mdevctl's words to logger: busybox's syslogd keeps them
# in /run/syslog, and a failed case shows them with the kernel's last
# lines; udevd logs (its warnings: a RUN that failed, a worker killed)
# to the kernel log.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 9
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
busybox syslogd -n -O /run/syslog &
syslogd=$!
# /dev/log is the guest's devtmpfs, which outlives the test: remove it on
# every way out.
trap 'kill $syslogd 2>/dev/null; wait $syslogd 2>/dev/null; rm -f /dev/log' EXIT
SYSTEMD_LOG_TARGET=kmsg /lib/systemd/systemd-udevd --daemon || ktap_exit_fail_msg "no systemd-udevd"
U=12345678-1234-4234-8234-123456789abc

msample_new 1 4 >/dev/null
check_cmd "define --auto" mdevctl define -p msample1 -t msample-1 -u $U --auto
check "defined, not running" "$(mdevctl list -d)" "$U msample1 msample-1 auto"
msample_del 1 >/dev/null
udevadm settle

# Debian's rule alone.
msample_new 1 4 >/dev/null
udevadm settle
check "Debian 12's own rule starts nothing" "$(ls $SYS_MDEVS | wc -l)" 0
msample_del 1 >/dev/null
udevadm settle

# Ours, overriding it by name.
cp udev/60-mdevctl.rules udev/70-mdevfw-tty.rules /etc/udev/rules.d/
udevadm control --reload
reloaded=$?
new=$(msample_new 1 4)
udevadm settle
settled=$?
[ -e $SYS_MDEVS/$U ] || ktap_print_msg "no mdev when udevadm settle returned $settled"
udevadm wait --initialized=no --timeout=60 $SYS_MDEVS/$U
udevadm settle
got=$(readlink -f $SYS_MDEVS/$U)
check "with our rule the auto mdev starts" "$got" "/sys/devices/msample1/$U"
if [ "$got" != "/sys/devices/msample1/$U" ]; then
	ktap_print_msg "reload: $reloaded, new_device: $new, udevd: $(pidof systemd-udevd || echo gone)"
	sed 's/^/# syslog: /' /run/syslog 2>/dev/null
	dmesg | sed -n '/mdevfw-test: begin autostart/,$p' | tail -30 | sed 's/^/# dmesg: /'
fi
check "mdevctl sees it running" "$(mdevctl list)" "$U msample1 msample-1 auto (defined)"
tty=$(cat $SYS_MDEVS/$U/ports)
check "one tty, named by the sample" "$(grep -c '^ttyMDEV[0-9]*$' <<<"$tty")" 1
check "by-uuid link to it" "$(ls /dev/mdev/by-uuid/$U) $(readlink -f /dev/mdev/by-uuid/$U/$tty)" \
	"$tty /dev/$tty"
msample_del 1 >/dev/null
udevadm settle
check "by-uuid link gone with the mdev" "$(ls -A /dev/mdev/by-uuid 2>/dev/null | wc -l)" 0
udevadm control --exit
check "nothing left" "$(ls $SYS_MDEVS | wc -l)" 0
ktap_finished
