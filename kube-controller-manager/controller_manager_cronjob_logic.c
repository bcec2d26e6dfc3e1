/* controller_manager_cronjob_logic: CronJob decisions, see the header. */
#include "controller_manager_cronjob_logic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_time.h"
#include "controller_manager_cron.h"
#include "controller_manager_job_logic.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"
#include "controller_manager_tz.h"

void controller_manager_cronjob_plan_clear(controller_manager_cronjob_plan_t *p)
{
	cJSON_Delete(p->status);
	cJSON_Delete(p->create);
	for (size_t i = 0; i < p->n_deletes; i++)
		kube_free(p->deletes[i]);
	kube_free(p->deletes);
	for (size_t i = 0; i < p->n_events; i++)
		kube_free(p->events[i].message);
	memset(p, 0, sizeof(*p));
}

static void KUBE_PRINTF(4, 5) event(controller_manager_cronjob_plan_t *p, const char *type,
				    const char *reason, const char *fmt, ...)
{
	if (p->n_events >= CONTROLLER_MANAGER_CRONJOB_MAX_EVENTS)
		return;
	va_list ap;
	va_start(ap, fmt);
	p->events[p->n_events].type = type;
	p->events[p->n_events].reason = reason;
	p->events[p->n_events].message = kube_vasprintf(fmt, ap);
	p->n_events++;
	va_end(ap);
}

static void add_delete(controller_manager_cronjob_plan_t *p, const char *name)
{
	if (!name)
		return;
	for (size_t i = 0; i < p->n_deletes; i++)
		if (strcmp(p->deletes[i], name) == 0)
			return;
	p->deletes = kube_realloc(p->deletes, (p->n_deletes + 1) * sizeof(char *));
	p->deletes[p->n_deletes++] = kube_strdup(name);
}

cJSON *controller_manager_cronjob_job_ref(const cJSON *job)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "kind", "Job");
	const char *keys[][2] = { { "namespace", "metadata.namespace" },
				  { "name", "metadata.name" },
				  { "uid", "metadata.uid" },
				  { "resourceVersion", "metadata.resourceVersion" } };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = kube_json_get_str(job, keys[i][1]);
		if (v)
			cJSON_AddStringToObject(r, keys[i][0], v);
	}
	cJSON_AddStringToObject(r, "apiVersion", "batch/v1");
	return r;
}

/* RFC 3339 in the zone with offset off ("...Z" when 0), as Go prints it. */
static void format_in_zone(int64_t t, int32_t off, char *buf, size_t size)
{
	char utc[KUBE_TIME_RFC3339_SIZE];
	kube_time_format_rfc3339((t + off) * KUBE_NS_PER_SEC, utc, sizeof(utc));
	if (off == 0) {
		snprintf(buf, size, "%s", utc);
		return;
	}
	int32_t a = off < 0 ? -off : off;
	snprintf(buf, size, "%.19s%c%02d:%02d", utc, off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
}

cJSON *controller_manager_cronjob_job(const cJSON *cj, int64_t t, int32_t tz_offset)
{
	const char *name = kube_json_get_str(cj, "metadata.name");
	const char *ns = kube_json_get_str(cj, "metadata.namespace");
	const cJSON *tmpl = kube_json_get(cj, "spec.jobTemplate");
	cJSON *job = cJSON_CreateObject();
	cJSON_AddStringToObject(job, "apiVersion", "batch/v1");
	cJSON_AddStringToObject(job, "kind", "Job");
	cJSON *meta = cJSON_AddObjectToObject(job, "metadata");
	_cleanup_free_ char *jname = kube_asprintf("%s-%lld", name ? name : "cronjob", (long long)(t / 60));
	cJSON_AddStringToObject(meta, "name", jname);
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	const cJSON *labels = kube_json_get(tmpl, "metadata.labels");
	cJSON_AddItemToObject(meta, "labels", cJSON_IsObject(labels) ? kube_json_dup(labels) : cJSON_CreateObject());
	const cJSON *ann = kube_json_get(tmpl, "metadata.annotations");
	cJSON *a = cJSON_IsObject(ann) ? kube_json_dup(ann) : cJSON_CreateObject();
	char ts[40];
	format_in_zone(t, tz_offset, ts, sizeof(ts));
	cJSON_DeleteItemFromObjectCaseSensitive(a, CONTROLLER_MANAGER_CRONJOB_SCHEDULED_KEY);
	cJSON_AddStringToObject(a, CONTROLLER_MANAGER_CRONJOB_SCHEDULED_KEY, ts);
	cJSON_AddItemToObject(meta, "annotations", a);
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(cj, "batch/v1", "CronJob"));
	const cJSON *spec = kube_json_get(tmpl, "spec");
	cJSON_AddItemToObject(job, "spec", cJSON_IsObject(spec) ? kube_json_dup(spec) : cJSON_CreateObject());
	return job;
}

