/*
 * apiserver_rest: the REST verbs on resources, with upstream's semantics.
 *
 * Reads (get, list, watch) are served from the watch caches on the loop
 * thread once they have caught up with the store. Writes are prepared on
 * the loop (parsing, metadata, defaults, validation, allocations), run on a
 * worker (store compare-and-swap loops) and answered back on the loop.
 */
#include "apiserver.h"
#include "apiserver_defaults.h"
#include "apiserver_fields.h"
#include "apiserver_route.h"
#include "apiserver_table.h"
#include "apiserver_validation.h"

#include "api/kube_json.h"
#include "api/kube_protobuf.h"
#include "api/kube_selector.h"
#include "api/kube_yaml.h"
#include "core/kube_log.h"
#include "core/kube_time.h"

#include "net/kube_http_client.h"

#include <mbedtls/base64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define PATCH_RETRIES 8

typedef enum {
	OP_CREATE,
	OP_UPDATE,      /* PUT */
	OP_PATCH,
	OP_DELETE,
	OP_LIST_STORE,  /* paged list read from the store */
	OP_BINDING,
	OP_COMPONENTS,
} op_kind_t;

typedef struct op {
	apiserver_t *s;
	kube_http_req_t *req;
	const kube_kind_t *k;
	apiserver_route_t route;
	op_kind_t kind;
	const char *verb;
	int64_t start_ns;
	cJSON *body;
	char *key;
	char *patch_type;
	bool dry_run;
	bool as_table;
	/* results */
	int code;
	kube_status_t *st;
	kube_buf_t out;
	char *warning;
} op_t;

/* ---- small helpers ---- */

void apiserver_set_rv(cJSON *obj, int64_t rev)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)rev);
	kube_json_set_str(obj, "metadata.resourceVersion", buf);
}

void apiserver_now_rfc3339(char *buf, size_t size)
{
	kube_time_format_rfc3339(kube_wall_ns(), buf, size);
}

char *apiserver_key(const apiserver_t *s, const kube_kind_t *k, const char *ns, const char *name)
{
	if (k->namespaced)
		return kube_asprintf("%s/%s/%s/%s", s->prefix, k->storage, ns ? ns : "", name);
	return kube_asprintf("%s/%s/%s", s->prefix, k->storage, name);
}

char *apiserver_key_prefix(const apiserver_t *s, const kube_kind_t *k, const char *ns)
{
	if (k->namespaced && ns && *ns)
		return kube_asprintf("%s/%s/%s/", s->prefix, k->storage, ns);
	return kube_asprintf("%s/%s/", s->prefix, k->storage);
}

static bool param_true(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "1") == 0);
}

static const char *resource_label(const op_t *op)
{
	return op->k ? op->k->resource : "";
}

void apiserver_respond_json(apiserver_t *s, kube_http_req_t *req, int code, kube_buf_t *body)
{
	kube_http_respond_buf(req, code, "application/json", body);
}

void apiserver_respond_status(apiserver_t *s, kube_http_req_t *req, kube_status_t *st)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_status_render(st, &b);
	kube_buf_putc(&b, '\n');
	if (st->retry_after_seconds) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", st->retry_after_seconds);
		kube_http_resp_header(req, "Retry-After", ra);
	}
	kube_http_respond_buf(req, st->code, "application/json", &b);
	kube_status_free(st);
}

static void op_free(op_t *op)
{
	apiserver_route_clear(&op->route);
	cJSON_Delete(op->body);
	kube_free(op->key);
	kube_free(op->patch_type);
	kube_status_free(op->st);
	kube_buf_clear(&op->out);
	kube_free(op->warning);
	kube_free(op);
}

/* Finish op on the loop: answer, record metrics, free. */
static void op_finish(op_t *op)
{
	apiserver_t *s = op->s;
	int code;

	if (op->warning) {
		kube_buf_t w = KUBE_BUF_INIT;
		kube_buf_printf(&w, "299 - \"%s\"", op->warning);
		kube_http_resp_header(op->req, "Warning", w.data);
		kube_buf_clear(&w);
	}
	if (op->st) {
		code = op->st->code;
		apiserver_respond_status(s, op->req, op->st);
		op->st = NULL;
	} else {
		code = op->code ? op->code : 200;
		kube_http_respond_buf(op->req, code, op->as_table && code == 200
				      ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json",
				      &op->out);
	}
	apiserver_metrics_observe(s, op->verb, resource_label(op), code, op->start_ns);
	op_free(op);
}

static void op_finish_cb(void *arg)
{
	op_finish(arg);
}

/* From a worker: answer on the loop. */
static void op_post(op_t *op)
{
	kube_loop_post(op->s->base, op_finish_cb, op);
}

static void gen_suffix(char *out, size_t n)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char rnd[16];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 7, sizeof(rnd));
	for (size_t i = 0; i < n && i < sizeof(rnd); i++)
		out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	out[n] = '\0';
}

