/* controller_manager_statefulset_logic: StatefulSet decisions, see the header. */
#include "controller_manager_statefulset_logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"

#define REV_LABEL "controller-revision-hash"

int64_t controller_manager_statefulset_ordinal(const char *set, const char *pod_name)
{
	size_t n = set ? strlen(set) : 0;
	if (!pod_name || !set || strncmp(pod_name, set, n) != 0 || pod_name[n] != '-')
		return -1;
	const char *s = pod_name + n + 1;
	if (!*s || strlen(s) > 9 || (s[0] == '0' && s[1]))
		return -1;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return atoll(s);
}

cJSON *controller_manager_statefulset_pod(const cJSON *sts, int64_t ordinal, const char *rev)
{
	const char *set = kube_json_get_str(sts, "metadata.name");
	const char *ns = kube_json_get_str(sts, "metadata.namespace");
	const cJSON *tmpl = kube_json_get(sts, "spec.template");
	char name[300], idx[24];
	snprintf(name, sizeof(name), "%s-%lld", set ? set : "", (long long)ordinal);
	snprintf(idx, sizeof(idx), "%lld", (long long)ordinal);
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
	cJSON_AddStringToObject(meta, "name", name);
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	kube_json_set(meta, "labels['" REV_LABEL "']", cJSON_CreateString(rev));
	kube_json_set(meta, "labels['statefulset.kubernetes.io/pod-name']", cJSON_CreateString(name));
	kube_json_set(meta, "labels['apps.kubernetes.io/pod-index']", cJSON_CreateString(idx));
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(sts, "apps/v1", "StatefulSet"));
	cJSON_AddItemToObject(pod, "metadata", meta);
	cJSON *spec = kube_json_dup(kube_json_get(tmpl, "spec"));
	if (!cJSON_IsObject(spec)) {
		cJSON_Delete(spec);
		spec = cJSON_CreateObject();
	}
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "hostname");
	cJSON_AddStringToObject(spec, "hostname", name);
	const char *svc = kube_json_get_str(sts, "spec.serviceName");
	if (svc && *svc) {
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "subdomain");
		cJSON_AddStringToObject(spec, "subdomain", svc);
	}
	/* volumes for the claim templates replace same-named template volumes */
	const cJSON *ct;
	cJSON_ArrayForEach(ct, kube_json_get(sts, "spec.volumeClaimTemplates"))
	{
		const char *claim = kube_json_get_str(ct, "metadata.name");
		if (!claim)
			continue;
		cJSON *vols = cJSON_GetObjectItemCaseSensitive(spec, "volumes");
		if (!cJSON_IsArray(vols)) {
			cJSON_DeleteItemFromObjectCaseSensitive(spec, "volumes");
			vols = cJSON_AddArrayToObject(spec, "volumes");
		}
		for (int i = cJSON_GetArraySize(vols) - 1; i >= 0; i--)
			if (kube_streq(kube_json_get_str(cJSON_GetArrayItem(vols, i), "name"), claim))
				cJSON_DeleteItemFromArray(vols, i);
		cJSON *v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "name", claim);
		char cname[600];
		snprintf(cname, sizeof(cname), "%s-%s", claim, name);
		kube_json_set_str(v, "persistentVolumeClaim.claimName", cname);
		cJSON_AddItemToArray(vols, v);
	}
	cJSON_AddItemToObject(pod, "spec", spec);
	return pod;
}

