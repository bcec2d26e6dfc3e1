/*
 * apiserver_server: wiring of one kube-apiserver process: the store, the
 * caches, the workers, the HTTP listeners, the bootstrap objects, the
 * non-resource endpoints (/version, discovery, health, metrics), signals
 * and readiness.
 */
#include "apiserver.h"
#include "apiserver_defaults.h"
#include "apiserver_openapi.h"
#include "apiserver_server.h"

#include "api/kube_json.h"
#include "core/kube_log.h"
#include "core/kube_notify.h"
#include "core/kube_time.h"
#include "net/kube_tls.h"
#include "pki/kube_pki.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

void apiserver_metrics_observe(apiserver_t *s, const char *verb, const char *resource, int code,
			       int64_t start_ns)
{
	double secs = (double)(kube_now_ns() - start_ns) / 1e9;
	apiserver_metric_t *m = NULL;

	for (size_t i = 0; i < s->nmetrics; i++) {
		if (s->metrics[i].code == code && strcmp(s->metrics[i].verb, verb) == 0 &&
		    strcmp(s->metrics[i].resource, resource) == 0) {
			m = &s->metrics[i];
			break;
		}
	}
	if (!m) {
		s->metrics = kube_realloc(s->metrics, (s->nmetrics + 1) * sizeof(*s->metrics));
		m = &s->metrics[s->nmetrics++];
		memset(m, 0, sizeof(*m));
		m->verb = kube_strdup(verb);
		m->resource = kube_strdup(resource);
		m->code = code;
	}
	m->count++;
	m->sum += secs;
	for (size_t i = 0; i < ARRAY_SIZE(buckets); i++)
		if (secs <= buckets[i])
			m->buckets[i]++;
}

static void upper(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = (char)((src[i] >= 'a' && src[i] <= 'z') ? src[i] - 32 : src[i]);
	dst[i] = '\0';
}

