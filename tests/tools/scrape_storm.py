#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""scrape_storm: N scrapes of http://127.0.0.1:PORT/metrics, C at a time,
each on a new connection; a refused or reset connection (the exporter
limits its connections) is tried again after 10 ms. Prints one line:
  scrapes=N ok=N retries=R errors=E seconds=S min_ms=A p50_ms=B max_ms=C
and exits 1 if any scrape did not end in 200 with a page holding
runqslower_ts_build_info, 2 on bad usage."""
import http.client
import sys
import threading
import time


def main():
    if len(sys.argv) != 4:
        print("usage: scrape_storm PORT SCRAPES CONCURRENCY", file=sys.stderr)
        return 2
    port, total, conc = (int(a) for a in sys.argv[1:])
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "retries": 0, "errors": 0, "lat": []}

    def worker():
        while True:
            with lock:
                if state["next"] >= total:
                    return
                state["next"] += 1
            for _ in range(500):
                t0 = time.monotonic()
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    c.request("GET", "/metrics")
                    r = c.getresponse()
                    body = r.read()
                    c.close()
                except (ConnectionRefusedError, ConnectionResetError,
                        http.client.RemoteDisconnected, BrokenPipeError):
                    with lock:
                        state["retries"] += 1
                    time.sleep(0.01)
                    continue
                except Exception:  # a timeout or anything else: an error
                    with lock:
                        state["errors"] += 1
                    break
                good = r.status == 200 and b"runqslower_ts_build_info" in body
                with lock:
                    state["ok" if good else "errors"] += 1
                    state["lat"].append((time.monotonic() - t0) * 1000)
                break
            else:
                with lock:
                    state["errors"] += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - t0
    lat = sorted(state["lat"]) or [0.0]
    print("scrapes=%d ok=%d retries=%d errors=%d seconds=%.1f min_ms=%.1f p50_ms=%.1f max_ms=%.1f"
          % (total, state["ok"], state["retries"], state["errors"], secs,
             lat[0], lat[len(lat) // 2], lat[-1]))
    return 0 if state["ok"] == total and state["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
