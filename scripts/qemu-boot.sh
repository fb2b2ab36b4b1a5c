#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot an x86_64 test VM under QEMU (TCG, 2 CPUs; an x86 debug lane takes
# MDEVFW_CPUS from vm-run.sh --cpus) with the host's root as its
# root over virtio 9p, writable, and run selftests/lib/guest-init.sh in it.
#
#   scripts/qemu-boot.sh LANE RUN HOST_TIMEOUT
#
# Lanes:
#   x86-debug-smp  the lockdep/KASAN kernel of `scripts/kernel.sh x86-debug`,
#                  9p built in, so no initramfs
#   x86-debug-smp-6.1 (and its -naive lane)
#                  the same from linux-source-6.1 (kernel.sh x86-debug-6.1)
#   stock          Debian's kernel and the initramfs of scripts/stock.sh
#   stock-6.1      the same with Debian 12's default 6.1 (stock.sh --series 6.1)
#
# The console goes to stdout. The exit status is QEMU's, or timeout(1)'s
# (124, or 137 after the KILL) if the VM is still up after HOST_TIMEOUT s.
set -u
if [ $# -ne 3 ]; then
	echo "usage: qemu-boot.sh LANE RUN HOST_TIMEOUT" >&2
	exit 2
fi
lane=$1 run=$2 host_timeout=$3
top=$(cd "$(dirname "$0")/.." && pwd)
init=$top/selftests/lib/guest-init.sh
[ -d "$run" ] || { echo "qemu-boot: no run directory $run" >&2; exit 2; }

# Print a preparation script's output, keep its last line (a directory).
last_line() {
	local out
	out=$("$@") || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | sed '$d'
	last=${out##*$'\n'}
}

last=
# The stock lanes' memory; the x86 debug lanes take less (below).
mem=2G
smp=2
# no_timer_check: a starved TCG vCPU fails the boot-time IO-APIC timer test
# ("..MP-BIOS bug: 8254 timer not connected to IO-APIC") for no real reason.
# no5lvl: with 5-level paging the KASAN kernel once reported a
# wild-memory-access in an interrupt taken during identify_cpu(), before
# init; 4-level paging is all the tests need.
common="console=ttyS0 quiet log_buf_len=16M panic=-1 no_timer_check no5lvl"
case $lane in
x86-debug-smp|x86-debug-smp-6.1*)
	flavour=x86-debug
	[ "$lane" = x86-debug-smp ] || flavour=x86-debug-6.1
	last_line "$top/scripts/kernel.sh" $flavour || exit 1
	kernel=$last/arch/x86/boot/bzImage
	initrd=()
	append="$common root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose rw"
	append="$append init=$init RUN=$run"
	# 1 GB: kmemleak's scans at the end of a boot read every struct page
	# and KASAN's shadow (an eighth of the memory, which x86's
	# kasan_init leaves tracked); with 2 GB the two scans of the 6.1
	# lane's devlink boot took 79 s, with 1 GB 42 s. KASAN's quarantine
	# (a 32nd of the memory) is then 32 MB.
	mem=1G
	# Two CPUs for the races; vm-run.sh --cpus 1 for a boot that has
	# none (selftests/run.sh: every boot on this lane but "smp"). Such a
	# boot gets 512 MB: on a quiet host the smpdl boot took 180 s
	# (devlink 66 s, eswitch 61 s) against 238 s (80 s, 79 s) with 1 GB,
	# its program starts and kmemleak's scans both faster. Its KASAN
	# quarantine is 16 MB, for sequential code; the races keep 1 GB and
	# 32 MB (the smp boot: 241 s with 512 MB against 254 s, but stress
	# raced 365 operations a minute against 430).
	smp=${MDEVFW_CPUS:-2}
	[ "$smp" != 1 ] || mem=512M
	;;
stock|stock-6.1)
	if [ "$lane" = stock ]; then
		last_line "$top/scripts/stock.sh" || exit 1
	else
		last_line "$top/scripts/stock.sh" --series 6.1 || exit 1
	fi
	kernel=$last/vmlinuz
	initrd=(-initrd "$last/initramfs.cpio.gz")
	append="$common RUN=$run MDEVFW_INIT=$init"
	;;
*)
	echo "qemu-boot: unknown lane $lane" >&2
	exit 2
	;;
esac
[ -f "$kernel" ] || { echo "qemu-boot: no kernel $kernel" >&2; exit 1; }
# The guest may boot the same image under a QEMU of its own (vfio-guest).
echo "MDEVFW_KIMAGE=$(printf '%q' "$kernel")" >>"$run/env"
# x86 takes 2048 bytes of command line; keep well under it.
if [ ${#append} -gt 1500 ]; then
	echo "qemu-boot: kernel command line too long (${#append}): shorten the paths" >&2
	exit 2
fi
case "$run$init" in
*[[:space:]]*) echo "qemu-boot: paths with white space cannot go on the kernel command line" >&2; exit 2 ;;
# QEMU splits -virtfs options at commas.
*,*) echo "qemu-boot: a run directory with a comma cannot be a virtfs export" >&2; exit 2 ;;
esac

# No CMPXCHG16B (-cx16), as the nested guest has none: the kernel then
# takes its own emulation of the instruction (this_cpu_cmpxchg16b_emu,
# SLUB's per-CPU fast path on every allocation), and SLUB's slab-level
# freelist updates take slab_lock; this TCG runs both faster. On the x86
# 6.1 lane's smp boot, on a quiet host (one run against two): 216 s
# against 284 and 283 s, and stress raced 726 operations in 74 s
# against 489 in 85 s and 439 in 98 s. Once, on the stock lane, a #DB
# with DR_STEP hit the kernel on that very instruction in
# kmem_cache_alloc_noprof() (a WARNING in exc_debug_kernel(), EFLAGS
# full of garbage); without the instruction that path is gone. The
# stock-6.1 boot took the same time either way (54 s and 51 s).
# q35, not the default i440fx: the i440fx _PRT is an AML While loop that the
# KASAN kernel on a loaded TCG host did not finish in ACPI's 30 s loop limit
# (AE_AML_LOOP_TIMEOUT), and that boot never reached init. No NIC: none needed.
exec timeout -k 10 "$host_timeout" qemu-system-x86_64 -machine q35 -nic none \
	-accel tcg,thread=multi -cpu max,-cx16 -smp "$smp" -m "$mem" -nographic -no-reboot \
	-kernel "$kernel" "${initrd[@]}" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,multidevs=remap \
	-virtfs local,path="$run",mount_tag=mdevfw_run,security_model=passthrough \
	-append "$append" </dev/null
