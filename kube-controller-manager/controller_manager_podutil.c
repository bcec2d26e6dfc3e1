/* controller_manager_podutil: shared pod helpers, see the header. */
#include "controller_manager_podutil.h"

#include <string.h>

#include "api/kube_json.h"
#include "core/kube_time.h"

bool controller_manager_podutil_terminal(const cJSON *pod)
{
	const char *ph = kube_json_get_str(pod, "status.phase");
	return kube_streq(ph, "Succeeded") || kube_streq(ph, "Failed");
}

bool controller_manager_podutil_deleting(const cJSON *pod)
{
	return kube_json_get(pod, "metadata.deletionTimestamp") != NULL &&
	       !cJSON_IsNull(kube_json_get(pod, "metadata.deletionTimestamp"));
}

bool controller_manager_podutil_active(const cJSON *pod)
{
	return !controller_manager_podutil_terminal(pod) && !controller_manager_podutil_deleting(pod);
}

const cJSON *controller_manager_podutil_condition(const cJSON *obj, const char *type)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, kube_json_get(obj, "status.conditions"))
	{
		if (kube_streq(kube_json_get_str(c, "type"), type))
			return c;
	}
	return NULL;
}

bool controller_manager_podutil_condition_true(const cJSON *obj, const char *type)
{
	return kube_streq(kube_json_get_str(controller_manager_podutil_condition(obj, type), "status"),
			  "True");
}

bool controller_manager_podutil_ready(const cJSON *pod)
{
	return controller_manager_podutil_condition_true(pod, "Ready");
}

const char *controller_manager_podutil_controller_uid(const cJSON *obj)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, kube_json_get(obj, "metadata.ownerReferences"))
	{
		if (kube_json_get_bool(r, "controller", false))
			return kube_json_get_str(r, "uid");
	}
	return NULL;
}

int64_t controller_manager_podutil_time(const cJSON *obj, const char *path, int64_t def)
{
	const char *s = kube_json_get_str(obj, path);
	int64_t ns;
	if (!s || kube_time_parse_rfc3339(s, &ns) < 0)
		return def;
	return ns / KUBE_NS_PER_SEC - (ns % KUBE_NS_PER_SEC < 0);
}

void controller_manager_podutil_set_time(cJSON *obj, const char *path, int64_t t)
{
	char buf[KUBE_TIME_RFC3339_SIZE];
	if (kube_time_format_rfc3339(t * KUBE_NS_PER_SEC, buf, sizeof(buf)) < 0)
		return;
	kube_json_set_str(obj, path, buf);
}

bool controller_manager_podutil_set_condition(cJSON *status, const char *type, const char *cstatus,
					      const char *reason, const char *message, int64_t now,
					      bool probe_time)
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
	if (found && kube_streq(kube_json_get_str(found, "status"), cstatus) &&
	    kube_streq(kube_json_get_str(found, "reason"), reason) &&
	    kube_streq(kube_json_get_str(found, "message"), message))
		return false;
	if (!found) {
		found = cJSON_CreateObject();
		cJSON_AddStringToObject(found, "type", type);
		cJSON_AddItemToArray(conds, found);
	}
	bool transition = !kube_streq(kube_json_get_str(found, "status"), cstatus);
	kube_json_set_str(found, "status", cstatus);
	if (probe_time)
		controller_manager_podutil_set_time(found, "lastProbeTime", now);
	if (transition || !kube_json_get(found, "lastTransitionTime"))
		controller_manager_podutil_set_time(found, "lastTransitionTime", now);
	if (reason)
		kube_json_set_str(found, "reason", reason);
	else
		kube_json_delete(found, "reason");
	if (message)
		kube_json_set_str(found, "message", message);
	else
		kube_json_delete(found, "message");
	return true;
}

int64_t controller_manager_podutil_finish_time(const cJSON *pod)
{
	int64_t best = -1;
	const cJSON *cs;
	cJSON_ArrayForEach(cs, kube_json_get(pod, "status.containerStatuses"))
	{
		int64_t t = controller_manager_podutil_time(cs, "state.terminated.finishedAt", -1);
		if (t > best)
			best = t;
	}
	if (best >= 0)
		return best;
	const cJSON *c = controller_manager_podutil_condition(pod, "Ready");
	if (!c)
		c = controller_manager_podutil_condition(pod, "PodScheduled");
	best = controller_manager_podutil_time(c, "lastTransitionTime", -1);
	if (best >= 0)
		return best;
	return controller_manager_podutil_time(pod, "metadata.creationTimestamp", 0);
}

bool controller_manager_podutil_tolerates(const cJSON *tol, const cJSON *taint)
{
	const char *te = kube_json_get_str(tol, "effect");
	if (te && *te && !kube_streq(te, kube_json_get_str(taint, "effect")))
		return false;
	const char *key = kube_json_get_str(tol, "key");
	const char *op = kube_json_get_str(tol, "operator");
	const char *tkey = kube_json_get_str(taint, "key");
	if (kube_streq(op, "Exists"))
		return !key || !*key || kube_streq(key, tkey);
	if (op && *op && !kube_streq(op, "Equal"))
		return false;
	const char *v = kube_json_get_str(tol, "value"), *tv = kube_json_get_str(taint, "value");
	return kube_streq(key ? key : "", tkey ? tkey : "") && kube_streq(v ? v : "", tv ? tv : "");
}

bool controller_manager_podutil_tolerated(const cJSON *tols, const cJSON *taint, int64_t *ret_seconds)
{
	bool any = false;
	int64_t best = -1;
	const cJSON *t;
	cJSON_ArrayForEach(t, tols)
	{
		if (!controller_manager_podutil_tolerates(t, taint))
			continue;
		any = true;
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, "tolerationSeconds");
		if (!cJSON_IsNumber(s))
			continue; /* forever */
		int64_t v = s->valuedouble < 0 ? 0 : (int64_t)s->valuedouble;
		if (best < 0 || v < best)
			best = v;
	}
	if (ret_seconds)
		*ret_seconds = best;
	return any;
}
