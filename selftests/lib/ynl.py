#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's YNL command line (tools/net/ynl/cli.py), with the spec
# parsed by libyaml rather than by PyYAML's Python parser:
#
#   ynl.py CLI.PY [cli.py's arguments]
#
# cli.py reads its spec with yaml.safe_load(). For devlink.yaml the
# Python parser took 0.28 s on the host and libyaml 0.04 s, and a whole
# call 0.65 s against 0.35 s; under TCG the difference is seconds a
# call. Without libyaml (python3-yaml's C part) cli.py runs as it is.
import os
import runpy
import sys

import yaml

if getattr(yaml, '__with_libyaml__', False):
    def safe_load(stream):
        return yaml.load(stream, Loader=yaml.CSafeLoader)
    yaml.safe_load = safe_load

# As if cli.py had been run itself: its directory first on the path.
cli = sys.argv.pop(1)
sys.argv[0] = cli
sys.path[0] = os.path.dirname(os.path.abspath(cli))
runpy.run_path(cli, run_name='__main__')
