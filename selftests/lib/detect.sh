#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The splat detector: reads what a VM run left in RUN and says whether the
# kernel stayed clean.
#
#   detect.sh RUN              exit 0 if clean, 1 and a report if not
#   detect.sh RUN KIND[:RE...] exit 0 only if a splat of KIND was found, and
#                              every RE matches the report's first 60 lines
#   detect.sh --test NAME RUN  only the part of the log that test NAME
#                              wrote (between guest-init's markers)
#   detect.sh --boot RUN       only what belongs to the whole boot: leaks,
#                              lockdep off, timeouts, taint, modules that
#                              would not unload, a log that lost its start,
#                              and reports outside every test's part
#
# Kinds: lockdep kasan kmemleak bug warning hung rcu-stall refcount oops
# debug-locks-off kmemleak-off timeout taint unload left log-lost. The
# stack dumps that fault injection prints ("FAULT_INJECTION: forcing a
# failure", "page allocation failure") are counted as injected, not as
# splats.
set -u
# --before-init RUN: exit 0 (and print it) if the kernel reported a splat
# before it ran init, that is, before any of our code could run.
if [ "${1:-}" = --before-init ]; then
	log=${2:?}/dmesg.txt
	[ -s "$log" ] || log=$2/console.log
	n=$(grep -n -m1 -E 'Run .* as init process' "$log" | cut -d: -f1)
	[ -n "$n" ] || exit 1
	head -n "$n" "$log" | grep -m3 -E 'BUG:|WARNING:|Oops|KASAN|refcount_t:|INFO: task' && exit 0
	exit 1
fi
part=all
test=
case ${1:-} in
--test) part=one; test=${2:?}; shift 2 ;;
--boot) part=boot; shift ;;
esac
run=${1:?usage: detect.sh RUN [KIND]}
expect=${2:-}
full=$run/dmesg.txt
[ -s "$full" ] || full=$run/console.log
# After a timeout: the log from before the dump of blocked tasks, then the rest.
if [ -s "$run/dmesg-timeout.txt" ]; then
	cat "$run/dmesg-timeout.txt" "$full" >"$run/dmesg-all.txt"
	full=$run/dmesg-all.txt
fi
# The part of the log to judge: one test's, what lies outside every test's,
# or all of it.
log=$full
case $part in
one)
	log=$run/dmesg.$test.txt
	awk -v b="mdevfw-test: begin $test" -v e="mdevfw-test: end $test" '
	function is(m) { return index($0, m) && substr($0, index($0, m) + length(m)) == "" }
	is(b) { on = 1; next }
	is(e) { on = 0 }
	on' "$full" >"$log"
	;;
boot)
	log=$run/dmesg.boot.txt
	awk '/mdevfw-test: begin / { on = 1; next } /mdevfw-test: end / { on = 0; next } !on' \
		"$full" >"$log"
	;;
esac

# envval NAME: NAME's value in the run's env (KMEMLEAK, LOCKDEP: on|off).
envval() { sed -n "s/^$1=//p" "$run/env" 2>/dev/null | head -1; }

