/* Tests for kube-controller-manager/controller_manager_job_logic.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "core/kube_time.h"
#include "controller_manager_job_logic.h"

#define NOW 1796256000 /* 2026-12-03T00:00:00Z */

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

/* pods: a compact string, one char per pod: a=active, r=ready, s=succeeded,
 * f=failed, d=deleting; an optional digit after a letter is its index. */
typedef struct pods {
	cJSON *arr;
	const cJSON *items[64];
	size_t n;
} pods_t;

static void make_pods(pods_t *p, const char *spec, int64_t finished_at)
{
	p->arr = cJSON_CreateArray();
	p->n = 0;
	for (const char *c = spec; *c; c++) {
		if (*c >= '0' && *c <= '9')
			continue;
		char buf[512];
		int idx = (c[1] >= '0' && c[1] <= '9') ? c[1] - '0' : -1;
		char ann[96] = "";
		if (idx >= 0)
			snprintf(ann, sizeof(ann),
				 ",\"annotations\":{\"batch.kubernetes.io/job-completion-index\":\"%d\"}", idx);
		const char *phase = *c == 's' ? "Succeeded" : *c == 'f' ? "Failed" : "Running";
		snprintf(buf, sizeof(buf),
			 "{\"metadata\":{\"name\":\"p%zu\",\"creationTimestamp\":\"2026-12-02T00:00:%02zuZ\"%s%s},"
			 "\"status\":{\"phase\":\"%s\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\","
			 "\"lastTransitionTime\":\"%s\"}]}}",
			 p->n, p->n, ann, *c == 'd' ? ",\"deletionTimestamp\":\"2026-12-02T00:00:00Z\"" : "",
			 phase, *c == 'r' ? "True" : "False", "TIME");
		char tbuf[KUBE_TIME_RFC3339_SIZE];
		kube_time_format_rfc3339(finished_at * KUBE_NS_PER_SEC, tbuf, sizeof(tbuf));
		char *t = strstr(buf, "TIME");
		char out[600];
		snprintf(out, sizeof(out), "%.*s%s%s", (int)(t - buf), buf, tbuf, t + 4);
		cJSON *pod = parse(out);
		cJSON_AddItemToArray(p->arr, pod);
		p->items[p->n++] = pod;
	}
}

static const struct {
	const char *name, *spec, *status, *pods;
	int create, deletes;
	const char *want_status; /* substring of the compact new status, or NULL: unchanged */
	const char *event;
	int64_t requeue;
} cases[] = {
	{ "new job creates parallelism", "{\"completions\":5,\"parallelism\":2}", "{}", "", 2, 0,
	  "\"startTime\":\"2026-12-03T00:00:00Z\"", NULL, -1 },
	{ "steady", "{\"completions\":5,\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\",\"active\":2,\"ready\":1,\"terminating\":0}", "ar", 0, 0,
	  NULL, NULL, -1 },
	{ "replaces finished", "{\"completions\":5,\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "ass", 1, 0, "\"succeeded\":2", NULL, -1 },
	{ "fewer left than parallelism", "{\"completions\":5,\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "assss", 0, 0, "\"active\":1", NULL, -1 },
	{ "too many active", "{\"completions\":5,\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "rara", 0, 2, "\"active\":2", NULL, -1 },
	{ "complete", "{\"completions\":5,\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "sssss", 0, 0,
	  "\"type\":\"Complete\",\"status\":\"True\"", "Completed", -1 },
	{ "no completions: one success finishes once active are done", "{\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "sa", 0, 0, "\"succeeded\":1", NULL, -1 },
	{ "no completions: complete", "{\"parallelism\":2}", "{\"startTime\":\"2026-12-02T00:00:00Z\"}",
	  "s", 0, 0, "\"reason\":\"CompletionsReached\"", "Completed", -1 },
	{ "backoff limit", "{\"completions\":5,\"parallelism\":2,\"backoffLimit\":1}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "ffa", 0, 1,
	  "\"type\":\"Failed\",\"status\":\"True\",\"lastProbeTime\":\"2026-12-03T00:00:00Z\","
	  "\"lastTransitionTime\":\"2026-12-03T00:00:00Z\",\"reason\":\"BackoffLimitExceeded\","
	  "\"message\":\"Job has reached the specified backoff limit\"",
	  "BackoffLimitExceeded", -1 },
	{ "backoff after a recent failure", "{\"completions\":5,\"parallelism\":2}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "fa", 0, 0, "\"failed\":1", NULL, 7 },
	{ "deadline", "{\"completions\":5,\"activeDeadlineSeconds\":60}",
	  "{\"startTime\":\"2026-12-02T23:58:00Z\"}", "a", 0, 1, "\"reason\":\"DeadlineExceeded\"",
	  "DeadlineExceeded", -1 },
	{ "deadline ahead requeues", "{\"completions\":5,\"activeDeadlineSeconds\":600}",
	  "{\"startTime\":\"2026-12-02T23:58:00Z\",\"active\":1,\"ready\":1,\"terminating\":0}", "r", 0, 0,
	  NULL, NULL, 480 },
	{ "suspend deletes", "{\"completions\":5,\"suspend\":true}", "{}", "aa", 0, 2,
	  "\"reason\":\"JobSuspended\"", "Suspended", -1 },
	{ "indexed creates lowest free indexes",
	  "{\"completions\":4,\"parallelism\":2,\"completionMode\":\"Indexed\"}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "s0a1", 1, 0, "\"completedIndexes\":\"0\"", NULL, -1 },
	{ "indexed duplicate index deleted",
	  "{\"completions\":4,\"parallelism\":3,\"completionMode\":\"Indexed\"}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "a1a1", 2, 1, "\"active\":1", NULL, -1 },
	{ "indexed complete", "{\"completions\":3,\"parallelism\":3,\"completionMode\":\"Indexed\"}",
	  "{\"startTime\":\"2026-12-02T00:00:00Z\"}", "s0s2s1", 0, 0, "\"completedIndexes\":\"0-2\"",
	  "Completed", -1 },
};

