#!/bin/bash
# make vmtest: the same static binary on Debian's 6.1, 6.1 PREEMPT_RT and
# 6.12 kernels under QEMU (TCG: no KVM needed), booted with preempt=full so
# that tasks are preempted in kernel mode, and natively on the running
# kernel; tests/kernels/check.sh decides. TAP on stdout.
# run.sh x86-more (make vmtest-more): the same on bullseye's 5.10 and sid's
# 7.2 and 7.2 PREEMPT_RT; VMTEST_SET=all (make vmtest): both sets at once.
# run.sh arm64 (make vmtest-arm64): the cross-built static binary on
# Debian's arm64 6.1 and 6.12 kernels and sid's 7.2, qemu-system-aarch64 -M virt -cpu max.
#   VMTEST_CACHE   where kernels are kept (default /var/cache/runqslower-ts-vmtest)
#   VMTEST_TIMEOUT seconds a boot may take (default 300; one takes 7-40 s
#                  on x86-64, 9-40 s on arm64, and a hang inside a check
#                  ends it in at most 3 min)
#   VMTEST_KERNELS regex of the labels to boot (by hand; default all)
#   SCX_SIMPLE     a static scx_simple (the kernel's tools/sched_ext example
#                  scheduler) for the scx-task and scx-hash checks, which
#                  rerun the truth checks under it on kernels with sched_ext
#                  (make vmtest-more builds it with tests/kernels/build-scx.sh;
#                  without it they are skipped, a failure under CI=true)
set -uo pipefail
cd "$(dirname "$0")/../.."
TOP=$PWD
ARCH=${1:-x86}
CACHE=${VMTEST_CACHE:-/var/cache/runqslower-ts-vmtest}
TIMEOUT=${VMTEST_TIMEOUT:-300}
SET=base
[ "$ARCH" = x86 ] && [ "${VMTEST_SET:-}" = all ] && SET=all
[ "$ARCH" = x86-more ] && ARCH=x86 SET=more
case $ARCH in
x86) OUT=$TOP/build/static LOGS=$TOP/build/vmtest
     case $SET in
     base) labels="6.1 6.1-rt 6.12 native" ;;
     more) labels="5.10 7.2 7.2-rt" LOGS=$TOP/build/vmtest-more ;;
     all) labels="6.1 6.1-rt 6.12 5.10 7.2 7.2-rt native" ;;
     esac
     QEMU=qemu-system-x86_64 MACHINE=(-cpu max) CONSOLE=ttyS0 ;;
# pauth-impdef: -cpu max's pointer authentication with QEMU's cheap
# algorithm instead of the architected QARMA, which is slow to emulate
arm64) OUT=$TOP/build/static-arm64 LOGS=$TOP/build/vmtest-arm64 labels="arm64-6.1 arm64-6.12 arm64-7.2"
       QEMU=qemu-system-aarch64 MACHINE=(-M virt -cpu max,pauth-impdef=on) CONSOLE=ttyAMA0 ;;
*) echo "usage: $0 [x86|x86-more|arm64]" >&2; exit 2 ;;
esac
RQS=$OUT/runqslower-ts
LATGEN=$OUT/latgen
QWAKE=$OUT/qwake
STORM=$OUT/storm
SLEEPERS=$OUT/sleepers
n=0 failed=0 skipped=0
mkdir -p "$LOGS"

tap() { # tap ok|not-ok|skip DESC
	n=$((n + 1))
	case $1 in
	ok) echo "ok $n - $2" ;;
	skip) echo "ok $n - $2 # SKIP ${3:-}"; skipped=$((skipped + 1)) ;;
	*) echo "not ok $n - $2"; failed=$((failed + 1)) ;;
	esac
}

