/*
 * apiserver_endpoints: the endpoints of the default/kubernetes Service when
 * several API servers share one store, as upstream's default "lease"
 * endpoint reconciler. Every 10 s each server renews its lease,
 * <prefix>/masterleases/<ip> (an Endpoints object, as upstream stores it;
 * the expiry, upstream's 15 s etcd lease TTL, is kept in an annotation so
 * every backend can hold it), deletes leases that expired, and sets the
 * Service's Endpoints to every IP with a live lease, sorted. A server
 * stopping removes its own lease and reconciles. The store work runs on a
 * worker thread (at most one round at a time); the timer on the loop.
 */
#include "apiserver.h"

#include "api/kube_json.h"
#include "core/kube_log.h"

#include <event2/event.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define RENEW_S 10
#define TTL_S 15
#define EXPIRES_ANNOTATION "kube-c.io/lease-expires-ms"

struct apiserver_endpoints {
	apiserver_t *s;
	struct event *timer;
	atomic_bool running;
	char ip[64];
	int port;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_lease(apiserver_endpoints_t *e, const char *key)
{
	kube_buf_t b = KUBE_BUF_INIT;
	int64_t expires = kube_wall_ns() / 1000000 + TTL_S * 1000;
	int r;

	kube_buf_printf(&b,
			"{\"kind\":\"Endpoints\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
			"\"annotations\":{\"" EXPIRES_ANNOTATION "\":\"%lld\"}},\"subsets\":[{\"addresses\":"
			"[{\"ip\":\"%s\"}],\"ports\":[{\"port\":%d,\"protocol\":\"TCP\"}]}]}",
			e->ip, (long long)expires, e->ip, e->port);
	r = kube_store_update(e->s->store, key, b.data, b.len, 0, NULL, NULL);
	if (r == -ENOENT)
		r = kube_store_create(e->s->store, key, b.data, b.len, NULL);
	kube_buf_clear(&b);
	return r;
}

/* The live leases' IPs (sorted, caller frees), deleting expired leases. */
static int live_ips(apiserver_endpoints_t *e, const char *prefix, char ***ret, size_t *ret_n)
{
	kube_kv_list_t l = { 0 };
	int64_t now = kube_wall_ns() / 1000000;
	char **ips = NULL;
	size_t n = 0;
	int r = kube_store_list(e->s->store, prefix, NULL, 0, 0, &l);

	if (r < 0)
		return r;
	ips = kube_calloc(l.count + 1, sizeof(*ips));
	for (size_t i = 0; i < l.count; i++) {
		cJSON *o = kube_json_parse(l.items[i].value, l.items[i].value_len);
		const cJSON *ann = o ? kube_json_get(o, "metadata.annotations") : NULL;
		const cJSON *ev = ann ? cJSON_GetObjectItemCaseSensitive(ann, EXPIRES_ANNOTATION) : NULL;
		const char *exp = cJSON_IsString(ev) ? ev->valuestring : NULL;
		const char *ip = o ? kube_json_get_str(o, "metadata.name") : NULL;

		if (!exp || !ip || strtoll(exp, NULL, 10) < now) {
			/* expired (or not ours to read): gone unless renewed meanwhile */
			kube_store_delete(e->s->store, l.items[i].key, l.items[i].mod_rev, NULL, NULL);
		} else {
			ips[n++] = kube_strdup(ip);
		}
		cJSON_Delete(o);
	}
	kube_kv_list_clear(&l);
	qsort(ips, n, sizeof(*ips), cmp_str);
	*ret = ips;
	*ret_n = n;
	return 0;
}

/* Set default/kubernetes's subsets to ips (with this server's port, as
 * upstream: every API server serves on the same port). */
static int set_endpoints(apiserver_endpoints_t *e, char **ips, size_t n)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "endpoints");
	char *key = apiserver_key(e->s, k, "default", "kubernetes");
	kube_kv_t kv = { 0 };
	cJSON *o = NULL, *subsets, *subset, *addrs, *ports, *port;
	char *old_json = NULL, *json = NULL;
	int r = kube_store_get(e->s->store, key, &kv);

	if (r < 0)
		goto out;
	o = kube_json_parse(kv.value, kv.value_len);
	if (!o) {
		r = -EINVAL;
		goto out;
	}
	if (kube_json_get(o, "subsets"))
		old_json = kube_json_compact(kube_json_get(o, "subsets"));
	subsets = cJSON_CreateArray();
	if (n) {
		subset = cJSON_CreateObject();
		addrs = cJSON_AddArrayToObject(subset, "addresses");
		for (size_t i = 0; i < n; i++) {
			cJSON *a = cJSON_CreateObject();
			cJSON_AddStringToObject(a, "ip", ips[i]);
			cJSON_AddItemToArray(addrs, a);
		}
		ports = cJSON_AddArrayToObject(subset, "ports");
		port = cJSON_CreateObject();
		cJSON_AddStringToObject(port, "name", "https");
		cJSON_AddNumberToObject(port, "port", e->port);
		cJSON_AddStringToObject(port, "protocol", "TCP");
		cJSON_AddItemToArray(ports, port);
		cJSON_AddItemToArray(subsets, subset);
	}
	kube_json_set(o, "subsets", subsets);
	json = kube_json_compact(kube_json_get(o, "subsets"));
	if (old_json && strcmp(old_json, json) == 0)
		goto out; /* nothing to do */
	kube_free(json);
	json = kube_json_compact(o);
	r = kube_store_update(e->s->store, key, json, strlen(json), kv.mod_rev, NULL, NULL);
	if (r == 0)
		klog_v(2, "kubernetes endpoints: %zu API server(s)", n);
