#!/bin/bash
# The exporter's systemd unit: systemd-analyze verify and security, the
# packaging that installs it without enabling it, and (as root, with BPF)
# the unit's ExecStart run with exactly the unit's capabilities. TAP.
SUITE=systemd
. "$(dirname "$0")/../live/lib.sh"

UNIT=$TOP/systemd/runqslower-ts.service

# the unit with ExecStart on the binary under test and PORT for its port
unit_for_test() {
	sed "s|^ExecStart=/usr/sbin/runqslower-ts |ExecStart=$RQS |; s|127.0.0.1:9548|127.0.0.1:$1|" "$UNIT"
}

t_verify() {
	# Documentation= names the man page, not installed here
	unit_for_test 9548 > runqslower-ts.service
	systemd-analyze verify --man=no "$PWD/runqslower-ts.service" > verify.out 2>&1 ||
		fail "systemd-analyze verify: $(cat verify.out)"
	[ ! -s verify.out ] || fail "systemd-analyze verify: $(cat verify.out)"
	# and it does complain about a unit with a mistake
	sed 's/^ProtectSystem=strict/ProtectSystem=stric/' runqslower-ts.service > broken.service
	systemd-analyze verify --man=no "$PWD/broken.service" > broken.out 2>&1 || true
	grep -qi 'protect system value' broken.out || fail "verify accepts ProtectSystem=stric: $(cat broken.out)"
}

t_least_privilege() {
	local exposure
	grep -qx 'CapabilityBoundingSet=CAP_BPF CAP_PERFMON' "$UNIT" || fail "bounding set"
	grep -qx 'AmbientCapabilities=CAP_BPF CAP_PERFMON' "$UNIT" || fail "ambient set"
	for d in DynamicUser=yes NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateDevices=yes \
		ProtectKernelTunables=yes ProtectKernelModules=yes ProtectControlGroups=yes; do
		grep -qx "$d" "$UNIT" || fail "no $d"
	done
	grep -q '^ExecStart=/usr/sbin/runqslower-ts --metrics 127.0.0.1:' "$UNIT" || fail "not on 127.0.0.1 by default"
	for d in ProtectProc=invisible ProcSubset=pid PrivateMounts=yes IPAddressDeny=any IPAddressAllow=localhost \
		'RestrictAddressFamilies=AF_INET AF_INET6'; do
		grep -qx "$d" "$UNIT" || fail "no $d"
	done
	grep -qE '^MemoryMax=[0-9]+[KMG]$' "$UNIT" || fail "no MemoryMax="
	mkdir -p root/lib/systemd/system
	cp "$UNIT" root/lib/systemd/system/
	systemd-analyze security --offline=yes --root="$PWD/root" runqslower-ts.service > security.out 2>&1 || true
	exposure=$(sed -n 's/.*Overall exposure level for runqslower-ts.service: \([0-9.]*\).*/\1/p' security.out)
	[ -n "$exposure" ] || fail "no exposure level: $(tail -3 security.out)"
	note "systemd-analyze security: exposure $exposure (0 safest, 10 unsafe)"
	awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }' || fail "exposure $exposure over 1.5"
}

t_packaging_installs_not_enables() {
	grep -q '^	install -D -m 644 systemd/runqslower-ts.service debian/runqslower-ts/lib/systemd/system/runqslower-ts.service$' \
		"$TOP/debian/rules" || fail "debian/rules does not install the unit"
	grep -q 'dh_installsystemd --no-enable --no-start' "$TOP/debian/rules" || fail "debian enables or starts it"
	grep -q '^install -D -m 644 systemd/runqslower-ts.service %{buildroot}%{_unitdir}/runqslower-ts.service$' \
		"$TOP/runqslower-ts.spec" || fail "the spec does not install the unit"
	grep -q '^%{_unitdir}/runqslower-ts.service$' "$TOP/runqslower-ts.spec" || fail "not in %files"
	# %systemd_post applies the preset: disabled unless the distribution enables it
	grep -q '^%systemd_post runqslower-ts.service$' "$TOP/runqslower-ts.spec" || fail "no %systemd_post"
}

