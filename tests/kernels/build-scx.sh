#!/bin/bash
# build-scx.sh CACHE OUTFILE: a static x86-64 scx_simple, the kernel's
# simplest example sched_ext scheduler (tools/sched_ext), for the scx
# checks of the kernel matrix (SCX_SIMPLE=OUTFILE tests/kernels/run.sh
# x86-more). Its initramfs has no dynamic loader, and the guest that has
# sched_ext is sid's 7.2, so it is built from that kernel's own source
# (linux-source-7.2 of the same version, fetched through fetch.sh's
# private apt configuration in CACHE) against that kernel's own BTF (the
# .BTF section of the vmlinuz fetch.sh unpacks). The tree's Makefile
# builds its libbpf and bpftool too. Built once per kernel version into
# CACHE (one build at a time: other checkouts may share CACHE); what it
# does goes to stderr.
# Needs clang >= 16 for the BPF side (bookworm: apt-get install clang-19),
# gcc, make, zstd, and the .a archives of libelf-dev and zlib1g-dev.
#   SCX_CLANG  the clang to use (default: the newest clang-N, N >= 16)
set -euo pipefail
[ $# = 2 ] || { echo "usage: $0 CACHE OUTFILE" >&2; exit 2; }
cache=$1 out=$2
die() { echo "build-scx.sh: $*" >&2; exit 1; }
say() { echo "build-scx.sh: $*" >&2; }

clang=${SCX_CLANG:-}
if [ -z "$clang" ]; then
	for c in clang-{25..16} clang; do
		v=$("$c" -dumpversion 2> /dev/null) && [ "${v%%.*}" -ge 16 ] && { clang=$c; break; }
	done
fi
[ -n "$clang" ] || die "no clang >= 16 (apt-get install clang-19, or SCX_CLANG=...)"

# the 7.2 kernel and the private apt configuration fetch.sh keeps in CACHE
kernels=$("$(dirname "$0")/fetch.sh" "$cache" x86 more) || die "fetch.sh $cache x86 more failed"
read -r _ kver vmlinuz < <(grep '^7\.2 ' <<< "$kernels") || die "fetch.sh gave no 7.2 kernel"
cache=$(cd "$cache" && pwd)
bin=$cache/scx_simple-$kver
private=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=-
	 -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache"
	 -o "APT::Architectures::=amd64" -o Acquire::Languages=none)

exec 9> "$cache/scx.lock"
flock 9
if [ ! -x "$bin" ]; then
	# the source of the same Debian version as the kernel binary
	pver=$(apt-cache "${private[@]}" show --no-all-versions "linux-binary-$kver" | sed -n 's/^Version: //p')
	[ -n "$pver" ] || die "no version for linux-binary-$kver in $cache/apt"
	# a fixed place (under the lock), so that the debug information
	# names the same paths at each build
	work=$cache/scx-build
	rm -rf "$work"
	mkdir "$work"
	trap 'rm -rf "$work"' EXIT
	chown _apt "$work" 2> /dev/null || true	# apt-get downloads as _apt where it can
	say "downloading linux-source-7.2=$pver"
	( cd "$work" && apt-get "${private[@]}" download -q "linux-source-7.2=$pver" > /dev/null ) ||
		die "cannot download linux-source-7.2=$pver (sid moved on? rerun after fetch.sh updates)"
	say "unpacking its tools/, include/, scripts/ and kernel/bpf/"
	mkdir "$work/src"
	dpkg-deb --fsys-tarfile "$work"/linux-source-7.2_*.deb | tar -xO ./usr/src/linux-source-7.2.tar.xz |
		xz -dc | tar -x -C "$work/src" --strip-components=1 linux-source-7.2/{tools,include,kernel/bpf,scripts} ||
		die "cannot unpack linux-source-7.2=$pver"
	rm "$work"/*.deb
	say "extracting the BTF of $vmlinuz"
	"$work/src/scripts/extract-vmlinux" "$vmlinuz" > "$work/vmlinux" 2> /dev/null ||
		die "extract-vmlinux cannot decompress $vmlinuz (zstd installed?)"
	objcopy --dump-section .BTF="$work/vmlinux.btf" "$work/vmlinux" /dev/null || die "no .BTF in $vmlinuz"
	# static: through CC, which the Makefile gives neither to libbpf nor to
	# bpftool (they get HOSTCC); LDFLAGS would reach libbpf's .so link
	say "building scx_simple with $clang (log: $work/build.log; slow on a busy machine)"
	mkdir "$work/out"
	make -C "$work/src/tools/sched_ext" -j2 O="$work/out" VMLINUX_BTF="$work/vmlinux.btf" \
		CLANG="$clang" CC="gcc -static" scx_simple > "$work/build.log" 2>&1 ||
		{ tail -20 "$work/build.log" >&2; trap - EXIT; die "the build failed (see $work/build.log)"; }
	! readelf -lW "$work/out/build/bin/scx_simple" | grep -q INTERP || die "scx_simple is not static"
	cp "$work/out/build/bin/scx_simple" "$bin.tmp"
	mv "$bin.tmp" "$bin"
fi
cp "$bin" "$out"
say "$out: static scx_simple of linux-source-7.2 for $kver"
