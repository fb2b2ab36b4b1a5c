#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build what is needed, boot the test VM and walk through the
# sample parent with the tools people use (mdevctl, devlink, a tty).
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
exec scripts/vm-run.sh --lane uml-debug --timeout 120 -- bash scripts/demo-guest.sh
