#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) a cached test kernel from Debian's linux-source-6.12,
# or from another series' linux-source package.
#
#   scripts/kernel.sh FLAVOUR        FLAVOUR is the name of kernel/FLAVOUR.config
#   scripts/kernel.sh --src [SERIES] extract the source; print its directory
#
# A flavour whose name ends in a series, such as uml-debug-6.1, builds from
# that series' source (linux-source-6.1); any other from linux-source-6.12.
# The source gets the patches of its series: kernel/*-SERIES.patch, or for
# 6.12 the kernel/*.patch that name no series. Each set of patches has a
# tree of its own (src-VERSION-PATCHHASH), patched once when it is
# extracted and never changed after, which every flavour of the series
# shares; so each flavour's key has all of them.
#
# The build directory is keyed by the source package version and a hash of
# the fragment, under ${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw/. It is taken
# as good only once the stamp file written after a successful build exists.
# The last line of output is the build directory.
set -euo pipefail
# A kernel's cache is its built tree: no ccache (scripts/ccache.sh), even
# when a caller that sourced it builds a kernel on an empty cache.
export CCACHE_DISABLE=1

flavour=${1:?usage: kernel.sh FLAVOUR | --src [SERIES]}
top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/kernel/$flavour.config
series=6.12
if [ "$flavour" = --src ]; then
	series=${2:-6.12}
elif [[ $flavour =~ -([0-9]+\.[0-9]+)$ ]]; then
	series=${BASH_REMATCH[1]}
fi

case $flavour in
--src) frag=/dev/null ;;
uml-*) arch=um ;;
x86-*) arch=x86_64 ;;
*) echo "kernel.sh: unknown flavour $flavour" >&2; exit 2 ;;
esac
[ -f "$frag" ] || [ "$frag" = /dev/null ] || { echo "kernel.sh: no fragment $frag" >&2; exit 2; }

