// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Pods and containers from the cgroup paths the kubelet and its runtimes
 * make (src/common/k8s_cgroup.c says where each shape comes from). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/k8s_cgroup.h"

#define UID "3c0d3a4e-6f1b-4a3e-9d2c-1b2a3c4d5e6f"
#define UID_ "3c0d3a4e_6f1b_4a3e_9d2c_1b2a3c4d5e6f"
#define CID "4f8e2d9c1b0a3f5e7d6c8b9a0f1e2d3c4b5a6978e1d2c3b4a5f6e7d8c9b0a1f2"

static struct k8s_cgroup parsed(const char *path)
{
	struct k8s_cgroup k;

	assert_int_equal(k8s_cgroup_parse(path, &k), 0);
	return k;
}

static void not_a_pod(const char *path)
{
	struct k8s_cgroup k;

	if (k8s_cgroup_parse(path, &k) != -1)
		fail_msg("'%s' taken for pod %s, container %s", path, k.uid, k.container_id);
	assert_string_equal(k.uid, "");
}

static void test_systemd_containerd(void **state)
{
	struct k8s_cgroup k;
	char label[96];

	(void)state;
	k = parsed("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
		   ".slice/cri-containerd-" CID ".scope");
	assert_true(k.systemd);
	assert_int_equal(k.qos, K8S_QOS_BURSTABLE);
	assert_string_equal(k8s_qos_name(k.qos), "burstable");
	/* the systemd driver's underscores are the UID's dashes again */
	assert_string_equal(k.uid, UID);
	assert_int_equal(k.runtime, K8S_RUNTIME_CONTAINERD);
	assert_string_equal(k.container_id, CID);
	assert_false(k.conmon);
	assert_int_equal(k8s_container_id_label(&k, K8S_RUNTIME_UNKNOWN, label, sizeof(label)),
			 (int)strlen("containerd://" CID));
	assert_string_equal(label, "containerd://" CID);
}

static void test_systemd_guaranteed_and_besteffort(void **state)
{
	struct k8s_cgroup k;

	(void)state;
	k = parsed("/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" CID ".scope");
	assert_int_equal(k.qos, K8S_QOS_GUARANTEED);
	assert_string_equal(k8s_qos_name(k.qos), "guaranteed");
	assert_string_equal(k.uid, UID);
	k = parsed("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice");
	assert_int_equal(k.qos, K8S_QOS_BESTEFFORT);
	assert_string_equal(k.uid, UID);
	/* the pod's own cgroup: no container */
	assert_string_equal(k.container_id, "");
}

static void test_crio_and_conmon(void **state)
{
	struct k8s_cgroup k;
	char label[96];

	(void)state;
	k = parsed("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
		   ".slice/crio-" CID ".scope");
	assert_int_equal(k.runtime, K8S_RUNTIME_CRIO);
	assert_false(k.conmon);
	assert_int_equal(k8s_container_id_label(&k, K8S_RUNTIME_CONTAINERD, label, sizeof(label)),
			 (int)strlen("cri-o://" CID));
	assert_string_equal(label, "cri-o://" CID);
	k = parsed("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
		   ".slice/crio-conmon-" CID ".scope");
	assert_int_equal(k.runtime, K8S_RUNTIME_CRIO);
	assert_true(k.conmon);
	assert_string_equal(k.container_id, CID);
	/* cgroupfs: the same names without ".scope" */
	k = parsed("/kubepods/burstable/pod" UID "/crio-" CID);
	assert_false(k.systemd);
	assert_int_equal(k.runtime, K8S_RUNTIME_CRIO);
	assert_string_equal(k.container_id, CID);
	k = parsed("/kubepods/burstable/pod" UID "/crio-conmon-" CID);
	assert_true(k.conmon);
}

static void test_docker(void **state)
{
	struct k8s_cgroup k;
	char label[96];

	(void)state;
	k = parsed("/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" CID ".scope");
	assert_int_equal(k.runtime, K8S_RUNTIME_DOCKER);
	assert_int_equal(k8s_container_id_label(&k, K8S_RUNTIME_UNKNOWN, label, sizeof(label)),
			 (int)strlen("docker://" CID));
	assert_string_equal(label, "docker://" CID);
}

