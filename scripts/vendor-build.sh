#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that a vendor module builds against an installed mdevfw, as DKMS
# users would have it: install the framework's header and Module.symvers
# into a staging root, copy the sample out of the tree, and build it with
# its own Makefile against Debian's distro headers. Modpost must resolve
# every mdevfw symbol from the installed Module.symvers.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$("$top/scripts/stock.sh" --kdir | tail -1)
fw=$top/.build/stock
[ -f "$fw/Module.symvers" ] || "$top/scripts/build-modules.sh" stock >/dev/null

stage=$top/.build/vendor
rm -rf "$stage"
make -s -C "$top" install-dev DESTDIR="$stage" SYMVERS="$fw/Module.symvers"
mdevfw=$(echo "$stage"/usr/src/mdevfw-*)
mkdir -p "$stage/msample"
cp "$top"/sample-parent/{*.c,*.h,Kbuild,Makefile} "$stage/msample/"

log=$stage/build.log
if ! make -C "$stage/msample" KDIR="$kdir" MDEVFW="$mdevfw" >"$log" 2>&1; then
	cat "$log"
	exit 1
fi
if grep -E 'warning|undefined|error' "$log"; then
	echo "vendor-build: the external build has warnings"
	exit 1
fi
deps=$(/sbin/modinfo -F depends "$stage/msample/mdevfw_sample.ko")
ns=$(/sbin/modinfo -F import_ns "$stage/msample/mdevfw_sample.ko")
echo "vendor-build: mdevfw_sample.ko depends=$deps import_ns=$ns"
[ "$deps" = mdevfw ] && [ "$ns" = MDEVFW ]
