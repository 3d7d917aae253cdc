#!/bin/bash
# The packages, built from the make dist tarball: the .deb (its unit tests,
# lintian on source and binary, hardening, install and a real trace as root
# with debian/tests/smoke), the arm64 .deb cross-built (lintian, hardening)
# and the .rpm (its file list). TAP on stdout.
# Reproducible .debs: tests/package/reproducible.sh --deb.
SUITE=dist
. "$(dirname "$0")/../live/lib.sh"

version=$(sed -n 's/^#define RQS_VERSION "\(.*\)"/\1/p' "$TOP/src/common/version.h")
DIST=runqslower-ts-$version
WORK=$TEST_TMP/deb
SRC=$WORK/$DIST

# Prerequisites of these tests, beside lib.sh's own.
eval "lib_$(declare -f check_prereq)"
check_prereq() {
	local out
	case $1 in
	BUILD_DEPS)
		command -v dpkg-checkbuilddeps > /dev/null || { echo "dpkg-dev is not installed"; return 1; }
		out=$(cd "$TOP" && dpkg-checkbuilddeps 2>&1) || { echo "${out#dpkg-checkbuilddeps: error: }"; return 1; } ;;
	CROSS_BUILD_DEPS)
		command -v dpkg-checkbuilddeps > /dev/null || { echo "dpkg-dev is not installed"; return 1; }
		out=$(cd "$TOP" && dpkg-checkbuilddeps -a arm64 -P cross,nocheck 2>&1) ||
			{ echo "${out#dpkg-checkbuilddeps: error: } (dpkg --add-architecture arm64; crossbuild-essential-arm64)"; return 1; } ;;
	NOT_INSTALLED)
		# the test installs and removes the package: not over one in use
		! dpkg-query -W -f '${Status}' runqslower-ts 2> /dev/null | grep -q ' installed$' ||
			{ echo "a runqslower-ts package is installed already; the test would remove it"; return 1; } ;;
	*) lib_check_prereq "$1" ;;
	esac
}

tmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

# the tarball, unpacked in $WORK once
unpack_dist() {
	[ -d "$SRC" ] && return 0
	mkdir -p "$WORK"
	tmake -C "$TOP" -s dist DISTDIR="$WORK" > "$WORK/dist.log" 2>&1 || { cat "$WORK/dist.log"; fail "make dist failed"; }
	tar -xzf "$WORK/$DIST.tar.gz" -C "$WORK"
}

deb() { ls "$WORK"/runqslower-ts_"$version"_*.deb; }
# the arm64 cross build's, in its own directory
XWORK=$WORK/arm64
xdeb() { ls "$XWORK"/runqslower-ts_"$version"_arm64.deb; }

# the files of a .deb, for any architecture
expected_files() {
	cat <<-EOT
	./lib/systemd/system/runqslower-ts.service
	./usr/sbin/runqslower-ts
	./usr/share/doc/runqslower-ts/BENCHMARKS.md.gz
	./usr/share/doc/runqslower-ts/README.md.gz
	./usr/share/doc/runqslower-ts/changelog.gz
	./usr/share/doc/runqslower-ts/copyright
	./usr/share/man/man8/runqslower-ts.8.gz
	EOT
}

t_deb_builds() {
	unpack_dist
	( cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DEB_BUILD_OPTIONS \
		dpkg-buildpackage -us -uc -b > "$WORK/build.log" 2>&1 ) ||
		{ tail -30 "$WORK/build.log"; fail "dpkg-buildpackage failed"; }
	# the package build's tests: unit tests, plain and under ASan/UBSan
	grep -q 'check-unit check-asan' "$WORK/build.log" || fail "the build did not run the unit tests"
	[ "$(grep -c '^ok [0-9]* - test_' "$WORK/build.log")" -ge 20 ] || fail "too few unit test results in the build log"
	! grep -q '^not ok' "$WORK/build.log" || fail "a unit test failed in the package build"
	grep -q 'using the committed vmlinux/vmlinux_fallback.h' "$WORK/build.log" || fail "the package build did not use the vmlinux fallback"
	! grep -q 'dpkg-shlibdeps: warning' "$WORK/build.log" || fail "$(grep 'dpkg-shlibdeps: warning' "$WORK/build.log")"
	dpkg-deb -c "$(deb)" | awk '{ print $6 }' | grep -v '/$' | sort > files
	expected_files > expected
	diff expected files || fail ".deb file list differs (< expected, > .deb)"
	# the exporter's unit is installed, neither enabled nor started: postinst
	# enables it again only where it was installed and enabled before
	# (dh_installsystemd --no-enable), and starts nothing
	dpkg-deb -e "$(deb)" control
	grep -q "deb-systemd-helper debian-installed 'runqslower-ts.service'" control/postinst ||
		fail "postinst may enable the unit on a new install: $(cat control/postinst)"
	! grep -q 'deb-systemd-invoke' control/postinst || fail "postinst starts the unit: $(cat control/postinst)"
	note "$(basename "$(deb)"): $(tr '\n' ' ' < files)"
	note "Depends: $(dpkg-deb -f "$(deb)" Depends)"
}

