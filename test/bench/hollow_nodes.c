/*
 * hollow_nodes: N simulated kubelets in one process, against a real API
 * server, for scheduler and controller-manager tests and benches (as
 * upstream's kubemark hollow nodes, without containers).
 *
 * Per node it registers a Node (capacity, allocatable, labels, taints,
 * addresses, Ready condition), creates and renews its Lease in
 * kube-node-lease every --node-lease-renew-interval, and re-posts its status
 * every --node-status-report-frequency (the status itself never changes).
 * One watch on every pod serves all nodes: a pod bound to one of ours
 * becomes Running and Ready with a pod IP from the node's range, and a
 * terminating one is deleted with grace 0, as a kubelet does once its
 * containers are gone.
 *
 * Everything runs on one event loop over one HTTP/2 (h2c) or HTTP/1.1
 * connection pool, with at most --max-inflight requests at once. Prints
 * "hollow_nodes: N nodes ready in T ms" once every node is registered, and figures
 * (requests, errors, latency p50/p99, RSS) on SIGINT/SIGTERM or after
 * --run-for. To stop a node's heartbeats in a test, run it in its own
 * process and SIGSTOP it.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <event2/event.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"
#include "core/kube_core.h"
#include "core/kube_flags.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "net/kube_http.h"
#include "net/kube_http_client.h"

#define NS_S 1000000000LL

struct opts {
	char *master, *prefix, *cpu, *memory, *ephemeral, *pods_cap;
	kube_strv_t labels, taints;
	int nodes, first, max_inflight;
	int64_t lease_renew_ns, status_report_ns, run_for_ns;
	int lease_duration_s;
	bool h2c;
};

struct node {
	char *name;
	int idx;
	int next_ip;		/* last octet of the next pod IP */
	bool registered, leased;
	struct event *lease_ev, *status_ev;
};

/* One queued or running API request. */
struct req {
	struct req *next;
	char *method, *path;
	kube_buf_t body;
	const char *content_type;
	void (*done)(struct req *r, int status, const kube_buf_t *body);
	struct node *node;
	char *pod_uid;
	int64_t start_ns;
};

static struct opts O = {
	.prefix = "hollow-node-", .cpu = "4", .memory = "16Gi", .ephemeral = "100Gi",
	.pods_cap = "110", .nodes = 10, .max_inflight = 256,
	.lease_renew_ns = 10 * NS_S, .status_report_ns = 300 * NS_S, .lease_duration_s = 40,
	.h2c = true,
};

static struct event_base *base;
static kube_http_client_t *http;
static struct node *nodes;
static struct req *queue_head, *queue_tail;
static int inflight, nready;
static int64_t start_ns;
static uint64_t n_requests, n_errors, n_pods_running, n_pods_deleted, n_status, n_leases;
static int64_t *lat_us;
static size_t nlat, caplat;

/* Pods we already acted on: uid -> 1 (Running sent) or 2 (delete sent). */
static struct {
	char **keys;
	uint8_t *vals;
	size_t cap, n;
} seen;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_S + ts.tv_nsec;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static uint8_t *seen_slot(const char *uid, bool create)
{
	size_t i;

	if (create && (seen.n + 1) * 2 > seen.cap) {
		char **ok = seen.keys;
		uint8_t *ov = seen.vals;
		size_t oc = seen.cap;

		seen.cap = oc ? oc * 2 : 1024;
		seen.keys = kube_calloc(seen.cap, sizeof(char *));
		seen.vals = kube_calloc(seen.cap, 1);
		for (size_t j = 0; j < oc; j++) {
			if (!ok[j])
				continue;
			for (i = hash_str(ok[j]) & (seen.cap - 1); seen.keys[i]; i = (i + 1) & (seen.cap - 1))
				;
			seen.keys[i] = ok[j];
			seen.vals[i] = ov[j];
		}
		kube_free(ok);
		kube_free(ov);
	}
	if (!seen.cap)
		return NULL;
	for (i = hash_str(uid) & (seen.cap - 1); seen.keys[i]; i = (i + 1) & (seen.cap - 1))
		if (strcmp(seen.keys[i], uid) == 0)
			return &seen.vals[i];
	if (!create)
		return NULL;
	seen.keys[i] = kube_strdup(uid);
	seen.n++;
	return &seen.vals[i];
}

