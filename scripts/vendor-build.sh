#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that dkms.conf builds both modules against Debian's headers, and
# that a vendor module builds against an installed mdevfw, as DKMS users
# would have it: install the framework's header and Module.symvers
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

# DKMS with the repository's dkms.conf, in private trees so the host's
# /usr/src and /var/lib/dkms stay untouched.
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
abi=$("$top/scripts/stock.sh" --abi | tail -1)
mkdir -p "$stage/dkms-src/mdevfw-$ver" "$stage/dkms-tree"
(cd "$top" && tar -cf - dkms.conf Makefile Kbuild include core mdev devlink sample-parent kunit \
	selftests/fixture selftests/test-parent) | tar -xf - -C "$stage/dkms-src/mdevfw-$ver"
dk=(--sourcetree "$stage/dkms-src" --dkmstree "$stage/dkms-tree")
dkms add "mdevfw/$ver" "${dk[@]}" >"$stage/dkms.log" 2>&1 &&
	dkms build "mdevfw/$ver" -k "$abi" "${dk[@]}" >>"$stage/dkms.log" 2>&1 ||
	{ cat "$stage/dkms.log"; echo "vendor-build: dkms build failed"; exit 1; }
built=$(cd "$stage/dkms-tree/mdevfw/$ver/$abi/x86_64/module" && ls | sort | tr '\n' ' ')
echo "vendor-build: dkms built $built"
[ "$built" = "mdevfw.ko.xz mdevfw_sample.ko.xz " ]

# make install, as a user runs it: the product modules, and never the test
# modules (the splat fixture, the test parent, KUnit).
inst=$stage/install
rm -rf "$inst" "$stage/install-src"
mkdir -p "$stage/install-src"
(cd "$top" && tar -cf - Makefile Kbuild include core mdev devlink sample-parent kunit udev \
	selftests/fixture selftests/test-parent) | tar -xf - -C "$stage/install-src"
make -s -C "$stage/install-src" KDIR="$kdir" DESTDIR="$inst" INSTALL_MOD_PATH="$inst" \
	SYMVERS=Module.symvers DEPMOD=true install >"$stage/install.log" 2>&1 ||
	{ cat "$stage/install.log"; echo "vendor-build: make install failed"; exit 1; }
installed=$(find "$inst/lib/modules" -name '*.ko*' -printf '%f\n' | sed 's/\.ko.*/.ko/' | sort |
	tr '\n' ' ')
echo "vendor-build: make install installed $installed"
[ "$installed" = "mdevfw.ko mdevfw_sample.ko " ] ||
	{ echo "vendor-build: make install must install mdevfw.ko and mdevfw_sample.ko only"; exit 1; }
