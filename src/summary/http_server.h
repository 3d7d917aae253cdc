/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_HTTP_SERVER_H
#define RQS_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "summary/listen_address.h"

/* --metrics: GET /metrics over libmicrohttpd, from its own threads, always
 * from the last page published. The tracing loop never waits for a client:
 * it publishes a new page when asked (http_server_wants_page()), at most
 * once per RQS_METRICS_MAX_AGE_MS; a scrape finding the page older than that
 * waits up to RQS_METRICS_WAIT_MS for a new one, then takes what there is.
 * A client whose Accept weighs OpenMetrics (1.0.0) above the text format
 * (0.0.4) gets it, with exemplars: from the first such scrape on, each
 * page is made in both. A client whose Accept-Encoding takes gzip gets the
 * page gzipped, made once per page and format and shared by every such
 * scrape of it. */
#define RQS_METRICS_MAX_AGE_MS 1000
#define RQS_METRICS_WAIT_MS 500
/* Connections: at most RQS_HTTP_CONNECTION_LIMIT (fewer if RLIMIT_NOFILE,
 * raised towards its hard limit, cannot hold them and
 * RQS_HTTP_FD_RESERVE more), RQS_HTTP_PER_HOST_LIMIT from one address. A
 * request must be in whole within RQS_HTTP_REQUEST_DEADLINE_S of the
 * connection's start or of its previous answer; when a new connection needs
 * a place, the oldest one still waiting for its request's headers (from the
 * same address, or any) is closed for it. An answer may stall for RQS_HTTP_TIMEOUT_S. */
#define RQS_HTTP_CONNECTION_LIMIT 1024
#define RQS_HTTP_PER_HOST_LIMIT 16
#define RQS_HTTP_REQUEST_DEADLINE_S 5
#define RQS_HTTP_FD_RESERVE 128
#define RQS_HTTP_TIMEOUT_S 10
#define RQS_HTTP_REQUEST_MEMORY (32 * 1024)
/* zlib's level: 6 makes a page of 132 cgroups 36 times smaller in 8 ms,
 * 1 30 times in 4.5 ms */
#define RQS_GZIP_LEVEL 6
/* --web-config basic_auth_users: the realm a 401 names */
#define RQS_HTTP_REALM "runqslower-ts"

struct http_server;
struct web_config;

/* false when built without libmicrohttpd (make METRICS=0) */
bool http_server_available(void);
/* whether --web-config's client_auth_type can be checked: built with GnuTLS */
bool http_server_client_certs(void);
/* 0 if libmicrohttpd takes @web's key, certificate, versions and client CA
 * (or @web has no TLS); -ENOTSUP without TLS support, -EINVAL if not */
int http_server_check_tls(const struct web_config *web);
/* Serves on the @n listening sockets @fds (taken over; see listen_all()),
 * each with its own thread, every one over TLS and behind basic
 * authentication if @web (NULL: neither) says so; @web must outlive the
 * server. The limits above and the request deadline hold for all of them
 * together. NULL with errno set on failure (ENOTSUP: TLS asked of a
 * libmicrohttpd without it). */
struct http_server *http_server_start(const int *fds, int n, const struct web_config *web);
/* Takes @text (malloc()ed, @len bytes) as the page to serve, and @om as it
 * in OpenMetrics (NULL: not made). */
void http_server_publish(struct http_server *s, char *text, size_t len, char *om,
			 size_t om_len);
bool http_server_wants_page(struct http_server *s);
/* whether a scrape has asked for OpenMetrics: pages are wanted in both */
bool http_server_wants_openmetrics(struct http_server *s);
void http_server_stop(struct http_server *s);

#endif
