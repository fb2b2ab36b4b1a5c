# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the scripts that build our modules (build-modules.sh,
# vendor-build.sh): their compiles go through ccache when it is installed
# (make check installs it), so a warm make check recompiles only what
# changed. Debian's /usr/lib/ccache holds gcc, gcc-12 and cc, the names
# the kernels' Makefiles call. The cache is the kernels' neighbour, under
# ${XDG_CACHE_HOME:-~/.cache}/mdevfw/ccache: an empty cache is an empty
# ccache too. ccache keeps each compile's warnings and prints them again
# on a hit, so W=1 stays checked. The kernels themselves are built
# without it (kernel.sh sets CCACHE_DISABLE): their cache is the built tree.
if [ -d /usr/lib/ccache ]; then
	export PATH=/usr/lib/ccache:$PATH
	export CCACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/mdevfw/ccache
fi
