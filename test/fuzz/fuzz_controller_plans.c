/* Fuzz the workload controllers' pure decisions over arbitrary JSON: the
 * input is {"obj": <a Job/CronJob/DaemonSet/StatefulSet/Service/Node/
 * ResourceQuota-shaped object>, "items": [<pods, jobs or nodes>]} and every
 * planner runs on it; none may crash, leak or loop. */
#include <stdint.h>
#include <stdlib.h>

#include "core/kube_core.h"

#include "api/kube_json.h"
#include "controller_manager_cronjob_logic.h"
#include "controller_manager_daemonset_logic.h"
#include "controller_manager_endpoints_logic.h"
#include "controller_manager_gc_logic.h"
#include "controller_manager_job_logic.h"
#include "controller_manager_nodelifecycle_logic.h"
#include "controller_manager_statefulset_logic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool exists(const char *node, void *arg)
{
	return node[0] != 'x';
}

static int64_t count(const char *res, void *arg)
{
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	cJSON *in = kube_json_parse((const char *)data, size);
	if (!in)
		return 0;
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(in, "obj");
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(in, "items");
	const cJSON *arr[64];
	size_t n = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, items)
	{
		if (n < 64)
			arr[n++] = it;
	}
	const int64_t now = 1796256000;

	/* keep Indexed completions small enough to stay fast */
	if (kube_json_get_int64(obj, "spec.completions", 0) > 2000 ||
	    kube_json_get_int64(obj, "spec.replicas", 0) > 2000) {
		cJSON_Delete(in);
		return 0;
	}
	controller_manager_job_plan_t jp;
	controller_manager_job_plan(obj, arr, n, now, &jp);
	controller_manager_job_plan_clear(&jp);
	cJSON_Delete(controller_manager_job_pod(obj, 3));

	controller_manager_cronjob_plan_t cp;
	controller_manager_cronjob_plan(obj, arr, n, now, &cp);
	controller_manager_cronjob_plan_clear(&cp);

	controller_manager_daemonset_plan_t dp;
	controller_manager_daemonset_plan(obj, arr, n, arr, n, "h", now, &dp);
	controller_manager_daemonset_plan_clear(&dp);

	controller_manager_statefulset_plan_t sp;
	controller_manager_statefulset_plan(obj, arr, n, "r", now, &sp);
	controller_manager_statefulset_plan_clear(&sp);
	cJSON_Delete(controller_manager_statefulset_claims(obj, 1));

	cJSON_Delete(controller_manager_endpoints_build(obj, arr, n));
	controller_manager_endpointslice_plan_t ep = { 0 };
	controller_manager_endpointslice_plan(obj, arr, n, arr, n, NULL, NULL, &ep);
	controller_manager_endpointslice_plan_clear(&ep);

	controller_manager_nodelc_health_t h = { 0 };
	controller_manager_nodelc_observe(&h, obj, n ? arr[0] : NULL, now);
	controller_manager_nodelc_plan_t np;
	controller_manager_nodelc_plan(obj, &h, now + 100, 40, 60, &np);
	controller_manager_nodelc_plan_clear(&np);
	controller_manager_nodelc_health_clear(&h);
	for (size_t i = 0; i < n; i++)
		controller_manager_nodelc_eviction_time(arr[i], kube_json_get(obj, "spec.taints"), now);

	size_t *idx;
	size_t k = controller_manager_podgc_plan(arr, n, 1, exists, NULL, &idx);
	for (size_t i = 0; i < k; i++)
		if (idx[i] >= n)
			abort();
	kube_free(idx);
	cJSON_Delete(controller_manager_resourcequota_status(obj, arr, n, count, NULL));
	cJSON_Delete(in);
	return 0;
}
