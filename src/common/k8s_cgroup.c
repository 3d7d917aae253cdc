// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Kubernetes pods and containers from their cgroup v2 paths.
 *
 * The kubelet (pkg/kubelet/cm) puts every pod under the node-allocatable
 * cgroup "kubepods" (node_container_manager_linux.go), Burstable and
 * BestEffort pods in a QoS cgroup below it named by the lower-cased class,
 * Guaranteed pods directly in it (qos_container_manager_linux.go), each pod
 * in "pod" + its UID (pod_container_manager_linux.go). With the cgroupfs
 * driver those are the directory names:
 *   /kubepods/burstable/pod1a2b3c4d-...-.../<container>
 * The systemd driver (cgroup_manager_linux.go, ToSystemd) turns each name's
 * "-" into "_", since systemd reads "-" as a step in the slice hierarchy,
 * and nests slices named by the whole path so far:
 *   /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_..._....slice/<container>
 * A kubelet --cgroup-root (kind's "/kubelet") prefixes the names: with
 * systemd "kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod...".
 *
 * The runtime names the container's cgroup inside the pod's:
 * - containerd (CRI plugin, getCgroupsPath()): "<parent>:cri-containerd:<id>"
 *   for systemd, which runc makes "cri-containerd-<id>.scope"; the bare id
 *   under cgroupfs;
 * - CRI-O (internal/config/cgmgr): "crio-<id>.scope", and its monitor's
 *   "crio-conmon-<id>.scope", for systemd; "crio-<id>" and
 *   "crio-conmon-<id>" under cgroupfs;
 * - Docker (cri-dockerd, as dockershim did): "docker-<id>.scope" for
 *   systemd, the bare id under cgroupfs.
 * All three make ids of 32 random bytes in hex (containerd's GenerateID,
 * moby's stringid). A bare id does not say which runtime made it. */
#include <string.h>
#include <stdio.h>

#include "common/k8s_cgroup.h"

/* One component of a path: @s, @len bytes */
struct part {
	const char *s;
	size_t len;
};

static bool part_is(struct part p, const char *want)
{
	return p.len == strlen(want) && !memcmp(p.s, want, p.len);
}

static bool has_prefix(struct part p, const char *pre, size_t n)
{
	return p.len >= n && !memcmp(p.s, pre, n);
}

static bool has_suffix(struct part p, const char *suf)
{
	size_t n = strlen(suf);

	return p.len >= n && !memcmp(p.s + p.len - n, suf, n);
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The next component of *@rest ("/" separated, empty ones skipped): 0, or
 * -1 at the end */
static int next_part(const char **rest, struct part *p)
{
	const char *s = *rest, *e;

	while (*s == '/')
		s++;
	if (!*s)
		return -1;
	e = strchr(s, '/');
	if (!e)
		e = s + strlen(s);
	p->s = s;
	p->len = (size_t)(e - s);
	*rest = e;
	return 0;
}

/* "pod" + UID, its dashes written @dash ('_' under systemd): the UID with
 * its dashes into k->uid */
static bool pod_uid(struct part p, char dash, struct k8s_cgroup *k)
{
	size_t n;

	if (!has_prefix(p, "pod", 3))
		return false;
	n = p.len - 3;
	if (!n || n > K8S_UID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p.s[3 + i];

		if (c == dash)
			c = '-';
		else if (!is_lower_hex(c))
			return false;
		k->uid[i] = c;
	}
	k->uid[n] = '\0';
	return true;
}

/* @p is exactly a container id: into k->container_id */
static bool container_id(struct part p, struct k8s_cgroup *k)
{
	if (p.len != K8S_CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < p.len; i++)
		if (!is_lower_hex(p.s[i]))
			return false;
	memcpy(k->container_id, p.s, p.len);
	k->container_id[p.len] = '\0';
	return true;
}

/* The container's cgroup in the pod's: sets k->runtime and the id, or
 * leaves them empty for a name no runtime makes */
static void container_of(struct part p, struct k8s_cgroup *k)
{
	static const struct {
		const char *prefix;
		enum k8s_runtime runtime;
		bool conmon;
	} names[] = {
		/* conmon's first: it begins as CRI-O's container does */
		{ "crio-conmon-", K8S_RUNTIME_CRIO, true },
		{ "crio-", K8S_RUNTIME_CRIO, false },
		{ "cri-containerd-", K8S_RUNTIME_CONTAINERD, false },
		{ "docker-", K8S_RUNTIME_DOCKER, false },
	};

	if (k->systemd) {
		if (!has_suffix(p, ".scope"))
			return;
		p.len -= strlen(".scope");
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].prefix);
		struct part id = { p.s + n, p.len - n };

		if (!has_prefix(p, names[i].prefix, n))
			continue;
		/* cgroupfs: only CRI-O prefixes its names */
		if (!k->systemd && names[i].runtime != K8S_RUNTIME_CRIO)
			return;
		if (container_id(id, k)) {
			k->runtime = names[i].runtime;
			k->conmon = names[i].conmon;
		}
		return;
	}
	if (!k->systemd)
		container_id(p, k);
}

/* systemd: after "<P>.slice" (P "kubepods" or "<root>-kubepods"), the QoS
 * slice "<P>-burstable.slice" or "<P>-besteffort.slice" and then
 * "<P>-<qos>-pod<uid>.slice", or directly "<P>-pod<uid>.slice" */
static bool systemd_pod(struct part kp, const char **rest, struct k8s_cgroup *k)
{
	char pre[256 + sizeof("-besteffort-")];
	struct part p, pod;
	size_t n;

	/* "<P>-", then "<P>-<qos>-" */
	n = kp.len - strlen(".slice");
	if (n + sizeof("-besteffort-") > sizeof(pre))
		return false;
	memcpy(pre, kp.s, n);
	pre[n++] = '-';
	if (next_part(rest, &p) || !has_prefix(p, pre, n) || !has_suffix(p, ".slice"))
		return false;
	k->qos = K8S_QOS_GUARANTEED;
	if (p.len < n + strlen(".slice"))
		return false;
	pod = (struct part){ p.s + n, p.len - n - strlen(".slice") };
	if (part_is(pod, "burstable") || part_is(pod, "besteffort")) {
		k->qos = part_is(pod, "burstable") ? K8S_QOS_BURSTABLE : K8S_QOS_BESTEFFORT;
		memcpy(pre + n, pod.s, pod.len);
		n += pod.len;
		pre[n++] = '-';
		if (next_part(rest, &p) || !has_prefix(p, pre, n) || !has_suffix(p, ".slice") ||
		    p.len < n + strlen(".slice"))
			return false;
		pod = (struct part){ p.s + n, p.len - n - strlen(".slice") };
	}
	return pod_uid(pod, '_', k);
}

/* cgroupfs: after "kubepods", "burstable" or "besteffort" and then
 * "pod<uid>", or directly "pod<uid>" */
static bool cgroupfs_pod(const char **rest, struct k8s_cgroup *k)
{
	struct part p;

	if (next_part(rest, &p))
		return false;
	k->qos = K8S_QOS_GUARANTEED;
	if (part_is(p, "burstable") || part_is(p, "besteffort")) {
		k->qos = part_is(p, "burstable") ? K8S_QOS_BURSTABLE : K8S_QOS_BESTEFFORT;
		if (next_part(rest, &p))
			return false;
	}
	return pod_uid(p, '-', k);
}

int k8s_cgroup_parse(const char *path, struct k8s_cgroup *k)
{
	const char *rest = path;
	struct part p;
	bool found;

	memset(k, 0, sizeof(*k));
	while (!next_part(&rest, &p)) {
		if (part_is(p, "kubepods")) {
			const char *at = rest;

			k->systemd = false;
			found = cgroupfs_pod(&at, k);
			if (found)
				rest = at;
		} else if (part_is(p, "kubepods.slice") ||
			   (has_suffix(p, "-kubepods.slice") && p.len > strlen("-kubepods.slice"))) {
			const char *at = rest;

			k->systemd = true;
			found = systemd_pod(p, &at, k);
			if (found)
				rest = at;
		} else {
			continue;
		}
		if (!found) {
			memset(k, 0, sizeof(*k));
			continue;
		}
		if (!next_part(&rest, &p))
			container_of(p, k);
		return 0;
	}
	memset(k, 0, sizeof(*k));
	return -1;
}

const char *k8s_qos_name(enum k8s_qos qos)
{
	switch (qos) {
	case K8S_QOS_GUARANTEED: return "guaranteed";
	case K8S_QOS_BURSTABLE: return "burstable";
	case K8S_QOS_BESTEFFORT: return "besteffort";
	}
	return "";
}

int k8s_container_id_label(const struct k8s_cgroup *k, enum k8s_runtime fallback,
			   char *buf, size_t size)
{
	enum k8s_runtime r = k->runtime ? k->runtime : fallback;
	const char *scheme;
	int n;

	if (!k->container_id[0])
		return 0;
	switch (r) {
	case K8S_RUNTIME_CONTAINERD: scheme = "containerd"; break;
	case K8S_RUNTIME_CRIO: scheme = "cri-o"; break;
	case K8S_RUNTIME_DOCKER: scheme = "docker"; break;
	default: return 0;
	}
	n = snprintf(buf, size, "%s://%s", scheme, k->container_id);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
