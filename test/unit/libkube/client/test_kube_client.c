#include "kube_test.h"

#include <pthread.h>

#include "api/kube_json.h"
#include "client/kube_client.h"
#include "client/kube_kubeconfig.h"
#include "core/kube_metrics.h"

#include <mbedtls/base64.h>
#include "apiserver_fixture.h"

static const kube_kind_t *kind(const char *group, const char *resource)
{
	size_t n;
	const kube_kind_t *all = kube_kinds_all(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].group, group) == 0 && strcmp(all[i].resource, resource) == 0)
			return &all[i];
	return NULL;
}

static kube_client_t *client_for(const apiserver_fixture_t *f, double qps, int burst)
{
	kube_client_config_t cfg = { .server = f->url, .qps = qps, .burst = burst };
	kube_client_t *c = NULL;

	if (kube_client_new(&cfg, &c) < 0)
		return NULL;
	return c;
}

static cJSON *configmap(const char *name, const char *value)
{
	cJSON *o = cJSON_CreateObject();

	kube_json_set_str(o, "apiVersion", "v1");
	kube_json_set_str(o, "kind", "ConfigMap");
	kube_json_set_str(o, "metadata.name", name);
	kube_json_set_str(o, "data.v", value);
	return o;
}

TEST(client_paths_and_errno)
{
	const kube_kind_t *pods = kind("", "pods"), *deps = kind("apps", "deployments");
	const kube_kind_t *nodes = kind("", "nodes");
	char *p;

	p = kube_client_path(pods, "ns", "p1", "binding", NULL);
	ASSERT_STREQ(p, "/api/v1/namespaces/ns/pods/p1/binding");
	kube_free(p);
	p = kube_client_path(deps, NULL, NULL, NULL, "limit=5");
	ASSERT_STREQ(p, "/apis/apps/v1/deployments?limit=5");
	kube_free(p);
	p = kube_client_path(nodes, "ignored", "n1", NULL, NULL);
	ASSERT_STREQ(p, "/api/v1/nodes/n1");
	kube_free(p);
	p = kube_client_query_escape("app in (a,b), x!=y");
	ASSERT_STREQ(p, "app%20in%20%28a%2Cb%29%2C%20x%21%3Dy");
	kube_free(p);
	ASSERT_EQ(kube_client_errno(404, "NotFound"), -ENOENT);
	ASSERT_EQ(kube_client_errno(409, "AlreadyExists"), -EEXIST);
	ASSERT_EQ(kube_client_errno(409, "Conflict"), -ESTALE);
	ASSERT_EQ(kube_client_errno(410, "Expired"), -ETIME);
	ASSERT_EQ(kube_client_errno(422, "Invalid"), -EDOM);
	ASSERT_EQ(kube_client_errno(418, ""), -EPROTO);
	{
		kube_client_config_t cfg = { .server = "ftp://x" };
		kube_client_t *c = NULL;

		ASSERT_EQ(kube_client_new(&cfg, &c), -EINVAL);
		cfg.server = "https://x";
		cfg.ca_file = "/nonexistent/ca.crt";
		ASSERT_EQ(kube_client_new(&cfg, &c), -ENOENT);
	}
}