static void serve_metrics(apiserver_t *s, kube_http_req_t *req)
{
	kube_buf_t b = KUBE_BUF_INIT;
	struct rusage ru;

	kube_buf_puts(&b, "# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, group, version, resource and HTTP response code.\n# TYPE apiserver_request_total counter\n");
	for (size_t i = 0; i < s->nmetrics; i++) {
		char verb[32];
		upper(verb, s->metrics[i].verb, sizeof(verb));
		kube_buf_printf(&b, "apiserver_request_total{code=\"%d\",resource=\"%s\",verb=\"%s\"} %llu\n",
				s->metrics[i].code, s->metrics[i].resource, verb,
				(unsigned long long)s->metrics[i].count);
	}
	kube_buf_puts(&b, "# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb, resource and code.\n# TYPE apiserver_request_duration_seconds histogram\n");
	for (size_t i = 0; i < s->nmetrics; i++) {
		apiserver_metric_t *m = &s->metrics[i];
		char verb[32];
		upper(verb, m->verb, sizeof(verb));
		for (size_t j = 0; j < ARRAY_SIZE(buckets); j++)
			kube_buf_printf(&b, "apiserver_request_duration_seconds_bucket{code=\"%d\",resource=\"%s\",verb=\"%s\",le=\"%g\"} %llu\n",
					m->code, m->resource, verb, buckets[j], (unsigned long long)m->buckets[j]);
		kube_buf_printf(&b, "apiserver_request_duration_seconds_bucket{code=\"%d\",resource=\"%s\",verb=\"%s\",le=\"+Inf\"} %llu\n",
				m->code, m->resource, verb, (unsigned long long)m->count);
		kube_buf_printf(&b, "apiserver_request_duration_seconds_sum{code=\"%d\",resource=\"%s\",verb=\"%s\"} %g\n",
				m->code, m->resource, verb, m->sum);
		kube_buf_printf(&b, "apiserver_request_duration_seconds_count{code=\"%d\",resource=\"%s\",verb=\"%s\"} %llu\n",
				m->code, m->resource, verb, (unsigned long long)m->count);
	}
	kube_buf_puts(&b, "# HELP apiserver_storage_objects Number of stored objects at the time of last check split by kind.\n# TYPE apiserver_storage_objects gauge\n");
	{
		size_t nk;
		const kube_kind_t *kinds = kube_kinds_all(&nk);
		for (size_t i = 0; i < nk; i++) {
			apiserver_cache_t *c = apiserver_cache_for(s, &kinds[i]);
			kube_buf_t q = KUBE_BUF_INIT;
			if (!c || (i > 0 && strcmp(kinds[i].storage, kinds[i - 1].storage) == 0))
				continue;
			kube_kinds_qualified_resource(&kinds[i], &q);
			kube_buf_printf(&b, "apiserver_storage_objects{resource=\"%s\"} %zu\n", q.data,
					apiserver_cache_count(c));
			kube_buf_clear(&q);
		}
	}
	kube_buf_printf(&b, "# HELP apiserver_registered_watchers Number of currently registered watchers.\n# TYPE apiserver_registered_watchers gauge\napiserver_registered_watchers %zu\n",
			s->watchers);
	kube_buf_printf(&b, "# HELP apiserver_current_inflight_requests Maximal number of currently used inflight request limit of this apiserver per request kind in last second.\n# TYPE apiserver_current_inflight_requests gauge\napiserver_current_inflight_requests{request_kind=\"readOnly\"} %zu\n",
			kube_http_server_connections(s->http_insecure ? s->http_insecure : s->http_secure));
	getrusage(RUSAGE_SELF, &ru);
	kube_buf_printf(&b, "# HELP process_resident_memory_max_bytes Peak resident memory size in bytes.\n# TYPE process_resident_memory_max_bytes gauge\nprocess_resident_memory_max_bytes %ld\n",
			ru.ru_maxrss * 1024L);
	kube_buf_printf(&b, "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %lld\n",
			(long long)(s->started_ns / 1000000000LL));
	kube_http_respond_buf(req, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
}

static void serve_health(apiserver_t *s, kube_http_req_t *req, const char *path)
{
	const char *which = path[1] == 'h' ? "healthz" : path[1] == 'l' ? "livez" : "readyz";
	const char *sub = strchr(path + 1, '/');
	bool verbose = kube_http_req_query_param(req, "verbose") != NULL;
	bool etcd_ok = kube_store_health(s->store) == 0;
	bool ready = s->ready && !s->shutting_down;
	struct {
		const char *name;
		bool ok;
	} checks[] = {
		{ "ping", true },
		{ "log", true },
		{ "etcd", etcd_ok },
		{ "poststarthook/start-apiserver-admission-initializer", true },
		{ "poststarthook/bootstrap-controller", s->ready },
		{ "informer-sync", s->ready },
		{ "shutdown", !s->shutting_down },
	};
	size_t n = ARRAY_SIZE(checks);
	bool all = true;
	kube_buf_t b = KUBE_BUF_INIT;

	if (strcmp(which, "livez") == 0)
		n -= 2; /* liveness does not depend on readiness */
	if (strcmp(which, "healthz") == 0)
		n -= 1;
	if (sub) {
		sub++;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(checks[i].name, sub) == 0) {
				if (checks[i].ok)
					kube_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
				else
					kube_http_respond(req, 500, "text/plain; charset=utf-8",
							  "internal server error: check failed\n", 36);
				return;
			}
		}
		kube_http_respond(req, 404, "text/plain; charset=utf-8", "404 page not found\n", 19);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		all = all && checks[i].ok;
		kube_buf_printf(&b, "[%c]%s %s\n", checks[i].ok ? '+' : '-', checks[i].name,
				checks[i].ok ? "ok" : "failed: reason withheld");
	}
	if (strcmp(which, "readyz") == 0)
		all = all && ready;
	if (all && !verbose) {
		kube_buf_clear(&b);
		kube_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
		return;
	}
	kube_buf_printf(&b, "%s check %s\n", which, all ? "passed" : "failed");
	kube_http_respond_buf(req, all ? 200 : 500, "text/plain; charset=utf-8", &b);
}

