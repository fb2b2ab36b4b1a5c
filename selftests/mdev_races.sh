#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the C race tests (kselftest_harness) with the sample parent loaded.
. "$(dirname "$0")/lib/guest.sh"
mdevfw_load sample || { ktap_print_header; ktap_exit_fail_msg "cannot load the modules"; }
"$MDEVFW_TOOLS/mdev_races"