# report LABEL FILE [WHY]: one TAP line per mode from the VMTEST lines in
# FILE (WHY: why a mode may have no line), then any VMDIAG lines (where a
# hung process was) as comments. A mode the kernel cannot have ("n/a:") is
# a SKIP, and so is one missing an input ("SKIP:"), which fails under
# CI=true.
report() {
	local mode line
	for mode in task hash auto load-task load-hash queued-task queued-hash throttled scx-task scx-hash; do
		line=$(grep -a "^VMTEST [^ ]* $mode " "$2" | head -1 | tr -d '\r')
		if [ -z "$line" ]; then
			tap not-ok "$1 $mode: no result${3:+, $3} (see $2)"
		elif [[ $line == *" $mode ok"* ]]; then
			tap ok "$1 $mode: ${line#VMTEST }"
		elif [[ $line == *" $mode n/a: "* ]]; then
			# what this kernel (or the host) cannot have: counted, under
			# CI too, never passed as run
			tap skip "$1 $mode" "not applicable: ${line#* n/a: }"
		elif [[ $line == *" $mode SKIP: "* ]] && [ "${CI:-}" != true ]; then
			tap skip "$1 $mode" "${line#* SKIP: }"
		else
			tap not-ok "$1 $mode: ${line#VMTEST }"
		fi
	done
	grep -a '^VMDIAG ' "$2" | tr -d '\r' | sed 's/^VMDIAG /#   /'
}

# crash_lines LOG: a dead guest's kernel messages worth reading (an oops,
# a panic, where it was), else its last lines, as TAP comments
crash_lines() {
	{ grep -a -E 'Oops|BUG|panic|RIP:|Call Trace|^ *\[ *[0-9.]+\]  [a-z_]+\+0x' "$1" || tail -5 "$1"; } |
		head -12 | tr -d '\r' | sed 's/^/#     /'
}

# hung_where LOG: in which check a guest that hung was, and the first
# thing its kernel said of it (a soft lockup, an RCU stall, an oops)
hung_where() {
	local at said
	at=$(grep -a '^VMSTEP ' "$1" | tail -1 | tr -d '\r' | awk '{ print $3 " check, begun at " $4 " s of uptime" }')
	said=$(grep -a -m1 -E 'soft lockup|rcu.*stall|hung_task|Oops|BUG|panic' "$1" | tr -d '\r' | cut -c1-160)
	if [ -n "$at" ]; then echo "in the $at${said:+; its kernel: $said}"; else echo "before the checks${said:+; its kernel: $said}"; fi
}

missing=
for cmd in $QEMU cpio gzip apt-get apt-cache dpkg-deb; do
	command -v "$cmd" > /dev/null || missing="$missing $cmd"
done
if [ "$ARCH" = x86 ]; then
	[ -x /bin/busybox ] && /bin/busybox --list > /dev/null 2>&1 || missing="$missing busybox-static"
else
	# what make vmtest-arm64 needs to build them (else it builds nothing)
	cross=${ARM64_CROSS_COMPILE:-aarch64-linux-gnu-}
	command -v "${cross}gcc" > /dev/null || missing="$missing ${cross}gcc"
	"${cross}pkg-config" --exists libbpf 2> /dev/null || missing="$missing libbpf-dev:arm64"
	dpkg --print-foreign-architectures 2> /dev/null | grep -qx arm64 || missing="$missing dpkg-architecture-arm64"
fi
[ "$(id -u)" = 0 ] || missing="$missing root"
if [ -n "$missing" ]; then
	for k in $labels; do
		if [ "${CI:-}" = true ]; then
			tap not-ok "$k: missing$missing, and CI=true requires the kernel matrix to run"
		else
			tap skip "$k" "missing$missing"
		fi
	done
	echo "1..$n"
	echo "# SKIPPED: $skipped kernel matrix tests did not run"
	echo "# kernels: 0 passed, $failed failed, $skipped skipped"
	[ $failed = 0 ]
	exit
fi

# the initramfs: busybox, the static tool and generators, the checks
busybox=/bin/busybox
if [ "$ARCH" != x86 ] && ! busybox=$(tests/kernels/fetch.sh --busybox "$CACHE" "$ARCH" 2> "$LOGS/fetch.err"); then
	for k in $labels; do tap not-ok "$k: cannot fetch busybox-static: $(tail -1 "$LOGS/fetch.err")"; done
	echo "1..$n"
	exit 1
