#!/bin/bash
# Live tests of Kubernetes pods and containers as labels: a kubelet's
# cgroup layout built in the test's own cgroup v2 subtree, with processes
# inside it; a static kube-state-metrics page; a real Prometheus joining
# the two.
SUITE=pods
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cgroup_lib.sh"

POD_A=0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
POD_B=9a8b7c6d-5e4f-4031-8c2d-1e0f9a8b7c6d
CID_A=3c2a9f0d8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c
CID_B=b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2

# in_cgroup DIR CMD...: CMD in the background, a member of cgroup DIR
# (its pid added to $workers)
in_cgroup() {
	local dir=$1
	shift
	sh -c 'echo $$ > "$1/cgroup.procs" || exit 1; shift; exec "$@"' sh "$dir" "$@" &
	bg_pids+=($!)
	workers+=($!)
}

# a task in a cgroup that sleeps and wakes (a background job ignores
# SIGINT: it stops on SIGTERM)
WAKER=(sh -c 'while :; do sleep 0.01; done')

# serve_file PORT FILE: FILE as /metrics on 127.0.0.1:PORT, in the
# Prometheus text format (what kube-state-metrics serves)
serve_file() {
	python3 - "$1" "$2" <<-'EOPY' > static.log 2>&1 &
	import http.server, sys
	port, path = int(sys.argv[1]), sys.argv[2]
	class Page(http.server.BaseHTTPRequestHandler):
	    def do_GET(self):
	        body = open(path, 'rb').read()
	        self.send_response(200 if self.path == '/metrics' else 404)
	        self.send_header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
	        self.send_header('Content-Length', str(len(body)))
	        self.end_headers()
	        self.wfile.write(body)
	    def log_message(self, *a):
	        pass
	http.server.HTTPServer(('127.0.0.1', port), Page).serve_forever()
	EOPY
	bg_pids+=($!)
}

# prom_vector PROMPORT QUERY: one "labels value" line per element of an
# instant vector, its labels as k=v,k=v sorted by name
prom_vector() {
	curl -s --max-time 5 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" > q.json ||
		fail "query failed: $2"
	jq -r '.data.result[] | "\(.metric | to_entries | map("\(.key)=\(.value)") | join(",")) \(.value[1])"' q.json
}

