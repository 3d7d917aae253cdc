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
/* -B: a ring buffer this many times larger, for its 1.1 KB events (the
 * reader is still woken at RQS_RINGBUF_WAKEUP_BYTES unread) */
#define RQS_RINGBUF_BLAME_FACTOR 8
/* -p takes at most this many processes */
#define RQS_MAX_TGIDS 16

/* -B: slots of the per-CPU record of what ran; -B N takes at most this many */
#define RQS_BLAME_SLOTS 32

/* --blame-by cgroup: slots of the per-CPU record of which cgroup ran */
#define RQS_CGBLAME_SLOTS 32
/* blame_pairs: the culprits that are not a cgroup */
#define RQS_CULPRIT_THROTTLED (~0ULL)		/* its own group's CFS quota */
#define RQS_CULPRIT_UNCOVERED (~0ULL - 1)	/* the record did not reach back */

/* --blame-by cgroup: the time tasks of @culprit held the CPU while a task
 * of @cgroup waited for it (cgroup v2 ids; @culprit == @cgroup: its own) */
struct rqs_blame_key {
	__u64 cgroup;
	__u64 culprit;
};

/* How a task came to wait (-W): rqs_enqueue.how */
enum rqs_wake_how {
	RQS_WAKE_WAKEUP = 1,	/* woken by the waker, in task context */
	RQS_WAKE_IRQ,		/* woken from a hard irq or hard hrtimer: waker = interrupted
				 * task; rqs_waker.irq and .hrtimer name the interrupt */
	RQS_WAKE_SOFTIRQ,	/* woken while serving a softirq: likewise; rqs_waker.softirq */
	RQS_WAKE_NEW,		/* a new task: waker = its creator */
	RQS_WAKE_PREEMPTED,	/* switched out still runnable: waker = the task that replaced it */
};

/* What a task's storage (or hash value) holds while it waits: written at
 * enqueue, so that the switch-in needs no other lookup. With -W and --cpu off
 * only @ts is written. */
struct rqs_waker {
	__u32 tid;
	__u8 how;		/* enum rqs_wake_how; 0: not seen */
	/* set at sched_waking, read only for the how they belong to: */
	__u8 softirq;		/* RQS_WAKE_SOFTIRQ: softirq_entry's vec + 1; 0 unknown */
	__u8 hrtimer;		/* RQS_WAKE_IRQ: 1 inside a hard hrtimer's expiry */
	__u8 pad;
	char comm[RQS_COMM_LEN];
	__u32 irq;		/* RQS_WAKE_IRQ: irq_handler_entry's irq + 1; 0 none */
};

#define RQS_RQ_UNKNOWN 0xffffffffU

struct rqs_enqueue {
	__u64 ts;		/* when it became runnable; 0: not waiting */
	struct rqs_waker waker;	/* -W */
	__s32 cpu;		/* --cpu: the CPU whose run queue it joined */
	__u32 rq_len;		/* --cpu: tasks already on that run queue, the running
				 * one included; RQS_RQ_UNKNOWN where it cannot be read */
	__u32 runs;		/* task_runs() at enqueue: a pending @ts whose task
				 * has run since is stale (its switch-in was missed) */
};

/* A task's storage (or hash value): its enqueue, and what --blame-by
 * cgroup keeps of its wait (bpf/cgroup_blame.bpf.h) */
struct rqs_pending {
	struct rqs_enqueue enq;
	__u64 thr_ns;		/* its group's throttled time on its CPU at the
				 * enqueue, or at its last move */
	__u64 moved_ts;		/* its last move while queued; 0: none */
};

/* -B: one run of a task on a CPU the waiter was queued on, inside the
 * part of the wait it was queued there */
struct rqs_blame {
	__u64 ns;
	char comm[RQS_COMM_LEN];	/* empty with RQS_BLAME_EXITED */
	__u32 tid;
	__s16 cpu;		/* the CPU of that run */
	__u16 flags;		/* RQS_BLAME_* */
	__u64 cgroup;		/* its cgroup v2 id at the report; 0: unknown
				 * (the idle task, or RQS_BLAME_EXITED) */
};

/* rqs_event.throttled_ns on a kernel without the count (before 6.6, or
 * without CONFIG_FAIR_GROUP_SCHED) */
#define RQS_THROTTLED_UNKNOWN (~0ULL)

/* rqs_blame.flags: the task exited before the report, and its COMM could
 * not be read any more */
#define RQS_BLAME_EXITED 1
/* rqs_blame.flags: a switch on that CPU during the run was not seen (a
 * missed or hidden sched_switch): another task, unknown, held the CPU for
 * an unknown part of @ns */
#define RQS_BLAME_UNSEEN 2

