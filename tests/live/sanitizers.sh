#!/bin/bash
# The tool itself (RQS: an ASan/UBSan build, see make check-asan-live) on
# short live runs and on its error paths, and the normal build under
# valgrind (RQS_PLAIN) on the paths t_valgrind_clean in basic.sh does not take.
# Any sanitizer report, leak included, fails the test.
SUITE=sanitizers
. "$(dirname "$0")/lib.sh"
BPFFAULT=${BPFFAULT:-$TOP/build/bpffault}
RQS_PLAIN=${RQS_PLAIN:-$TOP/runqslower-ts}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99

clean_stderr() {
	! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: ' "$1" ||
		fail "sanitizer report: $(grep -E -A12 'ERROR|runtime error' "$1" | head -40)"
}

t_asan_runs() {
	local m
	for m in task hash; do
		start_tracer rqs-$m -m $m -P --stats 5000
		eval "pid_$m=$tracer_pid"
	done
	run_latgen gen -d 20 -n 3
	sleep 0.3
	for m in task hash; do
		eval "stop_tracer \$pid_$m"
		clean_stderr rqs-$m.err
		match_waits gen.out rqs-$m.out "$waiter_tid"
	done
	# every wait, and a reader that goes away
	set +e
	timeout 20 "$RQS" 0 2> err | head -3 > out
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" = 0 ] || fail "exit $rc when the reader closed the pipe: $(cat err)"
	clean_stderr err
}

t_asan_error_paths() {
	local spec rc
	# usage errors and the unprivileged path
	set +e
	"$RQS" -p 1 -t 2 > out 2> err; rc=$?
	set -e
	[ $rc = 2 ] || fail "usage error: exit $rc"; clean_stderr err
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$RQS" > out 2> err; rc=$?
	set -e
	[ $rc = 1 ] || fail "unprivileged: exit $rc: $(cat err)"; clean_stderr err
	# every refusal of faults.sh, now with leak checking
	while read -r want spec; do
		set +e
		# shellcheck disable=SC2086
		timeout 60 "$BPFFAULT" -l fault.log $spec -- "$RQS" 10000 > out 2> err
		rc=$?
		set -e
		clean_stderr err
		[ $rc = "$want" ] || fail "$spec: exit $rc: $(cat err)"
		note "$spec: $(head -1 err)"
	done <<-EOF
	1 -m task_storage -e ENOMEM
	1 -m ringbuf -e EINVAL
	1 -N handle_sched -e EPERM
	1 -N events -e ENOMEM
	1 -a trace_raw_tp -n 2 -e ENOMEM
	1 -c obj_get_info_by_fd -n 4 -e ENOMEM
	EOF
	# a fallback run and a prefill failure, stopped by SIGINT
	for spec in "-m task_storage -e EINVAL" "-c iter_create -e ENOMEM"; do
		# shellcheck disable=SC2086
		RQS="$BPFFAULT" start_tracer rqs $spec -l fault.log -- "$RQS" --stats 10000
		sleep 1
		stop_tracer "$tracer_pid"
		clean_stderr rqs.err
	done
}

# valgrind_run NAME ARGS...: the tool under valgrind (after bpffault's
# arguments if any) in the background; waits up to 30 s for its header
valgrind_run() {
	local name=$1
	shift
	"$@" > "$name.out" 2> "$name.err" &
	vg_pid=$!
	bg_pids+=($vg_pid)
	for _ in $(seq 300); do grep -q '^TIME ' "$name.out" && return 0; sleep 0.1; done
	fail "$name did not start under valgrind: $(cat "$name.err")"
}

t_valgrind_hash_and_fallback() {
	local vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
		--suppressions="$TOP/tests/live/valgrind.supp")
	for name in hash fallback; do
		if [ $name = hash ]; then
			valgrind_run hash "${vg[@]}" "$RQS_PLAIN" -m hash --stats 5000
		else
			valgrind_run fallback "$BPFFAULT" -m task_storage -e EINVAL -l fault.log -- "${vg[@]}" "$RQS_PLAIN" 5000
		fi
		run_latgen gen -d 20 -n 2
		sleep 0.5
		stop_tracer "$vg_pid" || fail "$name: $(grep '^==' $name.err | head -30)"
		bg_pids=()
		! grep -q '^==' $name.err || fail "valgrind ($name): $(grep '^==' $name.err | head)"
		match_waits gen.out $name.out "$waiter_tid"
	done
	# an error path: the ring buffer refused
	set +e
	"$BPFFAULT" -m ringbuf -e EINVAL -l fault2.log -- "${vg[@]}" "$RQS_PLAIN" 5000 > out 2> err
	rc=$?
	set -e
	[ $rc = 1 ] || fail "ring buffer refused under valgrind: exit $rc: $(cat err)"
	! grep -q '^==' err || fail "valgrind (error path): $(grep '^==' err | head)"
}

