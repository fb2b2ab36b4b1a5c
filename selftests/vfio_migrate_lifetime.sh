#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An mdev held in each migration state, at each front door
# (Documentation/locking.rst, "Live migration"): the eswitch mode change
# refuses with EBUSY and its "migrating" extack, devlink port del refuses
# as for any VFIO user; sysfs remove and the parent's delete ask the
# user to let go through the request eventfd and finish once it has,
# which tears the migration file down. Then a bounded fuzz of the data
# stream, and fault injection of the migration's allocations. The log
# must stay clean (no splat, leak or hung task).
#
#   vfio_migrate_lifetime.sh group|cdev
. "$(dirname "$0")/lib/guest.sh"

mode=${1:?usage: vfio_migrate_lifetime.sh group|cdev}
STATES="5 1 3 4 6 7"	# RUNNING_P2P STOP STOP_COPY RESUMING PRE_COPY PRE_COPY_P2P
ktap_print_header
ktap_set_plan 56
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
case $mode in
group) mdevfw_kmod vfio_iommu_type1 || ktap_exit_fail_msg "no vfio_iommu_type1" ;;
cdev) mdevfw_kmod iommufd || ktap_exit_fail_msg "no iommufd" ;;
esac
run() { local out; out=$("$@" 2>&1); echo "$?|$out"; }
BUSY="kernel answers: Device or resource busy"
fifo=$(mktemp -d -p /run)
mkfifo "$fifo/in" "$fifo/out"
hold() {
	"$MDEVFW_TOOLS/vfio_migrate" --hold "$mode" "$1" "$2" <"$fifo/in" >"$fifo/out" &
	hpid=$!
	exec 7>"$fifo/in" 8<"$fifo/out"
}
next() { local line=timeout; read -r -t 60 line <&8; echo "$line"; }
reap() { wait $hpid; exec 7>&- 8<&-; }
create() { local u; u=$(new_uuid); [ "$(wr "$1/create" "$u")" = OK ] && echo "$u"; }

n=10
for s in $STATES; do
	D=msample/msample$n
	msample_new $n 4 >/dev/null
	devlink dev eswitch set $D mode switchdev
	T1=$(type_dir msample$n msample-1)
	A=$(create "$T1")
	B=$(create "$T1")

	hold "$A" "$s"
	check "state $s: held" "$(next)" ready
	check "state $s: mode change refused" "$(run devlink dev eswitch set $D mode legacy)" \
		"1|Error: mdevfw: mdevs of this parent are migrating (1); finish or reset them first.
$BUSY"
	check "state $s: port del refused" "$(run devlink port del $D/0)" \
		"1|Error: mdevfw: the mdev is open through VFIO; close it, or remove it through sysfs.
$BUSY"
	out=$(mktemp)
	wr $SYS_MDEVS/$A/remove 1 >"$out" &
	rm_pid=$!
	check "state $s: remove asks the user" "$(next)" request
	check "state $s: who lets go" "$(next)" closed
	wait $rm_pid
	reap
	check "state $s: then remove succeeds" "$(cat "$out")" OK

	hold "$B" "$s"
	check "state $s: held again" "$(next)" ready
	msample_del $n >"$out" &
	del_pid=$!
	check "state $s: parent delete asks the user" "$(next)" request
	next >/dev/null
	wait $del_pid
	reap
	check "state $s: then the parent goes" "$(cat "$out") $(ls $SYS_MDEV_BUS)" "OK "
	rm -f "$out"
	n=$((n + 1))
done

# Two mdevs for the fuzz, in switchdev mode (devlink_migratable.sh
# tests the ports' migratable function).
D=msample/msample1
msample_new 1 4 >/dev/null
devlink dev eswitch set $D mode switchdev
T2=$(type_dir msample1 msample-2)
S=$(create "$T2")
U=$(create "$T2")

# The data stream, fuzzed: every stream is refused with one of its
# errnos, or taken with the device working after it.
out=$("$MDEVFW_TOOLS/vfio_migrate" --fuzz "$mode" "$S" "$U" 3000 15 2>&1)
check "fuzz: 3000 streams, no bug" "$?|$(cut -d, -f1 <<<"$out")" "0|fuzz: 3000 rounds"
ktap_print_msg "$out"

# Fault injection of the migration's allocations (the data file, its
# buffer, vfio's fd): as selftests/faults.sh arms it, for one task.
for f in failslab fail_page_alloc; do
	echo N >/sys/kernel/debug/$f/ignore-gfp-wait
	echo 0 >/sys/kernel/debug/$f/verbose
done
out=$("$MDEVFW_TOOLS/vfio_migrate" --faults "$mode" "$S" 2>&1)
check "faults: every failed allocation is ENOMEM, then it works" "$?" 0
ktap_print_msg "$out"
for f in failslab fail_page_alloc; do
	echo Y >/sys/kernel/debug/$f/ignore-gfp-wait
	echo 2 >/sys/kernel/debug/$f/verbose
done
msample_del 1 >/dev/null
rm -rf "$fifo"
ktap_finished
