#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build the uml-bench kernel (no debug options) if it is not
# cached, build our modules, the bench modules and the driver program,
# boot the VM once to measure (bench/guest.sh), then print the tables,
# write the plot under bench/results/ and Documentation/benchmarks.rst.
#
#   bench/run.sh            the whole thing, about 10-15 minutes
#   BENCH_MAX_LIVE=10000 bench/run.sh   a quicker run without the 100k point
#   BENCH_ONLY=vfio bench/run.sh        the VFIO section alone (UART bytes/s
#                           and open+close against mtty's, unregister beside
#                           a sleeping handler); replaces only its part of
#                           Documentation/benchmarks.rst
#   BENCH_LANE=uml-debug ...            on the debug kernel instead (lockdep,
#                           KASAN: slower on both sides, ratios still from
#                           one boot; the tables name the kernel), when the
#                           uml-bench kernel is not built and time is short
#
# It is a benchmark, not a test: it fails only when a measurement could
# not be made, never because a figure is slow.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
lane=${BENCH_LANE:-uml-bench}
case $lane in
uml-bench|uml-debug) ;;
*) echo "bench: BENCH_LANE is uml-bench or uml-debug" >&2; exit 2 ;;
esac
out=$top/bench/results
start=$(date +%s)
missing=()

for p in linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev mdevctl iproute2 kmod python3; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "bench: the $lane kernel"
kdir=$(scripts/kernel.sh $lane | tail -1)
moddir=$(scripts/build-modules.sh $lane | tail -1)

# The bench modules build as a vendor's would: against the framework's
# Module.symvers, with our header. Any warning fails, as for ours.
bmods=$top/.build/$lane-bench
rm -rf "$bmods"
mkdir -p "$bmods/bench"
cp -a bench/floor bench/parent "$bmods/bench/"
cp -a include "$bmods/"
for m in floor parent; do
	make -C "$kdir" ARCH=um M="$bmods/bench/$m" W=1 \
		KBUILD_EXTRA_SYMBOLS="$moddir/Module.symvers" modules >"$bmods/$m.log" 2>&1 ||
		{ cat "$bmods/$m.log"; exit 1; }
	if grep -E 'warning:|error:' "$bmods/$m.log"; then
		echo "bench: $m has build warnings (W=1 must be clean)"
		exit 1
	fi
	cp "$bmods/bench/$m"/*.ko "$bmods/"
done
gcc -O2 -Wall -Wextra -Werror -o "$bmods/mdevbench" bench/mdevbench.c
# The migration bench drives the VFIO devices with the selftest's tool.
make -s -C selftests

mkdir -p "$out"
rm -rf "$out"/raw.txt "$out"/slab-*.txt "$out"/meminfo-*.txt "$out"/load.txt "$out"/samples
cmd="BENCH_OUT=$out BENCH_KDIR=$kdir BENCH_TOOL=$bmods/mdevbench BENCH_MODS=$bmods"
for v in BENCH_ROUNDS BENCH_ITERS BENCH_SCALE_ITERS BENCH_MAX_LIVE BENCH_ONLY \
	BENCH_VFIO_ROUNDS BENCH_VFIO_ITERS BENCH_VFIO_BYTES BENCH_VFIO_SLOW BENCH_MIG_ITERS; do
	[ -z "${!v:-}" ] || cmd+=" $v=${!v}"
done
echo "bench: measuring in one boot (progress in .build/runs/$lane.*/t.cmd.out)"
vmstart=$(date +%s)
rc=0
scripts/vm-run.sh --lane $lane --mem "${BENCH_MEM:-3G}" --timeout "${BENCH_TIMEOUT:-900}" \
	-- "$cmd bash bench/guest.sh" | tee "$out/vm.log" || rc=$?
vmsecs=$(( $(date +%s) - vmstart ))
[ $rc = 0 ] || { echo "bench: the measuring run failed (exit $rc)"; exit 1; }

kname="UML $(awk '{ print $1 }' "$kdir/.mdevfw-complete") from Debian linux-source-6.12, kernel/$lane.config ($(basename "$kdir" | sed 's/.*-//'))"
python3 bench/report.py --results "$out" --kernel "$kname" --vm-secs "$vmsecs" \
	--total-secs "$(( $(date +%s) - start ))" --rst Documentation/benchmarks.rst \
	${BENCH_ONLY:+--only "$BENCH_ONLY"}
[ -n "${BENCH_ONLY:-}" ] || sed -n '/^Migration/,$p' "$out/migrate.txt"
echo "bench: done in $(( $(date +%s) - start )) s (the VM run: $vmsecs s)"
