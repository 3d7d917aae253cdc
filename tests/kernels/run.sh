#!/bin/bash
# make vmtest: the same static binary on Debian's 6.1, 6.1 PREEMPT_RT and
# 6.12 kernels under QEMU (TCG: no KVM needed), booted with preempt=full so
# that tasks are preempted in kernel mode, and natively on the running
# kernel; tests/kernels/check.sh decides. TAP on stdout.
#   VMTEST_CACHE   where kernels are kept (default /var/cache/runqslower-ts-vmtest)
#   VMTEST_TIMEOUT seconds a boot may take (default 600; one takes 7-40 s,
#                  and a hang inside a check ends it in at most 3 min)
#   VMTEST_KERNELS regex of the labels to boot (by hand; default all)
set -uo pipefail
cd "$(dirname "$0")/../.."
TOP=$PWD
RQS=$TOP/build/static/runqslower-ts
LATGEN=$TOP/build/static/latgen
QWAKE=$TOP/build/static/qwake
CACHE=${VMTEST_CACHE:-/var/cache/runqslower-ts-vmtest}
TIMEOUT=${VMTEST_TIMEOUT:-600}
LOGS=$TOP/build/vmtest
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
# hung process was) as comments
report() {
	local mode line
	for mode in task hash auto queued-task queued-hash; do
		line=$(grep -a "^VMTEST [^ ]* $mode " "$2" | head -1 | tr -d '\r')
		if [ -z "$line" ]; then
			tap not-ok "$1 $mode: no result${3:+, $3} (see $2)"
		elif [[ $line == *" $mode ok"* ]]; then
			tap ok "$1 $mode: ${line#VMTEST }"
		else
			tap not-ok "$1 $mode: ${line#VMTEST }"
		fi
	done
	grep -a '^VMDIAG ' "$2" | tr -d '\r' | sed 's/^VMDIAG /#   /'
}

missing=
for cmd in qemu-system-x86_64 cpio gzip apt-get dpkg-deb; do
	command -v "$cmd" > /dev/null || missing="$missing $cmd"
done
[ -x /bin/busybox ] && /bin/busybox --list > /dev/null 2>&1 || missing="$missing busybox-static"
[ "$(id -u)" = 0 ] || missing="$missing root"
if [ -n "$missing" ]; then
	for k in 6.1 6.1-rt 6.12 native; do
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

# the initramfs: busybox, the static tool and generator, the checks
root=$LOGS/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$root/bin/busybox"
cp "$RQS" "$root/runqslower-ts"
cp "$LATGEN" "$root/latgen"
cp "$QWAKE" "$root/qwake"
cp tests/tools/qwake-match.awk "$root/qwake-match.awk"
cp tests/kernels/check.sh "$root/check.sh"
cp tests/kernels/init "$root/init"
( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -n -1 ) > "$LOGS/initramfs.cpio.gz"

started=$SECONDS
if ! kernels=$(tests/kernels/fetch.sh "$CACHE" 2> "$LOGS/fetch.err"); then
	for k in 6.1 6.1-rt 6.12; do tap not-ok "$k: cannot fetch kernels: $(tail -1 "$LOGS/fetch.err")"; done
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
	t0=$SECONDS
	timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024 \
		-nodefaults -display none -no-reboot -serial stdio \
		-kernel "$vmlinuz" -initrd "$LOGS/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet mitigations=off preempt=full" < /dev/null > "$log" 2>&1
	rc=$?
	echo "# $label ($version): boot and checks took $((SECONDS - t0)) s"
	if [ $rc = 124 ]; then
		echo "#   $label: the boot timed out after $TIMEOUT s; its last console lines:"
		tail -3 "$log" | tr -d '\r' | sed 's/^/#     /'
		report "$label" "$log" "the boot timed out after $TIMEOUT s"
		continue
	fi
	report "$label" "$log"
done <<< "$kernels"

log=$LOGS/native.log
sh tests/kernels/check.sh "$RQS" "$LATGEN" "$(uname -r)" "$QWAKE" tests/tools/qwake-match.awk > "$log" 2>&1
report "native" "$log"

echo "1..$n"
echo "# kernel matrix took $((SECONDS - started)) s"
[ $skipped = 0 ] || echo "# SKIPPED: $skipped kernel matrix tests did not run"
echo "# kernels: $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
