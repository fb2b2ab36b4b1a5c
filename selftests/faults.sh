#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection: fail the Nth allocation made on behalf of our modules
# (failslab and fail_page_alloc through the per-task /proc/self/fail-nth,
# with GFP_KERNEL allowed to fail), for N = 1, 2, ... until the operation
# succeeds. Every failing run must return an error and leave nothing behind
# in sysfs; the runner's kmemleak scan checks that nothing leaked.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 10
# The sample's mdevs are VFIO devices, so create and port add register one
# and remove unregisters it, under injection like the rest. One function is
# left out: a failure inside vfio's vfio_create_group() after its
# vfio_group_alloc() puts a group whose iommu_group is still set, and
# vfio_group_release() WARNs (6.1 and 6.12, drivers/vfio: upstream's error
# path, not ours). The stack-trace filter rejects the allocations made under
# that function, and fail-nth does not count them (should_fail_ex() checks
# the filter first); the walk follows the frame pointers, and sees the 32
# innermost frames (lib/fault-inject.c), which vfio_create_group()'s own
# allocations have been well inside. A kernel without the filter
# (uml-debug-6.1), or whose vfio has no vfio_create_group() of its own,
# runs this test without the VFIO devices, and says so.
vfio=0 why="this kernel has no fault-injection stack-trace filter"
if [ -e /sys/kernel/debug/failslab/reject-start ]; then
	mdevfw_kmod vfio || ktap_exit_fail_msg "cannot load vfio"
	vcg=$(awk '$3 == "vfio_create_group" && $4 == "[vfio]" { print $1; exit }' /proc/kallsyms)
	why="vfio has no vfio_create_group() of its own"
	if [ -n "$vcg" ]; then
		vfio=1
		[ $((16#$vcg)) != 0 ] ||
			ktap_exit_fail_msg "/proc/kallsyms gives no addresses (kptr_restrict)"
		# Its end: the next higher address of vfio's text.
		vend=$(awk '$4 == "[vfio]" && $2 ~ /^[tT]$/ { print $1 }' /proc/kallsyms |
			LC_ALL=C sort -u | awk -v s="$vcg" '($1 "") > (s "") { print; exit }')
		size=$((16#${vend:-0} - 16#$vcg))
		[ -n "$vend" ] && [ $size -gt 0 ] && [ $size -lt 65536 ] ||
			ktap_exit_fail_msg "vfio_create_group: 0x$vcg to 0x${vend:-?} is not one function"
	fi
fi
# uml-debug is the lane whose faults test covers the VFIO devices.
[ $vfio = 1 ] || [ "${MDEVFW_LANE:-}" != uml-debug ] ||
	ktap_exit_fail_msg "uml-debug must run faults with the VFIO devices, but $why"
mdevfw_load sample vfio=$vfio || ktap_exit_fail_msg "cannot load the modules"
insmod "$MDEVFW_MODDIR/selftests/test-parent/mdevfw_testparent.ko" ||
	ktap_exit_fail_msg "cannot load the test parent"

# GFP_KERNEL and order-0 allocations may fail too, wherever they are made:
# wr arms /proc/self/fail-nth just before its write, so only that
# syscall's allocations are counted.
for f in failslab fail_page_alloc; do
	d=/sys/kernel/debug/$f
	echo N >$d/ignore-gfp-wait
	echo ${FAULTS_VERBOSE:-1} >$d/verbose
	if [ $vfio = 1 ]; then
		echo "0x$vcg" >$d/reject-start
		echo "0x$vend" >$d/reject-end
	fi
done
if [ $vfio = 1 ]; then
	ktap_print_msg "VFIO devices on; not injected under vfio_create_group (0x$vcg to 0x$vend)"
else
	ktap_print_msg "VFIO devices off: $why"
fi
echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
echo 0 >/sys/kernel/debug/fail_page_alloc/min-order

failed_total=0
absorbed_total=0
# step NAME DONE GONE UNDO FILE DATA: fail the Nth allocation of the write,
# for N = 1, 2, ... until the write succeeds with no failure injected. After
# a failed write, GONE must hold (nothing left behind); after a write that
# absorbed its failure and succeeded, DONE must hold (the result is whole),
# and then UNDO puts things back for the next.
# An injected failure must come back as an errno in $allow (ENOMEM unless
# a step says otherwise). ENOBUFS is netlink's "the reply or the ack was
# lost": the request may have been done, so it is undone if it was.
allow=ENOMEM
# A tool that is gone makes "no answer", not a SIGPIPE that ends the test.
trap '' PIPE
step() {
	local name=$1 done=$2 gone=$3 undo=$4 file=$5 data=$6
	stepcmd "$name" "$done" "$gone" "$undo" "$MDEVFW_TOOLS/wr" "$file" "$data"
}
# stepcmd NAME DONE GONE UNDO CMD...: the same for a tool that prints as wr
# does, such as dlfail for one devlink request. The tool runs once, as a
# coprocess serving the attempts (WR_FAIL_SERVE, tools/failnth.h): one N
# in, one result line out. Under UML a program start costs more than most
# attempts.
stepcmd() {
	local name=$1 done=$2 gone=$3 undo=$4 n out bad=0 failed=0 absorbed=0
	local t0=$EPOCHSECONDS pid wfd
	shift 4
	coproc FAILS { WR_FAIL_SERVE=1 exec "$@" 2>/dev/null; }
	pid=$FAILS_PID wfd=${FAILS[1]}
	for ((n = 1; n <= 600; n++)); do
		{ echo $n >&"${FAILS[1]}" && read -r out <&"${FAILS[0]}"; } ||
			out="no answer"
		[ "$out" = OK ] && break
		case $out in
		"no answer")
			ktap_print_msg "$name: attempt $n: the tool is gone"
			bad=1
			break ;;
		"OK injected")
			# Something (kmemleak's metadata, a retry) absorbed it.
			absorbed=$((absorbed + 1))
			if ! eval "$done"; then
				ktap_print_msg "$name: attempt $n absorbed its failure but the result is not whole"
				bad=1
			fi
			eval "$undo" >/dev/null
			continue ;;
		"ENOBUFS injected"*)
			# Done or not, but whole either way.
			failed=$((failed + 1))
			if ! eval "$gone"; then
				if ! eval "$done"; then
					ktap_print_msg "$name: attempt $n lost its reply ($out) and left a half-done result"
					bad=1
				fi
				eval "$undo" >/dev/null
			fi
			continue ;;
		*" injected"*)
			if [[ ${out%% *} =~ ^($allow)$ ]]; then
				failed=$((failed + 1))
			else
				ktap_print_msg "$name: attempt $n: $out"
				bad=1
				continue
			fi ;;
		*)
			ktap_print_msg "$name: attempt $n: $out"
			bad=1
			continue ;;
		esac
		if ! eval "$gone"; then
			ktap_print_msg "$name: failure $n ($out) left something behind"
			bad=1
		fi
	done
	exec {wfd}>&-
	wait "$pid"
	if [ "$out" = OK ]; then
		ktap_print_msg "$name: failed the 1st to ${n}th allocation in turn: $failed requests failed, $absorbed absorbed the failure, then it succeeded ($((EPOCHSECONDS - t0)) s)"
	else
		ktap_print_msg "$name: no success in $((n - 1)) attempts ($failed failed, $absorbed absorbed; $((EPOCHSECONDS - t0)) s)"
	fi
	failed_total=$((failed_total + failed))
	absorbed_total=$((absorbed_total + absorbed))
	[ $bad = 0 ] && [ "$out" = OK ] && [ $failed -gt 0 ] && eval "$done"
}