/* ---- request queue ---- */

static void req_free(struct req *r)
{
	kube_free(r->method);
	kube_free(r->path);
	kube_free(r->pod_uid);
	kube_buf_clear(&r->body);
	kube_free(r);
}

static void req_start(struct req *r);

static void req_done_cb(kube_http_call_t *call, int err, kube_http_response_t *resp, void *arg)
{
	struct req *r = arg;
	int64_t us = (now_ns() - r->start_ns) / 1000;

	(void)call;
	inflight--;
	if (nlat == caplat) {
		caplat = caplat ? caplat * 2 : 4096;
		lat_us = kube_realloc(lat_us, caplat * sizeof(*lat_us));
	}
	lat_us[nlat++] = us;
	if (err < 0 || resp->status >= 500 || resp->status == 429) {
		n_errors++;
		if (err < 0)
			klog_v(2, "%s %s: %s", r->method, r->path, strerror(-err));
	}
	if (r->done)
		r->done(r, err < 0 ? 0 : resp->status, err < 0 ? NULL : &resp->body);
	req_free(r);
	while (queue_head && inflight < O.max_inflight) {
		struct req *q = queue_head;

		queue_head = q->next;
		if (!queue_head)
			queue_tail = NULL;
		req_start(q);
	}
}

static void req_start(struct req *r)
{
	_cleanup_free_ char *url = kube_asprintf("%s%s", O.master, r->path);
	const char *hdrs[] = { "Content-Type", r->content_type, "Accept", "application/json", NULL };
	kube_http_request_t hr = {
		.method = r->method, .url = url, .headers = r->content_type ? hdrs : hdrs + 2,
		.body = r->body.data, .body_len = r->body.len, .timeout_ms = 60000,
	};
	int err = 0;

	inflight++;
	n_requests++;
	r->start_ns = now_ns();
	if (!kube_http_client_start(http, &hr, req_done_cb, r, &err)) {
		inflight--;
		n_errors++;
		klog_error("%s %s: %s", r->method, url, strerror(-err));
		req_free(r);
	}
}

/* Queue a request; body (may be NULL) is taken over. */
static void submit_uid(const char *method, const char *path, cJSON *body, const char *ctype,
		       void (*done)(struct req *, int, const kube_buf_t *), struct node *n,
		       const char *pod_uid)
{
	struct req *r = kube_calloc(1, sizeof(*r));

	r->pod_uid = pod_uid ? kube_strdup(pod_uid) : NULL;
	r->method = kube_strdup(method);
	r->path = kube_strdup(path);
	r->content_type = ctype;
	r->done = done;
	r->node = n;
	if (body) {
		kube_json_compact_buf(&r->body, body);
		cJSON_Delete(body);
	}
	if (inflight < O.max_inflight) {
		req_start(r);
	} else {
		if (queue_tail)
			queue_tail->next = r;
		else
			queue_head = r;
		queue_tail = r;
	}
}

#define submit(m, p, b, ct, done, n) submit_uid(m, p, b, ct, done, n, NULL)

/* ---- nodes ---- */

static void now_rfc3339(char *buf, size_t size, bool micro)
{
	struct timespec ts;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (int64_t)ts.tv_sec * NS_S + ts.tv_nsec;
	if (micro)
		kube_time_format_rfc3339_micro(ns, buf, size);
	else
		kube_time_format_rfc3339(ns, buf, size);
}

static void node_ip(const struct node *n, char *buf, size_t size)
{
	snprintf(buf, size, "172.%d.%d.%d", 16 + n->idx / 62500, (n->idx / 250) % 250,
		 n->idx % 250 + 1);
}

