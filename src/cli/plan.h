/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The plan of a run: everything the command line decides, worked out once
 * and passed to the tracer, the printers, the summary and the exporter.
 * Past the plan no module reads the command line. */
#ifndef RQS_PLAN_H
#define RQS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "../../bpf/runqslower.h"
#include "../../bpf/histogram.h"
#include "common/storage_mode.h"
#include "cli/output_format.h"

struct web_config;

struct options;

/* --metrics without printed waits: the loss lines' default pace (seconds) */
#define RQS_LOSS_EVERY_S 60

/* Which programs of the object load (trace/program_table.c names them):
 * bpf/runqslower.bpf.c builds each tracepoint's program twice. */
enum program_set {
	PROGS_PLAIN = 1 << 0,	/* handle_*: the options' code compiled out */
	PROGS_EXT = 1 << 1,	/* ext_*: with -W, --cpu, -B, -j, -c, --cgroup */
	PROGS_WAKER = 1 << 2,	/* -W: sched_waking and the interrupt contexts */
	PROGS_BLAME = 1 << 3,	/* -B, --blame-by cgroup: sched_migrate_task */
};

/* The form of an output: -j makes every line of stdout a JSON record */
enum output_form {
	FORM_TEXT,
	FORM_JSON,
};

/* The first line(s) on stdout */
enum banner_kind {
	BANNER_COLUMNS,		/* the outliers' header */
	BANNER_SUMMARY,		/* --no-outliers: what the summary will print */
	BANNER_JSON,		/* -j: the start record, whatever else is on */
};

/* -s and what implies it */
struct summary_plan {
	bool enabled;		/* the programs keep histograms */
	bool print;		/* printed at exit (and every @interval) */
	unsigned int interval;	/* -i SECS; 0: at exit only */
	enum output_form form;	/* the histograms, and the serving line */
	enum rqs_by by;
	bool keyed;		/* --by comm|cgroup: a histogram a key, in a map */
	unsigned int max_keys;	/* of so many keys; waits of others: overflow */
	bool blame_cgroup;	/* --blame-by cgroup: as many pairs at most */
	/* --bucket-range: the buckets shown (summary/log2_hist.h) */
	unsigned long long bucket_low_us, bucket_high_us;
	bool metrics;		/* served on --metrics */
	char metrics_addr[256];
	unsigned int metrics_port;
	unsigned int retire_after; /* --metrics: retired series kept SECS */
	unsigned int metrics_max_bytes; /* the series' bytes on a page */
	const char *web_config;	/* --web-config FILE */
	const char *cgroup_root;	/* --cgroup-root, resolved; NULL */
	int container_runtime;	/* enum k8s_runtime, for pod labels */
	/* its contents, read before the plan is made (main.c); NULL without */
	const struct web_config *web;
	bool https;		/* the file configures TLS */
};

struct plan {
	/* the BPF side */
	enum storage_mode storage;	/* task or hash, never auto */
	struct rqs_config cfg;		/* the programs' read-only data */
	unsigned int programs;		/* enum program_set */
	size_t event_size;		/* the bytes of each event filled */
	unsigned int ringbuf_bytes;
	unsigned int hash_entries;	/* hash mode: the start and wakers maps */
	unsigned int hist_keys;		/* entries of the keyed histogram map */
	unsigned int hist_key_size;	/* its key size; 0: the object's */
	/* the outputs */
	struct output_format format;	/* of each wait over the threshold */
	bool outliers;			/* those are printed (not --no-outliers) */
	bool stats;			/* --stats at exit */
	enum banner_kind banner;
	/* --stats: text on stderr, or JSON records on stdout */
	enum output_form stats_form;
	/* losses: text on stderr, and with FORM_JSON records on stdout too */
	enum output_form loss_form;
	/* at most one loss line a kind this often; 0: every second, what is new */
	unsigned int loss_every_s;
	struct summary_plan summary;
	/* the run */
	unsigned long long min_us;
	unsigned long long duration_s;	/* 0: until interrupted */
	int pids[RQS_MAX_TGIDS];	/* -p: the run ends when all have exited */
	int npids;
	int tid;			/* -t: likewise */
	char comm[RQS_COMM_LEN];	/* -c, for the start record */
	const char *cgroup;		/* --cgroup as given, likewise */
	/* --cgroup-root, resolved (main.c): where cgroup names are read;
	 * NULL: the first cgroup2 mount */
	const char *cgroup_root;
	bool verbose;			/* libbpf's log on stderr */
	bool keep_capabilities;		/* not dropped once attached */
};

/* Pure: the same options and storage mode give the same plan. @storage is
 * the mode chosen for this kernel (trace/storage_choice.c), never auto. */
void plan_from_options(const struct options *opts, enum storage_mode storage,
		       struct plan *plan);

/* --metrics: the page's URL, http(s)://ADDR:PORT/metrics ([ADDR] for IPv6) */
void plan_metrics_url(const struct summary_plan *s, char *buf, size_t size);

#endif