void apiserver_new_uid(char *out, size_t size)
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		memset(b, 3, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

/* Kinds whose metadata.generation upstream tracks. */
static bool has_generation(const kube_kind_t *k)
{
	return strcmp(k->group, "apps") == 0 || strcmp(k->group, "batch") == 0 ||
	       strcmp(k->resource, "replicationcontrollers") == 0 ||
	       strcmp(k->group, "autoscaling") == 0 || strcmp(k->group, "policy") == 0 ||
	       strcmp(k->group, "networking.k8s.io") == 0;
}

static bool has_status_sub(const kube_kind_t *k)
{
	return kube_kinds_subresource(k, "status") != NULL;
}

/* Compact JSON of obj without metadata.resourceVersion: what the store keeps. */
static char *stored_json(const cJSON *obj)
{
	cJSON *copy = kube_json_dup(obj);
	char *out;

	kube_json_delete(copy, "metadata.resourceVersion");
	out = kube_json_compact(copy);
	cJSON_Delete(copy);
	return out;
}

static kube_status_t *store_error(const op_t *op, int r, const char *name)
{
	switch (r) {
	case -ENOENT:
		return kube_status_not_found(op->k, name);
	case -EEXIST:
		return kube_status_already_exists(op->k, name);
	case -ECANCELED:
		return kube_status_conflict(op->k, name,
					    "the object has been modified; please apply your changes to the latest version and try again");
	case -KUBE_STORE_ECOMPACTED:
		return kube_status_new(410, "Expired", "The resourceVersion for the provided list is too old.");
	case -ETIMEDOUT:
		return kube_status_new(504, "Timeout", "request timed out");
	default:
		return kube_status_unavailable("storage error: %s", strerror(-r));
	}
}

/* ---- request body ---- */

static kube_status_t *parse_body(kube_http_req_t *req, cJSON **ret)
{
	size_t len;
	const char *body = kube_http_req_body(req, &len);
	const char *ct = kube_http_req_header(req, "Content-Type");
	cJSON *obj;

	if (len == 0)
		return kube_status_bad_request("the request body is empty");
	if (ct && strstr(ct, "protobuf")) {
		/* typed clients (kubectl create <generator>, create token,
		 * autoscale, auth can-i): transcode to JSON and go on */
		char *err = NULL;
		kube_status_t *st = NULL;
		int r = kube_protobuf_decode(body, len, &obj, &err);
		if (r == -ENOTSUP)
			st = kube_status_unsupported_media(ct);
		else if (r < 0)
			st = kube_status_bad_request("unable to decode protobuf body: %s", err ? err : "malformed");
		kube_free(err);
		if (st)
			return st;
		*ret = obj;
		return NULL;
	}
	if (ct && strstr(ct, "yaml")) {
		char *err = NULL;
		kube_status_t *st;
		obj = kube_yaml_parse(body, len, &err);
		if (obj) {
			*ret = obj;
			return NULL;
		}
		st = kube_status_bad_request("%s", err ? err : "invalid YAML");
		kube_free(err);
		return st;
	}
	obj = kube_json_parse(body, len);
	if (!obj)
		return kube_status_bad_request("error decoding the request body: invalid JSON");
	*ret = obj;
	return NULL;
}

/* The body's apiVersion and kind must name the URL's resource. */
static kube_status_t *check_type(const kube_kind_t *k, const cJSON *obj, const char *want_kind,
				 const char *want_group_version)
{
	const char *kind = kube_json_get_str(obj, "kind");
	const char *av = kube_json_get_str(obj, "apiVersion");

	if (!cJSON_IsObject(obj))
		return kube_status_bad_request("the body of the request must be a JSON object");
	if ((kind && strcmp(kind, want_kind) != 0) || (av && strcmp(av, want_group_version) != 0))
		return kube_status_bad_request("the API version in the data (%s) does not match the expected API version (%s)",
					       av ? av : "", want_group_version);
	return NULL;
}

/* ---- reads ---- */

typedef struct filters {
	kube_selector_t *lsel;
	kube_fieldsel_t *fsel;
} filters_t;

static void filters_clear(filters_t *f)
{
	kube_selector_free(f->lsel);
	kube_fieldsel_free(f->fsel);
}

static kube_status_t *filters_parse(const kube_kind_t *k, kube_http_req_t *req, filters_t *f)
{
	const char *ls = kube_http_req_query_param(req, "labelSelector");
	const char *fs = kube_http_req_query_param(req, "fieldSelector");
	char *err = NULL;
	kube_status_t *st;

	memset(f, 0, sizeof(*f));
	if (ls && *ls && kube_selector_parse(ls, &f->lsel, &err) < 0) {
		st = kube_status_bad_request("unable to parse requirement: %s", err ? err : ls);
		kube_free(err);
		return st;
	}
	if (fs && *fs) {
		if (kube_fieldsel_parse(fs, &f->fsel, &err) < 0) {
			st = kube_status_bad_request("%s", err ? err : "invalid field selector");
			kube_free(err);
			return st;
		}
		for (size_t i = 0; i < f->fsel->n; i++)
			if (!apiserver_fields_supported(k, f->fsel->terms[i].field))
				return kube_status_bad_request("field label not supported: %s",
							       f->fsel->terms[i].field);
	}
	return NULL;
}

typedef struct obj_field_ctx {
	const kube_kind_t *k;
	apiserver_obj_t *o;
} obj_field_ctx_t;

static const char *obj_field_get(const char *field, void *userdata)
{
	obj_field_ctx_t *fc = userdata;

	return apiserver_obj_field(fc->o, fc->k, field);
}

/* filters_match() for a cached object, without parsing it. */
static bool filters_match_obj(const filters_t *f, const kube_kind_t *k, apiserver_obj_t *o)
{
	obj_field_ctx_t fc = { .k = k, .o = o };

	if (f->lsel && !apiserver_obj_labels_match(o, f->lsel))
		return false;
	return !f->fsel || kube_fieldsel_matches(f->fsel, obj_field_get, &fc);
}

static bool filters_match(const filters_t *f, const kube_kind_t *k, const cJSON *obj)
{
	if (f->lsel) {
		const cJSON *labels = kube_json_get(obj, "metadata.labels");
		if (!kube_selector_matches(f->lsel, labels))
			return false;
	}
	return !f->fsel || apiserver_fields_match(k, f->fsel, obj);
}

static int include_object(kube_http_req_t *req)
{
	const char *io = kube_http_req_query_param(req, "includeObject");

	if (io && strcmp(io, "None") == 0)
		return 0;
	if (io && strcmp(io, "Object") == 0)
		return 2;
	return 1;
}

static void list_header(kube_buf_t *out, const kube_kind_t *k, int64_t rev, const char *cont)
{
	kube_buf_printf(out, "{\"kind\":\"%sList\",\"apiVersion\":\"", k->kind);
	kube_kinds_api_version(k, out);
	kube_buf_printf(out, "\",\"metadata\":{\"resourceVersion\":\"%lld\"", (long long)rev);
	if (cont && *cont)
		kube_buf_printf(out, ",\"continue\":\"%s\"", cont);
	kube_buf_puts(out, "},\"items\":[");
}

static void serve_get(void *arg)
{
	op_t *op = arg;
	apiserver_cache_t *c = apiserver_cache_for(op->s, op->k);
	apiserver_obj_t *o = c ? apiserver_cache_get(c, op->route.namespace, op->route.name) : NULL;

	if (!o) {
		op->st = kube_status_not_found(op->k, op->route.name);
	} else if (op->as_table) {
		cJSON *objs[1] = { apiserver_obj_tree(o) };
		char rv[32];
		snprintf(rv, sizeof(rv), "%lld", (long long)o->rev);
		apiserver_table_render(&op->out, op->k, objs, objs[0] ? 1 : 0, include_object(op->req),
				       rv, NULL, true, kube_wall_ns());
		cJSON_Delete(objs[0]);
	} else {
		kube_buf_append(&op->out, o->json, o->len);
	}
	op_finish(op);
}

static cJSON *scale_of(const op_t *op, const cJSON *cur);

static void serve_get_scale(void *arg)
{
	op_t *op = arg;
	apiserver_cache_t *c = apiserver_cache_for(op->s, op->k);
	apiserver_obj_t *o = c ? apiserver_cache_get(c, op->route.namespace, op->route.name) : NULL;

	if (!o) {
		op->st = kube_status_not_found(op->k, op->route.name);
	} else {
		cJSON *tree = apiserver_obj_tree(o);
		cJSON *sc = tree ? scale_of(op, tree) : NULL;
		if (sc)
			kube_json_compact_buf(&op->out, sc);
		else
			op->st = kube_status_internal("the stored object does not parse");
		cJSON_Delete(sc);
		cJSON_Delete(tree);
	}
	op_finish(op);
}

/* List from the cache (no paging, or resourceVersion=0). */
static void serve_list_cache(void *arg)
{
	op_t *op = arg;
	apiserver_cache_t *c = apiserver_cache_for(op->s, op->k);
	const char *ns = op->route.namespace;
	filters_t f;
	size_t n;
	apiserver_obj_t **items = c ? apiserver_cache_items(c, &n) : NULL;
	bool first = true;
	cJSON **tobjs = NULL;
	size_t tn = 0;

	op->st = filters_parse(op->k, op->req, &f);
	if (op->st) {
		filters_clear(&f);
		op_finish(op);
		return;
	}
	if (!op->as_table)
		list_header(&op->out, op->k, op->s->cache_rev, NULL);
	else
		tobjs = kube_calloc(n ? n : 1, sizeof(*tobjs));
	for (size_t i = 0; items && i < n; i++) {
		apiserver_obj_t *o = items[i];

		if (ns && *ns && op->k->namespaced && strcmp(o->ns, ns) != 0)
			continue;
		if (!filters_match_obj(&f, op->k, o))
			continue;
		if (op->as_table) {
			if ((tobjs[tn] = apiserver_obj_tree(o)))
				tn++;
			continue;
		}
		if (!first)
			kube_buf_putc(&op->out, ',');
		kube_buf_append(&op->out, o->json, o->len);
		first = false;
	}
	if (op->as_table) {
		char rv[32];
		snprintf(rv, sizeof(rv), "%lld", (long long)op->s->cache_rev);
		apiserver_table_render(&op->out, op->k, tobjs, tn, include_object(op->req), rv, NULL,
				       true, kube_wall_ns());
		for (size_t i = 0; i < tn; i++)
			cJSON_Delete(tobjs[i]);
		kube_free(tobjs);
	} else {
		kube_buf_puts(&op->out, "]}");
	}
	filters_clear(&f);
	op_finish(op);
}

/* Continue tokens as upstream: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}. */
static char *continue_encode(int64_t rev, const char *start)
{
	kube_buf_t j = KUBE_BUF_INIT;
	unsigned char *out;
	size_t olen = 0;

	kube_buf_printf(&j, "{\"v\":\"meta.k8s.io/v1\",\"rv\":%lld,\"start\":", (long long)rev);
	{
		kube_buf_t s = KUBE_BUF_INIT;
		kube_buf_puts(&s, start);
		kube_buf_json_string(&j, s.data);
		kube_buf_clear(&s);
	}
	/* append \u0000 inside the string: replace the closing quote */
	j.len--;
	kube_buf_puts(&j, "\\u0000\"}");
	mbedtls_base64_encode(NULL, 0, &olen, (const unsigned char *)j.data, j.len);
	out = kube_malloc(olen + 1);
	mbedtls_base64_encode(out, olen + 1, &olen, (const unsigned char *)j.data, j.len);
	out[olen] = '\0';
	kube_buf_clear(&j);
	return (char *)out;
}

static int continue_decode(const char *tok, int64_t *ret_rev, char **ret_start)
{
	size_t olen = 0, tl = strlen(tok);
	unsigned char *raw;
	cJSON *j;
	const char *start;
	int r = -EINVAL;

	if (mbedtls_base64_decode(NULL, 0, &olen, (const unsigned char *)tok, tl) ==
	    MBEDTLS_ERR_BASE64_INVALID_CHARACTER)
		return -EINVAL;
	raw = kube_malloc(olen + 1);
	if (mbedtls_base64_decode(raw, olen + 1, &olen, (const unsigned char *)tok, tl) != 0) {
		kube_free(raw);
		return -EINVAL;
	}
	j = kube_json_parse((const char *)raw, olen);
	kube_free(raw);
	if (!j)
		return -EINVAL;
	start = kube_json_get_str(j, "start");
	*ret_rev = kube_json_get_int64(j, "rv", 0);
	if (start && *ret_rev > 0) {
		*ret_start = kube_strdup(start);
		r = 0;
	}
	cJSON_Delete(j);
	return r;
}

/* Worker: a page of a list read from the store at a revision. */
static void do_list_store(void *arg)
{
	op_t *op = arg;
	apiserver_t *s = op->s;
	const char *lim = kube_http_req_query_param(op->req, "limit");
	const char *cont = kube_http_req_query_param(op->req, "continue");
	size_t limit = lim ? (size_t)strtoull(lim, NULL, 10) : 0;
	char *prefix = apiserver_key_prefix(s, op->k, op->route.namespace);
	char *start = NULL, *start_key = NULL, *token = NULL;
	int64_t rev = 0;
	kube_kv_list_t l = { 0 };
	filters_t f;
	cJSON **tobjs = NULL;
	size_t tn = 0;
	bool first = true;
	int r;

	op->st = filters_parse(op->k, op->req, &f);
	if (op->st)
		goto out;
	if (cont && *cont) {
		if (continue_decode(cont, &rev, &start) < 0) {
			op->st = kube_status_bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
			goto out;
		}
		/* The token's start is the last key plus NUL: the next key after it.
		 * Names never hold \x01, so last key + \x01 is that key for the store. */
		start_key = kube_asprintf("%s%s\x01", prefix, start);
	} else {
		/* resourceVersionMatch=Exact: the list as it was at that revision. */
		const char *rv = kube_http_req_query_param(op->req, "resourceVersion");
		const char *rvm = kube_http_req_query_param(op->req, "resourceVersionMatch");
		if (rv && rvm && strcmp(rvm, "Exact") == 0) {
			char *end = NULL;
			long long n = strtoll(rv, &end, 10);
			if (!*rv || *end || n <= 0) {
				op->st = kube_status_bad_request("invalid resource version \"%s\"", rv);
				goto out;
			}
			rev = n;
			if (rev <= kube_store_compacted_rev(s->store)) {
				op->st = kube_status_new(410, "Expired", "too old resource version: %lld (%lld)",
							 n, (long long)kube_store_compacted_rev(s->store));
				goto out;
			}
		}
	}
	r = kube_store_list(s->store, prefix, start_key, limit, rev, &l);
	if (r == -KUBE_STORE_ECOMPACTED && !start_key) {
		op->st = kube_status_new(410, "Expired", "too old resource version: %lld (%lld)",
					 (long long)rev, (long long)kube_store_compacted_rev(s->store));
		goto out;
	}
	if (r == -KUBE_STORE_ECOMPACTED) {
		op->st = kube_status_new(410, "Expired",
					 "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
		goto out;
	}
	if (r < 0) {
		op->st = store_error(op, r, "");
		goto out;
	}
	if (l.more && l.count)
		token = continue_encode(l.rev, l.items[l.count - 1].key + strlen(prefix));
	if (op->as_table)
		tobjs = kube_calloc(l.count ? l.count : 1, sizeof(*tobjs));
	else
		list_header(&op->out, op->k, l.rev, token);
	for (size_t i = 0; i < l.count; i++) {
		cJSON *obj = kube_json_parse(l.items[i].value, l.items[i].value_len);
		if (!obj)
			continue;
		if (!filters_match(&f, op->k, obj)) {
			cJSON_Delete(obj);
			continue;
		}
		apiserver_set_rv(obj, l.items[i].mod_rev);
		if (op->as_table) {
			tobjs[tn++] = obj;
			continue;
		}
		if (!first)
			kube_buf_putc(&op->out, ',');
		kube_json_compact_buf(&op->out, obj);
		cJSON_Delete(obj);
		first = false;
	}
	if (op->as_table) {
		char rv[32];
		snprintf(rv, sizeof(rv), "%lld", (long long)l.rev);
		apiserver_table_render(&op->out, op->k, tobjs, tn, include_object(op->req), rv, token,
				       true, kube_wall_ns());
		for (size_t i = 0; i < tn; i++)
			cJSON_Delete(tobjs[i]);
		kube_free(tobjs);
	} else {
		kube_buf_puts(&op->out, "]}");
	}
out:
	filters_clear(&f);
	kube_kv_list_clear(&l);
	kube_free(prefix);
	kube_free(start);
	kube_free(start_key);
	kube_free(token);
	op_post(op);
}

/* ---- writes ---- */

static void do_create(void *arg)
{
	op_t *op = arg;
	const char *name = kube_json_get_str(op->body, "metadata.name");
	char *json = stored_json(op->body);
	int64_t rev = 0;
	int r = 0;

	if (!op->dry_run)
		r = kube_store_create(op->s->store, op->key, json, strlen(json), &rev);
	kube_free(json);
	if (r < 0) {
		op->st = store_error(op, r, name);
	} else {
		if (rev)
			apiserver_set_rv(op->body, rev);
		kube_json_compact_buf(&op->out, op->body);
		op->code = 201;
	}
	op_post(op);
}

/* Metadata an update never changes. */
static void keep_system_metadata(cJSON *obj, const cJSON *cur)
{
	static const char *const keep[] = {
		"metadata.uid", "metadata.creationTimestamp", "metadata.deletionTimestamp",
		"metadata.deletionGracePeriodSeconds", "metadata.generation", "metadata.namespace",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		const cJSON *v = kube_json_get(cur, keep[i]);
		kube_json_delete(obj, keep[i]);
		if (v)
			kube_json_set(obj, keep[i], kube_json_dup(v));
	}
}

static void copy_field(cJSON *dst, const cJSON *src, const char *path)
{
	const cJSON *v = kube_json_get(src, path);

	kube_json_delete(dst, path);
	if (v)
		kube_json_set(dst, path, kube_json_dup(v));
}

/* Build the Scale for a workload. */
static cJSON *scale_of(const op_t *op, const cJSON *cur)
{
	cJSON *sc = cJSON_CreateObject();
	const cJSON *sel = kube_json_get(cur, "spec.selector");
	kube_buf_t sels = KUBE_BUF_INIT;

	cJSON_AddStringToObject(sc, "kind", "Scale");
	cJSON_AddStringToObject(sc, "apiVersion", "autoscaling/v1");
	kube_json_set_str(sc, "metadata.name", kube_json_get_str(cur, "metadata.name"));
	kube_json_set_str(sc, "metadata.namespace", kube_json_get_str(cur, "metadata.namespace"));
	kube_json_set_str(sc, "metadata.uid", kube_json_get_str(cur, "metadata.uid"));
	kube_json_set_str(sc, "metadata.resourceVersion", kube_json_get_str(cur, "metadata.resourceVersion"));
	copy_field(sc, cur, "metadata.creationTimestamp");
	kube_json_set_int64(sc, "spec.replicas", kube_json_get_int64(cur, "spec.replicas", 0));
	kube_json_set_int64(sc, "status.replicas", kube_json_get_int64(cur, "status.replicas", 0));
	if (sel) {
		kube_selector_t *ks = NULL;
		char *err = NULL;
		int r = kube_json_get(sel, "matchLabels") || kube_json_get(sel, "matchExpressions")
				? kube_selector_from_json(sel, &ks, &err)
				: -EINVAL;
		if (r == 0) {
			char *str = kube_selector_string(ks);
			kube_buf_puts(&sels, str);
			kube_free(str);
		} else if (cJSON_IsObject(sel)) {
			/* ReplicationController: a plain map */
			bool first = true;
			for (const cJSON *e = sel->child; e; e = e->next) {
				if (!cJSON_IsString(e))
					continue;
				kube_buf_printf(&sels, "%s%s=%s", first ? "" : ",", e->string, e->valuestring);
				first = false;
			}
		}
		kube_selector_free(ks);
		kube_free(err);
	}
	if (sels.len)
		kube_json_set_str(sc, "status.selector", sels.data);
	kube_buf_clear(&sels);
	(void)op;
	return sc;
}

/* Apply op's body to cur; returns the object to store, or NULL with op->st. */
static cJSON *mutate(op_t *op, const cJSON *cur)
{
	const char *sub = op->route.subresource;
	cJSON *input = NULL, *next;

	if (op->kind == OP_PATCH) {
		const cJSON *base = cur;
		cJSON *scale = NULL;
		char *err = NULL;

		if (sub && strcmp(sub, "scale") == 0)
			base = scale = scale_of(op, cur);
		if (strcmp(op->patch_type, "application/json-patch+json") == 0) {
			if (kube_json_patch_apply(base, op->body, &input, &err) < 0) {
				op->st = kube_status_new(422, "Invalid", "%s", err ? err : "invalid JSON patch");
				kube_free(err);
				cJSON_Delete(scale);
				return NULL;
			}
		} else {
			/* merge patch; strategic merge patch is approximated by it (lists replace) */
			input = kube_json_merge_patch(base, op->body);
		}
		cJSON_Delete(scale);
		if (!input) {
			op->st = kube_status_bad_request("the patch could not be applied");
			return NULL;
		}
	} else {
		input = kube_json_dup(op->body);
		/* PUT with a resourceVersion is a precondition. */
		const char *rv = kube_json_get_str(input, "metadata.resourceVersion");
		const char *crv = kube_json_get_str(cur, "metadata.resourceVersion");
		if (rv && *rv && crv && strcmp(rv, crv) != 0) {
			op->st = kube_status_conflict(op->k, op->route.name,
						      "the object has been modified; please apply your changes to the latest version and try again");
			cJSON_Delete(input);
			return NULL;
		}
	}

	if (sub && strcmp(sub, "scale") == 0) {
		next = kube_json_dup(cur);
		kube_json_set_int64(next, "spec.replicas", kube_json_get_int64(input, "spec.replicas", 0));
		cJSON_Delete(input);
		if (kube_json_get_int64(next, "spec.replicas", 0) < 0) {
			op->st = kube_status_invalid_new();
			kube_status_add_cause(op->st, "FieldValueInvalid", "spec.replicas",
					      "Invalid value: %lld: must be greater than or equal to 0",
					      (long long)kube_json_get_int64(next, "spec.replicas", 0));
			kube_status_invalid_finish(op->st, op->k, op->route.name);
			cJSON_Delete(next);
			return NULL;
		}
	} else if (sub && strcmp(sub, "status") == 0) {
		next = kube_json_dup(cur);
		copy_field(next, input, "status");
		/* conditions and labels may change through status too (as upstream for pods) */
		cJSON_Delete(input);
	} else {
		const char *name = kube_json_get_str(input, "metadata.name");
		if (name && strcmp(name, op->route.name) != 0) {
			op->st = kube_status_bad_request("the name of the object (%s) does not match the name on the URL (%s)",
							 name, op->route.name);
			cJSON_Delete(input);
			return NULL;
		}
		next = input;
		if (!kube_json_get_str(next, "metadata.name"))
			kube_json_set_str(next, "metadata.name", op->route.name);
		if (!kube_json_get_str(next, "kind"))
			kube_json_set_str(next, "kind", op->k->kind);
		keep_system_metadata(next, cur);
		if (has_status_sub(op->k) && strcmp(op->k->resource, "namespaces") != 0)
			copy_field(next, cur, "status");
		if (strcmp(op->k->resource, "namespaces") == 0)
			copy_field(next, cur, "status.phase");
		apiserver_defaults_apply(op->k, next);
	}
	if (has_generation(op->k) &&
	    !kube_json_equal(kube_json_get(next, "spec"), kube_json_get(cur, "spec")))
		kube_json_set_int64(next, "metadata.generation",
				    kube_json_get_int64(cur, "metadata.generation", 1) + 1);
	{
		kube_status_t *st = kube_status_invalid_new();
		apiserver_validate(op->k, next, cur, st);
		if (st->ncauses) {
			kube_status_invalid_finish(st, op->k, op->route.name);
			op->st = st;
			cJSON_Delete(next);
			return NULL;
		}
		kube_status_free(st);
	}
	return next;
}

static bool finalizers_empty(const cJSON *obj)
{
	const cJSON *f = kube_json_get(obj, "metadata.finalizers");

	return !f || cJSON_GetArraySize(f) == 0;
}

/* Worker: read, change, compare-and-swap, retrying on conflicts. */
static void do_update(void *arg)
{
	op_t *op = arg;
	apiserver_t *s = op->s;

	for (int attempt = 0; attempt < PATCH_RETRIES; attempt++) {
		kube_kv_t kv = { 0 };
		cJSON *cur, *next;
		char *json;
		int64_t rev = 0;
		int r = kube_store_get(s->store, op->key, &kv);

		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			break;
		}
		cur = kube_json_parse(kv.value, kv.value_len);
		apiserver_set_rv(cur, kv.mod_rev);
		next = mutate(op, cur);
		if (!next) {
			cJSON_Delete(cur);
			kube_kv_clear(&kv);
			break;
		}
		/* Nothing changed: no write, same resourceVersion. */
		apiserver_set_rv(next, kv.mod_rev);
		if (kube_json_equal(next, cur)) {
			if (op->route.subresource && strcmp(op->route.subresource, "scale") == 0) {
				cJSON *sc = scale_of(op, next);
				kube_json_compact_buf(&op->out, sc);
				cJSON_Delete(sc);
			} else {
				kube_json_compact_buf(&op->out, next);
			}
			cJSON_Delete(cur);
			cJSON_Delete(next);
			kube_kv_clear(&kv);
			break;
		}
		json = stored_json(next);
		if (op->dry_run) {
			r = 0;
			rev = kv.mod_rev;
		} else if (kube_json_get(next, "metadata.deletionTimestamp") && finalizers_empty(next) &&
			   !(strcmp(op->k->resource, "pods") == 0 && kube_json_get_str(cur, "spec.nodeName") &&
			     kube_json_get(cur, "metadata.deletionGracePeriodSeconds") &&
			     kube_json_get_int64(cur, "metadata.deletionGracePeriodSeconds", 0) > 0)) {
			/* The last finalizer went: the object goes. */
			r = kube_store_delete(s->store, op->key, kv.mod_rev, &rev, NULL);
		} else {
			r = kube_store_update(s->store, op->key, json, strlen(json), kv.mod_rev, &rev, NULL);
		}
		kube_free(json);
		cJSON_Delete(cur);
		kube_kv_clear(&kv);
		if (r == -ECANCELED && op->kind == OP_PATCH) {
			cJSON_Delete(next);
			continue;
		}
		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			cJSON_Delete(next);
			break;
		}
		apiserver_set_rv(next, rev);
		if (op->route.subresource && strcmp(op->route.subresource, "scale") == 0) {
			cJSON *sc = scale_of(op, next);
			kube_json_compact_buf(&op->out, sc);
			cJSON_Delete(sc);
		} else {
			kube_json_compact_buf(&op->out, next);
		}
		cJSON_Delete(next);
		break;
	}
	if (!op->st && op->out.len == 0)
		op->st = store_error(op, -ECANCELED, op->route.name);
	op_post(op);
}

