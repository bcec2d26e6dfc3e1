/* controller_manager_nodelifecycle_logic: node health, taints and
 * evictions, see the header. */
#include "controller_manager_nodelifecycle_logic.h"

#include <string.h>

#include "api/kube_json.h"
#include "controller_manager_podutil.h"

void controller_manager_nodelc_health_clear(controller_manager_nodelc_health_t *h)
{
	kube_free(h->heartbeat);
	kube_free(h->lease_renew);
	memset(h, 0, sizeof(*h));
}

static bool note(char **slot, const char *v)
{
	if (!v || kube_streq(*slot, v))
		return false;
	kube_free(*slot);
	*slot = kube_strdup(v);
	return true;
}

void controller_manager_nodelc_observe(controller_manager_nodelc_health_t *h, const cJSON *node,
				       const cJSON *lease, int64_t now)
{
	const cJSON *ready = controller_manager_podutil_condition(node, "Ready");
	bool changed = note(&h->heartbeat, kube_json_get_str(ready, "lastHeartbeatTime"));
	changed |= note(&h->lease_renew, kube_json_get_str(lease, "spec.renewTime"));
	if (changed || h->probe == 0)
		h->probe = now;
}

void controller_manager_nodelc_plan_clear(controller_manager_nodelc_plan_t *p)
{
	cJSON_Delete(p->status);
	cJSON_Delete(p->taints);
	memset(p, 0, sizeof(*p));
}

static bool mark_unknown(cJSON *status, const cJSON *node, const char *type, int64_t now)
{
	cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
	if (!cJSON_IsArray(conds)) {
		cJSON_DeleteItemFromObjectCaseSensitive(status, "conditions");
		conds = cJSON_AddArrayToObject(status, "conditions");
	}
	cJSON *c, *found = NULL;
	cJSON_ArrayForEach(c, conds)
	{
		if (kube_streq(kube_json_get_str(c, "type"), type))
			found = c;
	}
	if (!found) {
		found = cJSON_CreateObject();
		cJSON_AddStringToObject(found, "type", type);
		cJSON_AddStringToObject(found, "status", "Unknown");
		const char *created = kube_json_get_str(node, "metadata.creationTimestamp");
		if (created)
			cJSON_AddStringToObject(found, "lastHeartbeatTime", created);
		controller_manager_podutil_set_time(found, "lastTransitionTime", now);
		cJSON_AddStringToObject(found, "reason", "NodeStatusNeverUpdated");
		cJSON_AddStringToObject(found, "message", "Kubelet never posted node status.");
		cJSON_AddItemToArray(conds, found);
		return true;
	}
	if (kube_streq(kube_json_get_str(found, "status"), "Unknown"))
		return false;
	kube_json_set_str(found, "status", "Unknown");
	kube_json_set_str(found, "reason", "NodeStatusUnknown");
	kube_json_set_str(found, "message", "Kubelet stopped posting node status.");
	controller_manager_podutil_set_time(found, "lastTransitionTime", now);
	return true;
}

static const struct {
	const char *cond, *status, *taint;
} condition_taints[] = {
	{ "Ready", "False", CONTROLLER_MANAGER_TAINT_NOT_READY },
	{ "Ready", "Unknown", CONTROLLER_MANAGER_TAINT_UNREACHABLE },
	{ "MemoryPressure", "True", "node.kubernetes.io/memory-pressure" },
	{ "DiskPressure", "True", "node.kubernetes.io/disk-pressure" },
	{ "NetworkUnavailable", "True", "node.kubernetes.io/network-unavailable" },
	{ "PIDPressure", "True", "node.kubernetes.io/pid-pressure" },
};

