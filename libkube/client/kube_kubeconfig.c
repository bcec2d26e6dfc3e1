/* kube_kubeconfig: load, merge and resolve kubeconfig files (see header). */
#include "client/kube_kubeconfig.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/base64.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"

#define KUBECONFIG_MAX_BYTES (16u << 20)

/* The named lists of a v1 Config and the key of each entry's body. */
static const struct {
	const char *list;
	const char *body;
} named_lists[] = {
	{ "clusters", "cluster" },
	{ "contexts", "context" },
	{ "users", "user" },
};

/* Path fields resolved against the file's directory. */
static const struct {
	const char *list;
	const char *field;
} path_fields[] = {
	{ "clusters", "certificate-authority" },
	{ "users", "client-certificate" },
	{ "users", "client-key" },
	{ "users", "tokenFile" },
};

static char *err_fmt(char **ret_err, const char *fmt, ...) KUBE_PRINTF(2, 3);
static char *err_fmt(char **ret_err, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kube_vasprintf(fmt, ap);
	va_end(ap);
	if (ret_err) {
		kube_free(*ret_err);
		*ret_err = s;
		return s;
	}
	kube_free(s);
	return NULL;
}

static void add_file(kube_kubeconfig_t *kc, const char *path)
{
	kc->files = kube_realloc(kc->files, (kc->nfiles + 1) * sizeof(*kc->files));
	kc->files[kc->nfiles++] = kube_strdup(path);
}

static cJSON *empty_doc(void)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "apiVersion", "v1");
	cJSON_AddStringToObject(d, "kind", "Config");
	cJSON_AddItemToObject(d, "clusters", cJSON_CreateArray());
	cJSON_AddItemToObject(d, "contexts", cJSON_CreateArray());
	cJSON_AddItemToObject(d, "users", cJSON_CreateArray());
	cJSON_AddStringToObject(d, "current-context", "");
	cJSON_AddItemToObject(d, "preferences", cJSON_CreateObject());
	return d;
}

/* Make relative path fields absolute against base_dir. */
static void resolve_paths(cJSON *doc, const char *base_dir)
{
	if (!base_dir || !*base_dir)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(path_fields); i++) {
		cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, path_fields[i].list);
		const char *body = strcmp(path_fields[i].list, "clusters") == 0 ? "cluster" : "user";
		cJSON *e;

		if (!cJSON_IsArray(list))
			continue;
		cJSON_ArrayForEach(e, list) {
			cJSON *b = cJSON_GetObjectItemCaseSensitive(e, body);
			cJSON *f = cJSON_GetObjectItemCaseSensitive(b, path_fields[i].field);
			char *abs;

			if (!cJSON_IsString(f) || !f->valuestring[0] || f->valuestring[0] == '/')
				continue;
			abs = kube_asprintf("%s/%s", base_dir, f->valuestring);
			cJSON_ReplaceItemInObjectCaseSensitive(b, path_fields[i].field,
							       cJSON_CreateString(abs));
			kube_free(abs);
		}
	}
}

/* Check the shape of a parsed document: a mapping whose named lists are
 * lists of mappings with a string name. */
static int check_doc(const cJSON *doc, const char *what, char **ret_err)
{
	const cJSON *cc;

	if (!cJSON_IsObject(doc)) {
		err_fmt(ret_err, "error loading config file \"%s\": couldn't get version/kind; json parse error: not an object",
			what);
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(named_lists); i++) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc, named_lists[i].list), *e;

		if (!l || cJSON_IsNull(l))
			continue;
		if (!cJSON_IsArray(l)) {
			err_fmt(ret_err, "error loading config file \"%s\": %s: expected a list", what,
				named_lists[i].list);
			return -EINVAL;
		}
		cJSON_ArrayForEach(e, l) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, named_lists[i].body);

			if (!cJSON_IsObject(e) || !cJSON_IsString(n) ||
			    (b && !cJSON_IsObject(b) && !cJSON_IsNull(b))) {
				err_fmt(ret_err, "error loading config file \"%s\": %s: malformed entry",
					what, named_lists[i].list);
				return -EINVAL;
			}
		}
	}
	cc = cJSON_GetObjectItemCaseSensitive(doc, "current-context");
	if (cc && !cJSON_IsString(cc) && !cJSON_IsNull(cc)) {
		err_fmt(ret_err, "error loading config file \"%s\": current-context: expected a string",
			what);
		return -EINVAL;
	}
	return 0;
}

static const cJSON *find_named(const cJSON *doc, const char *list, const char *name)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc, list), *e;

	cJSON_ArrayForEach(e, l) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return e;
	}
	return NULL;
}

/* Merge src into dst: named entries and current-context only where dst
 * has none yet (the first file wins). */