TEST(client_crud_against_apiserver)
{
	apiserver_fixture_t f;
	const kube_kind_t *cms = kind("", "configmaps");
	kube_client_status_t st = { 0 };
	kube_client_t *c;
	cJSON *obj = NULL, *in;
	char *rv;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f, -1, 0);
	ASSERT_NOT_NULL(c);

	in = configmap("a", "1");
	ASSERT_EQ(kube_client_create(c, cms, "default", in, &obj, NULL), 0);
	ASSERT_STREQ(kube_json_get_str(obj, "metadata.namespace"), "default");
	rv = kube_strdup(kube_json_get_str(obj, "metadata.resourceVersion"));
	cJSON_Delete(obj);
	ASSERT_EQ(kube_client_create(c, cms, "default", in, NULL, &st), -EEXIST);
	ASSERT_EQ(st.code, 409);
	ASSERT_STREQ(st.reason, "AlreadyExists");
	ASSERT_STREQ(st.message, "configmaps \"a\" already exists");
	kube_client_status_clear(&st);
	cJSON_Delete(in);

	ASSERT_EQ(kube_client_get(c, cms, "default", "a", &obj, NULL), 0);
	ASSERT_STREQ(kube_json_get_str(obj, "data.v"), "1");
	/* update with the current resourceVersion, then a stale one */
	kube_json_set_str(obj, "data.v", "2");
	ASSERT_EQ(kube_client_update(c, cms, NULL, NULL, obj, NULL, NULL), 0);
	ASSERT_EQ(kube_client_update(c, cms, NULL, NULL, obj, NULL, &st), -ESTALE);
	ASSERT_STREQ(st.reason, "Conflict");
	kube_client_status_clear(&st);
	cJSON_Delete(obj);

	ASSERT_EQ(kube_client_patch(c, cms, "default", "a", NULL, NULL, "{\"data\":{\"w\":\"3\"}}",
				    NULL, &obj, NULL), 0);
	ASSERT_STREQ(kube_json_get_str(obj, "data.v"), "2");
	ASSERT_STREQ(kube_json_get_str(obj, "data.w"), "3");
	cJSON_Delete(obj);

	ASSERT_EQ(kube_client_get(c, cms, "default", "nope", NULL, &st), -ENOENT);
	ASSERT_EQ(st.code, 404);
	ASSERT_STREQ(st.message, "configmaps \"nope\" not found");
	kube_client_status_clear(&st);

	{
		kube_client_delete_opts_t d = KUBE_CLIENT_DELETE_OPTS_INIT;

		d.precondition_resource_version = rv;
		ASSERT_EQ(kube_client_delete(c, cms, "default", "a", &d, NULL, &st), -ESTALE);
		kube_client_status_clear(&st);
		ASSERT_EQ(kube_client_delete(c, cms, "default", "a", NULL, NULL, NULL), 0);
		ASSERT_EQ(kube_client_delete(c, cms, "default", "a", NULL, NULL, NULL), -ENOENT);
	}
	kube_free(rv);

	/* raw */
	{
		int code = 0;
		char *body = NULL;
		kube_client_raw_t req = { .method = "GET", .path = "/version" };

		ASSERT_EQ(kube_client_raw(c, &req, &code, &body, NULL), 0);
		ASSERT_EQ(code, 200);
		ASSERT_NOT_NULL(strstr(body, "gitVersion"));
		kube_free(body);
	}
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(client_list_all_pages_and_rate_limit)
{
	apiserver_fixture_t f;
	const kube_kind_t *cms = kind("", "configmaps");
	kube_client_list_opts_t lo = { .limit = 7 };
	kube_client_stats_t stats;
	kube_client_t *c;
	cJSON *list = NULL;
	int64_t t0;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	/* qps 20, burst 5: 25 creates take >= (25-5)/20 = 1 s */
	c = client_for(&f, 20, 5);
	t0 = kube_now_ns();
	for (int i = 0; i < 25; i++) {
		char name[16];
		cJSON *o;

		snprintf(name, sizeof(name), "cm-%02d", i);
		o = configmap(name, "x");
		ASSERT_EQ(kube_client_create(c, cms, "default", o, NULL, NULL), 0);
		cJSON_Delete(o);
	}
	ASSERT_GE(kube_now_ns() - t0, 900000000LL);
	kube_client_get_stats(c, &stats);
	ASSERT_GT(stats.throttled_ns, 0ULL); /* load may refill part of it */
	ASSERT_EQ(stats.requests, 25);

	ASSERT_EQ(kube_client_list(c, cms, "default", &lo, &list, NULL), 0);
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(list, "items")), 7);
	ASSERT_NOT_NULL(kube_json_get_str(list, "metadata.continue"));
	cJSON_Delete(list);
	ASSERT_EQ(kube_client_list_all(c, cms, "default", &lo, &list, NULL), 0);
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(list, "items")), 25);
	ASSERT_NULL(kube_json_get_str(list, "metadata.continue"));
	ASSERT_NOT_NULL(kube_json_get_str(list, "metadata.resourceVersion"));
	ASSERT_STREQ(kube_json_get_str(list, "items[24].metadata.name"), "cm-24");
	cJSON_Delete(list);

	lo.label_selector = "app=nothing";
	ASSERT_EQ(kube_client_list_all(c, cms, NULL, &lo, &list, NULL), 0);
	ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(list, "items")), 0);
	cJSON_Delete(list);
	kube_client_free(c);
	fixture_stop(&f);
}