static bool managed(const cJSON *taint)
{
	const char *key = kube_json_get_str(taint, "key");
	const char *effect = kube_json_get_str(taint, "effect");
	if (kube_streq(effect, "NoExecute"))
		return kube_streq(key, CONTROLLER_MANAGER_TAINT_NOT_READY) ||
		       kube_streq(key, CONTROLLER_MANAGER_TAINT_UNREACHABLE);
	if (!kube_streq(effect, "NoSchedule"))
		return false;
	if (kube_streq(key, "node.kubernetes.io/unschedulable"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(condition_taints); i++)
		if (kube_streq(key, condition_taints[i].taint))
			return true;
	return false;
}

static const cJSON *find_taint(const cJSON *taints, const char *key, const char *effect)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, taints)
	{
		if (kube_streq(kube_json_get_str(t, "key"), key) && kube_streq(kube_json_get_str(t, "effect"), effect))
			return t;
	}
	return NULL;
}

static void want_taint(cJSON *out, const cJSON *old, const char *key, const char *effect, int64_t now)
{
	if (find_taint(out, key, effect))
		return;
	const cJSON *have = find_taint(old, key, effect);
	if (have) {
		cJSON_AddItemToArray(out, kube_json_dup(have));
		return;
	}
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "key", key);
	cJSON_AddStringToObject(t, "effect", effect);
	if (kube_streq(effect, "NoExecute"))
		controller_manager_podutil_set_time(t, "timeAdded", now);
	cJSON_AddItemToArray(out, t);
}

void controller_manager_nodelc_plan(const cJSON *node, const controller_manager_nodelc_health_t *h,
				    int64_t now, int64_t grace, int64_t startup_grace,
				    controller_manager_nodelc_plan_t *p)
{
	memset(p, 0, sizeof(*p));
	p->recheck_after = -1;
	const cJSON *ready = controller_manager_podutil_condition(node, "Ready");
	int64_t g = ready ? grace : startup_grace;
	const cJSON *status = node;
	if (now > h->probe + g) {
		const cJSON *old = kube_json_get(node, "status");
		cJSON *st = cJSON_IsObject(old) ? kube_json_dup(old) : cJSON_CreateObject();
		p->became_unknown = mark_unknown(st, node, "Ready", now);
		bool changed = p->became_unknown;
		const char *others[] = { "MemoryPressure", "DiskPressure", "PIDPressure" };
		for (size_t i = 0; i < ARRAY_SIZE(others); i++)
			changed |= mark_unknown(st, node, others[i], now);
		if (changed)
			p->status = st;
		else
			cJSON_Delete(st);
	} else {
		p->recheck_after = h->probe + g - now + 1;
	}
	/* the conditions to taint from: the new status when there is one */
	cJSON *view = NULL;
	if (p->status) {
		view = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(view, "status", p->status);
		status = view;
	}
	const cJSON *old_taints = kube_json_get(node, "spec.taints");
	cJSON *taints = cJSON_CreateArray();
	const cJSON *t;
	cJSON_ArrayForEach(t, old_taints)
	{
		if (!managed(t))
			cJSON_AddItemToArray(taints, kube_json_dup(t));
	}
	const char *rs = kube_json_get_str(controller_manager_podutil_condition(status, "Ready"), "status");
	if (kube_streq(rs, "False"))
		want_taint(taints, old_taints, CONTROLLER_MANAGER_TAINT_NOT_READY, "NoExecute", now);
	else if (kube_streq(rs, "Unknown"))
		want_taint(taints, old_taints, CONTROLLER_MANAGER_TAINT_UNREACHABLE, "NoExecute", now);
	for (size_t i = 0; i < ARRAY_SIZE(condition_taints); i++) {
		const char *cs = kube_json_get_str(controller_manager_podutil_condition(status, condition_taints[i].cond),
						   "status");
		if (kube_streq(cs, condition_taints[i].status))
			want_taint(taints, old_taints, condition_taints[i].taint, "NoSchedule", now);
	}
	if (kube_json_get_bool(node, "spec.unschedulable", false))
		want_taint(taints, old_taints, "node.kubernetes.io/unschedulable", "NoSchedule", now);
	cJSON_Delete(view);

	bool same = cJSON_GetArraySize(taints) == cJSON_GetArraySize(old_taints);
	cJSON_ArrayForEach(t, taints)
	{
		if (!same)
			break;
		const cJSON *o = find_taint(old_taints, kube_json_get_str(t, "key"), kube_json_get_str(t, "effect"));
		same = o && kube_json_equal(o, t);
	}
	if (same)
		cJSON_Delete(taints);
	else
		p->taints = taints;
}

