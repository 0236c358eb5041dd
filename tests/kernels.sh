#!/bin/sh
# tests/kernels.sh: Debian kernels for the tests, fetched with apt-get and
# cached under cache/kernels/ (git-ignored).
#
#   tests/kernels.sh btf  SERIES ARCH   prints the path of the kernel's BTF
#   tests/kernels.sh dbg  SERIES ARCH   prints the path of its DWARF vmlinux
#   tests/kernels.sh image SERIES ARCH  prints the path of its vmlinuz
#   tests/kernels.sh release SERIES ARCH  its uname -r
#   tests/kernels.sh busybox SERIES ARCH  a static busybox for the guest
#   tests/kernels.sh netmods SERIES ARCH  a directory with the modules of
#                                         qemu's virtio-net NIC, and "order"
#
# SERIES is 6.1 or 6.12; ARCH is amd64 or arm64. The newest build of the
# series that Debian offers is used, and its package version is recorded
# in the cache, so that later runs use the same one.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/cache/kernels
what=$1 series=$2 arch=${3:-amd64}
mkdir -p "$cache"

log() { echo "kernels: $*" >&2; }

# The package name of the newest cloud kernel of the series.
package() {
	key=$cache/$series-$arch.package
	if [ ! -s "$key" ]; then
		case $series in
		6.1) pat="^linux-image-6\.1\.0-[0-9]+-cloud-$arch-unsigned\$" ;;
		*) pat="^linux-image-$series\.[0-9]+\+deb12-cloud-$arch-unsigned\$" ;;
		esac
		[ "$arch" = amd64 ] || dpkg --print-foreign-architectures | grep -qx "$arch" ||
			{ dpkg --add-architecture "$arch" && apt-get update -qq; }
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

# Downloads and unpacks a package once; prints its directory.
unpack() {
	pkg=$1 dir=$cache/$1
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		log "downloading $pkg"
		# Foreign packages are named with their arch (arm64 on amd64).
		spec=$pkg
		[ "$arch" = "$(dpkg --print-architecture)" ] || spec=$pkg:$arch
		(cd "$dir" && apt-get download -q "$spec" >/dev/null 2>&1) ||
			{ log "apt-get download $pkg failed"; exit 1; }
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

image() {
	dir=$(unpack "$(package)")
	ls "$dir"/boot/vmlinuz-*
}

# The BTF blob of a kernel image: amd64's vmlinuz holds an lz4 (legacy
# frame) vmlinux ELF with .BTF; arm64's Image is raw and holds the blob
# itself, found by its magic.
btf() {
	img=$(image)
	out=${img%/boot/*}/btf
	if [ ! -s "$out" ]; then
		case $arch in
		amd64)
			# 6.1's payload is lz4 (legacy frame), 6.12's zstd.
			off=$(LC_ALL=C grep -obUaP '\x02\x21\x4c\x18' "$img" | head -n 1 | cut -d: -f1)
			if [ -n "$off" ]; then
				tail -c +$((off + 1)) "$img" | lz4 -dc 2>/dev/null >"$out.elf" || true
			else
				off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$img" | head -n 1 | cut -d: -f1)
				tail -c +$((off + 1)) "$img" | zstd -dc 2>/dev/null >"$out.elf" || true
			fi
			objcopy -O binary --only-section=.BTF "$out.elf" "$out"
			rm -f "$out.elf" ;;
		*)
			off=$(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$img" | head -n 1 | cut -d: -f1)
			# header: magic(2) version(1) flags(1) hdr_len(4) type_off
			# type_len str_off str_len, little-endian u32s
			set -- $(tail -c +$((off + 1)) "$img" | head -c 24 | od -An -tu4)
			len=$(( $2 + $5 + $6 ))
			tail -c +$((off + 1)) "$img" | head -c "$len" >"$out" ;;
		esac
	fi
	echo "$out"
}

dbg() {
	name=$(package)
	dir=$(unpack "${name%-unsigned}-dbg")
	ls "$dir"/usr/lib/debug/boot/vmlinux-*
}

# The guest's busybox: the host's for amd64, Debian's static one else.
busybox() {
	if [ "$arch" = "$(dpkg --print-architecture)" ]; then
		echo /bin/busybox
		return
	fi
	[ "$arch" = amd64 ] || dpkg --print-foreign-architectures | grep -qx "$arch" ||
		{ dpkg --add-architecture "$arch" && apt-get update -qq; }
	dir=$cache/busybox-static-$arch
	if [ ! -f "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		(cd "$dir" && apt-get download -q "busybox-static:$arch" >/dev/null 2>&1) ||
			{ log "apt-get download busybox-static:$arch failed"; exit 1; }
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
		spec=$pkg
		[ "$arch" = "$(dpkg --print-architecture)" ] || spec=$pkg:$arch
		(cd "$dir/deb" && apt-get download -q "$spec" >/dev/null 2>&1) ||
			{ log "apt-get download $pkg failed"; exit 1; }
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
	echo "${img##*/vmlinuz-}"
}

case $what in
btf) btf ;;
busybox) busybox ;;
release) release ;;
dbg) dbg ;;
image) image ;;
netmods) netmods ;;
*) echo "usage: $0 btf|dbg|image|busybox|release|netmods SERIES [ARCH]" >&2; exit 2 ;;
esac
