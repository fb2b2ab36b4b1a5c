#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests of selftests/tests.list on their lanes and count their
# TAP cases.
#
#   run.sh [--lanes uml-debug,x86-debug-smp,stock] [--only REGEX] [--skip REGEX]
#          [--claim DIR]
#
# --only and --skip select the tests by name: those that match --only and
# not --skip.
#
# --claim DIR shares the boots with other runners given the same DIR: each
# boot runs in the runner that claims it first (mkdir DIR/LANE.@BOOT for a
# shared boot, DIR/LANE.=TEST for a test's own), and reports its results
# there, then leaves DIR/.../done. make check's two pipelines share the
# UML boots this way once the qemu pipeline has run its own; it removes DIR
# first, and fails a claim left without "done".
#
# Tests that expect a clean kernel share boots: those of one lane with the
# same boot name run one after another in one VM (guest-init.sh isolates
# them), and the detector judges each test's part of the kernel log, then
# the boot as a whole (leaks, lockdep still on, taint, modules that would not
# unload, a log that kept its start). A test that expects a splat has a boot
# of its own, because lockdep and KASAN switch off after their first report.
#
# Each test adds to its TAP cases one of its own, "kernel log clean" (or,
# for an expected splat, that the detector caught it), and fails if it
# exits non-zero, plans no case, runs fewer cases than it planned, or skips
# one: a test listed on a lane must run there. Each shared boot adds a case.
# A lane name that is not a lane, or a selected test and lane that produced
# no result, fails.
#
# Results go, one "PASS|FAIL|SKIP name" line each, to $MDEVFW_RESULTS when
# set (make check sums them); otherwise the summary line ends the output.
# The exit status is 0 only if nothing failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
known_lanes=" uml-debug uml-debug-naive uml-debug-naive-active x86-debug-smp stock "
known_lanes+="stock-6.1 uml-debug-6.1 uml-debug-6.1-naive x86-debug-smp-6.1 x86-debug-smp-6.1-naive "
lanes=uml-debug
only=.
skip=
claim=
while [ $# -gt 0 ]; do
	case $1 in
	--lanes) lanes=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--skip) skip=$2; shift 2 ;;
	--claim) claim=$2; shift 2 ;;
	*) echo "usage: run.sh [--lanes L,L] [--only REGEX] [--skip REGEX] [--claim DIR]" >&2; exit 2 ;;
	esac
done
results=${MDEVFW_RESULTS:-$(mktemp)}
own_results=
[ -n "${MDEVFW_RESULTS:-}" ] || own_results=1
start_lines=$(wc -l <"$results")

# Its own failures, counted here: another runner may be writing to the
# same results file (--claim).
nfail=0
record() {
	echo "$1 $2" >>"$results"
	echo "$1 $2"
	[ "$1" != FAIL ] || nfail=$((nfail + 1))
}
indent() { sed 's/^/#   /'; }

# tap NAME LANE OUT RC: the TAP cases of one test's output, and its exit.
tap() {
	local id="${1}[$2]" out=$3 rc=$4 plan n=0 line desc
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$out" 2>/dev/null | cut -c4-)
	while IFS= read -r line; do
		n=$((n + 1))
		desc=$(sed -E 's/^(not )?ok [0-9]+ ?(- )?//' <<<"$line")
		case $line in
		"not ok"*) record FAIL "$id: $desc" ;;
		*"# SKIP"* | *"# skip"*)
			record SKIP "$id: $desc"
			record FAIL "$id: skipped on a lane that lists it: $desc" ;;
		*) record PASS "$id: $desc" ;;
		esac
	done < <(grep -E '^(not )?ok [0-9]+' "$out" 2>/dev/null)
	grep -E '^(# |Bail out)' "$out" 2>/dev/null | grep -v '^# Totals' | indent | head -40
	if [ "$plan" = 0 ]; then
		grep -m3 -iE 'skip' "$out" | indent
		record SKIP "$id: planned no case"
		record FAIL "$id: skipped on a lane that lists it (plan 1..0)"
	elif [ -z "$plan" ] || [ "$plan" != "$n" ]; then
		grep -vE '^(not )?ok [0-9]+' "$out" 2>/dev/null | tail -30 | indent
		record FAIL "$id: ran $n of ${plan:-no} planned cases"
	fi
	case $rc in
	0) ;;
	'') record FAIL "$id: did not run (an earlier test of its boot hung, or the VM died)" ;;
	*) tail -5 "$out" 2>/dev/null | indent
	   record FAIL "$id: exited with status $rc" ;;
	esac
}

