#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: from a fresh Debian 12 machine to a test verdict.
#   1. install the Debian packages we need (idempotent, quiet)
#   2. check free disk
#   3. get the test kernels (cache or build)
#   4. build the modules for every lane, W=1 with no warnings
#   5. checkpatch --strict on every C file and header
#   6. sparse (C=2)
#   7. the DKMS-style build of the sample as an external vendor module
#   8. every selftest, on its lanes
# The last line is "N passed, N failed".
#
# MDEVFW_LANES limits the lanes (default: uml-debug,x86-debug-smp,stock).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
lanes=${MDEVFW_LANES:-uml-debug,x86-debug-smp,stock}
export MDEVFW_RESULTS=$top/.build/results.txt
mkdir -p .build
: >"$MDEVFW_RESULTS"
t0=$(date +%s)

record() { echo "$1 $2" >>"$MDEVFW_RESULTS"; echo "$1 $2"; }
step() { echo "== $* ($(( $(date +%s) - t0 )) s)"; }
finish() {
	local p f s
	p=$(grep -c '^PASS' "$MDEVFW_RESULTS")
	f=$(grep -c '^FAIL' "$MDEVFW_RESULTS")
	s=$(grep -c '^SKIP' "$MDEVFW_RESULTS")
	echo "== done in $(( $(date +%s) - t0 )) s"
	grep '^FAIL' "$MDEVFW_RESULTS" | sed 's/^/   /'
	if [ "$s" -gt 0 ]; then
		echo "$p passed, $f failed, $s skipped"
	else
		echo "$p passed, $f failed"
	fi
	[ "$f" = 0 ]
	exit
}
fatal() { record FAIL "$1"; finish; }

step "packages"
pkgs=(linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev xz-utils
      cpio perl jq python3 kmod iproute2 mdevctl udev sparse qemu-system-x86 busybox-static dkms)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >.build/apt.log 2>&1 ||
		{ tail -20 .build/apt.log; fatal "install Debian packages"; }
fi

step "disk"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw
mkdir -p "$cache"
free_mb=$(( $(df -Pk "$cache" | awk 'NR == 2 { print $4 }') / 1024 ))
need_mb=500
for k in uml-debug x86-debug; do
	ls -d "$cache/$k"-*/.mdevfw-complete >/dev/null 2>&1 || need_mb=$((need_mb + 1500))
done
echo "free under $cache: $free_mb MB, need about $need_mb MB"
[ "$free_mb" -ge "$need_mb" ] || fatal "free disk: need $need_mb MB under $cache, have $free_mb MB"

step "test kernels"
scripts/kernel.sh uml-debug || fatal "build the uml-debug kernel"
[[ $lanes == *x86-debug-smp* ]] && { scripts/kernel.sh x86-debug || fatal "build the x86-debug kernel"; }
[[ $lanes == *stock* ]] && { scripts/stock.sh || fatal "prepare the stock kernel"; }

step "modules (W=1)"
for lane in ${lanes//,/ } uml-debug-naive uml-debug-naive-active; do
	if scripts/build-modules.sh "$lane" >/dev/null; then
		record PASS "build: modules for $lane, W=1, no warnings"
	else
		record FAIL "build: modules for $lane, W=1, no warnings"
	fi
done
make -s -C selftests >/dev/null || fatal "build: selftest tools"

step "checkpatch"
ksrc=$(scripts/kernel.sh --src | tail -1)
ignore=$(grep -vE '^(#|$)' .checkpatch-ignore | awk '{ print $1 }' | paste -sd, -)
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './.build/*')
cp_out=$("$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	${ignore:+--ignore "$ignore"} -f $files 2>&1 | grep -E ': (ERROR|WARNING|CHECK):')
if [ -z "$cp_out" ]; then
	record PASS "checkpatch --strict: $(echo $files | wc -w) files clean"
else
	echo "$cp_out" | head -40
	record FAIL "checkpatch --strict: $(echo "$cp_out" | wc -l) findings"
fi

step "sparse"
if sp=$(scripts/build-modules.sh uml-debug C=2 2>&1); then
	record PASS "sparse (C=2) clean"
else
	echo "$sp" | grep -E 'warning|error' | head -30
	record FAIL "sparse (C=2) clean"
fi

if [[ $lanes == *stock* ]]; then
	step "external vendor build"
	if scripts/vendor-build.sh; then
		record PASS "build: dkms.conf, and the sample as an external module against installed mdevfw"
	else
		record FAIL "build: dkms.conf, and the sample as an external module against installed mdevfw"
	fi
fi

step "selftests"
selftests/run.sh --lanes "$lanes,uml-debug-naive,uml-debug-naive-active"
finish
