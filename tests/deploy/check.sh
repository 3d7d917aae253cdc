#!/bin/bash
# Checks of deploy/: the Kubernetes manifests and the Prometheus rules,
# offline, as TAP ("ok N - what", "not ok N - what", "1..N"); exits 1 on a
# failure. Runs at the top of the tree, from anywhere. Nothing is loaded
# into the kernel and nothing is applied to a cluster.
#
# Needs promtool, python3-yaml, node, and the schema validator in
# build/deploy-tools (DEPLOY_TOOLS=DIR for another place): all installed by
# tests/deploy/install-tools.sh. kubectl (its kustomize) if present. A test
# whose tool is missing is skipped ("# SKIP missing TOOL"); with CI=true it
# fails instead.
#
# What is checked how:
# - rules: promtool check rules, promtool test rules (rules_test.yml).
# - sample_page.prom: promtool check metrics; the metric and label names
#   the rules read are on it and in the exporter's source (checks.py names).
# - namespace, daemonset, service: the Kubernetes JSON schemas of the npm
#   package kubernetes-models; podmonitor: the Prometheus Operator's CRD
#   schema of @kubernetes-models/prometheus-operator. Both strict (unknown
#   fields fail): validate_k8s.cjs.
# - kustomization.yaml: kubectl kustomize builds it (no schema of its own);
#   the built objects are validated as above.
# - the properties that matter (no privilege but CAP_BPF and CAP_PERFMON,
#   read-only host mounts, --cgroup-root on the cgroup mount, ports, probes,
#   selectors, limits): checks.py manifests.
# Not checked: what an API server or admission adds (defaults, Pod Security
# Admission, quotas), that the image exists, and the tool running in a pod.
set -u
cd "$(dirname "$0")/../.."
tools=${DEPLOY_TOOLS:-build/deploy-tools}
n=0 failed=0
out=$(mktemp)
trap 'rm -f "$out" "$out.k"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -s "$out" ] && sed 's/^/#   /' "$out" | head -40
	return 0
}
# skip WHAT REASON: a skip, or under CI=true a failure
skip() {
	if [ "${CI:-}" = true ]; then
		: >"$out"
		not_ok "$1 (CI=true: $2)"
	else
		n=$((n + 1))
		echo "ok $n - $1 # SKIP $2"
	fi
}
# t WHAT CMD...: a test that passes when CMD exits 0
t() {
	local what=$1
	shift
	if "$@" >"$out" 2>&1; then ok "$what"; else not_ok "$what"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }
install_hint="run tests/deploy/install-tools.sh"

k8s="deploy/kubernetes/namespace.yaml deploy/kubernetes/daemonset.yaml deploy/kubernetes/service.yaml deploy/kubernetes/podmonitor.yaml"

# --- Prometheus ----------------------------------------------------------
if have promtool; then
	t "promtool check rules deploy/prometheus/rules.yml" promtool check rules deploy/prometheus/rules.yml
	t "promtool test rules deploy/prometheus/rules_test.yml" promtool test rules deploy/prometheus/rules_test.yml
	t "promtool check metrics < tests/deploy/sample_page.prom" \
		sh -c 'promtool check metrics < tests/deploy/sample_page.prom'
else
	for what in "promtool check rules" "promtool test rules" "promtool check metrics"; do
		skip "$what" "missing promtool ($install_hint)"
	done
fi

# --- structural and property checks (python3-yaml) ------------------------
# python3 on PATH, or Debian's if only that one has PyYAML
py=python3
python3 -c 'import yaml' 2>/dev/null || py=/usr/bin/python3
if "$py" -c 'import yaml' 2>/dev/null; then
	"$py" tests/deploy/checks.py manifests names >"$out.k" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		PASS\ *) ok "${line#PASS }" ;;
		FAIL\ *) : >"$out"; not_ok "${line#FAIL }" ;;
		*) echo "# $line" ;;
		esac
	done <"$out.k"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out.k"; then
		cp "$out.k" "$out"
		not_ok "tests/deploy/checks.py exited $rc"
	fi
else
	skip "manifest properties and metric names (checks.py)" "missing python3-yaml ($install_hint)"
fi

# --- schemas ---------------------------------------------------------------
if have node && [ -f "$tools/node_modules/kubernetes-models/package.json" ] &&
   [ -f "$tools/node_modules/@kubernetes-models/prometheus-operator/package.json" ]; then
	for f in $k8s; do
		t "schema: $f" node tests/deploy/validate_k8s.cjs "$tools" "$f"
	done
else
	for f in $k8s; do
		skip "schema: $f" "missing the validator in $tools ($install_hint)"
	done
fi

# --- kustomize -------------------------------------------------------------
if have kubectl; then
	if kubectl kustomize deploy/kubernetes >"$out.k" 2>"$out" &&
	   [ "$(grep -c '^kind: ' "$out.k")" -eq 4 ]; then
		ok "kubectl kustomize deploy/kubernetes: 4 objects"
		if have node && [ -f "$tools/node_modules/kubernetes-models/package.json" ]; then
			t "schema: the kustomize output" node tests/deploy/validate_k8s.cjs "$tools" "$out.k"
		else
			skip "schema: the kustomize output" "missing the validator in $tools ($install_hint)"
		fi
	else
		cat "$out.k" >>"$out"
		not_ok "kubectl kustomize deploy/kubernetes: 4 objects"
	fi
else
	skip "kubectl kustomize deploy/kubernetes" "missing kubectl ($install_hint)"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