# An exporter whose keyed histogram stays empty: --by comm traced to a
# process that never wakes, so every page is built from no series at all
# (an empty map once reached qsort() with a null array)
empty_exporter_sanitized() {
	local sleeper e port
	sleep 600 &
	sleeper=$!
	bg_pids+=($sleeper)
	start_exporter asan-e --by comm -p "$sleeper" --no-outliers 5000
	e=$tracer_pid
	curl -s -o page-e.txt --max-time 10 "http://127.0.0.1:$port/metrics" || fail "ASan exporter with no series: no page"
	grep -q '^runqslower_ts_build_info' page-e.txt || fail "ASan exporter with no series, page: $(head -5 page-e.txt)"
	! grep -q '^runqslower_ts_wait_seconds_bucket{comm=' page-e.txt ||
		fail "a waits series for a process that never woke: $(grep -m1 comm= page-e.txt)"
	stop_tracer $e
	kill $sleeper
	wait $sleeper 2>/dev/null || true
	clean_stderr asan-e.err
}

# every option of the why-columns, JSON, the summary and the exporter: the
# ASan/UBSan build, then the normal build under valgrind
t_options_sanitized() {
	local port vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
		--suppressions="$TOP/tests/live/valgrind.supp")
	port=$(free_port) || fail "no free port"
	"$RQS" -j -W --cpu -B 3 --stats 5000 > asan-j.out 2> asan-j.err &
	a=$!
	bg_pids+=($a)
	"$RQS" --metrics "127.0.0.1:$port" --by cgroup -s -i 1 5000 > asan-m.out 2> asan-m.err &
	m=$!
	bg_pids+=($m)
	for _ in $(seq 300); do grep -q '"type":"start"\|^{' asan-j.out && grep -q '^Serving metrics' asan-m.out && break; sleep 0.1; done
	grep -q '^Serving metrics' asan-m.out || fail "ASan exporter did not start: $(cat asan-m.err)"
	empty_exporter_sanitized
	run_latgen gen -d 20 -n 2
	scrape_until "$port" '^runqslower_ts_wait_seconds_bucket' page.txt
	sleep 1.2
	stop_tracer $a
	stop_tracer $m
	bg_pids=()
	clean_stderr asan-j.err
	clean_stderr asan-m.err
	python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' asan-j.out ||
		fail "ASan -j output is not JSON Lines"
	grep -q "\"tid\":$waiter_tid" asan-j.out || fail "ASan -j did not report the waiter"
	valgrind_run vg "${vg[@]}" "$RQS_PLAIN" -W --cpu -B 3 -s 5000
	run_latgen gen2 -d 20 -n 2
	sleep 0.5
	stop_tracer "$vg_pid" || fail "valgrind: $(grep '^==' vg.err | head -30)"
	bg_pids=()
	! grep -q '^==' vg.err || fail "valgrind (-W --cpu -B -s): $(grep '^==' vg.err | head)"
	"${vg[@]}" "$RQS_PLAIN" -j -d 2 5000 > vgj.out 2> vgj.err || fail "valgrind -j -d 2: exit $?: $(grep '^==' vgj.err | head)"
	! grep -q '^==' vgj.err || fail "valgrind (-j): $(grep '^==' vgj.err | head)"
	note "ASan/UBSan: -j -W --cpu -B and --metrics --by cgroup -s -i clean; valgrind: -W --cpu -B -s and -j -d 2 clean"
}