# Pod A as the systemd driver names it (its UID's dashes as underscores),
# containerd; pod B as the cgroupfs driver does, a bare container id that
# --container-runtime names. Each container holds a task that sleeps and
# wakes; kube-state-metrics' series for both pods come from a file. Joined
# on uid and container_id, with no relabelling, Prometheus must give each
# pod and container exactly the waits of its cgroup.
t_pod_join() {
	make_cgroup
	local top=$cg_dir top_path=$cg_path
	local pod_a=$top/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_A//-/_}.slice
	local pod_b=$top/kubepods/besteffort/pod$POD_B
	mkdir -p "$pod_a/cri-containerd-$CID_A.scope" "$pod_b/$CID_B"
	local cg_a=${pod_a#"$(cgroup2_root)"}/cri-containerd-$CID_A.scope cg_b=${pod_b#"$(cgroup2_root)"}/$CID_B
	start_exporter rqs --by cgroup --cgroup "$top" --container-runtime containerd --no-outliers 1000000
	exporter=$tracer_pid
	in_cgroup "$pod_a/cri-containerd-$CID_A.scope" "${WAKER[@]}"
	in_cgroup "$pod_b/$CID_B" "${WAKER[@]}"
	cat > ksm.prom <<-EOM
	# HELP kube_pod_info Information about pod.
	# TYPE kube_pod_info gauge
	kube_pod_info{namespace="shop",pod="cart-7d9f6c5b4-x2x7q",uid="$POD_A",host_ip="10.0.0.5",pod_ip="10.1.2.3",node="node-1",created_by_kind="ReplicaSet",created_by_name="cart-7d9f6c5b4",priority_class="",host_network="false"} 1
	kube_pod_info{namespace="batch",pod="report-29384756-abcde",uid="$POD_B",host_ip="10.0.0.5",pod_ip="10.1.2.4",node="node-1",created_by_kind="Job",created_by_name="report-29384756",priority_class="",host_network="false"} 1
	kube_pod_info{namespace="shop",pod="elsewhere-0",uid="5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",host_ip="10.0.0.6",pod_ip="10.1.3.1",node="node-2",created_by_kind="StatefulSet",created_by_name="elsewhere",priority_class="",host_network="false"} 1
	# HELP kube_pod_container_info Information about a container in a pod.
	# TYPE kube_pod_container_info gauge
	kube_pod_container_info{namespace="shop",pod="cart-7d9f6c5b4-x2x7q",uid="$POD_A",container="cart",image_spec="registry.example/cart:1.4",image="registry.example/cart:1.4",image_id="registry.example/cart@sha256:0f",container_id="containerd://$CID_A"} 1
	kube_pod_container_info{namespace="batch",pod="report-29384756-abcde",uid="$POD_B",container="report",image_spec="registry.example/report:2",image="registry.example/report:2",image_id="registry.example/report@sha256:1e",container_id="containerd://$CID_B"} 1
	EOM
	local ksm_port prom_port
	ksm_port=$(free_port)
	serve_file "$ksm_port" "$PWD/ksm.prom"
	prom_port=$(free_port)
	prom_config runqslower-ts="$port" kube-state-metrics="$ksm_port"
	start_prometheus "$prom_port"
	prom_until "$prom_port" 150 'sum(up)=2' || fail "prometheus does not scrape both: $(cat prom.log static.log)"
	curl -s --max-time 5 "http://127.0.0.1:$port/metrics" > page.txt
	grep "^runqslower_ts_wait_seconds_count{cgroup=\"$top_path/" page.txt > counts.txt || true
	note "$(sed 's/^runqslower_ts_wait_seconds_count//' counts.txt | tr '\n' ' ')"
	grep -qF "{cgroup=\"$cg_a\",uid=\"$POD_A\",container_id=\"containerd://$CID_A\",qos=\"burstable\"} " counts.txt ||
		fail "pod A's container has not its labels: $(cat counts.txt)"
	grep -qF "{cgroup=\"$cg_b\",uid=\"$POD_B\",container_id=\"containerd://$CID_B\",qos=\"besteffort\"} " counts.txt ||
		fail "pod B's container has not its labels: $(cat counts.txt)"
	# rate() needs two scrapes of each
	local by_pod by_container i
	by_pod='sum by (namespace, pod) (rate(runqslower_ts_wait_seconds_count[1m]) * on (uid) group_left (namespace, pod) kube_pod_info)'
	by_container='sum by (namespace, pod, container) (rate(runqslower_ts_wait_seconds_count[1m]) * on (container_id) group_left (namespace, pod, container) kube_pod_container_info)'
	for i in $(seq 50); do
		[ "$(prom_vector "$prom_port" "$by_pod" | wc -l)" = 2 ] && [ "$(prom_vector "$prom_port" "$by_container" | wc -l)" = 2 ] && break
		sleep 0.2
	done
	prom_vector "$prom_port" "$by_pod" > pods.txt
	prom_vector "$prom_port" "$by_container" > containers.txt
	note "$by_pod: $(tr '\n' ';' < pods.txt)"
	note "$by_container: $(tr '\n' ';' < containers.txt)"
	grep -q '^namespace=shop,pod=cart-7d9f6c5b4-x2x7q [0-9.e+]*$' pods.txt || fail "no waits of pod A by name: $(cat pods.txt)"
	grep -q '^namespace=batch,pod=report-29384756-abcde [0-9.e+]*$' pods.txt || fail "no waits of pod B by name: $(cat pods.txt)"
	grep -q '^container=cart,namespace=shop,pod=cart-7d9f6c5b4-x2x7q ' containers.txt || fail "no waits of container cart: $(cat containers.txt)"
	grep -q '^container=report,namespace=batch,pod=report-29384756-abcde ' containers.txt || fail "no waits of container report: $(cat containers.txt)"
	[ "$(wc -l < pods.txt)" = 2 ] || fail "pods joined: $(cat pods.txt)"
	# each pod's joined count is its own cgroup's, at one instant
	local t name cg joined own
	t=$(date +%s.%N)
	for name in cart-7d9f6c5b4-x2x7q:$cg_a report-29384756-abcde:$cg_b; do
		cg=${name#*:} name=${name%%:*}
		joined=$(curl -s --max-time 5 "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "time=$t" \
			--data-urlencode "query=sum(runqslower_ts_wait_seconds_count * on (uid) group_left (pod) kube_pod_info{pod=\"$name\"})" |
			jq -r '.data.result[0].value[1]')
		own=$(curl -s --max-time 5 "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "time=$t" \
			--data-urlencode "query=sum(runqslower_ts_wait_seconds_count{cgroup=\"$cg\"})" |
			jq -r '.data.result[0].value[1]')
		note "pod $name: $joined waits joined by uid, $own in its cgroup's series"
		[ "$joined" = "$own" ] && [ "${own:-0}" != 0 ] && [ "$own" != null ] ||
			fail "pod $name: $joined waits by the join, $own in its cgroup"
	done
	kill -TERM "${workers[@]}"
	stop_tracer "$exporter"
}

# Outside a pod, and under a cgroup whose path only looks like one, a series
# carries no pod label
t_no_pod_no_labels() {
	make_cgroup
	local top=$cg_dir
	# not a pod: "pod" and no UID; a container id with no pod above it
	mkdir -p "$top/kubepods/burstable/podcast" "$top/kubepods/$CID_A"
	start_exporter rqs --by cgroup --cgroup "$top" --no-outliers 1000000
	exporter=$tracer_pid
	in_cgroup "$top/kubepods/burstable/podcast" "${WAKER[@]}"
	in_cgroup "$top/kubepods/$CID_A" "${WAKER[@]}"
	in_cgroup "$top" "${WAKER[@]}"
	scrape_until "$port" "^runqslower_ts_wait_seconds_count{cgroup=\"[^\"]*/kubepods/$CID_A\"" page.txt
	scrape_until "$port" '^runqslower_ts_wait_seconds_count{cgroup="[^"]*/podcast"' page.txt
	scrape_until "$port" "^runqslower_ts_wait_seconds_count{cgroup=\"$cg_path\"" page.txt
	note "$(grep -c '^runqslower_ts_wait_seconds_count{' page.txt) series, $(grep -c 'uid=' page.txt) with a uid"
	! grep -q 'uid=\|container_id=\|qos=' page.txt || fail "pod labels outside a pod: $(grep 'uid=' page.txt | head -3)"
	kill -TERM "${workers[@]}"
	stop_tracer "$exporter"
}

# In a pod the tool runs in a cgroup namespace of its own, with cgroup2
# mounted there: that mount shows the pod's cgroups only. Here the
# namespace is rooted at a cgroup of the test's, a waker runs in a sibling
# cgroup outside it, and the host's hierarchy is bind-mounted elsewhere, as
# a DaemonSet mounts /sys/fs/cgroup: the tool says it sees a namespace's
# view; --cgroup-root takes the host's, whose paths it then prints, and
# --cgroup follows it; a --cgroup-root that is no root is refused.
t_private_cgroupns() {
	make_cgroup
	local top=$cg_dir top_path=$cg_path
	mkdir "$top/ns" "$top/gen" nsview hostcg
	in_cgroup "$top/gen" "${WAKER[@]}"
	cat > in_ns.sh <<-EOS
	set -e
	mount -t cgroup2 none "$PWD/nsview"
	mount --bind "$(cgroup2_root)" "$PWD/hostcg"
	umount -l "$(cgroup2_root)"
	"$RQS" -s --by cgroup -d 2 --no-outliers 1000000 > view.out 2> view.err && echo view=0 || echo view=\$?
	"$RQS" --cgroup-root "$PWD/hostcg" -s --by cgroup -d 2 --no-outliers 1000000 > host.out 2> host.err && echo host=0 || echo host=\$?
	"$RQS" --cgroup-root "$PWD/hostcg" --cgroup "$top_path/gen" -s --by cgroup -d 2 --no-outliers 1000000 > filter.out 2> filter.err && echo filter=0 || echo filter=\$?
	"$RQS" --cgroup-root "$PWD/nsview" -s -d 1 > bad.out 2> bad.err && echo bad=0 || echo bad=\$?
	EOS
	sh -c 'echo $$ > "$1/cgroup.procs" && exec unshare -C -m sh "$2"' sh "$top/ns" "$PWD/in_ns.sh" > status.txt 2> ns.err ||
		fail "unshare: $(cat ns.err status.txt)"
	note "$(tr '\n' ' ' < status.txt)"
	grep -qx 'view=0' status.txt && grep -qx 'host=0' status.txt && grep -qx 'filter=0' status.txt ||
		fail "exit statuses: $(cat status.txt view.err host.err filter.err)"
	# the namespace's view: said once, and the waker outside has no name
	note "view: $(grep -v '^ ' view.err | head -1)"
	[ "$(grep -c 'notice: in a cgroup namespace, the cgroup2 mount at .*/nsview is not the hierarchy.s root' view.err)" = 1 ] ||
		fail "no notice of the namespace's view: $(cat view.err)"
	grep -q '^cgroup = (unknown)$' view.out || fail "waits outside the namespace not under (unknown): $(grep '^cgroup' view.out)"
	! grep -q "^cgroup = $top_path/gen\$" view.out || fail "the namespace's view named a cgroup outside it"
	# the host's: its paths, no notice
	note "host: $(grep '^cgroup' host.out | tr '\n' ' ')"
	grep -q "^cgroup = $top_path/gen\$" host.out || fail "--cgroup-root: no host path for the waker's cgroup: $(grep '^cgroup' host.out)"
	! grep -q 'notice: .*cgroup namespace' host.err || fail "--cgroup-root: still the notice: $(cat host.err)"
	# --cgroup from the host's root, across the namespace
	note "filter: $(grep '^cgroup' filter.out | tr '\n' ' ')"
	[ "$(grep '^cgroup = ' filter.out)" = "cgroup = $top_path/gen" ] ||
		fail "--cgroup-root with --cgroup $top_path/gen: $(grep '^cgroup' filter.out; cat filter.err)"
	note "bad: $(cat bad.err)"
	grep -qx 'bad=2' status.txt && [ "$(wc -l < bad.err)" = 1 ] &&
		grep -q "^runqslower-ts: invalid --cgroup-root '.*/nsview': cgroup [0-9]*, not the hierarchy's root" bad.err ||
		fail "a namespace's root as --cgroup-root: $(cat bad.err status.txt)"
	kill -TERM "${workers[@]}"
}

test_case ROOT,BTF,CGROUP2,CMD_prometheus,CMD_python3,CMD_curl,CMD_jq "a real Prometheus joins the pods' waits with kube-state-metrics by uid and container_id" t_pod_join
test_case ROOT,BTF,CGROUP2,CMD_curl "no pod labels outside a pod's cgroup" t_no_pod_no_labels
test_case ROOT,BTF,MULTICPU,CGROUP2,CMD_unshare "in a private cgroup namespace: said so; --cgroup-root reads the host's hierarchy" t_private_cgroupns
test_done