out:
	kube_free(old_json);
	kube_free(json);
	cJSON_Delete(o);
	kube_kv_clear(&kv);
	kube_free(key);
	return r;
}

/* One round: renew (or, when leaving, remove) our lease and reconcile. */
static void reconcile(apiserver_endpoints_t *e, bool leaving)
{
	char *prefix = kube_asprintf("%s/masterleases/", e->s->prefix);
	char *key = kube_asprintf("%s%s", prefix, e->ip);
	char **ips = NULL;
	size_t n = 0;
	int r;

	r = leaving ? kube_store_delete(e->s->store, key, 0, NULL, NULL) : write_lease(e, key);
	if (r < 0 && r != -ENOENT)
		klog_v(2, "masterlease %s: %s", key, strerror(-r));
	if (live_ips(e, prefix, &ips, &n) == 0) {
		r = set_endpoints(e, ips, n);
		if (r < 0 && r != -ECANCELED)
			klog_v(2, "kubernetes endpoints: %s", strerror(-r));
		for (size_t i = 0; i < n; i++)
			kube_free(ips[i]);
		kube_free(ips);
	}
	kube_free(key);
	kube_free(prefix);
}

static void reconcile_work(void *arg)
{
	apiserver_endpoints_t *e = arg;

	reconcile(e, false);
	atomic_store(&e->running, false);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	apiserver_endpoints_t *e = arg;

	if (e->s->shutting_down || atomic_exchange(&e->running, true))
		return;
	apiserver_work_submit(e->s, reconcile_work, e);
}

void apiserver_endpoints_start(apiserver_t *s)
{
	apiserver_endpoints_t *e = kube_calloc(1, sizeof(*e));
	struct timeval tv = { RENEW_S, 0 };
	char *colon;

	e->s = s;
	kube_strlcpy(e->ip, s->advertise, sizeof(e->ip));
	colon = strrchr(e->ip, ':');
	if (colon)
		*colon = '\0';
	e->port = s->secure_port ? s->secure_port : s->insecure_port;
	s->endpoints = e;
	reconcile(e, false); /* before serving: our address is listed at once */
	e->timer = event_new(s->base, -1, EV_PERSIST, on_timer, e);
	evtimer_add(e->timer, &tv);
}

void apiserver_endpoints_stop(apiserver_t *s)
{
	apiserver_endpoints_t *e = s->endpoints;

	if (!e)
		return;
	event_free(e->timer);
	/* Workers are stopped: no round is running. */
	reconcile(e, true);
	kube_free(e);
	s->endpoints = NULL;
}