cJSON *controller_manager_statefulset_claims(const cJSON *sts, int64_t ordinal)
{
	const char *set = kube_json_get_str(sts, "metadata.name");
	const char *ns = kube_json_get_str(sts, "metadata.namespace");
	cJSON *out = cJSON_CreateArray();
	const cJSON *ct;
	cJSON_ArrayForEach(ct, kube_json_get(sts, "spec.volumeClaimTemplates"))
	{
		const char *claim = kube_json_get_str(ct, "metadata.name");
		if (!claim)
			continue;
		cJSON *pvc = cJSON_CreateObject();
		cJSON_AddStringToObject(pvc, "apiVersion", "v1");
		cJSON_AddStringToObject(pvc, "kind", "PersistentVolumeClaim");
		cJSON *meta = kube_json_dup(kube_json_get(ct, "metadata"));
		if (!cJSON_IsObject(meta)) {
			cJSON_Delete(meta);
			meta = cJSON_CreateObject();
		}
		char cname[600];
		snprintf(cname, sizeof(cname), "%s-%s-%lld", claim, set ? set : "", (long long)ordinal);
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "name");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
		cJSON_AddStringToObject(meta, "name", cname);
		if (ns)
			cJSON_AddStringToObject(meta, "namespace", ns);
		const cJSON *kv;
		cJSON_ArrayForEach(kv, kube_json_get(sts, "spec.selector.matchLabels"))
		{
			cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
			if (!cJSON_IsObject(labels)) {
				cJSON_DeleteItemFromObjectCaseSensitive(meta, "labels");
				labels = cJSON_AddObjectToObject(meta, "labels");
			}
			cJSON_DeleteItemFromObjectCaseSensitive(labels, kv->string);
			cJSON_AddItemToObject(labels, kv->string, kube_json_dup(kv));
		}
		cJSON_AddItemToObject(pvc, "metadata", meta);
		const cJSON *spec = kube_json_get(ct, "spec");
		cJSON_AddItemToObject(pvc, "spec", cJSON_IsObject(spec) ? kube_json_dup(spec) : cJSON_CreateObject());
		cJSON_AddItemToArray(out, pvc);
	}
	return out;
}

void controller_manager_statefulset_plan_clear(controller_manager_statefulset_plan_t *p)
{
	kube_free(p->create);
	for (size_t i = 0; i < p->n_deletes; i++)
		kube_free(p->deletes[i]);
	kube_free(p->deletes);
	cJSON_Delete(p->status);
	memset(p, 0, sizeof(*p));
}

static void del(controller_manager_statefulset_plan_t *p, const cJSON *pod)
{
	const char *n = kube_json_get_str(pod, "metadata.name");
	if (!n)
		return;
	p->deletes = kube_realloc(p->deletes, (p->n_deletes + 1) * sizeof(char *));
	p->deletes[p->n_deletes++] = kube_strdup(n);
}

static bool running_ready(const cJSON *pod)
{
	return kube_streq(kube_json_get_str(pod, "status.phase"), "Running") && controller_manager_podutil_ready(pod);
}

static const char *rev_of(const cJSON *pod)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(kube_json_get(pod, "metadata.labels"), REV_LABEL));
}