/* Worker: pods/binding. */
static void do_binding(void *arg)
{
	op_t *op = arg;
	apiserver_t *s = op->s;
	const char *node = kube_json_get_str(op->body, "target.name");

	if (!node || !*node) {
		op->st = kube_status_invalid_new();
		kube_status_add_cause(op->st, "FieldValueRequired", "target.name", "Required value");
		kube_status_invalid_finish(op->st, op->k, op->route.name);
		op_post(op);
		return;
	}
	for (int attempt = 0; attempt < PATCH_RETRIES; attempt++) {
		kube_kv_t kv = { 0 };
		cJSON *pod;
		char *json;
		const char *cur;
		char now[40];
		int r = kube_store_get(s->store, op->key, &kv);

		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			break;
		}
		pod = kube_json_parse(kv.value, kv.value_len);
		cur = kube_json_get_str(pod, "spec.nodeName");
		if (cur && *cur) {
			op->st = kube_status_conflict(op->k, op->route.name, "");
			kube_free(op->st->message);
			op->st->message = kube_asprintf("pod %s is already assigned to node \"%s\"",
							op->route.name, cur);
			cJSON_Delete(pod);
			kube_kv_clear(&kv);
			break;
		}
		if (kube_json_get(pod, "metadata.deletionTimestamp")) {
			op->st = kube_status_conflict(op->k, op->route.name, "pod is being deleted");
			cJSON_Delete(pod);
			kube_kv_clear(&kv);
			break;
		}
		kube_json_set_str(pod, "spec.nodeName", node);
		{
			cJSON *conds = cJSON_CreateArray(), *c = cJSON_CreateObject();
			const cJSON *old = kube_json_get(pod, "status.conditions");
			apiserver_now_rfc3339(now, sizeof(now));
			for (const cJSON *e = old ? old->child : NULL; e; e = e->next)
				if (!kube_streq(kube_json_get_str(e, "type"), "PodScheduled"))
					cJSON_AddItemToArray(conds, kube_json_dup(e));
			cJSON_AddStringToObject(c, "type", "PodScheduled");
			cJSON_AddStringToObject(c, "status", "True");
			cJSON_AddNullToObject(c, "lastProbeTime");
			cJSON_AddStringToObject(c, "lastTransitionTime", now);
			cJSON_AddItemToArray(conds, c);
			kube_json_set(pod, "status.conditions", conds);
		}
		json = stored_json(pod);
		r = op->dry_run ? 0 : kube_store_update(s->store, op->key, json, strlen(json), kv.mod_rev, NULL, NULL);
		kube_free(json);
		cJSON_Delete(pod);
		kube_kv_clear(&kv);
		if (r == -ECANCELED)
			continue;
		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			break;
		}
		op->st = kube_status_new(201, NULL, "%s", "");
		break;
	}
	op_post(op);
}