TEST(plan_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[1024];
		snprintf(buf, sizeof(buf),
			 "{\"metadata\":{\"name\":\"j\",\"namespace\":\"ns\",\"uid\":\"u1\"},\"spec\":%s,\"status\":%s}",
			 cases[i].spec, cases[i].status);
		cJSON *job = parse(buf);
		pods_t pods;
		make_pods(&pods, cases[i].pods, NOW - 3);
		controller_manager_job_plan_t p;
		controller_manager_job_plan(job, pods.items, pods.n, NOW, &p);
		int created = p.create + (int)p.n_indexes;
		char *st = p.status ? kube_json_compact(p.status) : NULL;
		bool ok = created == cases[i].create && (int)p.n_deletes == cases[i].deletes &&
			  p.requeue_after == cases[i].requeue &&
			  (cases[i].want_status ? st && strstr(st, cases[i].want_status) : !st) &&
			  kube_streq(p.event_reason, cases[i].event);
		if (!ok)
			printf("%s: create %d deletes %zu requeue %lld event %s status %s\n", cases[i].name,
			       created, p.n_deletes, (long long)p.requeue_after,
			       p.event_reason ? p.event_reason : "-", st ? st : "(unchanged)");
		kube_free(st);
		controller_manager_job_plan_clear(&p);
		cJSON_Delete(pods.arr);
		cJSON_Delete(job);
		ASSERT_TRUE(ok);
	}
}

TEST(indexed_indexes_and_pod)
{
	cJSON *job = parse("{\"metadata\":{\"name\":\"j\",\"namespace\":\"ns\",\"uid\":\"u1\"},"
			   "\"spec\":{\"completions\":5,\"parallelism\":5,\"completionMode\":\"Indexed\","
			   "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
			   "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}},"
			   "\"status\":{\"completedIndexes\":\"1,3\"}}");
	controller_manager_job_plan_t p;
	controller_manager_job_plan(job, NULL, 0, NOW, &p);
	ASSERT_EQ(p.n_indexes, 3);
	ASSERT_EQ(p.indexes[0], 0);
	ASSERT_EQ(p.indexes[1], 2);
	ASSERT_EQ(p.indexes[2], 4);
	controller_manager_job_plan_clear(&p);

	cJSON *pod = controller_manager_job_pod(job, 2);
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.generateName"), "j-2-");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.namespace"), "ns");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.labels.a"), "b");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.annotations['batch.kubernetes.io/job-completion-index']"), "2");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.labels['batch.kubernetes.io/job-completion-index']"), "2");
	ASSERT_STREQ(kube_json_get_str(pod, "spec.hostname"), "j-2");
	ASSERT_STREQ(kube_json_get_str(pod, "spec.containers[0].env[0].name"), "JOB_COMPLETION_INDEX");
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.ownerReferences[0].kind"), "Job");
	ASSERT_TRUE(kube_json_get_bool(pod, "metadata.ownerReferences[0].controller", false));
	ASSERT_EQ(controller_manager_job_pod_index(pod), 2);
	cJSON_Delete(pod);
	pod = controller_manager_job_pod(job, -1);
	ASSERT_STREQ(kube_json_get_str(pod, "metadata.generateName"), "j-");
	ASSERT_NULL(kube_json_get(pod, "spec.hostname"));
	cJSON_Delete(pod);
	cJSON_Delete(job);

	bool set[10] = { true, true, true, false, true, false, true, true, false, true };
	char *s = controller_manager_job_format_indexes(set, 10);
	ASSERT_STREQ(s, "0-2,4,6-7,9");
	bool back[10] = { 0 };
	controller_manager_job_parse_indexes(s, back, 10);
	ASSERT_MEMEQ(set, back, sizeof(set));
	kube_free(s);
}

