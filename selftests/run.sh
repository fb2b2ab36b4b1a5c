#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the selftests of selftests/tests.list, one VM boot per test and lane,
# and count their TAP cases. Each boot adds one case of its own: that the
# kernel log stayed clean (or, for an expected splat, that it was caught).
#
#   run.sh [--lanes uml-debug,x86-debug-smp,stock] [--only REGEX]
#
# Results go, one "PASS|FAIL|SKIP name" line each, to $MDEVFW_RESULTS when
# set (make check sums them); otherwise the summary line ends the output.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lanes=uml-debug
only=.
while [ $# -gt 0 ]; do
	case $1 in
	--lanes) lanes=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	*) echo "usage: run.sh [--lanes L,L] [--only REGEX]" >&2; exit 2 ;;
	esac
done
results=${MDEVFW_RESULTS:-$(mktemp)}
own_results=
[ -n "${MDEVFW_RESULTS:-}" ] || own_results=1

record() { echo "$1 $2" >>"$results"; echo "$1 $2"; }

while read -r name tlanes timeout expect cmd; do
	case $name in ''|'#'*) continue ;; esac
	[[ $name =~ $only ]] || continue
	for lane in ${tlanes//,/ }; do
		[[ ,$lanes, == *",$lane,"* ]] || continue
		id="$name[$lane]"
		log=$top/.build/logs/$name.$lane.log
		mkdir -p "$top/.build/logs"
		args=(--lane "$lane" --timeout "$timeout")
		[ "$expect" = - ] || args+=(--expect "$expect")
		echo "# ---- $id: $cmd"
		"$top/scripts/vm-run.sh" "${args[@]}" -- bash $cmd >"$log" 2>&1
		rc=$?
		if [ "$expect" != - ]; then
			grep -E '^(vm-run|detect):' "$log" | sed 's/^/#   /'
			if [ $rc = 0 ]; then
				record PASS "$id: the detector catches the $expect splat"
			else
				sed 's/^/#   /' "$log" | tail -40
				record FAIL "$id: the detector missed the $expect splat"
			fi
			continue
		fi
		plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$log" | cut -c4-)
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			desc=$(sed -E 's/^(not )?ok [0-9]+ ?//' <<<"$line")
			case $line in
			"not ok"*) record FAIL "$id: $desc" ;;
			*"# SKIP"*) record SKIP "$id: $desc" ;;
			*) record PASS "$id: $desc" ;;
			esac
		done < <(grep -E '^(not )?ok [0-9]+' "$log")
		grep -E '^(# |Bail out)' "$log" | grep -v '^# Totals' | sed 's/^/#   /' | head -40
		if [ -z "$plan" ] || [ "$plan" != "$n" ]; then
			grep -vE '^(not )?ok [0-9]+' "$log" | tail -30 | sed 's/^/#   /'
			record FAIL "$id: ran $n of ${plan:-no} planned cases"
		fi
		if grep -q '^detect: kernel log clean' "$log"; then
			record PASS "$id: kernel log clean"
		else
			sed -n '/^detect:/,$p' "$log" | head -80 | sed 's/^/#   /'
			record FAIL "$id: kernel log clean"
		fi
	done
done <"$top/selftests/tests.list"

if [ -n "$own_results" ]; then
	p=$(grep -c '^PASS' "$results"); f=$(grep -c '^FAIL' "$results"); s=$(grep -c '^SKIP' "$results")
	rm -f "$results"
	echo "$p passed, $f failed, $s skipped"
	[ "$f" = 0 ]
fi
