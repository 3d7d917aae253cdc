// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The exporter-toolkit web configuration file, read with libyaml's document
 * API (node marks give each key's line). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary/web_config.h"

#ifdef RQS_NO_METRICS
/* Built without the exporter (METRICS=0): nothing serves with the file. */
int web_config_parse(const char *text, size_t len, const char *dir,
		     struct web_config *c, char *why, size_t why_len)
{
	(void)text;
	(void)len;
	(void)dir;
	memset(c, 0, sizeof(*c));
	snprintf(why, why_len, "not in this build (METRICS=0)");
	return -1;
}

int web_config_load(const char *path, struct web_config *c, char *why, size_t why_len)
{
	return web_config_parse(path, 0, NULL, c, why, why_len);
}

void web_config_free(struct web_config *c)
{
	memset(c, 0, sizeof(*c));
}

void web_config_priorities(const struct web_config *c, char *buf, size_t len)
{
	(void)c;
	snprintf(buf, len, "NORMAL");
}

struct web_auth_cache *web_auth_cache_new(void)
{
	errno = ENOTSUP;
	return NULL;
}

void web_auth_cache_free(struct web_auth_cache *a)
{
	(void)a;
}

unsigned long long web_auth_cache_hashes(struct web_auth_cache *a)
{
	(void)a;
	return 0;
}

bool web_config_check_user(const struct web_config *c, struct web_auth_cache *a,
			   const char *user, const char *password)
{
	(void)c;
	(void)a;
	(void)user;
	(void)password;
	return false;
}
#else
#include <crypt.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/random.h>
#include <yaml.h>

#include "summary/sha256.h"

/* a file this big is not a web configuration */
#define WEB_CONFIG_MAX_BYTES (1 << 20)

struct parse {
	yaml_document_t *doc;
	const char *dir;
	struct web_config *c;
	char *why;
	size_t why_len;
};

static int fail(struct parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;

	if (n)
		off = (size_t)snprintf(p->why, p->why_len, "line %zu: ", n->start_mark.line + 1);
	if (off >= p->why_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->why + off, p->why_len - off, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* a plain null (empty, ~ or null), which the toolkit takes as unset */
static bool is_null(const yaml_node_t *n)
{
	const char *s = scalar(n);

	return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

static int want_string(struct parse *p, const yaml_node_t *key, const yaml_node_t *v,
		       const char **out)
{
	*out = NULL;
	if (is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE)
		return fail(p, v, "'%s' must be a string", scalar(key));
	*out = scalar(v);
	if (strlen(*out) != v->data.scalar.length)
		return fail(p, v, "'%s' has a NUL byte", scalar(key));
	return 0;
}

static int set_path(struct parse *p, const yaml_node_t *key, const yaml_node_t *v, char **out)
{
	const char *s;

	if (want_string(p, key, v, &s))
		return -1;
	if (!s || !*s)
		return 0;
	if (s[0] == '/' || !p->dir || !*p->dir) {
		*out = strdup(s);
	} else if (asprintf(out, "%s/%s", p->dir, s) < 0) {
		*out = NULL;
	}
	if (!*out)
		return fail(p, NULL, "%s", strerror(ENOMEM));
	return 0;
}

static int set_version(struct parse *p, const yaml_node_t *key, const yaml_node_t *v,
		       enum web_tls_version *out)
{
	static const char *const names[] = { [WEB_TLS10] = "TLS10", [WEB_TLS11] = "TLS11",
					     [WEB_TLS12] = "TLS12", [WEB_TLS13] = "TLS13" };
	const char *s;

	if (want_string(p, key, v, &s))
		return -1;
	if (!s || !*s)
		return 0;
	for (int i = WEB_TLS10; i <= WEB_TLS13; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum web_tls_version)i;
			return 0;
		}
	return fail(p, v, "%s '%s': expected TLS10, TLS11, TLS12 or TLS13", scalar(key), s);
}

/* Each key of mapping @m once, a string; calls @each for it. */
static int walk(struct parse *p, const yaml_node_t *m, const char *what,
		int (*each)(struct parse *, const yaml_node_t *, const yaml_node_t *))
{
	yaml_node_pair_t *a, *b;

	if (m->type != YAML_MAPPING_NODE)
		return fail(p, m, "%s must be a mapping", what);
	for (a = m->data.mapping.pairs.start; a < m->data.mapping.pairs.top; a++) {
		const yaml_node_t *k = yaml_document_get_node(p->doc, a->key);
		const yaml_node_t *v = yaml_document_get_node(p->doc, a->value);

		if (!k || !v)
			return fail(p, m, "malformed %s", what);
		if (!scalar(k) || strlen(scalar(k)) != k->data.scalar.length)
			return fail(p, k, "a key of %s is not a string", what);
		for (b = m->data.mapping.pairs.start; b < a; b++)
			if (!strcmp(scalar(yaml_document_get_node(p->doc, b->key)), scalar(k)))
				return fail(p, k, "duplicate key '%s'", scalar(k));
		if (each(p, k, v))
			return -1;
	}
	return 0;
}

/* the toolkit's keys this exporter does not serve with */
static bool toolkit_key(const char *k)
{
	static const char *const keys[] = {
		"cipher_suites", "curve_preferences",
		"prefer_server_cipher_order", "client_allowed_sans", "cert", "key",
		"client_ca", "http_server_config", "rate_limit",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

static int tls_key(struct parse *p, const yaml_node_t *k, const yaml_node_t *v)
{
	const char *key = scalar(k), *s;
	struct web_config *c = p->c;

	if (!strcmp(key, "cert_file"))
		return set_path(p, k, v, &c->cert_file);
	if (!strcmp(key, "key_file"))
		return set_path(p, k, v, &c->key_file);
	if (!strcmp(key, "min_version"))
		return set_version(p, k, v, &c->min_version);
	if (!strcmp(key, "max_version"))
		return set_version(p, k, v, &c->max_version);
	if (!strcmp(key, "client_ca_file"))
		return set_path(p, k, v, &c->client_ca_file);
	if (!strcmp(key, "client_auth_type")) {
		if (want_string(p, k, v, &s))
			return -1;
		if (!s || !*s || !strcmp(s, "NoClientCert"))
			c->client_auth = WEB_NO_CLIENT_CERT;
		else if (!strcmp(s, "VerifyClientCertIfGiven"))
			c->client_auth = WEB_VERIFY_IF_GIVEN;
		else if (!strcmp(s, "RequireAndVerifyClientCert"))
			c->client_auth = WEB_REQUIRE_AND_VERIFY;
		else if (!strcmp(s, "RequestClientCert") || !strcmp(s, "RequireAnyClientCert"))
			return fail(p, v, "client_auth_type '%s' is not supported (certificates unverified)", s);
		else
			return fail(p, v, "client_auth_type '%s': expected NoClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert", s);
		return 0;
	}
	if (toolkit_key(key))
		return fail(p, k, "key '%s' is not supported", key);
	return fail(p, k, "unknown key '%s'", key);
}

static bool bcrypt_hash(const char *h)
{
	return (!strncmp(h, "$2a$", 4) || !strncmp(h, "$2b$", 4) || !strncmp(h, "$2y$", 4)) &&
	       strlen(h) == 60 && crypt_checksalt(h) == CRYPT_SALT_OK;
}

static int user(struct parse *p, const yaml_node_t *k, const yaml_node_t *v)
{
	struct web_config *c = p->c;
	struct web_user *u;
	const char *h;

	if (v->type != YAML_SCALAR_NODE || is_null(v))
		return fail(p, v, "user '%s': expected a bcrypt hash", scalar(k));
	h = scalar(v);
	if (!bcrypt_hash(h))
		return fail(p, v, "user '%s': not a bcrypt hash ($2a$, $2b$ or $2y$)", scalar(k));
	if (strchr(scalar(k), ':'))
		return fail(p, k, "user '%s': a name cannot hold ':'", scalar(k));
	u = realloc(c->users, (c->nusers + 1) * sizeof(*u));
	if (!u)
		return fail(p, NULL, "%s", strerror(ENOMEM));
	c->users = u;
	u += c->nusers;
	u->name = strdup(scalar(k));
	u->hash = strdup(h);
	c->nusers++;
	if (!u->name || !u->hash)
		return fail(p, NULL, "%s", strerror(ENOMEM));
	return 0;
}

static int top_key(struct parse *p, const yaml_node_t *k, const yaml_node_t *v)
{
	const char *key = scalar(k);

	if (!strcmp(key, "tls_server_config")) {
		if (is_null(v))
			return 0;
		p->c->tls = true;
		return walk(p, v, "tls_server_config", tls_key);
	}
	if (!strcmp(key, "basic_auth_users"))
		return is_null(v) ? 0 : walk(p, v, "basic_auth_users", user);
	if (toolkit_key(key))
		return fail(p, k, "key '%s' is not supported", key);
	return fail(p, k, "unknown key '%s'", key);
}

int web_config_parse(const char *text, size_t len, const char *dir,
		     struct web_config *c, char *why, size_t why_len)
{
	struct parse p = { .dir = dir, .c = c, .why = why, .why_len = why_len };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (!yaml_parser_initialize(&parser))
		return fail(&p, NULL, "%s", strerror(ENOMEM));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(why, why_len, "line %zu: %s", parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	p.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	/* an empty file: plain HTTP, no users, as with the toolkit */
	if (root && !is_null(root))
		err = walk(&p, root, "the file", top_key);
	if (!err) {
		if (!yaml_parser_load(&parser, &extra)) {
			err = fail(&p, NULL, "line %zu: %s", parser.problem_mark.line + 1,
				   parser.problem ? parser.problem : "not YAML");
		} else {
			if (yaml_document_get_root_node(&extra))
				err = fail(&p, yaml_document_get_root_node(&extra),
					   "a second document");
			yaml_document_delete(&extra);
		}
	}
	if (!err && c->tls && !c->cert_file)
		err = fail(&p, NULL, "tls_server_config: cert_file missing");
	if (!err && c->tls && !c->key_file)
		err = fail(&p, NULL, "tls_server_config: key_file missing");
	/* the toolkit's rules: a CA needs a policy, a verifying policy a CA */
	if (!err && c->client_ca_file && !c->client_auth)
		err = fail(&p, NULL, "tls_server_config: client_ca_file without a client_auth_type that verifies");
	if (!err && c->client_auth && !c->client_ca_file)
		err = fail(&p, NULL, "tls_server_config: client_auth_type needs client_ca_file");
	if (!err && c->min_version && c->max_version && c->min_version > c->max_version)
		err = fail(&p, NULL, "tls_server_config: min_version above max_version");
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (err)
		web_config_free(c);
	return err;
}

/* the whole of @path, NUL-terminated, in *@out; @what names it in @why
 * (with the path), or nothing if "" */
static int slurp(const char *path, char **out, size_t *len, char *why, size_t why_len,
		 const char *what)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		goto fail;
	buf = malloc(WEB_CONFIG_MAX_BYTES + 1);
	if (!buf)
		goto fail;
	n = fread(buf, 1, WEB_CONFIG_MAX_BYTES + 1, f);
	if (ferror(f))
		goto fail;
	fclose(f);
	if (n > WEB_CONFIG_MAX_BYTES) {
		free(buf);
		if (*what)
			snprintf(why, why_len, "%s %s: larger than %d bytes", what, path,
				 WEB_CONFIG_MAX_BYTES);
		else
			snprintf(why, why_len, "larger than %d bytes", WEB_CONFIG_MAX_BYTES);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
fail:
	err = errno;
	free(buf);
	if (f)
		fclose(f);
	if (*what)
		snprintf(why, why_len, "%s %s: %s", what, path, strerror(err));
	else
		snprintf(why, why_len, "%s", strerror(err));
	return -1;
}

int web_config_load(const char *path, struct web_config *c, char *why, size_t why_len)
{
	const char *slash = strrchr(path, '/');
	char *text, *dir;
	size_t len;
	int err;

	memset(c, 0, sizeof(*c));
	if (slurp(path, &text, &len, why, why_len, ""))
		return -1;
	dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
	if (!dir) {
		free(text);
		snprintf(why, why_len, "%s", strerror(ENOMEM));
		return -1;
	}
	err = web_config_parse(text, len, dir, c, why, why_len);
	free(dir);
	free(text);
	if (err)
		return -1;
	if (c->tls && (slurp(c->cert_file, &c->cert_pem, NULL, why, why_len, "cert_file") ||
		       slurp(c->key_file, &c->key_pem, NULL, why, why_len, "key_file") ||
		       (c->client_ca_file && slurp(c->client_ca_file, &c->client_ca_pem, NULL, why,
						   why_len, "client_ca_file")))) {
		web_config_free(c);
		return -1;
	}
	return 0;
}

void web_config_free(struct web_config *c)
{
	for (size_t i = 0; i < c->nusers; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->users);
	free(c->cert_file);
	free(c->key_file);
	free(c->client_ca_file);
	free(c->cert_pem);
	free(c->client_ca_pem);
	if (c->key_pem)
		explicit_bzero(c->key_pem, strlen(c->key_pem));
	free(c->key_pem);
	memset(c, 0, sizeof(*c));
}

void web_config_priorities(const struct web_config *c, char *buf, size_t len)
{
	static const char *const vers[] = { [WEB_TLS10] = ":+VERS-TLS1.0", [WEB_TLS11] = ":+VERS-TLS1.1",
					    [WEB_TLS12] = ":+VERS-TLS1.2", [WEB_TLS13] = ":+VERS-TLS1.3" };
	int lo = c->min_version ? (int)c->min_version : WEB_TLS12;
	int hi = c->max_version ? (int)c->max_version : WEB_TLS13;
	size_t off = (size_t)snprintf(buf, len, "NORMAL:-VERS-ALL");

	for (int v = lo; v <= hi && off < len; v++)
		off += (size_t)snprintf(buf + off, len - off, "%s", vers[v]);
}

struct web_auth_cache {
	pthread_mutex_t lock;		/* the slots */
	pthread_mutex_t hashing;	/* one bcrypt at a time; hashes */
	unsigned char secret[SHA256_BYTES];
	unsigned char keys[WEB_AUTH_CACHE_SLOTS][SHA256_BYTES];
	unsigned int used;		/* slots filled */
	unsigned int next;		/* the slot filled next */
	unsigned long long hashes;
};

struct web_auth_cache *web_auth_cache_new(void)
{
	struct web_auth_cache *a = calloc(1, sizeof(*a));
	ssize_t n;

	if (!a)
		return NULL;
	n = getrandom(a->secret, sizeof(a->secret), 0);
	if (n != (ssize_t)sizeof(a->secret)) {
		if (n >= 0)
			errno = EIO;
		free(a);
		return NULL;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->hashing, NULL);
	return a;
}

void web_auth_cache_free(struct web_auth_cache *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->hashing);
	explicit_bzero(a, sizeof(*a));
	free(a);
}

unsigned long long web_auth_cache_hashes(struct web_auth_cache *a)
{
	unsigned long long n;

	pthread_mutex_lock(&a->hashing);
	n = a->hashes;
	pthread_mutex_unlock(&a->hashing);
	return n;
}

static void key_field(struct sha256 *s, const char *f)
{
	uint64_t len = strlen(f);

	/* its length first: no two lists of fields hash the same bytes */
	sha256_update(s, &len, sizeof(len));
	sha256_update(s, f, len);
}

static void cache_key(const struct web_auth_cache *a, const char *user, const char *password,
		      const char *hash, unsigned char key[SHA256_BYTES])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, a->secret, sizeof(a->secret));
	key_field(&s, user);
	key_field(&s, password);
	key_field(&s, hash);
	sha256_final(&s, key);
}

/* under a->lock: @key's slot, or -1; every slot compared in whole */
static int cache_find(const struct web_auth_cache *a, const unsigned char key[SHA256_BYTES])
{
	int found = -1;

	for (unsigned int i = 0; i < a->used; i++) {
		unsigned char diff = 0;

		for (size_t b = 0; b < SHA256_BYTES; b++)
			diff |= a->keys[i][b] ^ key[b];
		if (!diff)
			found = (int)i;
	}
	return found;
}

static bool cache_has(struct web_auth_cache *a, const unsigned char key[SHA256_BYTES])
{
	bool has;

	pthread_mutex_lock(&a->lock);
	has = cache_find(a, key) >= 0;
	pthread_mutex_unlock(&a->lock);
	return has;
}

static void cache_add(struct web_auth_cache *a, const unsigned char key[SHA256_BYTES])
{
	pthread_mutex_lock(&a->lock);
	/* two threads may have checked the same password at once */
	if (cache_find(a, key) < 0) {
		memcpy(a->keys[a->next], key, SHA256_BYTES);
		a->next = (a->next + 1) % WEB_AUTH_CACHE_SLOTS;
		if (a->used < WEB_AUTH_CACHE_SLOTS)
			a->used++;
	}
	pthread_mutex_unlock(&a->lock);
}

/* whether @password's bcrypt with @h's salt and cost is @h */
static bool bcrypt_matches(const char *h, const char *password)
{
	struct crypt_data *cd;
	unsigned char diff = 0;
	const char *out;

	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return false;
	out = crypt_r(password, h, cd);
	if (!out || strlen(out) != strlen(h)) {
		diff = 1;
	} else {
		for (size_t i = 0; h[i]; i++)
			diff |= (unsigned char)(out[i] ^ h[i]);
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return !diff;
}

bool web_config_check_user(const struct web_config *c, struct web_auth_cache *a,
			   const char *user, const char *password)
{
	const struct web_user *u = NULL;
	unsigned char key[SHA256_BYTES];
	const char *h;
	bool ok;

	if (!c->nusers)
		return false;
	for (size_t i = 0; i < c->nusers; i++)
		if (!strcmp(c->users[i].name, user))
			u = &c->users[i];
	/* an unknown user costs a hash too: the time tells no names (and its
	 * key, with its own name, is in no slot) */
	h = u ? u->hash : c->users[0].hash;
	if (a) {
		cache_key(a, user, password, h, key);
		if (cache_has(a, key)) {
			explicit_bzero(key, sizeof(key));
			return u != NULL;
		}
		pthread_mutex_lock(&a->hashing);
	}
	ok = bcrypt_matches(h, password) && u;
	if (a) {
		a->hashes++;
		pthread_mutex_unlock(&a->hashing);
		if (ok)
			cache_add(a, key);
		explicit_bzero(key, sizeof(key));
	}
	return ok;
}
#endif
