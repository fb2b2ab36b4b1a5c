#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The negative test: load the deliberately broken fixture in MODE (abba,
# leak or uaf). The runner boots once per mode and expects the splat
# detector to report it; this script only commits the sin.
. "$(dirname "$0")/lib/guest.sh"
mode=${1:?usage: fixture.sh abba|leak|uaf}
insmod "$MDEVFW_MODDIR/selftests/fixture/mdevfw_splat_fixture.ko" mode="$mode"