t_lintian_clean() {
	[ -n "$(deb)" ] || fail "no .deb (the build test failed)"
	# the source package too: dpkg-source -b on a copy
	rm -rf "$WORK/src" && mkdir "$WORK/src" && tar -xzf "$WORK/$DIST.tar.gz" -C "$WORK/src"
	( cd "$WORK/src" && dpkg-source -b "$DIST" > dpkg-source.log 2>&1 ) ||
		{ cat "$WORK/src/dpkg-source.log"; fail "dpkg-source -b failed"; }
	lintian_clean "$WORK"/runqslower-ts_"$version"_*.changes "$WORK"/src/runqslower-ts_"$version".dsc
}

# lintian_clean FILE...: lintian --pedantic on FILE...: no errors or warnings
lintian_clean() {
	lintian --info --display-info --pedantic --tag-display-limit 0 "$@" 2>&1 |
		grep -v '^running with root privileges is not recommended!$' > lintian.out || true
	note "lintian --info --display-info --pedantic on $(basename -a "$@" | tr '\n' ' ')(lintian $(lintian --version | cut -d' ' -f2)): $(grep -c . lintian.out) lines"
	local line
	while IFS= read -r line; do note "lintian: $line"; done < lintian.out
	! grep -E '^[EW]: ' lintian.out || fail "lintian reports errors or warnings"
}

t_hardened() {
	[ -n "$(deb)" ] || fail "no .deb (the build test failed)"
	hardened "$(deb)"
}

# hardened DEB: its binary is PIE, full RELRO, fortified, stack protected
hardened() {
	rm -rf x && mkdir x && dpkg-deb -x "$1" x
	hardening-check x/usr/sbin/runqslower-ts > hc.out || true
	local what
	for what in "Position Independent Executable: yes" "Stack protected: yes" \
		"Fortify Source functions: yes" "Read-only relocations: yes" "Immediate binding: yes"; do
		grep -q "$what" hc.out || fail "hardening-check: expected '$what': $(cat hc.out)"
	done
	# the same from the ELF itself
	readelf -h x/usr/sbin/runqslower-ts | grep -q 'Type: *DYN' || fail "not PIE"
	readelf -l x/usr/sbin/runqslower-ts | grep -q GNU_RELRO || fail "no RELRO segment"
	readelf -W -d x/usr/sbin/runqslower-ts | grep -q 'FLAGS.*BIND_NOW' || fail "no BIND_NOW"
	readelf -W --dyn-syms x/usr/sbin/runqslower-ts | grep -E '__[a-z]+_chk@' | grep -vq __stack_chk_fail ||
		fail "no fortified calls"
	readelf -W --dyn-syms x/usr/sbin/runqslower-ts | grep -q __stack_chk_fail || fail "no stack protector"
	note "$(tr -s ' \n' ' ' < hc.out)"
}

