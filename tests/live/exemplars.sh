#!/bin/bash
# Live tests of OpenMetrics on /metrics: the format a scraper asks for, and
# the exemplars that lead from a histogram bucket to the generator's own
# wait, through a real Prometheus (exemplar storage on) and the Prometheus
# Python client's strict parser.
SUITE=exemplars
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgroup_lib.sh"

eval "lib_$(declare -f check_prereq)"
check_prereq() {
	case $1 in
	OM_PARSER) /usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' 2> /dev/null ||
		{ echo "no python3-prometheus-client (its OpenMetrics parser)"; return 1; } ;;
	*) lib_check_prereq "$1" ;;
	esac
}

OM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

# om_page PORT NAME: the OpenMetrics page (as Prometheus asks) in NAME.om,
# its head in NAME.head, its exemplars (om_exemplars.py) in NAME.ex
om_page() {
	curl -s --max-time 10 -D "$2.head" -H "Accept: $OM_ACCEPT" -o "$2.om" "http://127.0.0.1:$1/metrics" ||
		fail "no page from port $1"
	tr -d '\r' < "$2.head" > "$2.h" && mv "$2.h" "$2.head"
	grep -qix 'content-type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$2.head" ||
		fail "asked for OpenMetrics, got: $(grep -i '^content-type' "$2.head")"
	/usr/bin/python3 "$TOP/tests/live/om_exemplars.py" < "$2.om" > "$2.ex" 2> "$2.err" ||
		fail "$(cat "$2.err"): $(tail -5 "$2.om")"
}

# le_of US: the le bound (seconds) of the log2 bucket of a wait of US
le_of() {
	awk -v us="$1" 'BEGIN { b = 2; while (b <= us) b *= 2; printf "%d.%06d\n", b / 1000000, b % 1000000 }' |
		sed 's/0*$//; s/\.$//'
}

# gen_waits GEN_OUT: "US REAL_US" of each generated wait
gen_waits() { sed -n 's/^wait_us=\([0-9]*\).* ran_real_us=\([0-9]*\).*/\1 \2/p' "$1"; }

# exemplar_matches US REAL_US VALUE TIMESTAMP: the exemplar is that wait:
# its value within 2% + 200 us of the generator's measure, its time (ms)
# within 2 ms of when the waiter ran by its own clock
exemplar_matches() {
	awk -v g="$1" -v r="$2" -v v="$3" -v t="$4" 'BEGIN {
		d = v * 1e6 - g; if (d < 0) d = -d
		dt = t * 1e6 - r; if (dt < 0) dt = -dt
		exit !(d <= g / 50 + 200 && dt <= 2000) }'
}