static cJSON *node_status(const struct node *n)
{
	char now[40], ip[32];
	cJSON *st = cJSON_CreateObject(), *res = cJSON_CreateObject(), *conds, *addrs, *info;
	static const char *const pressure[][3] = {
		{ "MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available" },
		{ "DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure" },
		{ "PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available" },
	};

	now_rfc3339(now, sizeof(now), false);
	node_ip(n, ip, sizeof(ip));
	cJSON_AddStringToObject(res, "cpu", O.cpu);
	cJSON_AddStringToObject(res, "memory", O.memory);
	cJSON_AddStringToObject(res, "ephemeral-storage", O.ephemeral);
	cJSON_AddStringToObject(res, "pods", O.pods_cap);
	cJSON_AddItemToObject(st, "capacity", res);
	cJSON_AddItemToObject(st, "allocatable", cJSON_Duplicate(res, true));
	conds = cJSON_AddArrayToObject(st, "conditions");
	for (size_t i = 0; i < ARRAY_SIZE(pressure) + 1; i++) {
		cJSON *c = cJSON_CreateObject();
		bool ready = i == ARRAY_SIZE(pressure);

		cJSON_AddStringToObject(c, "type", ready ? "Ready" : pressure[i][0]);
		cJSON_AddStringToObject(c, "status", ready ? "True" : "False");
		cJSON_AddStringToObject(c, "lastHeartbeatTime", now);
		cJSON_AddStringToObject(c, "lastTransitionTime", now);
		cJSON_AddStringToObject(c, "reason", ready ? "KubeletReady" : pressure[i][1]);
		cJSON_AddStringToObject(c, "message",
					ready ? "kubelet is posting ready status" : pressure[i][2]);
		cJSON_AddItemToArray(conds, c);
	}
	addrs = cJSON_AddArrayToObject(st, "addresses");
	cJSON *a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "type", "InternalIP");
	cJSON_AddStringToObject(a, "address", ip);
	cJSON_AddItemToArray(addrs, a);
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "type", "Hostname");
	cJSON_AddStringToObject(a, "address", n->name);
	cJSON_AddItemToArray(addrs, a);
	info = cJSON_AddObjectToObject(st, "nodeInfo");
	cJSON_AddStringToObject(info, "machineID", "");
	cJSON_AddStringToObject(info, "systemUUID", "");
	cJSON_AddStringToObject(info, "bootID", "");
	cJSON_AddStringToObject(info, "kernelVersion", "hollow");
	cJSON_AddStringToObject(info, "osImage", "hollow node");
	cJSON_AddStringToObject(info, "containerRuntimeVersion", "hollow://1.0");
	cJSON_AddStringToObject(info, "kubeletVersion", "v1.32.0");
	cJSON_AddStringToObject(info, "kubeProxyVersion", "v1.32.0");
	cJSON_AddStringToObject(info, "operatingSystem", "linux");
	cJSON_AddStringToObject(info, "architecture", "amd64");
	cJSON *de = cJSON_AddObjectToObject(st, "daemonEndpoints");
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(de, "kubeletEndpoint"), "Port", 10250);
	return st;
}

