// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The /metrics endpoint on libmicrohttpd: one daemon, with its internal
 * epoll thread, per listening socket, all sharing one server: one page, one
 * list of connections under one lock, so the connection limits (in all and
 * per address) count every daemon's connections, and one watchdog thread.
 * Each connection has a deadline for its request, an inactivity timeout and
 * a bounded request size; HTTP parsing and errors are the library's.
 * libmicrohttpd's own timeout restarts at every byte, so a client sending a
 * byte now and then would hold its place forever: the deadline is kept
 * here, by the watchdog, which shuts down the socket of a connection past
 * it (libmicrohttpd then reads EOF and closes it). A response holds a
 * reference to the page it was made from, so publishing a new page never
 * waits for a slow reader of the old one. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "summary/http_server.h"
#include "summary/web_config.h"

enum page_format { PAGE_TEXT, PAGE_OPENMETRICS, PAGE_NFORMATS };

static const char *const content_type[PAGE_NFORMATS] = {
	[PAGE_TEXT] = "text/plain; version=0.0.4; charset=utf-8",
	[PAGE_OPENMETRICS] = "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

/* one format of a page */
struct page_body {
	char *text;		/* NULL: not made */
	size_t len;
	/* made by the first scrape that accepts gzip; the scrapes of the
	 * same page after it, or waiting for it, send the same bytes */
	pthread_mutex_t gz_lock;
	bool gz_tried;		/* under gz_lock */
	char *gz;		/* NULL: not made (or it failed: send text) */
	size_t gz_len;
};

struct page {
	atomic_int refs;
	unsigned long long built_ms;
	struct page_body body[PAGE_NFORMATS];
};

/* one per connection, from libmicrohttpd's start notice to its close one */
struct conn {
	struct conn *prev, *next;
	int fd;
	bool headers_in;	/* the request's headers are in */
	bool answering;		/* the whole request is in, an answer queued */
	bool closing;		/* shut down here; libmicrohttpd closes it */
	unsigned long long since_ms;	/* connected, or its last answer sent */
	struct sockaddr_storage addr;
};

struct http_server {
	struct MHD_Daemon *daemons[RQS_HTTP_MAX_LISTEN];
	int ndaemons;
	pthread_mutex_t lock;
	pthread_cond_t published;
	struct page *page;	/* under lock */
	bool wanted;		/* under lock: a scrape found the page old */
	bool openmetrics;	/* under lock: a scrape asked for OpenMetrics */
	/* the connections of every daemon, under conn_lock */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_wake;	/* CLOCK_MONOTONIC */
	struct conn *conns;
	unsigned int tracked;	/* all of them, closing or not */
	unsigned int open;	/* those not closing */
	unsigned int admit;	/* the most open at once */
	unsigned int limit;	/* the most tracked at once: the fds allowed */
	bool stopping;
	pthread_t watchdog;
	const struct web_config *web;	/* NULL: plain HTTP, no users */
	struct web_auth_cache *auth;	/* with basic_auth_users */
};

#ifdef RQS_NO_METRICS
/* Built without libmicrohttpd (METRICS=0): --metrics is refused up front. */
bool http_server_available(void)
{
	return false;
}

bool http_server_client_certs(void)
{
	return false;
}

int http_server_check_tls(const struct web_config *web)
{
	(void)web;
	return -ENOTSUP;
}

struct http_server *http_server_start(const int *fds, int n, const struct web_config *web)
{
	(void)web;
	for (int i = 0; i < n; i++)
		close(fds[i]);
	errno = ENOTSUP;
	return NULL;
}

void http_server_publish(struct http_server *s, char *text, size_t len, char *om,
			 size_t om_len)
{
	(void)s;
	(void)len;
	(void)om_len;
	free(text);
	free(om);
}

bool http_server_wants_page(struct http_server *s)
{
	(void)s;
	return false;
}

bool http_server_wants_openmetrics(struct http_server *s)
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
#include <zlib.h>

#include "summary/accept_encoding.h"
#include "summary/accept_format.h"

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
		for (int f = 0; f < PAGE_NFORMATS; f++) {
			pthread_mutex_destroy(&p->body[f].gz_lock);
			free(p->body[f].gz);
			free(p->body[f].text);
		}
		free(p);
	}
}

