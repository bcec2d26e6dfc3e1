/* Tests for kube-controller-manager/controller_manager_cronjob_logic.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_cronjob_logic.h"

/* 2026-12-03T10:00:30Z */
#define NOW (1796256000 + 10 * 3600 + 30)

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

static const char *job_active = "{\"metadata\":{\"name\":\"cj-29938200\",\"uid\":\"ja\"},\"status\":{\"startTime\":\"2026-12-03T10:00:00Z\"}}";
static const char *job_done = "{\"metadata\":{\"name\":\"cj-29938199\",\"uid\":\"jd\"},\"status\":{"
			      "\"startTime\":\"2026-12-03T09:59:00Z\",\"completionTime\":\"2026-12-03T09:59:20Z\","
			      "\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\",\"lastTransitionTime\":\"2026-12-03T09:59:20Z\"}]}}";

static const struct {
	const char *name, *spec, *status, *jobs[4];
	const char *create;	/* name of the job to create or NULL */
	int deletes;
	const char *want_status; /* substring or NULL: unchanged */
	const char *event;	 /* a reason among the events, or NULL for none */
	int64_t requeue;
} cases[] = {
	{ "first run", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\"}", "{}", { NULL },
	  "cj-29938200", 0, "\"lastScheduleTime\":\"2026-12-03T10:00:00Z\"", NULL, 30 },
	{ "already ran", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\"}",
	  "{\"lastScheduleTime\":\"2026-12-03T10:00:00Z\",\"active\":[{\"kind\":\"Job\",\"name\":\"cj-29938200\",\"uid\":\"ja\"}]}",
	  { "A" }, NULL, 0, NULL, NULL, 30 },
	{ "saw completed", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\"}",
	  "{\"lastScheduleTime\":\"2026-12-03T10:00:00Z\",\"active\":[{\"kind\":\"Job\",\"name\":\"cj-29938199\",\"uid\":\"jd\"}]}",
	  { "D" }, NULL, 0, "\"lastSuccessfulTime\":\"2026-12-03T09:59:20Z\"", "SawCompletedJob", 30 },
	{ "missing job", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\"}",
	  "{\"lastScheduleTime\":\"2026-12-03T10:00:00Z\",\"active\":[{\"kind\":\"Job\",\"name\":\"x\",\"uid\":\"gone\"}]}",
	  { NULL }, NULL, 0, "{\"lastScheduleTime\":\"2026-12-03T10:00:00Z\"}", "MissingJob", 30 },
	{ "forbid", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\",\"concurrencyPolicy\":\"Forbid\"}",
	  "{\"lastScheduleTime\":\"2026-12-03T09:59:00Z\",\"active\":[{\"kind\":\"Job\",\"name\":\"cj-29938199\",\"uid\":\"jx\"}]}",
	  { "{\"metadata\":{\"name\":\"cj-29938199\",\"uid\":\"jx\"}}" }, NULL, 0, NULL, "JobAlreadyActive", 30 },
	{ "allow", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\",\"concurrencyPolicy\":\"Allow\"}",
	  "{\"lastScheduleTime\":\"2026-12-03T09:59:00Z\",\"active\":[{\"kind\":\"Job\",\"name\":\"cj-29938199\",\"uid\":\"jx\"}]}",
	  { "{\"metadata\":{\"name\":\"cj-29938199\",\"uid\":\"jx\"}}" }, "cj-29938200", 0,
	  "\"lastScheduleTime\":\"2026-12-03T10:00:00Z\"", NULL, 30 },
	{ "replace", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\",\"concurrencyPolicy\":\"Replace\"}",
	  "{\"lastScheduleTime\":\"2026-12-03T09:59:00Z\",\"active\":[{\"kind\":\"Job\",\"name\":\"cj-29938199\",\"uid\":\"jx\"}]}",
	  { "{\"metadata\":{\"name\":\"cj-29938199\",\"uid\":\"jx\"}}" }, "cj-29938200", 1,
	  "{\"lastScheduleTime\":\"2026-12-03T10:00:00Z\"}", "SuccessfulDelete", 30 },
	{ "suspended", "{\"schedule\":\"*/1 * * * *\",\"suspend\":true}", "{}", { NULL }, NULL, 0, NULL, NULL, -1 },
	{ "missed deadline", "{\"schedule\":\"0 * * * *\",\"timeZone\":\"UTC\",\"startingDeadlineSeconds\":10}",
	  "{\"lastScheduleTime\":\"2026-12-03T09:00:00Z\"}", { NULL }, NULL, 0, NULL, NULL, 3570 },
	{ "within deadline", "{\"schedule\":\"0 * * * *\",\"timeZone\":\"UTC\",\"startingDeadlineSeconds\":60}",
	  "{\"lastScheduleTime\":\"2026-12-03T09:00:00Z\"}", { NULL }, "cj-29938200", 0,
	  "\"lastScheduleTime\":\"2026-12-03T10:00:00Z\"", NULL, 3570 },
	{ "not yet", "{\"schedule\":\"0 12 * * *\",\"timeZone\":\"UTC\"}", "{}", { NULL }, NULL, 0, NULL, NULL,
	  2 * 3600 - 30 },
	{ "too many missed", "{\"schedule\":\"*/1 * * * *\",\"timeZone\":\"UTC\"}",
	  "{\"lastScheduleTime\":\"2026-12-01T10:00:00Z\"}", { NULL }, "cj-29938200", 0,
	  "\"lastScheduleTime\":\"2026-12-03T10:00:00Z\"", "TooManyMissedTimes", 30 },
	{ "bad schedule", "{\"schedule\":\"*/0 * * * *\"}", "{}", { NULL }, NULL, 0, NULL, "UnparseableSchedule", -1 },
	{ "bad zone", "{\"schedule\":\"* * * * *\",\"timeZone\":\"Mars/Base\"}", "{}", { NULL }, NULL, 0, NULL,
	  "UnknownTimeZone", -1 },
	{ "history limits", "{\"schedule\":\"0 12 * * *\",\"timeZone\":\"UTC\",\"successfulJobsHistoryLimit\":0,\"failedJobsHistoryLimit\":1}",
	  "{}", { "D" }, NULL, 1, "\"lastSuccessfulTime\"", "SuccessfulDelete", 2 * 3600 - 30 },
};

