#!/usr/bin/env python3
"""Checks of deploy/ that need no tool but python3-yaml, for check.sh.

  checks.py manifests   the properties of deploy/kubernetes that matter
  checks.py names       the metric and label names deploy/prometheus/rules.yml
                        reads exist on tests/deploy/sample_page.prom and in
                        the exporter's source

Run from the top of the tree. Prints one line per check, "PASS what" or
"FAIL what: why"; check.sh numbers them as TAP. Exits 1 on a failure.
"""
import os
import re
import sys

import yaml

K8S = "deploy/kubernetes"
NAMESPACE = "runqslower-ts"
PORT = 9548
CAPS = {"BPF", "PERFMON"}
# host paths the DaemonSet may mount, all read-only: BTF, and the cgroup v2
# hierarchy (/sys/fs/cgroup/unified on a hybrid host)
HOST_PATHS = {"/sys/kernel/btf", "/sys/fs/cgroup", "/sys/fs/cgroup/unified"}
CGROUP_HOST_PATHS = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}

results = []


def check(what, ok, why=""):
    results.append((what, bool(ok), why))
    return bool(ok)


def load(name):
    with open(os.path.join(K8S, name)) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    if len(docs) != 1:
        raise ValueError(f"{name}: {len(docs)} documents, want 1")
    return docs[0]


def get(obj, *keys, default=None):
    for k in keys:
        if isinstance(obj, dict) and k in obj:
            obj = obj[k]
        elif isinstance(obj, list) and isinstance(k, int) and k < len(obj):
            obj = obj[k]
        else:
            return default
    return obj


def subset(small, big):
    return isinstance(small, dict) and bool(small) and all(
        isinstance(big, dict) and big.get(k) == v for k, v in small.items())


MULT = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
        "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "m": 1e-3, "": 1}


def quantity(q):
    m = re.fullmatch(r"([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T|m|)", str(q))
    return float(m.group(1)) * MULT[m.group(2)] if m else None


def option(argv, name):
    """the value of --name VALUE or --name=VALUE, None if absent"""
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1:]
    return None