static void delete_key(op_t *op);

/* Whether a pod counts as ready for a disruption budget. */
static bool pod_ready(const cJSON *pod)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, kube_json_get(pod, "status.conditions"))
		if (kube_streq(kube_json_get_str(c, "type"), "Ready"))
			return kube_streq(kube_json_get_str(c, "status"), "True");
	return false;
}

/* The eviction's verdict on the one budget covering the pod: NULL to go
 * ahead (then *ret_pdb holds the budget, decremented, to write back, or
 * NULL when nothing is to be written), else the error. pdbs: the
 * namespace's budgets. As upstream's eviction REST (v1.32). */
static kube_status_t *eviction_check(const op_t *op, const cJSON *pod, kube_kv_list_t *pdbs,
				     cJSON **ret_pdb, size_t *ret_idx)
{
	const cJSON *labels = kube_json_get(pod, "metadata.labels");
	cJSON *match = NULL;
	size_t nmatch = 0, idx = 0;
	kube_status_t *st;

	*ret_pdb = NULL;
	for (size_t i = 0; i < pdbs->count; i++) {
		cJSON *pdb = kube_json_parse(pdbs->items[i].value, pdbs->items[i].value_len);
		kube_selector_t *sel = NULL;
		char *err = NULL;
		bool m = false;

		if (pdb && kube_json_get(pdb, "spec.selector") &&
		    kube_selector_from_json(kube_json_get(pdb, "spec.selector"), &sel, &err) >= 0)
			m = !kube_selector_empty(sel) && kube_selector_matches(sel, labels);
		kube_selector_free(sel);
		kube_free(err);
		if (!m) {
			cJSON_Delete(pdb);
			continue;
		}
		nmatch++;
		if (match)
			cJSON_Delete(pdb);
		else {
			match = pdb;
			idx = i;
		}
	}
	if (nmatch == 0)
		return NULL;
	if (nmatch > 1) {
		cJSON_Delete(match);
		return kube_status_internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
	}
	int64_t allowed = kube_json_get_int64(match, "status.disruptionsAllowed", 0);
	int64_t healthy = kube_json_get_int64(match, "status.currentHealthy", 0);
	int64_t desired = kube_json_get_int64(match, "status.desiredHealthy", 0);
	const char *name = kube_json_get_str(match, "metadata.name");
	const char *policy = kube_json_get_str(match, "spec.unhealthyPodEvictionPolicy");

	if (!pod_ready(pod)) {
		/* An unready pod does not count against the budget when the
		 * budget is met (IfHealthyBudget) or under AlwaysAllow. */
		if (kube_streq(policy, "AlwaysAllow") || healthy >= desired) {
			cJSON_Delete(match);
			return NULL;
		}
	}
	st = NULL;
	if (kube_json_get_int64(match, "status.observedGeneration", 0) <
	    kube_json_get_int64(match, "metadata.generation", 0)) {
		st = kube_status_new(429, "TooManyRequests",
				     "Cannot evict pod as it would violate the pod's disruption budget.");
		kube_status_add_cause(st, "DisruptionBudget", NULL,
				      "The disruption budget %s is still being processed by the server.", name);
	} else if (allowed < 0) {
		st = kube_status_forbidden("pdb disruptions allowed is negative");
	} else if (allowed == 0) {
		st = kube_status_new(429, "TooManyRequests",
				     "Cannot evict pod as it would violate the pod's disruption budget.");
		kube_status_add_cause(st, "DisruptionBudget", NULL,
				      "The disruption budget %s needs %lld healthy pods and has %lld currently",
				      name, (long long)desired, (long long)healthy);
	}
	if (st) {
		cJSON_Delete(match);
		return st;
	}
	{
		char now[40], path[512];
		apiserver_now_rfc3339(now, sizeof(now));
		kube_json_set_int64(match, "status.disruptionsAllowed", allowed - 1);
		if (!kube_json_get(match, "status.disruptedPods"))
			kube_json_set(match, "status.disruptedPods", cJSON_CreateObject());
		snprintf(path, sizeof(path), "%s", kube_json_get_str(pod, "metadata.name"));
		cJSON *dp = (cJSON *)kube_json_get(match, "status.disruptedPods");
		cJSON_DeleteItemFromObjectCaseSensitive(dp, path);
		cJSON_AddStringToObject(dp, path, now);
	}
	(void)op;
	*ret_pdb = match;
	*ret_idx = idx;
	return NULL;
}

