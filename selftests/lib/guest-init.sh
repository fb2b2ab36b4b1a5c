#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Init of every test VM, on every lane. The host's root is our root (hostfs
# on UML, 9p under QEMU), so the repository and the run directory are seen
# at the same paths as on the host. vm-run.sh writes $RUN/env and the plan,
# $RUN/plan: one test a line, "NAME TIMEOUT COMMAND...".
#
# Each test of the plan runs in turn, isolated from the ones before it:
# fresh tmpfs over the guest-only directories, and afterwards every process
# it started is killed and every module it loaded is unloaded (a module
# that will not unload is recorded: objects it still holds would hide from
# kmemleak). Its output goes to $RUN/t.NAME.out, its exit status to
# $RUN/t.NAME.rc, and the kernel log gets "mdevfw-test: begin/end NAME"
# markers, so the detector can tell which test a report came from.
#
# At the end it lets kmemleak age and scan, saves the kernel log, the taint
# mask and lockdep's state, and powers off; after a test that stopped at
# the report its boot expects (await()), init exits instead. A test that does not finish in
# time gets its blocked tasks dumped (sysrq w), and no later test runs.
RUN=${RUN:?}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck source=/dev/null
. "$RUN/env"

# Mount unconditionally: over 9p the host's own /proc and /sys show
# through and look like mountpoints, but they are the host's.
mount -t proc proc /proc
# QEMU 7.2's TCG finds the code it has translated by virtual address: with
# user-space address randomization each program start translates its
# loader and libraries again. Without it a start under TCG costs about
# half (/bin/true 0.20 s against 0.36 to 0.43 s, devlink -V 0.30 against
# 0.45 to 0.53 s, on Debian's 6.12). The tests are of the kernel; where
# user space maps its libraries is no part of them.
case $MDEVFW_LANE in
x86-*|stock*) echo 0 >/proc/sys/kernel/randomize_va_space ;;
esac
# The programs init starts are busybox's if it is there (make check
# installs busybox-static): static, it starts under TCG in a quarter of
# the time of util-linux's mount (busybox true 0.21 s, mount -V 0.77 s,
# on the x86 lane).
bb=
type -P busybox >/dev/null && bb=busybox
$bb mount -t sysfs sys /sys
$bb mount -t debugfs debugfs /sys/kernel/debug
devtmpfs=
while read -r fs dir _; do
	[ "$fs $dir" != "devtmpfs /dev" ] || devtmpfs=1
done </proc/mounts
[ -n "$devtmpfs" ] || $bb mount -t devtmpfs devtmpfs /dev
# Under QEMU the root is cached (cache=loose): the run directory, which the
# host reads, has a mount of its own that writes through (vm-run.sh).
if [ -n "${RUN_9P:-}" ]; then
	$bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 "$RUN_9P" "$RUN" ||
		{ echo "vm: cannot mount the run directory ($RUN_9P)"; echo o >/proc/sysrq-trigger; sleep 30; }
