#!/bin/bash
# Packaging tests that need no root: the man page (renders, in step with
# --help and with the messages and --stats lines in the source, version and
# date), make install/uninstall, packager variables, LIBBPF_STATIC=1, the
# arm64 cross build, make dist (reproducible, builds on its own without
# git). TAP on stdout.
SUITE=package
. "$(dirname "$0")/../live/lib.sh"

MAN=$TOP/man/runqslower-ts.8
version=$(sed -n 's/^#define RQS_VERSION "\(.*\)"/\1/p' "$TOP/src/common/version.h")
DIST=runqslower-ts-$version

# Prerequisites of these tests, beside lib.sh's own.
eval "lib_$(declare -f check_prereq)"
check_prereq() {
	local libdir lib
	case $1 in
	STATIC_LIBS)
		libdir=$(pkg-config --variable=libdir libbpf 2> /dev/null)
		for lib in libbpf libelf libz; do
			[ -r "${libdir:-/usr/lib}/$lib.a" ] || { echo "no $lib.a in ${libdir:-/usr/lib} (libbpf-dev, libelf-dev, zlib1g-dev)"; return 1; }
		done
		pkg-config --exists libzstd 2> /dev/null || { echo "no libzstd.so to link (libzstd-dev)"; return 1; } ;;
	STATIC_ALL)
		libdir=$(pkg-config --variable=libdir libbpf 2> /dev/null)
		for lib in libbpf libelf libz libzstd libc; do
			[ -r "${libdir:-/usr/lib}/$lib.a" ] || { echo "no $lib.a in ${libdir:-/usr/lib} (libbpf-dev, libelf-dev, zlib1g-dev, libzstd-dev, libc6-dev)"; return 1; }
		done ;;
	CROSS_ARM64)
		[ "$(uname -m)" != aarch64 ] || { echo "the build machine is arm64: no cross build"; return 1; }
		command -v aarch64-linux-gnu-gcc > /dev/null || { echo "no aarch64-linux-gnu-gcc (gcc-aarch64-linux-gnu)"; return 1; }
		aarch64-linux-gnu-pkg-config --exists libbpf 2> /dev/null ||
			{ echo "no libbpf for arm64 (dpkg --add-architecture arm64; libbpf-dev:arm64 pkgconf:arm64)"; return 1; } ;;
	*) lib_check_prereq "$1" ;;
	esac
}

# make in the source tree, without the flags of a make that runs this
tmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

# The man page as text: one line, runs of white space as one space.
man_text() { mandoc -Tascii -O width=1000 "$MAN" | sed 's/.\x08//g' | tr -s ' \n' '  '; }

t_man_renders() {
	LC_ALL=C.UTF-8 groff -man -ww -z "$MAN" 2> groff.err
	[ ! -s groff.err ] || fail "groff: $(cat groff.err)"
	mandoc -Tlint "$MAN" > mandoc.out 2>&1 || true
	[ ! -s mandoc.out ] || fail "mandoc: $(cat mandoc.out)"
	local s
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT STATISTICS 'EXIT STATUS' REQUIREMENTS \
		OVERHEAD EXAMPLES 'SEE ALSO'; do
		grep -qx "\.SH \"\{0,1\}$s\"\{0,1\}" "$MAN" || fail "no section $s"
	done
}