/* The current page, referenced; waits a bounded time for a fresher one,
 * or for one in OpenMetrics (@om) when this one has none. */
static struct page *page_get(struct http_server *s, bool om)
{
	unsigned long long deadline = now_ms() + RQS_METRICS_WAIT_MS;
	struct timespec ts;
	struct page *p;

	pthread_mutex_lock(&s->lock);
	if (om)
		s->openmetrics = true;
	if (!s->page || now_ms() - s->page->built_ms >= RQS_METRICS_MAX_AGE_MS ||
	    (om && !s->page->body[PAGE_OPENMETRICS].text)) {
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

/* RFC 1952 gzip of @p's text, made once per page */
static bool page_gzip(struct page_body *p)
{
	z_stream z = { 0 };
	uLong bound;
	char *out;

	pthread_mutex_lock(&p->gz_lock);
	if (p->gz_tried)
		goto out;
	p->gz_tried = true;
	/* windowBits 15 + 16: a gzip header and trailer, not zlib's */
	if (deflateInit2(&z, RQS_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto out;
	bound = deflateBound(&z, (uLong)p->len);
	out = malloc(bound);
	if (out) {
		z.next_in = (Bytef *)p->text;
		z.avail_in = (uInt)p->len;
		z.next_out = (Bytef *)out;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
			p->gz = out;
			p->gz_len = z.total_out;
		} else {
			free(out);
		}
	}
	deflateEnd(&z);
out:
	pthread_mutex_unlock(&p->gz_lock);
	return p->gz;
}

static enum MHD_Result accept_encoding_line(void *cls, enum MHD_ValueKind kind,
					    const char *key, const char *value)
{
	(void)kind;
	if (key && value && !strcasecmp(key, MHD_HTTP_HEADER_ACCEPT_ENCODING))
		accept_encoding_add(cls, value);
	return MHD_YES;
}

static enum MHD_Result accept_line(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	if (key && value && !strcasecmp(key, MHD_HTTP_HEADER_ACCEPT))
		accept_format_add(cls, value);
	return MHD_YES;
}

static bool wants_openmetrics(struct MHD_Connection *c)
{
	struct accept_format a;

	accept_format_init(&a);
	MHD_get_connection_values(c, MHD_HEADER_KIND, accept_line, &a);
	return accept_format_openmetrics(&a);
}

static bool wants_gzip(struct MHD_Connection *c)
{
	struct accept_encoding a;

	accept_encoding_init(&a);
	MHD_get_connection_values(c, MHD_HEADER_KIND, accept_encoding_line, &a);
	return accept_encoding_gzip(&a);
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
	return false;
}

/* Under conn_lock. A shut-down socket reads EOF, and libmicrohttpd closes
 * the connection; the fd stays valid until its close notice, which takes
 * conn_lock first. */
static void conn_close(struct http_server *s, struct conn *c)
{
	shutdown(c->fd, SHUT_RDWR);
	c->closing = true;
	s->open--;
}

/* Under conn_lock: the connection waiting longest for its request's
 * headers, from @host's address (any if NULL). A client that sent its
 * request with the connection is never one (request_came_with()). */
static struct conn *oldest_waiting(struct http_server *s, const struct sockaddr_storage *host)
{
	struct conn *c, *old = NULL;

	/* newest first: of those alike in ms, the last is the oldest */
	for (c = s->conns; c; c = c->next)
		if (!c->closing && !c->headers_in && (!host || same_host(&c->addr, host)) &&
		    (!old || c->since_ms <= old->since_ms))
			old = c;
	return old;
}

/* Under conn_lock: the open connections from @host, on any daemon */
static unsigned int open_from(struct http_server *s, const struct sockaddr_storage *host)
{
	unsigned int same = 0;
	struct conn *c;

	for (c = s->conns; c; c = c->next)
		same += !c->closing && same_host(&c->addr, host);
	return same;
}

/* libmicrohttpd's accept policy, shared by every daemon: a new connection
 * over a limit takes the place of the oldest still waiting for its request;
 * with none, it is refused. The daemons' threads admit at once, each before
 * its connection is listed: notify_connection() checks again. */
static enum MHD_Result admit(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct http_server *s = cls;
	struct sockaddr_storage host = { 0 };
	enum MHD_Result ret = MHD_YES;
	struct conn *c;

	memcpy(&host, addr, len < sizeof(host) ? len : sizeof(host));
	pthread_mutex_lock(&s->conn_lock);
	/* connections shut down here hold their fd until libmicrohttpd
	 * closes them: each daemon's own limit counts only its own */
	if (s->tracked >= s->limit) {
		pthread_mutex_unlock(&s->conn_lock);
		return MHD_NO;
	}
	if (open_from(s, &host) >= RQS_HTTP_PER_HOST_LIMIT) {
		c = oldest_waiting(s, &host);
		if (c)
			conn_close(s, c);
		else
			ret = MHD_NO;
	}
	if (ret == MHD_YES && s->open >= s->admit) {
		c = oldest_waiting(s, NULL);
		if (c)
			conn_close(s, c);
		else
			ret = MHD_NO;
	}
	pthread_mutex_unlock(&s->conn_lock);
	return ret;
}

/* Whether the request's headers came with the connection (the first
 * segment, which TCP_DEFER_ACCEPT waited for, holds their end). Such a
 * connection does not wait for its request: libmicrohttpd reads it only in
 * a later turn of its loop, after up to ten more accepts a turn, and a burst
 * of reconnections from the same address must not push it out first. A TLS
 * connection's bytes are a handshake, never this. */
static bool request_came_with(int fd)
{
	char buf[2048];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	return n >= 4 && memmem(buf, (size_t)n, "\r\n\r\n", 4);
}

static void notify_connection(void *cls, struct MHD_Connection *mc, void **ctx,
			      enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *fd, *addr;
	struct http_server *s = cls;
	struct conn *c = *ctx;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (!c)
			return;
		pthread_mutex_lock(&s->conn_lock);
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		if (!c->closing)
			s->open--;
		s->tracked--;
		pthread_mutex_unlock(&s->conn_lock);
		free(c);
		*ctx = NULL;
		return;
	}
	fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	addr = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	c = calloc(1, sizeof(*c));
	if (!c || !fd || !addr) {
		/* untracked, it would have no deadline: closed at once */
		if (fd)
			shutdown(fd->connect_fd, SHUT_RDWR);
		free(c);
		return;
	}
	c->fd = fd->connect_fd;
	c->since_ms = now_ms();
	c->headers_in = request_came_with(c->fd);
	memcpy(&c->addr, addr->client_addr, addr->client_addr->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	pthread_mutex_lock(&s->conn_lock);
	c->next = s->conns;
	if (c->next)
		c->next->prev = c;
	else
		pthread_cond_signal(&s->conn_wake);
	s->conns = c;
	s->open++;
	s->tracked++;
	/* another daemon admitted one in the same moment: over a limit, the
	 * oldest waiting goes (this one, if no other waits) */
	if (open_from(s, &c->addr) > RQS_HTTP_PER_HOST_LIMIT)
		conn_close(s, oldest_waiting(s, &c->addr));
	if (s->open > s->admit)
		conn_close(s, oldest_waiting(s, NULL));
	pthread_mutex_unlock(&s->conn_lock);
	*ctx = c;
}

static struct conn *conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *i;

	i = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return i ? i->socket_context : NULL;
}

/* a request is answered (or failed): the next one's deadline starts */
static void request_done(void *cls, struct MHD_Connection *mc, void **state,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct conn *c = conn_of(mc);

	(void)state;
	(void)toe;
	if (!c)
		return;
	pthread_mutex_lock(&s->conn_lock);
	c->headers_in = c->answering = false;
	c->since_ms = now_ms();
	pthread_mutex_unlock(&s->conn_lock);
}

static void mark(struct http_server *s, struct MHD_Connection *mc, bool answering)
{
	struct conn *c = conn_of(mc);

	if (c) {
		pthread_mutex_lock(&s->conn_lock);
		c->headers_in = true;
		c->answering |= answering;
		pthread_mutex_unlock(&s->conn_lock);
	}
}

static enum MHD_Result queue(struct http_server *s, struct MHD_Connection *mc,
			     unsigned int status, struct MHD_Response *r)
{
	mark(s, mc, true);
	return MHD_queue_response(mc, status, r);
}

/* closes every connection whose request is not in by its deadline */
static void *watchdog(void *arg)
{
	struct http_server *s = arg;
	unsigned long long now;
	struct timespec ts;
	struct conn *c;

	pthread_mutex_lock(&s->conn_lock);
	while (!s->stopping) {
		now = now_ms();
		for (c = s->conns; c; c = c->next)
			if (!c->closing && !c->answering &&
			    now - c->since_ms >= RQS_HTTP_REQUEST_DEADLINE_S * 1000ULL)
				conn_close(s, c);
		if (!s->conns) {
			pthread_cond_wait(&s->conn_wake, &s->conn_lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->conn_wake, &s->conn_lock, &ts);
	}
	pthread_mutex_unlock(&s->conn_lock);
	return NULL;
}

/* The connection limit RLIMIT_NOFILE allows, raising its soft limit up to
 * the hard one if needed */
static unsigned int connection_limit(void)
{
	const rlim_t want = RQS_HTTP_CONNECTION_LIMIT + RQS_HTTP_FD_RESERVE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return RQS_HTTP_CONNECTION_LIMIT;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur >= want)
		return RQS_HTTP_CONNECTION_LIMIT;
	return rl.rlim_cur > 2 * RQS_HTTP_FD_RESERVE ? rl.rlim_cur - RQS_HTTP_FD_RESERVE
						       : rl.rlim_cur / 2 + 1;
}

static enum MHD_Result send_text(struct http_server *s, struct MHD_Connection *c,
				 unsigned int status, const char *text)
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
	ret = queue(s, c, status, r);
	MHD_destroy_response(r);
	return ret;
}

#ifdef RQS_CLIENT_CERTS
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

bool http_server_client_certs(void)
{
	return true;
}

/* client_auth_type: libmicrohttpd only has GnuTLS ask for a certificate
 * (GNUTLS_CERT_REQUEST, when given a trust list) and leaves its check to the
 * application: a certificate, if any, must chain to client_ca_file and be
 * for TLS clients, as Go's crypto/tls checks it for the toolkit */
static bool client_cert_ok(const struct web_config *web, struct MHD_Connection *c)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	const union MHD_ConnectionInfo *i;
	unsigned int status = 1, n = 0;
	gnutls_session_t ts;

