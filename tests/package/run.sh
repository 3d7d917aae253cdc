#!/bin/bash
# Packaging tests that need no root: man page, options, install, dist,
# reproducible builds.
SUITE=package
. "$(dirname "$0")/../live/lib.sh"

t_man_renders() {
	groff -man -ww -z "$TOP/man/runqslower-ts.8" 2> groff.err
	[ ! -s groff.err ] || fail "groff: $(cat groff.err)"
	mandoc -Tlint "$TOP/man/runqslower-ts.8" > mandoc.out 2>&1 || true
	[ ! -s mandoc.out ] || fail "mandoc: $(cat mandoc.out)"
}

# the options a text names: -x and --long-name
options_in() { grep -oE '(^|[^a-zA-Z0-9-])--?[a-zA-Z][a-z-]*' | sed 's/^[^-]*//' | sort -u; }

t_man_options_match_help() {
	"$RQS" --help | options_in > help.opts
	# roff escapes the dashes: \-\-stats
	sed 's/\\-/-/g; s/\\f[BIRP]//g' "$TOP/man/runqslower-ts.8" | sed -n '/^\.SH OPTIONS/,/^\.SH OUTPUT/p' | options_in > man.opts
	diff help.opts man.opts > opts.diff || fail "options differ between --help and the man page (< help, > man): $(cat opts.diff)"
	[ "$(wc -l < help.opts)" -ge 10 ] || fail "only $(wc -l < help.opts) options found in --help"
	note "$(wc -l < help.opts) options in both: $(tr '\n' ' ' < help.opts)"
}

t_install_uninstall() {
	make -C "$TOP" -s install DESTDIR="$PWD/root" prefix=/usr > install.log
	[ -x root/usr/sbin/runqslower-ts ] || fail "no usr/sbin/runqslower-ts: $(find root)"
	[ "$(stat -c %a root/usr/sbin/runqslower-ts)" = 755 ] || fail "binary mode $(stat -c %a root/usr/sbin/runqslower-ts)"
	[ "$(stat -c %a root/usr/share/man/man8/runqslower-ts.8)" = 644 ] || fail "no man page at usr/share/man/man8"
	[ "$(find root -type f | wc -l)" = 2 ] || fail "unexpected files: $(find root -type f)"
	make -C "$TOP" -s install DESTDIR="$PWD/local" > /dev/null
	[ -x local/usr/local/sbin/runqslower-ts ] && [ -f local/usr/local/share/man/man8/runqslower-ts.8 ] ||
		fail "default prefix is not /usr/local: $(find local -type f)"
	make -C "$TOP" -s install DESTDIR="$PWD/custom" prefix=/opt/r sbindir=/opt/r/bin mandir=/opt/r/man > /dev/null
	[ -x custom/opt/r/bin/runqslower-ts ] && [ -f custom/opt/r/man/man8/runqslower-ts.8 ] ||
		fail "sbindir/mandir not honoured: $(find custom -type f)"
	make -C "$TOP" -s uninstall DESTDIR="$PWD/root" prefix=/usr
	[ -z "$(find root -type f)" ] || fail "left after uninstall: $(find root -type f)"
}

t_packager_variables() {
	# CC, CFLAGS, CPPFLAGS, LDFLAGS reach the commands, appended to ours
	make -C "$TOP" -s -B -n V=1 CC=my-cc CFLAGS=-DMY_CFLAGS CPPFLAGS=-DMY_CPPFLAGS \
		LDFLAGS=-Wl,--my-ldflags > cmds.txt
	grep -q '^my-cc .*-Wall -Wextra.*-DMY_CFLAGS' cmds.txt || fail "CC/CFLAGS not used: $(grep -m1 ' -c src/' cmds.txt)"
	grep -q '^my-cc .*-DMY_CPPFLAGS.* -c src/main.c' cmds.txt || fail "CPPFLAGS not used"
	grep -q '^my-cc .*-Wl,--my-ldflags.* -o runqslower-ts' cmds.txt || fail "LDFLAGS not used at link"
	grep -q 'clang .*-ffile-prefix-map=' cmds.txt || fail "BPF objects not built with -ffile-prefix-map"
}

# dist_build DIR: unpack the dist tarball under DIR and build it there
dist_build() {
	mkdir -p "$1"
	tar -xzf "$TOP/runqslower-ts-$version.tar.gz" -C "$1"
	make -C "$1/runqslower-ts-$version" -s VMLINUX_FALLBACK=1 > "$1.log" 2>&1 || { cat "$1.log"; fail "build in $1 failed"; }
}

t_dist_builds_alone() {
	make -C "$TOP" -s dist
	version=$(sed -n 's/^#define RQS_VERSION "\(.*\)"/\1/p' "$TOP/src/version.h")
	tar -tzf "$TOP/runqslower-ts-$version.tar.gz" > list
	grep -qx "runqslower-ts-$version/debian/rules" list || fail "no debian/ in the tarball"
	! grep -q '/\.git/' list || fail ".git in the tarball"
	dist_build a
	[ ! -e "a/runqslower-ts-$version/.git" ] || fail "built from a git checkout"
	"a/runqslower-ts-$version/runqslower-ts" --version | grep -qx "runqslower-ts $version" ||
		fail "the built binary does not run"
	grep -q 'using the committed vmlinux/vmlinux_fallback.h' a.log || fail "fallback not announced: $(cat a.log)"
}

t_reproducible() {
	version=$(sed -n 's/^#define RQS_VERSION "\(.*\)"/\1/p' "$TOP/src/version.h")
	[ -f "$TOP/runqslower-ts-$version.tar.gz" ] || make -C "$TOP" -s dist
	export SOURCE_DATE_EPOCH=1764000000
	dist_build one
	dist_build elsewhere/two
	a=one/runqslower-ts-$version/runqslower-ts b=elsewhere/two/runqslower-ts-$version/runqslower-ts
	cmp "$a" "$b" || fail "binaries differ: $(cmp -l "$a" "$b" | wc -l) bytes"
	for o in runqslower_task.bpf.o runqslower_hash.bpf.o; do
		cmp "one/runqslower-ts-$version/build/$o" "elsewhere/two/runqslower-ts-$version/build/$o" || fail "$o differs"
	done
	note "both builds: sha256 $(sha256sum < "$a" | cut -c1-16)"
}

version=
test_case CMD_groff,CMD_mandoc "man page renders without warnings (groff -ww, mandoc -Tlint)" t_man_renders
test_case "" "man page OPTIONS and --help list the same options" t_man_options_match_help
test_case "" "make install/uninstall honour DESTDIR, prefix, sbindir, mandir" t_install_uninstall
test_case "" "CC, CFLAGS, CPPFLAGS, LDFLAGS, V=1 are honoured" t_packager_variables
test_case CMD_git "make dist tarball builds on its own" t_dist_builds_alone
test_case CMD_git "two builds in different directories are byte-identical" t_reproducible
test_done
