#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make vfio-guest: a Linux guest drives an mdev of the sample through QEMU's
# vfio-pci (selftests/vfio_guest.sh), on the stock lane: Debian's kernel
# runs both the test VM and, under QEMU nested in it, the guest. make check
# runs the same test in its stock-6.1 boot; this runs it alone, on 6.12. Prints the
# test's TAP, its time, and ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
start=$(date +%s)
# Its last line is the cache directory; its status, not tail's, is the verdict.
cache=$(set -o pipefail; scripts/stock.sh | tail -1) ||
	{ echo "vfio-guest: cannot prepare the stock lane"; exit 1; }
scripts/build-modules.sh stock >/dev/null || { echo "vfio-guest: the stock build failed"; exit 1; }
make -s -C selftests >/dev/null || { echo "vfio-guest: the selftest tools did not build"; exit 1; }
out=$(scripts/vm-run.sh --lane stock --timeout "${VFIO_GUEST_TIMEOUT:-1600}" -- \
	selftests/vfio_guest.sh "$cache" 2>&1)
rc=$?
echo "$out"
pass=$(grep -c '^ok ' <<<"$out")
fail=$(grep -c '^not ok ' <<<"$out")
[ $rc = 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "vfio-guest: done in $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed"
[ $rc = 0 ] && [ "$fail" = 0 ]