fi
root=$LOGS/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp "$busybox" "$root/bin/busybox"
cp "$RQS" "$root/runqslower-ts"
cp "$LATGEN" "$root/latgen"
cp "$QWAKE" "$root/qwake"
cp "$STORM" "$root/storm"
cp "$SLEEPERS" "$root/sleepers"
cp tests/tools/qwake-match.awk "$root/qwake-match.awk"
cp tests/kernels/check.sh "$root/check.sh"
# a sched_ext scheduler for the scx checks, when given (a static build of
# the kernel's tools/sched_ext/scx_simple; nothing builds it here)
[ -z "${SCX_SIMPLE:-}" ] || cp "$SCX_SIMPLE" "$root/scx_simple"
cp tests/kernels/init "$root/init"
( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -n -1 ) > "$LOGS/initramfs.cpio.gz"

started=$SECONDS
if ! kernels=$(tests/kernels/fetch.sh "$CACHE" "$ARCH" $SET 2> "$LOGS/fetch.err"); then
	for k in ${labels% native}; do tap not-ok "$k: cannot fetch kernels: $(tail -1 "$LOGS/fetch.err")"; done
	kernels=
fi
while read -r label version vmlinuz; do
	[ -n "$label" ] || continue
	# VMTEST_KERNELS=regex (by hand): boot only the labels it matches
	if [ -n "${VMTEST_KERNELS:-}" ] && ! [[ $label =~ ^(${VMTEST_KERNELS})$ ]]; then
		tap skip "$label" "not in VMTEST_KERNELS=$VMTEST_KERNELS"
		continue
	fi
	log=$LOGS/$label.log
	# A guest whose kernel dies before /init has begun, so before anything
	# of ours has run, is booted again, at most twice, and says so: under
	# TCG a guest can oops in its own boot-time code patching (6.12 hit an
	# int3 in sched_clock_cpu() while marking sched_clock stable, about one
	# boot in ten). A guest that dies after VMTEST BEGIN is a failure. A
	# guest that hangs is booted again once, with what its kernel said and
	# the check it hung in printed; a second hang is a failure.
	hung= hangs=0
	for boot in 1 2 3; do
		t0=$SECONDS
		timeout "$TIMEOUT" "$QEMU" -accel tcg "${MACHINE[@]}" -smp 2 -m 1024 \
			-nodefaults -display none -no-reboot -serial stdio \
			-kernel "$vmlinuz" -initrd "$LOGS/initramfs.cpio.gz" \
			-append "console=$CONSOLE panic=-1 quiet mitigations=off preempt=full" < /dev/null > "$log" 2>&1
		rc=$?
		echo "# $label ($version): boot and checks took $((SECONDS - t0)) s"
		if [ $rc = 124 ]; then
			hung="the boot timed out after $TIMEOUT s $(hung_where "$log")"
			echo "#   $label: $hung (boot $boot); what it printed last:"
			crash_lines "$log"
			cp "$log" "$log.boot$boot"
			hangs=$((hangs + 1))
			[ $boot -lt 3 ] && [ $hangs -lt 2 ] || break
			echo "#   $label: booted again"
			continue
		fi
		[ $boot -lt 3 ] && ! grep -aq '^VMTEST BEGIN' "$log" || break
		echo "#   $label: the guest kernel died before the checks began (boot $boot), booted again; what it printed:"
		crash_lines "$log"
		cp "$log" "$log.boot$boot"
	done
	if [ $rc = 124 ]; then
		report "$label" "$log" "$hung"
		continue
	fi
	report "$label" "$log"
	# a guest that stopped early: what its kernel said last
	grep -aq '^VMTEST END' "$log" || crash_lines "$log"
done <<< "$kernels"

if [ "$ARCH" = x86 ] && [ "$SET" != more ]; then
	log=$LOGS/native.log
	sh tests/kernels/check.sh "$RQS" "$LATGEN" "$(uname -r)" "$QWAKE" tests/tools/qwake-match.awk > "$log" 2>&1
	report "native" "$log"
fi

echo "1..$n"
echo "# kernel matrix took $((SECONDS - started)) s"
[ $skipped = 0 ] || echo "# SKIPPED: $skipped kernel matrix tests did not run"
echo "# kernels: $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