fi
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
[ -e /dev/fd ] || $bb ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e /dev/${i#*:} ] || $bb ln -s /proc/self/fd/${i%%:*} /dev/${i#*:}
done
echo mdevfw-vm >/proc/sys/kernel/hostname
echo 1 >/proc/sys/kernel/sysrq
echo "$HUNG_TIMEOUT" >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo 0 >/proc/sys/kernel/hung_task_panic 2>/dev/null
[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak

cd "$WORKDIR" || exit 1
export MDEVFW_LANE MDEVFW_MODDIR MDEVFW_KSRC MDEVFW_KIMAGE MDEVFW_TOP="$WORKDIR"
# Builtins only: under TCG a program start costs about 0.4 s (/bin/true
# on the x86 lane, 1 GB).
read -r release </proc/sys/kernel/osrelease
read -r online </sys/devices/system/cpu/online
echo "vm: $release lane=$MDEVFW_LANE cpus=$online" >"$RUN/out.log"

# The helpers between two tests read /proc with the shell's builtins: under
# TCG every program started costs a second or more.

# Guest-only state, fresh for every test: never touch the host's copies.
isolate() {
	"$WORKDIR/.build/tools/isolate" /run /etc/mdevctl.d /etc/udev/rules.d /var/tmp
}

# The loaded modules, newest first, on one line.
modules() {
	local m rest list=
	while read -r m rest; do list+="$m "; done </proc/modules
	echo "$list"
}

# The user processes' pids, on one line: not kernel threads (kthreadd, 2,
# and its children), not zombies, not the subshell that lists them. Read
# from /proc/PID/stat, which, unlike cmdline, takes no lock of the
# process's memory.
user_pids() {
	local p st f list=
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = "$BASHPID" ] || [ "$p" = 2 ] && continue
		st=
		read -r st 2>/dev/null <"/proc/$p/stat" || continue
		# After the command name, in parentheses: state, parent.
		read -ra f <<<"${st##*) }"
		[ "${f[0]}" = Z ] || [ "${f[1]}" = 2 ] || list+="$p "
	done
	echo "$list"
}

# kill_new BEFORE: kill every user process not in BEFORE, and wait for it;
# again, a few times, for any a dying one started. Prints those still
# there after that (one stuck in the kernel ignores SIGKILL).
kill_new() {
	local p left round st
	for round in 1 2 3 4; do
		left=()
		for p in $(user_pids); do
			[[ " $1 " == *" $p "* ]] || [ "$p" = $$ ] || left+=("$p")
		done
		[ ${#left[@]} -gt 0 ] || return 0
		[ $round -lt 4 ] || break
		kill -9 "${left[@]}" 2>/dev/null
		for p in "${left[@]}"; do
			timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null
		done
	done
	for p in "${left[@]}"; do
		st=
		read -r st 2>/dev/null <"/proc/$p/stat"
		echo "still running after SIGKILL: ${st:-$p}"
	done
}

# unload_new BEFORE: unload, newest first, every module not in BEFORE,
# with one rmmod (it goes on past a module that will not go, and says
# why).
unload_new() {
	local m err list=()
	for m in $(modules); do
		[[ " $1 " == *" $m "* ]] || list+=("$m")
	done
	[ ${#list[@]} -gt 0 ] || return 0
	err=$(rmmod "${list[@]}" 2>&1) || echo "${err:-rmmod ${list[*]}: failed}"
}

# await PID SECS: 0 once PID has exited, 124 if it is still running after
# SECS; 200 once the kernel log has a line matching EXPECT_STOP, if that
# comes first. vm-run.sh sets EXPECT_STOP for a UML boot that expects a
# lockdep report: a naive build deadlocks after it (stress-naive), and
# waiting for the test's timeout and then for a power-off that the
# deadlock blocks proves nothing more. UML has one CPU, and lockdep prints
# its whole report with interrupts off, so once the report's first line
# can be read, all of it is in the log. UML with more than one CPU would
# not promise that: there, no stop.
await() {
	local pid=$1 tmo=$2 fd follow watch waiter first st
	local cpus
	read -r cpus </sys/devices/system/cpu/possible
	if [ -z "${EXPECT_STOP:-}" ] || [ "$cpus" != 0 ]; then
		timeout "$tmo" tail --pid="$pid" -f /dev/null
		return
	fi
	# dmesg reads /dev/kmsg a record at a time; grep on it directly
	# fails (EINVAL) once its buffer has less room left than a record.
	exec {fd}< <(exec dmesg -w)
	follow=$!
	grep -m1 -qE -- "$EXPECT_STOP" <&$fd &
	watch=$!
	exec {fd}<&-
	timeout "$tmo" tail --pid="$pid" -f /dev/null &
	waiter=$!
	wait -n -p first $watch $waiter
	st=$?
	kill $follow 2>/dev/null
	if [ "$first" = "$watch" ]; then
		[ $st = 0 ] && { kill $waiter; wait $waiter; return 200; }
		# The watch failed: wait as without it.
		wait $waiter
		return
	fi
	kill $watch
	wait $watch
	return $st
}

while read -r name tmo cmd; do
	[ -n "$name" ] || continue
	# A test that cannot be isolated would write to the host's /etc and
	# /run: it does not run, and neither does any later one.
	if ! err=$(isolate 2>&1); then
		printf '%s\nvm: %s not run: its isolation failed\n' "$err" "$name" >"$RUN/t.$name.out"
		echo 125 >"$RUN/t.$name.rc"
		break
	fi
	pids=" $(user_pids) "
	mods=" $(modules)"
	echo "mdevfw-test: begin $name" >/dev/kmsg
	start=$EPOCHSECONDS
	# Appending, so that what the runner adds is not overwritten.
	: >"$RUN/t.$name.out"
	setsid bash -c "$cmd" >>"$RUN/t.$name.out" 2>&1 </dev/null &
	pid=$!
	# A bounded wait that needs no sleep loop: timeout(1) on a wait for the pid.
	await "$pid" "$tmo"
	st=$?
	if [ $st = 0 ]; then
		wait $pid
		echo $? >"$RUN/t.$name.rc"
	elif [ $st = 200 ]; then
		echo "vm: $name stopped at the report it expects" >>"$RUN/t.$name.out"
		echo 125 >"$RUN/t.$name.rc"
		touch "$RUN/stopped"
		break
	else
		echo "vm: $name still running after ${tmo}s: blocked tasks follow" >>"$RUN/t.$name.out"
		# The dump of blocked tasks is long; keep the log before it too.
		dmesg >"$RUN/dmesg-timeout.txt"
		echo w >/proc/sysrq-trigger
		echo 124 >"$RUN/t.$name.rc"
		echo "$name" >"$RUN/timed-out"
		break
	fi
	kill_new "$pids" >"$RUN/t.$name.left"
	unload_new "$mods" >"$RUN/t.$name.unload"
	read -r taint </proc/sys/kernel/tainted
	echo "$taint" >"$RUN/t.$name.tainted"
	echo $((EPOCHSECONDS - start)) >"$RUN/t.$name.secs"
	echo "mdevfw-test: end $name" >/dev/kmsg
	ended=$EPOCHREALTIME
done <"$RUN/plan"

# On a lane with kmemleak, the detector requires "scanned": a kmemleak
# that switched itself off fails its scan, and would otherwise find nothing.
# A boot that expects another splat has no scan (KMEMLEAK_SCAN=off,
# vm-run.sh).
if [ "${KMEMLEAK:-off}" = on ] && [ "${KMEMLEAK_SCAN:-on}" = on ] && [ ! -e "$RUN/timed-out" ] &&
   [ ! -e "$RUN/stopped" ]; then
	if [ ! -w /sys/kernel/debug/kmemleak ]; then
		echo "no /sys/kernel/debug/kmemleak" >"$RUN/kmemleak.state"
	else
		# A scan reports an unreferenced object only if it was 5 s old
		# when the scan began and its checksum is the one the scan
		# before took; and a scan takes the checksum only of an object
		# nothing refers to at that moment (mm/kmemleak.c). So the first
		# scan waits until 6 s after the last test ended: by then what
		# still pointed at a leak for a while (an object freed after an
		# RCU grace period or a kfree_rcu() batch, up to 5 s) is gone,
		# and the leak is white in both scans and old enough for the
		# second. Scanning at once and waiting between the scans missed
		# such a leak.
		ended=${ended:-$EPOCHREALTIME}
		rest=$((6000000 - (${EPOCHREALTIME/./} - ${ended/./})))
		[ $rest -le 0 ] || sleep "$((rest / 1000000)).$(printf %06d $((rest % 1000000)))"
		if echo scan >/sys/kernel/debug/kmemleak &&
		   echo scan >/sys/kernel/debug/kmemleak; then
			cat /sys/kernel/debug/kmemleak >"$RUN/kmemleak.txt"
			echo scanned >"$RUN/kmemleak.state"
		else
			echo "the scan failed: kmemleak is off" >"$RUN/kmemleak.state"
		fi
	fi
fi
grep -s debug_locks /proc/lockdep_stats >"$RUN/lockdep.txt"
cat /proc/sys/kernel/tainted >"$RUN/tainted"
dmesg >"$RUN/dmesg.txt"
sync
# A stopped test's tasks are deadlocked: the power-off would wait for their
# device locks. Init's exit ends the VM (the kernel panics) at once.
[ -e "$RUN/stopped" ] && exit 0
echo o >/proc/sysrq-trigger
sleep 30
