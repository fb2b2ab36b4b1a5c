#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove that dkms.conf builds both modules against Debian's headers, and
# that a vendor module builds against an installed mdevfw, as DKMS users
# would have it: install the framework's header and Module.symvers
# into a staging root, copy the sample out of the tree, and build it with
# its own Makefile against Debian's distro headers. Modpost must resolve
# every mdevfw symbol from the installed Module.symvers.
#
#   vendor-build.sh [--series 6.1]
#
# against Debian's 6.12 headers (the stock lane's), or 6.1's (stock-6.1's,
# unpacked in the cache).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/ccache.sh
. "$top/scripts/ccache.sh"
series=6.12 lane=stock stage=$top/.build/vendor
if [ "${1:-}" = --series ]; then
	series=${2:?usage: vendor-build.sh [--series 6.1]}
	lane=stock-$series stage=$top/.build/vendor-$series
fi
kdir=$("$top/scripts/stock.sh" --series "$series" --kdir | tail -1)
fw=$top/.build/$lane
[ -f "$fw/Module.symvers" ] || "$top/scripts/build-modules.sh" "$lane" >/dev/null

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
# (An "a && b" list does not stop set -e: the check says so itself.)
if [[ ,$deps, != *,mdevfw,* ]] || [ "$ns" != MDEVFW ]; then
	echo "vendor-build: the external module must depend on mdevfw and import MDEVFW"
	exit 1
fi

# DKMS with the repository's dkms.conf, in private trees so the host's
# /usr/src and /var/lib/dkms stay untouched. dkms install writes to
# /lib/modules/<abi> and runs depmod there, so add, build and install run
# in a mount namespace of their own, with a tmpfs on /lib/modules holding
# the kernel's modules (from the stock cache's unpacked image) and a
# "build" link to the headers: the host's /lib/modules is never written,
# and a 6.1 without installed headers builds the same way.
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
abi=$("$top/scripts/stock.sh" --series "$series" --abi | tail -1)
mods=$("$top/scripts/stock.sh" --series "$series" | tail -1)/root/lib/modules/$abi
rm -rf "$stage/dkms-src" "$stage/dkms-tree" "$stage/dkms-lib"
# The tmpfs below needs a mount point: a new machine (a container) may
# have no /lib/modules.
mkdir -p /lib/modules
mkdir -p "$stage/dkms-src/mdevfw-$ver" "$stage/dkms-tree" "$stage/dkms-lib"
(cd "$top" && tar -cf - dkms.conf Makefile Kbuild include core mdev devlink sample-parent kunit \
	selftests/fixture selftests/test-parent) | tar -xf - -C "$stage/dkms-src/mdevfw-$ver"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare -m --propagation private bash -euc '
	stage=$1 ver=$2 abi=$3 kdir=$4 mods=$5
	mount -t tmpfs dkms /lib/modules
	mkdir "/lib/modules/$abi"
	ln -s "$kdir" "/lib/modules/$abi/build"
	ln -s "$mods/kernel" "/lib/modules/$abi/kernel"
	cp "$mods"/modules.order "$mods"/modules.builtin* "/lib/modules/$abi/"
	dk=(--sourcetree "$stage/dkms-src" --dkmstree "$stage/dkms-tree")
	dkms add "mdevfw/$ver" "${dk[@]}"
	dkms build "mdevfw/$ver" -k "$abi" "${dk[@]}"
	dkms install "mdevfw/$ver" -k "$abi" "${dk[@]}"
	cp -r "/lib/modules/$abi/updates" "/lib/modules/$abi/modules.dep" "$stage/dkms-lib/"
' vendor-build "$stage" "$ver" "$abi" "$kdir" "$mods" >"$stage/dkms.log" 2>&1 ||
	{ cat "$stage/dkms.log"; echo "vendor-build: dkms add, build or install failed"; exit 1; }
built=$(cd "$stage/dkms-tree/mdevfw/$ver/$abi/x86_64/module" && ls | sed 's/\.ko.*/.ko/' | sort |
	tr '\n' ' ')
echo "vendor-build: dkms built $built for $abi"
[ "$built" = "mdevfw.ko mdevfw_sample.ko " ]
installed=$(cd "$stage/dkms-lib/updates/dkms" && ls | sed 's/\.ko.*/.ko/' | sort | tr '\n' ' ')
dep=$(sed -n 's,^updates/dkms/mdevfw_sample\.ko[^:]*: *,,p' "$stage/dkms-lib/modules.dep")
echo "vendor-build: dkms installed $installed; mdevfw_sample.ko needs $dep"
[ "$installed" = "mdevfw.ko mdevfw_sample.ko " ]
[[ $dep == updates/dkms/mdevfw.ko* ]]

# make install, as a user runs it: the product modules, and never the test
# modules (the splat fixture, the test parent, KUnit). Against 6.12's
# headers only: what it installs is the Makefile's choice, the same for
# every kernel, and the 6.1 build itself is dkms's above.
[ "$series" = 6.12 ] || exit 0
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
