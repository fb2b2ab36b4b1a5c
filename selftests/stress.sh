#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The regression test for the seed deadlock: bounded loops run at once
# against one parent, each for at most STRESS_SECONDS (default 20) and
# STRESS_COUNT operations (default 100000):
#   create/remove through sysfs, eswitch mode flips, devlink port add/del,
#   port function set, devlink reload (after removing the parent's mdevs,
#   since it is refused while any exists), parent del_device and
#   re-create, and open/close of the ttys; and, where the kernel has VFIO
#   (type1 or iommufd), open/close of the mdevs' VFIO devices and four
#   loops that hold one across a front
#   door (selftests/tools/stressor.c): sysfs remove (on the same parent)
#   and del_device (of a second PF; each must signal the request eventfd
#   and wait), devlink port del (refused while open; with the cdev held
#   unbound, done at once and finished when it is closed) and the eswitch
#   mode set (refused while open), these two on a third PF in switchdev
#   mode: on the first, open ttys and VFIO devices refuse most mode
#   flips, and ports come and go with them.
# Every loop counts its results by errno and prints them. The harness
# fails the run on any lockdep, KASAN or kmemleak report, hung task,
# WARNING or BUG. Here we check that every loop and stressor exited 0 and
# succeeded at least once, that no operation failed with an errno outside
# the documented ones, and that sysfs and devlink agree once the loops have
# stopped.
. "$(dirname "$0")/lib/guest.sh"

SECS=${STRESS_SECONDS:-20}
COUNT=${STRESS_COUNT:-100000}
ID=0
PORTS=16
D=msample/msample$ID
OUT=/run/stress
mkdir -p $OUT

ktap_print_header
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
vfio=
vfio_held=
if mdevfw_kmod vfio_iommu_type1 2>/dev/null || mdevfw_kmod iommufd 2>/dev/null; then
	vfio=vfio_cycle
	msample_new 2 8 >/dev/null
	devlink dev eswitch set msample/msample2 mode switchdev
	vfio_held="vfio_remove vfio_portdel vfio_mode vfio_parent"
	# The stressor's unbound holds need the cdev (and iommufd).
	vfio_has_cdev && mdevfw_kmod iommufd 2>/dev/null && export STRESS_VFIO_CDEV=1
fi
if [ -n "$vfio" ]; then ktap_set_plan 18; else ktap_set_plan 13; fi
msample_new $ID $PORTS >/dev/null
T1=$(type_dir msample$ID msample-1)
T2=$(type_dir msample$ID msample-2)
wr $T1/create "$(new_uuid)" >/dev/null

# loop NAME BODY: runs BODY (a function printing one result word) until
# the time or the count is up; writes "NAME result count ..." lines.
# A loop that has not succeeded yet when its time is up goes on until it
# does, for at most nine times as long again: under TCG a devlink command
# can take seconds (a reload on x86-debug-smp beside a UML boot made 3
# tries in 60 s, all EBUSY; on a slower machine, beside a UML boot and
# another VM, fn_set and reload made 3 each in 100 s, none succeeded),
# and a loop that never succeeded raced nothing.
loop() {
	local name=$1 body=$2 n=0 end=$((SECONDS + SECS)) last=$((SECONDS + 10 * SECS))
	declare -A seen=()
	trap '' HUP
	while [ $n -lt "$COUNT" ] && { [ $SECONDS -lt $end ] ||
		{ [ -z "${seen[OK]:-}" ] && [ $SECONDS -lt $last ]; }; }; do
		r=$($body 2>/dev/null | head -1)
		r=${r%% *}
		seen[${r:-none}]=$((${seen[${r:-none}]:-0} + 1))
		n=$((n + 1))
	done
	for r in "${!seen[@]}"; do echo "$name $r ${seen[$r]}"; done >$OUT/$name
}