# Run ExecStart as an unprivileged user with the unit's capabilities only:
# it must serve; with either capability dropped it must refuse.
t_unit_capabilities_suffice() {
	local port caps exec pid
	port=$((20000 + RANDOM % 40000))
	exec=$(unit_for_test "$port" | sed -n 's/^ExecStart=//p')
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$UNIT" | tr 'A-Z ' 'a-z,' | sed 's/cap_//g')
	# shellcheck disable=SC2086
	setpriv --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all,+${caps//,/,+} \
		--inh-caps=-all,+${caps//,/,+} --ambient-caps=-all,+${caps//,/,+} $exec > out 2> err &
	pid=$!
	bg_pids+=($pid)
	for _ in $(seq 100); do grep -q '^Serving metrics' out && break; kill -0 $pid || break; sleep 0.1; done
	grep -q '^Serving metrics' out || fail "with $caps only: $(cat err)"
	sleep 1.2 # a page older than a second is rendered anew for the scrape
	curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | grep -q '^runqslower_ts_wait_seconds_count{cgroup="/"} [1-9]' ||
		fail "no histogram served with $caps only"
	kill -TERM $pid
	wait $pid || fail "exit $? on SIGTERM"
	bg_pids=()
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
	for c in ${caps//,/ }; do
		set +e
		# shellcheck disable=SC2086
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+$c --ambient-caps=-all,+$c $exec > out 2> err
		rc=$?
		set -e
		[ $rc = 1 ] && grep -q 'permission denied' err || fail "with only $c: exit $rc, $(cat err)"
	done
	note "serves as nobody with $caps; each alone is refused"
}

# ProtectProc=invisible, ProcSubset=pid and PrivateMounts=yes as systemd
# sets them up (a private mount namespace whose /proc is mounted
# hidepid=invisible,subset=pid), and MemoryMax= as a memory cgroup's limit:
# ExecStart serves there as nobody with the unit's capabilities, and holds
# none once attached. (IPAddressDeny= needs systemd's own BPF: verified by
# systemd-analyze only.)
t_unit_sandbox_suffices() {
	local port exec caps pid max memcg= peak= root
	port=$((20000 + RANDOM % 40000))
	exec=$(unit_for_test "$port" | sed -n 's/^ExecStart=//p')
	caps=+$(sed -n 's/^AmbientCapabilities=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g')
	max=$(numfmt --from=iec "$(sed -n 's/^MemoryMax=//p' "$UNIT")")
	root=$(cgroup2_mount || true)
	if [ -n "$root" ] && grep -qw memory "$root/cgroup.subtree_control" 2> /dev/null; then
		memcg=$root/rqs-memmax.$$
		mkdir "$memcg"
		echo "$max" > "$memcg/memory.max"
	elif [ -w /sys/fs/cgroup/memory/cgroup.procs ]; then
		memcg=/sys/fs/cgroup/memory/rqs-memmax.$$
		mkdir "$memcg"
		echo "$max" > "$memcg/memory.limit_in_bytes"
	fi
	# shellcheck disable=SC2086
	( [ -z "$memcg" ] || echo $BASHPID > "$memcg/cgroup.procs"
	  exec unshare -m --propagation private sh -c 'mount -t proc -o hidepid=invisible,subset=pid proc /proc &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,'"$caps"' --ambient-caps=-all,'"$caps"' "$@"' \
		sh $exec ) > out 2> err &
	pid=$!
	bg_pids+=($pid)
	for _ in $(seq 100); do grep -q '^Serving metrics' out && break; kill -0 $pid || break; sleep 0.1; done
	grep -q '^Serving metrics' out || fail "in the sandbox: $(cat err)"
	grep ' /proc ' /proc/$pid/mountinfo | grep -q 'hidepid=invisible,subset=pid' ||
		fail "not the sandbox's /proc: $(grep ' /proc ' /proc/$pid/mountinfo)"
	for t in /proc/$pid/task/*; do
		grep -qx 'CapEff:	0000000000000000' $t/status && grep -qx 'CapPrm:	0000000000000000' $t/status &&
			grep -qx 'CapAmb:	0000000000000000' $t/status && grep -qx 'NoNewPrivs:	1' $t/status ||
			fail "thread ${t##*/} still holds: $(grep -E '^Cap|NoNew' $t/status | tr '\n' ' ')"
	done
	sleep 1.2
	curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | grep -q '^runqslower_ts_wait_seconds_count{cgroup="/"} [1-9]' ||
		fail "no histogram served in the sandbox"
	kill -TERM $pid
	wait $pid || fail "exit $? on SIGTERM: $(cat err)"
	bg_pids=()
	[ -z "$(stderr_besides_missed err)" ] || fail "stderr: $(cat err)"
	if [ -n "$memcg" ]; then
		peak=$(cat "$memcg/memory.peak" 2> /dev/null || cat "$memcg/memory.max_usage_in_bytes")
		rmdir "$memcg"
		[ "$peak" -lt "$max" ] || fail "peak memory $peak over MemoryMax=$max"
		note "served in the sandbox; peak memory $((peak / 1024)) KiB, MemoryMax=$((max / 1024)) KiB"
	else
		note "served in the sandbox; no memory cgroup to emulate MemoryMax= in"
	fi
}

# every group of a syscall filter, expanded
filter_syscalls() {
	systemd-analyze syscall-filter "$1" | sed -n '2,$p' | sed 's/^ *//; s/ *#.*//' | grep -v '^$' |
		while read -r x; do case $x in @*) filter_syscalls "$x" ;; *) echo "$x" ;; esac; done
}

