#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""slow_clients: a slow-header attack on 127.0.0.1:PORT. From each source
address (client sockets bound to it; any 127.x.y.z works on loopback), PER
connections that each send one more byte of a request whose headers never
end, every EVERY seconds, for SECONDS in all (or until SIGTERM). A connection the server closes
is opened again after RECONNECT seconds (never with 0). Prints
  ready connected=N
once the first round of connections is up (or after 5 s), then at the end
  done connects=N connect_errors=N server_closed=N still_open=N
       max_held=N max_held_per_addr=N max_lifetime_s=S
on one line: a connection is "held" while it has been open for at least a
second; max_lifetime_s is the longest any connection stayed open before the
server closed it (or, for one still open at the end, until then).
Exits 2 on bad usage, 1 if it cannot bind an address."""
import errno
import selectors
import signal
import socket
import sys
import time

REQUEST = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


class Conn:
    def __init__(self, addr):
        self.addr = addr
        self.sock = None
        self.connected_at = None
        self.sent = 0
        self.reopen_at = 0.0


def usage():
    print("usage: slow_clients PORT ADDR[,ADDR...] PER EVERY SECONDS RECONNECT",
          file=sys.stderr)
    return 2


def main():
    if len(sys.argv) != 7:
        return usage()
    try:
        port = int(sys.argv[1])
        addrs = sys.argv[2].split(",")
        per = int(sys.argv[3])
        every, seconds, reconnect = (float(a) for a in sys.argv[4:7])
    except ValueError:
        return usage()
    sel = selectors.DefaultSelector()
    conns = [Conn(a) for a in addrs for _ in range(per)]
    st = {"connects": 0, "connect_errors": 0, "server_closed": 0,
          "max_held": 0, "max_held_per_addr": 0, "max_lifetime": 0.0}

    def open_conn(c, now):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((c.addr, 0))
        except OSError as e:
            print("slow_clients: cannot bind %s: %s" % (c.addr, e), file=sys.stderr)
            sys.exit(1)
        s.setblocking(False)
        err = s.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            st["connect_errors"] += 1
            c.reopen_at = now + max(reconnect, 0.1)
            return
        c.sock, c.connected_at, c.sent = s, None, 0
        st["connects"] += 1
        sel.register(s, selectors.EVENT_WRITE, c)

    def drop(c, now, by_server):
        if c.connected_at is not None and by_server:
            st["server_closed"] += 1
            st["max_lifetime"] = max(st["max_lifetime"], now - c.connected_at)
        elif c.connected_at is None:
            st["connect_errors"] += 1
        sel.unregister(c.sock)
        c.sock.close()
        c.sock, c.connected_at = None, None
        c.reopen_at = now + reconnect if reconnect > 0 else float("inf")

    def send_byte(c, now):
        if c.sent < len(REQUEST):
            b = REQUEST[c.sent:c.sent + 1]
        else:
            b = b"a"
        try:
            c.sock.send(b)
            c.sent += 1
        except OSError:
            drop(c, now, True)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    start = time.monotonic()
    now = start
    for c in conns:
        open_conn(c, now)
    ready = False
    next_round = start + every
    next_sample = start + 0.5
    while now - start < seconds and not stop:
        timeout = max(0.0, min(next_round, next_sample) - now)
        for key, ev in sel.select(timeout):
            c = key.data
            now = time.monotonic()
            if c.connected_at is None:
                if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    drop(c, now, False)
                    continue
                c.connected_at = now
                sel.modify(c.sock, selectors.EVENT_READ, c)
                send_byte(c, now)
                continue
            try:
                data = c.sock.recv(4096)
            except OSError:
                data = b""
            if not data:
                drop(c, now, True)
        now = time.monotonic()
        if now >= next_round:
            next_round += every
            for c in conns:
                if c.sock is not None and c.connected_at is not None:
                    send_byte(c, now)
        for c in conns:
            if c.sock is None and now >= c.reopen_at:
                open_conn(c, now)
        if now >= next_sample:
            next_sample += 0.5
            held = {}
            for c in conns:
                if c.sock is not None and c.connected_at is not None and now - c.connected_at >= 1:
                    held[c.addr] = held.get(c.addr, 0) + 1
            st["max_held"] = max(st["max_held"], sum(held.values()))
            st["max_held_per_addr"] = max([st["max_held_per_addr"]] + list(held.values()))
            if not ready and (all(c.connected_at is not None for c in conns) or now - start >= 5):
                print("ready connected=%d" % sum(c.connected_at is not None for c in conns), flush=True)
                ready = True
    still = 0
    for c in conns:
        if c.sock is not None and c.connected_at is not None:
            still += 1
            st["max_lifetime"] = max(st["max_lifetime"], now - c.connected_at)
    if not ready:
        print("ready connected=%d" % still, flush=True)
    print("done connects=%d connect_errors=%d server_closed=%d still_open=%d "
          "max_held=%d max_held_per_addr=%d max_lifetime_s=%.1f"
          % (st["connects"], st["connect_errors"], st["server_closed"], still,
             st["max_held"], st["max_held_per_addr"], st["max_lifetime"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