ver=$(apt-cache policy "linux-source-$series" | awk '/Installed:/ { print $2 }')
case $ver in
''|'(none)') echo "kernel.sh: linux-source-$series is not installed" >&2; exit 2 ;;
esac
tarball=/usr/src/linux-source-$series.tar.xz
# Patches to the source are part of the key.
patches=()
for p in "$top"/kernel/*.patch; do
	[ -e "$p" ] || continue
	if [ "$series" = 6.12 ]; then
		[[ $p =~ -[0-9]+\.[0-9]+\.patch$ ]] || patches+=("$p")
	else
		[[ $p == *-"$series".patch ]] && patches+=("$p")
	fi
done
hash=$(cat "$frag" "${patches[@]}" | sha256sum | cut -c1-12)
phash=$(cat /dev/null "${patches[@]}" | sha256sum | cut -c1-12)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw
srcdir=$cache/src-$ver-$phash
src=$srcdir/linux-source-$series
out=$cache/$flavour-$ver-$hash
stamp=$out/.mdevfw-complete
# Built, and from this set of patches' own tree (not from a tree that a
# kernel.sh before the one-tree-per-set layout patched in place).
cached() { [ -f "$stamp" ] && [ "$(readlink "$out/source")" = "$src" ]; }

if [ "$flavour" != --src ] && cached; then
	echo "kernel.sh: $flavour: cached"
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
# One caller at a time extracts and patches a source tree, and one at a
# time builds a flavour: others wait, then find the stamp. (Two
# checkouts, or make check beside make demo, share the cache.) A tree is
# whole, with all its patches, once its stamp exists; a checkout with
# other patches gets another tree.
exec 8>"$srcdir.lock"
flock 8
if [ ! -f "$src/.mdevfw-extracted" ]; then
	echo "kernel.sh: extracting $tarball ($ver, patches $phash)"
	rm -rf "$srcdir"
	mkdir -p "$srcdir"
	tar -xJf "$tarball" -C "$srcdir"
	for p in "${patches[@]}"; do
		echo "kernel.sh: applying $(basename "$p")"
		patch -s -d "$src" -p1 --forward <"$p" ||
			{ echo "kernel.sh: $p does not apply" >&2; rm -rf "$srcdir"; exit 1; }
	done
	touch "$src/.mdevfw-extracted"
fi
flock -u 8
if [ "$flavour" = --src ]; then
	echo "$src"
	exit 0
fi
# A tree that a build uses: each build holds a shared lock on it until
# it exits, and the removal below skips a tree whose lock it cannot
# take (the x86 6.1 kernel builds beside the UML 6.12 one).
exec 6>"$srcdir.use"
flock -s 6
exec 9>"$cache/.kernel-$flavour.lock"
flock 9
if cached; then
	echo "kernel.sh: $flavour: cached"
	echo "$out"
	exit 0
fi

# Old builds of the same flavour are dead weight when the disk is short,
# but another checkout (another fragment) may still use them: remove them
# only then, oldest first.
need_kb=$((1500 * 1024))
free_kb=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
for old in $(ls -dtr "$cache/$flavour"-* 2>/dev/null); do
	[ "$free_kb" -lt "$need_kb" ] || break
	[ -d "$old" ] && [ "$old" != "$out" ] || continue
	# uml-debug-* also matches uml-debug-6.1-*: another flavour.
	[[ ${old#"$cache/$flavour"-} =~ ^[0-9]+\.[0-9]+- ]] && continue
	echo "kernel.sh: short of disk: removing $old"
	rm -rf "$old"
	free_kb=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
done
# Then source trees that no finished build was made from, but this one's,
# and none that another caller is extracting or building from (its lock
# or its use lock is taken).
for old in "$cache"/src-*/; do
	[ "$free_kb" -lt "$need_kb" ] || break
	old=${old%/}
	[ "$old" != "$srcdir" ] || continue
	used=0
	for l in "$cache"/*/source; do
		[ -f "${l%/source}/.mdevfw-complete" ] || continue
		[[ $(readlink "$l") == "$old"/* ]] && used=1
	done
	[ $used = 0 ] || continue
	exec 7>"$old.lock" 5>"$old.use"
	if ! flock -n 7 || ! flock -n 5; then
		exec 7>&- 5>&-
		continue
	fi
	echo "kernel.sh: short of disk: removing $old"
	rm -rf "$old"
	exec 7>&- 5>&-
	free_kb=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
done
if [ "$free_kb" -lt "$need_kb" ]; then
	echo "kernel.sh: need 1.5 GB free under $cache, have $((free_kb / 1024)) MB" >&2
	exit 1
fi

mk() { make -s -C "$src" O="$out" ARCH=$arch "$@"; }

echo "kernel.sh: configuring $flavour in $out"
mkdir -p "$out"
# A fragment names its base config in a "# base: TARGET" line (default:
# defconfig, plus kvm_guest.config on x86_64).
base=$(sed -n 's/^# base: *//p' "$frag" | head -1)
if [ -n "$base" ]; then
	mk "$base" >/dev/null
else
	mk defconfig >/dev/null
	[ $arch = x86_64 ] && mk kvm_guest.config >/dev/null
fi

args=()
while IFS='=' read -r key val; do
	case $key in ''|'#'*) continue ;; esac
	opt=${key#CONFIG_}
	case $val in
	y) args+=(--enable "$opt") ;;
	m) args+=(--module "$opt") ;;
	n) args+=(--disable "$opt") ;;
	*) args+=(--set-val "$opt" "$val") ;;
	esac
done < "$frag"
"$src/scripts/config" --file "$out/.config" "${args[@]}"
mk olddefconfig >/dev/null

# Fail if olddefconfig silently dropped or changed any option we asked for.
bad=0
while IFS='=' read -r key val; do
	case $key in ''|'#'*) continue ;; esac
	if [ "$val" = n ]; then
		if grep -q "^$key=" "$out/.config"; then
			echo "kernel.sh: $key should be off: $(grep "^$key=" "$out/.config")" >&2
			bad=1
		fi
	elif ! grep -qx "$key=$val" "$out/.config"; then
		echo "kernel.sh: $key=$val was dropped (now: $(grep -E "^(# )?$key[= ]" "$out/.config" || echo absent))" >&2
		bad=1
	fi
done < "$frag"
[ $bad = 0 ] || { echo "kernel.sh: fragment $frag does not apply" >&2; exit 1; }

echo "kernel.sh: building $flavour (a few minutes)"
start=$(date +%s)
if [ $arch = um ]; then
	mk -j"$(nproc)" all >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
else
	mk -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
fi
echo "kernel.sh: built $flavour in $(( $(date +%s) - start )) s"
echo "$ver $hash $(date -u +%FT%TZ)" >"$stamp"
echo "$out"
