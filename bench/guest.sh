#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks, inside one boot of the uml-bench VM (bench/run.sh boots
# it). Upstream mdev+mtty and ours take turns in rounds, each unloaded
# before the other is loaded: the two never share the "mdev" bus. Every
# figure is a "stat" line of bench/mdevbench in $OUT/raw.txt, with the raw
# samples of the cycles in $OUT/samples/; bench/report.py turns them into
# tables, the plot and Documentation/benchmarks.rst.
#
#   BENCH_OUT=DIR BENCH_KDIR=KDIR BENCH_TOOL=mdevbench BENCH_MODS=DIR \
#	bash bench/guest.sh
#
# BENCH_ONLY=vfio runs the VFIO section (0.) alone.
set -euo pipefail
. selftests/lib/guest.sh

OUT=${BENCH_OUT:?}
KDIR=${BENCH_KDIR:?}
MB=${BENCH_TOOL:?}
BMODS=${BENCH_MODS:?}
ROUNDS=${BENCH_ROUNDS:-10}
ITERS=${BENCH_ITERS:-1000}
SCALE_ITERS=${BENCH_SCALE_ITERS:-5000}
raw=$OUT/raw.txt
: >"$raw"

log() { echo "bench: $*"; }
info() { echo "info $*" >>"$raw"; }
# mb ARGS: run mdevbench, keep its stat lines, show everything.
mb() { "$MB" "$@" | tee "$raw.last" | tee -a "$raw"; }
# snap NAME: slab and meminfo, after dropping the dentry and inode caches
# that path lookups fill, which are not the mdevs' own memory.
# Objects freed after an RCU grace period need the pause to go first.
snap() {
	sync; echo 2 >/proc/sys/vm/drop_caches; sleep 1; echo 2 >/proc/sys/vm/drop_caches
	cp /proc/slabinfo "$OUT/slab-$1.txt"; cp /proc/meminfo "$OUT/meminfo-$1.txt"
}

