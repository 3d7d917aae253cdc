/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_POD_LABELS_H
#define RQS_POD_LABELS_H

#include <stddef.h>

#include "common/k8s_cgroup.h"

/* ,uid="…",container_id="…",qos="…": the most bytes pod_labels() writes,
 * its final '\0' included */
#define POD_LABELS_MAX (sizeof(",uid=\"\",container_id=\"://\",qos=\"besteffort\"") + \
			K8S_UID_MAX + sizeof("containerd") + K8S_CONTAINER_ID_LEN)

/* The labels that join a --by cgroup series with kube-state-metrics, from
 * its cgroup path @cgroup: ",uid=\"<pod UID>\"" then, for a container's
 * cgroup whose runtime is known (from its name, else @runtime),
 * ",container_id=\"<runtime>://<id>\"", then ",qos=\"<class>\"". Writes ""
 * when @cgroup is no pod's cgroup. The length written. */
size_t pod_labels(const char *cgroup, enum k8s_runtime runtime, char buf[POD_LABELS_MAX]);

#endif