# The cross build as Debian's cross-building guide gives it, from the same
# tarball: an arm64 .deb, its binary built by the cross compiler, its BPF
# for arm64, no tests run, the shared library dependencies found.
t_cross_deb_builds() {
	unpack_dist
	rm -rf "$XWORK" && mkdir -p "$XWORK" && tar -xzf "$WORK/$DIST.tar.gz" -C "$XWORK"
	( cd "$XWORK/$DIST" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DEB_BUILD_OPTIONS \
		dpkg-buildpackage -us -uc -b -aarm64 -Pcross,nocheck > "$XWORK/build.log" 2>&1 ) ||
		{ tail -30 "$XWORK/build.log"; fail "dpkg-buildpackage -aarm64 -Pcross,nocheck failed"; }
	local log=$XWORK/build.log
	[ -n "$(xdeb)" ] || fail "no runqslower-ts_${version}_arm64.deb: $(ls "$XWORK")"
	[ "$(dpkg-deb -f "$(xdeb)" Architecture)" = arm64 ] || fail "Architecture: $(dpkg-deb -f "$(xdeb)" Architecture)"
	grep -q '^aarch64-linux-gnu-gcc .* -c src/main.c' "$log" || fail "src/main.c not built with aarch64-linux-gnu-gcc"
	[ "$(grep -c '^clang -target bpfel -D__TARGET_ARCH_arm64 ' "$log")" -ge 4 ] || fail "BPF objects not built for arm64"
	grep -q 'using the committed vmlinux/vmlinux_fallback.h' "$log" || fail "the package build did not use the vmlinux fallback"
	! grep -q '^ok [0-9]* - test_' "$log" || fail "unit tests ran in a nocheck cross build"
	! grep -q 'dpkg-shlibdeps: warning' "$log" || fail "$(grep 'dpkg-shlibdeps: warning' "$log")"
	dpkg-deb -f "$(xdeb)" Depends | grep -q 'libbpf1 (>= [^)]*)' || fail "no libbpf1 dependency: $(dpkg-deb -f "$(xdeb)" Depends)"
	rm -rf x && mkdir x && dpkg-deb -x "$(xdeb)" x
	readelf -h x/usr/sbin/runqslower-ts | grep -q 'Machine: *AArch64' || fail "not an arm64 binary: $(file x/usr/sbin/runqslower-ts)"
	readelf -l x/usr/sbin/runqslower-ts | grep -q 'interpreter: /lib/ld-linux-aarch64.so.1' || fail "not arm64's dynamic loader"
	dpkg-deb -c "$(xdeb)" | awk '{ print $6 }' | grep -v '/$' | sort > files
	expected_files > expected
	diff expected files || fail "arm64 .deb file list differs (< expected, > .deb)"
	note "$(basename "$(xdeb)"): $(file -b x/usr/sbin/runqslower-ts | cut -d, -f1-2); Depends: $(dpkg-deb -f "$(xdeb)" Depends)"
}

t_cross_lintian_clean() {
	[ -n "$(xdeb)" ] || fail "no arm64 .deb (the cross build test failed)"
	lintian_clean "$XWORK"/runqslower-ts_"$version"_arm64.changes
}

t_cross_hardened() {
	[ -n "$(xdeb)" ] || fail "no arm64 .deb (the cross build test failed)"
	hardened "$(xdeb)"
}

t_deb_installs_and_traces() {
	[ -n "$(deb)" ] || fail "no .deb (the build test failed)"
	apt-get install -y -q "$(deb)" > apt.log 2>&1 || { cat apt.log; fail "apt-get install failed"; }
	local ok=0
	: > smoke.out
	: > smoke.err
	if /usr/sbin/runqslower-ts --version | grep -qx "runqslower-ts $version" &&
		dpkg -L runqslower-ts | grep -qx /usr/share/man/man8/runqslower-ts.8.gz &&
		"$TOP/debian/tests/smoke" > smoke.out 2> smoke.err; then
		ok=1
	fi
	cat smoke.out
	# autopkgtest fails a test that writes on stderr
	[ ! -s smoke.err ] && echo "stderr: empty" || { echo "stderr:"; cat smoke.err; ok=0; }
	[ ! -e /etc/systemd/system/multi-user.target.wants/runqslower-ts.service ] || ok=0
	# purge: the unit's postrm keeps deb-systemd-helper's state until then
	apt-get purge -y -q runqslower-ts > remove.log 2>&1 || fail "apt-get purge failed: $(cat remove.log)"
	state=$(dpkg-query -W -f='${db:Status-Status}' runqslower-ts 2> /dev/null || true)
	[ -z "$state" ] || [ "$state" = not-installed ] || fail "after purge dpkg says: $state"
	[ $ok = 1 ] || fail "the installed package does not run, lacks its man page, enabled its unit, or the smoke test failed or wrote on stderr"
	[ ! -e /usr/sbin/runqslower-ts ] || fail "binary left after removal"
	note "$(grep '^smoke: [0-9]' smoke.out)"
}

