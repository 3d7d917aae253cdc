#!/bin/bash
# What the live suites that make cgroup v2 directories and run a real
# Prometheus share (summary.sh, blame.sh, pods.sh, exemplars.sh); sourced
# after lib.sh.

# the cgroup v2 mount (on this hybrid layout not /sys/fs/cgroup); the
# suites' CGROUP2 prerequisite is lib.sh's
cgroup2_root() { cgroup2_mount; }

# the cgroups the tests made (each test runs in a subshell: a file, not a
# variable), removed when the suite ends, after the processes are gone
CGROUPS_MADE=$TEST_TMP/cgroups-made
cleanup_cgroups_made() {
	local cg p
	cleanup_cgroups=$(cat "$CGROUPS_MADE" 2> /dev/null)
	cleanup
	for cg in $cleanup_cgroups; do
		[ -d "$cg" ] || continue
		# what a test's unprivileged user left below it
		find "$cg" -mindepth 1 -depth -type d -exec rmdir {} + 2> /dev/null
		# stragglers go back to the root, then the cgroup goes
		while read -r p; do echo "$p" > "$(dirname "$cg")/cgroup.procs" 2> /dev/null; done < "$cg/cgroup.procs"
		rmdir "$cg" 2> /dev/null || echo "# could not remove $cg" >&2
	done
}
trap cleanup_cgroups_made EXIT

# make_cgroup: a new v2 cgroup directly under the root; $cg_path is its path
# relative to the mount, $cg_dir the directory
make_cgroup() {
	cg_path=/rqs-test.$$.$RANDOM
	cg_dir=$(cgroup2_root)$cg_path
	mkdir "$cg_dir"
	echo "$cg_dir" >> "$CGROUPS_MADE"
}

# prom_query PROMPORT QUERY: the value of a one-element instant vector
prom_query() {
	curl -s --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" > q.json ||
		fail "query failed: $2"
	grep -q '"status":"success"' q.json || fail "query $2: $(cat q.json)"
	sed -n 's/.*"value":\[[0-9.e+]*,"\([^"]*\)"\].*/\1/p' q.json
}

# prom_config JOB=PORT...: prom.yml for a Prometheus that scrapes each JOB
# at 127.0.0.1:PORT, and evaluates its rules, every second
prom_config() {
	local j
	{
		printf 'global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n'
		for j in "$@"; do
			printf '  - job_name: %s\n    static_configs:\n      - targets: [%s]\n' \
				"${j%%=*}" "'127.0.0.1:${j#*=}'"
		done
	} > prom.yml
}

# start_prometheus PROMPORT [ARGS...]: a real Prometheus on prom.yml, its
# API on PROMPORT, with ARGS; $prom is its pid
start_prometheus() {
	prometheus --config.file=prom.yml --storage.tsdb.path="$PWD/tsdb" \
		--web.listen-address="127.0.0.1:$1" --log.level=warn "${@:2}" > prom.log 2>&1 &
	prom=$!
	bg_pids+=("$prom")
}

# prom_until PROMPORT TRIES QUERY=VALUE...: until every QUERY gives its
# VALUE, for up to TRIES tries 0.2 s apart (the checks that follow say
# what did not come), $prom_waited_ms after how long; fails if Prometheus
# exited
prom_until() {
	local port=$1 tries=$2 q ok i
	shift 2
	for i in $(seq "$tries"); do
		prom_waited_ms=$((i * 200))
		ok=1
		for q in "$@"; do
			[ "$(prom_query "$port" "${q%=*}" 2> /dev/null)" = "${q##*=}" ] || { ok=; break; }
		done
		[ -n "$ok" ] && return 0
		kill -0 "$prom" || { cat prom.log; fail "prometheus exited"; return 1; }
		sleep 0.2
	done
}
