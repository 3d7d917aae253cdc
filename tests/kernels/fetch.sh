#!/bin/bash
# fetch.sh CACHE: Debian's kernels for the matrix, downloaded once into CACHE
# (apt-get download; only boot/vmlinuz-* is unpacked, nothing is installed).
# Prints "LABEL VERSION VMLINUZ" a kernel.
set -euo pipefail
cache=$1
mkdir -p "$cache"
cd "$cache"
newest() { apt-cache search --names-only "$1" | awk '{ print $1 }' | sort -V | tail -1; }
for spec in "6.1:^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$" \
	    "6.1-rt:^linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned$" \
	    "6.12:^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$"; do
	label=${spec%%:*}
	pkg=$(newest "${spec#*:}")
	[ -n "$pkg" ] || { echo "fetch.sh: no package for $label (apt-get update?)" >&2; exit 1; }
	version=${pkg#linux-image-}
	version=${version%-unsigned}
	if [ ! -f "vmlinuz-$version" ]; then
		rm -f "$pkg"_*.deb
		apt-get download -q "$pkg" > /dev/null
		dpkg-deb --fsys-tarfile "$pkg"_*.deb | tar -x --strip-components=2 "./boot/vmlinuz-$version"
		rm -f "$pkg"_*.deb
	fi
	echo "$label $version $cache/vmlinuz-$version"
done