/* Worker: POST pods/<name>/eviction: delete the pod unless a
 * PodDisruptionBudget forbids it (429), as upstream. The body is a
 * policy/v1 Eviction whose deleteOptions apply to the delete. */
static void do_eviction(void *arg)
{
	op_t *op = arg;
	apiserver_t *s = op->s;
	const kube_kind_t *pdbk = kube_kinds_lookup("policy", "v1", "poddisruptionbudgets");

	for (int attempt = 0; attempt < PATCH_RETRIES; attempt++) {
		kube_kv_t kv = { 0 };
		kube_kv_list_t pdbs = { 0 };
		cJSON *pod, *pdb = NULL;
		const char *phase;
		size_t idx = 0;
		int r = kube_store_get(s->store, op->key, &kv);

		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			break;
		}
		pod = kube_json_parse(kv.value, kv.value_len);
		kube_kv_clear(&kv);
		phase = kube_json_get_str(pod, "status.phase");
		if (!kube_streq(phase, "Succeeded") && !kube_streq(phase, "Failed") &&
		    !kube_streq(phase, "Pending") && !kube_json_get(pod, "metadata.deletionTimestamp")) {
			char *prefix = apiserver_key_prefix(s, pdbk, op->route.namespace);
			r = kube_store_list(s->store, prefix, NULL, 0, 0, &pdbs);
			kube_free(prefix);
			if (r < 0) {
				op->st = store_error(op, r, op->route.name);
				cJSON_Delete(pod);
				break;
			}
			op->st = eviction_check(op, pod, &pdbs, &pdb, &idx);
		}
		cJSON_Delete(pod);
		if (!op->st && pdb && !op->dry_run) {
			char *json = stored_json(pdb);
			r = kube_store_update(s->store, pdbs.items[idx].key, json, strlen(json),
					      pdbs.items[idx].mod_rev, NULL, NULL);
			kube_free(json);
		} else {
			r = 0;
		}
		cJSON_Delete(pdb);
		kube_kv_list_clear(&pdbs);
		if (op->st)
			break;
		if (r == -ECANCELED)
			continue;
		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			break;
		}
		/* The delete takes the Eviction's deleteOptions as its options. */
		{
			cJSON *opts = op->body ? cJSON_DetachItemFromObjectCaseSensitive(op->body, "deleteOptions") : NULL;
			cJSON_Delete(op->body);
			op->body = opts;
		}
		delete_key(op);
		if (!op->st) {
			kube_buf_clear(&op->out);
			op->st = kube_status_new(201, NULL, "%s", "");
		}
		break;
	}
	op_post(op);
}

/* Worker: DELETE with grace periods, finalizers and propagation. */
/* Delete (or mark for deletion) the object at op->key; the answer goes to
 * op->out or op->st. Worker thread. */
