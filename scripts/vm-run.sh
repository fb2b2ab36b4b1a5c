#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a test kernel with the host's root, run CMD in the repository, then
# read the whole kernel log for splats.
#
#   vm-run.sh [--lane L] [--timeout S] [--expect KIND] [--quiet] [--mem M]
#             [--cpus N] CMD...
#   vm-run.sh [--lane L] [--run DIR] [--cpus N] --plan FILE
#
# --plan runs several tests in one boot (selftests/run.sh uses it): FILE has
# one test a line, "NAME TIMEOUT COMMAND...". The runner then reads each
# test's t.NAME.{out,rc} in the run directory (--run DIR picks it) and asks
# the detector about each test's part of the log; vm-run.sh itself only
# boots, and exits 0 if the VM finished.
#
# Lanes: uml-debug (default), uml-bench, x86-debug-smp, stock, and 6.1's
# x86-debug-smp-6.1, uml-debug-6.1 and stock-6.1 (and the naive lanes).
# --mem sets a UML guest's memory (default 1G; the benchmarks need more).
# --cpus sets an x86 debug lane's CPUs (default 2; UML has one).
# Inside, CMD runs in the repository with MDEVFW_MODDIR (the lane's freshly
# built modules), MDEVFW_KSRC (the kernel source, for the kselftest
# headers) and selftests/lib/guest.sh (helpers such as mdevfw_load).
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
cpus=2
plan=
run=
while [ $# -gt 0 ]; do
	case $1 in
	--lane) lane=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--mem) mem=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--plan) plan=$2; shift 2 ;;
	--run) run=$2; shift 2 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
cmd="$*"
[ -n "$cmd$plan" ] || { echo "usage: vm-run.sh [--lane L] [--timeout S] [--expect KIND] CMD" >&2; exit 2; }

