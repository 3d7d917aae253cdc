/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_HTTP_SERVER_H
#define RQS_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

/* --metrics: GET /metrics over libmicrohttpd, from its own thread, always
 * from the last page published. The tracing loop never waits for a client:
 * it publishes a new page when asked (http_server_wants_page()), at most
 * once per RQS_METRICS_MAX_AGE_MS; a scrape finding the page older than that
 * waits up to RQS_METRICS_WAIT_MS for a new one, then takes what there is. */
#define RQS_METRICS_MAX_AGE_MS 1000
#define RQS_METRICS_WAIT_MS 500
#define RQS_HTTP_CONNECTION_LIMIT 32
#define RQS_HTTP_TIMEOUT_S 10
#define RQS_HTTP_REQUEST_MEMORY (32 * 1024)

struct http_server;

/* false when built without libmicrohttpd (make METRICS=0) */
bool http_server_available(void);
/* A listening TCP socket on @addr (numeric IPv4 or IPv6) and @port: the fd,
 * or a negative errno with the reason in @why. */
int http_listen(const char *addr, unsigned int port, char *why, size_t len);
/* Serves on @fd (taken over); NULL with errno set on failure. */
struct http_server *http_server_start(int fd);
/* Takes @text (malloc()ed, @len bytes) as the page to serve. */
void http_server_publish(struct http_server *s, char *text, size_t len);
bool http_server_wants_page(struct http_server *s);
void http_server_stop(struct http_server *s);

#endif
