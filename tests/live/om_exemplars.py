#!/usr/bin/python3
"""Reads an OpenMetrics page on stdin and checks it with the Prometheus
Python client's parser (strict: # EOF, family names, exemplar sizes,
bucket order). Prints each exemplar, one a line, tab-separated:

    SAMPLE  LABELS  LE  TID  COMM  VALUE  TIMESTAMP

LABELS is the series' labels but le, as k=v joined by commas, sorted ("-"
for none). Exit 1 with one line on stderr if the page does not parse."""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main():
    page = sys.stdin.read()
    try:
        families = list(text_string_to_metric_families(page))
    except Exception as e:  # the parser raises ValueError, and others on junk
        print("om_exemplars: not OpenMetrics: %s" % e, file=sys.stderr)
        return 1
    for f in families:
        for s in f.samples:
            if s.exemplar is None:
                continue
            labels = ",".join("%s=%s" % (k, v) for k, v in sorted(s.labels.items()) if k != "le")
            e = s.exemplar
            ts = e.timestamp
            print("\t".join([s.name, labels or "-", s.labels.get("le", "-"), e.labels.get("tid", "-"),
                             e.labels.get("comm", "-"), repr(e.value), "%d.%09d" % (ts.sec, ts.nsec)
                             if ts is not None else "-"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