static void merge_doc(cJSON *dst, const cJSON *src)
{
	const cJSON *cc, *pref;

	for (size_t i = 0; i < ARRAY_SIZE(named_lists); i++) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(src, named_lists[i].list), *e;
		cJSON *dl = cJSON_GetObjectItemCaseSensitive(dst, named_lists[i].list);

		cJSON_ArrayForEach(e, l) {
			const char *n = cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring;

			if (!find_named(dst, named_lists[i].list, n))
				cJSON_AddItemToArray(dl, kube_json_dup(e));
		}
	}
	cc = cJSON_GetObjectItemCaseSensitive(src, "current-context");
	if (cJSON_IsString(cc) && cc->valuestring[0] &&
	    !(kube_json_get_str(dst, "current-context") &&
	      kube_json_get_str(dst, "current-context")[0]))
		cJSON_ReplaceItemInObjectCaseSensitive(dst, "current-context",
						       cJSON_CreateString(cc->valuestring));
	pref = cJSON_GetObjectItemCaseSensitive(src, "preferences");
	if (cJSON_IsObject(pref) && !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(dst, "preferences")))
		cJSON_ReplaceItemInObjectCaseSensitive(dst, "preferences", kube_json_dup(pref));
}

static int parse_doc(const char *text, size_t len, const char *base_dir, const char *what,
		     cJSON **ret, char **ret_err)
{
	_cleanup_free_ char *yerr = NULL;
	cJSON **docs = NULL;
	size_t n = 0;
	cJSON *doc;
	int r;

	r = kube_yaml_to_json(text, len, &docs, &n, &yerr);
	if (r < 0) {
		err_fmt(ret_err, "error loading config file \"%s\": %s", what,
			yerr ? yerr : "invalid YAML");
		return -EINVAL;
	}
	doc = n > 0 ? docs[0] : NULL;
	if (n > 0)
		docs[0] = NULL;
	kube_yaml_docs_free(docs, n);
	if (!doc || cJSON_IsNull(doc)) {
		cJSON_Delete(doc);
		*ret = empty_doc();
		return 0;
	}
	r = check_doc(doc, what, ret_err);
	if (r < 0) {
		cJSON_Delete(doc);
		return r;
	}
	resolve_paths(doc, base_dir);
	*ret = doc;
	return 0;
}

int kube_kubeconfig_parse(const char *text, size_t len, const char *base_dir,
			  kube_kubeconfig_t *ret, char **ret_err)
{
	cJSON *doc = NULL, *merged;
	int r;

	r = parse_doc(text, len, base_dir, "<memory>", &doc, ret_err);
	if (r < 0)
		return r;
	merged = empty_doc();
	merge_doc(merged, doc);
	cJSON_Delete(doc);
	memset(ret, 0, sizeof(*ret));
	ret->doc = merged;
	return 0;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	kube_buf_t b = KUBE_BUF_INIT;
	char tmp[8192];
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			kube_buf_clear(&b);
			return (int)n;
		}
		kube_buf_append(&b, tmp, (size_t)n);
		if (b.len > KUBECONFIG_MAX_BYTES) {
			close(fd);
			kube_buf_clear(&b);
			return -EFBIG;
		}
	}
	close(fd);
	*ret_len = b.len;
	*ret = kube_buf_steal(&b);
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char cwd[4096];

	if (slash)
		return slash == path ? kube_strdup("/") : kube_strndup(path, (size_t)(slash - path));
	if (getcwd(cwd, sizeof(cwd)))
		return kube_strdup(cwd);
	return kube_strdup(".");
}

/* Read one file and merge it into kc. missing_ok: skip absent files. */
static int load_one(kube_kubeconfig_t *kc, const char *path, bool missing_ok, char **ret_err)
{
	_cleanup_free_ char *text = NULL, *dir = NULL;
	size_t len = 0;
	cJSON *doc = NULL;
	int r;

	r = read_file(path, &text, &len);
	if (r == -ENOENT && missing_ok)
		return 0;
	if (r < 0) {
		err_fmt(ret_err, "stat %s: %s", path,
			r == -ENOENT ? "no such file or directory" : strerror(-r));
		return r;
	}
	dir = dir_of(path);
	r = parse_doc(text, len, dir, path, &doc, ret_err);
	if (r < 0)
		return r;
	merge_doc(kc->doc, doc);
	cJSON_Delete(doc);
	add_file(kc, path);
	return 0;
}