# The checks after each attempt use the shell's builtins where they can:
# under UML a program costs a good fraction of a second, and this test
# makes hundreds of attempts.
# entries DIR: sets nent to how many entries DIR has (not n: that is
# stepcmd's attempt counter, which the checks run inside).
entries() {
	local e
	nent=0
	for e in "$1"/*; do
		{ [ -e "$e" ] || [ -L "$e" ]; } && nent=$((nent + 1))
	done
}
# devnode FILE: FILE's first line names a device node that exists.
devnode() {
	local l=
	{ read -r l || [ -n "$l" ]; } <"$1" && [ -n "$l" ] && [ -e "/dev/$l" ]
}
# vfio_whole N: with the VFIO devices on, N mdevs have an IOMMU group and
# a VFIO device, and no group or device is left over.
vfio_whole() {
	[ $vfio = 0 ] && return
	entries /sys/kernel/iommu_groups
	[ $nent = "$1" ] || return
	entries /sys/class/vfio-dev
	[ $nent = "$1" ]
}
# put FILE DATA: an undo's write, exactly DATA, from a builtin.
put() { printf '%s' "$2" >"$1"; }

# st: the devlink instance's eswitch mode and its number of ports
# ("legacy 0"), or the errno name of the query, from one program.
DL=$MDEVFW_TOOLS/dlfail
D=msample/msample5
st() { $DL state $D 2>&1; }
U=$(new_uuid)
T1=$(type_dir msample5 msample-1)
T2=$(type_dir msample5 msample-2)
# The driver core logs and swallows a failed driver_sysfs_add() in
# really_probe(): the PF is added but no driver binds, which new_device
# reports as ENODEV.
allow="ENOMEM|ENODEV"
check_cmd "parent create (new_device)" step new_device \
	'[ -e $T2/create ] && [ "$(st)" = "legacy 0" ]' \
	'[ ! -e /sys/devices/msample5 ] && [ ! -e /sys/class/mdev_bus/msample5 ]' \
	'put $SYS_MSAMPLE/del_device 5' $SYS_MSAMPLE/new_device "5 4"
# tty_register_device_attr() ignores a failed dev_set_name(), and
# device_add() of the nameless tty device is EINVAL: the sample's probe
# (and so create) passes that on.
allow="ENOMEM|EINVAL"
check_cmd "mdev create" step create \
	'[ -L $SYS_MDEVS/$U/mdev_type ] && [ -e $SYS_MDEVS/$U/remove ] && devnode $SYS_MDEVS/$U/ports && vfio_whole 1' \
	'[ ! -e /sys/devices/msample5/$U ] && [ ! -e $SYS_MDEVS/$U ] && vfio_whole 0' \
	'put $SYS_MDEVS/$U/remove 1' "$T2/create" "$U"
allow=ENOMEM
check_cmd "mdev remove" step remove \
	'[ ! -e $SYS_MDEVS/$U ] && vfio_whole 0' '[ -e $SYS_MDEVS/$U/remove ] && vfio_whole 1' \
	'put $T2/create $U' $SYS_MDEVS/$U/remove 1
check_cmd "type add (test parent)" step type-add \
	'[ -e $SYS_MDEV_BUS/mdevfw_tp0/mdev_supported_types/mdevfw_tp_pf-c/create ]' \
	'[ ! -e $SYS_MDEV_BUS/mdevfw_tp0/mdev_supported_types/mdevfw_tp_pf-c ]' \
	'put $SYS_MDEV_BUS/mdevfw_tp0/types -c' $SYS_MDEV_BUS/mdevfw_tp0/types +c
# devlink: the mode change with two mdevs, then port add in switchdev.
wr $T2/create "$U" >/dev/null
U1=$(new_uuid)
wr $T1/create "$U1" >/dev/null
check_cmd "eswitch mode change" stepcmd eswitch-set \
	'[ "$(st)" = "switchdev 2" ]' \
	'[ "$(st)" = "legacy 0" ]' \
	"$DL eswitch-set $D legacy" $DL eswitch-set $D switchdev
allow="ENOMEM|EINVAL"
check_cmd "devlink port add" stepcmd port-add \
	'entries $SYS_MDEVS; [ "$nent $(st)" = "3 switchdev 3" ] && vfio_whole 3' \
	'entries $SYS_MDEVS; [ "$nent $(st)" = "2 switchdev 2" ] && vfio_whole 2' \
	"$DL port-del $D 5" $DL port-add $D 0 5
# Some of those failures hit devlink's reply after port_new succeeded:
# devlink then calls port_del with a NULL extack, which must succeed.
undone=$(dmesg | grep -c 'port add of sfnum 5 undone: devlink could not reply')
ktap_print_msg "port adds undone by port_del with a NULL extack: $undone"
# Before 6.5 devlink undoes with the request's extack, which nothing tells
# from a user's port del: there, what is left is all there is to check.
kernel_before 6.5 && undone=1
check "port_del with a NULL extack ran and left nothing" \
	"$([ "$undone" -gt 0 ] && echo yes) $(ls $SYS_MDEVS | wc -l) $(st)" "yes 3 switchdev 3"
# devlink reload, with no mdev left: the types go and come back. A
# failed reload_up leaves the parent registered with no type (devlink
# marks the instance reload_failed) until a reload succeeds; a failed
# reply after a whole reload leaves both types.
for m in $(ls $SYS_MDEVS); do wr $SYS_MDEVS/$m/remove 1 >/dev/null; done
ntypes() { entries $SYS_MDEV_BUS/msample5/mdev_supported_types; }
whole() { ntypes; [ $nent = 2 ] && [ -e $T2/create ] && [ -e $T1/create ]; }
allow=ENOMEM
check_cmd "devlink reload" stepcmd reload \
	'whole' \
	'ntypes; [ $nent = 0 ] || whole' \
	':' $DL reload $D
check_cmd "parent delete (del_device)" step del_device \
	'[ ! -e /sys/devices/msample5 ] && [ ! -e /sys/class/mdev_bus/msample5 ]' \
	'[ -e /sys/devices/msample5 ]' \
	'put $SYS_MSAMPLE/new_device "5 4"' $SYS_MSAMPLE/del_device 5
ktap_print_msg "failure points: $failed_total injected and failed the request, $absorbed_total injected and absorbed"
check "nothing left" "$(ls $SYS_MDEVS | wc -l) $(ls /sys/bus/msample/devices | wc -l) $(vfio_whole 0 && echo no-vfio-left)" "0 0 no-vfio-left"
ktap_finished
