/* controller_manager_gc_logic: podgc and resource quota usage, see the header. */
#include "controller_manager_gc_logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_quantity.h"
#include "controller_manager_podutil.h"

/* ---- podgc ---- */

typedef struct aged {
	size_t idx;
	int64_t created;
	const char *name;
} aged_t;

static int aged_cmp(const void *a, const void *b)
{
	const aged_t *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

size_t controller_manager_podgc_plan(const cJSON *const *pods, size_t n, int threshold,
				     controller_manager_podgc_node_fn node_exists, void *arg, size_t **ret)
{
	size_t *out = kube_calloc(n + 1, sizeof(size_t));
	bool *taken = kube_calloc(n + 1, sizeof(bool));
	size_t k = 0;
	aged_t *term = kube_calloc(n + 1, sizeof(aged_t));
	size_t n_term = 0;
	for (size_t i = 0; i < n; i++)
		if (controller_manager_podutil_terminal(pods[i]) && !controller_manager_podutil_deleting(pods[i]))
			term[n_term++] = (aged_t){ i, controller_manager_podutil_time(pods[i], "metadata.creationTimestamp", 0),
						   kube_json_get_str(pods[i], "metadata.name") };
	if (threshold > 0 && n_term > (size_t)threshold) {
		qsort(term, n_term, sizeof(*term), aged_cmp);
		for (size_t i = 0; i < n_term - (size_t)threshold; i++) {
			out[k++] = term[i].idx;
			taken[term[i].idx] = true;
		}
	}
	kube_free(term);
	for (size_t i = 0; i < n; i++) {
		if (taken[i])
			continue;
		const char *node = kube_json_get_str(pods[i], "spec.nodeName");
		bool orphan = node && *node && node_exists && !node_exists(node, arg);
		bool unscheduled_terminating = (!node || !*node) && controller_manager_podutil_deleting(pods[i]);
		if (orphan || unscheduled_terminating)
			out[k++] = i;
	}
	kube_free(taken);
	*ret = out;
	return k;
}

/* ---- resource quota ---- */

static bool best_effort(const cJSON *pod)
{
	const char *lists[] = { "spec.containers", "spec.initContainers" };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, kube_json_get(pod, lists[l]))
		{
			const cJSON *req = kube_json_get(c, "resources.requests");
			const cJSON *lim = kube_json_get(c, "resources.limits");
			if ((cJSON_IsObject(req) && req->child) || (cJSON_IsObject(lim) && lim->child))
				return false;
		}
	}
	return true;
}

static bool in_scope(const cJSON *quota, const cJSON *pod)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, kube_json_get(quota, "spec.scopes"))
	{
		const char *v = cJSON_GetStringValue(s);
		bool term = kube_json_get(pod, "spec.activeDeadlineSeconds") != NULL;
		if ((kube_streq(v, "Terminating") && !term) || (kube_streq(v, "NotTerminating") && term) ||
		    (kube_streq(v, "BestEffort") && !best_effort(pod)) ||
		    (kube_streq(v, "NotBestEffort") && best_effort(pod)))
			return false;
	}
	return true;
}

/* The pod's effective request/limit for resource (which: "requests"/"limits"). */
static bool pod_amount(const cJSON *pod, const char *which, const char *resource, kube_quantity_t *ret)
{
	kube_quantity_t sum = { 0 }, init_max = { 0 };
	bool any = false;
	char path[128];
	snprintf(path, sizeof(path), "resources.%s", which);
	const cJSON *c;
	cJSON_ArrayForEach(c, kube_json_get(pod, "spec.containers"))
	{
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kube_json_get(c, path), resource));
		kube_quantity_t q;
		if (v && kube_quantity_parse(v, &q) == 0) {
			if (!any)
				sum.format = q.format;
			kube_quantity_add(&sum, &q);
			any = true;
		}
	}
	cJSON_ArrayForEach(c, kube_json_get(pod, "spec.initContainers"))
	{
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kube_json_get(c, path), resource));
		kube_quantity_t q;
		if (v && kube_quantity_parse(v, &q) == 0) {
			if (kube_quantity_cmp(&q, &init_max) > 0)
				init_max = q;
			any = true;
		}
	}
	if (kube_quantity_cmp(&init_max, &sum) > 0)
		sum = init_max;
	const char *ov = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kube_json_get(pod, "spec.overhead"), resource));
	kube_quantity_t q;
	if (ov && kube_quantity_parse(ov, &q) == 0) {
		kube_quantity_add(&sum, &q);
		any = true;
	}
	*ret = sum;
	return any;
}

static const char *const counted[] = {
	"services", "configmaps", "secrets", "persistentvolumeclaims", "replicationcontrollers",
	"resourcequotas", "services.loadbalancers", "services.nodeports",
};

cJSON *controller_manager_resourcequota_status(const cJSON *quota, const cJSON *const *pods, size_t n,
					       controller_manager_quota_count_fn count, void *arg)
{
	cJSON *st = cJSON_CreateObject();
	const cJSON *hard = kube_json_get(quota, "spec.hard");
	cJSON_AddItemToObject(st, "hard", cJSON_IsObject(hard) ? kube_json_dup(hard) : cJSON_CreateObject());
	cJSON *used = cJSON_AddObjectToObject(st, "used");
	const cJSON *h;
	cJSON_ArrayForEach(h, hard)
	{
		const char *key = h->string;
		char buf[64];
		if (kube_streq(key, "pods") || kube_streq(key, "count/pods")) {
			int64_t c = 0;
			for (size_t i = 0; i < n; i++)
				c += !controller_manager_podutil_terminal(pods[i]) && in_scope(quota, pods[i]);
			snprintf(buf, sizeof(buf), "%lld", (long long)c);
			cJSON_AddStringToObject(used, key, buf);
			continue;
		}
		const char *which = NULL, *res = NULL;
		if (kube_startswith(key, "requests."))
			which = "requests", res = key + 9;
		else if (kube_startswith(key, "limits."))
			which = "limits", res = key + 7;
		else if (kube_streq(key, "cpu") || kube_streq(key, "memory") || kube_streq(key, "ephemeral-storage"))
			which = "requests", res = key;
		if (which && (kube_streq(res, "cpu") || kube_streq(res, "memory") || kube_streq(res, "ephemeral-storage"))) {
			kube_quantity_t total = { 0 };
			bool first = true;
			for (size_t i = 0; i < n; i++) {
				kube_quantity_t q;
				if (controller_manager_podutil_terminal(pods[i]) || !in_scope(quota, pods[i]) ||
				    !pod_amount(pods[i], which, res, &q))
					continue;
				if (first)
					total.format = q.format;
				first = false;
				kube_quantity_add(&total, &q);
			}
			kube_quantity_format(&total, buf, sizeof(buf));
			cJSON_AddStringToObject(used, key, buf);
			continue;
		}
		const char *obj = NULL;
		if (kube_startswith(key, "count/"))
			obj = key + 6;
		for (size_t i = 0; !obj && i < ARRAY_SIZE(counted); i++)
			if (kube_streq(key, counted[i]))
				obj = key;
		if (!obj || !count)
			continue;
		int64_t c = count(obj, arg);
		if (c < 0)
			continue;
		snprintf(buf, sizeof(buf), "%lld", (long long)c);
		cJSON_AddStringToObject(used, key, buf);
	}
	return st;
}
