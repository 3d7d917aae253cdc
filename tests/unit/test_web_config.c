// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --web-config: the exporter-toolkit file's keys taken, every other refused
 * with its line; bcrypt users checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "summary/sha256.h"
#include "summary/web_config.h"

/* bcrypt of "secret" (cost 5, $2b$), and the same hash as $2y$ and $2a$
 * name it: what htpasswd -B and Go's bcrypt write */
#define HASH_B "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a"
#define HASH_Y "$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a"
#define HASH_A "$2a$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a"

static char why[512];

static int parse(const char *text, struct web_config *c)
{
	why[0] = '\0';
	return web_config_parse(text, strlen(text), "/etc/rqs", c, why, sizeof(why));
}

static void refused(const char *text, const char *reason)
{
	struct web_config c;

	assert_int_equal(parse(text, &c), -1);
	assert_string_equal(why, reason);
	/* nothing left to free */
	assert_null(c.users);
	assert_null(c.cert_file);
}

static void test_full_file(void **state)
{
	struct web_config c;
	char prio[128];

	(void)state;
	assert_int_equal(parse("# node_exporter's\n"
			       "tls_server_config:\n"
			       "  cert_file: node.crt\n"
			       "  key_file: /etc/ssl/private/node.key\n"
			       "  client_auth_type: NoClientCert\n"
			       "  min_version: TLS13\n"
			       "basic_auth_users:\n"
			       "  prometheus: " HASH_B "\n"
			       "  'other': \"" HASH_Y "\"\n", &c), 0);
	assert_true(c.tls);
	assert_string_equal(c.cert_file, "/etc/rqs/node.crt");
	assert_string_equal(c.key_file, "/etc/ssl/private/node.key");
	assert_int_equal(c.min_version, WEB_TLS13);
	assert_int_equal(c.client_auth, WEB_NO_CLIENT_CERT);
	assert_null(c.client_ca_file);
	assert_int_equal(c.nusers, 2);
	assert_string_equal(c.users[0].name, "prometheus");
	assert_string_equal(c.users[1].name, "other");
	web_config_priorities(&c, prio, sizeof(prio));
	assert_string_equal(prio, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
	web_config_free(&c);
}

static void test_client_auth(void **state)
{
	struct web_config c;

	(void)state;
	assert_int_equal(parse("tls_server_config:\n  cert_file: a\n  key_file: b\n"
			       "  client_ca_file: ../ca/fleet.pem\n"
			       "  client_auth_type: RequireAndVerifyClientCert\n", &c), 0);
	assert_int_equal(c.client_auth, WEB_REQUIRE_AND_VERIFY);
	assert_string_equal(c.client_ca_file, "/etc/rqs/../ca/fleet.pem");
	web_config_free(&c);
	assert_int_equal(parse("tls_server_config:\n  cert_file: a\n  key_file: b\n"
			       "  client_ca_file: /ca.pem\n"
			       "  client_auth_type: VerifyClientCertIfGiven\n", &c), 0);
	assert_int_equal(c.client_auth, WEB_VERIFY_IF_GIVEN);
	assert_string_equal(c.client_ca_file, "/ca.pem");
	web_config_free(&c);
}

static void test_empty_and_null(void **state)
{
	struct web_config c;
	char prio[128];

	(void)state;
	assert_int_equal(parse("", &c), 0);
	assert_false(c.tls);
	assert_int_equal(c.nusers, 0);
	web_config_free(&c);
	assert_int_equal(parse("tls_server_config:\nbasic_auth_users: ~\n", &c), 0);
	assert_false(c.tls);
	assert_int_equal(c.nusers, 0);
	/* the toolkit's default: TLS 1.2 and later */
	web_config_priorities(&c, prio, sizeof(prio));
	assert_string_equal(prio, "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3");
	web_config_free(&c);
	/* an empty value is unset, as in the toolkit */
	assert_int_equal(parse("tls_server_config:\n  cert_file: a\n  key_file: b\n"
			       "  client_auth_type: ''\n  min_version:\n  max_version: TLS12\n",
			       &c), 0);
	web_config_priorities(&c, prio, sizeof(prio));
	assert_string_equal(prio, "NORMAL:-VERS-ALL:+VERS-TLS1.2");
	web_config_free(&c);
}

static void test_refused(void **state)
{
	(void)state;
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  x: 1\n",
		"line 4: unknown key 'x'");
	refused("\n\nweb_config: 1\n", "line 3: unknown key 'web_config'");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.pem\n",
		"tls_server_config: client_ca_file without a client_auth_type that verifies");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.pem\n"
		"  client_auth_type: NoClientCert\n",
		"tls_server_config: client_ca_file without a client_auth_type that verifies");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: VerifyClientCertIfGiven\n",
		"tls_server_config: client_auth_type needs client_ca_file");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.pem\n"
		"  client_auth_type: RequestClientCert\n",
		"line 5: client_auth_type 'RequestClientCert' is not supported (certificates unverified)");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.pem\n"
		"  client_auth_type: RequireAnyClientCert\n",
		"line 5: client_auth_type 'RequireAnyClientCert' is not supported (certificates unverified)");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Always\n",
		"line 4: client_auth_type 'Always': expected NoClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
		"line 4: key 'cipher_suites' is not supported");
	refused("http_server_config:\n  http2: false\n", "line 1: key 'http_server_config' is not supported");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n",
		"line 4: min_version 'TLS14': expected TLS10, TLS11, TLS12 or TLS13");
	refused("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n",
		"tls_server_config: min_version above max_version");
	refused("tls_server_config:\n  key_file: b\n", "tls_server_config: cert_file missing");
	refused("tls_server_config:\n  cert_file: a\n", "tls_server_config: key_file missing");
	refused("tls_server_config:\n  cert_file: [a]\n  key_file: b\n",
		"line 2: 'cert_file' must be a string");
	refused("tls_server_config: yes\n", "line 1: tls_server_config must be a mapping");
	refused("- a\n", "line 1: the file must be a mapping");
	refused("basic_auth_users:\n  a: " HASH_B "\n  a: " HASH_B "\n",
		"line 3: duplicate key 'a'");
	refused("basic_auth_users:\n  a: secret\n",
		"line 2: user 'a': not a bcrypt hash ($2a$, $2b$ or $2y$)");
	/* MD5-crypt: a hash, but not bcrypt */
	refused("basic_auth_users:\n  a: $1$abcdefgh$Aa3KSHh1Y/3QO8oI1kjqv/\n",
		"line 2: user 'a': not a bcrypt hash ($2a$, $2b$ or $2y$)");
	refused("basic_auth_users:\n  a:\n", "line 2: user 'a': expected a bcrypt hash");
	refused("basic_auth_users:\n  'a:b': " HASH_B "\n", "line 2: user 'a:b': a name cannot hold ':'");
	refused("basic_auth_users:\n  [a]: " HASH_B "\n", "line 2: a key of basic_auth_users is not a string");
	refused("a: [\n", "line 2: did not find expected node content");
	refused("basic_auth_users: {}\n---\nx: 1\n", "line 3: a second document");
}

