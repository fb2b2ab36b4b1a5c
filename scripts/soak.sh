#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the stress test (selftests/stress.sh) for a long, bounded
# time on two CPUs with lockdep, KASAN and kmemleak (x86-debug-smp), for
# release checks. make check runs the 20-second version.
#
#   scripts/soak.sh [SECONDS]      default 600; also SOAK_LANE=uml-debug
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-${SOAK_SECONDS:-600}}
lane=${SOAK_LANE:-x86-debug-smp}
scripts/build-modules.sh "$lane" >/dev/null
make -s -C selftests >/dev/null
# The VM's own limit: the loops, the teardown, and the kmemleak scan.
exec scripts/vm-run.sh --lane "$lane" --timeout $((secs + 240)) -- \
	env STRESS_SECONDS="$secs" STRESS_COUNT=100000000 bash selftests/stress.sh