static cJSON *node_object(const struct node *n)
{
	cJSON *o = cJSON_CreateObject(), *md, *labels, *spec;

	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "kind", "Node");
	md = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(md, "name", n->name);
	labels = cJSON_AddObjectToObject(md, "labels");
	cJSON_AddStringToObject(labels, "kubernetes.io/hostname", n->name);
	cJSON_AddStringToObject(labels, "kubernetes.io/os", "linux");
	cJSON_AddStringToObject(labels, "kubernetes.io/arch", "amd64");
	cJSON_AddStringToObject(labels, "beta.kubernetes.io/os", "linux");
	cJSON_AddStringToObject(labels, "beta.kubernetes.io/arch", "amd64");
	for (size_t i = 0; O.labels && O.labels[i]; i++) {
		char *eq = strchr(O.labels[i], '=');
		if (eq) {
			_cleanup_free_ char *k = kube_strndup(O.labels[i], (size_t)(eq - O.labels[i]));
			cJSON_DeleteItemFromObject(labels, k);
			cJSON_AddStringToObject(labels, k, eq + 1);
		}
	}
	spec = cJSON_AddObjectToObject(o, "spec");
	if (O.taints && O.taints[0]) {
		cJSON *ts = cJSON_AddArrayToObject(spec, "taints");

		/* key[=value]:Effect, as kubelet's --register-with-taints */
		for (size_t i = 0; O.taints[i]; i++) {
			_cleanup_free_ char *t = kube_strdup(O.taints[i]);
			char *colon = strrchr(t, ':'), *eq;
			cJSON *tj = cJSON_CreateObject();

			if (!colon) {
				cJSON_Delete(tj);
				continue;
			}
			*colon = '\0';
			eq = strchr(t, '=');
			if (eq)
				*eq = '\0';
			cJSON_AddStringToObject(tj, "key", t);
			if (eq)
				cJSON_AddStringToObject(tj, "value", eq + 1);
			cJSON_AddStringToObject(tj, "effect", colon + 1);
			cJSON_AddItemToArray(ts, tj);
		}
	}
	cJSON_AddItemToObject(o, "status", node_status(n));
	return o;
}

static void arm(struct event *ev, int64_t ns)
{
	struct timeval tv = { .tv_sec = ns / NS_S, .tv_usec = (ns % NS_S) / 1000 };

	evtimer_add(ev, &tv);
}

static void status_done(struct req *r, int status, const kube_buf_t *body)
{
	(void)body;
	if (status == 200)
		n_status++;
	else
		klog_v(2, "node %s status: %d", r->node->name, status);
}

static void post_status(struct node *n)
{
	_cleanup_free_ char *path = kube_asprintf("/api/v1/nodes/%s/status", n->name);
	cJSON *patch = cJSON_CreateObject();

	cJSON_AddItemToObject(patch, "status", node_status(n));
	submit("PATCH", path, patch, "application/strategic-merge-patch+json", status_done, n);
}

static void status_tick(evutil_socket_t fd, short what, void *arg)
{
	struct node *n = arg;

	(void)fd;
	(void)what;
	post_status(n);
	arm(n->status_ev, O.status_report_ns);
}

static void lease_submit(struct node *n);

static void lease_done(struct req *r, int status, const kube_buf_t *body)
{
	struct node *n = r->node;

	(void)body;
	if (status == 200 || status == 201) {
		n_leases++;
		n->leased = true;
	} else if (status == 404 || status == 409) {
		/* 404: create it; 409: it exists, patch it */
		n->leased = status == 409;
		lease_submit(n);
	}
}

static void lease_submit(struct node *n)
{
	char now[48];
	cJSON *o = cJSON_CreateObject(), *spec;

	now_rfc3339(now, sizeof(now), true);
	if (n->leased) {
		_cleanup_free_ char *path =
			kube_asprintf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s",
				      n->name);
		spec = cJSON_AddObjectToObject(o, "spec");
		cJSON_AddStringToObject(spec, "renewTime", now);
		submit("PATCH", path, o, "application/merge-patch+json", lease_done, n);
		return;
	}
	cJSON_AddStringToObject(o, "apiVersion", "coordination.k8s.io/v1");
	cJSON_AddStringToObject(o, "kind", "Lease");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "name", n->name);
	spec = cJSON_AddObjectToObject(o, "spec");
	cJSON_AddStringToObject(spec, "holderIdentity", n->name);
	cJSON_AddNumberToObject(spec, "leaseDurationSeconds", O.lease_duration_s);
	cJSON_AddStringToObject(spec, "renewTime", now);
	submit("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", o,
	       "application/json", lease_done, n);
}

static void lease_tick(evutil_socket_t fd, short what, void *arg)
{
	struct node *n = arg;

	(void)fd;
	(void)what;
	lease_submit(n);
	arm(n->lease_ev, O.lease_renew_ns);
}

