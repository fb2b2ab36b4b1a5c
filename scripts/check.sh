#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: from a fresh Debian 12 machine to a test verdict.
#   1. install the Debian packages we need (idempotent, quiet)
#   2. check free disk
#   3. start the test kernels (cache or build) in the background
#   4. build the selftest tools
#   5. two pipelines at once, as each VM uses about one core while a
#      kernel build or the other pipeline uses the other:
#      uml (in the background, its lines marked "[uml]"): once the UML
#        kernel is there, its modules (W=1, and the two naive builds), the
#        uml lanes' tests and sparse; then the same for UML 6.1, when
#        its lane is asked for; then its share of the x86 boots
#        (run.sh --claim);
#      qemu: for stock and then stock-6.1, the distro kernel and headers,
#        the modules and the DKMS-style vendor build, and their tests but
#        stock-6.1's nested guest; the nested guest if no kernel is
#        building; checkpatch; once the x86 kernel is there, its modules
#        and its share of the x86 boots; the nested guest if it has not
#        run; then its share of the UML boots, 6.12's and then 6.1's.
#      Each boot runs in the pipeline that claims it first.
#      With the kernels cached, nothing waits for the stock preparation.
# Every phase prints its time, and a table of them ends the run. The last
# line is "N passed, N failed".
#
# MDEVFW_LANES limits the lanes (default:
# uml-debug,x86-debug-smp-6.1,stock,stock-6.1); the naive lanes come with
# their debug lane. The x86 lane of the default is 6.1's: one kernel build
# gives the races on two CPUs and lockdep on 6.1's code paths
# (Documentation/testing.rst has the lane table). x86-debug-smp (6.12)
# and uml-debug-6.1 are there to ask for.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
lanes=${MDEVFW_LANES:-uml-debug,x86-debug-smp-6.1,stock,stock-6.1}
export MDEVFW_RESULTS=$top/.build/results.txt
mkdir -p .build
: >"$MDEVFW_RESULTS"
t0=$(date +%s)
phase_name=
phase_t=$t0
# Each pipeline writes its phases to its own file: "[pipe] name".
pipe=main
phasedir=.build/phases
rm -rf "$phasedir"
mkdir -p "$phasedir"