t_exemplars_in_prometheus() {
	make_cgroup
	# the exporter prints its waits over 20 ms too: which of the waiter's
	# it saw, and how long each was by its own measure
	start_exporter rqs --by cgroup 20ms
	exporter=$tracer_pid a_port=$port
	prom_port=$(free_port)
	prom_config rqs="$a_port"
	start_prometheus "$prom_port" --enable-feature=exemplar-storage
	prom_until "$prom_port" 100 'sum(up)=1'
	[ "$(prom_query "$prom_port" 'sum(up)')" = 1 ] || { cat prom.log; fail "prometheus does not scrape the exporter"; }
	t0=$(date +%s)
	# the generator in its own cgroup: its waiter waits about 150 ms, three
	# times
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg_dir" "$LATGEN" -d 150 -n 3 -i 100 \
		> gen.out 2> gen.err || fail "latgen failed: $(cat gen.err)"
	parse_latgen gen.out
	# two more scrapes
	sleep 2.5
	curl -s --max-time 10 "http://127.0.0.1:$prom_port/api/v1/query_exemplars" \
		--data-urlencode "query=runqslower_ts_wait_seconds_bucket{cgroup=\"$cg_path\"}" \
		--data-urlencode "start=$((t0 - 5))" --data-urlencode "end=$(($(date +%s) + 5))" > ex.json ||
		fail "query_exemplars failed"
	jq -e '.status == "success"' ex.json > /dev/null || fail "query_exemplars: $(cat ex.json)"
	jq -r '.data[] | .seriesLabels.le as $le | .exemplars[] | [$le, .labels.tid, .labels.comm, .value, .timestamp] | @tsv' \
		ex.json > ex.tsv
	# the exporter's own pages beside: OpenMetrics for Prometheus, the text
	# format for anyone else
	om_page "$a_port" rqs
	curl -s --max-time 10 -D text.head -o text.txt "http://127.0.0.1:$a_port/metrics" || fail "no text page"
	stop_tracer "$exporter"
	kill -TERM "$prom"
	wait "$prom" || true
	rmdir "$cg_dir" || fail "cannot remove $cg_dir"

	note "generated waits (us, ran at): $(gen_waits gen.out | tr '\n' ' ')"
	note "Prometheus' exemplars of the cgroup: $(tr '\t' ' ' < ex.tsv | tr '\n' ';')"
	grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' text.head ||
		fail "no Accept: not the text format: $(grep -i '^content-type' text.head)"
	! grep -q ' # {' text.txt || fail "the text format has exemplars: $(grep ' # {' text.txt | head -2)"
	! grep -q '^# EOF' text.txt || fail "the text format ends with # EOF"
	promtool check metrics < text.txt > promtool.out 2>&1 || fail "promtool check metrics: $(cat promtool.out)"
	# the tool's lines of the generated waits (a wait whose switch-in no
	# tracer saw has none, as the tool counts)
	match_waits gen.out rqs.out "$waiter_tid"
	[ -s match.lines ] || fail "the exporter printed none of the generated waits"
	# the longest of them by the tool's measure is its bucket's exemplar
	# until a longer one comes: Prometheus has it, to the microsecond
	read -r _ _ _ lat < <(sort -n -k4 match.lines | tail -1)
	le=$(le_of "$lat")
	awk -F'\t' -v le="$le" -v t="$waiter_tid" -v lat="$lat" '
		$1 == le && $2 == t && $3 == "waiter" && int($4 * 1e6 + 1e-6) == lat { found = 1 }
		END { exit !found }' ex.tsv ||
		fail "Prometheus has no exemplar tid=$waiter_tid comm=waiter of $lat us in le=$le: $(cat ex.tsv)"
	# and every exemplar of the waiter is one of its generated waits
	while IFS=$'\t' read -r ele tid comm value ts; do
		[ "$tid" = "$waiter_tid" ] || continue
		ok=
		while read -r gw gr; do
			exemplar_matches "$gw" "$gr" "$value" "$ts" && ok=1
		done < <(gen_waits gen.out)
		[ -n "$ok" ] || fail "exemplar tid=$tid $value s at $ts in le=$ele is none of the generator's waits"
		[ "$ele" = "$(le_of "$(awk -v v="$value" 'BEGIN { printf "%d", v * 1e6 }')")" ] ||
			fail "exemplar of $value s in le=$ele"
	done < ex.tsv
	# the exporter's page, as Prometheus got it: the same exemplar
	grep -q "^runqslower_ts_wait_seconds_bucket	cgroup=$cg_path	$le	$waiter_tid	waiter	" rqs.ex ||
		fail "no exemplar of TID $waiter_tid in le=$le of the page: $(cat rqs.ex)"
	note "the waiter's longest reported wait, $lat us, is Prometheus' exemplar of le=$le"
}

t_exemplar_series_by_key() {
	# each --by puts the wait's exemplar in the series that counted it.
	# Other tasks share the series but by COMM (the generator's other
	# threads its cgroup): there a longer wait of theirs in the same bucket
	# may hold its place (the longest of the minute), never a shorter one
	make_cgroup
	start_exporter none --no-outliers 20ms
	none=$tracer_pid none_port=$port
	start_exporter cpu --by cpu --no-outliers 20ms
	cpu=$tracer_pid cpu_port=$port
	start_exporter comm --by comm --no-outliers 20ms
	comm=$tracer_pid comm_port=$port
	start_exporter cgroup --by cgroup --no-outliers 20ms
	cgroup=$tracer_pid cgroup_port=$port
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg_dir" "$LATGEN" -N exwaiter -d 100 -n 2 -i 50 \
		> gen.out 2> gen.err || fail "latgen failed: $(cat gen.err)"
	parse_latgen gen.out
	read -r g _ < <(gen_waits gen.out | sort -n | tail -1)
	le=$(le_of "$g")
	for by in none cpu comm cgroup; do
		port_var=${by}_port
		# a page is up to a second old (RQS_METRICS_MAX_AGE_MS)
		for _ in $(seq 15); do
			om_page "${!port_var}" "$by"
			awk -F'\t' -v t="$waiter_tid" -v le="$le" '$3 == le && $4 == t { f = 1 } END { exit !f }' "$by.ex" && break
			sleep 0.2
		done
	done
	for p in $none $cpu $comm $cgroup; do stop_tracer "$p"; done
	rmdir "$cg_dir" || fail "cannot remove $cg_dir"
	note "waiter $waiter_tid on CPU $target_cpu, longest wait $g us (le=$le)"
	for by in none cpu comm cgroup; do
		case $by in
		none) want=- ;;
		cpu) want=cpu=$target_cpu ;;
		comm) want=comm=exwaiter ;;
		cgroup) want=cgroup=$cg_path ;;
		esac
		line=$(awk -F'\t' -v t="$waiter_tid" -v le="$le" '$3 == le && $4 == t' "$by.ex" | head -1)
		if [ -z "$line" ] && [ $by != comm ]; then
			# another task's exemplar in the waiter's bucket, no shorter
			# than the waiter's wait (the tool's measure is at most the
			# generator's, and at least 2% + 200 us below it)
			line=$(awk -F'\t' -v l="$want" -v le="$le" -v g="$g" \
				'$1 == "runqslower_ts_wait_seconds_bucket" && $2 == l && $3 == le && $6 * 1e6 >= g - g / 50 - 200' "$by.ex" | head -1)
			[ -n "$line" ] || fail "--by $by: no exemplar of TID $waiter_tid, nor a longer wait's in le=$le: $(cat "$by.ex")"
			note "--by $by: a longer wait holds le=$le: $line"
			continue
		fi
		note "--by $by: $line"
		[ -n "$line" ] || fail "--by $by: no exemplar of TID $waiter_tid in le=$le, its wait of $g us: $(cat "$by.ex")"
		IFS=$'\t' read -r sample labels _ <<<"$line"
		[ "$sample" = runqslower_ts_wait_seconds_bucket ] && [ "$labels" = "$want" ] ||
			fail "--by $by: the exemplar of TID $waiter_tid is in $sample{$labels}, not {$want}"
	done
}

