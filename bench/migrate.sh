#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VFIO migration, upstream mtty against the sample, in one boot: the size
# of the saved state and the time of each step (median and 90th
# percentile, microseconds) of saving one mdev and resuming another of the
# same type (mtty-2 and msample-2), through the VFIO cdev and iommufd.
# mtty and ours each have the "mdev" bus, so they take turns, each
# unloaded before the other is loaded.
#
#   MIG_ITERS=N bash bench/migrate.sh      in the VM (bench/guest.sh, or
#                                          scripts/vm-run.sh on any lane)
# Prints "migrate TAG ..." lines (see selftests/vfio_migrate.c, --bench),
# then a table.
set -euo pipefail
. "$(dirname "$0")/../selftests/lib/guest.sh"
ITERS=${MIG_ITERS:-500}
tool=$MDEVFW_TOOLS/vfio_migrate
out=$(mktemp)
mdevfw_kmod iommufd
two() {	# TYPE_DIR: two mdevs of it
	local u
	for u in 1 2; do
		u=$(new_uuid)
		[ "$(wr "$1/create" "$u")" = OK ] || return 1
		echo "$u"
	done
}

# Upstream: mdev.ko and mtty.ko of the running kernel.
mdevfw_kmod mtty || { echo "migrate: no mtty module in this kernel"; exit 1; }
# shellcheck disable=SC2046
set -- $(two /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2)
"$tool" --bench mtty-2 cdev "$1" "$2" "$ITERS" | tee -a "$out"
for u in "$@"; do wr $SYS_MDEVS/$u/remove 1 >/dev/null; done
rmmod mtty mdev

mdevfw_load sample
msample_new 0 8 >/dev/null
# shellcheck disable=SC2046
set -- $(two "$(type_dir msample0 msample-2)")
"$tool" --bench msample-2 cdev "$1" "$2" "$ITERS" | tee -a "$out"
msample_del 0 >/dev/null
mdevfw_unload

python3 - "$out" "$ITERS" <<'PY'
import sys
rows, sizes = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[:1] != ['migrate']:
        continue
    if f[2] == 'size':
        sizes[f[1]] = f[3]
    else:
        rows.setdefault(f[2], {})[f[1]] = '%s / %s' % (f[3], f[4])
tags = ['mtty-2', 'msample-2']
w = [20, 22, 22]
line = '  '.join('=' * x for x in w)
print('Migration, %s iterations: median / p90 in microseconds' % sys.argv[2])
print(line)
print('  '.join(s.ljust(x) for s, x in zip(['step'] + tags, w)).rstrip())
print(line)
print('  '.join(s.ljust(x) for s, x in zip(['stream bytes'] + [sizes.get(t, '-') for t in tags], w)).rstrip())
for step, v in rows.items():
    print('  '.join(s.ljust(x) for s, x in zip([step] + [v.get(t, '-') for t in tags], w)).rstrip())
print(line)
PY
rm -f "$out"
