#!/bin/sh
# tests/deps.sh PACKAGE...: installs the Debian packages that are missing,
# when run as root; otherwise says which are missing and goes on.
missing=
for p in "$@"; do
	case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 0
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An index that fails to download (a foreign arch's, a mirror in sync) need
# not hold back the packages, which may be in the others.
apt-get update -qq >/dev/null || echo "deps: apt-get update had errors (going on)" >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
