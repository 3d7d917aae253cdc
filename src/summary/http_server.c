// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The /metrics endpoint on libmicrohttpd: one internal polling thread,
 * a bounded number of connections, each with a timeout and a bounded
 * request size; HTTP parsing and errors are the library's. A response holds
 * a reference to the page it was made from, so publishing a new page never
 * waits for a slow reader of the old one. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "summary/http_server.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct page {
	atomic_int refs;
	size_t len;
	unsigned long long built_ms;
	char *text;
};

struct http_server {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	pthread_cond_t published;
	struct page *page;	/* under lock */
	bool wanted;		/* under lock: a scrape found the page old */
};

int http_listen(const char *addr, unsigned int port, char *why, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sslen;
	int fd, one = 1, err;

	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sslen = sizeof(*sin6);
	} else {
		snprintf(why, len, "not a numeric IPv4 or IPv6 address");
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* restart at once after an exit; SO_REUSEADDR never lets two listen */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sslen) || listen(fd, 64))
		goto fail;
	return fd;
fail:
	err = errno;
	snprintf(why, len, "%s", strerror(err));
	if (fd >= 0)
		close(fd);
	return -err;
}

#ifdef RQS_NO_METRICS
/* Built without libmicrohttpd (METRICS=0): --metrics is refused up front. */
bool http_server_available(void)
{
	return false;
}

struct http_server *http_server_start(int fd)
{
	close(fd);
	errno = ENOTSUP;
	return NULL;
}

void http_server_publish(struct http_server *s, char *text, size_t len)
{
	(void)s;
	(void)len;
	free(text);
}

bool http_server_wants_page(struct http_server *s)
{
	(void)s;
	return false;
}

void http_server_stop(struct http_server *s)
{
	(void)s;
}
#else
#include <microhttpd.h>

bool http_server_available(void)
{
	return true;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void page_put(void *cls)
{
	struct page *p = cls;

	if (p && atomic_fetch_sub(&p->refs, 1) == 1) {
		free(p->text);
		free(p);
	}
}

/* The current page, referenced; waits a bounded time for a fresher one. */
static struct page *page_get(struct http_server *s)
{
	unsigned long long deadline = now_ms() + RQS_METRICS_WAIT_MS;
	struct timespec ts;
	struct page *p;

	pthread_mutex_lock(&s->lock);
	if (!s->page || now_ms() - s->page->built_ms >= RQS_METRICS_MAX_AGE_MS) {
		struct page *old = s->page;

		s->wanted = true;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += RQS_METRICS_WAIT_MS / 1000;
		ts.tv_nsec += (RQS_METRICS_WAIT_MS % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (s->page == old && now_ms() < deadline)
			if (pthread_cond_timedwait(&s->published, &s->lock, &ts) == ETIMEDOUT)
				break;
	}
	p = s->page;
	if (p)
		atomic_fetch_add(&p->refs, 1);
	pthread_mutex_unlock(&s->lock);
	return p;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned int status,
				 const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload_data, size_t *upload_size, void **state)
{
	static int first_call;
	struct http_server *s = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	struct page *p;

	(void)version;
	(void)upload_data;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	/* the headers have arrived; answer on the next call, when a body
	 * (which GET should not have) is known to be absent or ignored */
	if (*state != &first_call) {
		*state = &first_call;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (!strcmp(url, "/"))
		return send_text(c, MHD_HTTP_OK, "runqslower-ts: metrics at /metrics\n");
	if (strcmp(url, "/metrics"))
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found: metrics are at /metrics\n");
	p = page_get(s);
	if (!p)
		return send_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no metrics yet\n");
	r = MHD_create_response_from_buffer_with_free_callback_cls(p->len, p->text,
								   page_put, p);
	if (!r) {
		page_put(p);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

struct http_server *http_server_start(int fd)
{
	struct http_server *s = calloc(1, sizeof(*s));

	if (!s) {
		close(fd);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->published, NULL);
	s->daemon = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL,
				     handle, s,
				     MHD_OPTION_LISTEN_SOCKET, fd,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)RQS_HTTP_CONNECTION_LIMIT,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)RQS_HTTP_TIMEOUT_S,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)RQS_HTTP_REQUEST_MEMORY,
				     MHD_OPTION_END);
	if (!s->daemon) {
		close(fd);
		pthread_cond_destroy(&s->published);
		pthread_mutex_destroy(&s->lock);
		free(s);
		errno = errno ? errno : EINVAL;
		return NULL;
	}
	return s;
}

void http_server_publish(struct http_server *s, char *text, size_t len)
{
	struct page *p = malloc(sizeof(*p)), *old;

	if (!p) {
		free(text);
		return;
	}
	atomic_init(&p->refs, 1);
	p->text = text;
	p->len = len;
	p->built_ms = now_ms();
	pthread_mutex_lock(&s->lock);
	old = s->page;
	s->page = p;
	s->wanted = false;
	pthread_cond_broadcast(&s->published);
	pthread_mutex_unlock(&s->lock);
	page_put(old);
}

bool http_server_wants_page(struct http_server *s)
{
	bool wanted;

	pthread_mutex_lock(&s->lock);
	wanted = s->wanted;
	pthread_mutex_unlock(&s->lock);
	return wanted;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	/* closes the listening socket too */
	MHD_stop_daemon(s->daemon);
	page_put(s->page);
	pthread_cond_destroy(&s->published);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
#endif