typedef struct watch_rec {
	int added, modified, deleted, bookmarks, errors;
	int stop_after;
	char last_error_reason[32];
} watch_rec_t;

static int rec_fn(const char *type, cJSON *obj, void *arg)
{
	watch_rec_t *r = arg;

	if (strcmp(type, "ADDED") == 0)
		r->added++;
	else if (strcmp(type, "MODIFIED") == 0)
		r->modified++;
	else if (strcmp(type, "DELETED") == 0)
		r->deleted++;
	else if (strcmp(type, "BOOKMARK") == 0)
		r->bookmarks++;
	else if (strcmp(type, "ERROR") == 0) {
		const char *reason = kube_json_get_str(obj, "reason");

		r->errors++;
		kube_strlcpy(r->last_error_reason, reason ? reason : "", sizeof(r->last_error_reason));
	}
	if (r->stop_after && r->added + r->modified + r->deleted >= r->stop_after)
		return 7;
	return 0;
}

typedef struct watch_thread {
	kube_client_t *c;
	const kube_kind_t *k;
	kube_client_list_opts_t opts;
	watch_rec_t rec;
	int result;
} watch_thread_t;

static void *watch_main(void *arg)
{
	watch_thread_t *w = arg;

	w->result = kube_client_watch(w->c, w->k, "default", &w->opts, rec_fn, &w->rec, NULL);
	return NULL;
}

TEST(client_watch_events_stop_and_cancel)
{
	apiserver_fixture_t f;
	const kube_kind_t *cms = kind("", "configmaps");
	kube_client_t *c;
	cJSON *o, *list = NULL;
	watch_thread_t w = { 0 };
	pthread_t th;
	int64_t t0;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f, -1, 0);
	ASSERT_EQ(kube_client_list(c, cms, "default", NULL, &list, NULL), 0);
	w.c = c;
	w.k = cms;
	w.opts.resource_version = kube_json_get_str(list, "metadata.resourceVersion");
	w.opts.allow_watch_bookmarks = true;
	w.opts.cancel = kube_client_cancel_new();
	w.rec.stop_after = 3;
	ASSERT_EQ(pthread_create(&th, NULL, watch_main, &w), 0);
	o = configmap("w", "1");
	ASSERT_EQ(kube_client_create(c, cms, "default", o, NULL, NULL), 0);
	cJSON_Delete(o);
	ASSERT_EQ(kube_client_patch(c, cms, "default", "w", NULL, NULL, "{\"data\":{\"v\":\"2\"}}",
				    NULL, NULL, NULL), 0);
	ASSERT_EQ(kube_client_delete(c, cms, "default", "w", NULL, NULL, NULL), 0);
	pthread_join(th, NULL);
	ASSERT_EQ(w.result, 7);
	ASSERT_EQ(w.rec.added, 1);
	ASSERT_EQ(w.rec.modified, 1);
	ASSERT_EQ(w.rec.deleted, 1);

	/* cancel a watch with no events */
	memset(&w.rec, 0, sizeof(w.rec));
	ASSERT_EQ(pthread_create(&th, NULL, watch_main, &w), 0);
	fixture_sleep_ms(200);
	t0 = kube_now_ns();
	kube_client_cancel_fire(w.opts.cancel);
	pthread_join(th, NULL);
	ASSERT_EQ(w.result, -ECANCELED);
	ASSERT_LT(kube_now_ns() - t0, 500000000LL);
	kube_client_cancel_free(w.opts.cancel);

	/* server-side timeout ends the stream with 0 */
	w.opts.cancel = NULL;
	w.opts.timeout_seconds = 1;
	watch_main(&w);
	ASSERT_EQ(w.result, 0);
	cJSON_Delete(list);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(client_watch_too_old_gives_error_event)
{
	const char *extra[] = { "--watch-cache-size=5", NULL };
	apiserver_fixture_t f;
	const kube_kind_t *cms = kind("", "configmaps");
	kube_client_t *c;
	cJSON *o, *got = NULL;
	watch_thread_t w = { 0 };
	char *rv;

	ASSERT_EQ(fixture_start(&f, extra), 0);
	c = client_for(&f, -1, 0);
	o = configmap("old", "0");
	ASSERT_EQ(kube_client_create(c, cms, "default", o, &got, NULL), 0);
	cJSON_Delete(o);
	rv = kube_strdup(kube_json_get_str(got, "metadata.resourceVersion"));
	cJSON_Delete(got);
	for (int i = 0; i < 10; i++) {
		char p[64];

		snprintf(p, sizeof(p), "{\"data\":{\"i\":\"%d\"}}", i);
		ASSERT_EQ(kube_client_patch(c, cms, "default", "old", NULL, NULL, p, NULL, NULL,
					    NULL), 0);
	}
	w.c = c;
	w.k = cms;
	w.opts.resource_version = rv;
	w.opts.timeout_seconds = 2;
	watch_main(&w);
	ASSERT_EQ(w.rec.errors, 1);
	ASSERT_STREQ(w.rec.last_error_reason, "Expired");
	kube_free(rv);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(client_retries_connection_refused)
{
	kube_client_config_t cfg = { .server = NULL, .qps = -1, .max_retries = 3 };
	kube_client_stats_t stats;
	kube_client_t *c;
	char url[64];
	int64_t t0;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", fixture_free_port());
	cfg.server = url;
	ASSERT_EQ(kube_client_new(&cfg, &c), 0);
	t0 = kube_now_ns();
	ASSERT_EQ(kube_client_get(c, kind("", "nodes"), NULL, "n", NULL, NULL), -ECONNREFUSED);
	/* 100 + 200 + 400 ms of backoff */
	ASSERT_GE(kube_now_ns() - t0, 650000000LL);
	kube_client_get_stats(c, &stats);
	ASSERT_EQ(stats.requests, 4);
	ASSERT_EQ(stats.retries, 3);
	kube_client_free(c);
}

TEST(client_retry_survives_apiserver_restart)
{
	apiserver_fixture_t f;
	const kube_kind_t *cms = kind("", "configmaps");
	kube_client_t *c;
	cJSON *o;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f, -1, 0);
	o = configmap("r", "1");
	ASSERT_EQ(kube_client_create(c, cms, "default", o, NULL, NULL), 0);
	cJSON_Delete(o);
	fixture_kill(&f, SIGTERM);
	ASSERT_EQ(fixture_spawn(&f), 0);
	/* the pooled connection is dead: the GET goes again on a new one */
	ASSERT_EQ(kube_client_get(c, cms, "default", "r", NULL, NULL), 0);
	kube_client_free(c);
	fixture_stop(&f);
}