static void delete_key(op_t *op)
{
	apiserver_t *s = op->s;
	const char *gps = kube_http_req_query_param(op->req, "gracePeriodSeconds");
	const char *pp = kube_http_req_query_param(op->req, "propagationPolicy");
	int64_t grace_opt = -1;
	bool is_pod = strcmp(op->k->resource, "pods") == 0;
	bool is_ns = strcmp(op->k->resource, "namespaces") == 0;

	if (gps)
		grace_opt = strtoll(gps, NULL, 10);
	if (op->body) {
		if (kube_json_get(op->body, "gracePeriodSeconds"))
			grace_opt = kube_json_get_int64(op->body, "gracePeriodSeconds", 0);
		if (kube_json_get_str(op->body, "propagationPolicy"))
			pp = kube_json_get_str(op->body, "propagationPolicy");
		if (kube_json_get_bool(op->body, "orphanDependents", false))
			pp = "Orphan";
	}

	for (int attempt = 0; attempt < PATCH_RETRIES; attempt++) {
		kube_kv_t kv = { 0 };
		cJSON *cur;
		char *json;
		int64_t rev = 0;
		bool update = false;
		int r = kube_store_get(s->store, op->key, &kv);

		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			break;
		}
		cur = kube_json_parse(kv.value, kv.value_len);
		apiserver_set_rv(cur, kv.mod_rev);
		if (op->body) {
			const char *puid = kube_json_get_str(op->body, "preconditions.uid");
			const char *prv = kube_json_get_str(op->body, "preconditions.resourceVersion");
			const char *uid = kube_json_get_str(cur, "metadata.uid");
			char why[256];
			if (puid && !kube_streq(puid, uid)) {
				snprintf(why, sizeof(why), "Precondition failed: UID in precondition: %s, UID in object meta: %s", puid, uid ? uid : "");
				op->st = kube_status_conflict(op->k, op->route.name, why);
			} else if (prv && kv.mod_rev != strtoll(prv, NULL, 10)) {
				snprintf(why, sizeof(why), "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %lld", prv, (long long)kv.mod_rev);
				op->st = kube_status_conflict(op->k, op->route.name, why);
			}
			if (op->st) {
				cJSON_Delete(cur);
				kube_kv_clear(&kv);
				break;
			}
		}

		char now[40];
		apiserver_now_rfc3339(now, sizeof(now));
		if (is_pod) {
			int64_t grace = grace_opt >= 0 ? grace_opt
					 : kube_json_get_int64(cur, "spec.terminationGracePeriodSeconds", 30);
			const char *node = kube_json_get_str(cur, "spec.nodeName");
			const char *phase = kube_json_get_str(cur, "status.phase");
			if (!node || !*node || kube_streq(phase, "Succeeded") || kube_streq(phase, "Failed"))
				grace = 0;
			if (grace > 0) {
				int64_t existing = kube_json_get_int64(cur, "metadata.deletionGracePeriodSeconds", -1);
				if (existing < 0 || grace < existing) {
					char when[40];
					kube_time_format_rfc3339(kube_wall_ns() + grace * 1000000000LL, when, sizeof(when));
					kube_json_set_str(cur, "metadata.deletionTimestamp", when);
					kube_json_set_int64(cur, "metadata.deletionGracePeriodSeconds", grace);
					update = true;
				} else {
					/* already terminating with a shorter grace */
					kube_json_compact_buf(&op->out, cur);
					cJSON_Delete(cur);
					kube_kv_clear(&kv);
					break;
				}
			}
		}
		if (!update) {
			cJSON *fins = (cJSON *)kube_json_get(cur, "metadata.finalizers");
			const char *add = NULL;
			if (pp && strcmp(pp, "Foreground") == 0)
				add = "foregroundDeletion";
			else if (pp && strcmp(pp, "Orphan") == 0)
				add = "orphan";
			if (add && !kube_json_get(cur, "metadata.deletionTimestamp")) {
				bool have = false;
				for (const cJSON *e = fins ? fins->child : NULL; e; e = e->next)
					if (kube_streq(e->valuestring, add))
						have = true;
				if (!have) {
					if (!fins) {
						fins = cJSON_CreateArray();
						kube_json_set(cur, "metadata.finalizers", fins);
					}
					cJSON_AddItemToArray(fins, cJSON_CreateString(add));
				}
			}
			bool ns_pending = is_ns && kube_json_get(cur, "spec.finalizers") &&
					  cJSON_GetArraySize(kube_json_get(cur, "spec.finalizers")) > 0;
			if (!finalizers_empty(cur) || ns_pending) {
				if (!kube_json_get(cur, "metadata.deletionTimestamp")) {
					kube_json_set_str(cur, "metadata.deletionTimestamp", now);
					kube_json_set_int64(cur, "metadata.deletionGracePeriodSeconds", 0);
				}
				if (is_ns)
					kube_json_set_str(cur, "status.phase", "Terminating");
				update = true;
			}
		}
		if (op->dry_run) {
			kube_json_compact_buf(&op->out, cur);
			cJSON_Delete(cur);
			kube_kv_clear(&kv);
			break;
		}
		if (update) {
			json = stored_json(cur);
			r = kube_store_update(s->store, op->key, json, strlen(json), kv.mod_rev, &rev, NULL);
			kube_free(json);
		} else {
			r = kube_store_delete(s->store, op->key, kv.mod_rev, &rev, NULL);
		}
		kube_kv_clear(&kv);
		if (r == -ECANCELED) {
			cJSON_Delete(cur);
			continue;
		}
		if (r < 0) {
			op->st = store_error(op, r, op->route.name);
			cJSON_Delete(cur);
			break;
		}
		if (update || is_pod || is_ns) {
			apiserver_set_rv(cur, rev);
			kube_json_compact_buf(&op->out, cur);
		} else {
			const char *uid = kube_json_get_str(cur, "metadata.uid");
			kube_buf_puts(&op->out, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"details\":{\"name\":");
			kube_buf_json_string(&op->out, op->route.name);
			if (op->k->group[0])
				kube_buf_printf(&op->out, ",\"group\":\"%s\"", op->k->group);
			kube_buf_printf(&op->out, ",\"kind\":\"%s\",\"uid\":", op->k->resource);
			kube_buf_json_string(&op->out, uid ? uid : "");
			kube_buf_puts(&op->out, "}}");
		}
		cJSON_Delete(cur);
		break;
	}
	if (!op->st && op->out.len == 0)
		op->st = store_error(op, -ECANCELED, op->route.name);
}

static void do_delete(void *arg)
{
	op_t *op = arg;

	delete_key(op);
	op_post(op);
}

/* DELETE on a collection: every object matching the selectors goes through
 * the single-object delete (finalizers, grace, dryRun); the answer is the
 * list of the objects as they were. Worker thread. */
static void do_deletecollection(void *arg)
{
	op_t *op = arg;
	apiserver_t *s = op->s;
	char *prefix = apiserver_key_prefix(s, op->k, op->route.namespace);
	kube_kv_list_t l = { 0 };
	kube_buf_t list = KUBE_BUF_INIT;
	char *saved_name = op->route.name;
	bool first = true;
	filters_t f;
	int r;

	op->st = filters_parse(op->k, op->req, &f);
	if (op->st)
		goto out;
	r = kube_store_list(s->store, prefix, NULL, 0, 0, &l);
	if (r < 0) {
		op->st = store_error(op, r, "");
		filters_clear(&f);
		goto out;
	}
	list_header(&list, op->k, l.rev, NULL);
	for (size_t i = 0; i < l.count && !op->st; i++) {
		cJSON *obj = kube_json_parse(l.items[i].value, l.items[i].value_len);
		const char *name;

		if (!obj)
			continue;
		if (!filters_match(&f, op->k, obj) || !(name = kube_json_get_str(obj, "metadata.name"))) {
			cJSON_Delete(obj);
			continue;
		}
		kube_free(op->key);
		op->key = kube_strdup(l.items[i].key);
		op->route.name = (char *)name;
		kube_buf_reset(&op->out);
		delete_key(op);
		if (op->st && op->st->code == 404) { /* deleted meanwhile */
			kube_status_free(op->st);
			op->st = NULL;
		} else if (!op->st) {
			apiserver_set_rv(obj, l.items[i].mod_rev);
			if (!first)
				kube_buf_putc(&list, ',');
			kube_json_compact_buf(&list, obj);
			first = false;
		}
		cJSON_Delete(obj);
	}
	op->route.name = saved_name;
	kube_buf_puts(&list, "]}");
	filters_clear(&f);
	kube_buf_reset(&op->out);
	if (!op->st)
		kube_buf_append(&op->out, list.data, list.len);
out:
	kube_buf_clear(&list);
	kube_kv_list_clear(&l);
	kube_free(prefix);
	op_post(op);
}

/* ---- componentstatuses ---- */

static void probe(kube_buf_t *out, const char *name, const char *url, bool *first)
{
	kube_http_client_config_t cfg = { .connect_timeout_ms = 2000, .timeout_ms = 3000 };
	kube_http_client_t *c = kube_http_client_new(NULL, &cfg);
	kube_http_request_t rq = { .method = "GET", .url = url };
	kube_http_response_t resp = { 0 };
	int r = kube_http_client_do(c, &rq, &resp);
	bool ok = r == 0 && resp.status == 200;

	kube_buf_printf(out, "%s{\"kind\":\"ComponentStatus\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\"},\"conditions\":[{\"type\":\"Healthy\",\"status\":\"%s\",",
			*first ? "" : ",", name, ok ? "True" : "False");
	if (ok) {
		kube_buf_puts(out, "\"message\":");
		kube_buf_json_string(out, kube_buf_str(&resp.body));
	} else {
		kube_buf_t e = KUBE_BUF_INIT;
		if (r < 0)
			kube_buf_printf(&e, "Get \"%s\": dial tcp: connect: connection refused", url);
		else
			kube_buf_printf(&e, "unhealthy: HTTP %d", resp.status);
		kube_buf_puts(out, "\"error\":");
		kube_buf_json_string(out, e.data);
		kube_buf_clear(&e);
	}
	kube_buf_puts(out, "}]}");
	*first = false;
	kube_http_response_clear(&resp);
	kube_http_client_free(c);
}

