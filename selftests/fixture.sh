#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The negative test: load the deliberately broken fixture in MODE (abba,
# leak, uaf, warn, refcount, hung or stall). The runner boots once per mode
# and expects the splat detector to report it; this script only commits the
# sin. hung and stall last past the kernel's own limits, read here.
# kmemleak-off needs no module: it switches kmemleak off, as kmemleak does
# itself when it fails, and the detector must say that nothing was checked.
. "$(dirname "$0")/lib/guest.sh"
mode=${1:?usage: fixture.sh abba|leak|uaf|warn|refcount|hung|stall|kmemleak-off}
if [ "$mode" = kmemleak-off ]; then
	echo off >/sys/kernel/debug/kmemleak
	exit
fi
args=()
# The boot is the fixture's own: both limits come down to the least the
# kernel takes (a timeout of 1 s would make the hung-task detector check
# every second), so that the sin lasts seconds, not half a minute.
case $mode in
hung)
	echo 2 >/proc/sys/kernel/hung_task_timeout_secs
	# Two checks of the hung-task detector, and a margin.
	args=(secs=$(( 2 * $(cat /proc/sys/kernel/hung_task_timeout_secs) + 3 ))) ;;
stall)
	# RCU takes 3 s at least; a grace period that starts later uses it.
	echo 3 >/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout
	args=(secs=$(( $(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout) + 10 ))) ;;
esac
insmod "$MDEVFW_MODDIR/selftests/fixture/mdevfw_splat_fixture.ko" mode="$mode" "${args[@]}"