int64_t controller_manager_nodelc_eviction_time(const cJSON *pod, const cJSON *taints, int64_t now)
{
	const cJSON *tols = kube_json_get(pod, "spec.tolerations");
	int64_t when = -1;
	const cJSON *t;
	cJSON_ArrayForEach(t, taints)
	{
		if (!kube_streq(kube_json_get_str(t, "effect"), "NoExecute"))
			continue;
		int64_t secs;
		if (!controller_manager_podutil_tolerated(tols, t, &secs))
			return now;
		if (secs < 0)
			continue;
		int64_t at = controller_manager_podutil_time(t, "timeAdded", now) + secs;
		if (when < 0 || at < when)
			when = at;
	}
	return when;
}

char *controller_manager_nodelc_zone_key(const cJSON *node)
{
	const cJSON *labels = kube_json_get(node, "metadata.labels");
	const char *region = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "topology.kubernetes.io/region"));
	const char *zone = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "topology.kubernetes.io/zone"));
	if (!region)
		region = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "failure-domain.beta.kubernetes.io/region"));
	if (!zone)
		zone = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(labels, "failure-domain.beta.kubernetes.io/zone"));
	if (!region && !zone)
		return kube_strdup("");
	/* upstream joins with ":\x00:"; a printable separator keeps it a C string */
	return kube_asprintf("%s:|:%s", region ? region : "", zone ? zone : "");
}

controller_manager_nodelc_zone_state_t controller_manager_nodelc_zone_state(int ready, int not_ready,
									    double unhealthy_threshold)
{
	if (ready == 0 && not_ready > 0)
		return CONTROLLER_MANAGER_ZONE_FULL;
	if (not_ready > 2 && (double)not_ready / (double)(not_ready + ready) >= unhealthy_threshold)
		return CONTROLLER_MANAGER_ZONE_PARTIAL;
	return CONTROLLER_MANAGER_ZONE_NORMAL;
}

double controller_manager_nodelc_zone_rate(controller_manager_nodelc_zone_state_t st, int zone_size,
					   double rate, double secondary_rate, int large_cluster_threshold)
{
	if (st == CONTROLLER_MANAGER_ZONE_PARTIAL)
		return zone_size > large_cluster_threshold ? secondary_rate : 0;
	return rate;
}

static bool is_noexecute_condition_taint(const cJSON *t)
{
	const char *key = kube_json_get_str(t, "key");
	return kube_streq(kube_json_get_str(t, "effect"), "NoExecute") &&
	       (kube_streq(key, CONTROLLER_MANAGER_TAINT_NOT_READY) || kube_streq(key, CONTROLLER_MANAGER_TAINT_UNREACHABLE));
}

bool controller_manager_nodelc_adds_noexecute(const cJSON *taints, const cJSON *old_taints)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, taints)
	{
		if (is_noexecute_condition_taint(t) &&
		    !find_taint(old_taints, kube_json_get_str(t, "key"), "NoExecute"))
			return true;
	}
	return false;
}

bool controller_manager_nodelc_hold_noexecute(cJSON *taints, const cJSON *old_taints, bool remove_all)
{
	for (int i = cJSON_GetArraySize(taints) - 1; i >= 0; i--) {
		const cJSON *t = cJSON_GetArrayItem(taints, i);
		if (is_noexecute_condition_taint(t) &&
		    (remove_all || !find_taint(old_taints, kube_json_get_str(t, "key"), "NoExecute")))
			cJSON_DeleteItemFromArray(taints, i);
	}
	if (cJSON_GetArraySize(taints) != cJSON_GetArraySize(old_taints))
		return false;
	const cJSON *t;
	cJSON_ArrayForEach(t, taints)
	{
		const cJSON *o = find_taint(old_taints, kube_json_get_str(t, "key"), kube_json_get_str(t, "effect"));
		if (!o || !kube_json_equal(o, t))
			return false;
	}
	return true;
}