static void test_users(void **state)
{
	struct web_config c;

	(void)state;
	assert_int_equal(parse("basic_auth_users:\n  b: " HASH_B "\n  y: " HASH_Y "\n  a: " HASH_A "\n",
			       &c), 0);
	assert_true(web_config_check_user(&c, NULL, "b", "secret"));
	assert_true(web_config_check_user(&c, NULL, "y", "secret"));
	assert_true(web_config_check_user(&c, NULL, "a", "secret"));
	assert_false(web_config_check_user(&c, NULL, "b", "secreT"));
	assert_false(web_config_check_user(&c, NULL, "b", ""));
	assert_false(web_config_check_user(&c, NULL, "b", "secret "));
	/* a user not in the file, with another's password */
	assert_false(web_config_check_user(&c, NULL, "nobody", "secret"));
	assert_false(web_config_check_user(&c, NULL, "", "secret"));
	web_config_free(&c);
	/* no users: nobody */
	assert_int_equal(parse("basic_auth_users: {}\n", &c), 0);
	assert_false(web_config_check_user(&c, NULL, "b", "secret"));
	web_config_free(&c);
}

/* a repeated right password costs no hash; a wrong one, an unknown user, or
 * a right one for another user each cost one, and none is let in by the
 * cache that the hash would refuse */
