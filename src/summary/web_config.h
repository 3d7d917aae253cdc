/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef RQS_WEB_CONFIG_H
#define RQS_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* --web-config FILE: the subset of the Prometheus exporter-toolkit's web
 * configuration file (YAML) that this exporter serves with:
 *   tls_server_config: cert_file, key_file (relative to the file's
 *     directory), min_version, max_version (TLS10..TLS13; default min
 *     TLS12), client_auth_type (NoClientCert, VerifyClientCertIfGiven,
 *     RequireAndVerifyClientCert) with client_ca_file
 *   basic_auth_users: NAME: bcrypt hash ($2a$, $2b$ or $2y$)
 * Any other key is refused, with its line. The file is read once, at start. */

enum web_tls_version {
	WEB_TLS_UNSET,
	WEB_TLS10,
	WEB_TLS11,
	WEB_TLS12,
	WEB_TLS13,
};

enum web_client_auth {
	WEB_NO_CLIENT_CERT,
	WEB_VERIFY_IF_GIVEN,		/* VerifyClientCertIfGiven */
	WEB_REQUIRE_AND_VERIFY,		/* RequireAndVerifyClientCert */
};

struct web_user {
	char *name;
	char *hash;
};

struct web_config {
	bool tls;		/* tls_server_config given */
	char *cert_file, *key_file;	/* as resolved against the file's directory */
	char *client_ca_file;
	char *cert_pem, *key_pem, *client_ca_pem;	/* their contents (web_config_load()) */
	enum web_client_auth client_auth;
	enum web_tls_version min_version, max_version;
	struct web_user *users;
	size_t nusers;
};

/* Parses @text (@len bytes) of a file in directory @dir (relative paths are
 * joined to it). 0, or -1 with "line N: reason" (or a reason) in @why. */
int web_config_parse(const char *text, size_t len, const char *dir,
		     struct web_config *c, char *why, size_t why_len);
/* Reads @path, parses it and reads the certificate and key it names. */
int web_config_load(const char *path, struct web_config *c, char *why, size_t why_len);
void web_config_free(struct web_config *c);
/* GnuTLS priorities for the configured versions, into @buf */
void web_config_priorities(const struct web_config *c, char *buf, size_t len);
/* Successful checks remembered, as the exporter-toolkit does, so that a
 * client sending the same right password again (Prometheus, every scrape)
 * costs no bcrypt: a slot holds the SHA-256 of a key drawn at start, the
 * user, the password and its stored hash, never the password. A wrong
 * password is not remembered: each costs one hash, as does an unknown user.
 * The oldest of WEB_AUTH_CACHE_SLOTS is replaced first. Hashes are made
 * one at a time, whichever thread asks. */
#define WEB_AUTH_CACHE_SLOTS 64
struct web_auth_cache;
/* NULL with errno set on failure */
struct web_auth_cache *web_auth_cache_new(void);
void web_auth_cache_free(struct web_auth_cache *a);
/* the bcrypt hashes made through @a so far */
unsigned long long web_auth_cache_hashes(struct web_auth_cache *a);
/* whether @user with @password is one of basic_auth_users; the hash is
 * compared in constant time. @a: the cache to look in first and fill (NULL:
 * none, every call costs a hash). */
bool web_config_check_user(const struct web_config *c, struct web_auth_cache *a,
			   const char *user, const char *password);

#endif