static void node_registered(struct node *n)
{
	if (n->registered)
		return;
	n->registered = true;
	post_status(n); /* as kubelet: its status as of now */
	lease_submit(n);
	/* spread the periodic work over the period */
	arm(n->lease_ev, O.lease_renew_ns / 2 + (int64_t)(rand() % 1000) * (O.lease_renew_ns / 2000));
	arm(n->status_ev, O.status_report_ns / 2 +
				  (int64_t)(rand() % 1000) * (O.status_report_ns / 2000));
	if (++nready == O.nodes) {
		printf("hollow_nodes: %d nodes ready in %.0f ms\n", O.nodes,
		       (double)(now_ns() - start_ns) / 1e6);
		fflush(stdout);
	}
}

static void register_done(struct req *r, int status, const kube_buf_t *body)
{
	(void)body;
	if (status == 201 || status == 409) {
		node_registered(r->node);
	} else {
		klog_warn("registering node %s: status %d; retrying", r->node->name, status);
		submit("POST", "/api/v1/nodes", node_object(r->node), "application/json", register_done,
		       r->node);
	}
}

/* ---- pods ---- */

static struct node *our_node(const char *name)
{
	size_t pl = strlen(O.prefix);
	char *end;
	long i;

	if (!name || strncmp(name, O.prefix, pl) != 0)
		return NULL;
	i = strtol(name + pl, &end, 10);
	if (*end || end == name + pl || i < O.first || i >= O.first + O.nodes)
		return NULL;
	return &nodes[i - O.first];
}

static void pod_done(struct req *r, int status, const kube_buf_t *body)
{
	uint8_t *v;

	(void)body;
	if (status == 200 || status == 201 || status == 202) {
		if (strcmp(r->method, "DELETE") == 0)
			n_pods_deleted++;
		else
			n_pods_running++;
		return;
	}
	/* let the next event about the pod try again (409: it changed) */
	if (status != 404 && (v = seen_slot(r->pod_uid, false)))
		*v = 0;
}

static void pod_run(struct node *n, const cJSON *pod, const char *uid)
{
	const char *ns = kube_json_get_str(pod, "metadata.namespace");
	const char *name = kube_json_get_str(pod, "metadata.name");
	_cleanup_free_ char *path = kube_asprintf("/api/v1/namespaces/%s/pods/%s/status", ns, name);
	char now[40], hip[32], pip[32];
	cJSON *patch = cJSON_CreateObject(), *st, *conds, *cs, *ips;
	const cJSON *c;
	static const char *const ctypes[] = { "PodReadyToStartContainers", "Initialized", "Ready",
					      "ContainersReady", "PodScheduled" };

	now_rfc3339(now, sizeof(now), false);
	node_ip(n, hip, sizeof(hip));
	snprintf(pip, sizeof(pip), "10.%d.%d.%d", 64 + n->idx / 256, n->idx % 256, n->next_ip);
	n->next_ip = n->next_ip >= 254 ? 2 : n->next_ip + 1;
	st = cJSON_AddObjectToObject(patch, "status");
	cJSON_AddStringToObject(st, "phase", "Running");
	cJSON_AddStringToObject(st, "hostIP", hip);
	ips = cJSON_AddArrayToObject(st, "hostIPs");
	cJSON_AddItemToArray(ips, cJSON_CreateObject());
	cJSON_AddStringToObject(ips->child, "ip", hip);
	cJSON_AddStringToObject(st, "podIP", pip);
	ips = cJSON_AddArrayToObject(st, "podIPs");
	cJSON_AddItemToArray(ips, cJSON_CreateObject());
	cJSON_AddStringToObject(ips->child, "ip", pip);
	cJSON_AddStringToObject(st, "startTime", now);
	conds = cJSON_AddArrayToObject(st, "conditions");
	for (size_t i = 0; i < ARRAY_SIZE(ctypes); i++) {
		cJSON *cj = cJSON_CreateObject();

		cJSON_AddStringToObject(cj, "type", ctypes[i]);
		cJSON_AddStringToObject(cj, "status", "True");
		cJSON_AddNullToObject(cj, "lastProbeTime");
		cJSON_AddStringToObject(cj, "lastTransitionTime", now);
		cJSON_AddItemToArray(conds, cj);
	}
	cs = cJSON_AddArrayToObject(st, "containerStatuses");
	cJSON_ArrayForEach(c, kube_json_get(pod, "spec.containers"))
	{
		cJSON *cj = cJSON_CreateObject();
		const char *cname = kube_json_get_str(c, "name");
		const char *image = kube_json_get_str(c, "image");
		_cleanup_free_ char *cid = kube_asprintf("containerd://hollow-%s-%s", uid,
							 cname ? cname : "");

		cJSON_AddStringToObject(cj, "name", cname ? cname : "");
		cJSON_AddStringToObject(cj, "image", image ? image : "");
		cJSON_AddStringToObject(cj, "imageID", "");
		cJSON_AddStringToObject(cj, "containerID", cid);
		cJSON_AddBoolToObject(cj, "ready", true);
		cJSON_AddBoolToObject(cj, "started", true);
		cJSON_AddNumberToObject(cj, "restartCount", 0);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(cj, "state"),
								"running"),
					"startedAt", now);
		cJSON_AddItemToArray(cs, cj);
	}
	submit_uid("PATCH", path, patch, "application/merge-patch+json", pod_done, n, uid);
}

