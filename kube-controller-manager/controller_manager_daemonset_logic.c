/* controller_manager_daemonset_logic: DaemonSet decisions, see the header. */
#include "controller_manager_daemonset_logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"

/* ---- node selection ---- */

static bool in_values(const cJSON *values, const char *v)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, values)
	{
		if (v && kube_streq(cJSON_GetStringValue(x), v))
			return true;
	}
	return false;
}

static bool expr_matches(const cJSON *e, const char *value, bool present)
{
	const char *op = kube_json_get_str(e, "operator");
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(e, "values");
	if (kube_streq(op, "In"))
		return present && in_values(values, value);
	if (kube_streq(op, "NotIn"))
		return !present || !in_values(values, value);
	if (kube_streq(op, "Exists"))
		return present;
	if (kube_streq(op, "DoesNotExist"))
		return !present;
	if (kube_streq(op, "Gt") || kube_streq(op, "Lt")) {
		if (!present || cJSON_GetArraySize(values) != 1)
			return false;
		char *end;
		long long a = strtoll(value, &end, 10);
		if (*end || !*value)
			return false;
		const char *bs = cJSON_GetStringValue(cJSON_GetArrayItem(values, 0));
		if (!bs)
			return false;
		long long b = strtoll(bs, &end, 10);
		if (*end || !*bs)
			return false;
		return kube_streq(op, "Gt") ? a > b : a < b;
	}
	return false;
}

bool controller_manager_daemonset_node_selector_matches(const cJSON *ns, const cJSON *node)
{
	const cJSON *labels = kube_json_get(node, "metadata.labels");
	const char *name = kube_json_get_str(node, "metadata.name");
	const cJSON *term;
	cJSON_ArrayForEach(term, cJSON_GetObjectItemCaseSensitive(ns, "nodeSelectorTerms"))
	{
		const cJSON *exprs = cJSON_GetObjectItemCaseSensitive(term, "matchExpressions");
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(term, "matchFields");
		if (!cJSON_GetArraySize(exprs) && !cJSON_GetArraySize(fields))
			continue;
		bool ok = true;
		const cJSON *e;
		cJSON_ArrayForEach(e, exprs)
		{
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, kube_json_get_str(e, "key"));
			ok = ok && expr_matches(e, cJSON_GetStringValue(v), cJSON_IsString(v));
		}
		cJSON_ArrayForEach(e, fields)
		{
			bool known = kube_streq(kube_json_get_str(e, "key"), "metadata.name");
			ok = ok && known && expr_matches(e, name, name != NULL);
		}
		if (ok)
			return true;
	}
	return false;
}

static cJSON *default_tolerations(const cJSON *spec)
{
	static const struct {
		const char *key, *effect;
	} defs[] = {
		{ "node.kubernetes.io/not-ready", "NoExecute" },
		{ "node.kubernetes.io/unreachable", "NoExecute" },
		{ "node.kubernetes.io/disk-pressure", "NoSchedule" },
		{ "node.kubernetes.io/memory-pressure", "NoSchedule" },
		{ "node.kubernetes.io/pid-pressure", "NoSchedule" },
		{ "node.kubernetes.io/unschedulable", "NoSchedule" },
		{ "node.kubernetes.io/network-unavailable", "NoSchedule" },
	};
	const cJSON *have = cJSON_GetObjectItemCaseSensitive(spec, "tolerations");
	cJSON *tols = cJSON_IsArray(have) ? kube_json_dup(have) : cJSON_CreateArray();
	bool host_net = kube_json_get_bool(spec, "hostNetwork", false);
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
		if (i == ARRAY_SIZE(defs) - 1 && !host_net)
			break;
		bool dup = false;
		const cJSON *t;
		cJSON_ArrayForEach(t, tols)
		{
			dup |= kube_streq(kube_json_get_str(t, "key"), defs[i].key) &&
			       kube_streq(kube_json_get_str(t, "effect"), defs[i].effect) &&
			       kube_streq(kube_json_get_str(t, "operator"), "Exists");
		}
		if (dup)
			continue;
		cJSON *t2 = cJSON_CreateObject();
		cJSON_AddStringToObject(t2, "key", defs[i].key);
		cJSON_AddStringToObject(t2, "operator", "Exists");
		cJSON_AddStringToObject(t2, "effect", defs[i].effect);
		cJSON_AddItemToArray(tols, t2);
	}
	return tols;
}