static void serve_version(kube_http_req_t *req)
{
	static const char body[] =
		"{\n  \"major\": \"" KUBE_VERSION_MAJOR "\",\n  \"minor\": \"" KUBE_VERSION_MINOR
		"\",\n  \"gitVersion\": \"" KUBE_GIT_VERSION "\",\n  \"gitCommit\": \"" KUBE_GIT_COMMIT
		"\",\n  \"gitTreeState\": \"clean\",\n  \"buildDate\": \"2026-11-22T00:00:00Z\",\n"
		"  \"goVersion\": \"none (C11)\",\n  \"compiler\": \"gcc\",\n  \"platform\": \"linux/amd64\"\n}";

	kube_http_respond(req, 200, "application/json", body, sizeof(body) - 1);
}

static void handle(kube_http_req_t *req, void *arg)
{
	apiserver_t *s = arg;
	const char *path = kube_http_req_path(req);
	const char *method = kube_http_req_method(req);
	int64_t start = kube_now_ns();
	char clean[512];
	size_t n = kube_strlcpy(clean, path, sizeof(clean));
	kube_buf_t b = KUBE_BUF_INIT;
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	klog_v(4, "%s %s", method, kube_http_req_target(req));
	/* The Python client adds trailing slashes. */
	while (n > 1 && n < sizeof(clean) && clean[n - 1] == '/')
		clean[--n] = '\0';

	if (strcmp(clean, "/version") == 0 && get) {
		serve_version(req);
		apiserver_metrics_observe(s, "get", "", 200, start);
		return;
	}
	if ((kube_startswith(clean, "/healthz") || kube_startswith(clean, "/livez") ||
	     kube_startswith(clean, "/readyz")) && get) {
		serve_health(s, req, clean);
		return;
	}
	if (strcmp(clean, "/metrics") == 0 && get) {
		serve_metrics(s, req);
		return;
	}
	if (kube_startswith(clean, "/openapi/") && get) {
		apiserver_openapi_serve(s, req, clean);
		return;
	}
	if (strcmp(clean, "/api") == 0 && get) {
		kube_kinds_render_api_versions(&b, s->advertise);
		kube_http_respond_buf(req, 200, "application/json", &b);
		apiserver_metrics_observe(s, "get", "", 200, start);
		return;
	}
	if (strcmp(clean, "/apis") == 0 && get) {
		kube_kinds_render_api_groups(&b);
		kube_http_respond_buf(req, 200, "application/json", &b);
		apiserver_metrics_observe(s, "get", "", 200, start);
		return;
	}
	if (kube_startswith(clean, "/api/") || kube_startswith(clean, "/apis/")) {
		/* Group and group/version documents. */
		const char *rest = clean + (clean[4] == '/' ? 5 : 6);
		const char *slash = strchr(rest, '/');
		bool core = clean[4] == '/';
		if (get && core && !slash) {
			if (kube_kinds_render_resource_list(&b, "", rest) == 0) {
				kube_http_respond_buf(req, 200, "application/json", &b);
				return;
			}
		} else if (get && !core && !slash) {
			if (kube_kinds_render_api_group(&b, rest) == 0) {
				kube_http_respond_buf(req, 200, "application/json", &b);
				return;
			}
		} else if (get && !core && !strchr(slash + 1, '/')) {
			char group[128];
			snprintf(group, sizeof(group), "%.*s", (int)(slash - rest), rest);
			if (kube_kinds_render_resource_list(&b, group, slash + 1) == 0) {
				kube_http_respond_buf(req, 200, "application/json", &b);
				return;
			}
		}
		kube_buf_clear(&b);
		apiserver_rest_handle(s, req, clean);
		return;
	}
	if (strcmp(clean, "/") == 0 && get) {
		kube_buf_puts(&b, "{\"paths\":[\"/api\",\"/api/v1\",\"/apis\",\"/healthz\",\"/livez\",\"/metrics\",\"/readyz\",\"/version\"]}");
		kube_http_respond_buf(req, 200, "application/json", &b);
		return;
	}
	apiserver_respond_status(s, req, kube_status_path_not_found());
}

