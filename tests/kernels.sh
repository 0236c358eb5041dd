#!/bin/sh
# tests/kernels.sh: Debian kernels for the tests, fetched with apt-get and
# cached under cache/kernels/ (git-ignored).
#
#   tests/kernels.sh btf  SERIES ARCH   prints the path of the kernel's BTF
#   tests/kernels.sh dbg  SERIES ARCH   prints the path of its DWARF vmlinux
#   tests/kernels.sh image SERIES ARCH  prints the path of its vmlinuz
#   tests/kernels.sh release SERIES ARCH  its uname -r
#   tests/kernels.sh busybox SERIES ARCH  a static busybox for the guest
#   tests/kernels.sh extract-btf IMAGE OUT  the BTF of a kernel image
#   tests/kernels.sh netmods SERIES ARCH  a directory with the modules of
#                                         qemu's virtio-net NIC, and "order"
#
# SERIES is 6.1 or 6.12; ARCH is amd64 or arm64 (the cloud flavour),
# amd64-generic or amd64-rt (the generic and PREEMPT_RT flavours), or
# ppc64el or s390x (6.1 only: Debian has no cloud flavour there, and no BTF
# in those kernels; their types come from dbg's DWARF). The pinned build
# (tests/kernels.pin) while Debian has it, else the newest of the series;
# the package name is recorded in the cache, so that later runs use the
# same one. A foreign ARCH is added to dpkg's architectures.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/cache/kernels
what=$1 series=$2 arch=${3:-amd64}
mkdir -p "$cache"

log() { echo "kernels: $*" >&2; }

# Debian's package name for the flavour: the cloud one where it exists;
# ARCH-generic and ARCH-rt name the others (debarch is dpkg's arch).
debarch=${arch%%-*}
case $arch in
amd64|arm64) flavour=cloud-$arch-unsigned ;;
amd64-generic|arm64-generic) flavour=$debarch-unsigned ;;
amd64-rt|arm64-rt) flavour=rt-$debarch-unsigned ;;
ppc64el) flavour=powerpc64le ;;
s390x) flavour=s390x ;;
*) [ "$what" = extract-btf ] || { log "unknown arch $arch"; exit 2; } ;;
esac

# A foreign arch's package lists. An index that fails to download (a mirror
# in sync) is not fatal: the package looked for may be in another.
foreign() {
	[ "$debarch" = "$(dpkg --print-architecture)" ] ||
		dpkg --print-foreign-architectures | grep -qx "$debarch" || {
		dpkg --add-architecture "$debarch"
		apt-get update -qq -o APT::Sandbox::User=root ||
			log "apt-get update had errors (going on)"
	}
}

# The package name of the pinned, else the newest, kernel of the series.
package() {
	key=$cache/$series-$arch.package
	if [ ! -s "$key" ]; then
		case $series in
		6.1) pat="^linux-image-6\.1\.0-[0-9]+-$flavour\$" ;;
		*) pat="^linux-image-$series\.[0-9]+\+deb12-$flavour\$" ;;
		esac
		foreign
		# The build the golden tests were written against, while Debian
		# still has it; else the newest of the series.
		pin=$(sed -n "s/^$series-$arch //p" "$top/tests/kernels.pin")
		name=$(apt-cache search --names-only "linux-image-$series" 2>/dev/null |
			cut -d' ' -f1 | grep -E "$pat" | sort -V | tail -n 1)
		if [ -n "$pin" ] && apt-cache show "$pin" >/dev/null 2>&1; then
			name=$pin
		elif [ -z "$name" ]; then
			apt-get update -qq
			name=$(apt-cache search --names-only "linux-image-$series" |
				cut -d' ' -f1 | grep -E "$pat" | sort -V | tail -n 1)
		fi
		[ -n "$name" ] || { log "no $series $arch kernel in apt"; exit 1; }
		echo "$name" >"$key"
	fi
	cat "$key"
}

# download PKG DIR: the package's .deb into DIR. Foreign packages are
# named with their arch (arm64 on amd64).
download() {
	spec=$1
	[ "$debarch" = "$(dpkg --print-architecture)" ] || spec=$1:$debarch
	(cd "$2" && apt-get download -q "$spec" >/dev/null 2>&1) ||
		{ log "apt-get download $1 failed"; exit 1; }
}