classify() {
	awk '
	/FAULT_INJECTION: forcing a failure/ { inj++; next }
	/page allocation failure: order:/ { if (inj) next }
	/WARNING: possible circular locking dependency/ ||
	/WARNING: possible recursive locking/ ||
	/WARNING: inconsistent lock state/ ||
	/WARNING: .*lock.* (held|detected)/ ||
	/WARNING: suspicious RCU usage/ ||
	/BUG: sleeping function called from invalid context/ ||
	/WARNING: possible irq lock inversion/ ||
	/WARNING: Nested lock was not taken/ ||
	/WARNING: held lock freed/ ||
	/WARNING: bad unlock balance/ ||
	/WARNING: possible circular/ ||
	/BUG: (lock|spinlock|workqueue) / { print "lockdep\t" $0; next }
	/BUG: KASAN:/ || /KASAN: .* in / { print "kasan\t" $0; next }
	/refcount_t: / { print "refcount\t" $0; next }
	/INFO: task .* blocked for more than/ { print "hung\t" $0; next }
	/rcu: INFO: .* detected stall/ || /rcu_.* self-detected stall/ ||
	/rcu: INFO: .*stall/ { print "rcu-stall\t" $0; next }
	/Oops/ || /general protection fault/ || /Kernel panic/ { print "oops\t" $0; next }
	/BUG:/ || /kernel BUG at/ || /UBSAN:/ { print "bug\t" $0; next }
	/WARNING:/ || /------------\[ cut here \]------------/ { print "warning\t" $0; next }
	/ODEBUG:/ { print "bug\t" $0; next }
	' "$log" 2>/dev/null
	[ "$part" = one ] && return
	if [ -s "$run/kmemleak.txt" ]; then
		grep -h 'unreferenced object' "$run/kmemleak.txt" | sed 's/^/kmemleak\t/'
	fi
	if [ -s "$run/lockdep.txt" ] && grep -q 'debug_locks: *0' "$run/lockdep.txt"; then
		echo -e "debug-locks-off\tlockdep turned itself off (debug_locks: 0)"
	fi
	# A lane with kmemleak or lockdep must show that each looked: a
	# missing detector would otherwise pass as a clean one.
	if [ -s "$run/dmesg.txt" ] && [ ! -e "$run/timed-out" ] &&
	   [ "$(envval KMEMLEAK)" = on ]; then
		local st
		st=$(cat "$run/kmemleak.state" 2>/dev/null)
		[ "$st" = scanned ] ||
			echo -e "kmemleak-off\tno leak check: ${st:-the guest left no kmemleak state}"
	fi
	if [ -s "$run/dmesg.txt" ] && [ "$(envval LOCKDEP)" = on ] &&
	   ! grep -q 'debug_locks:' "$run/lockdep.txt" 2>/dev/null; then
		echo -e "debug-locks-off\tno lockdep: /proc/lockdep_stats has no debug_locks"
	fi
	[ -e "$run/timed-out" ] && echo -e "timeout\t$(cat "$run/timed-out") did not finish in time"
	[ -e "$run/host-timeout" ] && echo -e "timeout\tthe VM did not power off in time"
	if [ -s "$run/dmesg.txt" ]; then
		# A log that wrapped lost its first reports: it must begin at the banner.
		head -n 3 "$run/dmesg.txt" | grep -q 'Linux version' ||
			echo -e "log-lost\tthe saved kernel log does not begin at the boot banner: it wrapped"
	elif [ ! -e "$run/host-timeout" ]; then
		echo -e "oops\tthe VM left no kernel log: it died before the end of its init"
	fi
	# A VM that saved its log but died before powering off crashed, unless
	# its init stopped at the report the boot expects (guest-init.sh):
	# then init's exit ends the VM.
	if [ -s "$run/dmesg.txt" ] && [ ! -e "$run/host-timeout" ] && [ ! -e "$run/stopped" ] &&
	   [ -s "$run/console.log" ] &&
	   ! grep -qE 'reboot: Power down|Power down' "$run/console.log"; then
		echo -e "oops\tthe VM did not reach its power-off"
	fi
	# W (warning), B (bad page) and D (died): a report we did not parse still taints.
	local t
	t=$(cat "$run/tainted" 2>/dev/null || echo 0)
	(( t & (512 | 32 | 128) )) && echo -e "taint\tthe kernel is tainted $t (W, B or D set)"
	for t in "$run"/t.*.unload; do
		[ -s "$t" ] && sed "s/^/unload\t/" "$t"
	done
	for t in "$run"/t.*.left; do
		[ -s "$t" ] && sed "s/^/left\t/" "$t"
	done
	return 0
}

found=$(classify)
injected=$(grep -c 'FAULT_INJECTION: forcing a failure' "$log" 2>/dev/null)
[ "${injected:-0}" -gt 0 ] && echo "detect: ${injected} injected failure(s), not splats"

report() {
	echo "detect: kernel log of $run:"
	# The first report, with its context: that is the one that matters.
	local first
	first=$(grep -n -m1 -E 'WARNING:|BUG:|INFO: task|Oops|refcount_t:|rcu: INFO|KASAN|cut here' "$log" | cut -d: -f1)
	if [ -n "$first" ]; then
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 60))p" "$log" | sed 's/^/  | /'
	fi
	if [ -s "$run/kmemleak.txt" ]; then
		head -40 "$run/kmemleak.txt" | sed 's/^/  | /'
	fi
}

if [ -n "$expect" ]; then
	# KIND may list alternatives (lockdep|hung), and then regular
	# expressions that the report must match (lockdep:mdevfw_srcu:lock_key).
	kind=${expect%%:*}
	res=()
	[ "$kind" = "$expect" ] || IFS=: read -r -a res <<<"${expect#*:}"
	if printf '%s\n' "$found" | grep -qE "^($kind)	"; then
		line=$(printf '%s\n' "$found" | grep -m1 -E "^($kind)	" | cut -f2-)
		first=$(grep -n -m1 -F -- "$line" "$log" | cut -d: -f1)
		block=$(sed -n "${first:-1},$(( ${first:-1} + 60 ))p" "$log")
		for re in "${res[@]}"; do
			if ! grep -qE -- "$re" <<<"$block"; then
				echo "detect: the $kind report does not mention '$re':"
				sed 's/^/  | /' <<<"$block" | head -40
				exit 1
			fi
		done
		echo "detect: expected $kind splat caught: $line${res:+ (matches ${res[*]})}"
		exit 0
	fi
	echo "detect: expected a $expect splat, found: ${found:-nothing}"
	report
	exit 1
fi
if [ -n "$found" ]; then
	echo "detect: kernel splats:"
	printf '%s\n' "$found" | sort | uniq -c | sort -rn | head -20 | sed 's/^/  /'
	report
	exit 1
fi
echo "detect: kernel log clean"
exit 0