ksrc=$("$top/scripts/kernel.sh" --src) || { echo "vm-run: no kernel source: $ksrc" >&2; exit 125; }
ksrc=${ksrc##*$'\n'}
moddir=$top/.build/$lane
# A failed build leaves no stamp: never test the modules of an older one.
if [ ! -e "$moddir/.built" ]; then
	echo "vm-run: no successful module build for $lane in $moddir" >&2
	exit 125
fi
# The guest init isolates each test with a tool of ours: without it the
# tests would write to the host's /etc and /run.
if [ ! -x "$top/.build/tools/isolate" ] ||
   [ "$top/selftests/tools/isolate.c" -nt "$top/.build/tools/isolate" ]; then
	echo "vm-run: the selftest tools are missing or stale: make -C selftests" >&2
	exit 125
fi
runs=$top/.build/runs
mkdir -p "$runs"
if [ -z "$run" ]; then
	run=$(mktemp -d "$runs/$lane.XXXXXX")
	# Keep the last 60 runs for post-mortems.
	ls -dt "$runs"/*/ 2>/dev/null | tail -n +61 | xargs -r rm -rf
fi
mkdir -p "$run"
if [ -n "$plan" ]; then
	cp "$plan" "$run/plan"
	timeout=$(awk '{ t += $2 + 30 } END { print t }' "$run/plan")
else
	printf 'cmd %s %s\n' "$timeout" "$cmd" >"$run/plan"
fi

# QEMU TCG with KASAN is slow: about 70 s of setup around the command
# (program starts cost a second, a kmemleak scan ten), more under load.
case $lane in
uml-*) host_timeout=$((timeout + 90)); hung=10 ;;
*) host_timeout=$((timeout + 300)); hung=30 ;;
esac

# UML 6.1's kmemleak reports hundreds of core objects (files, dentries,
# pids, maple nodes) in a boot that loads none of our modules: freed
# objects in KASAN's quarantine, which its SLAB tells kmemleak of late.
# The 6.12 lanes and x86-debug-smp-6.1 (SLUB) check leaks
# (Documentation/testing.rst). Debian's kernels and uml-bench have
# neither kmemleak nor lockdep. KMEMLEAK and
# LOCKDEP in the run's env say which the lane has: the guest must then
# scan, the detector requires the scan and lockdep's state, and the
# runner's boot check names what it checked.
kmemleak=on lockdep=on
case $lane in
uml-debug-6.1*) kmemleak=off ;;
stock*|uml-bench) kmemleak=off lockdep=off ;;
esac
# Under QEMU the root is the host's over 9p with cache=loose (the guest
# caches what it reads, a program's start costs a third of what it did
# uncached), and the run directory is a 9p mount of its own, tag RUN_9P,
# uncached: what the guest writes there is on the host at once, even if the
# VM dies. The host changes nothing else the guest reads while it runs.
run9p=
case $lane in
x86-debug-smp*|stock*) run9p=mdevfw_run ;;
esac

# A boot that expects a splat is judged by that splat alone (detect.sh
# RUN KIND): unless it is kmemleak's own, the guest skips the leak scan
# at its end (a 6 s wait and two scans, longer under TCG).
scan=$kmemleak
case $expect in
''|*kmemleak*) ;;
*) scan=off ;;
esac

# A UML boot of one test that expects lockdep's report stops that test at
# the report (guest-init.sh, await()): the reports that lockdep prints
# whole from its checks, with interrupts off; detect.sh classifies them as
# lockdep's. A plan of several tests is not stopped: the later ones run.
stop=
[ "$(grep -c . "$run/plan")" = 1 ] &&
case "|${expect%%:*}|" in
*'|lockdep|'*)
	case $lane in
	uml-*) stop='WARNING: possible (circular|recursive) locking|WARNING: inconsistent lock state|WARNING: possible irq lock inversion|WARNING: .*-safe -> .*-unsafe lock order detected|WARNING: bad unlock balance|WARNING: Nested lock was not taken|WARNING: held lock freed!' ;;
	esac ;;
esac

cat >"$run/env" <<ENV
WORKDIR=$(printf '%q' "$top")
HUNG_TIMEOUT=$hung
MDEVFW_LANE=$lane
MDEVFW_MODDIR=$(printf '%q' "$moddir")
MDEVFW_KSRC=$(printf '%q' "$ksrc")
KMEMLEAK=$kmemleak
KMEMLEAK_SCAN=$scan
LOCKDEP=$lockdep
RUN_9P=$run9p
EXPECT_STOP=$(printf '%q' "$stop")
ENV

start=$(date +%s.%N)
boot() {
case $lane in
uml-debug|uml-bench|uml-debug-naive*|uml-debug-6.1*)
	kdir=$("$top/scripts/kernel.sh" "${lane%%-naive*}" | tail -1) || exit 1
	extra=
	[ $kmemleak = on ] || extra=kmemleak=off
	# UML takes its console on fd 1; the guest's log is read from dmesg.txt.
	# UML 6.12 often dies of SIGABRT after its power-off, in its host-side
	# exit path (os_dump_core()): the subshell keeps bash's "Aborted" line
	# in console.log, and a VM that aborts before "reboot: Power down" is
	# a crash that the detector reports.
	(
		timeout -k 10 "$host_timeout" "$kdir/linux" mem="$mem" rootfstype=hostfs \
			rootflags=/ rw init="$top/selftests/lib/guest-init.sh" RUN="$run" \
			quiet log_buf_len=16M $extra con=null con0=null,fd:1 </dev/null
		# A second command keeps bash from exec'ing the first: this
		# subshell, not the caller, reports the signal.
		exit $?
	) >"$run/console.log" 2>&1
	vmrc=$?
	if [ $vmrc = 134 ] && grep -q 'reboot: Power down' "$run/console.log"; then
		echo "vm-run: UML aborted after its power-off (exit 134)" >>"$run/console.log"
		vmrc=0
	fi
	;;
x86-debug-smp*|stock|stock-6.1)
	MDEVFW_CPUS=$cpus "$top/scripts/qemu-boot.sh" "$lane" "$run" "$host_timeout" >"$run/console.log" 2>&1
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
	mv "$run"/{console.log,dmesg.txt,out.log,t.*,kmemleak.txt,kmemleak.state,lockdep.txt,tainted} \
		"$run/first-boot/" 2>/dev/null
	rm -f "$run/host-timeout" "$run/timed-out" "$run/stopped"
	boot
fi
secs=$(echo "$(date +%s.%N) - $start" | bc)

[ -n "$quiet" ] || [ -n "$plan" ] || cat "$run/t.cmd.out" 2>/dev/null
rc=$(cat "$run/t.cmd.rc" 2>/dev/null || echo 125)
if [ -e "$run/host-timeout" ]; then
	echo "vm-run: the VM did not finish in ${host_timeout}s; console tail:"
	tail -60 "$run/console.log" | sed 's/^/  | /'
fi
if [ -n "$plan" ]; then
	printf 'vm-run: lane %s, %.1f s, run dir %s\n' "$lane" "$secs" "$run"
	[ -e "$run/host-timeout" ] && exit 1
	exit 0
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
