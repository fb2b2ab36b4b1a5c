#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A parent's change events through the real systemd-udevd: mdevctl's rule
# runs "mdevctl start-parent-mdevs" for MDEV_STATE=registered, and for
# none of the change events that name types (MDEV_TYPES). Both rules are
# tried: Debian's own (/lib/udev/rules.d/60-mdevctl.rules, as the
# package installs it) and ours (udev/60-mdevctl.rules, which overrides it
# by name). udevd's debug log names every program a rule runs; udevadm
# monitor --udev shows each event once its rules have run, so the test
# waits for that, bounded, and never sleeps.
. "$(dirname "$0")/lib/guest.sh"

ktap_print_header
ktap_set_plan 7
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
LOG=/run/udevd.log
MON=/run/udev.monitor
# --daemon returns once its sockets listen; with --debug it keeps its
# stderr, and logs every program a rule runs.
/lib/systemd/systemd-udevd --daemon --debug >$LOG 2>&1
check "udevd answers" "$(udevadm control --ping -t 10 2>&1; echo $?)" 0
udevadm monitor --udev --property --subsystem-match=msample >$MON &
monitor=$!

# wait_line FILE LINE N: until FILE has LINE N times, for at most 90 s
# (udev in UML, under load, takes 20 s for an event that runs mdevctl).
wait_line() {
	[ "$(timeout 90 grep -m "$3" -x -F -- "$2" <(tail -n +1 -f "$1") | wc -l)" = "$3" ]
}
# wait_udev LINE: until udev has handled one more event with LINE.
declare -A waited=()
wait_udev() {
	waited[$1]=$((${waited[$1]:-0} + 1))
	wait_line $MON "$1" "${waited[$1]}"
}
# How often a rule ran mdevctl's start for msample7.
fired() { grep -c 'Running command.*start-parent-mdevs msample7' $LOG; }

# round NAME: a parent comes up (the rule must fire), then two change
# events (it must not), then it goes.
round() {
	local name=$1 before=0 ok=1 U
	msample_new 7 4 >/dev/null
	wait_udev MDEV_STATE=registered && before=$(fired)
	check "$name: it starts the parent's mdevs at MDEV_STATE=registered" \
		"$([ "$before" -gt 0 ] && echo fired)" fired
	U=$(new_uuid)
	wr "$(type_dir msample7 msample-2)/create" "$U" >/dev/null
	wait_udev "MDEV_TYPES=msample-1=2" || ok=0
	devlink dev param set msample/msample7 name max_ports value 8 cmode runtime
	wait_udev "MDEV_TYPES=msample-1=6 msample-2=3" || ok=0
	check "$name: udev handled both change events, and it did not fire" \
		"$ok $(fired)" "1 $before"
	wr $SYS_MDEVS/$U/remove 1 >/dev/null
	msample_del 7 >/dev/null
	wait_udev MDEV_STATE=unregistered
}

mkdir -p /etc/mdevctl.d/msample7
check "Debian's rule is mdevctl's" \
	"$(grep -c '^ACTION=="change", ENV{MDEV_STATE}=="registered", TEST=="/etc/mdevctl.d/$kernel", RUN+=' \
		/lib/udev/rules.d/60-mdevctl.rules)" 1
round "Debian's rule"
cp udev/60-mdevctl.rules /etc/udev/rules.d/
udevadm control --reload
round "our rule"

# The transcript of Documentation/abi.rst: one change event, as the
# kernel sends it and as udev passes it on.
udevadm monitor --kernel --udev --property --subsystem-match=msample >/run/transcript &
tr=$!
msample_new 7 4 >/dev/null
wr "$(type_dir msample7 msample-2)/create" "$(new_uuid)" >/dev/null
wait_line /run/transcript "MDEV_TYPES=msample-1=2" 2
kill $tr
awk '/^(KERNEL|UDEV)/ { p = 0 } /^(KERNEL|UDEV).* change / { p = 1 } p' /run/transcript |
	grep -v '^$' | tail -n 16 | while read -r l; do ktap_print_msg "$l"; done
for u in $(ls $SYS_MDEVS); do wr $SYS_MDEVS/$u/remove 1 >/dev/null; done
msample_del 7 >/dev/null
kill $monitor
check "udevd exits" "$(udevadm control --exit -t 30 2>&1; echo $?)" 0
ktap_finished
