#!/bin/sh
# runtime-sh/embed.sh NAME FILE: FILE as a C string constant NAME, so that
# the runtime stays a real .sh/.awk file that can be checked on its own.
set -eu
printf '/* generated from %s by runtime-sh/embed.sh */\n' "$2"
printf 'const char %s[] =\n' "$1"
sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$/\\n"/' "$2"
printf ';\n'
