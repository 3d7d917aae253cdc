// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --metrics: which requests get the page gzipped (Accept-Encoding, RFC 9110
 * 12.5.3), and the listening sockets a host name gives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "summary/accept_encoding.h"
#include "summary/accept_format.h"
#include "summary/listen_address.h"

/* @n field lines; NULL for none at all */
static bool gzip_for(int n, ...)
{
	struct accept_encoding a;
	va_list ap;

	accept_encoding_init(&a);
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		accept_encoding_add(&a, va_arg(ap, const char *));
	va_end(ap);
	return accept_encoding_gzip(&a);
}

static void test_accepts_gzip(void **state)
{
	(void)state;
	/* Prometheus' own header, curl --compressed's, browsers' */
	assert_true(gzip_for(1, "gzip"));
	assert_true(gzip_for(1, "deflate, gzip, br, zstd"));
	assert_true(gzip_for(1, "gzip, deflate, br"));
	assert_true(gzip_for(1, "GZIP"));
	assert_true(gzip_for(1, "x-gzip"));
	assert_true(gzip_for(1, "*"));
	assert_true(gzip_for(1, "gzip;q=0.001"));
	assert_true(gzip_for(1, "gzip ; q=1.000"));
	assert_true(gzip_for(1, "gzip;Q=1."));
	assert_true(gzip_for(1, " ,, gzip ,"));
	assert_true(gzip_for(1, "identity;q=0.5, gzip"));
	assert_true(gzip_for(1, "gzip;q=0.5, identity;q=0.5"));
	assert_true(gzip_for(1, "identity;q=0, *"));
	/* field lines combine */
	assert_true(gzip_for(2, "deflate", "gzip"));
}

static void test_refuses_gzip(void **state)
{
	(void)state;
	/* no field at all: identity only (a client that cannot inflate) */
	assert_false(gzip_for(0));
	/* an empty value: no coding wanted */
	assert_false(gzip_for(1, ""));
	assert_false(gzip_for(1, "identity"));
	assert_false(gzip_for(1, "deflate, br"));
	assert_false(gzip_for(1, "gzip;q=0"));
	assert_false(gzip_for(1, "gzip;q=0.000"));
	assert_false(gzip_for(1, "gzip; q=0, *"));
	assert_false(gzip_for(1, "*;q=0"));
	assert_false(gzip_for(1, "*;q=0, identity"));
	/* identity weighed higher */
	assert_false(gzip_for(1, "gzip;q=0.5, identity"));
	assert_false(gzip_for(1, "gzip;q=0.5, *"));
	assert_false(gzip_for(2, "gzip;q=0.2", "identity;q=0.3"));
	/* not gzip */
	assert_false(gzip_for(1, "gzipped"));
	assert_false(gzip_for(1, "gzi"));
	assert_false(gzip_for(1, "x-gzip2"));
	/* a malformed weight: the element is ignored */
	assert_false(gzip_for(1, "gzip;q=2"));
	assert_false(gzip_for(1, "gzip;q=1.5"));
	assert_false(gzip_for(1, "gzip;q=1.001"));
	assert_false(gzip_for(1, "gzip;q=0.1234"));
	assert_false(gzip_for(1, "gzip;q="));
	assert_false(gzip_for(1, "gzip;q=abc"));
	assert_false(gzip_for(1, "gzip;q = 1"));
	assert_false(gzip_for(1, "gzip;level=9"));
	assert_false(gzip_for(1, "gzip;q=-1"));
}

/* @n Accept field lines; none at all with 0 */
static bool openmetrics_for(int n, ...)
{
	struct accept_format a;
	va_list ap;

	accept_format_init(&a);
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		accept_format_add(&a, va_arg(ap, const char *));
	va_end(ap);
	return accept_format_openmetrics(&a);
}

#define PROMETHEUS_ACCEPT "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

static void test_accepts_openmetrics(void **state)
{
	(void)state;
	/* Prometheus 2's own header */
	assert_true(openmetrics_for(1, PROMETHEUS_ACCEPT));
	assert_true(openmetrics_for(1, "application/openmetrics-text"));
	assert_true(openmetrics_for(1, "Application/OpenMetrics-Text; Version=\"1.0.0\""));
	assert_true(openmetrics_for(1, "application/openmetrics-text; version=1.0.0; charset=utf-8"));
	assert_true(openmetrics_for(1, "text/plain;q=0.5, application/openmetrics-text;q=0.6"));
	assert_true(openmetrics_for(2, "text/plain;q=0.5", "application/openmetrics-text"));
	/* the type's wildcard weighs it when it is not listed itself */
	assert_true(openmetrics_for(1, "application/*;q=0.8, text/plain;q=0.5"));
	assert_true(openmetrics_for(1, "application/openmetrics-text;q=0.2, */*;q=0.1"));
	/* parameters after the weight are extensions */
	assert_true(openmetrics_for(1, "application/openmetrics-text;q=1;ext=1, text/plain;q=0.9"));
}