static void do_components(void *arg)
{
	op_t *op = arg;
	bool first = true;
	kube_buf_t items = KUBE_BUF_INIT;
	bool healthy = kube_store_health(op->s->store) == 0;

	probe(&items, "scheduler", "http://127.0.0.1:10251/healthz", &first);
	probe(&items, "controller-manager", "http://127.0.0.1:10252/healthz", &first);
	kube_buf_printf(&items, ",{\"kind\":\"ComponentStatus\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"etcd-0\"},\"conditions\":[{\"type\":\"Healthy\",\"status\":\"%s\",\"message\":\"{\\\"health\\\":\\\"%s\\\",\\\"reason\\\":\\\"\\\"}\"}]}",
			healthy ? "True" : "False", healthy ? "true" : "false");
	if (op->route.name) {
		/* find the one item */
		cJSON *arr;
		kube_buf_t wrap = KUBE_BUF_INIT;
		kube_buf_printf(&wrap, "[%s]", items.data);
		arr = kube_json_parse(wrap.data, wrap.len);
		kube_buf_clear(&wrap);
		for (cJSON *e = arr ? arr->child : NULL; e; e = e->next)
			if (kube_streq(kube_json_get_str(e, "metadata.name"), op->route.name))
				kube_json_compact_buf(&op->out, e);
		cJSON_Delete(arr);
		if (!op->out.len)
			op->st = kube_status_not_found(op->k, op->route.name);
	} else if (op->as_table) {
		cJSON *arr;
		kube_buf_t wrap = KUBE_BUF_INIT;
		cJSON *objs[8];
		size_t n = 0;
		kube_buf_printf(&wrap, "[%s]", items.data);
		arr = kube_json_parse(wrap.data, wrap.len);
		kube_buf_clear(&wrap);
		for (cJSON *e = arr ? arr->child : NULL; e && n < 8; e = e->next)
			objs[n++] = e;
		apiserver_table_render(&op->out, op->k, objs, n, include_object(op->req), "", NULL, true,
				       kube_wall_ns());
		cJSON_Delete(arr);
	} else {
		kube_buf_printf(&op->out, "{\"kind\":\"ComponentStatusList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[%s]}",
				items.data);
	}
	kube_buf_clear(&items);
	op_post(op);
}

/* ---- create preparation (loop) ---- */

static kube_status_t *namespace_check(apiserver_t *s, const char *ns)
{
	const kube_kind_t *nk = kube_kinds_lookup("", "v1", "namespaces");
	apiserver_cache_t *c = apiserver_cache_for(s, nk);
	apiserver_obj_t *o = c ? apiserver_cache_get(c, NULL, ns) : NULL;

	if (!o)
		return kube_status_not_found(nk, ns);
	if (o->terminating) {
		kube_status_t *st = kube_status_forbidden("unable to create new content in namespace %s because it is being terminated", ns);
		kube_status_add_cause(st, "NamespaceTerminating", "metadata.namespace",
				      "namespace %s is being terminated", ns);
		return st;
	}
	return NULL;
}

static void prepare_create(op_t *op)
{
	apiserver_t *s = op->s;
	cJSON *obj = op->body;
	const char *ns = op->route.namespace;
	const char *bns = kube_json_get_str(obj, "metadata.namespace");
	const char *name = kube_json_get_str(obj, "metadata.name");
	const char *gen = kube_json_get_str(obj, "metadata.generateName");
	kube_buf_t gv = KUBE_BUF_INIT;
	char uid[40], now[40];

	kube_kinds_api_version(op->k, &gv);
	op->st = check_type(op->k, obj, op->k->kind, gv.data);
	if (!op->st && !kube_json_get_str(obj, "kind"))
		kube_json_set_str(obj, "kind", op->k->kind);
	if (!op->st && !kube_json_get_str(obj, "apiVersion"))
		kube_json_set_str(obj, "apiVersion", gv.data);
	kube_buf_clear(&gv);
	if (op->st)
		return;
	if (op->k->namespaced) {
		if (bns && *bns && strcmp(bns, ns) != 0) {
			op->st = kube_status_bad_request("the namespace of the provided object does not match the namespace sent on the request");
			return;
		}
		kube_json_set_str(obj, "metadata.namespace", ns);
		op->st = namespace_check(s, ns);
		if (op->st)
			return;
	} else {
		kube_json_delete(obj, "metadata.namespace");
	}
	if ((!name || !*name) && gen && *gen) {
		char suffix[8];
		gen_suffix(suffix, 5);
		char *full = kube_asprintf("%.*s%s", 58, gen, suffix);
		kube_json_set_str(obj, "metadata.name", full);
		kube_free(full);
	}
	name = kube_json_get_str(obj, "metadata.name");
	if (!name || !*name) {
		op->st = kube_status_invalid_new();
		kube_status_add_cause(op->st, "FieldValueRequired", "metadata.name",
				      "name or generateName is required");
		kube_status_invalid_finish(op->st, op->k, "");
		return;
	}
	apiserver_new_uid(uid, sizeof(uid));
	apiserver_now_rfc3339(now, sizeof(now));
	kube_json_set_str(obj, "metadata.uid", uid);
	kube_json_set_str(obj, "metadata.creationTimestamp", now);
	kube_json_delete(obj, "metadata.resourceVersion");
	kube_json_delete(obj, "metadata.deletionTimestamp");
	kube_json_delete(obj, "metadata.deletionGracePeriodSeconds");
	if (has_generation(op->k))
		kube_json_set_int64(obj, "metadata.generation", 1);
	else
		kube_json_delete(obj, "metadata.generation");
	if (has_status_sub(op->k) && strcmp(op->k->resource, "pods") != 0 &&
	    strcmp(op->k->resource, "namespaces") != 0 && strcmp(op->k->resource, "nodes") != 0 &&
	    strcmp(op->k->resource, "services") != 0)
		kube_json_delete(obj, "status");
	if (strcmp(op->k->resource, "pods") == 0)
		kube_json_delete(obj, "status");
	apiserver_defaults_apply(op->k, obj);
	{
		kube_status_t *st = kube_status_invalid_new();
		apiserver_validate(op->k, obj, NULL, st);
		if (strcmp(op->k->resource, "services") == 0 && st->ncauses == 0)
			apiserver_alloc_service(s, obj, NULL, st);
		if (st->ncauses) {
			kube_status_invalid_finish(st, op->k, name);
			op->st = st;
			return;
		}
		kube_status_free(st);
	}
	op->key = apiserver_key(s, op->k, ns, name);
}

static void create_when_fresh(void *arg)
{
	op_t *op = arg;

	prepare_create(op);
	if (op->st) {
		op_finish(op);
		return;
	}
	apiserver_work_submit(op->s, do_create, op);
}

/* ---- dispatch ---- */

static bool wants_table(kube_http_req_t *req)
{
	const char *accept = kube_http_req_header(req, "Accept");

	return accept && strstr(accept, "as=Table") != NULL;
}

static void start_watch(void *arg)
{
	op_t *op = arg;
	apiserver_t *s = op->s;

	apiserver_metrics_observe(s, "watch", op->k->resource, 200, op->start_ns);
	apiserver_cache_watch(s, apiserver_cache_for(s, op->k), op->k, op->req,
			      op->route.namespace, op->route.name);
	op->req = NULL;
	op_free(op);
}

/* Upstream's ListOptions validation for watches: 422 Invalid, or NULL. */
static kube_status_t *watch_options_invalid(kube_http_req_t *req)
{
	const char *sie = kube_http_req_query_param(req, "sendInitialEvents");
	const char *rvm = kube_http_req_query_param(req, "resourceVersionMatch");
	bool bookmarks = param_true(kube_http_req_query_param(req, "allowWatchBookmarks"));
	const char *errs[3][2];
	size_t n = 0;
	kube_status_t *st;
	kube_buf_t msg = KUBE_BUF_INIT;

	if (sie) {
		if (!kube_streq(rvm, "NotOlderThan"))
			errs[n][0] = "resourceVersionMatch",
			errs[n++][1] = "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan";
		if (!bookmarks)
			errs[n][0] = "allowWatchBookmarks",
			errs[n++][1] = "sendInitialEvents requires setting allowWatchBookmarks to true";
	} else if (rvm && *rvm) {
		errs[n][0] = "resourceVersionMatch",
		errs[n++][1] = "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided";
	}
	if (n == 0)
		return NULL;
	kube_buf_puts(&msg, "ListOptions.meta.k8s.io \"\" is invalid: ");
	if (n > 1)
		kube_buf_putc(&msg, '[');
	for (size_t i = 0; i < n; i++)
		kube_buf_printf(&msg, "%s%s: Forbidden: %s", i ? ", " : "", errs[i][0], errs[i][1]);
	if (n > 1)
		kube_buf_putc(&msg, ']');
	st = kube_status_new(422, "Invalid", "%s", msg.data);
	kube_status_set_details(st, "", "meta.k8s.io", "ListOptions");
	for (size_t i = 0; i < n; i++)
		kube_status_add_cause(st, "FieldValueForbidden", errs[i][0], "Forbidden: %s", errs[i][1]);
	kube_buf_clear(&msg);
	return st;
}

static void start_write(op_t *op, apiserver_work_fn fn)
{
	apiserver_work_submit(op->s, fn, op);
}