t_rpm_builds() {
	unpack_dist
	mkdir -p rpm/SOURCES
	cp "$WORK/$DIST.tar.gz" rpm/SOURCES/
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL rpmbuild -bb --nodeps --define "_topdir $PWD/rpm" \
		--define 'debug_package %{nil}' "$TOP/runqslower-ts.spec" > rpm.log 2>&1 ||
		{ tail -30 rpm.log; fail "rpmbuild failed"; }
	local rpmfile
	rpmfile=$(ls rpm/RPMS/*/runqslower-ts-"$version"-1*.rpm)
	rpm -qlp "$rpmfile" > rpm.raw 2> /dev/null
	# Debian's rpm macros keep the version in the doc and license directory
	# names and do not compress man pages, Fedora's do neither; build-id
	# links are rpm's own
	grep -v '^/usr/lib/\.build-id' rpm.raw | sed "s/-$version\$//; s/-$version\//\//; s/\.gz\$//" | sort > rpm.files
	cat > expected <<-EOT
	/usr/lib/systemd/system/runqslower-ts.service
	/usr/sbin/runqslower-ts
	/usr/share/doc/runqslower-ts
	/usr/share/doc/runqslower-ts/BENCHMARKS.md
	/usr/share/doc/runqslower-ts/README.md
	/usr/share/licenses/runqslower-ts
	/usr/share/licenses/runqslower-ts/BSD-2-Clause
	/usr/share/licenses/runqslower-ts/GPL-2.0
	/usr/share/licenses/runqslower-ts/LICENSE
	/usr/share/man/man8/runqslower-ts.8
	EOT
	diff expected rpm.files || fail "rpm file list differs (< expected, > rpm)"
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpmfile" 2> /dev/null | grep -q '^-rwxr-xr-x /usr/sbin/runqslower-ts$' ||
		fail "the binary is not mode 755 in the rpm"
	note "$(basename "$rpmfile"): $(grep -v build-id rpm.raw | tr '\n' ' ')"
	rpmlint_clean "$rpmfile"
}

# rpmlint on the spec and the .rpm: no error or warning but these, which
# come from building here or from rpmlint's defaults, not from the spec
RPMLINT_EXPLAINED=(
	# no debuginfo step here (debug_package %{nil}): Fedora's find-debuginfo strips
	'W: unstripped-binary-or-object /usr/sbin/runqslower-ts'
	# Debian's /bin/sh is dash, and rpm's brp-compress uses bash's read -d
	'W: manpage-not-compressed [a-z0-9]+ /usr/share/man/man8/runqslower-ts\.8'
	# a local, unsigned build
	'E: no-signature'
	# openSUSE's rules (Fedora forbids Packager and dropped Group)
	'E: no-packager-tag' 'E: no-group-tag'
	# "-ts" read as a Tsonga language subpackage (openSUSE's I18NCheck)
	'E: no-dependency-on locales-ts'
	# Debian's rpmlint has an empty ValidLicenses: every license is reported
	# (Fedora's config lists the SPDX ones)
	'W: invalid-license (GPL-2\.0-only|BSD-2-Clause)'
	# rpmlint 2.4.0 collects man page sections, not names, for this check
	'W: no-manual-page-for-binary runqslower-ts'
	# BuildRoot is ignored since rpm 4.6; Fedora forbids it
	'W: no-buildroot-tag'
	# Source0 is make dist's tarball, not a download
	'W: invalid-url Source0: runqslower-ts-[0-9.]+\.tar\.gz'
)
rpmlint_clean() {
	rpmlint "$1" "$TOP/runqslower-ts.spec" > rpmlint.out 2>&1 || true
	grep -q ' packages and 1 specfiles checked' rpmlint.out || fail "rpmlint did not run: $(cat rpmlint.out)"
	local line re bad=0
	while IFS= read -r line; do
		[[ $line =~ ^[^\ ]+:\ [EW]:\  ]] || continue
		for re in "${RPMLINT_EXPLAINED[@]}"; do
			[[ ${line#*: } =~ ^$re$ ]] && { note "rpmlint (explained): $line"; continue 2; }
		done
		echo "rpmlint: $line"
		bad=1
	done < rpmlint.out
	[ $bad = 0 ] || fail "rpmlint reports what the spec must fix"
}

DEB=CMD_dpkg-buildpackage,CMD_dh,BUILD_DEPS
test_case $DEB "dpkg-buildpackage builds the .deb from the dist tarball, unit tests run" t_deb_builds
test_case $DEB,CMD_lintian,CMD_dpkg-source "lintian on the source and the .deb: no errors, no warnings" t_lintian_clean
test_case $DEB,CMD_hardening-check,CMD_readelf "the packaged binary is PIE, full RELRO (BIND_NOW), fortified, stack protected" t_hardened
test_case $DEB,ROOT,BTF,CMD_apt-get,NOT_INSTALLED "the .deb installs, runs and traces for real (debian/tests/smoke)" t_deb_installs_and_traces
XDEB=CMD_dpkg-buildpackage,CMD_dh,CROSS_BUILD_DEPS
test_case $XDEB "dpkg-buildpackage -aarm64 -Pcross,nocheck builds an arm64 .deb with the cross compiler" t_cross_deb_builds
test_case $XDEB,CMD_lintian "lintian on the arm64 .deb: no errors, no warnings" t_cross_lintian_clean
test_case $XDEB,CMD_hardening-check,CMD_readelf "the arm64 binary is PIE, full RELRO (BIND_NOW), fortified, stack protected" t_cross_hardened
test_case CMD_rpmbuild,CMD_rpmlint,BUILD_DEPS "rpmbuild builds the .rpm with the right file list; rpmlint finds nothing in the spec" t_rpm_builds
test_done