/* ---- bootstrap ---- */

static int ensure_object(apiserver_t *s, const kube_kind_t *k, const char *ns, cJSON *obj)
{
	const char *name = kube_json_get_str(obj, "metadata.name");
	char *key = apiserver_key(s, k, ns, name);
	char *json;
	char uid[40], now[40];
	kube_kv_t kv = { 0 };
	int r = kube_store_get(s->store, key, &kv);

	if (r == 0) {
		kube_kv_clear(&kv);
		kube_free(key);
		return 0;
	}
	apiserver_new_uid(uid, sizeof(uid));
	apiserver_now_rfc3339(now, sizeof(now));
	kube_json_set_str(obj, "metadata.uid", uid);
	kube_json_set_str(obj, "metadata.creationTimestamp", now);
	apiserver_defaults_apply(k, obj);
	json = kube_json_compact(obj);
	r = kube_store_create(s->store, key, json, strlen(json), NULL);
	kube_free(json);
	kube_free(key);
	return r == -EEXIST ? 0 : r;
}

static cJSON *parse_const(const char *s)
{
	return kube_json_parse(s, strlen(s));
}

int apiserver_bootstrap(apiserver_t *s)
{
	static const char *const namespaces[] = { "default", "kube-system", "kube-public", "kube-node-lease" };
	const kube_kind_t *nsk = kube_kinds_lookup("", "v1", "namespaces");
	const kube_kind_t *svck = kube_kinds_lookup("", "v1", "services");
	const kube_kind_t *epk = kube_kinds_lookup("", "v1", "endpoints");
	kube_buf_t b = KUBE_BUF_INIT;
	char ip[64], first[INET_ADDRSTRLEN];
	uint32_t net;
	struct in_addr a;
	int port = s->secure_port ? s->secure_port : s->insecure_port;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(namespaces) && r == 0; i++) {
		kube_buf_reset(&b);
		kube_buf_printf(&b, "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\"}}",
				namespaces[i]);
		cJSON *obj = parse_const(b.data);
		r = ensure_object(s, nsk, NULL, obj);
		cJSON_Delete(obj);
	}
	memcpy(&net, s->opts->service_cluster_ip_range.ip.addr, 4);
	a.s_addr = htonl(ntohl(net) + 1);
	inet_ntop(AF_INET, &a, first, sizeof(first));
	if (r == 0) {
		kube_buf_reset(&b);
		kube_buf_printf(&b,
				"{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"kubernetes\",\"namespace\":\"default\",\"labels\":{\"component\":\"apiserver\",\"provider\":\"kubernetes\"}},"
				"\"spec\":{\"clusterIP\":\"%s\",\"clusterIPs\":[\"%s\"],\"ports\":[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":%d}],\"type\":\"ClusterIP\",\"sessionAffinity\":\"None\"}}",
				first, first, port);
		cJSON *obj = parse_const(b.data);
		r = ensure_object(s, svck, "default", obj);
		cJSON_Delete(obj);
	}
	if (r == 0) {
		kube_strlcpy(ip, s->advertise, sizeof(ip));
		char *colon = strrchr(ip, ':');
		if (colon)
			*colon = '\0';
		kube_buf_reset(&b);
		kube_buf_printf(&b,
				"{\"kind\":\"Endpoints\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"kubernetes\",\"namespace\":\"default\",\"labels\":{\"endpointslice.kubernetes.io/skip-mirror\":\"true\"}},"
				"\"subsets\":[{\"addresses\":[{\"ip\":\"%s\"}],\"ports\":[{\"name\":\"https\",\"port\":%d,\"protocol\":\"TCP\"}]}]}",
				ip, port);
		cJSON *obj = parse_const(b.data);
		r = ensure_object(s, epk, "default", obj);
		cJSON_Delete(obj);
	}
	kube_buf_clear(&b);
	return r;
}