typedef struct par {
	kube_client_t *c;
	int id, ok;
} par_t;

static void *par_main(void *arg)
{
	par_t *p = arg;
	const kube_kind_t *cms = kind("", "configmaps");

	for (int i = 0; i < 20; i++) {
		char name[32];
		cJSON *o;

		snprintf(name, sizeof(name), "p%d-%d", p->id, i);
		o = configmap(name, "x");
		if (kube_client_create(p->c, cms, "default", o, NULL, NULL) == 0 &&
		    kube_client_get(p->c, cms, "default", name, NULL, NULL) == 0)
			p->ok++;
		cJSON_Delete(o);
	}
	return NULL;
}

TEST(client_thread_safe_pool)
{
	apiserver_fixture_t f;
	kube_client_t *c;
	pthread_t th[4];
	par_t p[4];

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f, -1, 0);
	for (int i = 0; i < 4; i++) {
		p[i] = (par_t){ .c = c, .id = i };
		pthread_create(&th[i], NULL, par_main, &p[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(p[i].ok, 20);
	}
	kube_client_free(c);
	fixture_stop(&f);
}

static void *cancel_later(void *arg)
{
	fixture_sleep_ms(300);
	kube_client_cancel_fire(arg);
	return NULL;
}

static int count_fn(const char *type, cJSON *obj, void *arg)
{
	(void)type;
	(void)obj;
	(*(int *)arg)++;
	return 0;
}

/* HTTPS with a CA and a client certificate, HTTP/2 (ALPN) and HTTP/1.1. */
TEST(client_https_h2_and_h1)
{
	const char *tls = "test/unit/testdata/tls";
	char sport[32], cert[128], key[128], ca[128], url[64];
	const char *extra[6];
	apiserver_fixture_t f;
	const kube_kind_t *cms = kind("", "configmaps");
	int port = fixture_free_port();

	snprintf(sport, sizeof(sport), "--secure-port=%d", port);
	snprintf(cert, sizeof(cert), "--tls-cert-file=%s/server.crt", tls);
	snprintf(key, sizeof(key), "--tls-private-key-file=%s/server.key", tls);
	snprintf(ca, sizeof(ca), "--client-ca-file=%s/ca.crt", tls);
	extra[0] = sport;
	extra[1] = "--bind-address=127.0.0.1";
	extra[2] = cert;
	extra[3] = key;
	extra[4] = ca;
	extra[5] = NULL;
	ASSERT_EQ(access("test/unit/testdata/tls/ca.crt", R_OK), 0);
	ASSERT_EQ(fixture_start(&f, extra), 0);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);

	for (int h1 = 0; h1 < 2; h1++) {
		kube_client_config_t cfg = {
			.server = url,
			.ca_file = "test/unit/testdata/tls/ca.crt",
			.cert_file = "test/unit/testdata/tls/client.crt",
			.key_file = "test/unit/testdata/tls/client.key",
			.qps = -1,
			.disable_http2 = h1,
		};
		kube_client_list_opts_t lo = { .cancel = kube_client_cancel_new() };
		kube_client_t *c = NULL;
		cJSON *o = configmap(h1 ? "tls-h1" : "tls-h2", "1"), *got = NULL;
		pthread_t th;
		int events = 0;

		ASSERT_EQ(kube_client_new(&cfg, &c), 0);
		ASSERT_EQ(kube_client_create(c, cms, "default", o, NULL, NULL), 0);
		ASSERT_EQ(kube_client_get(c, cms, "default", h1 ? "tls-h1" : "tls-h2", &got, NULL), 0);
		ASSERT_STREQ(kube_json_get_str(got, "data.v"), "1");
		cJSON_Delete(got);
		cJSON_Delete(o);
		/* a watch from 0 replays the existing objects, then is cancelled */
		lo.resource_version = "0";
		pthread_create(&th, NULL, cancel_later, lo.cancel);
		ASSERT_EQ(kube_client_watch(c, cms, "default", &lo, count_fn, &events, NULL),
			  -ECANCELED);
		pthread_join(th, NULL);
		ASSERT_EQ(events, h1 + 1);
		kube_client_cancel_free(lo.cancel);
		kube_client_free(c);
	}
	/* a kubeconfig with *-data fields, through kube_kubeconfig_client */
	{
		const char *names[3] = { "ca.crt", "client.crt", "client.key" };
		char *b64[3], path[300], *err = NULL;
		kube_client_t *c = NULL;
		FILE *kf;

		for (int i = 0; i < 3; i++) {
			char fn[128], buf[8192];
			size_t n, olen = 0;
			FILE *in;

			snprintf(fn, sizeof(fn), "test/unit/testdata/tls/%s", names[i]);
			in = fopen(fn, "r");
			ASSERT_NOT_NULL(in);
			n = fread(buf, 1, sizeof(buf), in);
			fclose(in);
			b64[i] = kube_malloc(n * 2 + 8);
			ASSERT_EQ(mbedtls_base64_encode((unsigned char *)b64[i], n * 2 + 8, &olen,
							(unsigned char *)buf, n), 0);
		}
		snprintf(path, sizeof(path), "%s/kubeconfig", f.dir);
		kf = fopen(path, "w");
		fprintf(kf, "apiVersion: v1\nkind: Config\ncurrent-context: t\n"
			    "clusters: [{name: c, cluster: {server: '%s', certificate-authority-data: %s}}]\n"
			    "users: [{name: u, user: {client-certificate-data: %s, client-key-data: %s}}]\n"
			    "contexts: [{name: t, context: {cluster: c, user: u}}]\n",
			url, b64[0], b64[1], b64[2]);
		fclose(kf);
		for (int i = 0; i < 3; i++)
			kube_free(b64[i]);
		ASSERT_EQ(kube_kubeconfig_client(path, NULL, 50, 100, "test/1.0", &c, &err), 0);
		ASSERT_EQ(kube_client_get(c, cms, "default", "tls-h2", NULL, NULL), 0);
		kube_client_free(c);
	}
	/* the wrong CA is refused */
	{
		kube_client_config_t cfg = { .server = url, .qps = -1, .max_retries = -1,
					     .ca_file = "test/unit/testdata/tls/other-ca.crt" };
		kube_client_t *c = NULL;

		ASSERT_EQ(kube_client_new(&cfg, &c), 0);
		ASSERT_LT(kube_client_get(c, cms, "default", "tls-h1", NULL, NULL), 0);
		kube_client_free(c);
	}
	fixture_stop(&f);
}

