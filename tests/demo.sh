#!/bin/sh
# tests/demo.sh SURFC: what a user sees. Compiles samples/modern.surf
# against the running kernel's BTF into a script and shows it, then the
# tracefs writes of the raw sample, then a diagnostic.
set -u
surfc=${1:-./surfc}
case $surfc in */*) ;; *) surfc=./$surfc ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "\$ $surfc samples/modern.surf -o trace.sh      # types: the running kernel's BTF"
if "$surfc" samples/modern.surf -o "$tmp/trace.sh"; then
	echo "\$ head -n 16 trace.sh"
	head -n 16 "$tmp/trace.sh"
	echo "..."
	echo "\$ sh trace.sh -l"
	sh "$tmp/trace.sh" -l
else
	echo "(no usable kernel types here: pass --btf FILE or --vmlinux FILE)"
fi
echo
echo "\$ $surfc -S --no-types samples/raw.surf"
"$surfc" -S --no-types samples/raw.surf
echo
echo "\$ $surfc --check -e 'p kernel_clone a=%dx1 b=\$retval'"
"$surfc" --check --no-types -e 'p kernel_clone a=%dx1 b=$retval'
exit 0
