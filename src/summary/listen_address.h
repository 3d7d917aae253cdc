/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_LISTEN_ADDRESS_H
#define RQS_LISTEN_ADDRESS_H

#include <stddef.h>
#include <sys/socket.h>

#define RQS_HTTP_MAX_LISTEN 8
#define RQS_METRICS_URL_MAX 80

/* The listening sockets of --metrics and the URL of each, as bound; a
 * socket handed over elsewhere is -1. */
struct listen_set {
	int n;
	int fds[RQS_HTTP_MAX_LISTEN];
	char urls[RQS_HTTP_MAX_LISTEN][RQS_METRICS_URL_MAX];
};

/* Listens on @port at every address @host (an IP address or a host name)
 * resolves to, in getaddrinfo()'s order. Of a name's several addresses,
 * one whose family the kernel lacks or that no interface has is left out
 * if another is bound. 0, or the exit status with the reason in @why:
 * 2 when the name resolves to nothing or an address cannot be bound (a
 * usage error), 1 when the resolver itself failed. */
int listen_all(const char *host, unsigned int port, struct listen_set *l, char *why, size_t len);
void listen_close(struct listen_set *l);
/* The exit status for getaddrinfo()'s error @gai */
int listen_resolve_status(int gai);
/* http://ADDR:PORT/metrics, [ADDR] for IPv6 */
void listen_url(const struct sockaddr *sa, char *buf, size_t size);
/* --web-config with TLS: every URL of @l says https:// */
void listen_https(struct listen_set *l);

#endif