static void test_refuses_openmetrics(void **state)
{
	(void)state;
	/* no Accept at all, curl's, a browser's: the text format */
	assert_false(openmetrics_for(0));
	assert_false(openmetrics_for(1, "*/*"));
	assert_false(openmetrics_for(1, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
	assert_false(openmetrics_for(1, "text/plain"));
	/* a tie goes to the text format */
	assert_false(openmetrics_for(1, "application/openmetrics-text, text/plain"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=0.5, text/*;q=0.5"));
	/* refused, or weighed below the text format */
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=0"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=0.4, text/plain;q=0.5"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=0.5, */*"));
	/* the exact type counts, not a wildcard that also matches it */
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=0, application/*"));
	/* a version not served */
	assert_false(openmetrics_for(1, "application/openmetrics-text;version=0.0.1"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;version=2.0.0, text/plain;q=0.1"));
	/* a malformed weight: the element is ignored */
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=2"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;q = 1"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;q"));
	assert_false(openmetrics_for(1, "application/openmetrics-text;q=0.1234"));
	/* not the type */
	assert_false(openmetrics_for(1, "application/openmetrics-text2"));
	assert_false(openmetrics_for(1, "application/openmetrics"));
	assert_false(openmetrics_for(1, ""));
}

static void test_url(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9548) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(65535) };
	char buf[RQS_METRICS_URL_MAX];

	(void)state;
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	listen_url((struct sockaddr *)&sin, buf, sizeof(buf));
	assert_string_equal(buf, "http://127.0.0.1:9548/metrics");
	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	listen_url((struct sockaddr *)&sin6, buf, sizeof(buf));
	assert_string_equal(buf, "http://[::1]:65535/metrics");
	/* the longest address fits */
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", &sin6.sin6_addr);
	listen_url((struct sockaddr *)&sin6, buf, sizeof(buf));
	assert_string_equal(buf, "http://[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535/metrics");
}

static void test_resolve_status(void **state)
{
	(void)state;
	/* the name is not known: a usage error */
	assert_int_equal(listen_resolve_status(EAI_NONAME), 2);
	/* the resolver could not say: at run time */
	assert_int_equal(listen_resolve_status(EAI_AGAIN), 1);
	assert_int_equal(listen_resolve_status(EAI_FAIL), 1);
	assert_int_equal(listen_resolve_status(EAI_MEMORY), 1);
	assert_int_equal(listen_resolve_status(EAI_SYSTEM), 1);
}

static unsigned int port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* a numeric address: one socket, its URL as bound (port 0: the kernel's) */
static void test_listen_numeric(void **state)
{
	struct listen_set l, again;
	char why[256], want[128];
	unsigned int port;

	(void)state;
	assert_int_equal(listen_all("127.0.0.1", 0, &l, why, sizeof(why)), 0);
	assert_int_equal(l.n, 1);
	port = port_of(l.fds[0]);
	snprintf(want, sizeof(want), "http://127.0.0.1:%u/metrics", port);
	assert_string_equal(l.urls[0], want);
	/* the port taken: exit status 2, the address in the reason */
	assert_int_equal(listen_all("127.0.0.1", port, &again, why, sizeof(why)), 2);
	assert_int_equal(again.n, 0);
	snprintf(want, sizeof(want), "cannot listen on 127.0.0.1:%u: Address already in use", port);
	assert_string_equal(why, want);
	listen_close(&l);
	assert_int_equal(l.n, 0);
	/* an address no interface has */
	assert_int_equal(listen_all("2001:db8::1", 1, &l, why, sizeof(why)), 2);
	assert_string_equal(why, "cannot listen on [2001:db8::1]:1: Cannot assign requested address");
}

/* whether this machine can bind @ai at all (IPv6 may be off) */
static bool bindable(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	bool ok = fd >= 0 && !bind(fd, ai->ai_addr, ai->ai_addrlen);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* "localhost": one socket for each address getaddrinfo() gives it here,
 * in its order, but for one this machine cannot bind */
static void test_listen_name(void **state)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct listen_set l;
	char why[256], url[RQS_METRICS_URL_MAX];
	int want = 0;

	(void)state;
	assert_int_equal(getaddrinfo("localhost", "0", &hints, &res), 0);
	assert_int_equal(listen_all("localhost", 0, &l, why, sizeof(why)), 0);
	assert_true(l.n >= 1);
	for (ai = res; ai; ai = ai->ai_next) {
		if (!bindable(ai))
			continue;
		listen_url(ai->ai_addr, url, sizeof(url));
		/* "http://ADDR:" */
		*strrchr(url, ':') = '\0';
		assert_true(want < l.n);
		assert_memory_equal(l.urls[want], url, strlen(url));
		want++;
	}
	assert_int_equal(l.n, want);
	freeaddrinfo(res);
	listen_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_gzip),
		cmocka_unit_test(test_refuses_gzip),
		cmocka_unit_test(test_accepts_openmetrics),
		cmocka_unit_test(test_refuses_openmetrics),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_resolve_status),
		cmocka_unit_test(test_listen_numeric),
		cmocka_unit_test(test_listen_name),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