static void pod_delete(struct node *n, const cJSON *pod, const char *uid)
{
	const char *ns = kube_json_get_str(pod, "metadata.namespace");
	const char *name = kube_json_get_str(pod, "metadata.name");
	_cleanup_free_ char *path = kube_asprintf("/api/v1/namespaces/%s/pods/%s", ns, name);
	cJSON *opts = cJSON_CreateObject();

	cJSON_AddStringToObject(opts, "apiVersion", "v1");
	cJSON_AddStringToObject(opts, "kind", "DeleteOptions");
	cJSON_AddNumberToObject(opts, "gracePeriodSeconds", 0);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(opts, "preconditions"), "uid", uid);
	submit_uid("DELETE", path, opts, "application/json", pod_done, n, uid);
}

static void pod_event(const char *type, const cJSON *pod)
{
	struct node *n = our_node(kube_json_get_str(pod, "spec.nodeName"));
	const char *uid = kube_json_get_str(pod, "metadata.uid");
	const char *phase = kube_json_get_str(pod, "status.phase");
	uint8_t *v;

	if (!n || !uid || strcmp(type, "DELETED") == 0)
		return;
	v = seen_slot(uid, true);
	if (kube_json_get(pod, "metadata.deletionTimestamp")) {
		if (*v < 2) {
			*v = 2;
			pod_delete(n, pod, uid);
		}
		return;
	}
	if (*v == 0 && !(phase && (strcmp(phase, "Running") == 0 || strcmp(phase, "Succeeded") == 0 ||
				   strcmp(phase, "Failed") == 0))) {
		*v = 1;
		pod_run(n, pod, uid);
	}
}

/* ---- the pod watch ---- */

static kube_buf_t watch_line;
static char *watch_rv;
static struct event *rewatch_ev;

static int watch_data(const kube_http_response_t *resp, const void *data, size_t len, void *arg)
{
	const char *p = data;

	(void)arg;
	if (resp->status != 200)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '\n') {
			kube_buf_putc(&watch_line, p[i]);
			continue;
		}
		cJSON *ev = kube_json_parse(watch_line.data ? watch_line.data : "", watch_line.len);
		const char *type = kube_json_get_str(ev, "type");
		const cJSON *obj = kube_json_get(ev, "object");
		const char *rv = kube_json_get_str(obj, "metadata.resourceVersion");

		kube_buf_reset(&watch_line);
		if (!type || !obj) {
			cJSON_Delete(ev);
			continue;
		}
		if (strcmp(type, "ERROR") == 0) {
			/* 410 Gone: start over from the current state */
			kube_free(watch_rv);
			watch_rv = NULL;
		} else {
			if (rv) {
				kube_free(watch_rv);
				watch_rv = kube_strdup(rv);
			}
			if (strcmp(type, "BOOKMARK") != 0)
				pod_event(type, obj);
		}
		cJSON_Delete(ev);
	}
	return 0;
}

