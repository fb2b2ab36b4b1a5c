#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Uevent contents and order (C, kselftest_harness), on the sample parent.
. "$(dirname "$0")/lib/guest.sh"
mdevfw_load sample || { ktap_print_header; ktap_exit_fail_msg "cannot load the modules"; }
"$MDEVFW_TOOLS/uevents"