bool controller_manager_daemonset_should_run(const cJSON *ds, const cJSON *node, bool *ret_continue)
{
	const cJSON *spec = kube_json_get(ds, "spec.template.spec");
	const char *name = kube_json_get_str(node, "metadata.name");
	bool fits = true;
	const char *want = kube_json_get_str(spec, "nodeName");
	if (want && *want && !kube_streq(want, name))
		fits = false;
	const cJSON *kv, *labels = kube_json_get(node, "metadata.labels");
	cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(spec, "nodeSelector"))
	{
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, kv->string);
		if (!cJSON_IsString(v) || !kube_streq(v->valuestring, cJSON_GetStringValue(kv)))
			fits = false;
	}
	const cJSON *req = kube_json_get(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
	if (req && !controller_manager_daemonset_node_selector_matches(req, node))
		fits = false;
	bool run = fits, cont = fits;
	cJSON *tols = default_tolerations(spec);
	const cJSON *t;
	cJSON_ArrayForEach(t, kube_json_get(node, "spec.taints"))
	{
		const char *effect = kube_json_get_str(t, "effect");
		bool ns = kube_streq(effect, "NoSchedule"), ne = kube_streq(effect, "NoExecute");
		if ((!ns && !ne) || controller_manager_podutil_tolerated(tols, t, NULL))
			continue;
		run = false;
		if (ne)
			cont = false;
	}
	cJSON_Delete(tols);
	if (ret_continue)
		*ret_continue = cont;
	return run;
}

char *controller_manager_daemonset_hash(const cJSON *template_, int64_t collision_count)
{
	char *s = kube_json_canonical(template_);
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 16777619u;
	kube_free(s);
	if (collision_count > 0) {
		for (int i = 0; i < 8; i++)
			h = (h ^ (uint32_t)((uint64_t)collision_count >> (i * 8) & 0xff)) * 16777619u;
	}
	char dec[16];
	snprintf(dec, sizeof(dec), "%u", h);
	static const char alnum[] = "bcdfghjklmnpqrstvwxz2456789";
	for (char *p = dec; *p; p++)
		*p = alnum[(unsigned char)*p % (sizeof(alnum) - 1)];
	return kube_strdup(dec);
}