# Each body prints OK or an errno name.
# Maps devlink's message to an errno name; the raw text goes to the log.
errname() {
	echo "$1" | head -3 >>$OUT/raw.$BASHPID
	case $1 in
	*"Device or resource busy"*) echo EBUSY ;;
	*"No such device"*) echo ENODEV ;;
	*"File exists"*) echo EEXIST ;;
	*"Too many users"*) echo EUSERS ;;
	*"Operation not supported"*) echo EOPNOTSUPP ;;
	*"No such file"*|*"not found"*|*"does not exist"*) echo ENOENT ;;
	*) echo "OTHER:${1//[[:space:]]/_}" ;;
	esac
}
devlink_rc() {
	local out
	if out=$("$@" 2>&1); then echo OK; else errname "$out"; fi
}
# $n is the calling loop's count: even to switchdev, odd back to legacy.
mode_flip() {
	local mode=switchdev
	[ $((n % 2)) -eq 0 ] || mode=legacy
	devlink_rc devlink dev eswitch set $D mode $mode
}
# port_add: adds a port and prints its name, or prints the errno name and
# fails. In legacy mode it asks for switchdev first: the open ttys and
# VFIO devices refuse most of mode_flip's flips, and a loop that never
# adds a port races nothing.
port_add() {
	local out
	if ! out=$(devlink port add $D flavour pcisf pfnum 0 2>&1); then
		case $out in
		*"Operation not supported"*)
			devlink dev eswitch set $D mode switchdev 2>/dev/null &&
				out=$(devlink port add $D flavour pcisf pfnum 0 2>&1) ;;
		*) false ;;
		esac || { errname "$out"; return 1; }
	fi
	# "msample/msample0/3: type notset flavour pcisf ..."
	echo "${out%%:*}"
}
port_add_del() {
	local p
	p=$(port_add) || { echo "$p"; return; }
	devlink_rc devlink port del "$p"
}
# Without a port at that moment it adds one: on a slow or loaded VM the
# other loops leave the parent without ports most of the time, and a loop
# that finds none races nothing.
fn_set() {
	local p
	p=$(devlink port show 2>/dev/null | grep -m1 -o "^$D/[0-9]*") ||
		p=$(port_add) || { echo "$p"; return; }
	devlink_rc devlink port function set "$p" hw_addr 02:00:00:00:00:0$((RANDOM % 10))
}
# Removes the parent's mdevs, then reloads it: the types go and come
# back while the other loops create, remove, flip and delete. EBUSY when
# a create got in first.
reload() {
	local m
	for m in /sys/devices/msample$ID/????????-????-????-????-????????????; do
		[ -e "$m/remove" ] && wr "$m/remove" 1 >/dev/null
	done
	devlink_rc devlink dev reload $D
}

# The sysfs and data-path loops are C (selftests/tools/stressor.c): a fork
# costs 10 ms in UML. The devlink ones run iproute2's devlink each time.
S=$MDEVFW_TOOLS/stressor
declare -A pids=()
$S create_remove $SECS $COUNT create $T1 >$OUT/create_remove & pids[create_remove]=$!
$S create_dual $SECS $COUNT create $T2 >$OUT/create_dual & pids[create_dual]=$!
$S open_close $SECS $COUNT open >$OUT/open_close & pids[open_close]=$!
$S parent_cycle $SECS $COUNT parent $ID $PORTS $T1 >$OUT/parent_cycle & pids[parent_cycle]=$!
if [ -n "$vfio" ]; then
	D2=msample/msample2
	$S vfio_cycle $SECS $COUNT vfio-cycle >$OUT/vfio_cycle &
	pids[vfio_cycle]=$!
	$S vfio_remove $SECS $COUNT vfio-remove $T2 >$OUT/vfio_remove &
	pids[vfio_remove]=$!
	$S vfio_portdel $SECS $COUNT vfio-portdel $D2 100 "$(port_uuid $D2/pf0sf100)" \
		>$OUT/vfio_portdel &
	pids[vfio_portdel]=$!
	$S vfio_mode $SECS $COUNT vfio-mode "$(type_dir msample2 msample-1)" $D2 \
		>$OUT/vfio_mode &
	pids[vfio_mode]=$!
	$S vfio_parent $SECS $COUNT vfio-parent 1 4 "$(port_uuid msample/msample1/pf0sf0)" \
		>$OUT/vfio_parent &
	pids[vfio_parent]=$!
