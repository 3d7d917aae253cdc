#!/bin/bash
# Reproducible builds: the make dist tarball, unpacked in two different
# directories and built in each with the same SOURCE_DATE_EPOCH and the
# committed vmlinux fallback, gives byte-identical results. The second build
# also changes what a build must not depend on: the directory's depth and
# length, umask, time zone, locale and make's job count.
#   tests/package/reproducible.sh [--binary] [--deb]    (default: both)
#   --binary  make VMLINUX_FALLBACK=1: the binary, BPF objects, skeletons
#   --deb     dpkg-buildpackage -us -uc -b: every .deb and .ddeb
# TAP on stdout; sha256 of what was compared in "# note:" lines.
SUITE=reproducible
. "$(dirname "$0")/../live/lib.sh"

do_binary= do_deb=
for arg in "$@"; do
	case $arg in
	--binary) do_binary=1 ;;
	--deb) do_deb=1 ;;
	*) echo "usage: $0 [--binary] [--deb]" >&2; exit 2 ;;
	esac
done
[ -n "$do_binary$do_deb" ] || do_binary=1 do_deb=1

# Prerequisites beside lib.sh's own: the package's build dependencies.
eval "lib_$(declare -f check_prereq)"
check_prereq() {
	local out
	case $1 in
	BUILD_DEPS)
		command -v dpkg-checkbuilddeps > /dev/null || { echo "dpkg-dev is not installed"; return 1; }
		out=$(cd "$TOP" && dpkg-checkbuilddeps 2>&1) || { echo "${out#dpkg-checkbuilddeps: error: }"; return 1; } ;;
	*) lib_check_prereq "$1" ;;
	esac
}

version=$(sed -n 's/^#define RQS_VERSION "\(.*\)"/\1/p' "$TOP/src/common/version.h")
DIST=runqslower-ts-$version
# The same for both builds, as reproducible builds require: what honours it
# (make dist, dpkg, dh_compress's gzip) writes this date; whatever reads the
# clock instead makes the two builds, seconds apart, differ.
export SOURCE_DATE_EPOCH=1700000000
DIR1=$TEST_TMP/one
DIR2=$TEST_TMP/elsewhere/a-longer-directory-name-than-the-first/two

# The same tarball for both: make dist once.
make_tarball() {
	[ -f "$TEST_TMP/$DIST.tar.gz" ] && return 0
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" -s dist DISTDIR="$TEST_TMP" > "$TEST_TMP/dist.log" 2>&1 ||
		{ cat "$TEST_TMP/dist.log"; fail "make dist failed"; }
}

# unpack DIR: a fresh copy of the tarball in DIR
unpack() {
	rm -rf "$1" && mkdir -p "$1"
	tar -xzf "$TEST_TMP/$DIST.tar.gz" -C "$1"
}

# in_env N CMD...: CMD in the source tree under DIR<N>, in build N's setting
in_env() {
	local n=$1 dir
	shift
	[ "$n" = 1 ] && dir=$DIR1 || dir=$DIR2
	(
		cd "$dir/$DIST" || exit 1
		if [ "$n" = 1 ]; then
			umask 022
			export TZ=UTC LC_ALL=C JOBS=1
		else
			umask 002
			export TZ=Etc/GMT-14 LC_ALL=C.UTF-8 JOBS=2
		fi
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$@"
	)
}

# same FILE1 FILE2: byte-identical, or say where they differ
same() {
	cmp -s "$1" "$2" && return 0
	echo "$1 and $2 differ in $(cmp -l "$1" "$2" 2> /dev/null | wc -l) bytes (sizes $(stat -c %s "$1") $(stat -c %s "$2"))"
	diff <(strings -a "$1") <(strings -a "$2") | head -20
	return 1
}

t_binary() {
	make_tarball
	local n f bad=0
	for n in 1 2; do
		[ "$n" = 1 ] && unpack "$DIR1" || unpack "$DIR2"
		in_env "$n" sh -c 'exec make -j"$JOBS" VMLINUX_FALLBACK=1' > "build$n.log" 2>&1 || { tail -20 "build$n.log"; fail "build $n failed"; }
	done
	grep -q 'using the committed vmlinux/vmlinux_fallback.h' build1.log || fail "the build did not use the fallback"
	for f in runqslower-ts build/runqslower_task.bpf.o build/runqslower_hash.bpf.o \
		build/probe_task_storage.bpf.o build/prefill.bpf.o build/runqslower_task.skel.h \
		build/runqslower_hash.skel.h; do
		[ -f "$DIR1/$DIST/$f" ] || fail "build 1 made no $f"
		same "$DIR1/$DIST/$f" "$DIR2/$DIST/$f" || bad=1
	done
	[ $bad = 0 ] || fail "the two builds differ"
	note "binary, build 1 ($DIR1): sha256 $(sha256sum < "$DIR1/$DIST/runqslower-ts" | cut -d' ' -f1)"
	note "binary, build 2 ($DIR2): sha256 $(sha256sum < "$DIR2/$DIST/runqslower-ts" | cut -d' ' -f1)"
}

t_deb() {
	make_tarball
	local n a bad=0 count=0
	for n in 1 2; do
		[ "$n" = 1 ] && unpack "$DIR1" || unpack "$DIR2"
		# nocheck: the tests do not change what is built, and t_deb_builds
		# in dist.sh runs them
		in_env "$n" sh -c 'export DEB_BUILD_OPTIONS="nocheck parallel=$JOBS"; exec dpkg-buildpackage -us -uc -b' > "deb$n.log" 2>&1 ||
			{ tail -30 "deb$n.log"; fail "dpkg-buildpackage $n failed"; }
	done
	for a in "$DIR1"/*.deb "$DIR1"/*.ddeb; do
		[ -f "$a" ] || continue
		count=$((count + 1))
		same "$a" "$DIR2/$(basename "$a")" || bad=1
		note "$(basename "$a"): build 1 sha256 $(sha256sum < "$a" | cut -d' ' -f1)"
		note "$(basename "$a"): build 2 sha256 $(sha256sum < "$DIR2/$(basename "$a")" | cut -d' ' -f1)"
	done
	[ $count -ge 1 ] || fail "no .deb built"
	[ $bad = 0 ] || fail "the .debs differ"
}

[ -n "$do_binary" ] && test_case "" "two builds of the dist tarball in different directories: identical binary and BPF objects" t_binary
[ -n "$do_deb" ] && test_case CMD_dpkg-buildpackage,CMD_dh,BUILD_DEPS "two dpkg-buildpackage runs in different directories: identical .debs" t_deb
test_done
