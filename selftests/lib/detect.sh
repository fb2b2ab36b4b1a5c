#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The splat detector: reads what a VM run left in RUN and says whether the
# kernel stayed clean.
#
#   detect.sh RUN            exit 0 if clean, 1 and a report if not
#   detect.sh RUN KIND       exit 0 only if a splat of KIND was found
#
# Kinds: lockdep kasan kmemleak bug warning hung rcu-stall refcount oops
# debug-locks-off timeout. The stack dumps that fault injection prints
# ("FAULT_INJECTION: forcing a failure", "page allocation failure") are
# counted as injected, not as splats.
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
run=${1:?usage: detect.sh RUN [KIND]}
expect=${2:-}
log=$run/dmesg.txt
[ -s "$log" ] || log=$run/console.log
# After a timeout: the log from before the dump of blocked tasks, then the rest.
if [ -s "$run/dmesg-timeout.txt" ]; then
	cat "$run/dmesg-timeout.txt" "$log" >"$run/dmesg-all.txt"
	log=$run/dmesg-all.txt
fi

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
	/INFO: possible irq lock inversion/ ||
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
	if [ -s "$run/kmemleak.txt" ]; then
		grep -h 'unreferenced object' "$run/kmemleak.txt" | sed 's/^/kmemleak\t/'
	fi
	if [ -s "$run/lockdep.txt" ] && grep -q 'debug_locks: *0' "$run/lockdep.txt"; then
		echo -e "debug-locks-off\tlockdep turned itself off (debug_locks: 0)"
	fi
	[ -e "$run/timed-out" ] && echo -e "timeout\tthe command did not finish in time"
	[ -e "$run/host-timeout" ] && echo -e "timeout\tthe VM did not power off in time"
	[ -s "$run/dmesg.txt" ] || [ -e "$run/host-timeout" ] ||
		echo -e "oops\tthe VM left no kernel log: it died before the end of its init"
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
	# KIND may list alternatives: lockdep|hung.
	if printf '%s\n' "$found" | grep -qE "^($expect)	"; then
		echo "detect: expected $expect splat caught: $(printf '%s\n' "$found" | grep -m1 -E "^($expect)	" | cut -f2-)"
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