static const cJSON *find_job_by_uid(const cJSON *const *jobs, size_t n, const char *uid)
{
	for (size_t i = 0; uid && i < n; i++)
		if (kube_streq(kube_json_get_str(jobs[i], "metadata.uid"), uid))
			return jobs[i];
	return NULL;
}

static int64_t job_start(const cJSON *j)
{
	return controller_manager_podutil_time(j, "status.startTime", INT64_MAX);
}

static int by_start(const void *a, const void *b)
{
	const cJSON *ja = *(const cJSON *const *)a, *jb = *(const cJSON *const *)b;
	int64_t ta = job_start(ja), tb = job_start(jb);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return strcmp(kube_json_get_str(ja, "metadata.name") ? kube_json_get_str(ja, "metadata.name") : "",
		      kube_json_get_str(jb, "metadata.name") ? kube_json_get_str(jb, "metadata.name") : "");
}

static void cleanup_history(controller_manager_cronjob_plan_t *p, const cJSON *cj,
			    const cJSON *const *jobs, size_t n)
{
	const cJSON *sl = kube_json_get(cj, "spec.successfulJobsHistoryLimit");
	const cJSON *fl = kube_json_get(cj, "spec.failedJobsHistoryLimit");
	if (!cJSON_IsNumber(sl) && !cJSON_IsNumber(fl))
		return;
	const cJSON **ok = kube_calloc(n + 1, sizeof(*ok)), **bad = kube_calloc(n + 1, sizeof(*bad));
	size_t n_ok = 0, n_bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (controller_manager_podutil_condition_true(jobs[i], "Complete"))
			ok[n_ok++] = jobs[i];
		else if (controller_manager_podutil_condition_true(jobs[i], "Failed"))
			bad[n_bad++] = jobs[i];
	}
	const struct {
		const cJSON *limit;
		const cJSON **list;
		size_t n;
	} sets[] = { { sl, ok, n_ok }, { fl, bad, n_bad } };
	for (size_t s = 0; s < 2; s++) {
		if (!cJSON_IsNumber(sets[s].limit))
			continue;
		int64_t limit = (int64_t)sets[s].limit->valuedouble;
		if (limit < 0 || (int64_t)sets[s].n <= limit)
			continue;
		qsort(sets[s].list, sets[s].n, sizeof(*sets[s].list), by_start);
		for (size_t i = 0; i < sets[s].n - (size_t)limit; i++) {
			const char *name = kube_json_get_str(sets[s].list[i], "metadata.name");
			add_delete(p, name);
			event(p, "Normal", "SuccessfulDelete", "Deleted job %s", name ? name : "");
		}
	}
	kube_free(ok);
	kube_free(bad);
}