static void test_cache(void **state)
{
	struct web_auth_cache *a = web_auth_cache_new();
	struct web_config c;
	char name[16];

	(void)state;
	assert_non_null(a);
	assert_int_equal(parse("basic_auth_users:\n  b: " HASH_B "\n  y: " HASH_Y "\n", &c), 0);
	assert_true(web_config_check_user(&c, a, "b", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 1);
	for (int i = 0; i < 10; i++)
		assert_true(web_config_check_user(&c, a, "b", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 1);
	/* wrong passwords are not remembered: a hash each time */
	assert_false(web_config_check_user(&c, a, "b", "secreT"));
	assert_false(web_config_check_user(&c, a, "b", "secreT"));
	assert_false(web_config_check_user(&c, a, "b", "secret "));
	assert_false(web_config_check_user(&c, a, "b", ""));
	assert_int_equal(web_auth_cache_hashes(a), 5);
	/* b's remembered password is no one else's */
	assert_false(web_config_check_user(&c, a, "nobody", "secret"));
	assert_false(web_config_check_user(&c, a, "nobody", "secret"));
	assert_false(web_config_check_user(&c, a, "", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 8);
	assert_true(web_config_check_user(&c, a, "y", "secret"));
	assert_true(web_config_check_user(&c, a, "y", "secret"));
	assert_true(web_config_check_user(&c, a, "b", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 9);
	web_config_free(&c);
	/* the same user and password against another stored hash: a miss */
	assert_int_equal(parse("basic_auth_users:\n  b: " HASH_A "\n", &c), 0);
	assert_true(web_config_check_user(&c, a, "b", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 10);
	web_config_free(&c);
	/* the first file again: remembered. Bounded: once
	 * WEB_AUTH_CACHE_SLOTS other users are remembered, the oldest is
	 * hashed again */
	assert_int_equal(parse("basic_auth_users:\n  b: " HASH_B "\n", &c), 0);
	assert_true(web_config_check_user(&c, a, "b", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 10);
	free(c.users[0].name);
	for (int i = 0; i < WEB_AUTH_CACHE_SLOTS; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		c.users[0].name = name;
		assert_true(web_config_check_user(&c, a, name, "secret"));
	}
	assert_int_equal(web_auth_cache_hashes(a), 10 + WEB_AUTH_CACHE_SLOTS);
	c.users[0].name = strdup("b");
	assert_true(web_config_check_user(&c, a, "b", "secret"));
	assert_int_equal(web_auth_cache_hashes(a), 11 + WEB_AUTH_CACHE_SLOTS);
	web_config_free(&c);
	web_auth_cache_free(a);
}

/* the cache's keys: FIPS 180-4's examples, and a message over blocks */
static void test_sha256(void **state)
{
	static const struct {
		const char *in;
		const char *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	unsigned char out[SHA256_BYTES];
	char hex[2 * SHA256_BYTES + 1], thousand[1000];
	struct sha256 s;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_init(&s);
		/* in two pieces: the split must not matter */
		sha256_update(&s, v[i].in, strlen(v[i].in) / 3);
		sha256_update(&s, v[i].in + strlen(v[i].in) / 3, strlen(v[i].in) - strlen(v[i].in) / 3);
		sha256_final(&s, out);
		for (int b = 0; b < SHA256_BYTES; b++)
			snprintf(hex + 2 * b, 3, "%02x", out[b]);
		assert_string_equal(hex, v[i].hex);
	}
	/* a million 'a's */
	sha256_init(&s);
	memset(thousand, 'a', sizeof(thousand));
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, thousand, sizeof(thousand));
	sha256_final(&s, out);
	for (int b = 0; b < SHA256_BYTES; b++)
		snprintf(hex + 2 * b, 3, "%02x", out[b]);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_load(void **state)
{
	char dir[] = "/tmp/rqs-webcfg-XXXXXX", path[128], crt[128], key[128];
	struct web_config c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/web.yml", dir);
	snprintf(crt, sizeof(crt), "%s/c.pem", dir);
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), -1);
	assert_string_equal(why, "No such file or directory");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n", f);
	fclose(f);
	/* paths are the file's directory's */
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), -1);
	assert_int_equal(strncmp(why, "cert_file ", 10), 0);
	assert_string_equal(why + 10 + strlen(crt), ": No such file or directory");
	f = fopen(crt, "w");
	fputs("CERT", f);
	fclose(f);
	f = fopen(key, "w");
	fputs("KEY", f);
	fclose(f);
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), 0);
	assert_string_equal(c.cert_pem, "CERT");
	assert_string_equal(c.key_pem, "KEY");
	assert_null(c.client_ca_pem);
	web_config_free(&c);
	f = fopen(path, "w");
	fputs("tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_ca_file: c.pem\n"
	      "  client_auth_type: RequireAndVerifyClientCert\n", f);
	fclose(f);
	assert_int_equal(web_config_load(path, &c, why, sizeof(why)), 0);
	assert_string_equal(c.client_ca_pem, "CERT");
	web_config_free(&c);
	unlink(crt);
	unlink(key);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_client_auth),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
