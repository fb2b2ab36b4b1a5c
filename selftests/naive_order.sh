#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The negative test of the seed deadlock, on modules built with
# MDEVFW_NAIVE=y: create holds SRCU across its wait for the devlink
# instance lock, and parent deletion waits for SRCU readers under that
# lock. One create and one delete, in sequence, give lockdep both edges;
# the runner requires it to report the cycle.
. "$(dirname "$0")/lib/guest.sh"
mdevfw_load sample
msample_new 1 4
wr "$(type_dir msample1 msample-1)/create" "$(new_uuid)"
msample_del 1
