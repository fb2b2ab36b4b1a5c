#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KUnit tests of the framework's pure logic, reported as TAP: one case per
# KUnit case, read back from debugfs.
. "$(dirname "$0")/lib/guest.sh"

ko=$MDEVFW_MODDIR/kunit/mdevfw_kunit.ko
[ -f "$ko" ] || { ktap_print_header; ktap_skip_all "no CONFIG_KUNIT"; exit 0; }
insmod "$ko" || { ktap_print_header; ktap_exit_fail_msg "insmod failed"; }
results=/sys/kernel/debug/kunit/mdevfw_util/results
ktap_print_header
# The suite's own cases are the indented "ok N name" lines.
cases=$(grep -E '^    (not )?ok [0-9]+ ' "$results")
ktap_set_plan "$(printf '%s\n' "$cases" | grep -c .)"
while read -r line; do
	name=${line##* }
	case $line in
	"not ok"*) ktap_test_fail "kunit $name" ;;
	*) ktap_test_pass "kunit $name" ;;
	esac
done <<<"$cases"
rmmod mdevfw_kunit
ktap_finished