# One line of tests.list per test: name lanes timeout expect boot command.
entries=()
while read -r name tlanes timeout expect boot cmd; do
	case $name in ''|'#'*) continue ;; esac
	for lane in ${tlanes//,/ }; do
		if [[ $known_lanes != *" $lane "* ]]; then
			record FAIL "${name}[$lane]: tests.list names no such lane"
			continue
		fi
		[[ ,$lanes, == *",$lane,"* ]] || continue
		[[ $name =~ $only ]] || continue
		[ -z "$skip" ] || ! [[ $name =~ $skip ]] || continue
		entries+=("$lane $name $timeout $expect $boot $cmd")
	done
done <"$top/selftests/tests.list"

# Boots in the order of their first test, lane by lane as --lanes lists them.
boots=()
for lane in ${lanes//,/ }; do
	for e in "${entries[@]}"; do
		read -r l name timeout expect boot cmd <<<"$e"
		[ "$l" = "$lane" ] || continue
		if [ "$expect" != - ]; then
			boots+=("$lane =$name")
		elif [[ " ${boots[*]} " != *" $lane @$boot "* ]]; then
			boots+=("$lane @$boot")
		fi
	done
done

mkdir -p "$top/.build/logs"
if [ -n "$claim" ] && ! mkdir -p "$claim"; then
	record FAIL "run.sh: cannot make the claim directory $claim"
	claim=/nonexistent/claim
fi
nboot=0
elsewhere=" "
# done_claim: the boot of $lane and $key has given its results.
done_claim() { [ -z "$claim" ] || touch "$claim/$lane.$key/done"; }
for b in "${boots[@]}"; do
	read -r lane key <<<"$b"
	nboot=$((nboot + 1))
	# Another runner has it: its results are that runner's to give.
	if [ -n "$claim" ] && ! mkdir "$claim/$lane.$key" 2>/dev/null; then
		if [ -d "$claim/$lane.$key" ]; then
			echo "# ---- boot $nboot on $lane: ${key#[=@]}, run by another runner"
			elsewhere+="$lane$key "
		else
			record FAIL "boot ${key#[=@]}[$lane]: cannot claim it in $claim"
		fi
		continue
	fi
	t0=$(date +%s)
	# On the x86 debug lanes only the "smp" boot races; the others (the
	# functional devlink boot, the splat boots) get one CPU, which leaves
	# the host's other core to the other pipeline.
	cpus=()
	case $lane in
	x86-debug-smp*) [ "$key" = @smp ] || cpus=(--cpus 1) ;;
	esac
	if [[ $key == =* ]]; then
		# An expected splat: a boot of its own.
		for e in "${entries[@]}"; do
			read -r l name timeout expect boot cmd <<<"$e"
			[ "$l" = "$lane" ] && [ "$name" = "${key#=}" ] && break
		done
		id="${name}[$lane]"
		log=$top/.build/logs/$name.$lane.log
		echo "# ---- $id: $cmd (expects $expect)"
		if "$top/scripts/vm-run.sh" --lane "$lane" "${cpus[@]}" --timeout "$timeout" \
			--expect "$expect" -- bash $cmd >"$log" 2>&1; then
			grep -E '^(vm-run|detect):' "$log" | indent
			record PASS "$id: the detector catches the $expect splat"
		else
			indent <"$log" | tail -40
			record FAIL "$id: the detector missed the $expect splat"
		fi
		echo "# ---- $id: $(( $(date +%s) - t0 )) s"
		done_claim
		continue
	fi
	# A shared boot: its plan, one test a line.
	mkdir -p "$top/.build/runs"
	run=$(mktemp -d "$top/.build/runs/$lane.${key#@}.XXXXXX")
	names=()
	: >"$run/plan.in"
	for e in "${entries[@]}"; do
		read -r l name timeout expect boot cmd <<<"$e"
		[ "$l" = "$lane" ] && [ "$expect" = - ] && [ "@$boot" = "$key" ] || continue
		names+=("$name")
		echo "$name $timeout bash $cmd" >>"$run/plan.in"
	done
	log=$top/.build/logs/boot-${key#@}.$lane.log
	echo "# ---- boot $nboot on $lane: ${names[*]}"
	"$top/scripts/vm-run.sh" --lane "$lane" "${cpus[@]}" --run "$run" --plan "$run/plan.in" \
		>"$log" 2>&1
	vmrc=$?
	[ $vmrc = 0 ] || indent <"$log" | tail -20
	for name in "${names[@]}"; do
		out=$run/t.$name.out
		cp "$out" "$top/.build/logs/$name.$lane.log" 2>/dev/null
		tap "$name" "$lane" "$out" "$(cat "$run/t.$name.rc" 2>/dev/null)"
		# Its time in the guest, with its isolation and unloads.
		[ ! -e "$run/t.$name.secs" ] || echo "# ---- ${name}[$lane]: $(cat "$run/t.$name.secs") s"
		if [ ! -e "$run/t.$name.rc" ]; then
			record FAIL "${name}[$lane]: kernel log clean (the test did not run)"
		elif det=$("$top/selftests/lib/detect.sh" --test "$name" "$run"); then
			record PASS "${name}[$lane]: kernel log clean"
		else
			indent <<<"$det" | head -80
			record FAIL "${name}[$lane]: kernel log clean"
		fi
	done
	# What the boot check covers follows the lane's detectors.
	checks="no taint, modules unloaded, log whole" off=
	grep -qx 'LOCKDEP=on' "$run/env" && checks="no taint, lockdep on, modules unloaded, log whole" ||
		off="lockdep"
	grep -qx 'KMEMLEAK=on' "$run/env" && checks="no leak, $checks" || off="kmemleak${off:+ and $off}"
	[ -z "$off" ] || checks="$checks ($off off)"
	if det=$("$top/selftests/lib/detect.sh" --boot "$run"); then
		grep -E '^detect: .*injected' <<<"$det" | indent
		record PASS "boot ${key#@}[$lane]: $checks"
	else
		indent <<<"$det" | head -80
		record FAIL "boot ${key#@}[$lane]: $checks"
	fi
	echo "# ---- boot $nboot on $lane: $(( $(date +%s) - t0 )) s, run dir $run"
	done_claim
done

# Every selected test and lane must have produced a result.
for e in "${entries[@]}"; do
	read -r lane name _ expect boot _ <<<"$e"
	key=@$boot
	[ "$expect" = - ] || key="=$name"
	[[ $elsewhere != *" $lane$key "* ]] || continue
	tail -n +"$((start_lines + 1))" "$results" | grep -qF " ${name}[$lane]: " ||
		record FAIL "${name}[$lane]: no result"
done

if [ -n "$own_results" ]; then
	p=$(grep -c '^PASS' "$results"); s=$(grep -c '^SKIP' "$results")
	rm -f "$results"
	echo "$p passed, $nfail failed, $s skipped"
fi
[ "$nfail" = 0 ]
