#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build our modules for a test lane, in .build/LANE/, from a copy of the
# sources (Kbuild writes its objects next to them, and each lane needs its
# own). W=1, and any compiler warning fails the build.
#
#   build-modules.sh LANE [make args...]
#
# Lanes: uml-debug (and uml-debug-sparse, the same in a directory of its
# own for make check's sparse build), uml-bench, x86-debug-smp, stock,
# and two for negative tests that lockdep must catch, on the uml-debug
# kernel: uml-debug-naive
# (selftests/naive/naive.patch, the seed's SRCU ordering) and
# uml-debug-naive-active (selftests/naive/naive-active.patch, create
# blocking with its active reference held). Debian 12's default 6.1:
# stock-6.1 (its image and headers), x86-debug-smp-6.1 (the x86 debug
# kernel from linux-source-6.1) and x86-debug-smp-6.1-naive (naive.patch
# on it), uml-debug-6.1 (UML from linux-source-6.1) and
# uml-debug-6.1-naive.
set -euo pipefail
lane=${1:?usage: build-modules.sh LANE [make args]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/ccache.sh
. "$top/scripts/ccache.sh"

case $lane in
uml-debug-naive*) kdir=$("$top/scripts/kernel.sh" uml-debug | tail -1); arch=um ;;
uml-debug-6.1-naive*) kdir=$("$top/scripts/kernel.sh" uml-debug-6.1 | tail -1); arch=um ;;
uml-debug|uml-bench|uml-debug-6.1) kdir=$("$top/scripts/kernel.sh" "$lane" | tail -1); arch=um ;;
# sparse's build (make check passes C=2): a directory of its own, so that
# it never rebuilds modules a test VM is using.
uml-debug-sparse) kdir=$("$top/scripts/kernel.sh" uml-debug | tail -1); arch=um ;;
x86-debug-smp) kdir=$("$top/scripts/kernel.sh" x86-debug | tail -1); arch=x86_64 ;;
x86-debug-smp-6.1*) kdir=$("$top/scripts/kernel.sh" x86-debug-6.1 | tail -1); arch=x86_64 ;;
stock) kdir=$("$top/scripts/stock.sh" --kdir | tail -1); arch=x86_64 ;;
stock-6.1) kdir=$("$top/scripts/stock.sh" --series 6.1 --kdir | tail -1); arch=x86_64 ;;
*) echo "build-modules.sh: unknown lane $lane" >&2; exit 2 ;;
esac

out=$top/.build/$lane
mkdir -p "$out"
# The stamp says the modules in $out come from a successful build of the
# current sources: vm-run.sh refuses a lane without it.
rm -f "$out/.built"
# Copy with timestamps, so make rebuilds only what changed.
srcs=()
for d in Kbuild include core mdev devlink sample-parent kunit selftests/fixture \
	 selftests/test-parent selftests/pci-parent; do
	[ -e "$top/$d" ] && srcs+=("$d")
done
(cd "$top" && tar -cf - "${srcs[@]}") | tar -xf - -C "$out"
# The naive lanes build the shipped sources with one patch of
# selftests/naive/ applied to the copy: the ordering the negative test
# restores. The shipped sources carry no trace of it.
case $lane in
*-naive*)
	p=${lane##*-naive}
	p=$top/selftests/naive/naive$p.patch
	patch -s -p1 -d "$out" --no-backup-if-mismatch <"$p" ||
		{ echo "build-modules.sh: $p does not apply to the sources" >&2; exit 1; } ;;
esac

log=$out/build.log
# The naive lanes run the framework and the sample only: no test modules.
tests=MDEVFW_TESTS=y
case $lane in *naive*) tests=MDEVFW_TESTS=n ;; esac
if ! make -C "$kdir" ARCH=$arch M="$out" W=1 $tests "$@" modules >"$log" 2>&1; then
	cat "$log" >&2
	echo "build-modules.sh: $lane build failed" >&2
	exit 1
fi
if grep -E 'warning:|error:' "$log" >&2; then
	echo "build-modules.sh: $lane build has warnings (W=1 must be clean)" >&2
	exit 1
fi
# A module root for the guest's modprobe -d: the kernel's modules (its
# build tree, or the stock image's unpacked ones) as kernel/, ours as
# extra/, and a depmod of them, so that one modprobe loads a module with
# what it needs. A program costs up to a second or two under TCG, and the
# walk of modinfo, sed and insmod it replaces took 30 s a test there.
case $lane in
stock|stock-6.1)
	if [ "$lane" = stock ]; then
		scache=$("$top/scripts/stock.sh" | tail -1)
	else
		scache=$("$top/scripts/stock.sh" --series 6.1 | tail -1)
	fi
	rel=$(cat "$scache/abi")
	kmods=$scache/root/lib/modules/$rel
	ktree=$kmods/kernel
	order=$(cat "$kmods/modules.order") ;;
*)
	rel=$(cat "$kdir/include/config/kernel.release")
	kmods=$kdir
	ktree=$kdir
	# A build tree's modules.order names foo.o (foo.ko before 6.2).
	order=$(sed -e 's/\.o$/.ko/' -e 's,^,kernel/,' "$kdir/modules.order") ;;
esac
mr=$out/modroot/lib/modules/$rel
rm -rf "$out/modroot"
mkdir -p "$mr/extra"
ln -s "$ktree" "$mr/kernel"
for f in modules.builtin modules.builtin.modinfo; do
	[ ! -f "$kmods/$f" ] || cp "$kmods/$f" "$mr/"
done
# Ours as this build's modules.order names them (foo.o since 6.2): a
# stale .ko of an older build in $out is no module of this one.
while read -r ko; do
	ko=${ko%.o}
	ko=${ko%.ko}.ko
	ln -s "$ko" "$mr/extra/"
	order+=$'\n'extra/${ko##*/}
done <"$out/modules.order"
echo "$order" >"$mr/modules.order"
if ! depmod -b "$out/modroot" "$rel" 2>"$out/depmod.log" || [ -s "$out/depmod.log" ]; then
	cat "$out/depmod.log" >&2
	echo "build-modules.sh: depmod of $out/modroot failed" >&2
	exit 1
fi
touch "$out/.built"
echo "$out"
