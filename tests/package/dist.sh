#!/bin/bash
# The packages, built from the dist tarball: .deb (lintian, hardening,
# install, smoke test as root, reproducible) and .rpm (file list).
SUITE=dist
. "$(dirname "$0")/../live/lib.sh"

version=$(sed -n 's/^#define RQS_VERSION "\(.*\)"/\1/p' "$TOP/src/version.h")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct)}
DEBS=$TEST_TMP/debs

# deb_build DIR [nocheck]: dpkg-buildpackage from the tarball unpacked in DIR
deb_build() {
	mkdir -p "$1"
	tar -xzf "$TOP/runqslower-ts-$version.tar.gz" -C "$1"
	( cd "$1/runqslower-ts-$version" &&
	  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL DEB_BUILD_OPTIONS="${2:-}" \
		dpkg-buildpackage -us -uc -b > ../build.log 2>&1 ) ||
		{ tail -30 "$1/build.log"; fail "dpkg-buildpackage failed in $1"; }
}

t_deb_builds() {
	make -C "$TOP" -s dist
	deb_build "$DEBS"
	deb=$(ls "$DEBS"/runqslower-ts_"$version"_*.deb)
	grep -q 'check-unit check-asan' "$DEBS/build.log" || fail "the build did not run the unit tests"
	[ "$(grep -c '^ok [0-9]* - test_' "$DEBS/build.log")" -ge 20 ] || fail "too few unit test results in the build log"
	! grep -q '^not ok' "$DEBS/build.log" || fail "a unit test failed in the package build"
	dpkg-deb -c "$deb" | awk '{ print $6 }' > files
	grep -qx './usr/sbin/runqslower-ts' files || fail "no /usr/sbin/runqslower-ts: $(cat files)"
	grep -qx './usr/share/man/man8/runqslower-ts.8.gz' files || fail "no man page: $(cat files)"
	note "$(basename "$deb"): $(grep -c '^\./.*[^/]$' files) files"
}

t_lintian_clean() {
	lintian --no-tag-display-limit "$DEBS"/runqslower-ts_"$version"_*.changes > lintian.out 2>&1 || true
	note "lintian: $(grep -cE '^[EW]: ' lintian.out) errors/warnings; all it said: $(tr '\n' ' ' < lintian.out)"
	! grep -E '^[EW]: ' lintian.out || fail "lintian: $(cat lintian.out)"
}

t_hardened() {
	rm -rf x && mkdir x && dpkg-deb -x "$DEBS"/runqslower-ts_"$version"_*.deb x
	hardening-check x/usr/sbin/runqslower-ts > hc.out || true
	cat hc.out
	for what in "Position Independent Executable: yes" "Read-only relocations: yes" \
		"Immediate binding: yes" "Fortify Source functions: yes" "Stack protected: yes"; do
		grep -q "$what" hc.out || fail "hardening-check: expected '$what'"
	done
	note "$(tr -s ' \n' ' ' < hc.out)"
}

t_deb_installs_and_traces() {
	apt-get install -y -q "$DEBS"/runqslower-ts_"$version"_*.deb > apt.log 2>&1 || { cat apt.log; fail "apt-get install failed"; }
	/usr/sbin/runqslower-ts --version | grep -qx "runqslower-ts $version" || fail "installed binary does not run"
	dpkg -L runqslower-ts | grep -q '^/usr/share/man/man8/runqslower-ts.8.gz$' || fail "man page not installed"
	"$TOP/debian/tests/smoke" > smoke.out 2>&1 || { cat smoke.out; apt-get remove -y -q runqslower-ts > /dev/null 2>&1; fail "smoke test failed"; }
	note "$(grep '^smoke:' smoke.out)"
	apt-get remove -y -q runqslower-ts > /dev/null 2>&1 || fail "apt-get remove failed"
	[ ! -e /usr/sbin/runqslower-ts ] || fail "binary left after removal"
}

t_deb_reproducible() {
	deb_build r1 noautodbgsym,nocheck
	deb_build elsewhere/r2 noautodbgsym,nocheck
	a=$(ls r1/runqslower-ts_"$version"_*.deb) b=$(ls elsewhere/r2/runqslower-ts_"$version"_*.deb)
	cmp "$a" "$b" || fail ".debs differ"
	note "both .debs: sha256 $(sha256sum < "$a" | cut -c1-16)"
}

t_rpm_builds() {
	mkdir -p rpm/SOURCES
	cp "$TOP/runqslower-ts-$version.tar.gz" rpm/SOURCES/
	rpmbuild -bb --nodeps --define "_topdir $PWD/rpm" --define 'debug_package %{nil}' \
		"$TOP/runqslower-ts.spec" > rpm.log 2>&1 || { tail -30 rpm.log; fail "rpmbuild failed"; }
	rpmfile=$(ls rpm/RPMS/*/runqslower-ts-"$version"-1*.rpm)
	# Debian's rpm macros keep the version in doc and license dirs and do not
	# compress man pages, Fedora's do not; build-id links are rpm's own
	rpm -qlp "$rpmfile" 2> /dev/null | grep -v '^/usr/lib/\.build-id' |
		sed "s/-$version\$//; s/-$version\//\//; s/\.gz\$//" | sort > rpm.files
	cat > expected <<EOT
/usr/sbin/runqslower-ts
/usr/share/doc/runqslower-ts
/usr/share/doc/runqslower-ts/README.md
/usr/share/licenses/runqslower-ts
/usr/share/licenses/runqslower-ts/BSD-2-Clause
/usr/share/licenses/runqslower-ts/GPL-2.0
/usr/share/licenses/runqslower-ts/LICENSE
/usr/share/man/man8/runqslower-ts.8
EOT
	diff expected rpm.files || fail "rpm file list differs (< expected, > rpm)"
	note "$(basename "$rpmfile"): $(rpm -qlp "$rpmfile" 2> /dev/null | grep -v build-id | tr '\n' ' ')"
}

test_case CMD_git,CMD_dpkg-buildpackage "dpkg-buildpackage builds the .deb from the dist tarball" t_deb_builds
test_case CMD_lintian "lintian: no errors, no warnings" t_lintian_clean
test_case CMD_hardening-check "the packaged binary is PIE, full RELRO, fortified" t_hardened
test_case ROOT,BTF,CMD_apt-get "the .deb installs, runs and traces for real (debian/tests/smoke)" t_deb_installs_and_traces
test_case CMD_git,CMD_dpkg-buildpackage ".debs built in two directories are byte-identical" t_deb_reproducible
test_case CMD_git,CMD_rpmbuild "rpmbuild builds the .rpm with the right file list" t_rpm_builds
test_done