/* ---- retries against an in-process server that injects errors ---- */

#include <event2/event.h>

#include "net/kube_http.h"

typedef struct fake {
	struct event_base *base;
	kube_http_server_t *srv;
	pthread_t thr;
	int port;
	atomic_int hits_429, hits_503, hits_post500, hits_post429;
} fake_t;

static void fake_status(kube_http_req_t *req, int code, const char *reason)
{
	char body[256];

	snprintf(body, sizeof(body),
		 "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
		 "\"message\":\"injected %d\",\"reason\":\"%s\",\"code\":%d}", code, reason, code);
	kube_http_respond(req, code, "application/json", body, strlen(body));
}

static void fake_handler(kube_http_req_t *req, void *arg)
{
	fake_t *f = arg;
	const char *path = kube_http_req_path(req);
	bool post = strcmp(kube_http_req_method(req), "POST") == 0;
	static const char ok[] = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}";

	if (kube_endswith(path, "/flaky429")) {
		if (atomic_fetch_add(&f->hits_429, 1) == 0) {
			kube_http_resp_header(req, "Retry-After", "1");
			fake_status(req, 429, "TooManyRequests");
			return;
		}
	} else if (kube_endswith(path, "/fail503")) {
		atomic_fetch_add(&f->hits_503, 1);
		fake_status(req, 503, "ServiceUnavailable");
		return;
	} else if (post && strstr(kube_http_req_query(req), "fail=500")) {
		atomic_fetch_add(&f->hits_post500, 1);
		fake_status(req, 500, "InternalError");
		return;
	} else if (post) {
		if (atomic_fetch_add(&f->hits_post429, 1) == 0) {
			fake_status(req, 429, "TooManyRequests");
			return;
		}
		kube_http_respond(req, 201, "application/json", ok, sizeof(ok) - 1);
		return;
	}
	kube_http_respond(req, 200, "application/json", ok, sizeof(ok) - 1);
}

