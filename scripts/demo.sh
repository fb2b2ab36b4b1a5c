#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build what is needed, boot the test VM and walk through the
# sample parent with the tools people use (mdevctl, devlink, a tty); then,
# unless DEMO_QEMU=0, boot the stock lane's VM (Debian's kernel, under
# QEMU) and show QEMU taking an mdev as a PCI device.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if ! command -v mdevctl >/dev/null || ! command -v devlink >/dev/null ||
   ! command -v python3 >/dev/null ||
   [ ! -f /usr/src/linux-source-6.12.tar.xz ]; then
	echo "demo: installing Debian packages (once)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq linux-source-6.12 build-essential flex \
		bison bc libelf-dev libssl-dev xz-utils kmod iproute2 mdevctl udev python3 >/dev/null
fi
scripts/kernel.sh uml-debug | tail -1 >/dev/null
scripts/build-modules.sh uml-debug >/dev/null
make -s -C selftests >/dev/null
scripts/vm-run.sh --lane uml-debug --timeout 120 -- bash scripts/demo-guest.sh
[ "${DEMO_QEMU:-1}" != 0 ] || exit 0
# pahole: 6.12's headers make BTF for every module (their linux-kbuild
# package, which scripts/stock.sh unpacks, depends on it).
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v busybox >/dev/null ||
   ! command -v pahole >/dev/null; then
	echo "demo: installing QEMU, busybox-static and pahole (once)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq qemu-system-x86 busybox-static pahole >/dev/null
fi
start=$(date +%s)
scripts/stock.sh | tail -1 >/dev/null
scripts/build-modules.sh stock >/dev/null
scripts/vm-run.sh --lane stock --timeout 180 -- bash scripts/demo-qemu.sh
echo "demo: the QEMU part took $(( $(date +%s) - start )) s"
