#!/usr/bin/env python3
# http_tap.py LISTEN_PORT UPSTREAM_PORT LOG: a TCP relay on 127.0.0.1 that
# writes to LOG the head of every HTTP request and response passing through
# it (each "> " or "< " line), to see what a client such as Prometheus asks
# for and gets. GET only: every response carries Content-Length and its body
# (as the exporter's do).
import socket
import sys
import threading

listen_port, upstream_port, log_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
log_lock = threading.Lock()


def log_head(mark, head):
    with log_lock, open(log_path, "a") as log:
        for line in head.decode("latin-1").split("\r\n"):
            log.write(f"{mark} {line}\n")


def relay(src, dst, mark):
    buf, body_left = b"", 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
            buf += data
            while True:
                if body_left:
                    used = min(body_left, len(buf))
                    buf, body_left = buf[used:], body_left - used
                    if body_left:
                        break
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                head, buf = buf[:end], buf[end + 4:]
                log_head(mark, head)
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        body_left = int(value.strip())
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(16)
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    threading.Thread(target=relay, args=(client, upstream, ">"), daemon=True).start()
    threading.Thread(target=relay, args=(upstream, client, "<"), daemon=True).start()