void controller_manager_statefulset_plan(const cJSON *sts, const cJSON *const *pods, size_t n_pods,
					 const char *update_rev, int64_t now,
					 controller_manager_statefulset_plan_t *p)
{
	memset(p, 0, sizeof(*p));
	const char *set = kube_json_get_str(sts, "metadata.name");
	int64_t replicas = kube_json_get_int64(sts, "spec.replicas", 1);
	int64_t start = kube_json_get_int64(sts, "spec.ordinals.start", 0);
	bool parallel = kube_streq(kube_json_get_str(sts, "spec.podManagementPolicy"), "Parallel");
	bool on_delete = kube_streq(kube_json_get_str(sts, "spec.updateStrategy.type"), "OnDelete");
	int64_t partition = kube_json_get_int64(sts, "spec.updateStrategy.rollingUpdate.partition", 0);
	int64_t min_ready = kube_json_get_int64(sts, "spec.minReadySeconds", 0);
	if (replicas < 0 || replicas > 100000)
		replicas = 0;
	const char *cur_rev = kube_json_get_str(sts, "status.currentRevision");
	if (!cur_rev || !*cur_rev)
		cur_rev = update_rev;

	const cJSON **slot = kube_calloc((size_t)replicas + 1, sizeof(*slot));
	const cJSON **condemned = kube_calloc(n_pods + 1, sizeof(*condemned));
	size_t n_condemned = 0;
	int64_t status_replicas = 0, ready = 0, avail = 0, current = 0, updated = 0;
	for (size_t i = 0; i < n_pods; i++) {
		int64_t o = controller_manager_statefulset_ordinal(set, kube_json_get_str(pods[i], "metadata.name"));
		if (o < 0)
			continue;
		status_replicas++;
		if (controller_manager_podutil_ready(pods[i])) {
			ready++;
			int64_t since = controller_manager_podutil_time(
				controller_manager_podutil_condition(pods[i], "Ready"), "lastTransitionTime", now);
			avail += since + min_ready <= now;
		}
		current += kube_streq(rev_of(pods[i]), cur_rev);
		updated += kube_streq(rev_of(pods[i]), update_rev);
		if (o >= start && o < start + replicas)
			slot[o - start] = pods[i];
		else
			condemned[n_condemned++] = pods[i];
	}

	/* create or repair pods in ordinal order */
	bool unhealthy = false;
	p->create = kube_calloc((size_t)replicas + 1, sizeof(int64_t));
	for (int64_t i = 0; i < replicas; i++) {
		const cJSON *pod = slot[i];
		if (!pod) {
			p->create[p->n_create++] = start + i;
			if (!parallel) {
				unhealthy = true;
				break;
			}
			continue;
		}
		if (kube_streq(kube_json_get_str(pod, "status.phase"), "Failed") && !controller_manager_podutil_deleting(pod)) {
			del(p, pod);
			unhealthy = true;
			if (!parallel)
				break;
			continue;
		}
		if (controller_manager_podutil_deleting(pod) || !running_ready(pod)) {
			unhealthy = true;
			if (!parallel)
				break;
		}
	}
	/* surplus pods: highest ordinal first */
	for (size_t a = 0; a < n_condemned; a++)
		for (size_t b = a + 1; b < n_condemned; b++) {
			int64_t oa = controller_manager_statefulset_ordinal(set, kube_json_get_str(condemned[a], "metadata.name"));
			int64_t ob = controller_manager_statefulset_ordinal(set, kube_json_get_str(condemned[b], "metadata.name"));
			if (ob > oa) {
				const cJSON *t = condemned[a];
				condemned[a] = condemned[b];
				condemned[b] = t;
			}
		}
	for (size_t i = 0; i < n_condemned; i++) {
		if (controller_manager_podutil_deleting(condemned[i])) {
			if (!parallel)
				break;
			continue;
		}
		if (!parallel && unhealthy)
			break;
		del(p, condemned[i]);
		if (!parallel)
			break;
	}
	/* rolling update: highest ordinal first, down to the partition */
	if (!on_delete && !unhealthy && p->n_deletes == 0 && p->n_create == 0) {
		for (int64_t i = replicas - 1; i >= 0 && start + i >= partition; i--) {
			const cJSON *pod = slot[i];
			if (!pod || kube_streq(rev_of(pod), update_rev))
				continue;
			del(p, pod);
			break;
		}
	}

	const cJSON *old = kube_json_get(sts, "status");
	cJSON *st = cJSON_IsObject(old) ? kube_json_dup(old) : cJSON_CreateObject();
	const char *new_cur = cur_rev;
	if (updated == replicas && status_replicas == replicas && ready == replicas)
		new_cur = update_rev; /* the rollout is done */
	const struct {
		const char *key;
		int64_t v;
	} counts[] = {
		{ "observedGeneration", kube_json_get_int64(sts, "metadata.generation", 0) },
		{ "replicas", status_replicas },
		{ "readyReplicas", ready },
		{ "currentReplicas", kube_streq(new_cur, cur_rev) ? current : updated },
		{ "updatedReplicas", updated },
		{ "availableReplicas", avail },
	};
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(st, counts[i].key);
		if (counts[i].v || strcmp(counts[i].key, "replicas") == 0 || strcmp(counts[i].key, "availableReplicas") == 0)
			cJSON_AddNumberToObject(st, counts[i].key, (double)counts[i].v);
	}
	_cleanup_free_ char *cur_copy = kube_strdup(new_cur);
	cJSON_DeleteItemFromObjectCaseSensitive(st, "currentRevision");
	cJSON_DeleteItemFromObjectCaseSensitive(st, "updateRevision");
	cJSON_AddStringToObject(st, "currentRevision", cur_copy);
	cJSON_AddStringToObject(st, "updateRevision", update_rev);
	if (!cJSON_GetObjectItemCaseSensitive(st, "collisionCount"))
		cJSON_AddNumberToObject(st, "collisionCount", 0);
	if (cJSON_IsObject(old) && kube_json_equal(old, st))
		cJSON_Delete(st);
	else
		p->status = st;
	kube_free(slot);
	kube_free(condemned);
}