/* One run-queue wait over the threshold: @pid (of process @tgid) waited
 * @delta_ns before it ran at @ts_ns (bpf_ktime_get_ns(), CLOCK_MONOTONIC);
 * @prev_pid was the task it replaced on the CPU. The fields from @enq on are
 * reserved and filled only with cfg.details (-W, --cpu, -B, -j), @blame only
 * with cfg.blame: see RQS_EVENT_*_SIZE. */
struct rqs_event {
	__u64 delta_ns;
	__u32 pid;
	__u32 prev_pid;
	char task[RQS_COMM_LEN];
	char prev_task[RQS_COMM_LEN];
	__u64 ts_ns;
	__u32 tgid;
	__s32 cpu;		/* the CPU it ran on */
	__u64 cgroup;		/* --by cgroup: its cgroup v2 id (the key of
				 * its histogram); else 0 */
	/* cfg.details */
	struct rqs_enqueue enq;	/* how and where it was queued (-W, --cpu) */
	/* cfg.blame */
	__u32 nr_blame;		/* entries used in @blame */
	__u32 pad2;
	__u64 throttled_ns;	/* of the wait, its group's CFS bandwidth
				 * throttling (RQS_THROTTLED_UNKNOWN: no count) */
	struct rqs_blame blame[RQS_BLAME_SLOTS];
};

#define RQS_EVENT_BASE_SIZE __builtin_offsetof(struct rqs_event, enq)
#define RQS_EVENT_DETAILS_SIZE __builtin_offsetof(struct rqs_event, nr_blame)
#define RQS_EVENT_BLAME_SIZE sizeof(struct rqs_event)
/* The bytes of an event the programs fill, from cfg.details and cfg.blame:
 * the one rule, for the programs and the frontend alike */
#define RQS_EVENT_SIZE(details, blame) \
	((blame) ? RQS_EVENT_BLAME_SIZE : (details) ? RQS_EVENT_DETAILS_SIZE : RQS_EVENT_BASE_SIZE)

/* What one event of @size bytes takes in the ring buffer: an 8-byte header
 * (BPF_RINGBUF_HDR_SZ), the record, rounded up to 8 bytes. */
#define RQS_RINGBUF_RECORD_BYTES(size) (((size) + 8 + 7) & ~7UL)

/* Set by the frontend before load; read-only (and so constant-folded by
 * the verifier) in the programs. */
struct rqs_config {
	__u64 min_ns;    /* report waits >= min_ns; 0 reports every wait */
	__s32 targ_tgids[RQS_MAX_TGIDS]; /* the first ntgids are traced */
	__u32 ntgids;	 /* 0: every process */
	__s32 targ_pid;  /* 0: every thread */
	__u8 previous;   /* also record the previous task */
	__u8 waker;      /* -W: record who made it runnable */
	__u8 cpu;        /* --cpu: record the run queue it joined */
	__u8 details;    /* fill the event's details (any of -W, --cpu, -B, -j) */
	__u8 blame;      /* -B: keep the per-CPU record of what ran */
	__s32 cgroup_level; /* --cgroup: the directory's level in the v2 tree */
	__u64 cgroup_id;    /* --cgroup: 0, or the directory's id (inode number) */
	/* -c: a COMM matches when (comm ^ comm_want) & comm_mask is 0, both
	 * read as two 8-byte words; comm_mask[0] is 0 when -c is off */
	__u64 comm_want[2];
	__u64 comm_mask[2];
	__u8 summary;    /* -s: histogram of every wait (bpf/histogram.bpf.h) */
	__u8 by;         /* --by: enum rqs_by */
	__u8 hist_halves; /* -s: 2 with -i (a half per generation parity), else 1 */
	__u8 hot_create; /* task mode: the tracing programs may create task storage
			  * (local storage from bpf_mem_alloc: storage_task.bpf.h) */
	__u8 blame_cgroup; /* --blame-by cgroup: every wait charged to the cgroups
			    * that held its CPU (bpf/cgroup_blame.bpf.h) */
};


/* Per-CPU counters, summed by the frontend. */
enum rqs_counter {
	RQS_LOST_RINGBUF,    /* an event over the threshold found the ring buffer full */
	RQS_LOST_STORAGE,    /* a wakeup could not be recorded (hash full, no storage) */
	RQS_STORAGE_CREATED, /* task mode: storage created for a new task, at task_newtask */
	RQS_STORAGE_CREATED_HOT, /* task mode, cfg.hot_create: storage created by
				  * a tracing program, for a task that had none */
	RQS_NEGATIVE_WAIT,   /* a switch-in earlier than its enqueue time: dropped */
	RQS_OVER_THRESHOLD,  /* a wait over the threshold: = events emitted + RQS_LOST_RINGBUF */
	RQS_MISSED_SWITCH_IN, /* an enqueue found a time pending from before the
			       * task last ran: that wait's end was not seen */
	RQS_LOST_WAKER,      /* -W: a waker could not be noted (hash full, no storage) */
	RQS_NR_COUNTERS,
};

#endif