t_man_version_date() {
	local th_date th_version cl_version cl_date spec_version
	th_date=$(awk '$1 == ".TH" { print $4 }' "$MAN")
	th_version=$(sed -n 's/^\.TH .* "runqslower-ts \([^"]*\)".*/\1/p' "$MAN")
	[ "$th_version" = "$version" ] || fail "man page .TH says version '$th_version', src/common/version.h $version"
	[[ $th_date =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail ".TH date '$th_date' is not a fixed YYYY-MM-DD"
	# the release's date: that of its debian/changelog entry
	cl_version=$(sed -n '1s/^runqslower-ts (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
	cl_date=$(date -u -d "$(sed -n 's/^ -- .*>  //p' "$TOP/debian/changelog" | head -1)" +%F)
	[ "$cl_version" = "$version" ] || fail "debian/changelog's version is $cl_version, src/common/version.h $version"
	[ "$cl_date" = "$th_date" ] || fail "man page date $th_date, debian/changelog's $cl_date"
	spec_version=$(awk '$1 == "Version:" { print $2 }' "$TOP/runqslower-ts.spec")
	[ "$spec_version" = "$version" ] || fail "runqslower-ts.spec's version is $spec_version, src/common/version.h $version"
	note "version $version, dated $th_date in the man page and debian/changelog"
}

# the options a text names: -x and --long-name
options_in() { grep -oE '(^|[^a-zA-Z0-9-])--?[a-zA-Z][a-z-]*' | sed 's/^[^-]*//' | sort -u; }

t_man_options_match_help() {
	"$RQS" --help | options_in > help.opts
	# roff escapes the dashes: \-\-stats
	sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN" | sed -n '/^\.SH OPTIONS/,/^\.SH OUTPUT/p' | options_in > man.opts
	diff help.opts man.opts > opts.diff || fail "options differ between --help and the man page (< help, > man): $(cat opts.diff)"
	[ "$(wc -l < help.opts)" -ge 10 ] || fail "only $(wc -l < help.opts) options found in --help"
	# and the defaults --help gives
	local d
	for d in $("$RQS" --help | grep -o 'default [0-9]*' | cut -d' ' -f2); do
		man_text | grep -q "default $d" || fail "--help gives a default of $d, the man page does not"
	done
	note "$(wc -l < help.opts) options in both: $(tr '\n' ' ' < help.opts)"
}

# The literal parts of the stderr messages and --stats lines in the source
# (format strings split at their conversions) are all in the man page, and
# the man page names no --stats key that the source does not print.
t_man_messages_match_source() {
	{
		# the loss lines, RQS_NAME ": ..." in loss_lines.c
		perl -ne 'while (/RQS_NAME "(: [^"]*)\\n"/g) { print "runqslower-ts$1\n" }' "$TOP/src/report/loss_lines.c"
		# the --stats lines: "stats: WHAT:" of each begin() in the renderer
		perl -ne 'while (/begin\(o, "([a-z_]+)"/g) { print "stats: $1:\n" }' "$TOP/src/report/stats_report.c"
	} > formats
	perl -ne 'chomp; print "$_\n" for grep { /[a-z]/ } map { s/^\s+|\s+$//gr } split /%[a-z0-9.]*[a-z]/' formats | sort -u > fragments
	[ "$(grep -c . fragments)" -ge 15 ] || fail "too few message fragments found in the source: $(cat fragments)"
	man_text > man.txt
	local f missing=0
	while IFS= read -r f; do
		grep -qF -- "$f" man.txt || { echo "not in the man page: '$f'"; missing=1; }
	done < fragments
	[ $missing = 0 ] || fail "messages or --stats fields in the source are not documented"
	# each key the renderer writes: u64(o, "key", ...), i64(...), text(...)
	perl -ne 'while (/\b(?:u64|i64|text)\(o, "([a-z_]+)"/g) { print "$1\n" }' "$TOP/src/report/stats_report.c" |
		sort -u > src.keys
	sed -n 's/.* STATISTICS \(.*\) EXIT STATUS .*/\1/p' man.txt | grep -oE 'stats: [a-z]+: [^.]*' |
		grep -oE '[a-z_]+=' | tr -d = | sort -u > man.keys
	diff src.keys man.keys > keys.diff || fail "--stats keys (< source, > man page): $(cat keys.diff)"
	note "$(wc -l < fragments) message fragments and $(wc -l < src.keys) --stats keys documented"
}

t_exit_status() {
	local rc
	"$RQS" --help > /dev/null || fail "--help exited $?"
	"$RQS" --version > /dev/null || fail "--version exited $?"
	rc=0; "$RQS" --no-such-option > /dev/null 2> err || rc=$?
	[ $rc = 2 ] || fail "an unknown option exited $rc, the man page says 2"
	rc=0; "$RQS" 12x > /dev/null 2> err || rc=$?
	[ $rc = 2 ] || fail "a bad MIN_US exited $rc, the man page says 2"
	[ "$(wc -l < err)" = 1 ] || fail "a usage error printed $(wc -l < err) lines on stderr"
	sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -c '^\.B [012]$' | grep -qx 3 ||
		fail "EXIT STATUS does not list 0, 1, 2"
}

t_install_uninstall() {
	tmake -C "$TOP" -s install DESTDIR="$PWD/root" prefix=/usr > install.log
	[ -x root/usr/sbin/runqslower-ts ] || fail "no usr/sbin/runqslower-ts: $(find root)"
	[ "$(stat -c %a root/usr/sbin/runqslower-ts)" = 755 ] || fail "binary mode $(stat -c %a root/usr/sbin/runqslower-ts)"
	[ "$(stat -c %a root/usr/share/man/man8/runqslower-ts.8)" = 644 ] || fail "no man page at usr/share/man/man8"
	[ "$(find root -type f | wc -l)" = 2 ] || fail "unexpected files: $(find root -type f)"
	# not stripped: that is the packager's business (dh_strip, rpm's debuginfo)
	cmp -s "$RQS" root/usr/sbin/runqslower-ts || fail "the installed binary is not the one built"
	tmake -C "$TOP" -s install DESTDIR="$PWD/local" > /dev/null
	[ -x local/usr/local/sbin/runqslower-ts ] && [ -f local/usr/local/share/man/man8/runqslower-ts.8 ] ||
		fail "default prefix is not /usr/local: $(find local -type f)"
	tmake -C "$TOP" -s install DESTDIR="$PWD/custom" prefix=/opt/r sbindir=/opt/r/bin mandir=/opt/r/man > /dev/null
	[ -x custom/opt/r/bin/runqslower-ts ] && [ -f custom/opt/r/man/man8/runqslower-ts.8 ] ||
		fail "sbindir/mandir not honoured: $(find custom -type f)"
	# every file and directory goes through $(INSTALL)
	printf '#!/bin/sh\necho "$*" >> "%s/install.calls"\nexec install "$@"\n' "$PWD" > my-install
	chmod +x my-install
	tmake -C "$TOP" -s install DESTDIR="$PWD/via" prefix=/usr INSTALL="$PWD/my-install" > /dev/null
	grep -q -- "-d $PWD/via/usr/sbin" install.calls && grep -q " $PWD/via/usr/sbin/runqslower-ts\$" install.calls &&
		grep -q -- "-m 644 man/runqslower-ts.8 $PWD/via/usr/share/man/man8/runqslower-ts.8" install.calls ||
		fail "\$(INSTALL) not used for everything: $(cat install.calls)"
	tmake -C "$TOP" -s uninstall DESTDIR="$PWD/root" prefix=/usr
	[ -z "$(find root -type f)" ] || fail "left after uninstall: $(find root -type f)"
	tmake -C "$TOP" -s uninstall DESTDIR="$PWD/custom" prefix=/opt/r sbindir=/opt/r/bin mandir=/opt/r/man
	[ -z "$(find custom -type f)" ] || fail "left after uninstall: $(find custom -type f)"
}

t_packager_variables() {
	# CC, CFLAGS, CPPFLAGS, LDFLAGS reach the commands, appended to ours
	tmake -C "$TOP" -s -B -n V=1 CC=my-cc CFLAGS=-DMY_CFLAGS CPPFLAGS=-DMY_CPPFLAGS \
		LDFLAGS=-Wl,--my-ldflags > cmds.txt
	grep -q '^my-cc .*-Wall -Wextra.*-DMY_CFLAGS' cmds.txt || fail "CC/CFLAGS not used: $(grep -m1 ' -c src/' cmds.txt)"
	grep -q '^my-cc .*-DMY_CPPFLAGS.* -c src/main.c' cmds.txt || fail "CPPFLAGS not used"
	grep -q '^my-cc .*-Wl,--my-ldflags.* -o runqslower-ts' cmds.txt || fail "LDFLAGS not used at link"
	grep -q 'clang .*-ffile-prefix-map=' cmds.txt || fail "BPF objects not built with -ffile-prefix-map"
	! grep -q 'clang .*-DMY_CFLAGS' cmds.txt || fail "CFLAGS reached the BPF compiler (BPF_CFLAGS is its own)"
}

t_libbpf_linking() {
	readelf -d "$RQS" | grep -q 'NEEDED.*\[libbpf\.so' || fail "the default build does not link the system's libbpf.so"
	tmake -C "$TOP" -s OUT="$PWD/build" BIN="$PWD/rqs-static-libbpf" LIBBPF_STATIC=1 \
		"$PWD/rqs-static-libbpf" > build.log 2>&1 || { cat build.log; fail "LIBBPF_STATIC=1 build failed"; }
	readelf -d rqs-static-libbpf | grep NEEDED > needed
	! grep -E 'libbpf|libelf|libz\.' needed || fail "LIBBPF_STATIC=1 still links these dynamically"
	./rqs-static-libbpf --version | grep -qx "runqslower-ts $version" || fail "the LIBBPF_STATIC=1 binary does not run"
	note "LIBBPF_STATIC=1 needs only: $(grep -o '\[.*\]' needed | tr -d '[]' | tr '\n' ' ')"
}

# STATIC=1: a binary with no dynamic dependency. It has the exporter where
# the libmicrohttpd pkg-config finds needs no GnuTLS (Debian's needs it, and
# p11-kit, which has no static archive there: the Makefile, the README): a
# scrape then answers; else --metrics refuses, as documented.
t_static_build() {
	local mhd rc
	tmake -C "$TOP" -s OUT="$PWD/build" BIN="$PWD/rqs-static" STATIC=1 "$PWD/rqs-static" > build.log 2>&1 ||
		{ tail -20 build.log; fail "STATIC=1 build failed"; }
	! readelf -d rqs-static | grep -q NEEDED || fail "the STATIC=1 binary needs: $(readelf -d rqs-static | grep NEEDED)"
	./rqs-static --version | grep -qx "runqslower-ts $version" || fail "the STATIC=1 binary does not run"
	mhd=$(pkg-config --static --libs libmicrohttpd 2> /dev/null)
	if grep -qw -- -lgnutls <<< "$mhd"; then
		rc=0
		./rqs-static --metrics "127.0.0.1:$(free_port)" > out 2> err || rc=$?
		[ $rc = 1 ] || fail "--metrics without the exporter: exit $rc"
		grep -qx 'runqslower-ts: --metrics: not in this build: it was built with METRICS=0 (STATIC=1 implies it where libmicrohttpd needs GnuTLS)' err ||
			fail "--metrics without the exporter: $(cat err)"
		note "libmicrohttpd needs GnuTLS ($mhd): STATIC=1 has no exporter, and --metrics says so"
		return 0
	fi
	have_prereq ROOT,BTF,CMD_curl || { fail "a static exporter to scrape, but missing $missing"; return 1; }
	RQS=$PWD/rqs-static start_exporter exp --no-outliers
	scrape_until "$port" '^runqslower_ts_wait_seconds_count [1-9]' page.txt
	grep -q '^runqslower_ts_build_info{' page.txt || fail "the STATIC=1 exporter's page: $(head -5 page.txt)"
	stop_tracer "$tracer_pid"
	note "libmicrohttpd without GnuTLS ($mhd): the STATIC=1 binary served a scrape of $(wc -l < page.txt) lines"
}

# The distributions' hardening is in the default CFLAGS and LDFLAGS, and a
# packager's own replace it; the default build is PIE, full RELRO, bound
# now, with the stack protector and _FORTIFY_SOURCE's checked calls.
t_hardening() {
	local plain=(env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u MAKEFLAGS -u MFLAGS -u MAKELEVEL)
	"${plain[@]}" make -C "$TOP" -s -B -n V=1 > cmds.txt 2>&1 < /dev/null ||
		{ cat cmds.txt; fail "make -n failed"; }
	grep -q '^cc .*-O2 -g -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -c src/main.c' cmds.txt ||
		fail "no hardening in the default CFLAGS: $(grep -m1 ' -c src/main.c' cmds.txt)"
	grep -q '^cc .* -pie -Wl,-z,relro,-z,now .*-o runqslower-ts ' cmds.txt ||
		fail "no hardening in the default LDFLAGS: $(grep -m1 ' -o runqslower-ts ' cmds.txt)"
	"${plain[@]}" make -C "$TOP" -s -B -n V=1 CFLAGS=-O1 LDFLAGS=-Wl,--as-needed > own.txt 2>&1 < /dev/null
	! grep -E ' -c src/| -o runqslower-ts ' own.txt | grep -qE 'fstack-protector|FORTIFY|-pie|z,now' ||
		fail "a packager's CFLAGS/LDFLAGS do not replace the default hardening: $(grep -m1 ' -c src/main.c' own.txt)"
	if command -v dpkg-buildflags > /dev/null; then
		"${plain[@]}" make -C "$TOP" -s -B -n V=1 CFLAGS="$(dpkg-buildflags --get CFLAGS)" \
			CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" > deb.txt 2>&1 < /dev/null
		grep -q "^cc .*$(dpkg-buildflags --get CPPFLAGS).*$(dpkg-buildflags --get CFLAGS | cut -d' ' -f1-2) .*-c src/main.c" deb.txt &&
			! grep ' -c src/main.c' deb.txt | grep -q -- -U_FORTIFY_SOURCE ||
			fail "dpkg-buildflags' flags not used as they are: $(grep -m1 ' -c src/main.c' deb.txt)"
	fi
	"${plain[@]}" make -C "$TOP" -s OUT="$PWD/build" BIN="$PWD/rqs" "$PWD/rqs" > build.log 2>&1 < /dev/null ||
		{ tail -20 build.log; fail "the default build failed"; }
	readelf -h rqs | grep -q 'Type: *DYN' || fail "not PIE: $(readelf -h rqs | grep Type:)"
	readelf -d rqs > dynamic.txt
	grep -q 'FLAGS_1.*PIE' dynamic.txt || fail "no DF_1_PIE: $(grep FLAGS dynamic.txt)"
	grep -qE 'FLAGS_1.* NOW|\(FLAGS\).*BIND_NOW|\(BIND_NOW\)' dynamic.txt || fail "not bound now: $(grep FLAGS dynamic.txt)"
	readelf -lW rqs | grep -q GNU_RELRO || fail "no GNU_RELRO segment"
	readelf --dyn-syms -W rqs > syms.txt
	grep -q ' __stack_chk_fail' syms.txt || fail "no stack protector (__stack_chk_fail)"
	grep -oE ' __[a-z]+_chk(@[A-Z_0-9.]+)?' syms.txt | grep -v __stack_chk | sort -u > chk.txt
	[ -s chk.txt ] || fail "no _FORTIFY_SOURCE checked calls (__*_chk)"
	note "PIE, GNU_RELRO, BIND_NOW, __stack_chk_fail, $(wc -l < chk.txt) fortified calls: $(sed 's/@.*//' chk.txt | tr -d ' ' | tr '\n' ' ')"
}

# The cross build, as the kernel spells it, into its own OUT; then a native
# fallback build and the cross build again into one OUT, which must rebuild
# all for each target. The BPF objects are the same for both targets (CO-RE
# and the fallback header: nothing in them depends on the architecture).
CROSS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
t_cross_build_arm64() {
	tmake -C "$TOP" V=1 "${CROSS[@]}" OUT="$PWD/arm64" BIN="$PWD/arm64/rqs" "$PWD/arm64/rqs" > cross.log 2>&1 ||
		{ tail -20 cross.log; fail "make ${CROSS[*]} failed"; }
	readelf -h arm64/rqs | grep -q 'Machine: *AArch64' || fail "not an arm64 binary: $(file arm64/rqs)"
	readelf -d arm64/rqs | grep -q 'NEEDED.*\[libbpf\.so' || fail "the cross build does not link libbpf.so"
	grep -q '^aarch64-linux-gnu-gcc .* -c src/main.c' cross.log || fail "src/main.c not built with aarch64-linux-gnu-gcc"
	[ "$(grep -c '^clang .*-target bpfel -D__TARGET_ARCH_arm64 ' cross.log)" -ge 4 ] ||
		fail "BPF objects not built for arm64: $(grep -m1 '^clang' cross.log)"
	grep -q 'a cross build for arm64 .*using the committed vmlinux/vmlinux_fallback.h' cross.log ||
		fail "the cross build did not use the fallback header: $(grep VMLINUX cross.log)"
	# one clear line for a target CC does not build for
	local rc=0
	tmake -C "$TOP" -s ARCH=arm64 OUT="$PWD/mismatch" > mismatch.out 2>&1 || rc=$?
	[ $rc = 2 ] && grep -q "runqslower-ts: ARCH=arm64: cc builds for $(cc -dumpmachine); set CROSS_COMPILE" mismatch.out ||
		fail "ARCH=arm64 with the native cc: exit $rc: $(cat mismatch.out)"
	[ ! -e mismatch ] || fail "ARCH=arm64 with the native cc built something"
	# one OUT, native then arm64: every object and the binary follow the target
	tmake -C "$TOP" -s VMLINUX_FALLBACK=1 OUT="$PWD/one" BIN="$PWD/one/rqs" "$PWD/one/rqs" > one.log 2>&1 || { cat one.log; fail "native build failed"; }
	[ "$(readelf -h one/rqs | grep Machine:)" = "$(readelf -h "$RQS" | grep Machine:)" ] || fail "native build: $(file one/rqs)"
	local f bpf="runqslower_task runqslower_hash probe_task_storage prefill"
	for f in $bpf; do cp "one/$f.bpf.o" "native-$f.bpf.o"; done
	tmake -C "$TOP" V=1 VMLINUX_FALLBACK=1 "${CROSS[@]}" OUT="$PWD/one" BIN="$PWD/one/rqs" "$PWD/one/rqs" > again.log 2>&1 ||
		{ tail -20 again.log; fail "arm64 build over the native one failed"; }
	readelf -h one/rqs | grep -q 'Machine: *AArch64' || fail "arm64 over native: $(file one/rqs)"
	for f in $bpf; do
		grep -q -- "-D__TARGET_ARCH_arm64 .* -o $PWD/one/$f.bpf.o" again.log || fail "$f.bpf.o not rebuilt for arm64"
		cmp "native-$f.bpf.o" "one/$f.bpf.o" || fail "$f.bpf.o differs between x86 and arm64"
		cmp "one/$f.bpf.o" "arm64/$f.bpf.o" || fail "$f.bpf.o differs between the two arm64 builds"
	done
	note "$(file -b arm64/rqs | cut -d, -f1-2); BPF objects identical for x86 and arm64: $bpf"
}

# dist_into DIR: make dist, the tarball in DIR
dist_into() {
	mkdir -p "$1"
	tmake -C "$TOP" -s dist DISTDIR="$PWD/$1" > "$1.log" 2>&1 || { cat "$1.log"; fail "make dist failed"; }
	[ -f "$1/$DIST.tar.gz" ] || fail "make dist made no $1/$DIST.tar.gz"
}

t_dist_tarball() {
	dist_into d1
	dist_into d2
	cmp d1/$DIST.tar.gz d2/$DIST.tar.gz || fail "two make dist runs differ"
	TZ=UTC0 tar -tvzf d1/$DIST.tar.gz > listing
	awk '$2 != "0/0" { print; bad = 1 } END { exit bad }' listing || fail "entries not owned by 0/0"
	[ "$(awk '{ print $4, $5 }' listing | sort -u | wc -l)" = 1 ] || fail "more than one mtime in the tarball"
	awk '$1 !~ /^-rw-r--r--$|^-rwxr-xr-x$|^drwxr-xr-x$/ { print; bad = 1 } END { exit bad }' listing ||
		fail "modes other than 644/755"
	tar -tzf d1/$DIST.tar.gz | grep -v '/$' | sed "s|^$DIST/||" | sort > in-tarball
	grep -qx debian/rules in-tarball && grep -qx vmlinux/vmlinux_fallback.h in-tarball ||
		fail "debian/ or the vmlinux fallback missing from the tarball"
	if [ -e "$TOP/.git" ]; then
		git -C "$TOP" ls-tree -r --name-only HEAD | sort > in-git
		diff in-git in-tarball > files.diff || fail "tarball is not the last commit (< git, > tarball): $(cat files.diff)"
		epoch=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct)}
		[ "$(awk '{ print $4, $5; exit }' listing)" = "$(date -u -d "@$epoch" '+%F %R')" ] ||
			fail "mtime is not SOURCE_DATE_EPOCH or the last commit's time ($(date -u -d "@$epoch"))"
		git -C "$TOP" --no-optional-locks status --porcelain --untracked-files=no > changed
		[ ! -s changed ] || note "the working tree has uncommitted changes, not in the tarball: $(tr '\n' ' ' < changed)"
	fi
	note "$(wc -l < in-tarball) files, mtime $(awk '{ print $4, $5; exit }' listing), sha256 $(sha256sum < d1/$DIST.tar.gz | cut -c1-16)"
}

t_dist_builds_alone() {
	dist_into d
	mkdir a && tar -xzf d/$DIST.tar.gz -C a
	[ ! -e a/$DIST/.git ] || fail "the tarball holds .git"
	# a git that records being called: the build must not need one
	mkdir bin
	printf '#!/bin/sh\necho "git $*" >> "%s/git.calls"\nexit 1\n' "$PWD" > bin/git
	chmod +x bin/git
	PATH=$PWD/bin:$PATH tmake -C a/$DIST VMLINUX_FALLBACK=1 > build.log 2>&1 || { tail -20 build.log; fail "build from the tarball failed"; }
	a/$DIST/runqslower-ts --version | grep -qx "runqslower-ts $version" || fail "the built binary does not run"
	grep -q 'using the committed vmlinux/vmlinux_fallback.h' build.log || fail "fallback not announced: $(cat build.log)"
	PATH=$PWD/bin:$PATH tmake -C a/$DIST check-unit > unit.log 2>&1 || { tail -20 unit.log; fail "make check-unit failed in the tarball's tree"; }
	[ ! -e git.calls ] || fail "the build ran git: $(cat git.calls)"
	# make dist from the built tree, without git, gives the same tarball back
	mkdir again
	PATH=$PWD/bin:$PATH tmake -C a/$DIST -s dist DISTDIR="$PWD/again" > again.log 2>&1 || { cat again.log; fail "make dist without git failed"; }
	[ ! -e git.calls ] || fail "make dist without .git ran git: $(cat git.calls)"
	cmp d/$DIST.tar.gz again/$DIST.tar.gz ||
		fail "make dist in the unpacked, built tarball differs: $(diff <(tar -tvzf d/$DIST.tar.gz) <(tar -tvzf again/$DIST.tar.gz) | head)"
	note "built and unit-tested without git; make dist there gives the same tarball back"
}

test_case CMD_groff,CMD_mandoc "man page renders without warnings (groff -ww, mandoc -Tlint), all sections" t_man_renders
test_case "" "man page version and date: src/common/version.h, the debian/changelog entry, the spec" t_man_version_date
test_case "" "man page OPTIONS and --help list the same options and defaults" t_man_options_match_help
test_case CMD_mandoc "man page documents every stderr loss line and --stats field of the source" t_man_messages_match_source
test_case "" "exit status 0 for --help/--version, 2 for usage errors, as documented" t_exit_status
test_case "" "make install/uninstall honour DESTDIR, prefix, sbindir, mandir, INSTALL" t_install_uninstall
test_case "" "CC, CFLAGS, CPPFLAGS, LDFLAGS, V=1 are honoured" t_packager_variables
test_case CMD_readelf "hardening by default (PIE, RELRO, BIND_NOW, stack protector, FORTIFY), packagers' flags replace it" t_hardening
test_case STATIC_LIBS "system libbpf by default; LIBBPF_STATIC=1 links it statically" t_libbpf_linking
test_case STATIC_ALL,CMD_readelf "STATIC=1: no dynamic dependency; the exporter where libmicrohttpd needs no GnuTLS, else refused" t_static_build
test_case CROSS_ARM64,CMD_readelf "make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-: an arm64 binary, BPF for arm64, a rebuild on a target change" t_cross_build_arm64
# make dist needs git in a git checkout, not in an unpacked tarball
dist_prereq=$([ -e "$TOP/.git" ] && echo CMD_git)
test_case "$dist_prereq" "make dist: reproducible, owner 0, one mtime, the last commit's files" t_dist_tarball
test_case "$dist_prereq" "the dist tarball builds and unit-tests without git, and packs to itself" t_dist_builds_alone
test_done