/* ---- events TTL ---- */

typedef struct sweep {
	apiserver_t *s;
	char **keys;
	size_t n;
} sweep_t;

static void sweep_work(void *arg)
{
	sweep_t *sw = arg;

	for (size_t i = 0; i < sw->n; i++) {
		kube_store_delete(sw->s->store, sw->keys[i], 0, NULL, NULL);
		kube_free(sw->keys[i]);
	}
	kube_free(sw->keys);
	kube_free(sw);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	apiserver_t *s = arg;
	const kube_kind_t *ek = kube_kinds_lookup("", "v1", "events");
	apiserver_cache_t *c = apiserver_cache_for(s, ek);
	size_t n;
	apiserver_obj_t **items = c ? apiserver_cache_items(c, &n) : NULL;
	int64_t now = kube_wall_ns();
	sweep_t *sw;

	if (!items || !n)
		return;
	sw = kube_calloc(1, sizeof(*sw));
	sw->s = s;
	sw->keys = kube_calloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		cJSON *tree = apiserver_obj_tree(items[i]);
		const char *ts = tree ? kube_json_get_str(tree, "lastTimestamp") : NULL;
		int64_t t;
		if (!ts && tree)
			ts = kube_json_get_str(tree, "metadata.creationTimestamp");
		if (ts && kube_time_parse_rfc3339(ts, &t) == 0 && now - t > s->opts->event_ttl_ns)
			sw->keys[sw->n++] = kube_strdup(items[i]->key);
		cJSON_Delete(tree);
	}
	if (sw->n == 0) {
		kube_free(sw->keys);
		kube_free(sw);
		return;
	}
	apiserver_work_submit(s, sweep_work, sw);
}

/* ---- lifecycle ---- */