# web_config_round NAME: against the exporter on $port, serving web.yml:
# no password, a wrong one, the right one three times (hashed once, then
# remembered), another authority's client certificate, plain HTTP
web_config_round() {
	local url="https://127.0.0.1:$port/metrics" code expect code_want opt u p
	for expect in 401:-u:prom:wrong 401:-H:X-None:1 200:-u:prom:pw 200:-u:prom:pw 200:-u:prom:pw; do
		IFS=: read -r code_want opt u p <<< "$expect"
		code=$(curl -s -o "$1.page" -w '%{http_code}' --max-time 60 --cacert srv.pem "$opt" "$u${p:+:$p}" "$url" || true)
		[ "$code" = "$code_want" ] || fail "$1: '$opt $u${p:+:$p}': HTTP $code, not $code_want"
	done
	grep -q '^runqslower_ts_build_info{' "$1.page" || fail "$1: page $(head -3 "$1.page")"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 --cacert srv.pem -u prom:pw \
		--cert stranger.pem --key stranger.key "$url" || true)
	[ "$code" = 403 ] || fail "$1: another authority's client certificate: HTTP $code"
	! curl -s -o /dev/null --max-time 60 "http://127.0.0.1:$port/metrics" || fail "$1: plain HTTP answered"
}

# --web-config (TLS, a client CA, users) and its refusals: the ASan/UBSan
# build; the normal build under valgrind on a refusal (the key checked on a
# throwaway daemon)
t_web_config_sanitized() {
	local vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
		--suppressions="$TOP/tests/live/valgrind.supp") rc
	for n in srv stranger; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
			-keyout $n.key -out $n.pem -subj /CN=$n -addext subjectAltName=IP:127.0.0.1 2>> openssl.err ||
			fail "openssl: $(cat openssl.err)"
	done
	printf 'tls_server_config:\n  cert_file: srv.pem\n  key_file: srv.key\n  client_ca_file: srv.pem\n  client_auth_type: VerifyClientCertIfGiven\nbasic_auth_users:\n  prom: %s\n  other: %s\n' \
		"$(python3 -W ignore -c 'import crypt; print(crypt.crypt("pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))')" \
		"$(python3 -W ignore -c 'import crypt; print(crypt.crypt("x", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32)))')" \
		> web.yml
	start_exporter asan --no-outliers --web-config web.yml 5000
	web_config_round asan
	stop_tracer "$tracer_pid"
	clean_stderr asan.err
	# refused before anything runs: a bad key, a key not the certificate's
	printf 'tls_server_config:\n  cert_file: srv.pem\n  key_file: srv.key\n  x: 1\n' > bad.yml
	printf 'tls_server_config:\n  cert_file: srv.pem\n  key_file: stranger.key\n' > mismatch.yml
	for f in bad mismatch; do
		set +e
		"$RQS" --metrics 127.0.0.1:1 --web-config $f.yml > $f.out 2> $f.err
		rc=$?
		set -e
		[ $rc = 2 ] || fail "ASan, $f.yml: exit $rc: $(cat $f.err)"
		clean_stderr $f.err
	done
	"${vg[@]}" "$RQS_PLAIN" --metrics 127.0.0.1:1 --web-config mismatch.yml > vgm.out 2> vgm.err && rc=0 || rc=$?
	[ $rc = 2 ] || fail "valgrind, mismatch.yml: exit $rc: $(head vgm.err)"
	! grep -q '^==' vgm.err || fail "valgrind (mismatch.yml): $(grep '^==' vgm.err | head)"
	note "ASan/UBSan: HTTPS with users and a client CA, 401, 403, remembered passwords, two refusals clean; valgrind: a refusal clean"
}

test_case ROOT,BTF,TASK_STORAGE,MULTICPU "ASan/UBSan build: task and hash runs, a closed pipe" t_asan_runs
test_case ROOT,BTF,CMD_setpriv "ASan/UBSan build: usage, privilege and kernel-refusal error paths leak nothing" t_asan_error_paths
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,VALGRIND "valgrind: hash mode, the auto fallback, a refusal" t_valgrind_hash_and_fallback
test_case ROOT,BTF,TASK_STORAGE,MULTICPU,VALGRIND,CMD_curl,CMD_python3,CMD_ss "ASan/UBSan and valgrind with -j, -W, --cpu, -B, -s, -i, --metrics" t_options_sanitized
test_case ROOT,BTF,VALGRIND,CMD_curl,CMD_python3,CMD_openssl "ASan/UBSan with --web-config: TLS, users, client CA, refusals; valgrind: a refusal" t_web_config_sanitized
test_done