# SystemCallFilter= allows every system call the exporter makes, under
# strace: starting, a scrape, -i output, a cgroup rescan, SIGTERM.
t_syscall_filter_suffices() {
	local port exec allowed pid
	port=$((20000 + RANDOM % 40000))
	exec=$(unit_for_test "$port" | sed -n 's/^ExecStart=//p')
	# shellcheck disable=SC2086
	strace -f -qq -o trace.txt $exec -i 1 > out 2> err &
	pid=$!
	bg_pids+=($pid)
	for _ in $(seq 150); do grep -q '^Serving metrics' out && break; sleep 0.1; done
	grep -q '^Serving metrics' out || fail "did not start under strace: $(cat err)"
	mkdir "$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/rqs-strace.$$"
	sleep 1.2
	curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$port/metrics"
	rmdir "$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/rqs-strace.$$"
	kill -TERM "$(pgrep -P $pid)"
	wait $pid || true
	bg_pids=()
	sed -E 's/^[0-9]+ +//; s/\(.*//' trace.txt | grep -E '^[a-z_0-9]+$' | sort -u > used
	allowed=$(sed -n 's/^SystemCallFilter=//p' "$UNIT")
	for f in $allowed; do case $f in @*) filter_syscalls "$f" ;; *) echo "$f" ;; esac; done | sort -u > allowed
	# and every socket's family in RestrictAddressFamilies=
	sed -n 's/^[0-9]* *socket(\(AF_[A-Z0-9]*\),.*/\1/p' trace.txt | sort -u > families
	for f in $(cat families); do
		grep -q "^RestrictAddressFamilies=.*\b$f\b" "$UNIT" || fail "RestrictAddressFamilies= denies $f"
	done
	comm -23 used allowed > denied
	[ ! -s denied ] || fail "SystemCallFilter=$allowed denies: $(tr '\n' ' ' < denied)"
	note "$(wc -l < used) distinct system calls made, all in SystemCallFilter=$allowed"
}

test_case CMD_systemd-analyze "systemd-analyze verify: the unit is clean" t_verify
test_case CMD_systemd-analyze "least privilege: CAP_BPF and CAP_PERFMON, sandboxed, exposure <= 1.5" t_least_privilege
test_case "" "debian/ and the RPM install the unit, not enabled" t_packaging_installs_not_enables
test_case ROOT,BTF,CMD_setpriv,CMD_curl "the unit's ExecStart serves with only its capabilities" t_unit_capabilities_suffice
test_case ROOT,BTF,CMD_setpriv,CMD_unshare,CMD_curl,CMD_numfmt "ProtectProc=invisible, ProcSubset=pid, PrivateMounts=, MemoryMax=: ExecStart serves, no capabilities kept" t_unit_sandbox_suffices
test_case ROOT,BTF,CMD_strace,CMD_curl,CMD_systemd-analyze "SystemCallFilter= allows every system call the exporter makes" t_syscall_filter_suffices
test_done