static void *fake_main(void *arg)
{
	fake_t *f = arg;

	event_base_dispatch(f->base);
	return NULL;
}

static void fake_stop_cb(void *arg)
{
	fake_t *f = arg;

	kube_http_server_free(f->srv);
	f->srv = NULL;
	event_base_loopbreak(f->base);
}

TEST(client_retries_429_retry_after_and_5xx)
{
	fake_t f = { 0 };
	kube_client_config_t cfg = { .qps = -1, .max_retries = 2 };
	kube_client_status_t st = { 0 };
	kube_client_stats_t stats;
	const kube_kind_t *cms = kind("", "configmaps");
	kube_client_t *c;
	char url[64];
	int64_t t0;

	kube_loop_init();
	f.base = event_base_new();
	f.srv = kube_http_server_new(f.base, NULL, fake_handler, &f);
	ASSERT_EQ(kube_http_server_listen(f.srv, "127.0.0.1", 0, &f.port), 0);
	pthread_create(&f.thr, NULL, fake_main, &f);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", f.port);
	cfg.server = url;
	ASSERT_EQ(kube_client_new(&cfg, &c), 0);

	/* 429 with Retry-After: 1 is waited out, then succeeds */
	t0 = kube_now_ns();
	ASSERT_EQ(kube_client_get(c, cms, "default", "flaky429", NULL, NULL), 0);
	ASSERT_GE(kube_now_ns() - t0, 950000000LL);
	ASSERT_EQ(atomic_load(&f.hits_429), 2);

	/* 503 on a GET: retried max_retries times, then -EBUSY with the Status */
	ASSERT_EQ(kube_client_get(c, cms, "default", "fail503", NULL, &st), -EBUSY);
	ASSERT_EQ(atomic_load(&f.hits_503), 3);
	ASSERT_STREQ(st.reason, "ServiceUnavailable");
	ASSERT_STREQ(st.message, "injected 503");
	kube_client_status_clear(&st);

	/* a POST is not retried on 500, but is on 429 */
	{
		kube_client_raw_t req = { .method = "POST", .path = "/api/v1/namespaces/default/configmaps?fail=500",
					  .body = "{}" };
		int code = 0;

		ASSERT_EQ(kube_client_raw(c, &req, &code, NULL, NULL), 0);
		ASSERT_EQ(code, 500);
		ASSERT_EQ(atomic_load(&f.hits_post500), 1);
	}
	{
		cJSON *o = configmap("x", "1");

		ASSERT_EQ(kube_client_create(c, cms, "default", o, NULL, NULL), 0);
		ASSERT_EQ(atomic_load(&f.hits_post429), 2);
		cJSON_Delete(o);
	}
	kube_client_get_stats(c, &stats);
	ASSERT_EQ(stats.retries, 1 + 2 + 1);
	{
		kube_metrics_t *m = kube_metrics_new();
		kube_client_metrics_t cm;
		kube_buf_t out = KUBE_BUF_INIT;
		char line[160];

		kube_client_metrics_register(m, &cm);
		kube_client_set_metrics(c, &cm);
		ASSERT_EQ(kube_client_get(c, cms, "default", "ok", NULL, NULL), 0);
		ASSERT_EQ(kube_client_get(c, cms, "default", "fail503", NULL, NULL), -EBUSY);
		kube_client_set_metrics(c, NULL);
		kube_metrics_render(m, &out);
		snprintf(line, sizeof(line),
			 "rest_client_requests_total{code=\"503\",host=\"127.0.0.1:%d\",method=\"GET\"} 3\n",
			 f.port);
		ASSERT_NOT_NULL(strstr(kube_buf_str(&out), line));
		snprintf(line, sizeof(line),
			 "rest_client_request_duration_seconds_count{verb=\"GET\",host=\"127.0.0.1:%d\"} 4\n",
			 f.port);
		ASSERT_NOT_NULL(strstr(kube_buf_str(&out), line));
		kube_buf_clear(&out);
		kube_metrics_free(m);
	}
	kube_client_free(c);

	kube_loop_post(f.base, fake_stop_cb, &f);
	pthread_join(f.thr, NULL);
	event_base_free(f.base);
}

