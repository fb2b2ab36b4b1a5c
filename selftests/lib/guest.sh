#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for selftests that run inside the test VM (scripts/vm-run.sh).
# Source it; it brings the kernel's ktap_helpers.sh with it.

: "${MDEVFW_MODDIR:?run me in the VM: scripts/vm-run.sh}"
: "${MDEVFW_KSRC:?}"
# shellcheck source=/dev/null
. "$MDEVFW_KSRC/tools/testing/selftests/kselftest/ktap_helpers.sh"

MDEVFW_TOOLS=${MDEVFW_TOP:-$PWD}/.build/tools
SYS_MSAMPLE=/sys/bus/msample
SYS_MDEV_BUS=/sys/class/mdev_bus
SYS_MDEVS=/sys/bus/mdev/devices

# loaded NAME: whether module NAME is loaded (from a builtin: under TCG
# every program started costs a second or more).
loaded() {
	local m rest
	while read -r m rest; do
		[ "$m" = "$1" ] && return 0
	done </proc/modules
	return 1
}

# mdevfw_modprobe ARGS...: modprobe from the lane's module root, which
# build-modules.sh made: the kernel's modules and ours, with their
# depmod. The host's modprobe.d does not apply.
mdevfw_modprobe() {
	modprobe -C /dev/null -d "$MDEVFW_MODDIR/modroot" "$@"
}

# mdevfw_kmod NAME: load a module of the lane's kernel, with its
# dependencies; true if it is loaded or built in.
mdevfw_kmod() {
	loaded "$1" && return 0
	# Built in (then /sys/module has it if it has parameters).
	[ -d "/sys/module/$1" ] && return 0
	mdevfw_modprobe -q "$1"
}

# vfio_has_cdev: whether the kernel's vfio has the device cdev
# (VFIO_DEVICE_CDEV). /dev/vfio/devices says so only while a device exists.
vfio_has_cdev() {
	mdevfw_kmod vfio 2>/dev/null && grep -qw vfio_device_fops_cdev_open /proc/kallsyms
}

# mdevfw_load [sample [PARAM=VALUE...]]: load the framework (and what it
# needs of the kernel's modules, such as vfio), and the sample parent.
# One modprobe: a module already loaded stays as it is.
mdevfw_load() {
	if [ "${1:-}" = sample ]; then
		mdevfw_modprobe mdevfw_sample "${@:2}"
	else
		mdevfw_modprobe mdevfw
	fi
}

# mdevfw_unload: the sample (if loaded), then the framework.
mdevfw_unload() {
	! loaded mdevfw_sample || rmmod mdevfw_sample || return
	! loaded mdevfw || rmmod mdevfw
}

# wr FILE DATA [LEN]: write DATA exactly (no newline added) in one write(2),
# or its first LEN bytes padded with NULs;
# prints OK or the errno name (EINVAL, EEXIST, ...).
wr() {
	"$MDEVFW_TOOLS/wr" "$@"
}

# msample_new ID [PORTS] / msample_del ID
msample_new() { wr $SYS_MSAMPLE/new_device "$*"; }
msample_del() { wr $SYS_MSAMPLE/del_device "$1"; }

# type_dir PARENT TYPE: the type's directory.
type_dir() { echo "$SYS_MDEV_BUS/$1/mdev_supported_types/$2"; }

# check DESC ACTUAL EXPECTED: one TAP case comparing exact strings.
check() {
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: got '$2', want '$3'"
		ktap_test_fail "$1"
	fi
}

# check_cmd DESC CMD...: one TAP case that passes if CMD succeeds.
check_cmd() {
	local desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_print_msg "$desc: '$*' failed"
		ktap_test_fail "$desc"
	fi
}

# A fresh random UUID, lower case (a builtin read: no program start).
new_uuid() {
	local u
	read -r u </proc/sys/kernel/random/uuid && echo "$u"
}