int kube_kubeconfig_load(const char *explicit_path, kube_kubeconfig_t *ret, char **ret_err)
{
	kube_kubeconfig_t kc = { 0 };
	const char *env = getenv("KUBECONFIG");
	int r = 0;

	kc.doc = empty_doc();
	if (explicit_path && *explicit_path) {
		kc.first_file = kube_strdup(explicit_path);
		r = load_one(&kc, explicit_path, false, ret_err);
	} else if (env && *env) {
		_cleanup_free_ char *list = kube_strdup(env);
		char *save = NULL;

		for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
			if (!kc.first_file)
				kc.first_file = kube_strdup(p);
			r = load_one(&kc, p, true, ret_err);
			if (r < 0)
				break;
		}
	} else {
		const char *home = getenv("HOME");

		kc.first_file = kube_asprintf("%s/.kube/config", home && *home ? home : "");
		r = load_one(&kc, kc.first_file, true, ret_err);
	}
	if (r < 0) {
		kube_kubeconfig_clear(&kc);
		return r;
	}
	*ret = kc;
	return 0;
}

void kube_kubeconfig_clear(kube_kubeconfig_t *kc)
{
	if (!kc)
		return;
	cJSON_Delete(kc->doc);
	for (size_t i = 0; i < kc->nfiles; i++)
		kube_free(kc->files[i]);
	kube_free(kc->files);
	kube_free(kc->first_file);
	memset(kc, 0, sizeof(*kc));
}

/* ---- resolving ---- */

static const char *keep(kube_kubeconfig_resolved_t *r, char *s)
{
	if (!s)
		return NULL;
	if (r->nstrings >= ARRAY_SIZE(r->strings)) {
		kube_free(s); /* cannot happen: fewer fields than slots */
		return NULL;
	}
	r->strings[r->nstrings++] = s;
	return s;
}

static const char *keep_dup(kube_kubeconfig_resolved_t *r, const char *s)
{
	return s && *s ? keep(r, kube_strdup(s)) : NULL;
}

static bool set(const char *s)
{
	return s && *s;
}

/* Decode a *-data field (base64) into a PEM string. */
static int decode_data(kube_kubeconfig_resolved_t *r, const char *b64, const char *field,
		       const char **ret, char **ret_err)
{
	size_t in = strlen(b64), olen = 0;
	char *out;
	int rc;

	out = kube_malloc(in / 4 * 3 + 4);
	rc = mbedtls_base64_decode((unsigned char *)out, in / 4 * 3 + 3, &olen,
				   (const unsigned char *)b64, in);
	if (rc != 0) {
		kube_free(out);
		err_fmt(ret_err, "invalid configuration: %s: illegal base64 data", field);
		return -EINVAL;
	}
	out[olen] = '\0';
	*ret = keep(r, out);
	return 0;
}

