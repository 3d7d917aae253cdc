#!/bin/bash
# Build the two upstream runqslower tools from their own sources, for
# bench/run.sh (modes kernel-rqs and bcc-rqs):
#   bin/kernel-runqslower  the kernel's tools/bpf/runqslower (task storage;
#                          removed upstream in 6.19), from Debian's
#                          linux-source-6.1 package
#   bin/bcc-runqslower     bcc's libbpf-tools/runqslower (hash map keyed by
#                          pid, 10240 entries), from a bcc git snapshot
# Both are built the same way, against the running kernel's BTF and the
# system's libbpf, clang and bpftool, instead of the libbpf and bpftool their
# own Makefiles build from their trees: the tools' code is upstream's, the
# toolchain is the one runqslower-ts itself is built with.
#
#   bench/build-upstream.sh OUTDIR
# Environment: BCC_GIT (a clone of github.com/iovisor/bcc, required),
# BCC_COMMIT (default its HEAD), VMLINUX_BTF (default /sys/kernel/btf/vmlinux),
# CC, CLANG, BPFTOOL. Sources go to OUTDIR/src, objects to OUTDIR/obj,
# binaries to OUTDIR/bin; OUTDIR/src/VERSIONS records what was built. Then:
#   UPSTREAM_KERNEL_RQS=OUTDIR/bin/kernel-runqslower \
#   UPSTREAM_BCC_RQS=OUTDIR/bin/bcc-runqslower BENCH_MODES="... kernel-rqs bcc-rqs" make bench
set -euo pipefail
[ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
TOP=$(cd "$1" && pwd)
SRC=$TOP/src
OBJ=$TOP/obj
BIN=$TOP/bin
BCC_GIT=${BCC_GIT:?set BCC_GIT to a clone of github.com/iovisor/bcc}
VMLINUX_BTF=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}
CC=${CC:-cc}
CLANG=${CLANG:-clang}
BPFTOOL=${BPFTOOL:-bpftool}
ARCH=$(uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
CFLAGS="-g -O2 -Wall"
BPFCFLAGS="-g -O2 -target bpf -D__TARGET_ARCH_$ARCH"

die() { echo "build: $*" >&2; exit 1; }
for t in "$CC" "$CLANG" "$BPFTOOL" dpkg-deb; do
	command -v "$t" > /dev/null || die "$t is not installed"
done
[ -e /usr/include/bpf/libbpf.h ] || die "libbpf-dev is not installed"
[ -r "$VMLINUX_BTF" ] || die "no kernel BTF at $VMLINUX_BTF"
mkdir -p "$SRC" "$OBJ" "$BIN"

# --- sources --------------------------------------------------------------

# the kernel's: only the tool's directory out of the 138 MB tarball (and the
# top Makefile, for the version)
KSRC=$SRC/linux-source-6.1
if [ ! -e "$KSRC/tools/bpf/runqslower/runqslower.bpf.c" ]; then
	deb=$(ls "$SRC"/linux-source-6.1_*_all.deb 2> /dev/null | tail -1 || true)
	if [ -z "$deb" ]; then
		(cd "$SRC" && apt-get download linux-source-6.1) || die "apt-get download linux-source-6.1 failed (apt-get update first?)"
		deb=$(ls "$SRC"/linux-source-6.1_*_all.deb | tail -1)
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.1.tar.xz |
		tar -xJ -C "$SRC" --wildcards 'linux-source-6.1/tools/bpf/runqslower/*' 'linux-source-6.1/Makefile'
	basename "$deb" | sed 's/^linux-source-6.1_\(.*\)_all.deb$/\1/' > "$KSRC/.debian-version"
fi
kver=$(awk '/^(VERSION|PATCHLEVEL|SUBLEVEL) =/ { v = v (v == "" ? "" : ".") $3 } END { print v }' "$KSRC/Makefile")

# bcc's: runqslower and the helpers it includes, out of the git snapshot
BCC_COMMIT=${BCC_COMMIT:-$(git --git-dir="$BCC_GIT" rev-parse HEAD 2> /dev/null)} ||
	die "no bcc git directory at $BCC_GIT (set BCC_GIT)"
BSRC=$SRC/bcc-${BCC_COMMIT:0:12}
if [ ! -e "$BSRC/libbpf-tools/runqslower.bpf.c" ]; then
	mkdir -p "$BSRC/libbpf-tools"
	# file by file: git archive walks the whole tree, and the snapshot lacks
	# some large blobs (the per-arch vmlinux headers) this build does not use
	for f in LICENSE.txt libbpf-tools/runqslower.bpf.c libbpf-tools/runqslower.c \
		libbpf-tools/runqslower.h libbpf-tools/core_fixes.bpf.h \
		libbpf-tools/trace_helpers.c libbpf-tools/trace_helpers.h \
		libbpf-tools/uprobe_helpers.c libbpf-tools/uprobe_helpers.h; do
		git --git-dir="$BCC_GIT" show "$BCC_COMMIT:$f" > "$BSRC/$f"
	done
fi

# --- builds ---------------------------------------------------------------

# vmlinux.h of the running kernel, shared by both
mkdir -p "$OBJ/common"
"$BPFTOOL" btf dump file "$VMLINUX_BTF" format c > "$OBJ/common/vmlinux.h.tmp"
mv "$OBJ/common/vmlinux.h.tmp" "$OBJ/common/vmlinux.h"

# build_tool NAME SRCDIR OUT [EXTRA_C...]: runqslower.bpf.c -> skeleton ->
# runqslower.c (+ EXTRA_C) linked against the system libbpf
build_tool() {
	local dir=$2 out=$3 o=$OBJ/$1 c objs=()
	shift 3
	mkdir -p "$o"
	# the kernel's tool includes "vmlinux.h", bcc's <vmlinux.h>: -I both ways
	"$CLANG" $BPFCFLAGS -I"$OBJ/common" -I"$dir" -c "$dir/runqslower.bpf.c" -o "$o/runqslower.bpf.o"
	"$BPFTOOL" gen skeleton "$o/runqslower.bpf.o" > "$o/runqslower.skel.h"
	for c in runqslower.c "$@"; do
		"$CC" $CFLAGS -I"$o" -I"$dir" -c "$dir/$c" -o "$o/${c%.c}.o"
		objs+=("$o/${c%.c}.o")
	done
	"$CC" $CFLAGS "${objs[@]}" -lbpf -lelf -lz -o "$out"
	echo "build: $out" >&2
}

build_tool kernel "$KSRC/tools/bpf/runqslower" "$BIN/kernel-runqslower"
# trace_helpers.c: probe_tp_btf() and str_timestamp(); it calls into
# uprobe_helpers.c
build_tool bcc "$BSRC/libbpf-tools" "$BIN/bcc-runqslower" trace_helpers.c uprobe_helpers.c

{
	echo "kernel-runqslower: linux-source-6.1 $(cat "$KSRC/.debian-version" 2> /dev/null || echo '?') (Linux $kver), tools/bpf/runqslower"
	echo "bcc-runqslower: iovisor/bcc $BCC_COMMIT, libbpf-tools/runqslower"
	echo "built against: $(uname -r) BTF ($VMLINUX_BTF), libbpf $(dpkg-query -W -f '${Version}' libbpf-dev:$(dpkg --print-architecture) 2> /dev/null || echo '?'), $("$CLANG" --version | head -1), $("$BPFTOOL" version | head -1)"
} | tee "$SRC/VERSIONS" >&2