# port_uuid NAME: the UUID that devlink port add gives the port NAME
# ("msample/msample0/pf0sf5"): RFC 4122's version 5 of NAME in mdevfw's
# namespace (uuidgen --sha1 would say the same), the SHA-1 of the
# namespace's 16 bytes and the name, with the version and variant bits
# set. One program starts, sha1sum: python3 took 4 to 7 s under TCG.
MDEVFW_PORT_NS=6d646576-6677-4e5f-9c1e-706f72747321
port_uuid() {
	local ns=${MDEVFW_PORT_NS//-/} bytes= i h
	for ((i = 0; i < 32; i += 2)); do bytes+="\\x${ns:i:2}"; done
	h=$({ printf "$bytes"; printf '%s' "$1"; } | sha1sum)
	printf '%s-%s-%04x-%04x-%s\n' "${h:0:8}" "${h:8:4}" \
		$((0x${h:12:4} & 0x0fff | 0x5000)) $((0x${h:16:4} & 0x3fff | 0x8000)) "${h:20:12}"
}

# jq [-r | -c] FILTER: jq's answer for one JSON document on stdin, from
# one jq process that serves the test's calls. Under TCG a jq start costs
# seconds (jq 1.6 compiles its builtins at every start: 2.5 s on Debian's
# 6.12, more under KASAN), and a devlink test makes dozens of calls. The
# server knows the filters the test has used so far, in
# /run/mdevfw-jq/filters (a call in a command substitution must find it
# too); a new filter restarts it with that one added, and is kept once
# the server has answered with it. Anything else goes to jq itself, so
# the answer is always jq's own: files, other options, a filter with a
# comment or a line break, a document with control characters, a
# container printed without -c, an error, a server that died. One caller
# at a time.
JQ_DIR=/run/mdevfw-jq
jq() {
	local mode=j filter doc enc i=0 line= out= own= new= pid= gen= quit=$'\001'
	case $# in
	1) filter=$1 ;;
	2) case $1 in -r) mode=r ;; -c) mode=c ;; *) command jq "$@"; return ;; esac
	   filter=$2 ;;
	*) command jq "$@"; return ;;
	esac
	case $filter in
	''|-*|*'#'*|*$'\n'*|*$'\r'*) command jq "$@"; return ;;
	esac
	IFS= read -r -d '' doc
	# No document, no answer (as jq).
	[[ $doc == *[![:space:]]* ]] || return 0
	# Raw control characters (JSON allows none but as white space) would
	# end the request's string early: jq itself says what it thinks.
	# The directory is made once: a mkdir each call was a second per
	# call under TCG.
	enc=${doc//[$'\t\n\r']/}
	if [[ $enc == *[[:cntrl:]]* ]] || { [ ! -d "$JQ_DIR" ] && ! mkdir -p "$JQ_DIR"; }; then
		printf '%s' "$doc" | command jq "$@"
		return
	fi
	# The filter's number in the server; a new one comes last.
	if [ -e "$JQ_DIR/filters" ]; then
		while IFS= read -r line; do
			[ "$line" = "$mode $filter" ] && break
			i=$((i + 1))
		done <"$JQ_DIR/filters"
	fi
	[ "$line" = "$mode $filter" ] || new="$mode $filter"
	[ -e "$JQ_DIR/pid" ] && read -r pid gen <"$JQ_DIR/pid"
	if [ -n "$new" ] || [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		_jq_serve "$new" || { printf '%s' "$doc" | command jq "$@"; return; }
		read -r pid gen <"$JQ_DIR/pid"
	fi
	# The document as a JSON string: one that is cut short or is more
	# than one fails its fromjson, and cannot hold the server waiting
	# for its end.
	enc=${doc//\\/\\\\}
	enc=${enc//\"/\\\"}
	enc=${enc//$'\n'/\\n}
	enc=${enc//$'\t'/\\t}
	enc=${enc//$'\r'/\\r}
	# Both fifos opened for reading and writing: neither open waits, and
	# a server that dies is seen by its pid, at the latest every 10 s.
	printf '%s\n"%s"\n' "$i" "$enc" 1<>"$JQ_DIR/in.$gen"
	# The answer, to its end: a container without -c or an error
	# (marked) makes jq itself answer.
	while :; do
		if IFS= read -r -t 10 line; then
			case $line in
			"${quit}end") break ;;
			"${quit}"*) own=1 ;;
			*) out+=$line$'\n' ;;
			esac
		elif ! kill -0 "$pid" 2>/dev/null; then
			own=1 line=
			rm -f "$JQ_DIR/pid"
			break
		fi
	done <>"$JQ_DIR/out.$gen"
	# A filter is kept once the server has run it: one that it cannot
	# compile kills it, and is not tried again.
	[ -z "$new" ] || [ "$line" != "${quit}end" ] || printf '%s\n' "$new" >>"$JQ_DIR/filters"
	if [ -n "$own" ]; then
		printf '%s' "$doc" | command jq "$@"
		return
	fi
	printf '%s' "$out"
}

# _jq_serve [NEW]: start a server for every filter of the list and NEW,
# on fifos of its own generation (one that is being killed could still
# read a request from shared ones), and kill the one before. It holds
# its fifos open for reading and writing: a caller's close is no end of
# its input, and its writes never wait for a reader. It keeps none of
# the test's other files open (a tty the test closes must close).
_jq_serve() {
	local prog= n=0 mode filter pid= gen=0
	[ -e "$JQ_DIR/pid" ] && read -r pid _ <"$JQ_DIR/pid"
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	[ -e "$JQ_DIR/gen" ] && read -r gen <"$JQ_DIR/gen"
	rm -f "$JQ_DIR/pid" "$JQ_DIR/in.$gen" "$JQ_DIR/out.$gen"
	gen=$((gen + 1))
	echo "$gen" >"$JQ_DIR/gen"
	mkfifo "$JQ_DIR/in.$gen" "$JQ_DIR/out.$gen" || return
	while read -r mode filter; do
		prog+="elif \$i == $n then (\$d | $filter) | out(\"$mode\") "
		n=$((n + 1))
	done < <(cat "$JQ_DIR/filters" 2>/dev/null; [ -z "$1" ] || printf '%s\n' "$1")
	# out(MODE): the line jq itself prints with -c, with -r, or with
	# neither, for all that prints on one line.
	prog="def out(m): if m == \"c\" then tojson
		elif m == \"r\" and type == \"string\" then .
		elif type == \"array\" or type == \"object\" then \"\\u0001jq\"
		else tojson end;
		. as \$i | input as \$s |
		(try ((\$s | fromjson) as \$d |
		      if false then empty ${prog}else error(\"no filter\") end)
		 catch \"\\u0001error\"), \"\\u0001end\""
	(
		for f in /proc/$BASHPID/fd/*; do
			f=${f##*/}
			[ "$f" -gt 2 ] && eval "exec $f>&-"
		done
		exec jq --unbuffered -r "$prog" <>"$JQ_DIR/in.$gen" 1<>"$JQ_DIR/out.$gen" \
			2>>"$JQ_DIR/err"
	) &
	echo "$! $gen" >"$JQ_DIR/pid"
	# Until the server holds its input open, a request written there by
	# a caller that opens it for reading and writing is lost when the
	# caller closes it: wait for the server's open (the shell opens it
	# before it runs jq, so this wait ends, even for a program that jq
	# then refuses).
	local w
	exec {w}>"$JQ_DIR/in.$gen"
	exec {w}>&-
}

# kernel_before MAJOR.MINOR: whether the running kernel is older, for the
# few results that differ on 6.1 (include/mdevfw_compat.h has the list).
kernel_before() {
	local v
	v=$(uname -r)
	v=${v%%-*}
	v=${v%.*}
	[ "$v" != "$1" ] && [ "$(printf '%s\n%s\n' "$v" "$1" | sort -V | head -1)" = "$v" ]
}
