#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Random input to every writable file of ours (C, kselftest_harness).
. "$(dirname "$0")/lib/guest.sh"
mdevfw_load sample || { ktap_print_header; ktap_exit_fail_msg "cannot load the modules"; }
"$MDEVFW_TOOLS/fuzz"