cJSON *controller_manager_daemonset_pod(const cJSON *ds, const char *node, const char *hash)
{
	const char *name = kube_json_get_str(ds, "metadata.name");
	const char *ns = kube_json_get_str(ds, "metadata.namespace");
	const cJSON *tmpl = kube_json_get(ds, "spec.template");
	cJSON *pod = cJSON_CreateObject();
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON *meta = kube_json_dup(kube_json_get(tmpl, "metadata"));
	if (!cJSON_IsObject(meta)) {
		cJSON_Delete(meta);
		meta = cJSON_CreateObject();
	}
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "name");
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "generateName");
	_cleanup_free_ char *gen = kube_asprintf("%s-", name ? name : "ds");
	cJSON_AddStringToObject(meta, "generateName", gen);
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	char gbuf[32];
	snprintf(gbuf, sizeof(gbuf), "%lld", (long long)kube_json_get_int64(ds, "metadata.generation", 1));
	kube_json_set(meta, "labels['controller-revision-hash']", cJSON_CreateString(hash));
	kube_json_set(meta, "labels['pod-template-generation']", cJSON_CreateString(gbuf));
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(ds, "apps/v1", "DaemonSet"));
	cJSON_AddItemToObject(pod, "metadata", meta);
	cJSON *spec = kube_json_dup(kube_json_get(tmpl, "spec"));
	if (!cJSON_IsObject(spec)) {
		cJSON_Delete(spec);
		spec = cJSON_CreateObject();
	}
	cJSON *tols = default_tolerations(spec);
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "tolerations");
	cJSON_AddItemToObject(spec, "tolerations", tols);
	/* pin to the node through required node affinity (matchFields), replacing
	 * any metadata.name field terms, as upstream's ReplaceDaemonSetPodNodeNameNodeAffinity */
	cJSON *terms = cJSON_CreateArray();
	cJSON *term = cJSON_CreateObject();
	cJSON *fields = cJSON_AddArrayToObject(term, "matchFields");
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "key", "metadata.name");
	cJSON_AddStringToObject(f, "operator", "In");
	cJSON *vals = cJSON_AddArrayToObject(f, "values");
	cJSON_AddItemToArray(vals, cJSON_CreateString(node));
	cJSON_AddItemToArray(fields, f);
	cJSON_AddItemToArray(terms, term);
	kube_json_delete(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
	kube_json_set(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", terms);
	cJSON_AddItemToObject(pod, "spec", spec);
	return pod;
}

/* ---- the plan ---- */

int64_t controller_manager_daemonset_scaled(const cJSON *v, int64_t total, bool round_up, int64_t def)
{
	if (cJSON_IsNumber(v))
		return (int64_t)v->valuedouble;
	if (!cJSON_IsString(v))
		return def;
	char *end;
	long long pct = strtoll(v->valuestring, &end, 10);
	if (end == v->valuestring || strcmp(end, "%") != 0)
		return def;
	int64_t num = pct * total;
	return round_up ? (num + 99) / 100 : num / 100;
}

static const char *pod_node(const cJSON *pod)
{
	const char *n = kube_json_get_str(pod, "spec.nodeName");
	if (n && *n)
		return n;
	const cJSON *term;
	cJSON_ArrayForEach(term, kube_json_get(pod, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"))
	{
		const cJSON *f;
		cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(term, "matchFields"))
		{
			if (kube_streq(kube_json_get_str(f, "key"), "metadata.name") &&
			    kube_streq(kube_json_get_str(f, "operator"), "In") &&
			    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "values")) == 1)
				return cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f, "values"), 0));
		}
	}
	return NULL;
}

static void push(char ***arr, size_t *n, const char *s)
{
	if (!s)
		return;
	*arr = kube_realloc(*arr, (*n + 1) * sizeof(char *));
	(*arr)[(*n)++] = kube_strdup(s);
}

void controller_manager_daemonset_plan_clear(controller_manager_daemonset_plan_t *p)
{
	for (size_t i = 0; i < p->n_create; i++)
		kube_free(p->create_on[i]);
	for (size_t i = 0; i < p->n_deletes; i++)
		kube_free(p->deletes[i]);
	kube_free(p->create_on);
	kube_free(p->deletes);
	cJSON_Delete(p->status);
	memset(p, 0, sizeof(*p));
}

static bool available(const cJSON *pod, int64_t min_ready, int64_t now)
{
	if (!controller_manager_podutil_ready(pod))
		return false;
	if (min_ready <= 0)
		return true;
	int64_t since = controller_manager_podutil_time(controller_manager_podutil_condition(pod, "Ready"),
							"lastTransitionTime", now);
	return since + min_ready <= now;
}

static bool has_hash(const cJSON *pod, const char *hash)
{
	return kube_streq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kube_json_get(pod, "metadata.labels"),
										 "controller-revision-hash")),
			  hash);
}