int kube_kubeconfig_resolve(const kube_kubeconfig_t *kc, const kube_kubeconfig_overrides_t *ov,
			    kube_kubeconfig_resolved_t *ret, char **ret_err)
{
	static const kube_kubeconfig_overrides_t no_ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	kube_kubeconfig_resolved_t r = { 0 };
	const cJSON *doc = kc ? kc->doc : NULL;
	const cJSON *ctx = NULL, *cluster = NULL, *user = NULL, *e;
	const char *ctx_name, *cluster_name = NULL, *user_name = NULL, *s;
	kube_client_config_t *c = &r.client;
	int rc;

	if (!ov)
		ov = &no_ov;
	ctx_name = set(ov->context) ? ov->context : kube_json_get_str(doc, "current-context");
	if (set(ctx_name)) {
		e = find_named(doc, "contexts", ctx_name);
		if (!e) {
			err_fmt(ret_err, "context \"%s\" does not exist", ctx_name);
			return -ENOENT;
		}
		ctx = cJSON_GetObjectItemCaseSensitive(e, "context");
		cluster_name = kube_json_get_str(ctx, "cluster");
		user_name = kube_json_get_str(ctx, "user");
	}
	if (set(ov->cluster))
		cluster_name = ov->cluster;
	if (set(ov->user))
		user_name = ov->user;
	if (set(cluster_name)) {
		e = find_named(doc, "clusters", cluster_name);
		if (!e) {
			err_fmt(ret_err, "cluster \"%s\" does not exist", cluster_name);
			return -ENOENT;
		}
		cluster = cJSON_GetObjectItemCaseSensitive(e, "cluster");
	}
	if (set(user_name)) {
		e = find_named(doc, "users", user_name);
		if (!e) {
			err_fmt(ret_err, "auth info \"%s\" does not exist", user_name);
			return -ENOENT;
		}
		user = cJSON_GetObjectItemCaseSensitive(e, "user");
	}

	s = set(ov->server) ? ov->server : kube_json_get_str(cluster, "server");
	if (!set(s)) {
		err_fmt(ret_err, "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable");
		return -EDESTADDRREQ;
	}
	c->server = keep_dup(&r, s);

	/* Cluster TLS. An overridden server keeps the cluster's CA, as
	 * client-go does; --insecure-skip-tls-verify drops it. */
	c->insecure_skip_verify = ov->insecure_skip_tls_verify >= 0 ?
					  ov->insecure_skip_tls_verify == 1 :
				  set(ov->certificate_authority) ?
					  false : /* a CA on the command line wins */
					  kube_json_get_bool(cluster, "insecure-skip-tls-verify", false);
	if (set(ov->certificate_authority)) {
		c->ca_file = keep_dup(&r, ov->certificate_authority);
	} else if (!c->insecure_skip_verify) {
		c->ca_file = keep_dup(&r, kube_json_get_str(cluster, "certificate-authority"));
		s = kube_json_get_str(cluster, "certificate-authority-data");
		if (set(s) && (rc = decode_data(&r, s, "certificate-authority-data", &c->ca_pem,
						ret_err)) < 0)
			goto fail;
	}
	/* client-go: --server without --tls-server-name drops the file's name */
	c->server_name = keep_dup(&r, set(ov->tls_server_name) ? ov->tls_server_name :
				  set(ov->server) ? NULL :
				  kube_json_get_str(cluster, "tls-server-name"));

	/* User credentials; command-line ones replace the file's. */
	if (set(ov->client_certificate) || set(ov->client_key)) {
		c->cert_file = keep_dup(&r, ov->client_certificate);
		c->key_file = keep_dup(&r, ov->client_key);
	} else {
		c->cert_file = keep_dup(&r, kube_json_get_str(user, "client-certificate"));
		c->key_file = keep_dup(&r, kube_json_get_str(user, "client-key"));
		s = kube_json_get_str(user, "client-certificate-data");
		if (set(s) && (rc = decode_data(&r, s, "client-certificate-data", &c->cert_pem,
						ret_err)) < 0)
			goto fail;
		s = kube_json_get_str(user, "client-key-data");
		if (set(s) && (rc = decode_data(&r, s, "client-key-data", &c->key_pem, ret_err)) < 0)
			goto fail;
	}
	if (set(ov->token)) {
		c->token = keep_dup(&r, ov->token);
	} else if (set(ov->username) || set(ov->password)) {
		c->username = keep_dup(&r, ov->username);
		c->password = keep_dup(&r, ov->password);
	} else {
		c->token = keep_dup(&r, kube_json_get_str(user, "token"));
		c->token_file = keep_dup(&r, kube_json_get_str(user, "tokenFile"));
		c->username = keep_dup(&r, kube_json_get_str(user, "username"));
		c->password = keep_dup(&r, kube_json_get_str(user, "password"));
	}

	s = set(ov->namespace_) ? ov->namespace_ : kube_json_get_str(ctx, "namespace");
	r.namespace_ = kube_strdup(set(s) ? s : "default");
	r.context_name = kube_strdup(set(ctx_name) ? ctx_name : "");
	*ret = r;
	return 0;
fail:
	kube_kubeconfig_resolved_clear(&r);
	return rc;
}

void kube_kubeconfig_resolved_clear(kube_kubeconfig_resolved_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nstrings; i++)
		kube_free(r->strings[i]);
	kube_free(r->namespace_);
	kube_free(r->context_name);
	memset(r, 0, sizeof(*r));
}

int kube_kubeconfig_client(const char *kubeconfig, const char *master, double qps, int burst,
			   const char *user_agent, kube_client_t **ret, char **ret_err)
{
	kube_kubeconfig_overrides_t ov = KUBE_KUBECONFIG_OVERRIDES_INIT;
	kube_kubeconfig_resolved_t res;
	kube_kubeconfig_t kc = { 0 };
	_cleanup_free_ char *server = NULL;
	int r;

	/* client-go's BuildConfigFromFlags: only the explicit file is read. */
	if (set(kubeconfig)) {
		r = kube_kubeconfig_load(kubeconfig, &kc, ret_err);
		if (r == -ENOENT && ret_err && !*ret_err)
			err_fmt(ret_err, "stat %s: no such file or directory", kubeconfig);
		if (r < 0)
			return r;
	} else {
		kc.doc = empty_doc();
	}
	if (set(master)) {
		server = strstr(master, "://") ? kube_strdup(master) :
						 kube_asprintf("http://%s", master);
		ov.server = server;
	}
	r = kube_kubeconfig_resolve(&kc, &ov, &res, ret_err);
	kube_kubeconfig_clear(&kc);
	if (r < 0)
		return r;
	if (qps > 0)
		res.client.qps = qps;
	if (burst > 0)
		res.client.burst = burst;
	res.client.user_agent = user_agent;
	r = kube_client_new(&res.client, ret);
	if (r < 0)
		err_fmt(ret_err, "error creating client for %s: %s", res.client.server, strerror(-r));
	kube_kubeconfig_resolved_clear(&res);
	return r;
}
