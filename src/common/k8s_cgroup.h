/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_K8S_CGROUP_H
#define RQS_K8S_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

/* A pod's QoS class: the kubelet's parent cgroup of the pod (Guaranteed
 * pods sit directly under kubepods) */
enum k8s_qos {
	K8S_QOS_GUARANTEED = 1,
	K8S_QOS_BURSTABLE,
	K8S_QOS_BESTEFFORT,
};

/* Which container runtime made a container's cgroup, when its name says */
enum k8s_runtime {
	K8S_RUNTIME_UNKNOWN,	/* cgroupfs driver: a bare id (containerd, Docker) */
	K8S_RUNTIME_CONTAINERD,
	K8S_RUNTIME_CRIO,
	K8S_RUNTIME_DOCKER,
};

#define K8S_UID_MAX 64		/* a UUID is 36; a static pod's hash 32 */
#define K8S_CONTAINER_ID_LEN 64	/* 32 random bytes in hex, all three runtimes */

/* What a kubelet pod's cgroup path says */
struct k8s_cgroup {
	enum k8s_qos qos;
	bool systemd;			/* the systemd cgroup driver's names */
	char uid[K8S_UID_MAX + 1];	/* the pod's UID, with its dashes */
	enum k8s_runtime runtime;
	/* the container's id, "" for the pod's own cgroup; CRI-O's conmon
	 * scope has its container's id, and @conmon set */
	char container_id[K8S_CONTAINER_ID_LEN + 1];
	bool conmon;
};

/* @path, a cgroup v2 path from the hierarchy's root ("/kubepods.slice/..."),
 * is a pod's cgroup or one inside it, as the kubelet and its runtime name
 * them: 0 and *@k filled in; else -1. Any prefix before the kubepods
 * cgroup is allowed (a kubelet --cgroup-root, a node in a container). */
int k8s_cgroup_parse(const char *path, struct k8s_cgroup *k);

/* "guaranteed", "burstable", "besteffort" */
const char *k8s_qos_name(enum k8s_qos qos);

/* The container's id as kube-state-metrics' kube_pod_container_info labels
 * it (the pod status's containerID: "containerd://<id>", "cri-o://<id>",
 * "docker://<id>"), its runtime @fallback when the path does not say:
 * the length written, 0 when @k names no container or no runtime is known,
 * or -1 when @size is too small. */
int k8s_container_id_label(const struct k8s_cgroup *k, enum k8s_runtime fallback,
			   char *buf, size_t size);

#endif