void controller_manager_daemonset_plan(const cJSON *ds, const cJSON *const *nodes, size_t n_nodes,
				       const cJSON *const *pods, size_t n_pods, const char *hash,
				       int64_t now, controller_manager_daemonset_plan_t *p)
{
	memset(p, 0, sizeof(*p));
	int64_t min_ready = kube_json_get_int64(ds, "spec.minReadySeconds", 0);
	bool rolling = !kube_streq(kube_json_get_str(ds, "spec.updateStrategy.type"), "OnDelete");
	bool *claimed = kube_calloc(n_pods + 1, sizeof(bool));
	int64_t desired = 0, current = 0, mis = 0, ready = 0, avail = 0, updated = 0;
	/* per node: the pod kept there, if any (index into pods); with a surge
	 * a node may hold an old pod next to the new one (kept_old) */
	long *kept = kube_calloc(n_nodes + 1, sizeof(long));
	long *kept_old = kube_calloc(n_nodes + 1, sizeof(long));
	bool *runs = kube_calloc(n_nodes + 1, sizeof(bool));
	int64_t max_surge = 0;
	if (rolling && kube_streq(kube_json_get_str(ds, "spec.updateStrategy.type"), "RollingUpdate"))
		max_surge = 1; /* resolved below once desired is known */

	for (size_t i = 0; i < n_nodes; i++) {
		const char *name = kube_json_get_str(nodes[i], "metadata.name");
		bool cont;
		bool run = controller_manager_daemonset_should_run(ds, nodes[i], &cont);
		runs[i] = run;
		long best_new = -1, best_old = -1;
		for (size_t k = 0; k < n_pods; k++) {
			if (claimed[k] || !kube_streq(pod_node(pods[k]), name))
				continue;
			claimed[k] = true;
			if (controller_manager_podutil_deleting(pods[k]))
				continue;
			if (kube_streq(kube_json_get_str(pods[k], "status.phase"), "Failed") || !cont) {
				push(&p->deletes, &p->n_deletes, kube_json_get_str(pods[k], "metadata.name"));
				continue;
			}
			/* several of a kind: keep the oldest */
			long *best = has_hash(pods[k], hash) ? &best_new : &best_old;
			if (*best < 0) {
				*best = (long)k;
				continue;
			}
			int64_t a = controller_manager_podutil_time(pods[*best], "metadata.creationTimestamp", 0);
			int64_t b = controller_manager_podutil_time(pods[k], "metadata.creationTimestamp", 0);
			size_t drop = b < a ? (size_t)*best : k;
			if (b < a)
				*best = (long)k;
			push(&p->deletes, &p->n_deletes, kube_json_get_str(pods[drop], "metadata.name"));
		}
		kept[i] = best_new >= 0 ? best_new : best_old;
		kept_old[i] = best_new >= 0 ? best_old : -1;
		if (run) {
			desired++;
			if (kept[i] < 0) {
				push(&p->create_on, &p->n_create, name);
			} else {
				current++;
				const cJSON *pod = pods[kept[i]];
				bool ok = available(pod, min_ready, now);
				/* while the new pod is not available the old one serves */
				if (!ok && kept_old[i] >= 0)
					pod = pods[kept_old[i]];
				ready += controller_manager_podutil_ready(pod);
				avail += available(pod, min_ready, now);
				updated += has_hash(pods[kept[i]], hash);
			}
		} else if (kept[i] >= 0) {
			mis++;
		}
	}
	/* pods on nodes that are gone */
	for (size_t k = 0; k < n_pods; k++)
		if (!claimed[k] && !controller_manager_podutil_deleting(pods[k]) && pod_node(pods[k]))
			push(&p->deletes, &p->n_deletes, kube_json_get_str(pods[k], "metadata.name"));

	if (max_surge)
		max_surge = controller_manager_daemonset_scaled(
			kube_json_get(ds, "spec.updateStrategy.rollingUpdate.maxSurge"), desired, true, 0);
	if (rolling && max_surge > 0) {
		/* surge: start the new pod next to the old one, remove the old one
		 * once the new one is available */
		int64_t surging = 0;
		for (size_t i = 0; i < n_nodes; i++)
			if (runs[i] && kept_old[i] >= 0 && !available(pods[kept[i]], min_ready, now))
				surging++;
		for (size_t i = 0; i < n_nodes; i++) {
			if (!runs[i] || kept[i] < 0)
				continue;
			if (kept_old[i] >= 0) {
				if (available(pods[kept[i]], min_ready, now))
					push(&p->deletes, &p->n_deletes, kube_json_get_str(pods[kept_old[i]], "metadata.name"));
				continue;
			}
			const cJSON *pod = pods[kept[i]];
			if (has_hash(pod, hash))
				continue;
			if (!available(pod, min_ready, now)) {
				push(&p->deletes, &p->n_deletes, kube_json_get_str(pod, "metadata.name"));
			} else if (surging < max_surge) {
				push(&p->create_on, &p->n_create, kube_json_get_str(nodes[i], "metadata.name"));
				surging++;
			}
		}
	} else if (rolling) {
		int64_t max_unavail = controller_manager_daemonset_scaled(
			kube_json_get(ds, "spec.updateStrategy.rollingUpdate.maxUnavailable"), desired, true, 1);
		if (max_unavail < 1)
			max_unavail = 1;
		int64_t unavailable = 0;
		for (size_t i = 0; i < n_nodes; i++)
			if (runs[i] && (kept[i] < 0 || !available(pods[kept[i]], min_ready, now)))
				unavailable++;
		for (size_t i = 0; i < n_nodes; i++) {
			if (!runs[i])
				continue;
			/* an old pod left next to a new one (a surge turned off) goes */
			if (kept_old[i] >= 0)
				push(&p->deletes, &p->n_deletes, kube_json_get_str(pods[kept_old[i]], "metadata.name"));
			if (kept[i] < 0 || has_hash(pods[kept[i]], hash))
				continue;
			const cJSON *pod = pods[kept[i]];
			if (!available(pod, min_ready, now)) {
				push(&p->deletes, &p->n_deletes, kube_json_get_str(pod, "metadata.name"));
			} else if (unavailable < max_unavail) {
				push(&p->deletes, &p->n_deletes, kube_json_get_str(pod, "metadata.name"));
				unavailable++;
			}
		}
	} else {
		for (size_t i = 0; i < n_nodes; i++)
			if (kept_old[i] >= 0)
				push(&p->deletes, &p->n_deletes, kube_json_get_str(pods[kept_old[i]], "metadata.name"));
	}

	const cJSON *old = kube_json_get(ds, "status");
	cJSON *st = cJSON_IsObject(old) ? kube_json_dup(old) : cJSON_CreateObject();
	const struct {
		const char *key;
		int64_t v;
	} counts[] = {
		{ "currentNumberScheduled", current }, { "numberMisscheduled", mis },
		{ "desiredNumberScheduled", desired }, { "numberReady", ready },
		{ "observedGeneration", kube_json_get_int64(ds, "metadata.generation", 0) },
		{ "updatedNumberScheduled", updated }, { "numberAvailable", avail },
		{ "numberUnavailable", desired - avail },
	};
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(st, counts[i].key);
		bool omit = counts[i].v == 0 && (strcmp(counts[i].key, "updatedNumberScheduled") == 0 ||
						 strcmp(counts[i].key, "numberAvailable") == 0 ||
						 strcmp(counts[i].key, "numberUnavailable") == 0 ||
						 strcmp(counts[i].key, "observedGeneration") == 0);
		if (!omit)
			cJSON_AddNumberToObject(st, counts[i].key, (double)counts[i].v);
	}
	if (cJSON_IsObject(old) && kube_json_equal(old, st))
		cJSON_Delete(st);
	else
		p->status = st;
	kube_free(kept);
	kube_free(kept_old);
	kube_free(runs);
	kube_free(claimed);
}
