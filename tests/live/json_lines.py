#!/usr/bin/env python3
"""Checks a -j run's stdout: every line one JSON object with a type, the
start record first, and the records the options promise (see runqslower-ts(8),
JSON OUTPUT). Each summary record is checked against itself: the count is
its buckets', the mean its sum over its count, the sum within its buckets'
bounds, the percentiles and the maximum inside the buckets.
  json_lines.py FILE KEY=VALUE...
    summary=none|final|intervals  what summaries the run must print
    by=none|cpu|comm|cgroup       their keys
    events=0|1  stats=0|1         event records (of the waiter), stats records
    waiter=TID                    with events=1: the generator's waiter,
                                  whose waits are over 10 ms (and with
                                  by=comm, those of "waiter"; without it
                                  no waiter is looked for)
Prints one line of figures; exits 1 after a line saying what is wrong."""
import json
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check_summary(r, by, n):
    where = "line %d (%s)" % (n, r.get("key", "-"))
    for k in ("final", "time", "mono_ns", "seconds", "count", "sum_ns", "buckets", "percentiles"):
        if k not in r:
            fail("%s: no %s" % (where, k))
    if by == "none" and ("key" in r or "by" in r):
        fail("%s: a key without --by" % where)
    if by != "none" and r.get("by") != by:
        fail("%s: by is %r" % (where, r.get("by")))
    b = r["buckets"]
    count = sum(x["count"] for x in b)
    if count != r["count"]:
        fail("%s: count %d, the buckets hold %d" % (where, r["count"], count))
    if not count:
        if r["sum_ns"] or "mean_us" in r or r["percentiles"] or "key" in r or "max" in r:
            fail("%s: an empty summary with figures: %s" % (where, r))
        return
    if r["mean_us"] != r["sum_ns"] // count // 1000:
        fail("%s: mean %d us, sum %d ns over %d" % (where, r["mean_us"], r["sum_ns"], count))
    lo = sum(x["count"] * x["low_us"] for x in b) * 1000
    if r["sum_ns"] < lo:
        fail("%s: sum %d ns below its buckets' %d" % (where, r["sum_ns"], lo))
    if b[-1]["high_us"] is not None:
        hi = sum(x["count"] * (x["high_us"] + 1) for x in b) * 1000
        if r["sum_ns"] > hi:
            fail("%s: sum %d ns above its buckets' %d" % (where, r["sum_ns"], hi))
    if b[-1]["count"] == 0:
        fail("%s: the last bucket is empty" % where)
    for i, x in enumerate(b):
        if x["low_us"] != (0 if i == 0 else 1 << i):
            fail("%s: bucket %d starts at %d" % (where, i, x["low_us"]))
    for q in ("p50", "p90", "p99", "p99.9"):
        p = r["percentiles"].get(q)
        if not p or p["low_us"] > b[-1]["low_us"] or (p["high_us"] is not None and p["high_us"] < p["low_us"]):
            fail("%s: %s is %r" % (where, q, p))
    m = r.get("max")
    if m:
        if m["us"] != m["ns"] // 1000 or not (b[-1]["low_us"] <= m["us"] and
                                              (b[-1]["high_us"] is None or m["us"] <= b[-1]["high_us"])):
            fail("%s: max %r outside the last bucket %r" % (where, m, b[-1]))


def main():
    path = sys.argv[1]
    want = dict(a.split("=", 1) for a in sys.argv[2:])
    by = want.get("by", "none")
    recs = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            try:
                r = json.loads(line)
            except ValueError as e:
                fail("line %d is not JSON (%s): %r" % (n, e, line[:120]))
            if not isinstance(r, dict) or not isinstance(r.get("type"), str):
                fail("line %d has no type: %r" % (n, line[:120]))
            recs.append((n, r))
    if not recs or recs[0][1]["type"] != "start":
        fail("the first record is not the start record")
    types = {}
    for n, r in recs:
        types[r["type"]] = types.get(r["type"], 0) + 1
    sums = [(n, r) for n, r in recs if r["type"] == "summary"]
    for n, r in sums:
        check_summary(r, by, n)
    intervals = {r["mono_ns"] for n, r in sums if not r["final"]}
    finals = {r["mono_ns"] for n, r in sums if r["final"]}
    s = want.get("summary", "none")
    if s == "none" and sums:
        fail("%d summary records, none asked for" % len(sums))
    if s != "none" and len(finals) != 1:
        fail("%d final summaries" % len(finals))
    if s == "intervals" and not intervals:
        fail("no interval summary")
    if s == "final" and intervals:
        fail("interval summaries without -i")
    if sums and sums[-1][1]["final"] is not True:
        fail("the last summary is not the final one")
    if by == "cpu" and any(not r.get("key", "x").isdigit() for n, r in sums if r["count"]):
        fail("a --by cpu key that is not a CPU")
    if by == "cgroup" and any(not (r.get("key", "/").startswith("/") or r["key"] == "(unknown)")
                              for n, r in sums if r["count"] and not r.get("overflow")):
        fail("a --by cgroup key that is not a path")
    waiter = want.get("waiter")
    # system-wide, other generators' waiters count too: not the TID
    if by == "comm" and waiter is not None:
        w = [r for n, r in sums if r["final"] and r.get("key") == "waiter"]
        if len(w) != 1 or w[0]["max"]["comm"] != "waiter" or w[0]["max"]["us"] < 10000:
            fail("the waiter's final summary: %r" % w)
    ev = [r for n, r in recs if r["type"] == "event"]
    if want.get("events") == "0" and ev:
        fail("%d event records with --no-outliers" % len(ev))
    if want.get("events") == "1" and not any(r["tid"] == int(waiter) for r in ev):
        fail("no event record of the waiter")
    if want.get("stats") == "1" and not types.get("stats"):
        fail("no stats record")
    if want.get("stats") == "0" and types.get("stats"):
        fail("stats records without --stats")
    print("%d records: %s; %d interval and %d final summaries" %
          (len(recs), ", ".join("%s %d" % kv for kv in sorted(types.items())), len(intervals), len(finals)))


main()