fi
for k in mode_flip port_add_del fn_set reload; do
	loop $k $k &
	pids[$k]=$!
done
failed=
for k in "${!pids[@]}"; do
	wait "${pids[$k]}" || failed="$failed $k:$?"
done

cat $OUT/raw.* 2>/dev/null | sort | uniq -c | sort -rn | head -8 |
	while read -r line; do ktap_print_msg "devlink said: $line"; done
rm -f $OUT/raw.*
cat $OUT/* | sort | while read -r k r n; do ktap_print_msg "$k: $r x$n"; done
# The counts, summed with the shell's builtins: under TCG an awk per loop
# cost a second or more.
declare -A okn=() ran=()
total=0 odd=
for f in $OUT/*; do
	while read -r k r c; do
		# A line that is not "LOOP RESULT COUNT" is a result too.
		[[ -n $k && $c =~ ^[0-9]+$ ]] || { odd+="$k $r $c "; continue; }
		ran[$k]=$((${ran[$k]:-0} + c))
		total=$((total + c))
		case $r in
		OK) okn[$k]=$((${okn[$k]:-0} + c)) ;;
		# Every errno is one the ABI documents for these races.
		# ENXIO: no tty, or no mdev with a VFIO device, to open at that
		# moment; EINVAL: the VFIO cdev of a device that another loop
		# has bound (vfio binds a device through one cdev file at a
		# time).
		EBUSY|ENODEV|ENOENT|EEXIST|EUSERS|EOPNOTSUPP|EIO|ENXIO|EINVAL) ;;
		*) odd+="$k $r $c " ;;
		esac
	done <"$f"
done
ktap_print_msg "operations: $total in ${SECS}s or $COUNT each"
check "every stressor and loop exited 0" "${failed# }" ""
# Each loop must have done its work at least once, or it raced nothing.
for k in create_remove create_dual parent_cycle open_close mode_flip port_add_del fn_set reload $vfio $vfio_held; do
	n=${okn[$k]:-0}
	if [ "$n" -gt 0 ]; then
		ktap_test_pass "$k: $n of ${ran[$k]:-0} succeeded"
	else
		ktap_test_fail "$k: none of ${ran[$k]:-0} succeeded"
	fi
done
check "no undocumented result" "${odd% }" ""

# Quiesced: the two views agree, and everything goes with the parent.
if [ -d $SYS_MDEV_BUS/msample$ID ]; then
	nm=$(find /sys/devices/msample$ID -maxdepth 1 -name '*-*-*-*-*' | wc -l)
	mode=$(devlink -j dev eswitch show $D | jq -r '.dev[].mode')
	np=$(devlink -j port show | jq "[.port | keys[] | select(startswith(\"$D/\"))] | length")
	[ "$mode" = switchdev ] || nm=0
	check "quiesced: one port per mdev in switchdev" "$np" "$nm"
else
	check "quiesced: one port per mdev in switchdev" 0 0
fi
msample_del $ID >/dev/null
# The VFIO loops' PFs; the second is there only if a turn failed.
[ -z "$vfio" ] || msample_del 2 >/dev/null
[ ! -d /sys/devices/msample1 ] || msample_del 1 >/dev/null
check "parent gone: no mdevs, no ports" \
	"$(ls $SYS_MDEVS | wc -l) $(devlink -j port show | jq '.port | length')" "0 0"
check "no devlink instance left" "$(devlink -j dev show | jq -c '.dev | keys')" "[]"
ktap_finished