	i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!i || !i->tls_session)
		return false;
	ts = (gnutls_session_t)i->tls_session;
	if (!gnutls_certificate_get_peers(ts, &n) || !n)
		return web->client_auth == WEB_VERIFY_IF_GIVEN;
	return !gnutls_certificate_verify_peers(ts, &purpose, 1, &status) && !status;
}
#else
bool http_server_client_certs(void)
{
	return false;
}

static bool client_cert_ok(const struct web_config *web, struct MHD_Connection *c)
{
	(void)web;
	(void)c;
	return false;
}
#endif

/* basic_auth_users: the request's user and password are one of them */
static bool authorized(struct http_server *s, struct MHD_Connection *c)
{
	char *password = NULL, *user;
	bool ok = false;

	user = MHD_basic_auth_get_username_password(c, &password);
	if (user && password)
		ok = web_config_check_user(s->web, s->auth, user, password);
	if (password) {
		explicit_bzero(password, strlen(password));
		MHD_free(password);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result ask_credentials(struct http_server *s, struct MHD_Connection *c)
{
	static const char text[] = "401 Unauthorized\n";
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	mark(s, c, true);
	ret = MHD_queue_basic_auth_fail_response(c, RQS_HTTP_REALM, r);
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
	struct page_body *b;
	struct page *p;
	bool gzip, om;

	(void)version;
	(void)upload_data;
	mark(s, c, false);
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_text(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
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
	/* the request is in: the deadline is met, however long a password
	 * check takes on a loaded machine */
	mark(s, c, true);
	if (s->web && s->web->client_auth && !client_cert_ok(s->web, c))
		return send_text(s, c, MHD_HTTP_FORBIDDEN,
				 "a client certificate of the configured authority is needed\n");
	if (s->web && s->web->nusers && !authorized(s, c))
		return ask_credentials(s, c);
	if (!strcmp(url, "/"))
		return send_text(s, c, MHD_HTTP_OK, "runqslower-ts: metrics at /metrics\n");
	if (strcmp(url, "/metrics"))
		return send_text(s, c, MHD_HTTP_NOT_FOUND, "not found: metrics are at /metrics\n");
	om = wants_openmetrics(c);
	p = page_get(s, om);
	if (!p)
		return send_text(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, "no metrics yet\n");
	/* no OpenMetrics page in time: the text format, which it takes too */
	if (om && !p->body[PAGE_OPENMETRICS].text)
		om = false;
	b = &p->body[om ? PAGE_OPENMETRICS : PAGE_TEXT];
	gzip = wants_gzip(c) && page_gzip(b);
	r = MHD_create_response_from_buffer_with_free_callback_cls(gzip ? b->gz_len : b->len,
								   gzip ? b->gz : b->text,
								   page_put, p);
	if (!r) {
		page_put(p);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type[om ? PAGE_OPENMETRICS : PAGE_TEXT]);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT ", "
				MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (gzip)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	ret = queue(s, c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static void watchdog_stop(struct http_server *s)
{
	pthread_mutex_lock(&s->conn_lock);
	s->stopping = true;
	pthread_cond_signal(&s->conn_wake);
	pthread_mutex_unlock(&s->conn_lock);
	pthread_join(s->watchdog, NULL);
}

static void server_free(struct http_server *s)
{
	web_auth_cache_free(s->auth);
	pthread_cond_destroy(&s->conn_wake);
	pthread_mutex_destroy(&s->conn_lock);
	pthread_cond_destroy(&s->published);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Stops the daemons started, then the watchdog; frees @s */
static void server_stop(struct http_server *s)
{
	/* closes the listening sockets and every connection too */
	for (int i = 0; i < s->ndaemons; i++)
		MHD_stop_daemon(s->daemons[i]);
	watchdog_stop(s);
	page_put(s->page);
	server_free(s);
}

/* @web's TLS as libmicrohttpd's options (END only without TLS) and flag;
 * @prio holds the priorities until the daemons have started. -ENOTSUP: no
 * TLS in libmicrohttpd. */
static int tls_options(const struct web_config *web, struct MHD_OptionItem tls[5],
		       char *prio, size_t len, unsigned int *flags)
{
	for (int i = 0; i < 5; i++)
		tls[i] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	if (!web || !web->tls)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return -ENOTSUP;
	web_config_priorities(web, prio, len);
	*flags |= MHD_USE_TLS;
	tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, web->key_pem };
	tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, web->cert_pem };
	tls[2] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, prio };
	if (web->client_auth)
		tls[3] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, web->client_ca_pem };
	return 0;
}

int http_server_check_tls(const struct web_config *web)
{
	struct MHD_OptionItem tls[5];
	unsigned int flags = MHD_USE_NO_LISTEN_SOCKET;
	struct MHD_Daemon *d;
	char priorities[128];
	int err = tls_options(web, tls, priorities, sizeof(priorities), &flags);

	if (err || !web || !web->tls)
		return err;
	/* libmicrohttpd loads the key and certificate as it starts */
	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_ARRAY, tls,
			     MHD_OPTION_END);
	if (!d)
		return -EINVAL;
	MHD_stop_daemon(d);
	return 0;
}

struct http_server *http_server_start(const int *fds, int n, const struct web_config *web)
{
	struct http_server *s = NULL;
	struct MHD_OptionItem tls[5];
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD;
	pthread_condattr_t attr;
	char priorities[128];
	int i, err;

	/* every listener serves the same TLS and users */
	err = -tls_options(web, tls, priorities, sizeof(priorities), &flags);
	if (!err)
		s = calloc(1, sizeof(*s));
	if (s && web && web->nusers && !(s->auth = web_auth_cache_new()))
		err = errno;
	if (!s || err || n > RQS_HTTP_MAX_LISTEN) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		err = err ? err : s ? EINVAL : ENOMEM;
		if (s)
			web_auth_cache_free(s->auth);
		free(s);
		errno = err;
		return NULL;
	}
	s->web = web;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->published, NULL);
	pthread_mutex_init(&s->conn_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->conn_wake, &attr);
	pthread_condattr_destroy(&attr);
	s->limit = connection_limit();
	/* room for the connections being closed to make way for new ones */
	s->admit = s->limit - s->limit / 32;
	err = pthread_create(&s->watchdog, NULL, watchdog, s);
	if (err) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		server_free(s);
		errno = err;
		return NULL;
	}
	/* one daemon, with its own thread, for each listening socket; the
	 * limits are the server's (admit()), each daemon's own is the whole */
	for (i = 0; i < n; i++) {
		errno = 0;
		s->daemons[i] = MHD_start_daemon(flags, 0, admit, s,
						 handle, s,
						 MHD_OPTION_LISTEN_SOCKET, fds[i],
						 MHD_OPTION_CONNECTION_LIMIT, s->limit,
						 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)RQS_HTTP_TIMEOUT_S,
						 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)RQS_HTTP_REQUEST_MEMORY,
						 MHD_OPTION_NOTIFY_CONNECTION, notify_connection, s,
						 MHD_OPTION_NOTIFY_COMPLETED, request_done, s,
						 MHD_OPTION_ARRAY, tls,
						 MHD_OPTION_END);
		if (!s->daemons[i])
			break;
		s->ndaemons++;
	}
	if (i < n) {
		err = errno ? errno : EINVAL;
		for (; i < n; i++)
			close(fds[i]);
		server_stop(s);
		errno = err;
		return NULL;
	}
	return s;
}

void http_server_publish(struct http_server *s, char *text, size_t len, char *om,
			 size_t om_len)
{
	struct page *p = malloc(sizeof(*p)), *old;

	if (!p) {
		free(text);
		free(om);
		return;
	}
	*p = (struct page){ .built_ms = now_ms() };
	atomic_init(&p->refs, 1);
	for (int f = 0; f < PAGE_NFORMATS; f++)
		pthread_mutex_init(&p->body[f].gz_lock, NULL);
	p->body[PAGE_TEXT].text = text;
	p->body[PAGE_TEXT].len = len;
	p->body[PAGE_OPENMETRICS].text = om;
	p->body[PAGE_OPENMETRICS].len = om_len;
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

bool http_server_wants_openmetrics(struct http_server *s)
{
	bool om;

	pthread_mutex_lock(&s->lock);
	om = s->openmetrics;
	pthread_mutex_unlock(&s->lock);
	return om;
}

void http_server_stop(struct http_server *s)
{
	if (s)
		server_stop(s);
}
#endif
