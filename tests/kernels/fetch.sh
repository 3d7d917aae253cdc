#!/bin/bash
# fetch.sh CACHE [ARCH [SET]]: Debian's kernels for ARCH's matrix (x86, the
# default, or arm64), downloaded once into CACHE (apt-get download; only
# the vmlinuz is unpacked, nothing is installed). Prints "LABEL VERSION
# VMLINUZ" a kernel. Kernels of the build machine's release come through
# its own apt; those of other suites (bullseye's 5.10, sid's 7.2) through
# a private apt configuration in CACHE/apt (its own sources list, lists
# and cache, the archive keys of debian-archive-keyring): the host's
# /etc/apt is left alone. x86 has two SETs: base (the default: 6.1,
# 6.1-rt, 6.12) and more (5.10, 7.2, 7.2-rt), or all of them.
# fetch.sh --busybox CACHE ARCH: busybox-static for ARCH's initramfs, its
# /bin/busybox unpacked into CACHE once; prints its path. (Another
# architecture's busybox-static cannot be installed beside the build
# machine's: both are /bin/busybox.)
# A foreign ARCH needs dpkg --add-architecture and apt-get update first.
#   VMTEST_MIRROR  the Debian mirror of the private configuration
#                  (default http://deb.debian.org/debian)
set -euo pipefail
busybox=
[ "${1:-}" = --busybox ] && { busybox=1; shift; }
cache=$1 arch=${2:-x86} set=${3:-base}
# LABEL:SUITE:PACKAGE-REGEX; SUITE empty: the build machine's apt. Sid's
# packages are split: linux-binary-VERSION holds the vmlinuz.
case $arch in
x86) debarch=amd64 specs=()
     case $set in base | all) ;; more) ;; *) echo "fetch.sh: unknown set $set (base, more, all)" >&2; exit 2 ;; esac
     [ "$set" = more ] ||
	specs+=("6.1::^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$"
		"6.1-rt::^linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned$"
		"6.12::^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$")
     [ "$set" = base ] ||
	specs+=("5.10:bullseye:^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$"
		"7.2:sid:^linux-binary-7\.2\.[0-9]+\+deb[0-9]+-amd64$"
		"7.2-rt:sid:^linux-binary-7\.2\.[0-9]+\+deb[0-9]+-rt-amd64$") ;;
arm64) debarch=arm64
     specs=("arm64-6.1::^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$"
	    "arm64-6.12::^linux-image-6\.12\.[0-9]+\+deb12-arm64-unsigned$"
	    "arm64-7.2:sid:^linux-binary-7\.2\.[0-9]+\+deb[0-9]+-arm64$") ;;
*) echo "fetch.sh: unknown architecture $arch (x86, arm64)" >&2; exit 2 ;;
esac
mkdir -p "$cache"
cd "$cache"

# the private apt configuration: options for apt-get and apt-cache
papt=$cache/apt
private=(-o "Dir::Etc::SourceList=$papt/sources.list" -o Dir::Etc::SourceParts=-
	 -o "Dir::State::Lists=$papt/lists"
	 -o "Dir::Cache=$papt/cache" -o "APT::Architectures::=$debarch"
	 -o Acquire::Languages=none)

# private_update SUITE...: the private lists of SUITEs, fetched anew if
# missing or older than a day (one fetch at a time: other checkouts may
# share CACHE)
private_update() {
	local suite want=
	for suite; do
		want="${want}deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${VMTEST_MIRROR:-http://deb.debian.org/debian} $suite main"$'\n'
	done
	mkdir -p "$papt/lists/partial" "$papt/cache/archives/partial"
	(
		flock 9
		if [ "$(cat "$papt/sources.list" 2> /dev/null)"$'\n' != "$want" ] ||
		   [ -n "$(find "$papt/lists" -maxdepth 1 -name '*_Packages*' -mmin +1440)" ] ||
		   [ -z "$(find "$papt/lists" -maxdepth 1 -name '*_Packages*')" ]; then
			printf %s "$want" > "$papt/sources.list"
			chown -R _apt "$papt/lists" 2> /dev/null || true	# apt fetches as _apt where it can
			apt-get "${private[@]}" -q update > "$papt/update.log" 2>&1 ||
				{ echo "fetch.sh: apt-get update of $*: $(grep -E '^(E|W):' "$papt/update.log" | head -1)" >&2; exit 1; }
		fi
	) 9> "$cache/apt.lock"
}

# unpack PKG:ARCH MEMBER FILE [APT-OPTION...]: MEMBER of the package's
# newest version as FILE (a directory of its own: another checkout may
# fetch at the same time)
unpack() {
	local dl pkg=$1 member=$2 file=$3
	shift 3
	dl=$(mktemp -d dl.XXXXXX)
	chown _apt "$dl" 2> /dev/null || true	# apt-get downloads as _apt where it can
	( cd "$dl" && apt-get "$@" download -q "$pkg" > /dev/null )
	dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -xO "$member" > "$dl/file"
	mv "$dl/file" "$file"
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

suites=$(for spec in "${specs[@]}"; do spec=${spec#*:}; echo "${spec%%:*}"; done | sed '/^$/d' | sort -u)
# shellcheck disable=SC2086 # one word a suite
[ -z "$suites" ] || private_update $suites

# the kernel packages each configuration knows, listed once (apt-cache
# parses all its lists at each call: seconds on a busy machine)
kernel_names() { apt-cache "$@" search --names-only '^linux-(image|binary)-' | awk '{ print $1 }'; }
host_names='' private_names=''
for spec in "${specs[@]}"; do
	label=${spec%%:*} spec=${spec#*:}
	suite=${spec%%:*} regex=${spec#*:}
	opts=()
	if [ -z "$suite" ]; then
		[ -n "$host_names" ] || host_names=$(kernel_names)
		names=$host_names
	else
		opts=("${private[@]}")
		[ -n "$private_names" ] || private_names=$(kernel_names "${opts[@]}")
		names=$private_names
	fi
	pkg=$(grep -E "$regex" <<< "$names" | sort -V | tail -1 || true)
	[ -n "$pkg" ] || { echo "fetch.sh: no package for $label${suite:+ in $suite} (apt-get update?)" >&2; exit 1; }
	case $pkg in
	linux-binary-*) version=${pkg#linux-binary-} member=./usr/lib/modules/$version/vmlinuz ;;
	*) version=${pkg#linux-image-} version=${version%-unsigned} member=./boot/vmlinuz-$version ;;
	esac
	[ -f "vmlinuz-$version" ] || unpack "$pkg:$debarch" "$member" "vmlinuz-$version" "${opts[@]}"
	echo "$label $version $cache/vmlinuz-$version"
done