TEST(ttl_after_finished)
{
	cJSON *job = parse("{\"metadata\":{\"name\":\"j\"},\"spec\":{\"ttlSecondsAfterFinished\":100},"
			   "\"status\":{\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\","
			   "\"lastTransitionTime\":\"2026-12-02T23:59:00Z\"}]}}");
	controller_manager_job_plan_t p;
	controller_manager_job_plan(job, NULL, 0, NOW, &p);
	ASSERT_FALSE(p.delete_job);
	ASSERT_EQ(p.requeue_after, 40);
	ASSERT_NULL(p.status);
	controller_manager_job_plan_clear(&p);
	controller_manager_job_plan(job, NULL, 0, NOW + 40, &p);
	ASSERT_TRUE(p.delete_job);
	controller_manager_job_plan_clear(&p);
	cJSON_Delete(job);
}

TEST(backoff_grows)
{
	cJSON *job = parse("{\"metadata\":{\"name\":\"j\"},\"spec\":{\"completions\":9,\"backoffLimit\":9},"
			   "\"status\":{\"startTime\":\"2026-12-02T00:00:00Z\"}}");
	pods_t pods;
	make_pods(&pods, "fff", NOW);
	controller_manager_job_plan_t p;
	controller_manager_job_plan(job, pods.items, pods.n, NOW, &p);
	ASSERT_EQ(p.create, 0);
	ASSERT_EQ(p.requeue_after, 40);
	controller_manager_job_plan_clear(&p);
	controller_manager_job_plan(job, pods.items, pods.n, NOW + 40, &p);
	ASSERT_EQ(p.create, 1);
	controller_manager_job_plan_clear(&p);
	cJSON_Delete(pods.arr);
	cJSON_Delete(job);
}

static const struct {
	const char *rules, *pod_status;
	const char *reason;	/* Failed condition reason, or NULL when not failed */
	int64_t failed;		/* status.failed */
} policy_cases[] = {
	/* exit code 42 in FailJob: the Job fails at once */
	{ "[{\"action\":\"FailJob\",\"onExitCodes\":{\"containerName\":\"main\",\"operator\":\"In\",\"values\":[42]}}]",
	  "{\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"main\",\"state\":{\"terminated\":{\"exitCode\":42}}}]}",
	  "PodFailurePolicy", 1 },
	/* another code: counted, under the backoff limit */
	{ "[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[42]}}]",
	  "{\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"main\",\"state\":{\"terminated\":{\"exitCode\":1}}}]}",
	  NULL, 1 },
	/* NotIn never matches exit code 0 */
	{ "[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"NotIn\",\"values\":[1]}}]",
	  "{\"phase\":\"Failed\",\"containerStatuses\":[{\"name\":\"main\",\"state\":{\"terminated\":{\"exitCode\":0}}}]}",
	  NULL, 1 },
	/* disruptions are ignored: not counted */
	{ "[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]}]",
	  "{\"phase\":\"Failed\",\"conditions\":[{\"type\":\"DisruptionTarget\",\"status\":\"True\"}]}",
	  NULL, 0 },
	{ "[{\"action\":\"FailJob\",\"onPodConditions\":[{\"type\":\"ConfigIssue\",\"status\":\"True\"}]}]",
	  "{\"phase\":\"Failed\",\"conditions\":[{\"type\":\"ConfigIssue\",\"status\":\"True\"}]}",
	  "PodFailurePolicy", 1 },
};