# Downloads and unpacks a package once; prints its directory.
unpack() {
	pkg=$1 dir=$cache/$1
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		log "downloading $pkg"
		download "$pkg" "$dir"
		deb=$(ls "$dir"/*.deb)
		case $pkg in
		*-dbg)	# only the vmlinux: the modules' debug info is large
			dpkg-deb --fsys-tarfile "$deb" |
				tar -x -C "$dir" --wildcards './usr/lib/debug/boot/*' ;;
		busybox-static)
			dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./bin/busybox ;;
		*)	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./boot ;;
		esac
		rm -f "$deb"
		touch "$dir/.done"
	fi
	echo "$dir"
}

# vmlinuz-RELEASE; ppc64el's is an ELF vmlinux-RELEASE.
image() {
	dir=$(unpack "$(package)")
	ls "$dir"/boot/vmlinu[xz]-*
}

# extract_btf IMAGE OUT: the BTF blob of a kernel image. amd64's bzImage
# holds a compressed vmlinux ELF with .BTF (6.1: lz4 legacy frame, 6.12:
# zstd; xz and gzip tried too, at each of the first places its magic
# shows, since the magic may also occur by chance before the payload);
# arm64's Image is raw and holds the blob itself, found by its magic.
extract_btf() {
	img=$1 out=$2
	off=$(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$img" | head -n 1 | cut -d: -f1)
	if [ -n "$off" ]; then
		# header: magic(2) version(1) flags(1) hdr_len(4) type_off
		# type_len str_off str_len, little-endian u32s
		# shellcheck disable=SC2046
		set -- $(tail -c +$((off + 1)) "$img" | head -c 24 | od -An -tu4)
		tail -c +$((off + 1)) "$img" | head -c $(($2 + $5 + $6)) >"$out"
		return
	fi
	for m in '\x02\x21\x4c\x18 lz4' '\x28\xb5\x2f\xfd zstd' \
		'\xfd\x37\x7a\x58\x5a\x00 xz' '\x1f\x8b\x08 gzip'; do
		# shellcheck disable=SC2086
		set -- $m
		for off in $(LC_ALL=C grep -obUaP "$1" "$img" | head -n 3 | cut -d: -f1); do
			tail -c +$((off + 1)) "$img" | $2 -dc 2>/dev/null >"$out.elf" || true
			if [ "$(head -c 4 "$out.elf" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] &&
				objcopy -O binary --only-section=.BTF "$out.elf" "$out" 2>/dev/null &&
				[ -s "$out" ]; then
				rm -f "$out.elf"
				return
			fi
		done
	done
	rm -f "$out.elf" "$out"
	return 1
}

btf() {
	case $arch in
	ppc64el|s390x) log "Debian's $series $arch kernel has no BTF: use dbg"; exit 1 ;;
	esac
	img=$(image)
	out=${img%/boot/*}/btf
	[ -s "$out" ] || extract_btf "$img" "$out" ||
		{ log "no BTF found in $img"; exit 1; }
	echo "$out"
}

dbg() {
	name=$(package)
	dir=$(unpack "${name%-unsigned}-dbg")
	ls "$dir"/usr/lib/debug/boot/vmlinux-*
}

# The guest's busybox: the host's for amd64, Debian's static one else.
busybox() {
	if [ "$debarch" = "$(dpkg --print-architecture)" ]; then
		echo /bin/busybox
		return
	fi
	dir=$cache/busybox-static-$debarch
	if [ ! -f "$dir/.done" ]; then
		foreign
		rm -rf "$dir" && mkdir -p "$dir"
		(cd "$dir" && apt-get download -q "busybox-static:$debarch" >/dev/null 2>&1) ||
			{ log "apt-get download busybox-static:$debarch failed"; exit 1; }
		dpkg-deb --fsys-tarfile "$dir"/*.deb | tar -x -C "$dir" ./bin/busybox
		rm -f "$dir"/*.deb
		touch "$dir/.done"
	fi
	echo "$dir/bin/busybox"
}

# The modules a guest needs for qemu's virtio-net NIC (the cloud kernels
# build them as modules; 6.12 has virtio and virtio_pci built in), from the
# image package, uncompressed; "order" names them in the order to insmod.
netmods() {
	pkg=$(package)
	dir=$cache/$pkg-netmods
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir/deb"
		log "downloading $pkg (its virtio-net modules)"
		download "$pkg" "$dir/deb"
		dpkg-deb --fsys-tarfile "$dir"/deb/*.deb | tar -x -C "$dir/deb" --wildcards \
			'./lib/modules/*/kernel/drivers/virtio/*' \
			'./lib/modules/*/kernel/drivers/net/*virtio_net.ko*' \
			'./lib/modules/*/kernel/drivers/net/net_failover.ko*' \
			'./lib/modules/*/kernel/net/core/failover.ko*'
		: >"$dir/order"
		for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev \
			virtio_pci failover net_failover virtio_net; do
			f=$(find "$dir/deb" -name "$m.ko*" | head -n 1)
			[ -n "$f" ] || continue
			case $f in
			*.xz) xz -dc "$f" >"$dir/$m.ko" ;;
			*.zst) zstd -qdc "$f" >"$dir/$m.ko" ;;
			*) cp "$f" "$dir/$m.ko" ;;
			esac
			echo "$m" >>"$dir/order"
		done
		rm -rf "$dir/deb"
		grep -qx virtio_net "$dir/order" || { log "no virtio_net in $pkg"; exit 1; }
		touch "$dir/.done"
	fi
	echo "$dir"
}

# The kernel's release, from its image's name (vmlinuz-RELEASE).
release() {
	img=$(image)
	echo "${img##*/vmlinu[xz]-}"
}

case $what in
btf) btf ;;
busybox) busybox ;;
release) release ;;
dbg) dbg ;;
image) image ;;
extract-btf) extract_btf "$2" "$3" ;;
netmods) netmods ;;
*) echo "usage: $0 btf|dbg|image|busybox|release|netmods SERIES [ARCH]" >&2
   echo "       $0 extract-btf IMAGE OUT" >&2; exit 2 ;;
esac