static void test_cgroupfs_bare_id(void **state)
{
	struct k8s_cgroup k;
	char label[96];

	(void)state;
	k = parsed("/kubepods/besteffort/pod" UID "/" CID);
	assert_false(k.systemd);
	assert_int_equal(k.qos, K8S_QOS_BESTEFFORT);
	assert_string_equal(k.uid, UID);
	assert_string_equal(k.container_id, CID);
	/* containerd's or Docker's: the path does not say */
	assert_int_equal(k.runtime, K8S_RUNTIME_UNKNOWN);
	assert_int_equal(k8s_container_id_label(&k, K8S_RUNTIME_UNKNOWN, label, sizeof(label)), 0);
	assert_int_equal(k8s_container_id_label(&k, K8S_RUNTIME_CONTAINERD, label, sizeof(label)),
			 (int)strlen("containerd://" CID));
	assert_string_equal(label, "containerd://" CID);
	assert_int_equal(k8s_container_id_label(&k, K8S_RUNTIME_CONTAINERD, label, 20), -1);
	k = parsed("/kubepods/pod" UID "/" CID);
	assert_int_equal(k.qos, K8S_QOS_GUARANTEED);
	/* cgroupfs names no container "docker-<id>" */
	k = parsed("/kubepods/pod" UID "/docker-" CID);
	assert_string_equal(k.container_id, "");
}

static void test_cgroup_root_prefix(void **state)
{
	struct k8s_cgroup k;

	(void)state;
	/* kind: kubelet --cgroup-root=/kubelet, inside the node container's
	 * own scope on the host */
	k = parsed("/system.slice/docker-" CID ".scope/kubelet.slice/kubelet-kubepods.slice/"
		   "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID_
		   ".slice/cri-containerd-" CID ".scope");
	assert_int_equal(k.qos, K8S_QOS_BESTEFFORT);
	assert_string_equal(k.uid, UID);
	assert_int_equal(k.runtime, K8S_RUNTIME_CONTAINERD);
	k = parsed("/kubelet/kubepods/burstable/pod" UID "/" CID);
	assert_int_equal(k.qos, K8S_QOS_BURSTABLE);
	/* a process's own cgroup below the container's */
	k = parsed("/kubepods/burstable/pod" UID "/" CID "/sub");
	assert_string_equal(k.container_id, CID);
}

static void test_static_pod_hash(void **state)
{
	struct k8s_cgroup k;

	(void)state;
	/* a static pod's UID is the kubelet's hash of its manifest: 32 hex */
	k = parsed("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
		   "5e8b2f0d9a1c4b7e8f6a3d2c1b0a9e8f.slice");
	assert_string_equal(k.uid, "5e8b2f0d9a1c4b7e8f6a3d2c1b0a9e8f");
}

static void test_not_pods(void **state)
{
	(void)state;
	not_a_pod("/");
	not_a_pod("");
	not_a_pod("/system.slice/containerd.service");
	not_a_pod("/kubepods.slice");
	not_a_pod("/kubepods.slice/kubepods-burstable.slice");
	not_a_pod("/kubepods");
	not_a_pod("/kubepods/burstable");
	not_a_pod("/kubepods/burstable/notapod");
	/* a systemd name keeps no dash in a UID: it would be a step */
	not_a_pod("/kubepods.slice/kubepods-pod" UID ".slice");
	/* cgroupfs names have no underscores */
	not_a_pod("/kubepods/pod" UID_);
	not_a_pod("/kubepods/podABCDEF");
	not_a_pod("/kubepods/pod");
	/* a pod slice of another QoS class than its parent's */
	not_a_pod("/kubepods.slice/kubepods-burstable.slice/kubepods-besteffort-pod" UID_ ".slice");
	/* a slice that only ends like kubepods' */
	not_a_pod("/-kubepods.slice/-kubepods-pod" UID_ ".slice");
	not_a_pod("/kubepods.slice/kubepods-pod" UID_ ".scope");
	not_a_pod("/kubepods.slice/kubepods-.slice");
	not_a_pod("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-.slice");
	/* a UID longer than any the kubelet makes */
	not_a_pod("/kubepods/pod0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0");
}

static void test_not_containers(void **state)
{
	struct k8s_cgroup k;

	(void)state;
	/* an id of another length or case, or another unit type */
	k = parsed("/kubepods/pod" UID "/4f8e2d9c");
	assert_string_equal(k.container_id, "");
	k = parsed("/kubepods/pod" UID "/4F8E2D9C1B0A3F5E7D6C8B9A0F1E2D3C4B5A6978E1D2C3B4A5F6E7D8C9B0A1F2");
	assert_string_equal(k.container_id, "");
	k = parsed("/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" CID ".service");
	assert_string_equal(k.container_id, "");
	k = parsed("/kubepods.slice/kubepods-pod" UID_ ".slice/" CID);
	assert_string_equal(k.container_id, "");
	assert_int_equal(k.runtime, K8S_RUNTIME_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_systemd_containerd),
		cmocka_unit_test(test_systemd_guaranteed_and_besteffort),
		cmocka_unit_test(test_crio_and_conmon),
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_cgroupfs_bare_id),
		cmocka_unit_test(test_cgroup_root_prefix),
		cmocka_unit_test(test_static_pod_hash),
		cmocka_unit_test(test_not_pods),
		cmocka_unit_test(test_not_containers),
	};

	return cmocka_run_group_tests_name("k8s_cgroup", tests, NULL, NULL);
}
