// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "summary/http_server.h"
#include "summary/listen_address.h"

int listen_resolve_status(int gai)
{
	switch (gai) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
#endif
		return 2;
	default:
		/* EAI_AGAIN, EAI_FAIL, EAI_MEMORY, EAI_SYSTEM: the resolver
		 * failed, the name may be fine */
		return 1;
	}
}

void listen_url(const struct sockaddr *sa, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
		snprintf(buf, size, "http://[%s]:%u/metrics", a, port);
		return;
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	}
	snprintf(buf, size, "http://%s:%u/metrics", a, port);
}

void listen_https(struct listen_set *l)
{
	for (int i = 0; i < l->n; i++) {
		char *u = l->urls[i];
		size_t len = strlen(u);

		if (strncmp(u, "http://", 7) || len + 1 >= sizeof(l->urls[i]))
			continue;
		memmove(u + 5, u + 4, len - 4 + 1);
		u[4] = 's';
	}
}

/* a listening socket on @ai: the fd or a negative errno */
static int listen_one(const struct addrinfo *ai)
{
	int fd, one = 1, err;

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* restart at once after an exit; SO_REUSEADDR never lets two listen */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* a connection is accepted once its first bytes are in (or after about
	 * this long without): a client that writes its request at once has it
	 * read in the loop that accepts it, before connections arriving after
	 * it could push it out; one that writes nothing takes no place */
	setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &(int){ RQS_HTTP_REQUEST_DEADLINE_S },
		   sizeof(int));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static bool seen(const struct addrinfo *list, const struct addrinfo *ai)
{
	for (; list != ai; list = list->ai_next)
		if (list->ai_addrlen == ai->ai_addrlen && !memcmp(list->ai_addr, ai->ai_addr, ai->ai_addrlen))
			return true;
	return false;
}

int listen_all(const char *host, unsigned int port, struct listen_set *l, char *why, size_t len)
{
	/* no AI_ADDRCONFIG: it ignores loopback addresses, and would take
	 * ::1 from "localhost" on a host without a global IPv6 address */
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	unsigned char bin[sizeof(struct in6_addr)];
	bool numeric = inet_pton(AF_INET, host, bin) == 1 || inet_pton(AF_INET6, host, bin) == 1;
	const char *lb = strchr(host, ':') ? "[" : "", *rb = *lb ? "]" : "";
	struct addrinfo *res, *ai;
	int gai, fd, first_err = 0, naddr = 0;
	char serv[8], failed[RQS_METRICS_URL_MAX] = "";

	l->n = 0;
	if (numeric)
		hints.ai_flags |= AI_NUMERICHOST;
	snprintf(serv, sizeof(serv), "%u", port);
	gai = getaddrinfo(host, serv, &hints, &res);
	if (gai) {
		snprintf(why, len, "cannot resolve '%s': %s", host,
			 gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
		return listen_resolve_status(gai);
	}
	for (ai = res; ai; ai = ai->ai_next)
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) && !seen(res, ai))
			naddr++;
	if (naddr > RQS_HTTP_MAX_LISTEN) {
		snprintf(why, len, "cannot listen on %s:%u: the name has %d addresses, more than %d",
			 host, port, naddr, RQS_HTTP_MAX_LISTEN);
		freeaddrinfo(res);
		return 2;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) || seen(res, ai))
			continue;
		fd = listen_one(ai);
		if (fd >= 0) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);

			l->fds[l->n] = fd;
			if (getsockname(fd, (struct sockaddr *)&ss, &sl))
				listen_url(ai->ai_addr, l->urls[l->n], sizeof(l->urls[0]));
			else
				listen_url((struct sockaddr *)&ss, l->urls[l->n], sizeof(l->urls[0]));
			l->n++;
			continue;
		}
		if (naddr > 1 && (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL)) {
			if (!first_err) {
				first_err = -fd;
				listen_url(ai->ai_addr, failed, sizeof(failed));
			}
			continue;
		}
		first_err = -fd;
		listen_url(ai->ai_addr, failed, sizeof(failed));
		listen_close(l);
		break;
	}
	freeaddrinfo(res);
	if (l->n)
		return 0;
	if (!first_err)
		first_err = EADDRNOTAVAIL;
	if (numeric || !failed[0]) {
		snprintf(why, len, "cannot listen on %s%s%s:%u: %s", lb, host, rb, port, strerror(first_err));
	} else {
		/* which of the name's addresses: http://ADDR:PORT/metrics */
		char *a = failed + strlen("http://");

		a[strlen(a) - strlen("/metrics")] = '\0';
		snprintf(why, len, "cannot listen on %s:%u (%s): %s", host, port, a, strerror(first_err));
	}
	return 2;
}

void listen_close(struct listen_set *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->fds[i] >= 0)
			close(l->fds[i]);
	l->n = 0;
}