static void rfc1123z(int64_t t, char *buf, size_t size)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mn[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t days = t / 86400 - (t % 86400 < 0), y;
	int64_t secs = t - days * 86400;
	unsigned m, d;
	kube_time_civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%s, %02u %s %04lld %02d:%02d:%02d +0000", wd[((days % 7) + 7) % 7], d,
		 mn[m - 1], (long long)y, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

void controller_manager_cronjob_plan(const cJSON *cj, const cJSON *const *jobs, size_t n_jobs,
				     int64_t now, controller_manager_cronjob_plan_t *p)
{
	memset(p, 0, sizeof(*p));
	p->requeue_after = -1;
	if (controller_manager_podutil_deleting(cj))
		return;
	const cJSON *old = kube_json_get(cj, "status");
	cJSON *st = cJSON_IsObject(old) ? kube_json_dup(old) : cJSON_CreateObject();
	_cleanup_free_ char *jname = NULL;

	/* the active list: drop finished and missing Jobs, note successes */
	cJSON *active = cJSON_GetObjectItemCaseSensitive(st, "active");
	for (size_t i = 0; i < n_jobs; i++) {
		const cJSON *j = jobs[i];
		int64_t fin;
		if (!controller_manager_job_finished(j, &fin))
			continue;
		const char *uid = kube_json_get_str(j, "metadata.uid");
		cJSON *r, *next;
		for (r = active ? active->child : NULL; r; r = next) {
			next = r->next;
			if (uid && kube_streq(kube_json_get_str(r, "uid"), uid)) {
				bool complete = controller_manager_podutil_condition_true(j, "Complete");
				event(p, "Normal", "SawCompletedJob", "Saw completed job: %s, condition: %s",
				      kube_json_get_str(j, "metadata.name"), complete ? "Complete" : "Failed");
				cJSON_Delete(cJSON_DetachItemViaPointer(active, r));
			}
		}
		int64_t ct = controller_manager_podutil_time(j, "status.completionTime", -1);
		if (ct >= 0 && controller_manager_podutil_condition_true(j, "Complete") &&
		    ct > controller_manager_podutil_time(st, "lastSuccessfulTime", -1))
			controller_manager_podutil_set_time(st, "lastSuccessfulTime", ct);
	}
	if (active) {
		cJSON *r, *next;
		for (r = active->child; r; r = next) {
			next = r->next;
			if (!find_job_by_uid(jobs, n_jobs, kube_json_get_str(r, "uid"))) {
				event(p, "Normal", "MissingJob", "Active job went missing: %s",
				      kube_json_get_str(r, "name") ? kube_json_get_str(r, "name") : "");
				cJSON_Delete(cJSON_DetachItemViaPointer(active, r));
			}
		}
		if (!cJSON_GetArraySize(active))
			cJSON_DeleteItemFromObjectCaseSensitive(st, "active");
		active = cJSON_GetObjectItemCaseSensitive(st, "active");
	}
	cleanup_history(p, cj, jobs, n_jobs);

	if (kube_json_get_bool(cj, "spec.suspend", false))
		goto out;
	const char *schedule = kube_json_get_str(cj, "spec.schedule");
	const char *zone = kube_json_get_str(cj, "spec.timeZone");
	controller_manager_cron_t *sched = NULL;
	char *err = NULL;
	int r = controller_manager_cron_parse(schedule ? schedule : "", zone, &sched, &err);
	if (r < 0) {
		if (zone && strstr(err ? err : "", "time zone"))
			event(p, "Warning", "UnknownTimeZone", "invalid timeZone: \"%s\" : %s", zone, err);
		else
			event(p, "Warning", "UnparseableSchedule", "unparseable schedule: \"%s\" : %s",
			      schedule ? schedule : "", err ? err : "");
		kube_free(err);
		goto out;
	}
	int64_t earliest = controller_manager_podutil_time(
		st, "lastScheduleTime", controller_manager_podutil_time(cj, "metadata.creationTimestamp", now));
	int64_t sds = kube_json_get_int64(cj, "spec.startingDeadlineSeconds", -1);
	if (sds >= 0 && now - sds > earliest)
		earliest = now - sds;
	int missed;
	int64_t scheduled = controller_manager_cron_most_recent(sched, earliest, now, &missed);
	if (missed > 100)
		event(p, "Warning", "TooManyMissedTimes",
		      "too many missed start times: %d. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
		      missed);
	int64_t next = controller_manager_cron_next(sched, now);
	if (next >= 0)
		p->requeue_after = next - now;
	if (scheduled < 0)
		goto out_sched;
	if (sds >= 0 && scheduled + sds < now) {
		char when[64];
		rfc1123z(scheduled, when, sizeof(when));
		event(p, "Warning", "MissSchedule", "Missed scheduled time to start a job: %s", when);
		goto out_sched;
	}
	jname = kube_asprintf("%s-%lld", kube_json_get_str(cj, "metadata.name"),
			      (long long)(scheduled / 60));
	const cJSON *ref;
	bool in_active = false;
	cJSON_ArrayForEach(ref, active)
	{
		if (kube_streq(kube_json_get_str(ref, "name"), jname))
			in_active = true;
	}
	if (in_active || controller_manager_podutil_time(st, "lastScheduleTime", -1) == scheduled)
		goto out_sched;
	const char *policy = kube_json_get_str(cj, "spec.concurrencyPolicy");
	if (kube_streq(policy, "Forbid") && cJSON_GetArraySize(active) > 0) {
		event(p, "Normal", "JobAlreadyActive",
		      "Not starting job because prior execution is running and concurrency policy is Forbid");
		goto out_sched;
	}
	if (kube_streq(policy, "Replace") && active) {
		cJSON_ArrayForEach(ref, active)
		{
			const char *n = kube_json_get_str(ref, "name");
			add_delete(p, n);
			event(p, "Normal", "SuccessfulDelete", "Deleted job %s", n ? n : "");
		}
		cJSON_DeleteItemFromObjectCaseSensitive(st, "active");
	}
	controller_manager_tz_t *tz = NULL;
	int32_t off = 0;
	if (zone && controller_manager_tz_load(zone, &tz) == 0) {
		off = controller_manager_tz_offset(tz, scheduled);
		controller_manager_tz_free(tz);
	}
	p->create = controller_manager_cronjob_job(cj, scheduled, off);
	controller_manager_podutil_set_time(st, "lastScheduleTime", scheduled);
out_sched:
	controller_manager_cron_free(sched);
out:
	if (cJSON_IsObject(old) ? kube_json_equal(old, st) : !st->child)
		cJSON_Delete(st);
	else
		p->status = st;
}