void apiserver_rest_handle(apiserver_t *s, kube_http_req_t *req, const char *path)
{
	op_t *op = kube_calloc(1, sizeof(*op));
	const char *method = kube_http_req_method(req);
	bool watch = param_true(kube_http_req_query_param(req, "watch"));
	const char *sub;

	op->s = s;
	op->req = req;
	op->start_ns = kube_now_ns();
	op->verb = "";
	if (apiserver_route_parse(path, &op->route) < 0 || op->route.kind != APISERVER_ROUTE_RESOURCE) {
		op->st = kube_status_path_not_found();
		op_finish(op);
		return;
	}
	op->k = kube_kinds_lookup(op->route.group, op->route.version, op->route.resource);
	if (!op->k) {
		op->st = kube_status_path_not_found();
		op_finish(op);
		return;
	}
	sub = op->route.subresource;
	/* Cluster-scoped resources have no namespace; /namespaces/x itself is fine. */
	if (!op->k->namespaced && op->route.namespace && strcmp(op->k->resource, "namespaces") != 0) {
		op->st = kube_status_path_not_found();
		op_finish(op);
		return;
	}
	if (strcmp(op->k->resource, "namespaces") == 0) {
		KUBE_FREE(op->route.namespace);
	}
	op->verb = apiserver_route_verb(&op->route, method, watch);
	if (!op->verb) {
		op->verb = "";
		op->st = kube_status_method_not_allowed();
		op_finish(op);
		return;
	}
	if (sub && !kube_kinds_subresource(op->k, sub)) {
		op->st = kube_status_path_not_found();
		op_finish(op);
		return;
	}
	if (!sub && !kube_kinds_has_verb(op->k, op->verb) && strcmp(op->verb, "watch") != 0) {
		op->st = kube_status_method_not_allowed();
		op_finish(op);
		return;
	}
	op->dry_run = kube_http_req_query_param(req, "dryRun") != NULL;
	op->as_table = wants_table(req);

	/* componentstatuses are probed live. */
	if (strcmp(op->k->resource, "componentstatuses") == 0) {
		if (strcmp(op->verb, "get") != 0 && strcmp(op->verb, "list") != 0) {
			op->st = kube_status_method_not_allowed();
			op_finish(op);
			return;
		}
		op->kind = OP_COMPONENTS;
		start_write(op, do_components);
		return;
	}

	if (strcmp(op->verb, "get") == 0) {
		if (sub && strcmp(sub, "status") != 0 && strcmp(sub, "scale") != 0) {
			op->st = kube_status_new(503, "ServiceUnavailable",
						 "the %s subresource is not served until the kubelet issue lands", sub);
			op_finish(op);
			return;
		}
		if (sub && strcmp(sub, "scale") == 0) {
			/* Scale from the current object, read after the caches caught up. */
			apiserver_cache_when_fresh(s, serve_get_scale, op);
			return;
		}
		op->as_table = op->as_table && !sub;
		apiserver_cache_when_fresh(s, serve_get, op);
		return;
	}
	if (strcmp(op->verb, "list") == 0) {
		const char *rv = kube_http_req_query_param(req, "resourceVersion");
		const char *rvm = kube_http_req_query_param(req, "resourceVersionMatch");
		const char *lim = kube_http_req_query_param(req, "limit");
		const char *cont = kube_http_req_query_param(req, "continue");
		if (rvm && *rvm && !(rv && *rv)) {
			op->st = kube_status_bad_request("resourceVersionMatch is forbidden unless resourceVersion is provided");
			op_finish(op);
			return;
		}
		if ((cont && *cont) || (lim && strtoll(lim, NULL, 10) > 0 && !(rv && strcmp(rv, "0") == 0)) ||
		    (rv && *rv && strcmp(rv, "0") != 0 && rvm && strcmp(rvm, "Exact") == 0)) {
			op->kind = OP_LIST_STORE;
			start_write(op, do_list_store);
			return;
		}
		if (rv && strcmp(rv, "0") == 0)
			serve_list_cache(op);
		else
			apiserver_cache_when_fresh(s, serve_list_cache, op);
		return;
	}
	if (strcmp(op->verb, "watch") == 0) {
		apiserver_cache_t *c = apiserver_cache_for(s, op->k);
		const char *fs = kube_http_req_query_param(req, "fieldSelector");
		if (!c) {
			op->st = kube_status_path_not_found();
			op_finish(op);
			return;
		}
		(void)fs;
		op->st = watch_options_invalid(req);
		if (op->st) {
			op_finish(op);
			return;
		}
		/* No resourceVersion: the initial state is the latest (consistent). */
		const char *rv = kube_http_req_query_param(req, "resourceVersion");
		if (!rv || !*rv)
			apiserver_cache_when_fresh(s, start_watch, op);
		else
			start_watch(op);
		return;
	}

	/* Writes. */
	bool is_delete = strcmp(op->verb, "delete") == 0 || strcmp(op->verb, "deletecollection") == 0;
	if (!is_delete || kube_http_req_body(req, NULL)[0]) {
		kube_status_t *st = parse_body(req, &op->body);
		if (st && !is_delete) {
			op->st = st;
			op_finish(op);
			return;
		}
		kube_status_free(st);
	}
	if (strcmp(op->verb, "create") == 0) {
		if (sub && strcmp(sub, "binding") == 0) {
			op->kind = OP_BINDING;
			op->key = apiserver_key(s, op->k, op->route.namespace, op->route.name);
			start_write(op, do_binding);
			return;
		}
		if (sub && strcmp(sub, "eviction") == 0 && strcmp(op->k->resource, "pods") == 0) {
			const char *bn = kube_json_get_str(op->body, "metadata.name");
			if (bn && *bn && strcmp(bn, op->route.name) != 0) {
				op->st = kube_status_bad_request("name in URL does not match name in Eviction object");
				op_finish(op);
				return;
			}
			op->kind = OP_DELETE;
			op->key = apiserver_key(s, op->k, op->route.namespace, op->route.name);
			start_write(op, do_eviction);
			return;
		}
		if (sub) {
			op->st = kube_status_new(503, "ServiceUnavailable",
						 "the %s subresource is not served yet", sub);
			op_finish(op);
			return;
		}
		if (strcmp(op->k->resource, "bindings") == 0) {
			/* POST /api/v1/namespaces/{ns}/bindings: bind the pod named in the body. */
			const char *pod = kube_json_get_str(op->body, "metadata.name");
			op->k = kube_kinds_lookup("", "v1", "pods");
			kube_free(op->route.name);
			op->route.name = kube_strdup(pod ? pod : "");
			op->kind = OP_BINDING;
			op->key = apiserver_key(s, op->k, op->route.namespace, op->route.name);
			start_write(op, do_binding);
			return;
		}
		/* The namespace check and the allocators read the caches: let them
		 * catch up with every write acknowledged so far. */
		op->kind = OP_CREATE;
		apiserver_cache_when_fresh(s, create_when_fresh, op);
		return;
	}
	if (strcmp(op->verb, "update") == 0 || strcmp(op->verb, "patch") == 0) {
		const char *ct = kube_http_req_header(req, "Content-Type");
		if (strcmp(op->verb, "patch") == 0) {
			char *semi;
			op->patch_type = kube_strdup(ct ? ct : "");
			if ((semi = strchr(op->patch_type, ';')))
				*semi = '\0';
			if (strcmp(op->patch_type, "application/merge-patch+json") != 0 &&
			    strcmp(op->patch_type, "application/strategic-merge-patch+json") != 0 &&
			    strcmp(op->patch_type, "application/json-patch+json") != 0) {
				op->st = kube_status_new(415, "UnsupportedMediaType",
							 "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
				op_finish(op);
				return;
			}
			op->kind = OP_PATCH;
		} else {
			if (!sub || strcmp(sub, "scale") != 0) {
				kube_buf_t gv = KUBE_BUF_INIT;
				kube_kinds_api_version(op->k, &gv);
				op->st = check_type(op->k, op->body, op->k->kind, gv.data);
				kube_buf_clear(&gv);
				if (op->st) {
					op_finish(op);
					return;
				}
			}
			op->kind = OP_UPDATE;
		}
		if (sub && strcmp(sub, "status") != 0 && strcmp(sub, "scale") != 0 &&
		    strcmp(sub, "finalize") != 0) {
			op->st = kube_status_method_not_allowed();
			op_finish(op);
			return;
		}
		if (sub && strcmp(sub, "finalize") == 0) {
			KUBE_FREE(op->route.subresource); /* spec.finalizers through a plain update */
		}
		op->key = apiserver_key(s, op->k, op->route.namespace, op->route.name);
		start_write(op, do_update);
		return;
	}
	if (strcmp(op->verb, "delete") == 0) {
		op->kind = OP_DELETE;
		op->key = apiserver_key(s, op->k, op->route.namespace, op->route.name);
		start_write(op, do_delete);
		return;
	}
	/* deletecollection: delete every matching object one by one. */
	if (op->route.name || sub) {
		op->st = kube_status_method_not_allowed();
		op_finish(op);
		return;
	}
	op->kind = OP_DELETE;
	start_write(op, do_deletecollection);
}
