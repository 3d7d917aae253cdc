// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Pods from cgroup paths (src/common/k8s_cgroup.c): any bytes in; a pod
 * found has a UID of lower-case hex and dashes, a QoS class, and a
 * container id that is empty or 64 lower-case hex digits; its label fits
 * or is refused, never overruns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/k8s_cgroup.h"

static void check_hex(const char *s, const char *also)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || strchr(also, *s)))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_cgroup k;
	char *path, label[128], tiny[16];
	size_t n;
	int r;

	path = malloc(size + 1);
	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (k8s_cgroup_parse(path, &k) == 0) {
		if (!strstr(path, "kubepods") || !k.uid[0] || !k8s_qos_name(k.qos)[0])
			abort();
		check_hex(k.uid, "-");
		n = strlen(k.container_id);
		if (n && n != K8S_CONTAINER_ID_LEN)
			abort();
		check_hex(k.container_id, "");
		if (n && !strstr(path, k.container_id))
			abort();
		for (int rt = K8S_RUNTIME_UNKNOWN; rt <= K8S_RUNTIME_DOCKER; rt++) {
			r = k8s_container_id_label(&k, (enum k8s_runtime)rt, label, sizeof(label));
			if (r < 0 || (r > 0 && (size_t)r != strlen(label)) || (r > 0 && !n))
				abort();
			if (k8s_container_id_label(&k, (enum k8s_runtime)rt, tiny, sizeof(tiny)) > 0)
				abort();
		}
	} else if (k.uid[0] || k.container_id[0] || k.qos) {
		abort();
	}
	free(path);
	return 0;
}