MDEVS=/sys/bus/mdev/devices/%s/remove
UP_CREATE=/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create
SAMPLE_CREATE=/sys/class/mdev_bus/msample1/mdev_supported_types/msample-1/create
# The bench parent's type "x". Its directory is named as upstream mdev
# names it, "<the parent device's driver>-x", and the bench parent is a
# root device without a driver: find it by its type's name alone.
bench_create() {
	local c=(/sys/class/mdev_bus/mdevfw_bench$1/mdev_supported_types/*-x/create)
	[ ${#c[@]} = 1 ] && [ -e "${c[0]}" ] || { echo "bench: no type x on mdevfw_bench$1" >&2; return 1; }
	echo "${c[0]}"
}
FLOOR_CREATE=/sys/devices/mdevfw_floor/types/x/create
FLOOR_RM=/sys/bus/mdevfw_floor/devices/%s/remove
export BENCH_SAMPLES=$OUT/samples
rm -rf "$BENCH_SAMPLES"
mkdir -p "$BENCH_SAMPLES"
# No helper process per uevent: that would be fork cost, not ours.
[ -w /sys/kernel/uevent_helper ] && echo >/sys/kernel/uevent_helper
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
mb null 1000
info "kernel=$(uname -r) mem_kb=$(awk '/MemTotal/ { print $2 }' /proc/meminfo) cpus=$(nproc)"

# Upstream mdev and mtty are modules of this kernel, loaded deps first.
up_mods=()
load_ko() {
	local ko dep
	grep -q "^$1 " /proc/modules && return
	ko=$(find "$KDIR" -name "$1.ko" -print -quit)
	[ -n "$ko" ] || { log "no $1.ko in $KDIR"; exit 1; }
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do
		load_ko "$dep"
	done
	insmod "$ko"
	up_mods=("$1" "${up_mods[@]}")
}
unload_upstream() {
	local m
	for m in "${up_mods[@]}"; do rmmod "$m"; done
	up_mods=()
	! grep -q '^mdev ' /proc/modules || { log "upstream mdev still loaded"; exit 1; }
}
load_ours() {
	mdevfw_load sample
	insmod "$BMODS/mdevfw_bench_parent.ko"
	insmod "$BMODS/mdevfw_floor.ko"
}
unload_ours() {
	rmmod mdevfw_floor mdevfw_bench_parent
	mdevfw_unload
}
# mdevctl_times TAG: mdevctl types and list, with one parent of 20 mdevs.
mdevctl_times() {
	mb exec "$1.mdevctl_types" 5 mdevctl types
	mb exec "$1.mdevctl_list" 5 mdevctl list
	[ "$(mdevctl list | grep -c .)" = 20 ] || { log "mdevctl list does not show 20 mdevs"; mdevctl list; exit 1; }
}

#
# 0. VFIO, side by side (the device cdev and iommufd: UML has no type1
# backend): bytes through the first UART by region accesses, upstream
# mtty's against ours, and the device's open+close, in VROUNDS rounds
# that alternate. Then the unregister of one parent while a vendor
# handler of another sleeps for a second, against its unregister alone.
#
VROUNDS=${BENCH_VFIO_ROUNDS:-3}
VITERS=${BENCH_VFIO_ITERS:-300}
VBYTES=${BENCH_VFIO_BYTES:-20000}
VSLOW=${BENCH_VFIO_SLOW:-10}
vfio_uuid=b0000000-0000-4000-8000-000000000001
for ((round = 1; round <= VROUNDS; round++)); do
	load_ko mtty
	mdevfw_kmod iommufd
	log "vfio round $round: upstream"
	echo $vfio_uuid >/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create
	mb vfio-open up.vfio_open "$VITERS" $vfio_uuid
	mb vfio-uart up.uart_loop "$VBYTES" $vfio_uuid 0 loop
	echo 1 >/sys/bus/mdev/devices/$vfio_uuid/remove
	unload_upstream

	log "vfio round $round: ours"
	load_ours
	mdevfw_kmod iommufd
	msample_new 1 24 >/dev/null
	echo $vfio_uuid >"$SAMPLE_CREATE"
	mb vfio-open sample.vfio_open "$VITERS" $vfio_uuid
	mb vfio-uart sample.uart_loop "$VBYTES" $vfio_uuid 0 loop
	mb vfio-uart sample.uart_tty "$VBYTES" $vfio_uuid 0 \
		/dev/"$(head -1 /sys/bus/mdev/devices/$vfio_uuid/ports)"
	echo 1 >/sys/bus/mdev/devices/$vfio_uuid/remove
	msample_del 1 >/dev/null
	unload_ours
done

load_ours
info "slow_ms=$(cat /sys/module/mdevfw_bench_parent/parameters/slow_ms)"
log "parent unregister beside a sleeping handler of another parent"
still=0
for _ in $(seq "$VSLOW"); do
	echo 40 >/sys/devices/mdevfw_bench/new_parent
	mb write unreg.alone /sys/devices/mdevfw_bench/del_parent 40
	echo "stat name=unreg.alone.kernel $(cat /sys/devices/mdevfw_bench/last_unregister)" >>"$raw"

	echo 40 >/sys/devices/mdevfw_bench/new_parent
	echo 41 >/sys/devices/mdevfw_bench/new_slow_parent
	# mdevbench's child reads the slow description; mdevbench spins on the
	# counter (no sleep) and times the unregister once the handler
	# sleeps; "busy=1" after it: the handler still slept when it returned.
	mb write-beside unreg.beside_slow /sys/devices/mdevfw_bench/del_parent 40 \
		/sys/devices/mdevfw_bench/slow_readers \
		/sys/class/mdev_bus/mdevfw_bench41/mdev_supported_types/*-slow/description
	echo "stat name=unreg.beside_slow.kernel $(cat /sys/devices/mdevfw_bench/last_unregister)" >>"$raw"
	grep -q "^beside unreg.beside_slow busy=1" "$raw.last" && still=$((still + 1))
	echo 41 >/sys/devices/mdevfw_bench/del_parent
done
info "slow_still_asleep=$still/$VSLOW"
unload_ours
if [ "${BENCH_ONLY:-}" = vfio ]; then
	log "done (vfio only)"
	exit 0
fi

#
# 1. Side by side, in ROUNDS alternations of upstream and ours so that a
# change of the host's load falls on both; the samples of all rounds are
# pooled. Memory snapshots in the first round only.
#
for ((round = 1; round <= ROUNDS; round++)); do
	load_ko mtty
	log "round $round: upstream (${up_mods[*]})"
	[ $round = 1 ] && info "upstream_modules=$(IFS=,; echo "${up_mods[*]}")"
	mb cycle "$ITERS" 1 up.c1 "$UP_CREATE" "$MDEVS"
	[ $round = 1 ] && snap up-0
	mb populate "$UP_CREATE" a0000000 0 19
	[ $round = 1 ] && snap up-19
	mb cycle "$ITERS" 1 up.c20 "$UP_CREATE" "$MDEVS"
	mb populate "$UP_CREATE" a0000000 19 20
	mdevctl_times up
	mb depopulate "$MDEVS" a0000000 0 20
	unload_upstream

	log "round $round: ours, and the floor"
	load_ours
	msample_new 1 24 >/dev/null
	echo 1 >/sys/devices/mdevfw_bench/new_parent
	BENCH_CREATE=$(bench_create 1) || exit 1
	# The floor's two extra types add, one at a time, what mdevfw does
	# beyond registering a device: the breakdown.
	mb cycle "$ITERS" 2 sample.c1 "$SAMPLE_CREATE" "$MDEVS" bench.c1 "$BENCH_CREATE" "$MDEVS" \
		floor.c1 "$FLOOR_CREATE" "$FLOOR_RM" \
		floor_links.c1 /sys/devices/mdevfw_floor/types/links/create "$FLOOR_RM" \
		floor_bind.c1 /sys/devices/mdevfw_floor/types/bind/create "$FLOOR_RM"
	[ $round = 1 ] && snap sample-0
	mb populate "$SAMPLE_CREATE" a0000000 0 19
	[ $round = 1 ] && snap bench-0
	mb populate "$BENCH_CREATE" a1000000 0 19
	[ $round = 1 ] && snap floor-0
	mb populate "$FLOOR_CREATE" a2000000 0 19
	[ $round = 1 ] && snap floor-19
	mb cycle "$ITERS" 2 sample.c20 "$SAMPLE_CREATE" "$MDEVS" bench.c20 "$BENCH_CREATE" "$MDEVS" \
		floor.c20 "$FLOOR_CREATE" "$FLOOR_RM"
	# mdevctl with one parent of 20 mdevs, as upstream: first the sample's.
	mb write bench.unreg20 /sys/devices/mdevfw_bench/del_parent 1
	mb populate "$SAMPLE_CREATE" a0000000 19 20
	mdevctl_times sample
	msample_del 1 >/dev/null
	echo 1 >/sys/devices/mdevfw_bench/new_parent
	mb populate "$BENCH_CREATE" a1000000 0 20
	mdevctl_times bench
	mb write bench.unreg20 /sys/devices/mdevfw_bench/del_parent 1
	unload_ours
done

load_ours
echo 1 >/sys/devices/mdevfw_bench/new_parent
BENCH_CREATE=$(bench_create 1) || exit 1

#
# 2. Scaling: cost per cycle at 1 .. 100k live, ours and the floor taking
# turns at each point.
#
have=0
last=${BENCH_MAX_LIVE:-100000}
points=
for n in 1 100 1000 10000; do
	if [ "$n" -lt "$last" ]; then points+="$n "; fi
done
for n in $points$last; do
	# Memory: the 9000 mdevs and floor devices that the 10k point adds.
	[ "$n" = 10000 ] && snap scale-pre-10k
	mb populate "$BENCH_CREATE" c0000000 "$have" $((n - 1))
	[ "$n" = 10000 ] && snap scale-bench-10k
	mb populate "$FLOOR_CREATE" c1000000 "$have" $((n - 1))
	[ "$n" = 10000 ] && snap scale-floor-10k
	have=$((n - 1))
	log "scaling: cycles at $n live"
	mb cycle "$SCALE_ITERS" 4 "bench.s$n" "$BENCH_CREATE" "$MDEVS" "floor.s$n" "$FLOOR_CREATE" "$FLOOR_RM"
done
# A control: back down to 1k live. If the cost returns to the first 1k
# figure, the growth was the number of live mdevs, not the host's load.
if [ "$last" -gt 1000 ]; then
	mb depopulate "$MDEVS" c0000000 999 $((last - 1))
	mb depopulate "$FLOOR_RM" c1000000 999 $((last - 1))
	log "scaling: cycles at 1000 live again"
	mb cycle "$SCALE_ITERS" 4 bench.s1000b "$BENCH_CREATE" "$MDEVS" floor.s1000b "$FLOOR_CREATE" "$FLOOR_RM"
fi
echo 1 >/sys/devices/mdevfw_bench/del_parent
log "unload the floor with all its devices"
rmmod mdevfw_floor

#
# 3. Parent unregister: 0, 1k, 10k live mdevs; normal and expedited SRCU
# grace periods; with create/remove in flight.
#
id=10
unreg() {
	local name=$1 live=$2 loaders=$3 create pids=() i
	id=$((id + 1))
	echo $id >/sys/devices/mdevfw_bench/new_parent
	create=$(bench_create $id) || exit 1
	[ "$live" = 0 ] || "$MB" populate "$create" d0000000 0 "$live" >/dev/null
	for ((i = 0; i < loaders; i++)); do
		"$MB" load "$create" "$MDEVS" "e000000$i" >>"$OUT/load.txt" &
		pids+=($!)
	done
	# Let the loaders get going.
	[ "$loaders" = 0 ] || sleep 0.5
	mb write "$name" /sys/devices/mdevfw_bench/del_parent $id
	echo "stat name=$name.kernel $(cat /sys/devices/mdevfw_bench/last_unregister)" >>"$raw"
	for i in "${pids[@]}"; do wait "$i"; done
}
: >"$OUT/load.txt"
for exp in 0 1; do
	echo $exp >/sys/module/mdevfw/parameters/expedited_gp
	log "parent unregister, expedited_gp=$exp"
	for _ in $(seq 10); do unreg "unreg.e$exp.l0" 0 0; done
	for _ in $(seq 5); do unreg "unreg.e$exp.l1000" 1000 0; done
	for _ in $(seq 3); do unreg "unreg.e$exp.l10000" 10000 0; done
	unreg "unreg.e$exp.l$last" "$last" 0
	for _ in $(seq 5); do unreg "unreg.e$exp.l0.busy" 0 2; done
	for _ in $(seq 5); do unreg "unreg.e$exp.l1000.busy" 1000 2; done
done
echo 0 >/sys/module/mdevfw/parameters/expedited_gp

#
# 4. eswitch mode change with N live mdevs, where the sample supports it.
#
msample_new 3 1024 >/dev/null
if devlink dev eswitch show msample/msample3 >/dev/null 2>&1; then
	create=/sys/class/mdev_bus/msample3/mdev_supported_types/msample-1/create
	# devlink -batch: 20 commands in one process, so no fork is timed.
	for i in $(seq 10); do
		echo "dev eswitch set msample/msample3 mode switchdev"
		echo "dev eswitch set msample/msample3 mode legacy"
	done >"$OUT/eswitch-set.batch"
	for i in $(seq 20); do echo "dev eswitch show msample/msample3"; done >"$OUT/eswitch-show.batch"
	have=0
	for n in 0 20 200 1000; do
		[ "$n" = 0 ] || mb populate "$create" f0000000 "$have" "$n"
		have=$n
		# Memory of the sample's mdevs (a tty each), 980 of them.
		[ "$n" = 20 ] && snap esw-20
		[ "$n" = 1000 ] && snap esw-1000
		devlink dev eswitch set msample/msample3 mode switchdev
		info "eswitch_ports_n$n=$(devlink port show | grep -c msample3/ || true)"
		devlink dev eswitch set msample/msample3 mode legacy
		log "eswitch mode changes with $n live mdevs"
		mb exec "eswitch.n$n.set20" 5 devlink -b "$OUT/eswitch-set.batch"
		mb exec "eswitch.n$n.show20" 5 devlink -b "$OUT/eswitch-show.batch"
		mb exec "eswitch.n$n.switchdev" 1 devlink dev eswitch set msample/msample3 mode switchdev
		mb exec "eswitch.n$n.legacy" 1 devlink dev eswitch set msample/msample3 mode legacy
	done
else
	log "eswitch: not supported (devlink dev eswitch show msample/msample3 failed)"
	info "eswitch=unsupported"
fi
msample_del 3 >/dev/null

#
# 5. VFIO migration, upstream mtty against the sample: bench/migrate.sh,
# with neither framework loaded when it starts.
#
log "migration"
for m in mdevfw_floor mdevfw_bench_parent; do
	! grep -q "^$m " /proc/modules || rmmod $m
done
mdevfw_unload
MIG_ITERS=${BENCH_MIG_ITERS:-500} bash bench/migrate.sh | tee "$OUT/migrate.txt"
log "done"
