#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Init of every test VM, on every lane. The host's root is our root (hostfs
# on UML, 9p under QEMU), so the repository and the run directory are seen
# at the same paths as on the host. vm-run.sh writes $RUN/env first.
#
# It runs the command, unloads our modules, lets kmemleak age and scan,
# saves the kernel log and powers off. A command that does not finish in
# time gets its blocked tasks dumped (sysrq w) before the power-off.
RUN=${RUN:?}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck source=/dev/null
. "$RUN/env"

# Mount unconditionally: over 9p the host's own /proc and /sys show
# through and look like mountpoints, but they are the host's.
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t debugfs debugfs /sys/kernel/debug
grep -q '^devtmpfs /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e /dev/${i#*:} ] || ln -s /proc/self/fd/${i%%:*} /dev/${i#*:}
done
# Guest-only state: never touch the host's copies.
mount -t tmpfs tmpfs /run
for d in /etc/mdevctl.d /etc/udev/rules.d /var/tmp; do
	[ -d "$d" ] && mount -t tmpfs tmpfs "$d"
done
hostname mdevfw-vm
echo 1 >/proc/sys/kernel/sysrq
echo "$HUNG_TIMEOUT" >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo 0 >/proc/sys/kernel/hung_task_panic 2>/dev/null
[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak

cd "$WORKDIR" || exit 1
export MDEVFW_LANE MDEVFW_MODDIR MDEVFW_KSRC MDEVFW_TOP="$WORKDIR"
echo "vm: $(uname -r) lane=$MDEVFW_LANE cpus=$(nproc)" >"$RUN/out.log"
setsid bash -c "$CMD" >>"$RUN/out.log" 2>&1 </dev/null &
pid=$!
# A bounded wait that needs no sleep loop: timeout(1) on a wait for the pid.
if timeout "$CMD_TIMEOUT" tail --pid=$pid -f /dev/null; then
	wait $pid
	echo $? >"$RUN/rc"
else
	echo "vm: command still running after ${CMD_TIMEOUT}s: blocked tasks follow" >>"$RUN/out.log"
	# The dump of blocked tasks can push the first reports out of the ring.
	dmesg >"$RUN/dmesg-timeout.txt"
	echo w >/proc/sysrq-trigger
	echo 124 >"$RUN/rc"
	echo timeout >"$RUN/timed-out"
fi

if [ ! -e "$RUN/timed-out" ]; then
	# Unload ours, newest first, so kmemleak sees whatever they left.
	for m in $(awk '$1 ~ /^mdevfw/ { print $1 }' /proc/modules); do
		rmmod "$m" 2>>"$RUN/out.log"
	done
	if [ -w /sys/kernel/debug/kmemleak ]; then
		# kmemleak reports only objects older than 5 s: the wait is part of the check.
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
		echo scan >/sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak >"$RUN/kmemleak.txt"
	fi
fi
grep -s debug_locks /proc/lockdep_stats >"$RUN/lockdep.txt"
dmesg >"$RUN/dmesg.txt"
sync
echo o >/proc/sysrq-trigger
sleep 30