TEST(pod_failure_policy)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_cases); i++) {
		char buf[1024];
		snprintf(buf, sizeof(buf),
			 "{\"metadata\":{\"name\":\"j\",\"namespace\":\"ns\"},\"spec\":{\"completions\":3,\"backoffLimit\":3,"
			 "\"podFailurePolicy\":{\"rules\":%s}},\"status\":{\"startTime\":\"2026-12-02T00:00:00Z\"}}",
			 policy_cases[i].rules);
		cJSON *job = parse(buf);
		snprintf(buf, sizeof(buf), "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"status\":%s}",
			 policy_cases[i].pod_status);
		cJSON *pod = parse(buf);
		const cJSON *pods[1] = { pod };
		controller_manager_job_plan_t p;
		controller_manager_job_plan(job, pods, 1, NOW, &p);
		cJSON *view = cJSON_CreateObject();
		if (p.status)
			cJSON_AddItemReferenceToObject(view, "status", p.status);
		const char *reason = NULL;
		const cJSON *c;
		cJSON_ArrayForEach(c, kube_json_get(view, "status.conditions"))
		{
			if (kube_streq(kube_json_get_str(c, "type"), "Failed"))
				reason = kube_json_get_str(c, "reason");
		}
		int64_t failed = kube_json_get_int64(view, "status.failed", 0);
		bool ok = kube_streq(reason, policy_cases[i].reason) && failed == policy_cases[i].failed;
		if (!ok)
			printf("case %zu: reason %s failed %lld\n", i, reason ? reason : "-", (long long)failed);
		if (ok && i == 0)
			ok = kube_streq(p.event_message,
					"Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 0") &&
			     kube_streq(kube_json_get_str(view, "status.conditions[1].message"), p.event_message);
		cJSON_Delete(view);
		controller_manager_job_plan_clear(&p);
		cJSON_Delete(pod);
		cJSON_Delete(job);
		ASSERT_TRUE(ok);
	}
}

static const struct {
	const char *spec, *pods;
	const char *reason;	  /* Complete/Failed condition reason, or NULL */
	const char *failed_idx;	  /* status.failedIndexes, or NULL when absent */
	int create;		  /* indexes to create */
	int first_failures;	  /* index_failures[0] when creating */
} per_index_cases[] = {
	/* index 1 failed once, limit 1: retried with its failure count */
	{ "\"backoffLimitPerIndex\":1", "s0f1", NULL, "", 2, 1 },
	/* index 1 failed twice: given up; index 2 still runs */
	{ "\"backoffLimitPerIndex\":1", "s0f1f1", NULL, "1", 1, 0 },
	/* everything settled with a failed index: FailedIndexes */
	{ "\"backoffLimitPerIndex\":0", "s0f1s2", "FailedIndexes", "1", 0, 0 },
	{ "\"backoffLimitPerIndex\":0,\"maxFailedIndexes\":1", "f0f1", "MaxFailedIndexesExceeded", "0-1", 0, 0 },
	/* successPolicy: index 0 alone is enough */
	{ "\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"0\"}]}", "s0a1", "SuccessPolicy", NULL, 0, 0 },
	{ "\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"1-2\"},{\"succeededCount\":2}]}", "s0s1", "SuccessPolicy", NULL, 0, 0 },
	{ "\"successPolicy\":{\"rules\":[{\"succeededIndexes\":\"1-2\",\"succeededCount\":2}]}", "s0s1", NULL, NULL, 1, 0 },
};

TEST(indexed_per_index_and_success_policy)
{
	for (size_t i = 0; i < ARRAY_SIZE(per_index_cases); i++) {
		char buf[1024];
		snprintf(buf, sizeof(buf),
			 "{\"metadata\":{\"name\":\"j\",\"namespace\":\"ns\"},\"spec\":{\"completions\":3,\"parallelism\":3,"
			 "\"completionMode\":\"Indexed\",\"backoffLimit\":100,%s},\"status\":{\"startTime\":\"2026-12-02T00:00:00Z\"}}",
			 per_index_cases[i].spec);
		cJSON *job = parse(buf);
		pods_t pods;
		make_pods(&pods, per_index_cases[i].pods, NOW - 100);
		controller_manager_job_plan_t p;
		controller_manager_job_plan(job, pods.items, pods.n, NOW, &p);
		cJSON *view = cJSON_CreateObject();
		if (p.status)
			cJSON_AddItemReferenceToObject(view, "status", p.status);
		const char *reason = NULL;
		const cJSON *c;
		cJSON_ArrayForEach(c, kube_json_get(view, "status.conditions"))
		{
			const char *t = kube_json_get_str(c, "type");
			if (kube_streq(t, "Failed") || kube_streq(t, "Complete"))
				reason = kube_json_get_str(c, "reason");
		}
		const char *fi = kube_json_get_str(view, "status.failedIndexes");
		bool ok = kube_streq(reason, per_index_cases[i].reason) && kube_streq(fi, per_index_cases[i].failed_idx) &&
			  (int)p.n_indexes == per_index_cases[i].create &&
			  (p.n_indexes == 0 || p.index_failures[0] == per_index_cases[i].first_failures);
		if (!ok)
			printf("case %zu: reason %s failedIndexes %s create %zu first failures %d\n", i, reason ? reason : "-",
			       fi ? fi : "-", p.n_indexes, p.n_indexes ? p.index_failures[0] : -1);
		cJSON_Delete(view);
		controller_manager_job_plan_clear(&p);
		cJSON_Delete(pods.arr);
		cJSON_Delete(job);
		ASSERT_TRUE(ok);
	}
}
