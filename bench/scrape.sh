#!/bin/bash
# The exporter at scale, as root: N cgroups v2 (default 1000), each with a
# task that waited in it, labelled by --by cgroup; then the time of a scrape
# (with the page rendered for it, and served from the page already there),
# the page's size and the process's RSS. Leaves nothing behind.
#   bench/scrape.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RQS=$PWD/runqslower-ts
[ "$(id -u)" = 0 ] || { echo "scrape.sh: needs root" >&2; exit 1; }
root=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
[ -n "$root" ] || { echo "scrape.sh: no cgroup2 mount" >&2; exit 1; }
top=$root/rqs-scrape.$$
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || { kill -TERM "$pid" 2> /dev/null; wait "$pid" 2> /dev/null || true; }
	[ -d "$top" ] && find "$top" -mindepth 1 -depth -type d -exec rmdir {} + 2> /dev/null; rmdir "$top" 2> /dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 40000))
"$RQS" --metrics "127.0.0.1:$port" --by cgroup --no-outliers --max-keys $((N + 1000)) > "$tmp/out" 2> "$tmp/err" &
pid=$!
for _ in $(seq 300); do grep -q '^Serving' "$tmp/out" && break; sleep 0.1; done
grep -q '^Serving' "$tmp/out" || { cat "$tmp/err"; exit 1; }
mkdir "$top"
t0=$(date +%s.%N)
kids=()
for i in $(seq "$N"); do
	mkdir "$top/cg$i"
	# a task that sleeps 1 ms in the cgroup, so that it waits there once
	sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 0.001' sh "$top/cg$i" &
	kids+=($!)
	if [ ${#kids[@]} = 50 ]; then wait "${kids[@]}"; kids=(); fi
done
[ ${#kids[@]} = 0 ] || wait "${kids[@]}"
t1=$(date +%s.%N)
scrape() { curl -s -o "$tmp/page" -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; }
sleep 1.1
render=$(scrape)	# older than a second: rendered for this scrape
served=$(scrape)	# then served as it is
sleep 1.1
render2=$(scrape); served2=$(scrape)
labelled=$(grep -c "^runqslower_ts_wait_seconds_count{cgroup=\"/rqs-scrape.$$/" "$tmp/page" || true)
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$pid/status)
hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status)
echo "cgroups made: $N in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; labelled on the page: $labelled"
echo "page: $(wc -c < "$tmp/page") bytes, $(wc -l < "$tmp/page") lines, $(grep -c '_count{' "$tmp/page") series"
echo "scrape, page rendered for it: $render s, $render2 s; served from the page: $served s, $served2 s"
echo "RSS: $rss kB (peak $hwm kB)"
kill -TERM "$pid"
wait "$pid" || { echo "exit $? on SIGTERM" >&2; exit 1; }
pid=