TEST(plan_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[1024];
		snprintf(buf, sizeof(buf),
			 "{\"metadata\":{\"name\":\"cj\",\"namespace\":\"ns\",\"uid\":\"u1\","
			 "\"creationTimestamp\":\"2026-12-03T09:59:40Z\"},\"spec\":%s,\"status\":%s}",
			 cases[i].spec, cases[i].status);
		cJSON *cj = parse(buf);
		cJSON *arr = cJSON_CreateArray();
		const cJSON *jobs[4];
		size_t n = 0;
		for (; n < 4 && cases[i].jobs[n]; n++) {
			const char *s = cases[i].jobs[n];
			s = strcmp(s, "A") == 0 ? job_active : strcmp(s, "D") == 0 ? job_done : s;
			cJSON *j = parse(s);
			cJSON_AddItemToArray(arr, j);
			jobs[n] = j;
		}
		controller_manager_cronjob_plan_t p;
		controller_manager_cronjob_plan(cj, jobs, n, NOW, &p);
		char *st = p.status ? kube_json_compact(p.status) : NULL;
		const char *created = p.create ? kube_json_get_str(p.create, "metadata.name") : NULL;
		bool has_event = !cases[i].event && p.n_events == 0;
		for (size_t e = 0; e < p.n_events; e++)
			if (cases[i].event && strcmp(p.events[e].reason, cases[i].event) == 0)
				has_event = true;
		bool ok = kube_streq(created, cases[i].create) && (int)p.n_deletes == cases[i].deletes &&
			  p.requeue_after == cases[i].requeue && has_event &&
			  (cases[i].want_status ? st && strstr(st, cases[i].want_status) : !st);
		if (!ok)
			printf("%s: create %s deletes %zu requeue %lld events %zu (%s) status %s\n", cases[i].name,
			       created ? created : "-", p.n_deletes, (long long)p.requeue_after, p.n_events,
			       p.n_events ? p.events[0].reason : "-", st ? st : "(unchanged)");
		kube_free(st);
		controller_manager_cronjob_plan_clear(&p);
		cJSON_Delete(arr);
		cJSON_Delete(cj);
		ASSERT_TRUE(ok);
	}
}

TEST(job_from_template)
{
	cJSON *cj = parse("{\"metadata\":{\"name\":\"hello\",\"namespace\":\"ns\",\"uid\":\"u1\",\"creationTimestamp\":\"2026-12-03T07:00:00Z\"},"
			  "\"spec\":{\"schedule\":\"0 9 * * *\",\"timeZone\":\"Europe/Berlin\","
			  "\"jobTemplate\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"completions\":2}}}}");
	cJSON *job = controller_manager_cronjob_job(cj, 1796284800 /* 08:00Z */, 3600);
	ASSERT_STREQ(kube_json_get_str(job, "metadata.name"), "hello-29938080");
	ASSERT_STREQ(kube_json_get_str(job, "metadata.namespace"), "ns");
	ASSERT_STREQ(kube_json_get_str(job, "metadata.labels.a"), "b");
	ASSERT_STREQ(kube_json_get_str(job, "metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']"),
		     "2026-12-03T09:00:00+01:00");
	ASSERT_STREQ(kube_json_get_str(job, "metadata.ownerReferences[0].kind"), "CronJob");
	ASSERT_EQ(kube_json_get_int64(job, "spec.completions", 0), 2);
	cJSON *ref = controller_manager_cronjob_job_ref(job);
	ASSERT_STREQ(kube_json_get_str(ref, "name"), "hello-29938080");
	ASSERT_STREQ(kube_json_get_str(ref, "apiVersion"), "batch/v1");
	cJSON_Delete(ref);
	cJSON_Delete(job);
	/* the planned job carries the zone's offset */
	controller_manager_cronjob_plan_t p;
	controller_manager_cronjob_plan(cj, NULL, 0, 1796284800 + 5, &p);
	ASSERT_NOT_NULL(p.create);
	ASSERT_STREQ(kube_json_get_str(p.create, "metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']"),
		     "2026-12-03T09:00:00+01:00");
	controller_manager_cronjob_plan_clear(&p);
	cJSON_Delete(cj);
}