static void watch_start(void);

static void watch_done(kube_http_call_t *call, int err, kube_http_response_t *resp, void *arg)
{
	(void)call;
	(void)arg;
	if (err < 0)
		klog_v(1, "pod watch ended: %s", strerror(-err));
	else if (resp->status != 200) {
		klog_v(1, "pod watch: status %d", resp->status);
		kube_free(watch_rv);
		watch_rv = NULL;
	}
	kube_buf_reset(&watch_line);
	arm(rewatch_ev, NS_S / 5);
}

static void rewatch_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	watch_start();
}

static void watch_start(void)
{
	_cleanup_free_ char *url = kube_asprintf(
		"%s/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=%d%s%s", O.master,
		300 + rand() % 300, watch_rv ? "&resourceVersion=" : "", watch_rv ? watch_rv : "");
	kube_http_request_t hr = { .url = url, .on_data = watch_data };
	int err;

	if (!kube_http_client_start(http, &hr, watch_done, NULL, &err)) {
		klog_error("pod watch: %s", strerror(-err));
		arm(rewatch_ev, NS_S);
	}
}

/* ---- figures ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_figures(void)
{
	struct rusage ru;
	int64_t p50 = 0, p99 = 0;

	if (nlat) {
		qsort(lat_us, nlat, sizeof(*lat_us), cmp_i64);
		p50 = lat_us[nlat / 2];
		p99 = lat_us[nlat * 99 / 100];
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("hollow_nodes: nodes %d ready %d | requests %" PRIu64 " errors %" PRIu64
	       " | latency p50 %.2f ms p99 %.2f ms | pods running %" PRIu64 " deleted %" PRIu64
	       " | status posts %" PRIu64 " lease writes %" PRIu64 " | peak RSS %ld MB\n",
	       O.nodes, nready, n_requests, n_errors, p50 / 1000.0, p99 / 1000.0, n_pods_running,
	       n_pods_deleted, n_status, n_leases, ru.ru_maxrss / 1024);
	fflush(stdout);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

int main(int argc, char **argv)
{
	kube_flagset_t *fs = kube_flagset_new(
		"hollow_nodes", "Simulate N kubelets (nodes, leases, pod status) against an API server.");
	kube_log_config_t logc = { 0 };
	struct event *sig_int, *sig_term, *stop_ev = NULL;

	O.master = kube_strdup("http://127.0.0.1:8080");
	O.prefix = kube_strdup(O.prefix);
	O.cpu = kube_strdup(O.cpu);
	O.memory = kube_strdup(O.memory);
	O.ephemeral = kube_strdup(O.ephemeral);
	O.pods_cap = kube_strdup(O.pods_cap);
	kube_flag_string(fs, "master", 0, &O.master, "The API server's URL (plain HTTP).");
	kube_flag_int(fs, "nodes", 0, &O.nodes, "How many nodes to simulate.");
	kube_flag_int(fs, "first", 0, &O.first, "The index of the first node (its name's suffix).");
	kube_flag_string(fs, "name-prefix", 0, &O.prefix, "Node names are this prefix and an index.");
	kube_flag_string(fs, "cpu", 0, &O.cpu, "Each node's cpu capacity.");
	kube_flag_string(fs, "memory", 0, &O.memory, "Each node's memory capacity.");
	kube_flag_string(fs, "ephemeral-storage", 0, &O.ephemeral, "Each node's ephemeral-storage capacity.");
	kube_flag_string(fs, "max-pods", 0, &O.pods_cap, "Each node's pod capacity.");
	kube_flag_list(fs, "node-labels", &O.labels, "Extra labels (k=v,...) on every node.");
	kube_flag_list(fs, "register-with-taints", &O.taints, "Taints (key=value:Effect,...) on every node.");
	kube_flag_duration(fs, "node-lease-renew-interval", &O.lease_renew_ns, "How often each node renews its Lease.");
	kube_flag_int(fs, "node-lease-duration-seconds", 0, &O.lease_duration_s, "The Lease's duration.");
	kube_flag_duration(fs, "node-status-report-frequency", &O.status_report_ns,
			   "How often each node posts its (unchanged) status.");
	kube_flag_duration(fs, "run-for", &O.run_for_ns, "Stop after this long (0: until SIGINT/SIGTERM).");
	kube_flag_int(fs, "max-inflight", 0, &O.max_inflight, "Requests in flight at most.");
	kube_flag_bool(fs, "h2c", 0, &O.h2c, "Speak HTTP/2 with prior knowledge (one connection).");
	kube_flagset_add_log_flags(fs, &logc);
	kube_flagset_parse_noargs_or_exit(fs, argc, argv);
	kube_log_configure(&logc);
	if (O.nodes < 0 || O.max_inflight < 1) {
		fprintf(stderr, "hollow_nodes: --nodes must be >= 0 and --max-inflight >= 1\n");
		return 2;
	}

	kube_loop_init();
	kube_json_init();
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)getpid());
	base = event_base_new();
	kube_http_client_config_t hc = { .http2_prior_knowledge = O.h2c, .max_idle_per_host = 64 };
	http = kube_http_client_new(base, &hc);
	nodes = kube_calloc(O.nodes ? (size_t)O.nodes : 1, sizeof(*nodes));
	start_ns = now_ns();
	for (int i = 0; i < O.nodes; i++) {
		struct node *n = &nodes[i];

		n->idx = O.first + i;
		n->name = kube_asprintf("%s%d", O.prefix, n->idx);
		n->next_ip = 2;
		n->lease_ev = evtimer_new(base, lease_tick, n);
		n->status_ev = evtimer_new(base, status_tick, n);
		submit("POST", "/api/v1/nodes", node_object(n), "application/json", register_done, n);
	}
	if (O.nodes == 0) {
		printf("hollow_nodes: 0 nodes ready in 0 ms\n");
		fflush(stdout);
	}
	rewatch_ev = evtimer_new(base, rewatch_cb, NULL);
	watch_start();
	sig_int = evsignal_new(base, SIGINT, stop_cb, NULL);
	sig_term = evsignal_new(base, SIGTERM, stop_cb, NULL);
	evsignal_add(sig_int, NULL);
	evsignal_add(sig_term, NULL);
	if (O.run_for_ns > 0) {
		stop_ev = evtimer_new(base, stop_cb, NULL);
		arm(stop_ev, O.run_for_ns);
	}
	event_base_dispatch(base);
	print_figures();

	kube_http_client_free(http);
	while (queue_head) {
		struct req *r = queue_head;
		queue_head = r->next;
		req_free(r);
	}
	for (int i = 0; i < O.nodes; i++) {
		event_free(nodes[i].lease_ev);
		event_free(nodes[i].status_ev);
		kube_free(nodes[i].name);
	}
	kube_free(nodes);
	for (size_t i = 0; i < seen.cap; i++)
		kube_free(seen.keys[i]);
	kube_free(seen.keys);
	kube_free(seen.vals);
	kube_free(lat_us);
	kube_free(watch_rv);
	kube_buf_clear(&watch_line);
	event_free(rewatch_ev);
	event_free(sig_int);
	event_free(sig_term);
	if (stop_ev)
		event_free(stop_ev);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_free(base);
	kube_flagset_free(fs);
	kube_free(O.master);
	kube_free(O.prefix);
	kube_free(O.cpu);
	kube_free(O.memory);
	kube_free(O.ephemeral);
	kube_free(O.pods_cap);
	kube_strv_free(O.labels);
	kube_strv_free(O.taints);
	return 0;
}
