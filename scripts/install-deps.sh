#!/bin/sh
# Install what runqslower-ts needs on Debian 12+ or Ubuntu 22.04+, as root.
#   scripts/install-deps.sh          build dependencies (and sudo)
#   scripts/install-deps.sh --test   also everything `make check` uses
set -eu
build="make gcc clang llvm pkg-config libbpf-dev libelf-dev zlib1g-dev libzstd-dev libmicrohttpd-dev libgnutls28-dev libyaml-dev libcrypt-dev sudo"
test="build-essential libcmocka-dev valgrind strace util-linux procps jq git groff mandoc lintian debhelper devscripts dpkg-dev fakeroot rpm rpmlint qemu-system-x86 busybox-static cpio python3 python3-prometheus-client prometheus curl systemd libcap2-bin iproute2 openssl"
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
# The arm64 cross build, .deb and kernel matrix (make vmtest-arm64), on Debian
# on amd64: the arm64 architecture gives the multiarch -dev packages, and
# the kernels and busybox that tests/kernels/fetch.sh downloads; the
# archive keys of its private apt configuration (bullseye, sid) for make
# vmtest-more.
if [ "${1:-}" = --test ] && [ "${ID:-}" = debian ] && [ "$(dpkg --print-architecture)" = amd64 ]; then
	dpkg --add-architecture arm64
	# clang-19 and zstd: tests/kernels/build-scx.sh (sched_ext needs clang 16)
	pkgs="$pkgs clang-19 llvm-19 zstd gcc-aarch64-linux-gnu crossbuild-essential-arm64 qemu-system-arm libc6-dev:arm64 libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64 libmicrohttpd-dev:arm64 libyaml-dev:arm64 libcrypt-dev:arm64 pkgconf:arm64 debian-archive-keyring"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# libFuzzer (make check-fuzz): its own package since Debian's clang 14.0.6,
# part of libclang-common-N-dev before
if [ "${1:-}" = --test ] && apt-cache show libclang-rt-dev > /dev/null 2>&1; then
	pkgs="$pkgs libclang-rt-dev"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
# make check-deploy: promtool, python3-yaml, kubectl and the npm schema
# validator of the Kubernetes manifests (pinned by its package-lock.json)
if [ "${1:-}" = --test ]; then
	"$(dirname "$0")/../tests/deploy/install-tools.sh"
fi