t_openmetrics_negotiated() {
	# the format follows Accept; gzip applies to both; the text format
	# stays what it was for every other client
	start_exporter rqs --no-outliers
	run_latgen gen -d 30 -n 1
	get() {
		curl -s --max-time 10 -D "$1.head" -o "$1.body" "${@:2}" "http://127.0.0.1:$port/metrics" ||
			fail "no answer to $1"
		tr -d '\r' < "$1.head" > "$1.h" && mv "$1.h" "$1.head"
	}
	type_of() { sed -n 's/^[Cc]ontent-[Tt]ype: //p' "$1.head"; }
	get prometheus -H "Accept: $OM_ACCEPT"
	get curl
	get browser -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
	get old_om -H 'Accept: application/openmetrics-text;version=0.0.1,text/plain;q=0.5'
	get om_gzip -H 'Accept: application/openmetrics-text' -H 'Accept-Encoding: gzip'
	get refuses -H 'Accept: application/openmetrics-text;q=0, text/plain;q=0.1'
	stop_tracer "$tracer_pid"
	om='application/openmetrics-text; version=1.0.0; charset=utf-8'
	text='text/plain; version=0.0.4; charset=utf-8'
	for c in prometheus:"$om" curl:"$text" browser:"$text" old_om:"$text" om_gzip:"$om" refuses:"$text"; do
		[ "$(type_of "${c%%:*}")" = "${c#*:}" ] || fail "${c%%:*}: Content-Type $(type_of "${c%%:*}"), expected ${c#*:}"
		grep -qix 'vary: accept, accept-encoding' "${c%%:*}.head" || fail "${c%%:*}: no Vary on Accept: $(cat "${c%%:*}.head")"
	done
	grep -qix 'content-encoding: gzip' om_gzip.head || fail "OpenMetrics not gzipped: $(cat om_gzip.head)"
	gzip -dc < om_gzip.body > om_gzip.txt || fail "the gzipped OpenMetrics page does not inflate"
	for f in prometheus.body om_gzip.txt; do
		/usr/bin/python3 "$TOP/tests/live/om_exemplars.py" < "$f" > /dev/null 2> om.err || fail "$f: $(cat om.err)"
		tail -1 "$f" | grep -qx '# EOF' || fail "$f does not end with # EOF"
	done
	grep -qx '# TYPE runqslower_ts_outliers counter' prometheus.body || fail "OpenMetrics counter family: $(grep outliers prometheus.body)"
	grep -qx '# TYPE runqslower_ts_outliers_total counter' curl.body || fail "text counter family: $(grep outliers curl.body)"
	promtool check metrics < curl.body > promtool.out 2>&1 || fail "promtool check metrics: $(cat promtool.out)"
	note "Prometheus' Accept: $(type_of prometheus); curl: $(type_of curl); $(grep -c ' # {' prometheus.body) exemplars on the OpenMetrics page"
}

test_case ROOT,BTF,CGROUP2,CMD_prometheus,CMD_curl,CMD_jq,CMD_promtool,OM_PARSER "a real Prometheus stores the exemplar that leads to the generator's wait" t_exemplars_in_prometheus
test_case ROOT,BTF,CGROUP2,CMD_curl,OM_PARSER "each --by puts a wait's exemplar in the series that counts it" t_exemplar_series_by_key
test_case ROOT,BTF,CMD_curl,CMD_promtool,OM_PARSER "OpenMetrics when Accept weighs it higher, the text format otherwise" t_openmetrics_negotiated
test_done
