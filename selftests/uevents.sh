#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Uevent contents and order (C, kselftest_harness), on the sample parent
# and the test parent: add, remove, MDEV_STATE and change events.
. "$(dirname "$0")/lib/guest.sh"
mdevfw_load sample || { ktap_print_header; ktap_exit_fail_msg "cannot load the modules"; }
insmod "$MDEVFW_MODDIR/selftests/test-parent/mdevfw_testparent.ko" pool_size=4 ||
	{ ktap_print_header; ktap_exit_fail_msg "cannot load the test parent"; }
"$MDEVFW_TOOLS/uevents"