static void shutdown_done(void *arg)
{
	apiserver_t *s = arg;

	event_base_loopexit(s->base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	apiserver_t *s = arg;
	struct timeval grace = { 5, 0 };

	if (s->shutting_down) {
		event_base_loopbreak(s->base);
		return;
	}
	klog_info("Received signal %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	kube_notify(false, "STOPPING=1");
	s->shutting_down = true;
	/* Watches end now; other requests finish; then the loop exits. */
	apiserver_cache_stop(s);
	if (s->http_insecure)
		kube_http_server_shutdown(s->http_insecure, s->http_secure ? NULL : shutdown_done, s);
	if (s->http_secure)
		kube_http_server_shutdown(s->http_secure, shutdown_done, s);
	event_base_loopexit(s->base, &grace);
}

static int listen_on(apiserver_t *s, kube_http_server_t **ret, const kube_ip_t *ip, int port,
		     int *ret_port, const kube_tls_config_t *tls)
{
	char addr[64];
	kube_http_server_t *srv;
	kube_http_server_config_t cfg = { .tls = tls };
	int r;

	if (ip->family)
		kube_format_ip(ip, addr, sizeof(addr));
	else
		kube_strlcpy(addr, "0.0.0.0", sizeof(addr));
	srv = kube_http_server_new(s->base, &cfg, handle, s);
	r = kube_http_server_listen(srv, addr, port, ret_port);
	if (r < 0) {
		kube_http_server_free(srv);
		return r;
	}
	*ret = srv;
	return 0;
}

int apiserver_run(apiserver_options_t *o)
{
	apiserver_t s = { 0 };
	kube_store_config_t sc = { 0 };
	int r;

	s.opts = o;
	s.started_ns = kube_wall_ns();
	kube_loop_init();
	s.base = event_base_new();
	s.prefix = kube_strdup(o->etcd_prefix && *o->etcd_prefix ? o->etcd_prefix : "/registry");
	while (strlen(s.prefix) > 1 && s.prefix[strlen(s.prefix) - 1] == '/')
		s.prefix[strlen(s.prefix) - 1] = '\0';

	sc.compaction_interval_ms = o->etcd_compaction_interval_ns / 1000000;
	if (o->etcd_servers && o->etcd_servers[0]) {
		kube_buf_t lb = KUBE_BUF_INIT;
		_cleanup_free_ char *list = NULL;

		for (size_t i = 0; o->etcd_servers[i]; i++)
			kube_buf_printf(&lb, "%s%s", i ? "," : "", o->etcd_servers[i]);
		list = kube_buf_steal(&lb);

		sc.backend = "etcd3";
		sc.servers = (const char *const *)o->etcd_servers;
		sc.ca_file = o->etcd_cafile;
		sc.cert_file = o->etcd_certfile;
		sc.key_file = o->etcd_keyfile;
		r = kube_store_open(&sc, &s.store);
		if (r < 0) {
			klog_error("Error opening the etcd3 store at %s: %s", list, strerror(-r));
			return 1;
		}
		/* Not serving (so not ready) until etcd answers, as upstream. */
		for (int i = 0; (r = kube_store_health(s.store)) != 0; i++) {
			if (i % 10 == 0)
				klog_error("etcd at %s is not reachable yet (%s); retrying", list,
					   strerror(-r));
			usleep(500 * 1000);
		}
		klog_info("Using etcd at %s with prefix %s (revision %lld)", list, s.prefix,
			  (long long)kube_store_current_rev(s.store));
	} else {
		sc.backend = "sqlite";
		sc.data_dir = o->data_dir;
		r = kube_store_open(&sc, &s.store);
		if (r < 0) {
			klog_error("Error opening the embedded store in %s: %s", o->data_dir, strerror(-r));
			return 1;
		}
		klog_info("Using the embedded store in %s (revision %lld)", o->data_dir,
			  (long long)kube_store_current_rev(s.store));
	}

	/* Listeners first, so the advertised address is known. */
	if (o->insecure_port > 0) {
		r = listen_on(&s, &s.http_insecure, &o->insecure_bind_address, o->insecure_port,
			      &s.insecure_port, NULL);
		if (r < 0) {
			klog_error("failed to listen on the insecure port %d: %s", o->insecure_port, strerror(-r));
			goto fail;
		}
		klog_info("Serving insecurely on %s:%d", "127.0.0.1", s.insecure_port);
	}
	if (o->secure_port > 0) {
		char *cert = NULL, *key = NULL;
		char *why = NULL;
		kube_tls_options_t to = { .server = true, .ca_file = o->client_ca_file,
					  .client_auth = o->client_ca_file ? KUBE_TLS_CLIENT_AUTH_REQUEST
									   : KUBE_TLS_CLIENT_AUTH_NONE,
					  .alpn = (const char *const[]){ "h2", "http/1.1", NULL } };
		if (o->tls_cert_file && *o->tls_cert_file && o->tls_private_key_file && *o->tls_private_key_file) {
			to.cert_file = o->tls_cert_file;
			to.key_file = o->tls_private_key_file;
		} else {
			static const char *const dns[] = { "kubernetes", "kubernetes.default", "kubernetes.default.svc", NULL };
			r = kube_pki_ensure_self_signed(o->cert_dir, "apiserver", "localhost", dns, NULL, &cert, &key);
			if (r < 0) {
				klog_error("unable to generate a self-signed certificate in %s: %s", o->cert_dir, strerror(-r));
				goto fail;
			}
			klog_info("Generated self-signed cert (%s, %s)", cert, key);
			to.cert_file = cert;
			to.key_file = key;
		}
		r = kube_tls_config_new(&to, &s.tls, &why);
		kube_free(cert);
		kube_free(key);
		if (r < 0) {
			klog_error("failed to load the serving certificate: %s", why ? why : strerror(-r));
			kube_free(why);
			goto fail;
		}
		r = listen_on(&s, &s.http_secure, &o->bind_address, o->secure_port, &s.secure_port, s.tls);
		if (r < 0) {
			klog_error("failed to listen on the secure port %d: %s", o->secure_port, strerror(-r));
			goto fail;
		}
		klog_info("Serving securely on port %d", s.secure_port);
	}
	if (!s.http_insecure && !s.http_secure) {
		klog_error("no port to serve on: both --secure-port and --insecure-port are 0");
		goto fail;
	}
	{
		char ip[64] = "127.0.0.1";
		if (o->advertise_address.family)
			kube_format_ip(&o->advertise_address, ip, sizeof(ip));
		else if (!s.http_secure && o->insecure_bind_address.family &&
			 !(o->insecure_bind_address.family == AF_INET && o->insecure_bind_address.addr[0] == 0))
			kube_format_ip(&o->insecure_bind_address, ip, sizeof(ip));
		snprintf(s.advertise, sizeof(s.advertise), "%s:%d", ip,
			 s.http_secure ? s.secure_port : s.insecure_port);
	}
	r = apiserver_bootstrap(&s);
	if (r < 0) {
		klog_error("bootstrap failed: %s", strerror(-r));
		goto fail;
	}
	r = apiserver_work_start(&s, 8);
	if (r == 0)
		r = apiserver_cache_start(&s);
	if (r < 0) {
		klog_error("starting the watch caches failed: %s", strerror(-r));
		goto fail;
	}
	apiserver_endpoints_start(&s);
	s.sig_term = evsignal_new(s.base, SIGTERM, on_signal, &s);
	s.sig_int = evsignal_new(s.base, SIGINT, on_signal, &s);
	evsignal_add(s.sig_term, NULL);
	evsignal_add(s.sig_int, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		/* Sweep every minute, or twice per TTL when it is shorter. */
		int64_t half = s.opts->event_ttl_ns / 2;
		struct timeval tv = { 60, 0 };
		if (half > 0 && half < 60 * INT64_C(1000000000)) {
			tv.tv_sec = (time_t)(half / 1000000000);
			tv.tv_usec = (suseconds_t)(half % 1000000000 / 1000);
			if (tv.tv_sec == 0 && tv.tv_usec < 100000)
				tv.tv_usec = 100000;
		}
		s.event_sweep = event_new(s.base, -1, EV_PERSIST, on_sweep, &s);
		evtimer_add(s.event_sweep, &tv);
	}
	s.ready = true;
	/* NOTIFY_SOCKET stays set: STOPPING=1 goes out on SIGTERM too. */
	kube_notify(false, "READY=1");
	klog_info("kube-apiserver ready in %.1f ms", (double)(kube_wall_ns() - s.started_ns) / 1e6);
	event_base_dispatch(s.base);

	klog_info("kube-apiserver stopping");
	if (!s.shutting_down)
		apiserver_cache_stop(&s);
	apiserver_work_stop(&s);
	apiserver_endpoints_stop(&s);
	kube_http_server_free(s.http_insecure);
	kube_http_server_free(s.http_secure);
	event_free(s.sig_term);
	event_free(s.sig_int);
	event_free(s.event_sweep);
	kube_store_free(s.store);
	kube_tls_config_free(s.tls);
	for (size_t i = 0; i < s.nmetrics; i++) {
		kube_free(s.metrics[i].verb);
		kube_free(s.metrics[i].resource);
	}
	kube_free(s.metrics);
	apiserver_alloc_clear(&s);
	kube_free(s.prefix);
	event_base_free(s.base);
	return 0;
fail:
	kube_http_server_free(s.http_insecure);
	kube_http_server_free(s.http_secure);
	kube_tls_config_free(s.tls);
	kube_store_free(s.store);
	kube_free(s.prefix);
	event_base_free(s.base);
	return 1;
}