has_lane() { [[ ,$lanes, == *",$1,"* ]]; }
record() { echo "$1 $2" >>"$MDEVFW_RESULTS"; echo "$1 $2"; }
step() {
	local now
	now=$(date +%s)
	[ -z "$phase_name" ] ||
		printf '%6d s  %-5s %s (from %d s)\n' $((now - phase_t)) "$pipe" \
			"$phase_name" $((phase_t - t0)) >>"$phasedir/$pipe"
	phase_name=$*
	phase_t=$now
	echo "== $* (at $((now - t0)) s)"
}
finish() {
	local p f s
	step end
	p=$(grep -c '^PASS' "$MDEVFW_RESULTS")
	f=$(grep -c '^FAIL' "$MDEVFW_RESULTS")
	s=$(grep -c '^SKIP' "$MDEVFW_RESULTS")
	echo "== phases (wall clock; the kernels build in the background, the"
	echo "   uml and qemu pipelines run at the same time):"
	cat "$phasedir"/main "$phasedir"/uml "$phasedir"/qemu 2>/dev/null | sed 's/^/   /'
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

# tests LANES [RUN.SH OPTIONS]: the selftests of those lanes; a runner
# that fails without recording why still fails the run.
tests() {
	local before after
	before=$(grep -c '^FAIL' "$MDEVFW_RESULTS")
	selftests/run.sh --lanes "$@"
	local rc=$?
	after=$(grep -c '^FAIL' "$MDEVFW_RESULTS")
	[ $rc = 0 ] || [ "$after" -gt "$before" ] || record FAIL "selftests on $1: runner exited $rc"
}

# build LANE: the lane's modules, W=1, no warnings.
build() {
	if scripts/build-modules.sh "$1" >/dev/null; then
		record PASS "build: modules for $1, W=1, no warnings"
	else
		record FAIL "build: modules for $1, W=1, no warnings"
	fi
}

step "packages"
pkgs=(linux-source-6.12 linux-source-6.1 build-essential flex bison bc libelf-dev libssl-dev xz-utils
      cpio perl jq python3 python3-yaml kmod iproute2 mdevctl udev sparse qemu-system-x86 busybox-static
      pahole zstd ccache)
# ccache: the builds of our modules (scripts/ccache.sh).
# pahole: the stock lanes' linux-kbuild package, unpacked and not
# installed (scripts/stock.sh), depends on it: 6.12's headers make BTF
# for every module they build.
# Without their recommends: libvirt's daemon (the lxc, vbox and xen
# drivers, lvm2: the libvirt test runs its node-device driver alone), and
# dkms (the host's linux-headers-amd64: the builds use the stock lanes'
# headers, unpacked into the cache).
norec=(libvirt-daemon libvirt-clients dkms)
missing=()
missing_norec=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
for p in "${norec[@]}"; do
	installed "$p" || missing_norec+=("$p")
done
if [ $(( ${#missing[@]} + ${#missing_norec[@]} )) -gt 0 ]; then
	echo "installing: ${missing[*]} ${missing_norec[*]}"
	export DEBIAN_FRONTEND=noninteractive
	{
		apt-get update -qq &&
		{ [ ${#missing[@]} = 0 ] || apt-get install -y -qq "${missing[@]}"; } &&
		{ [ ${#missing_norec[@]} = 0 ] ||
			apt-get install -y -qq --no-install-recommends "${missing_norec[@]}"; }
	} >.build/apt.log 2>&1 || { tail -20 .build/apt.log; fatal "install Debian packages"; }
fi

step "disk"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw
mkdir -p "$cache"
free_mb=$(( $(df -Pk "$cache" | awk 'NR == 2 { print $4 }') / 1024 ))
need_mb=500
# Each debug kernel a lane asks for, built, and each source tree.
for k in uml-debug:uml-debug-6.12. uml-debug-6.1:uml-debug-6.1- \
	 x86-debug-smp:x86-debug-6.12. x86-debug-smp-6.1:x86-debug-6.1-; do
	has_lane "${k%%:*}" || continue
	ls -d "$cache/${k#*:}"*/.mdevfw-complete >/dev/null 2>&1 || need_mb=$((need_mb + 1500))
done
# 6.12's for the tools and lint always, 6.1's for a 6.1 debug kernel.
for k in 6.12 6.1; do
	[ $k = 6.12 ] || has_lane uml-debug-6.1 || has_lane x86-debug-smp-6.1 || continue
	ls -d "$cache/src-$k".*/linux-source-$k/.mdevfw-extracted >/dev/null 2>&1 ||
		need_mb=$((need_mb + 1500))
done
# Each stock lane's image, headers and modules, unpacked.
for k in stock-6.12. stock-6.1.; do
	ls -d "$cache/$k"*/.mdevfw-complete >/dev/null 2>&1 || need_mb=$((need_mb + 800))
done
echo "free under $cache: $free_mb MB, need about $need_mb MB"
[ "$free_mb" -ge "$need_mb" ] || fatal "free disk: need $need_mb MB under $cache, have $free_mb MB"

step "kernel source"
ksrc=$(scripts/kernel.sh --src 2>&1) || { echo "$ksrc"; fatal "extract the kernel source"; }
ksrc=${ksrc##*$'\n'}

# The kernels build in the background: the UML ones one after the other,
# the x86 ones one after the other at the same time as them. A fifo for
# each builder says which kernel is done, so nothing polls. Each fifo is
# held open for reading and writing here, so a write never waits for its
# reader. Fds 5 to 9 (5 and 6 for the pipelines, below): under
# "make -jN check" a jobserver's pipe may be 3 and 4, and a sub-make
# would take a fifo there for it. On a new
# machine the x86 kernel and then its lane's boot are the longest path:
# it builds beside the UML ones, the UML tests (one core) and the stock
# lanes.
klog() { echo ".build/kernel.$1.log"; }
# Fd 6: the uml pipeline says when the modules for the UML boots are
# built ("uml-built 0"), or that there will be none; the qemu pipeline,
# done with its own lanes, then shares those boots (run.sh --claim).
f=.build/uml-built.fifo
rm -f "$f"
mkfifo "$f"
exec 6<>"$f"
# Fd 5: the same for UML 6.1's modules ("uml61-built 0").
f=.build/uml61-built.fifo
rm -f "$f"
mkfifo "$f"
exec 5<>"$f"
# Fd $qfd (10 or more): the qemu pipeline says which x86 lanes have
# their modules built ("x86-built LANE,LANE", or "-"): the uml pipeline,
# done with its own boots, shares theirs.
f=.build/qemu-built.fifo
rm -f "$f"
mkfifo "$f"
exec {qfd}<>"$f"
claims=.build/claims
rm -rf "$claims"
uml_lanes=uml-debug,uml-debug-naive,uml-debug-naive-active
# Fd 9 has both x86 kernels, 6.1's first: the qemu pipeline waits for
# them in that order.
for k in 7:uml-debug 8:uml-debug-6.1 9:x86-debug; do
	f=.build/kernel.${k#*:}.fifo
	rm -f "$f"
	mkfifo "$f"
	eval "exec ${k%%:*}<>\"\$f\""
	: >"$(klog "${k#*:}")"
done
: >"$(klog x86-debug-6.1)"
kpids=()
kpid_uml=
kpid_x86=
(
	if has_lane uml-debug; then
		scripts/kernel.sh uml-debug >>"$(klog uml-debug)" 2>&1
		echo "uml-debug $?" >&7
	fi
	if has_lane uml-debug-6.1; then
		scripts/kernel.sh uml-debug-6.1 >>"$(klog uml-debug-6.1)" 2>&1
		echo "uml-debug-6.1 $?" >&8
	fi
) &
kpid_uml=$!
kpids+=($!)
if has_lane x86-debug-smp-6.1 || has_lane x86-debug-smp; then
	(
		if has_lane x86-debug-smp-6.1; then
			scripts/kernel.sh x86-debug-6.1 >>"$(klog x86-debug-6.1)" 2>&1
			echo "x86-debug-6.1 $?" >&9
		fi
		if has_lane x86-debug-smp; then
			scripts/kernel.sh x86-debug >>"$(klog x86-debug)" 2>&1
			echo "x86-debug $?" >&9
		fi
	) &
	kpid_x86=$!
	kpids+=($!)
fi
kernel_ready() {
	local name= rc= fd log pid
	case $1 in
	uml-debug) fd=7 pid=$kpid_uml ;;
	uml-debug-6.1) fd=8 pid=$kpid_uml ;;
	*) fd=9 pid=$kpid_x86 ;;
	esac
	log=$(klog "$1")
	# Bounded by the builder's life: one that died says nothing.
	until read -t 30 -r name rc <&$fd; do
		kill -0 "$pid" 2>/dev/null && continue
		read -t 1 -r name rc <&$fd || name="nothing (its builder died)"
		break
	done
	grep -E "^kernel.sh: $1: cached|^kernel.sh: built $1 " "$log" | sed 's/^/   /'
	[ "$name" = "$1" ] || { record FAIL "kernels: expected $1, got $name"; return 1; }
	if [ "$rc" != 0 ]; then
		tail -40 "$log"
		record FAIL "build the $1 kernel"
		return 1
	fi
}

# prep [SERIES]: a stock lane's kernel, headers, modules, DKMS and vendor
# build. A failure is recorded, and the lane's tests do not run.
prep() {
	local lane=stock${1:+-$1} on=${1:+, on $1}
	local series=(${1:+--series "$1"})
	# vendor-build.sh checks make install against 6.12's headers only.
	[ -n "${1:-}" ] || on=", and make install"

	scripts/stock.sh "${series[@]}" >/dev/null ||
		{ record FAIL "prepare the $lane kernel"; return 1; }
	build "$lane"
	if scripts/vendor-build.sh "${series[@]}"; then
		record PASS "build: dkms.conf, and the sample as an external module against installed mdevfw$on"
	else
		record FAIL "build: dkms.conf, and the sample as an external module against installed mdevfw$on"
	fi
}

checkpatch() {
	local ignore files nfiles cp_out cp_rc cp_found

	ignore=$(grep -vE '^(#|$)' .checkpatch-ignore | awk '{ print $1 }' | paste -sd, -)
	files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './.build/*')
	nfiles=$(echo $files | wc -w)
	if [ ! -x "$ksrc/scripts/checkpatch.pl" ]; then
		record FAIL "checkpatch --strict: no $ksrc/scripts/checkpatch.pl"
		return
	fi
	# Its verdict is its exit status; the findings are what it printed.
	cp_out=$("$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		${ignore:+--ignore "$ignore"} -f $files 2>&1)
	cp_rc=$?
	cp_found=$(grep -E ': (ERROR|WARNING|CHECK):' <<<"$cp_out")
	if [ $cp_rc = 0 ] && [ -z "$cp_found" ] && [ "$nfiles" -gt 0 ]; then
		record PASS "checkpatch --strict: $nfiles files clean"
	else
		echo "${cp_found:-$cp_out}" | head -40
		record FAIL "checkpatch --strict: exit $cp_rc, $(grep -c . <<<"$cp_found") findings"
	fi
}

make -s -C selftests KSRC="$ksrc" >/dev/null || fatal "build: selftest tools"

# The uml pipeline: UML is one process, about one core.
uml_pipeline() {
	pipe=uml
	phase_name=
	phase_t=$(date +%s)
	if ! has_lane uml-debug; then
		echo "uml-built 1" >&6
	elif step "waiting for the uml-debug kernel" && ! kernel_ready uml-debug; then
		echo "uml-built 1" >&6
	else
		step "uml-debug: modules (W=1), naive builds"
		build uml-debug
		build uml-debug-naive
		build uml-debug-naive-active
		echo "uml-built 0" >&6
		step "tests: uml-debug and the naive lanes"
		tests "$uml_lanes" --claim "$claims"
		# In a directory of its own: the qemu pipeline may still be
		# running a boot with the lane's modules.
		step "sparse"
		if sp=$(scripts/build-modules.sh uml-debug-sparse C=2 2>&1); then
			record PASS "sparse (C=2) clean"
		else
			echo "$sp" | grep -E 'warning|error' | head -30
			record FAIL "sparse (C=2) clean"
		fi
	fi
	if has_lane uml-debug-6.1; then
		step "waiting for the uml-debug-6.1 kernel"
		kernel_ready uml-debug-6.1 || { echo "uml61-built 1" >&5; return; }
		step "uml-debug-6.1: modules (W=1), naive build"
		build uml-debug-6.1
		build uml-debug-6.1-naive
		echo "uml61-built 0" >&5
		step "tests: uml-debug-6.1 and its naive lane"
		tests uml-debug-6.1,uml-debug-6.1-naive --claim "$claims"
	fi
}
# share_boots: once the qemu pipeline says which x86 lanes' modules are
# built, the boots of those lanes that it has not claimed yet. Bounded
# by the main shell's life (the qemu pipeline). Not stock-6.1's nested
# guest: beside an x86 boot, nested TCG is the test load slows most.
share_boots() {
	local what= x86=
	step "waiting for the qemu pipeline's x86 modules"
	until [ "$what" = x86-built ]; do
		read -t 30 -r what x86 <&"$qfd" || kill -0 $$ 2>/dev/null || return
	done
	if [ "$x86" != - ]; then
		step "tests: x86 boots the qemu pipeline has not claimed"
		tests "$x86" --claim "$claims"
	fi
}
step "the uml and qemu pipelines"
main_t=$phase_t
# Its last act is its marker: a pipeline that died is a failure.
# Whatever becomes of it, it tells the qemu pipeline once it is done, so
# that a wait for its modules cannot hang.
( trap 'echo "uml-built 1" >&6; echo "uml61-built 1" >&5' EXIT; uml_pipeline; share_boots
  step end; touch "$phasedir/uml.done" ) 2>&1 |
	sed -u 's/^/[uml] /' &
upid=$!

# The qemu pipeline, here.
pipe=qemu
phase_name=
if has_lane stock; then
	step "stock lane: distro kernel, headers, modules, DKMS and vendor build"
	if prep; then
		step "tests: stock"
		tests stock
	fi
fi
stock61=
if has_lane stock-6.1; then
	step "stock-6.1 lane: Debian 12's default kernel, headers, modules, DKMS and vendor build"
	if prep 6.1; then
		stock61=ready
		step "tests: stock-6.1 but its nested guest"
		tests stock-6.1 --skip '^vfio-guest$'
	fi
fi
# stock-6.1's nested guest (vfio-guest, nested TCG) is the test that
# load slows most: it runs here only if no kernel is building (a warm
# run), beside the uml pipeline's own boots, before the two pipelines
# share the x86 lane's; there, at the end, it ran alone. Otherwise after
# the x86 lane (below), so that in a cold run it does not compete with
# the kernel builds (1167 s of its 1400 s bound when it ran beside them,
# against 175 s in a warm run).
guest_done=
kernels_built() {
	local p
	for p in "${kpids[@]}"; do
		kill -0 "$p" 2>/dev/null && return 1
	done
	return 0
}
if [ -n "$stock61" ] && kernels_built; then
	step "tests: stock-6.1's nested guest"
	tests stock-6.1 --only '^vfio-guest$'
	guest_done=1
fi
# Here, in a cold run, it fills the wait for the x86 kernel.
step "checkpatch"
checkpatch
# The x86 lanes' modules first, then their boots, which the uml pipeline
# shares once done with its own. A lane whose kernel failed runs no test
# (its failure is recorded).
x86=
if has_lane x86-debug-smp-6.1; then
	step "waiting for the x86-debug-6.1 kernel"
	if kernel_ready x86-debug-6.1; then
		step "x86-debug-smp-6.1: modules (W=1), naive build"
		build x86-debug-smp-6.1
		build x86-debug-smp-6.1-naive
		x86+=,x86-debug-smp-6.1,x86-debug-smp-6.1-naive
	fi
fi
if has_lane x86-debug-smp; then
	step "waiting for the x86-debug kernel"
	if kernel_ready x86-debug; then
		step "x86-debug-smp: modules (W=1)"
		build x86-debug-smp
		x86+=,x86-debug-smp
	fi
fi
x86=${x86#,}
echo "x86-built ${x86:--}" >&"$qfd"
if [ -n "$x86" ]; then
	step "tests: the x86 lanes"
	tests "$x86" --claim "$claims"
fi
# The nested guest, if it did not run above: after the x86 lane.
if [ -n "$stock61" ] && [ -z "$guest_done" ]; then
	step "tests: stock-6.1's nested guest"
	tests stock-6.1 --only '^vfio-guest$'
fi
# Then the UML boots that the uml pipeline has not claimed, two VMs at a
# time: the UML pipeline is the longer.
# claim_boots FD NAME LANES: once the uml pipeline says on FD that NAME's
# modules are built, the boots of LANES it has not claimed yet. Bounded
# by the pipeline's life: one killed outright says nothing.
claim_boots() {
	local urc=
	step "waiting for the $2 modules"
	until read -t 30 -r _ urc <&"$1"; do
		kill -0 "$upid" 2>/dev/null && continue
		read -t 1 -r _ urc <&"$1" || urc=1
		break
	done
	[ "$urc" = 0 ] || return 0
	step "tests: $2 boots the uml pipeline has not claimed"
	tests "$3" --claim "$claims"
}
has_lane uml-debug && claim_boots 6 uml "$uml_lanes"
has_lane uml-debug-6.1 && claim_boots 5 uml-debug-6.1 uml-debug-6.1,uml-debug-6.1-naive
step "waiting for the uml pipeline"
wait "$upid"
[ -e "$phasedir/uml.done" ] || record FAIL "the uml pipeline ended before its end"
# A boot claimed and never finished: its runner died, and nobody reported it.
for c in "$claims"/*; do
	[ ! -d "$c" ] || [ -e "$c/done" ] || record FAIL "boot ${c##*/}: claimed, never finished"
done
step "end of the qemu pipeline"
wait "${kpids[@]}"
pipe=main
phase_name="the uml and qemu pipelines"
phase_t=$main_t
finish
