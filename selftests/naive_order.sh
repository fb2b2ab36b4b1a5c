#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The negative tests of the lock order, on modules built with one of the
# patches of selftests/naive/ applied to a copy of the sources (the runner
# picks the lane and requires lockdep to report, naming the classes):
# - naive.patch: create holds SRCU across its wait for the devlink
#   instance lock, and parent deletion waits for SRCU readers under that
#   lock: the seed deadlock (mdevfw_srcu / devlink->lock_key);
# - naive-active.patch: create blocks on that lock while it holds its
#   file's active reference, which parent deletion drains under the lock
#   (mdevfw_sysfs_active / devlink->lock_key).
# One create and one delete, in sequence, give lockdep both edges.
. "$(dirname "$0")/lib/guest.sh"
mdevfw_load sample
msample_new 1 4
wr "$(type_dir msample1 msample-1)/create" "$(new_uuid)"
msample_del 1
