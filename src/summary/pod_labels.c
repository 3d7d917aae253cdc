// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Pod and container labels for --by cgroup series, named as
 * kube-state-metrics names them (kube_pod_info{uid},
 * kube_pod_container_info{container_id}), so that a PromQL join needs no
 * relabelling. A UID and a container id are [0-9a-f-] only: no escaping. */
#include <stdio.h>

#include "summary/pod_labels.h"

size_t pod_labels(const char *cgroup, enum k8s_runtime runtime, char buf[POD_LABELS_MAX])
{
	char id[sizeof("containerd://") + K8S_CONTAINER_ID_LEN];
	struct k8s_cgroup k;
	int n;

	buf[0] = '\0';
	if (!cgroup || k8s_cgroup_parse(cgroup, &k))
		return 0;
	/* CRI-O's monitor is not the container: the pod's labels only */
	if (k.conmon || k8s_container_id_label(&k, runtime, id, sizeof(id)) <= 0)
		id[0] = '\0';
	n = snprintf(buf, POD_LABELS_MAX, ",uid=\"%s\"%s%s%s,qos=\"%s\"", k.uid,
		     id[0] ? ",container_id=\"" : "", id, id[0] ? "\"" : "",
		     k8s_qos_name(k.qos));
	if (n < 0 || (size_t)n >= POD_LABELS_MAX) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}
