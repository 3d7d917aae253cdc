#!/bin/bash
# Live suite: least privilege at run time. Once attached, the tool holds no
# capability in any of its threads and has set no_new_privs, in each mode
# (outliers with --stats -W -B, the summary, the exporter), and still
# reports the generator's waits; --keep-capabilities keeps them; started
# set-user-ID or with file capabilities it refuses to run.
SUITE=privileges
. "$(dirname "$0")/lib.sh"

# caps_of PID: each thread's "CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs"
caps_of() {
	local t
	for t in /proc/"$1"/task/*; do
		awk '/^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):/ { printf "%s%s", sep, $2; sep = " " } END { print "" }' "$t/status"
	done
}

# no_caps PID THREADS: at least THREADS threads, none with a capability
no_caps() {
	local threads
	caps_of "$1" > caps.txt
	threads=$(wc -l < caps.txt)
	[ "$threads" -ge "$2" ] || fail "$threads threads, expected $2: $(cat caps.txt)"
	awk '$1 != 0 || $2 != 0 || $3 != 0 || $4 != 0 || $5 != 0 || $6 != 1 { bad = 1 } END { exit bad }' caps.txt ||
		fail "capabilities (CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs) of each thread: $(cat caps.txt)"
	note "$threads threads, each: $(head -1 caps.txt) (CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs)"
}

t_outliers_drop() {
	start_tracer rqs -m hash --stats -W -B 10000
	no_caps "$tracer_pid" 1
	run_latgen gen -d 30 -n 5
	sleep 0.3
	stop_tracer "$tracer_pid"
	match_waits gen.out rqs.out "$waiter_tid"
	# --stats read the programs' run-time statistics (BPF_OBJ_GET_INFO_BY_FD)
	# and the hash map's entries after the drop
	grep -Eq '^stats: prog: sched_switch runs=[1-9][0-9]* run_ns=[1-9]' rqs.err ||
		fail "no sched_switch statistics: $(grep '^stats' rqs.err)"
	grep -q '^stats: storage: mode=hash' rqs.err || fail "no storage statistics: $(grep '^stats' rqs.err)"
	# (a loaded machine can fill the ring buffer: match_waits allowed only
	# the losses the tool counted, and the line that counts them is expected)
	[ -z "$(stderr_besides_missed rqs.err '^stats: |hash map entries left by exited threads|^runqslower-ts: [0-9]+ events lost( in all)?: ring buffer full$')" ] ||
		fail "stderr: $(cat rqs.err)"
}

t_summary_drop() {
	start_tracer rqs -s -i 1 --by comm --max-keys 65536 10000
	no_caps "$tracer_pid" 1
	run_latgen gen -d 30 -n 5
	# the histograms of each second and of the whole run, read from the
	# maps after the drop; the whole run's has the waiter's waits (and
	# perhaps others of it on a busy machine). On a loaded machine the
	# generator alone can take a second, so wait for two intervals' lines
	# rather than a fixed time.
	for _ in $(seq 100); do
		intervals=$(grep -c 'run-queue waits in the last 1 s:$' rqs.out || true)
		[ "$intervals" -ge 2 ] && break
		sleep 0.1
	done
	stop_tracer "$tracer_pid"
	match_waits gen.out rqs.out "$waiter_tid"
	intervals=$(grep -c 'run-queue waits in the last 1 s:$' rqs.out || true)
	[ "$intervals" -ge 2 ] || fail "$intervals interval histograms printed"
	n=$(awk '/run-queue waits, all / { all = 1 } all && /^comm = waiter$/ { on = 1; next }
		on && /^waits [0-9]+,/ { sub(/,/, "", $2); print $2; exit }' rqs.out)
	[ -n "$n" ] && [ "$n" -ge "$(wc -l < match.lines)" ] ||
		fail "the summary counts ${n:-no} waits of comm waiter, $(wc -l < match.lines) reported: $(tail -30 rqs.out)"
	note "$intervals interval histograms; the whole run's: $n waits of comm waiter, $(wc -l < match.lines) generated ones matched"
}

t_exporter_drop() {
	start_exporter rqs --by comm --max-keys 65536 10000
	# the exporter's thread starts after the drop: it has none either
	no_caps "$tracer_pid" 2
	run_latgen gen -d 30 -n 5
	sleep 0.3
	scrape_until "$port" '^runqslower_ts_wait_seconds_count{comm="waiter"}' page.txt
	stop_tracer "$tracer_pid"
	match_waits gen.out rqs.out "$waiter_tid"
	n=$(sed -n 's/^runqslower_ts_wait_seconds_count{comm="waiter"} \([0-9]*\)$/\1/p' page.txt)
	[ -n "$n" ] && [ "$n" -ge "$(wc -l < match.lines)" ] ||
		fail "the page counts ${n:-no} waits of comm waiter, $(wc -l < match.lines) reported: $(grep waiter page.txt)"
	note "page: $n waits of comm waiter, $(wc -l < match.lines) generated ones matched"
}

# self_signed DIR NAME: DIR/NAME.pem and DIR/NAME.key for 127.0.0.1
self_signed() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$1/$2.key" -out "$1/$2.pem" -subj "/CN=$2" -addext subjectAltName=IP:127.0.0.1 \
		2>> openssl.err || fail "openssl: $(cat openssl.err)"
}

# --web-config: the key, certificate and client CA are read before the drop,
# and served with after it, when the tool could no longer read them (a
# directory only their owner, nobody, may enter)
t_web_config_drop() {
	local code url
	mkdir -m 0700 secret
	self_signed secret srv
	self_signed . stranger
	cp secret/srv.pem ca.pem
	printf 'tls_server_config:\n  cert_file: srv.pem\n  key_file: srv.key\n  client_ca_file: srv.pem\n  client_auth_type: VerifyClientCertIfGiven\nbasic_auth_users:\n  prom: %s\n' \
		"$(python3 -W ignore -c 'import crypt; print(crypt.crypt("pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))')" \
		> secret/web.yml
	chmod 0400 secret/*
	chown -R 65534:65534 secret
	# root without capabilities cannot read them: the test means something
	! setpriv --bounding-set=-all cat secret/srv.key > /dev/null 2>&1 ||
		fail "root without capabilities read secret/srv.key"
	start_exporter rqs --no-outliers --web-config secret/web.yml
	no_caps "$tracer_pid" 2
	url="https://127.0.0.1:$port/metrics"
	grep -qx "Serving metrics on $url" rqs.out || fail "$(cat rqs.out)"
	code=$(curl -s -o page.txt -w '%{http_code}' --max-time 30 --cacert ca.pem -u prom:pw "$url" || true)
	[ "$code" = 200 ] && grep -q '^runqslower_ts_build_info{' page.txt || fail "with the password: HTTP $code"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --cacert ca.pem -u prom:wrong "$url" || true)
	[ "$code" = 401 ] || fail "with a wrong password: HTTP $code"
	# the client CA, held since the start: its certificate in, another out
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --cacert ca.pem -u prom:pw \
		--cert secret/srv.pem --key secret/srv.key "$url" || true)
	[ "$code" = 200 ] || fail "the CA's client certificate: HTTP $code"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --cacert ca.pem -u prom:pw \
		--cert stranger.pem --key stranger.key "$url" || true)
	[ "$code" = 403 ] || fail "another client certificate: HTTP $code"
	no_caps "$tracer_pid" 2
	stop_tracer "$tracer_pid"
	[ -z "$(stderr_besides_missed rqs.err)" ] || fail "stderr: $(cat rqs.err)"
}

t_keep_capabilities() {
	local mine
	mine=$(awk '/^(CapPrm|CapEff):/ { printf "%s ", $2 }' /proc/self/status)
	start_tracer rqs --keep-capabilities 10000
	caps_of "$tracer_pid" > caps.txt
	[ "$(awk '{ print $2, $3, $6 }' caps.txt)" = "${mine}0" ] ||
		fail "--keep-capabilities: $(cat caps.txt), the shell's CapPrm CapEff: $mine"
	stop_tracer "$tracer_pid"
}

# refused BINARY: run as nobody, it exits 1 with one line saying why
refused() {
	local rc=0
	# -d 3: were it not refused, it would end by itself
	timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups "$1" -d 3 10000 > out 2> err || rc=$?
	[ $rc = 1 ] || fail "$1 as nobody exited $rc: $(cat err)"
	[ "$(wc -l < err)" = 1 ] && grep -q '^runqslower-ts: refusing to run: started set-user-ID, set-group-ID or with file capabilities (AT_SECURE)' err ||
		fail "stderr: $(cat err)"
	[ ! -s out ] || fail "stdout: $(cat out)"
}

t_setuid_refused() {
	# a directory nobody can enter: no other user can run the copy meanwhile
	mkdir -m 711 bin
	cp "$RQS" bin/rqs
	chown root:root bin/rqs
	chmod 4755 bin/rqs
	[ -u bin/rqs ] || fail "cannot make a set-user-ID copy"
	findmnt -no OPTIONS -T bin | grep -qw nosuid && fail "$(pwd) is mounted nosuid"
	refused bin/rqs
	chmod 2755 bin/rqs
	refused bin/rqs
	# file capabilities instead, where the file system keeps them
	chmod 755 bin/rqs
	if setcap cap_bpf,cap_perfmon+ep bin/rqs 2> setcap.err; then
		refused bin/rqs
		note "refused set-user-ID, set-group-ID and with file capabilities $(getcap bin/rqs | cut -d' ' -f2)"
	else
		note "refused set-user-ID and set-group-ID; file capabilities not supported here: $(cat setcap.err)"
	fi
	# root running the plain copy is not refused
	chmod 755 bin/rqs
	setcap -r bin/rqs 2> /dev/null || true
	bin/rqs --version > /dev/null || fail "the plain copy does not run"
}

le32() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }

# Hash mode counts the entries of exited threads; once the capabilities are
# gone, and where /proc hides other users' tasks (systemd's
# ProtectProc=invisible: hidepid=invisible), a live task of another user
# must not count as exited.
t_hash_stale_hidden() {
	local target hidden map vsize caps=+bpf,+perfmon
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 300 & target=$!
	sleep 300 & hidden=$!
	bg_pids+=($target $hidden)
	for _ in 1 2 3 4 5; do sh -c 'echo $$' >> exited.tids; done
	unshare -m --propagation private sh -c 'mount -t proc -o hidepid=invisible proc /proc &&
		exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,'$caps' --ambient-caps=-all,'$caps' "$@"' \
		sh "$RQS" -m hash -p "$target" 1000000 > rqs.out 2> rqs.err &
	tracer_pid=$!
	bg_pids+=($tracer_pid)
	for _ in $(seq 100); do grep -q '^TIME' rqs.out && break; kill -0 $tracer_pid || break; sleep 0.1; done
	grep -q '^TIME' rqs.out || fail "the tracer did not start: $(cat rqs.err)"
	map=$(bpf_map_id_of "$tracer_pid" start)
	[ -n "$map" ] || fail "no 'start' map held by the tracer"
	vsize=$(bpftool map show id "$map" | sed -n 's/.* value \([0-9]*\)B.*/\1/p')
	for tid in $(cat exited.tids) $hidden; do
		bpftool map update id "$map" key hex $(le32 "$tid") value hex $(le32 12345) $(printf '00 %.0s' $(seq $((vsize - 4)))) ||
			fail "bpftool map update for TID $tid failed"
	done
	sleep 2
	stop_tracer "$tracer_pid"
	grep -qE '^runqslower-ts: 5 hash map entries left by exited threads \([0-9]+ entries in use\)$' rqs.err ||
		fail "not 5 entries of exited threads: $(cat rqs.err)"
	note "$(grep 'left by exited' rqs.err | tail -1)"
}

test_case ROOT,BTF "-m hash --stats -W -B: no capabilities after attach, waits and statistics right" t_outliers_drop
test_case ROOT,BTF,TASK_STORAGE "-s -i --by comm: no capabilities after attach, waits and summary right" t_summary_drop
test_case ROOT,BTF,TASK_STORAGE,CMD_curl "--metrics: no capabilities in any thread, waits and page right" t_exporter_drop
test_case ROOT,BTF,CMD_curl,CMD_openssl,CMD_python3,CMD_setpriv "--web-config: key, certificate and CA read before the drop, TLS and auth after it" t_web_config_drop
test_case ROOT,BTF,CMD_bpftool,CMD_setpriv,CMD_unshare "hash mode, no capabilities, hidepid=invisible: a hidden live task is not an exited one" t_hash_stale_hidden
test_case ROOT,BTF "--keep-capabilities keeps the capabilities it started with" t_keep_capabilities
test_case ROOT,CMD_setpriv,CMD_setcap "set-user-ID, set-group-ID or file capabilities: refused, exit 1" t_setuid_refused
test_done
