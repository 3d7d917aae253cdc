#!/bin/bash
# fetch.sh CACHE [ARCH]: Debian's kernels for ARCH's matrix (x86, the
# default, or arm64), downloaded once into CACHE (apt-get download; only
# boot/vmlinuz-* is unpacked, nothing is installed). Prints "LABEL VERSION
# VMLINUZ" a kernel.
# fetch.sh --busybox CACHE ARCH: busybox-static for ARCH's initramfs, its
# /bin/busybox unpacked into CACHE once; prints its path. (Another
# architecture's busybox-static cannot be installed beside the build
# machine's: both are /bin/busybox.)
# A foreign ARCH needs dpkg --add-architecture and apt-get update first.
set -euo pipefail
busybox=
[ "${1:-}" = --busybox ] && { busybox=1; shift; }
cache=$1 arch=${2:-x86}
case $arch in
x86) debarch=amd64
     specs=("6.1:^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$"
	    "6.1-rt:^linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned$"
	    "6.12:^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$") ;;
arm64) debarch=arm64
     specs=("arm64-6.1:^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$"
	    "arm64-6.12:^linux-image-6\.12\.[0-9]+\+deb12-arm64-unsigned$") ;;
*) echo "fetch.sh: unknown architecture $arch (x86, arm64)" >&2; exit 2 ;;
esac
mkdir -p "$cache"
cd "$cache"

# unpack PKG:ARCH MEMBER FILE: MEMBER of the package's newest version as FILE
# (a directory of its own: another checkout may fetch at the same time)
unpack() {
	local dl
	dl=$(mktemp -d dl.XXXXXX)
	chown _apt "$dl" 2> /dev/null || true	# apt-get downloads as _apt where it can
	( cd "$dl" && apt-get download -q "$1" > /dev/null )
	dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -xO "$2" > "$dl/file"
	mv "$dl/file" "$3"
	rm -rf "$dl"
}

if [ -n "$busybox" ]; then
	version=$(apt-cache show --no-all-versions "busybox-static:$debarch" 2> /dev/null | sed -n 's/^Version: //p')
	[ -n "$version" ] || { echo "fetch.sh: no busybox-static:$debarch (dpkg --add-architecture $debarch; apt-get update?)" >&2; exit 1; }
	file=busybox_${version//:/%3a}_$debarch
	[ -f "$file" ] || { unpack "busybox-static:$debarch" ./bin/busybox "$file"; chmod 755 "$file"; }
	echo "$cache/$file"
	exit
fi

newest() { apt-cache search --names-only "$1" | awk '{ print $1 }' | sort -V | tail -1; }
for spec in "${specs[@]}"; do
	label=${spec%%:*}
	pkg=$(newest "${spec#*:}")
	[ -n "$pkg" ] || { echo "fetch.sh: no package for $label (apt-get update?)" >&2; exit 1; }
	version=${pkg#linux-image-}
	version=${version%-unsigned}
	[ -f "vmlinuz-$version" ] || unpack "$pkg:$debarch" "./boot/vmlinuz-$version" "vmlinuz-$version"
	echo "$label $version $cache/vmlinuz-$version"
done
