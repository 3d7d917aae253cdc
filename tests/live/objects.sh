# BPF objects left behind (sourced by live and stress tests).
#   bpf_snapshot FILE      the IDs of every BPF program, map and link now
#   bpf_leftovers FILE     the tool's programs, maps and links created since
#                          the snapshot that no live process holds, after
#                          waiting up to 5 s for the kernel's deferred free
#                          (RCU); prints them, fails when there are any
# Other processes (other tests, other instances of the tool) may create
# objects with the same names meanwhile: an object some live process holds
# (an fd, a link's program, a held program's map) is theirs, not a leak.
# Needs bpftool and jq.

RQS_PROGS='^(handle_sched_|probe_task_stor|prefill)'
RQS_MAPS='^(events|counters|start|probe_storage|runqslow\.|probe_ta\.|prefill\.)'

bpf_list() {
	bpftool -j prog show | jq -r '.[] | "prog \(.id) \(.name // "-") \((.map_ids // []) | map(tostring) | join(","))"'
	bpftool -j map show | jq -r '.[] | "map \(.id) \(.name // "-")"'
	bpftool -j link show | jq -r '.[] | "link \(.id) \(.prog_id)"'
}

bpf_snapshot() { bpf_list | awk '{ print $1, $2 }' > "$1"; }

# "prog ID", "map ID", "link ID" for what live processes hold, directly or
# through a link (its program) or a held program (its maps)
bpf_held() {
	local list=$1
	cat /proc/[0-9]*/fdinfo/* 2>/dev/null |
		awk -v list="$list" '
		BEGIN {
			while ((getline l < list) > 0) {
				split(l, f, " ")
				if (f[1] == "prog") progmaps[f[2]] = f[4]
				if (f[1] == "link") linkprog[f[2]] = f[3]
			}
		}
		/^prog_id:/ { prog[$2] = 1 }
		/^map_id:/ { map[$2] = 1 }
		/^link_id:/ { link[$2] = 1 }
		END {
			for (l in link) if (l in linkprog) prog[linkprog[l]] = 1
			for (p in prog) {
				n = split(progmaps[p], ids, ",")
				for (i = 1; i <= n; i++) map[ids[i]] = 1
			}
			for (p in prog) print "prog", p
			for (id in map) print "map", id
			for (l in link) print "link", l
		}'
}

bpf_leftovers() {
	local before=$1 now left
	now=$(mktemp)
	for _ in $(seq 25); do
		bpf_list > "$now"
		left=$(awk -v progs="$RQS_PROGS" -v maps="$RQS_MAPS" '
			FILENAME == ARGV[1] { old[$1 " " $2] = 1; next }
			FILENAME == ARGV[2] { held[$1 " " $2] = 1; next }
			($1 " " $2) in old || ($1 " " $2) in held { next }
			$1 == "prog" && $3 ~ progs { print; next }
			$1 == "map" && $3 ~ maps { print; next }
			$1 == "link" { ours[$0] = 1 }
			END { for (l in ours) print l }
		' "$before" <(bpf_held "$now") "$now")
		[ -z "$left" ] && { rm -f "$now"; return 0; }
		sleep 0.2
	done
	rm -f "$now"
	echo "left behind: $(echo $left)"
	return 1
}