def manifests():
    kust = load("kustomization.yaml")
    want = ["namespace.yaml", "daemonset.yaml", "service.yaml", "podmonitor.yaml"]
    check("kustomization.yaml lists namespace, daemonset, service, podmonitor",
          kust.get("kind") == "Kustomization" and sorted(kust.get("resources") or []) == sorted(want),
          f"resources {kust.get('resources')}")
    ns, ds, svc, pm = (load(n) for n in want)

    # what each manifest is
    for name, obj, api, kind in (("namespace.yaml", ns, "v1", "Namespace"),
                                 ("daemonset.yaml", ds, "apps/v1", "DaemonSet"),
                                 ("service.yaml", svc, "v1", "Service"),
                                 ("podmonitor.yaml", pm, "monitoring.coreos.com/v1", "PodMonitor")):
        meta = obj.get("metadata") or {}
        where = meta.get("name") if kind == "Namespace" else meta.get("namespace")
        check(f"{name}: {api} {kind} runqslower-ts in namespace {NAMESPACE}",
              obj.get("apiVersion") == api and obj.get("kind") == kind
              and meta.get("name") == "runqslower-ts" and where == NAMESPACE,
              f"apiVersion {obj.get('apiVersion')}, kind {obj.get('kind')}, "
              f"name {meta.get('name')}, namespace {where}")
    check("namespace: Pod Security level privileged (hostPID, hostPath, added capabilities)",
          get(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce") == "privileged",
          f"labels {get(ns, 'metadata', 'labels')}")

    tmpl_labels = get(ds, "spec", "template", "metadata", "labels") or {}
    check("daemonset: selector matches the pod template's labels",
          subset(get(ds, "spec", "selector", "matchLabels"), tmpl_labels),
          f"{get(ds, 'spec', 'selector')} vs {tmpl_labels}")
    check("service: selector matches the pod template's labels",
          subset(get(svc, "spec", "selector"), tmpl_labels),
          f"{get(svc, 'spec', 'selector')} vs {tmpl_labels}")
    check("podmonitor: selector matches the pod template's labels",
          subset(get(pm, "spec", "selector", "matchLabels"), tmpl_labels)
          and not get(pm, "spec", "selector", "matchExpressions"),
          f"{get(pm, 'spec', 'selector')} vs {tmpl_labels}")

    spec = get(ds, "spec", "template", "spec") or {}
    containers = spec.get("containers") or []
    every = containers + (spec.get("initContainers") or []) + (spec.get("ephemeralContainers") or [])
    check("daemonset: one container, no init or ephemeral container",
          len(containers) == 1 and len(every) == 1, f"{len(containers)} containers, {len(every)} in all")
    c = containers[0] if containers else {}
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
    check(f"container: port metrics is {PORT}", ports.get("metrics") == PORT, f"ports {ports}")

    def resolves(port):
        return port == PORT or (port in ports and ports[port] == PORT)

    sports = get(svc, "spec", "ports") or []
    check(f"service: headless, port metrics {PORT} to the container's metrics port",
          get(svc, "spec", "clusterIP") == "None" and len(sports) == 1
          and sports[0].get("name") == "metrics" and sports[0].get("port") == PORT
          and resolves(sports[0].get("targetPort")),
          f"clusterIP {get(svc, 'spec', 'clusterIP')}, ports {sports}")
    eps = get(pm, "spec", "podMetricsEndpoints") or []
    check("podmonitor: one endpoint, port metrics (a container port name), /metrics every 15s",
          len(eps) == 1 and eps[0].get("port") == "metrics" and "metrics" in ports
          and eps[0].get("path", "/metrics") == "/metrics" and eps[0].get("interval") == "15s",
          f"endpoints {eps}, container ports {ports}")
    rel = (eps[0].get("relabelings") if eps else None) or []
    check("podmonitor: relabeling copies __meta_kubernetes_pod_node_name to node",
          any(r.get("sourceLabels") == ["__meta_kubernetes_pod_node_name"]
              and r.get("targetLabel") == "node"
              and r.get("action", "replace").lower() == "replace" for r in rel),
          f"relabelings {rel}")
    for probe in ("livenessProbe", "readinessProbe"):
        h = get(c, probe, "httpGet") or {}
        check(f"container: {probe} GET /metrics on {PORT}",
              h.get("path") == "/metrics" and resolves(h.get("port")), f"{probe} {c.get(probe)}")

    # privileges
    sc = c.get("securityContext") or {}
    for x in every:
        check(f"container {x.get('name')}: not privileged",
              get(x, "securityContext", "privileged") in (None, False),
              f"privileged {get(x, 'securityContext', 'privileged')}")
    caps = sc.get("capabilities") or {}
    added = [str(a).upper().removeprefix("CAP_") for a in caps.get("add") or []]
    check("container: capabilities add exactly BPF and PERFMON",
          sorted(added) == sorted(CAPS), f"add {caps.get('add')}")
    check("container: capabilities drop ALL",
          [str(d).upper() for d in caps.get("drop") or []] == ["ALL"], f"drop {caps.get('drop')}")
    check("container: allowPrivilegeEscalation false",
          sc.get("allowPrivilegeEscalation") is False, f"{sc.get('allowPrivilegeEscalation')}")
    check("container: readOnlyRootFilesystem true",
          sc.get("readOnlyRootFilesystem") is True, f"{sc.get('readOnlyRootFilesystem')}")
    check("container: runAsUser 0 (added capabilities are effective for root only)",
          sc.get("runAsUser") == 0 and get(spec, "securityContext", "runAsNonRoot") is not True
          and sc.get("runAsNonRoot") is not True, f"runAsUser {sc.get('runAsUser')}")
    check("container: seccompProfile RuntimeDefault",
          get(sc, "seccompProfile", "type") == "RuntimeDefault"
          or (get(sc, "seccompProfile") is None
              and get(spec, "securityContext", "seccompProfile", "type") == "RuntimeDefault"),
          f"seccompProfile {sc.get('seccompProfile')}")
    check("pod: hostPID true, hostNetwork and hostIPC not set",
          spec.get("hostPID") is True and not spec.get("hostNetwork") and not spec.get("hostIPC"),
          f"hostPID {spec.get('hostPID')}, hostNetwork {spec.get('hostNetwork')}, hostIPC {spec.get('hostIPC')}")
    check("pod: no service account token",
          spec.get("automountServiceAccountToken") is False,
          f"automountServiceAccountToken {spec.get('automountServiceAccountToken')}")
    check("pod: tolerates every taint (operator Exists, no key)",
          any(t.get("operator") == "Exists" and not t.get("key") and not t.get("effect")
              for t in spec.get("tolerations") or []), f"tolerations {spec.get('tolerations')}")
    check("pod: no priorityClassName", "priorityClassName" not in spec,
          f"priorityClassName {spec.get('priorityClassName')}")

    # host mounts
    host = {v.get("name"): get(v, "hostPath", "path") for v in spec.get("volumes") or []
            if "hostPath" in v}
    check("pod: hostPath volumes only /sys/kernel/btf and the cgroup v2 hierarchy",
          set(host.values()) <= HOST_PATHS and "/sys/kernel/btf" in host.values()
          and set(host.values()) & CGROUP_HOST_PATHS, f"hostPath volumes {host}")
    mounts = [m for x in every for m in x.get("volumeMounts") or []]
    for name, path in sorted(host.items()):
        ms = [m for m in mounts if m.get("name") == name]
        check(f"hostPath {path}: mounted, and read-only wherever mounted",
              ms and all(m.get("readOnly") is True for m in ms), f"mounts {ms}")

    # the command
    argv = [str(a) for a in (c.get("command") or []) + (c.get("args") or [])]
    cg_mounts = [m.get("mountPath") for m in mounts if host.get(m.get("name")) in CGROUP_HOST_PATHS]
    root = option(argv, "--cgroup-root")
    check("command: --cgroup-root is where the host's cgroup hierarchy is mounted",
          root is not None and len(cg_mounts) == 1 and root.rstrip("/") == cg_mounts[0].rstrip("/"),
          f"--cgroup-root {root}, cgroup mounts {cg_mounts}")
    metrics = option(argv, "--metrics")
    check(f"command: --metrics on all addresses, port {PORT}",
          metrics in (f"0.0.0.0:{PORT}", f"[::]:{PORT}"), f"--metrics {metrics}")
    check("command: --by cgroup --blame-by cgroup (the labels and the blame the rules read)",
          option(argv, "--by") == "cgroup" and option(argv, "--blame-by") == "cgroup", f"argv {argv}")

    # resources
    res = c.get("resources") or {}
    ok = True
    why = []
    for r in ("cpu", "memory"):
        req, lim = (quantity(get(res, k, r)) for k in ("requests", "limits"))
        ok &= req is not None and lim is not None and req <= lim
        why.append(f"{r} {get(res, 'requests', r)}/{get(res, 'limits', r)}")
    check("container: cpu and memory requests and limits, requests <= limits", ok, ", ".join(why))
    mem = quantity(get(res, "limits", "memory"))
    check("container: memory limit at least 64Mi (peak near 15 MiB with the BPF maps)",
          mem is not None and mem >= 64 * 2**20, f"limits.memory {get(res, 'limits', 'memory')}")


def names():
    with open("deploy/prometheus/rules.yml") as f:
        rules = yaml.safe_load(f)
    texts = []
    for g in rules["groups"]:
        for r in g["rules"]:
            texts.append(r["expr"])
            texts.extend((r.get("annotations") or {}).values())
    text = "\n".join(texts)
    # metric names, not record names (level:metric:ops) nor label names
    used = sorted(set(re.findall(r"(?<![\w:])(runqslower_ts_\w+|kube_pod_info)\b(?!:)", text)))
    with open("tests/deploy/sample_page.prom") as f:
        page = [l for l in f.read().splitlines() if l and not l.startswith("#")]
    samples = {}
    for line in page:
        m = re.match(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? ", line)
        if m:
            labels = set(re.findall(r'(\w+)="', m.group(2) or ""))
            samples.setdefault(m.group(1), set()).update(labels)
    exporter = [n for n in used if n.startswith("runqslower_ts_")]
    want = {"runqslower_ts_wait_seconds_bucket", "runqslower_ts_wait_seconds_sum",
            "runqslower_ts_wait_blame_seconds_total"}
    check("rules.yml reads the wait histogram and the blame counter",
          want <= set(exporter), f"found {exporter}")
    for n in exporter:
        check(f"sample page has {n}", n in samples, "no such sample")
    # every label matched in a selector of an exporter metric is on the page
    matched = {(n, label) for n, sel in re.findall(r"(runqslower_ts_\w+)\{([^}]*)\}", text)
               for label in re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", sel)}
    for n, label in sorted(matched):
        check(f"sample page: {n} has label {label}", label in samples.get(n, set()),
              f"labels {sorted(samples.get(n, set()))}")
    for label in ("le", "uid", "container_id", "qos", "cgroup"):
        check(f"sample page: runqslower_ts_wait_seconds_bucket has {label}",
              label in samples.get("runqslower_ts_wait_seconds_bucket", set()))
    # ... and in the exporter's source: family names, culprits, pod labels
    src = {p: open(p).read() for p in ("src/summary/prometheus.c", "src/summary/blame_pairs.h",
                                       "src/summary/pod_labels.c") if os.path.exists(p)}
    prom = src.get("src/summary/prometheus.c", "")
    for fam in sorted({re.sub(r"_(bucket|sum|count)$", "", n) for n in exporter}):
        check(f"src/summary/prometheus.c serves {fam}",
              f'NS "{fam.removeprefix("runqslower_ts_")}"' in prom, "not found")
    blame = src.get("src/summary/blame_pairs.h", "")
    for culprit in ("self", "throttled", "uncovered"):
        check(f"culprit {culprit} in rules.yml and src/summary/blame_pairs.h",
              culprit in text and f'"{culprit}"' in blame)
    pods = src.get("src/summary/pod_labels.c", "")
    for label in ("uid", "container_id", "qos"):
        check(f"pod label {label} in src/summary/pod_labels.c", f'{label}=\\"' in pods)


def main():
    what = sys.argv[1:] or ["manifests", "names"]
    for w in what:
        try:
            {"manifests": manifests, "names": names}[w]()
        except Exception as e:  # a malformed file: one failure, not a trace
            check(f"{w}: files readable and of the expected shape", False, f"{type(e).__name__}: {e}")
    for what, ok, why in results:
        print(f"PASS {what}" if ok else f"FAIL {what}: {why}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
