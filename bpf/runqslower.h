/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Types shared by the BPF programs and the userspace frontend. */
#ifndef RUNQSLOWER_H
#define RUNQSLOWER_H

#define RQS_COMM_LEN 16
#define RQS_RINGBUF_BYTES (1024 * 1024)
/* The frontend reads the ring buffer every RQS_POLL_MS, so a line is printed
 * at most that late; the programs wake it sooner only once the ring buffer
 * holds RQS_RINGBUF_WAKEUP_BYTES unread. */
#define RQS_POLL_MS 100
#define RQS_RINGBUF_WAKEUP_BYTES (RQS_RINGBUF_BYTES / 2)
/* -p takes at most this many processes */
#define RQS_MAX_TGIDS 16

/* One run-queue wait over the threshold: @pid (of process @tgid) waited
 * @delta_ns before it ran at @ts_ns (bpf_ktime_get_ns(), CLOCK_MONOTONIC);
 * @prev_pid was the task it replaced on the CPU. */
struct rqs_event {
	__u64 delta_ns;
	__u32 pid;
	__u32 prev_pid;
	char task[RQS_COMM_LEN];
	char prev_task[RQS_COMM_LEN];
	__u64 ts_ns;
	__u32 tgid;
	__u32 pad;
};

/* What one event takes in the ring buffer: an 8-byte header
 * (BPF_RINGBUF_HDR_SZ), the record, rounded up to 8 bytes. */
#define RQS_RINGBUF_RECORD_BYTES ((sizeof(struct rqs_event) + 8 + 7) & ~7UL)

/* Set by the frontend before load; read-only (and so constant-folded by
 * the verifier) in the programs. */
struct rqs_config {
	__u64 min_ns;    /* report waits >= min_ns; 0 reports every wait */
	__s32 targ_tgids[RQS_MAX_TGIDS]; /* the first ntgids are traced */
	__u32 ntgids;	 /* 0: every process */
	__s32 targ_pid;  /* 0: every thread */
	__u8 previous;   /* also record the previous task */
};

/* Per-CPU counters, summed by the frontend. */
enum rqs_counter {
	RQS_LOST_RINGBUF,    /* an event over the threshold found the ring buffer full */
	RQS_LOST_STORAGE,    /* a wakeup could not be recorded (hash full, no storage) */
	RQS_STORAGE_CREATED, /* task storage created for a task (task mode only) */
	RQS_NEGATIVE_WAIT,   /* a switch-in earlier than its enqueue time: dropped */
	RQS_OVER_THRESHOLD,  /* a wait over the threshold: = events emitted + RQS_LOST_RINGBUF */
	RQS_NR_COUNTERS,
};

#endif
