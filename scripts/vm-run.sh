#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a test kernel with the host's root, run CMD in the repository, then
# read the whole kernel log for splats.
#
#   vm-run.sh [--lane L] [--timeout S] [--expect KIND] [--quiet] [--mem M] CMD...
#
# Lanes: uml-debug (default), uml-bench, x86-debug-smp, stock. --mem sets
# a UML guest's memory (default 1G; the benchmarks need more). Inside, CMD
# runs in the repository with MDEVFW_MODDIR (the lane's freshly built
# modules), MDEVFW_KSRC (the kernel source, for the kselftest headers) and
# selftests/lib/guest.sh (helpers such as mdevfw_load).
#
# The exit status is CMD's, or 1 if the kernel log is not clean. With
# --expect KIND it is 0 only if a splat of that kind was caught.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lane=uml-debug
timeout=120
expect=
quiet=
mem=1G
while [ $# -gt 0 ]; do
	case $1 in
	--lane) lane=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--mem) mem=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
cmd="$*"
[ -n "$cmd" ] || { echo "usage: vm-run.sh [--lane L] [--timeout S] [--expect KIND] CMD" >&2; exit 2; }

ksrc=$("$top/scripts/kernel.sh" --src | tail -1)
moddir=$top/.build/$lane
runs=$top/.build/runs
mkdir -p "$runs"
run=$(mktemp -d "$runs/$lane.XXXXXX")
# Keep the last 40 runs for post-mortems.
ls -dt "$runs"/*/ 2>/dev/null | tail -n +41 | xargs -r rm -rf

# QEMU TCG with KASAN is slow: about 70 s of setup around the command
# (program starts cost a second, a kmemleak scan ten), more under load.
case $lane in
uml-*) host_timeout=$((timeout + 90)); hung=10 ;;
*) host_timeout=$((timeout + 300)); hung=30 ;;
esac

cat >"$run/env" <<ENV
WORKDIR=$(printf '%q' "$top")
CMD=$(printf '%q' "$cmd")
CMD_TIMEOUT=$timeout
HUNG_TIMEOUT=$hung
MDEVFW_LANE=$lane
MDEVFW_MODDIR=$(printf '%q' "$moddir")
MDEVFW_KSRC=$(printf '%q' "$ksrc")
ENV

start=$(date +%s.%N)
boot() {
case $lane in
uml-debug|uml-bench|uml-debug-naive*)
	kdir=$("$top/scripts/kernel.sh" "${lane%%-naive*}" | tail -1) || exit 1
	# UML takes its console on fd 1; the guest's log is read from dmesg.txt.
	timeout -k 10 "$host_timeout" "$kdir/linux" mem="$mem" rootfstype=hostfs rootflags=/ rw \
		init="$top/selftests/lib/guest-init.sh" RUN="$run" quiet \
		con=null con0=null,fd:1 </dev/null >"$run/console.log" 2>&1
	vmrc=$?
	;;
x86-debug-smp|stock)
	"$top/scripts/qemu-boot.sh" "$lane" "$run" "$host_timeout" >"$run/console.log" 2>&1
	vmrc=$?
	;;
*)
	echo "vm-run: unknown lane $lane" >&2
	exit 2
	;;
esac
[ $vmrc = 124 ] || [ $vmrc = 137 ] && touch "$run/host-timeout"
}

boot
# A splat before init ran cannot be ours, but it switches lockdep off for
# the whole run: say so, keep its log, and boot once more.
if "$top/selftests/lib/detect.sh" --before-init "$run" >"$run/boot-splat.txt"; then
	echo "vm-run: the kernel splatted before init, not in our code; booting again:"
	sed 's/^/  | /' "$run/boot-splat.txt" | head -20
	mkdir -p "$run/first-boot"
	mv "$run"/{console.log,dmesg.txt,out.log,rc,kmemleak.txt,lockdep.txt} "$run/first-boot/" 2>/dev/null
	rm -f "$run/host-timeout" "$run/timed-out"
	boot
fi
secs=$(echo "$(date +%s.%N) - $start" | bc)

[ -n "$quiet" ] || cat "$run/out.log" 2>/dev/null
rc=$(cat "$run/rc" 2>/dev/null || echo 125)
if [ -e "$run/host-timeout" ]; then
	echo "vm-run: the VM did not finish in ${host_timeout}s; console tail:"
	tail -60 "$run/console.log" | sed 's/^/  | /'
fi
printf 'vm-run: lane %s, %.1f s, command exit %s, run dir %s\n' "$lane" "$secs" "$rc" "$run"
if [ -n "$expect" ]; then
	"$top/selftests/lib/detect.sh" "$run" "$expect"
	exit $?
fi
if ! "$top/selftests/lib/detect.sh" "$run"; then
	exit 1
fi
exit "$rc"
