#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vendor API that no sysfs path of the framework calls, through the
# test parent (selftests/test-parent): mdevfw_parent_register(),
# mdevfw_device_create_locked() and _remove_locked(),
# mdevfw_type_available() and mdevfw_type_priv(); the data-path open
# from a hard interrupt under an IRQ-safe lock, with every other path
# that takes the same lock run with interrupts on (lockdep must stay
# quiet); a pool larger than INT_MAX; a vendor remove that forgets an
# open; and a parent initialised again before it was waited for.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 31
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
insmod "$MDEVFW_MODDIR/selftests/test-parent/mdevfw_testparent.ko" pool_size=4294967295 ||
	ktap_exit_fail_msg "cannot load the test parent"
hups=0
trap 'hups=$((hups + 1))' HUP
TP=$SYS_MDEV_BUS/mdevfw_tp0
PARAMS=/sys/module/mdevfw_testparent/parameters
types() { cat $TP/types | tr '\n' ' '; }

check "mdevfw_parent_register(), mdevfw_type_available()" "$(types)" "a 2 b 3 "
check "a second parent on the same device" "$(wr $TP/dup 1)" EEXIST
check "its message" "$(dmesg | grep -c 'mdevfw_tp0: mdevfw: the device is already a parent$')" 1

M=$(new_uuid)
check "mdevfw_device_create_locked()" "$(wr $TP/mdevs "+a $M")" OK
check "in sysfs, of its type" "$(basename "$(readlink $SYS_MDEVS/$M/mdev_type)")" \
	"$(basename "$(ls -d $TP/mdev_supported_types/*-a)")"
check "mdevfw_type_priv()" "$(cat $SYS_MDEVS/$M/type)" a
check "create_locked of a taken UUID" "$(wr $TP/mdevs "+b $M")" EEXIST
check "accounted" "$(types)" "a 1 b 3 "

# mdevfw_device_open() in hard interrupt context under an IRQ-safe lock,
# as a UART driver would call it under its port lock.
check "open from a hard interrupt" "$(wr $SYS_MDEVS/$M/open 1)" OK
check "again" "$(wr $SYS_MDEVS/$M/open 1)" OK
check "two opens" "$(cat $SYS_MDEVS/$M/open)" 2
check "close with interrupts off" "$(wr $SYS_MDEVS/$M/open 0)" OK
# Every other path that takes the same lock, with interrupts on: a
# tty open and close, the mode changes, the port function, port del.
D=msample/msample1
msample_new 1 4 >/dev/null
S=$(new_uuid)
wr "$(type_dir msample1 msample-1)/create" "$S" >/dev/null
tty=$(cat $SYS_MDEVS/$S/ports)
exec 3<>/dev/$tty
exec 3>&-
check "switchdev" "$(devlink dev eswitch set $D mode switchdev 2>&1; echo $?)" 0
check "port function" \
	"$(devlink port function set $D/0 hw_addr 02:00:00:00:00:01 state inactive 2>&1; echo $?)" 0
check "open of an inactive function" "$(wr /dev/$tty x)" ENODEV
devlink port function set $D/0 state active
check "legacy" "$(devlink dev eswitch set $D mode legacy 2>&1; echo $?)" 0
devlink dev eswitch set $D mode switchdev
check "port del" "$(devlink port del $D/0 2>&1; echo $?)" 0
msample_del 1 >/dev/null
check "mdevfw_device_remove_locked() revokes the open left" \
	"$(wr $TP/mdevs "-$M")$(ls $SYS_MDEVS | grep -c "$M")" "OK0"
check "remove_locked of an unknown UUID" "$(wr $TP/mdevs "-$M")" ENOENT

# A pool larger than INT_MAX, and a type that takes half of it.
check "a type of cost 2^31" "$(wr $TP/types +big:2147483648)" OK
check "one instance" "$(types)" "a 2 b 3 big 1 "
B=$(new_uuid)
check "create it" "$(wr $TP/mdevs "+big $B")" OK
check "none left" "$(types)" "a 2 b 3 big 0 "
check "remove it" "$(wr $TP/mdevs "-$B")" OK
check "one again" "$(types)" "a 2 b 3 big 1 "

# A vendor remove that forgets an open: logged, and the counts repaired,
# or the parent's release would find the open left at unregister.
echo 1 >$PARAMS/leak_open
L=$(new_uuid)
wr $TP/mdevs "+a $L" >/dev/null
wr $SYS_MDEVS/$L/open 1 >/dev/null
check "remove of an mdev its vendor left open" "$(wr $SYS_MDEVS/$L/remove 1)" OK
check "the framework says so" \
	"$(dmesg | grep -c "mdevfw_tp0: mdevfw: $L: remove of mdevfw_tp left 1 open; counted as closed$")" 1
echo 0 >$PARAMS/leak_open

# reload_up must not initialise a parent that reload_down unpublished:
# sysfs writers may still hold it until mdevfw_parent_wait().
check "init again before the wait" "$(wr $TP/reload 1)" EBUSY
check "its message" \
	"$(dmesg | grep -c 'mdevfw_tp0: mdevfw: init of a parent still registered, or not waited for$')" 1
check "the parent came back the right way" "$(types)" "a 2 b 3 "

rmmod mdevfw_testparent
check "unregistered" "$(ls $SYS_MDEV_BUS | wc -l) $(ls $SYS_MDEVS | wc -l)" "0 0"
ktap_finished
