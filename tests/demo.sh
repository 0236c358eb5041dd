#!/bin/sh
# tests/demo.sh SURFC: compile the samples the way a user would and show
# what comes out.
set -u
surfc=${1:-./surfc}
echo "\$ $surfc --check --no-types samples/*.surf"
"$surfc" --check --no-types samples/*.surf && echo "(all samples parse)"
echo
echo "\$ $surfc -S --no-types samples/raw.surf"
"$surfc" -S --no-types samples/raw.surf
echo
echo "\$ $surfc --check -e 'p kernel_clone a=%dx1 b=\$retval'   # diagnostics"
"$surfc" --check -e 'p kernel_clone a=%dx1 b=$retval'
exit 0