TEST(client_subresources_binding_status_scale)
{
	apiserver_fixture_t f;
	const kube_kind_t *pods = kind("", "pods"), *deps = kind("apps", "deployments");
	kube_client_t *c;
	cJSON *pod, *got = NULL, *b;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f, -1, 0);
	{
		const char *p = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
				"\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}";

		pod = kube_json_parse(p, strlen(p));
	}
	ASSERT_NOT_NULL(pod);
	ASSERT_EQ(kube_client_create(c, pods, "default", pod, NULL, NULL), 0);
	cJSON_Delete(pod);

	/* POST pods/p/binding */
	{
		const char *s = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
				"\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"node-1\"}}";

		b = kube_json_parse(s, strlen(s));
	}
	ASSERT_NOT_NULL(b);
	ASSERT_EQ(kube_client_create_sub(c, pods, "default", "p", "binding", b, NULL, NULL), 0);
	cJSON_Delete(b);
	ASSERT_EQ(kube_client_get(c, pods, "default", "p", &got, NULL), 0);
	ASSERT_STREQ(kube_json_get_str(got, "spec.nodeName"), "node-1");

	/* PUT pods/p/status */
	kube_json_set_str(got, "status.phase", "Running");
	ASSERT_EQ(kube_client_update(c, pods, NULL, "status", got, NULL, NULL), 0);
	cJSON_Delete(got);
	ASSERT_EQ(kube_client_get(c, pods, "default", "p", &got, NULL), 0);
	ASSERT_STREQ(kube_json_get_str(got, "status.phase"), "Running");
	cJSON_Delete(got);

	/* PATCH deployments/d/scale */
	{
		const char *d = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
				"\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
				"\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
				"\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}";
		cJSON *dep = kube_json_parse(d, strlen(d));

		ASSERT_EQ(kube_client_create(c, deps, "default", dep, NULL, NULL), 0);
		cJSON_Delete(dep);
		ASSERT_EQ(kube_client_patch(c, deps, "default", "d", "scale", NULL,
					    "{\"spec\":{\"replicas\":3}}", NULL, &got, NULL), 0);
		ASSERT_STREQ(kube_json_get_str(got, "kind"), "Scale");
		ASSERT_EQ(kube_json_get_int64(got, "spec.replicas", 0), 3);
		cJSON_Delete(got);
	}
	kube_client_free(c);
	fixture_stop(&f);
}
