#!/bin/sh
# Install what runqslower-ts needs on Debian 12+ or Ubuntu 22.04+, as root.
#   scripts/install-deps.sh          build dependencies (and sudo)
#   scripts/install-deps.sh --test   also everything `make check` uses
set -eu
build="make gcc clang llvm pkg-config libbpf-dev libelf-dev zlib1g-dev libzstd-dev sudo"
test="build-essential libcmocka-dev valgrind strace util-linux procps git groff mandoc lintian debhelper devscripts dpkg-dev fakeroot rpm qemu-system-x86 busybox-static cpio jq python3"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: run as root" >&2
	exit 1
fi
. /etc/os-release
case "${ID:-}" in
ubuntu) build="$build linux-tools-common linux-tools-generic"
	test="$test linux-tools-generic" ;;
*) build="$build bpftool"
	test="$test linux-perf" ;;
esac
pkgs=$build
[ "${1:-}" = --test ] && pkgs="$build $test"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
