/* controller_manager_job_logic: Job decisions, see the header. */
#include "controller_manager_job_logic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"

#define MAX_INDEXED_COMPLETIONS 100000

void controller_manager_job_plan_clear(controller_manager_job_plan_t *p)
{
	cJSON_Delete(p->status);
	kube_free(p->indexes);
	kube_free(p->index_failures);
	kube_free(p->owned_message);
	for (size_t i = 0; i < p->n_deletes; i++)
		kube_free(p->deletes[i]);
	kube_free(p->deletes);
	memset(p, 0, sizeof(*p));
}

bool controller_manager_job_finished(const cJSON *job, int64_t *ret_time)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, kube_json_get(job, "status.conditions"))
	{
		const char *t = kube_json_get_str(c, "type");
		if ((kube_streq(t, "Complete") || kube_streq(t, "Failed")) &&
		    kube_streq(kube_json_get_str(c, "status"), "True")) {
			if (ret_time)
				*ret_time = controller_manager_podutil_time(c, "lastTransitionTime", 0);
			return true;
		}
	}
	return false;
}

int controller_manager_job_pod_index(const cJSON *pod)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(kube_json_get(pod, "metadata.annotations"),
							  CONTROLLER_MANAGER_JOB_INDEX_KEY);
	const char *s = cJSON_GetStringValue(a);
	if (!s || !*s || strlen(s) > 9)
		return -1;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	if (s[0] == '0' && s[1])
		return -1;
	return atoi(s);
}

char *controller_manager_job_format_indexes(const bool *set, int n)
{
	kube_buf_t b = KUBE_BUF_INIT;
	for (int i = 0; i < n;) {
		if (!set[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j + 1 < n && set[j + 1])
			j++;
		if (b.len)
			kube_buf_append(&b, ",", 1);
		if (j == i)
			kube_buf_printf(&b, "%d", i);
		else
			kube_buf_printf(&b, "%d-%d", i, j);
		i = j + 1;
	}
	return kube_buf_steal(&b);
}

void controller_manager_job_parse_indexes(const char *s, bool *set, int n)
{
	while (s && *s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s)
			return;
		if (*end == '-') {
			const char *q = end + 1;
			b = strtol(q, &end, 10);
			if (end == q)
				return;
		}
		for (long i = a < 0 ? 0 : a; i <= b && i < n; i++)
			set[i] = true;
		if (*end != ',')
			return;
		s = end + 1;
	}
}

cJSON *controller_manager_job_pod(const cJSON *job, int index)
{
	const char *name = kube_json_get_str(job, "metadata.name");
	const char *ns = kube_json_get_str(job, "metadata.namespace");
	cJSON *tmpl = kube_json_get(job, "spec.template");
	cJSON *pod = cJSON_CreateObject();
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON *meta = kube_json_dup(cJSON_GetObjectItemCaseSensitive(tmpl, "metadata"));
	if (!cJSON_IsObject(meta)) {
		cJSON_Delete(meta);
		meta = cJSON_CreateObject();
	}
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "name");
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
	cJSON_DeleteItemFromObjectCaseSensitive(meta, "generateName");
	cJSON_AddItemToObject(pod, "metadata", meta);
	cJSON *spec = kube_json_dup(cJSON_GetObjectItemCaseSensitive(tmpl, "spec"));
	cJSON_AddItemToObject(pod, "spec", spec ? spec : cJSON_CreateObject());
	spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");

	_cleanup_free_ char *gen = index >= 0 ? kube_asprintf("%s-%d-", name ? name : "job", index)
					      : kube_asprintf("%s-", name ? name : "job");
	cJSON_AddStringToObject(meta, "generateName", gen);
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(job, "batch/v1", "Job"));
	if (index >= 0) {
		char ibuf[16];
		snprintf(ibuf, sizeof(ibuf), "%d", index);
		kube_json_set(meta, "annotations['" CONTROLLER_MANAGER_JOB_INDEX_KEY "']",
			      cJSON_CreateString(ibuf));
		kube_json_set(meta, "labels['" CONTROLLER_MANAGER_JOB_INDEX_KEY "']",
			      cJSON_CreateString(ibuf));
		_cleanup_free_ char *host = kube_asprintf("%s-%d", name ? name : "job", index);
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "hostname");
		cJSON_AddStringToObject(spec, "hostname", host);
		cJSON *c;
		const char *lists[] = { "containers", "initContainers" };
		for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
			cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, lists[l]))
			{
				cJSON *env = cJSON_GetObjectItemCaseSensitive(c, "env");
				if (!cJSON_IsArray(env)) {
					cJSON_DeleteItemFromObjectCaseSensitive(c, "env");
					env = cJSON_AddArrayToObject(c, "env");
				}
				bool has = false;
				cJSON *e;
				cJSON_ArrayForEach(e, env)
				{
					if (kube_streq(kube_json_get_str(e, "name"), "JOB_COMPLETION_INDEX"))
						has = true;
				}
				if (has)
					continue;
				e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "name", "JOB_COMPLETION_INDEX");
				kube_json_set_str(e, "valueFrom.fieldRef.fieldPath",
						  "metadata.labels['" CONTROLLER_MANAGER_JOB_INDEX_KEY "']");
				cJSON_AddItemToArray(env, e);
			}
		}
	}
	return pod;
}

static void add_delete(controller_manager_job_plan_t *p, const cJSON *pod)
{
	const char *name = kube_json_get_str(pod, "metadata.name");
	if (!name)
		return;
	p->deletes = kube_realloc(p->deletes, (p->n_deletes + 1) * sizeof(char *));
	p->deletes[p->n_deletes++] = kube_strdup(name);
}

/* Deletion order: not ready before ready, then newest first. */
static int delete_order(const void *a, const void *b)
{
	const cJSON *pa = *(const cJSON *const *)a, *pb = *(const cJSON *const *)b;
	bool ra = controller_manager_podutil_ready(pa), rb = controller_manager_podutil_ready(pb);
	if (ra != rb)
		return ra ? 1 : -1;
	int64_t ta = controller_manager_podutil_time(pa, "metadata.creationTimestamp", 0);
	int64_t tb = controller_manager_podutil_time(pb, "metadata.creationTimestamp", 0);
	if (ta != tb)
		return ta > tb ? -1 : 1;
	const char *na = kube_json_get_str(pa, "metadata.name"), *nb = kube_json_get_str(pb, "metadata.name");
	return strcmp(nb ? nb : "", na ? na : "");
}

static void set_count(cJSON *status, const char *key, int64_t v, bool omit_zero)
{
	cJSON_DeleteItemFromObjectCaseSensitive(status, key);
	if (v || !omit_zero)
		cJSON_AddNumberToObject(status, key, (double)v);
}

/* spec.podFailurePolicy: the action of the first rule a Failed pod
 * matches ("FailJob", "Ignore", "Count", "FailIndex"), or NULL; *ret_msg
 * gets upstream's message for FailJob (kube_malloc'd). */
static const char *policy_action(const cJSON *job, const cJSON *pod, char **ret_msg)
{
	const cJSON *rule;
	int i = 0;
	cJSON_ArrayForEach(rule, kube_json_get(job, "spec.podFailurePolicy.rules"))
	{
		const char *action = kube_json_get_str(rule, "action");
		const cJSON *codes = kube_json_get(rule, "onExitCodes");
		const char *pod_ns = kube_json_get_str(pod, "metadata.namespace");
		const char *pod_name = kube_json_get_str(pod, "metadata.name");
		if (codes) {
			const char *want = kube_json_get_str(codes, "containerName");
			bool in = kube_streq(kube_json_get_str(codes, "operator"), "In");
			const char *lists[] = { "status.initContainerStatuses", "status.containerStatuses" };
			for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
				const cJSON *cs;
				cJSON_ArrayForEach(cs, kube_json_get(pod, lists[l]))
				{
					const cJSON *t = kube_json_get(cs, "state.terminated");
					if (!t || (want && !kube_streq(want, kube_json_get_str(cs, "name"))))
						continue;
					int64_t code = kube_json_get_int64(t, "exitCode", 0);
					if (code == 0)
						continue;
					bool listed = false;
					const cJSON *v;
					cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(codes, "values"))
					{
						listed |= cJSON_IsNumber(v) && (int64_t)v->valuedouble == code;
					}
					if (listed != in)
						continue;
					if (ret_msg)
						*ret_msg = kube_asprintf("Container %s for pod %s/%s failed with exit code %lld "
									 "matching %s rule at index %d",
									 kube_json_get_str(cs, "name"), pod_ns ? pod_ns : "",
									 pod_name ? pod_name : "", (long long)code, action, i);
					return action;
				}
			}
		}
		const cJSON *pc;
		cJSON_ArrayForEach(pc, kube_json_get(rule, "onPodConditions"))
		{
			const cJSON *c = controller_manager_podutil_condition(pod, kube_json_get_str(pc, "type"));
			const char *want = kube_json_get_str(pc, "status");
			if (!c || !kube_streq(kube_json_get_str(c, "status"), want ? want : "True"))
				continue;
			if (ret_msg)
				*ret_msg = kube_asprintf("Pod %s/%s has condition %s matching %s rule at index %d",
							 pod_ns ? pod_ns : "", pod_name ? pod_name : "",
							 kube_json_get_str(pc, "type"), action, i);
			return action;
		}
		i++;
	}
	return NULL;
}

/* Remaining pod-creation backoff after failures since the last success. */
static int64_t backoff_remaining(const cJSON *job, const cJSON *const *pods, size_t n, int64_t now)
{
	int64_t last_success = -1, last_failure = -1;
	for (size_t i = 0; i < n; i++)
		if (kube_streq(kube_json_get_str(pods[i], "status.phase"), "Succeeded")) {
			int64_t t = controller_manager_podutil_finish_time(pods[i]);
			if (t > last_success)
				last_success = t;
		}
	int failures = 0;
	for (size_t i = 0; i < n; i++)
		if (kube_streq(kube_json_get_str(pods[i], "status.phase"), "Failed") &&
		    !kube_streq(policy_action(job, pods[i], NULL), "Ignore")) {
			int64_t t = controller_manager_podutil_finish_time(pods[i]);
			if (t < last_success)
				continue;
			failures++;
			if (t > last_failure)
				last_failure = t;
		}
	if (!failures)
		return 0;
	int64_t delay = CONTROLLER_MANAGER_JOB_BACKOFF_BASE;
	for (int i = 1; i < failures && delay < CONTROLLER_MANAGER_JOB_BACKOFF_MAX; i++)
		delay *= 2;
	if (delay > CONTROLLER_MANAGER_JOB_BACKOFF_MAX)
		delay = CONTROLLER_MANAGER_JOB_BACKOFF_MAX;
	int64_t rem = last_failure + delay - now;
	return rem > 0 ? rem : 0;
}

static void requeue(controller_manager_job_plan_t *p, int64_t after)
{
	if (after < 0)
		return;
	if (p->requeue_after < 0 || after < p->requeue_after)
		p->requeue_after = after;
}

void controller_manager_job_plan(const cJSON *job, const cJSON *const *pods, size_t n_pods,
				 int64_t now, controller_manager_job_plan_t *p)
{
	memset(p, 0, sizeof(*p));
	p->requeue_after = -1;

	int64_t finish;
	if (controller_manager_job_finished(job, &finish)) {
		int64_t ttl = kube_json_get_int64(job, "spec.ttlSecondsAfterFinished", -1);
		if (ttl >= 0) {
			if (now >= finish + ttl)
				p->delete_job = true;
			else
				requeue(p, finish + ttl - now);
		}
		return;
	}

	const cJSON *old = kube_json_get(job, "status");
	cJSON *st = cJSON_IsObject(old) ? kube_json_dup(old) : cJSON_CreateObject();
	int64_t parallelism = kube_json_get_int64(job, "spec.parallelism", 1);
	int64_t completions = kube_json_get_int64(job, "spec.completions", -1);
	int64_t backoff_limit = kube_json_get_int64(job, "spec.backoffLimit", 6);
	int64_t deadline = kube_json_get_int64(job, "spec.activeDeadlineSeconds", -1);
	bool indexed = kube_streq(kube_json_get_str(job, "spec.completionMode"), "Indexed") &&
		       completions >= 0 && completions <= MAX_INDEXED_COMPLETIONS;
	bool suspend = kube_json_get_bool(job, "spec.suspend", false);
	if (parallelism < 0)
		parallelism = 0;

	/* classify the pods */
	_cleanup_free_ char *policy_msg = NULL;
	const cJSON **active = kube_calloc(n_pods + 1, sizeof(*active));
	size_t n_active = 0;
	int64_t ready = 0, terminating = 0, n_succeeded = 0, n_failed = 0;
	bool *done = indexed ? kube_calloc((size_t)completions + 1, sizeof(bool)) : NULL;
	if (done)
		controller_manager_job_parse_indexes(kube_json_get_str(old, "completedIndexes"), done,
						     (int)completions);
	/* backoffLimitPerIndex: failures per index, and the indexes given up */
	int64_t per_index = indexed ? kube_json_get_int64(job, "spec.backoffLimitPerIndex", -1) : -1;
	int *idx_fail = per_index >= 0 ? kube_calloc((size_t)completions + 1, sizeof(int)) : NULL;
	bool *idx_failed = per_index >= 0 ? kube_calloc((size_t)completions + 1, sizeof(bool)) : NULL;
	if (idx_failed)
		controller_manager_job_parse_indexes(kube_json_get_str(old, "failedIndexes"), idx_failed,
						     (int)completions);
	for (size_t i = 0; i < n_pods; i++) {
		const cJSON *pod = pods[i];
		const char *ph = kube_json_get_str(pod, "status.phase");
		if (kube_streq(ph, "Succeeded")) {
			int idx = indexed ? controller_manager_job_pod_index(pod) : -1;
			if (!indexed)
				n_succeeded++;
			else if (idx >= 0 && idx < completions)
				done[idx] = true;
		} else if (kube_streq(ph, "Failed")) {
			char *msg = NULL;
			const char *action = policy_action(job, pod, &msg);
			if (kube_streq(action, "FailJob") && !policy_msg) {
				policy_msg = msg;
				msg = NULL;
			}
			kube_free(msg);
			if (!kube_streq(action, "Ignore"))
				n_failed++;
			int idx = idx_fail ? controller_manager_job_pod_index(pod) : -1;
			if (idx >= 0 && idx < completions && !kube_streq(action, "Ignore")) {
				idx_fail[idx]++;
				if (kube_streq(action, "FailIndex") || idx_fail[idx] > per_index)
					idx_failed[idx] = true;
			}
		} else if (controller_manager_podutil_deleting(pod)) {
			terminating++;
		} else {
			active[n_active++] = pod;
			if (controller_manager_podutil_ready(pod))
				ready++;
		}
	}
	int64_t succeeded;
	if (indexed) {
		succeeded = 0;
		for (int64_t i = 0; i < completions; i++)
			succeeded += done[i];
	} else {
		succeeded = KUBE_MAX(n_succeeded, kube_json_get_int64(old, "succeeded", 0));
	}
	int64_t failed = KUBE_MAX(n_failed, kube_json_get_int64(old, "failed", 0));

	/* suspension and start time */
	bool was_suspended = controller_manager_podutil_condition_true(job, "Suspended");
	if (!suspend && was_suspended) {
		controller_manager_podutil_set_condition(st, "Suspended", "False", "JobResumed",
							 "Job resumed", now, true);
		controller_manager_podutil_set_time(st, "startTime", now);
		p->event_type = "Normal";
		p->event_reason = "Resumed";
		p->event_message = "Job resumed";
	}
	if (!suspend && !kube_json_get(st, "startTime"))
		controller_manager_podutil_set_time(st, "startTime", now);
	int64_t start = controller_manager_podutil_time(st, "startTime", now);

	int64_t n_failed_idx = 0, n_settled = succeeded;
	for (int64_t i = 0; idx_failed && i < completions; i++) {
		if (done[i])
			idx_failed[i] = false;
		n_failed_idx += idx_failed[i];
		n_settled += idx_failed[i];
	}
	int64_t max_failed_idx = kube_json_get_int64(job, "spec.maxFailedIndexes", -1);

	/* finished? */
	const char *fail_reason = NULL, *fail_message = NULL;
	if (idx_failed && max_failed_idx >= 0 && n_failed_idx > max_failed_idx) {
		fail_reason = "MaxFailedIndexesExceeded";
		fail_message = "Job has exceeded the specified maximal number of failed indexes";
	} else if (idx_failed && n_failed_idx > 0 && n_settled >= completions) {
		fail_reason = "FailedIndexes";
		fail_message = "Job has failed indexes";
	} else if (policy_msg) {
		fail_reason = "PodFailurePolicy";
		fail_message = policy_msg;
	} else if (failed > backoff_limit) {
		fail_reason = "BackoffLimitExceeded";
		fail_message = "Job has reached the specified backoff limit";
	} else if (deadline >= 0 && !suspend && now - start >= deadline) {
		fail_reason = "DeadlineExceeded";
		fail_message = "Job was active longer than specified deadline";
	} else if (deadline >= 0 && !suspend) {
		requeue(p, start + deadline - now);
	}
	bool complete = false;
	const char *done_reason = "CompletionsReached";
	char done_message[64] = "Reached expected number of succeeded pods";
	if (!fail_reason) {
		if (indexed || completions >= 0)
			complete = succeeded >= completions;
		else
			complete = succeeded > 0 && n_active == 0;
	}
	/* successPolicy (Indexed): the first rule met ends the Job */
	const cJSON *rule;
	int rule_i = 0;
	const cJSON *rules = indexed && !fail_reason && !complete ? kube_json_get(job, "spec.successPolicy.rules") : NULL;
	cJSON_ArrayForEach(rule, rules)
	{
		const char *set = kube_json_get_str(rule, "succeededIndexes");
		int64_t want = kube_json_get_int64(rule, "succeededCount", -1);
		bool *in = kube_calloc((size_t)completions + 1, sizeof(bool));
		int64_t size = 0, got = 0;
		if (set)
			controller_manager_job_parse_indexes(set, in, (int)completions);
		for (int64_t i = 0; i < completions; i++) {
			if (!set)
				in[i] = true;
			size += in[i];
			got += in[i] && done[i];
		}
		kube_free(in);
		if (want < 0)
			want = size;
		if ((set || want >= 0) && size > 0 && got >= want) {
			complete = true;
			done_reason = "SuccessPolicy";
			snprintf(done_message, sizeof(done_message), "Matched rules at index %d", rule_i);
			break;
		}
		rule_i++;
	}

	int64_t n_active_after = (int64_t)n_active;
	if (fail_reason || complete || suspend) {
		for (size_t i = 0; i < n_active; i++)
			add_delete(p, active[i]);
		terminating += (int64_t)n_active;
		n_active_after = 0;
		ready = 0;
	}
	if (fail_reason) {
		controller_manager_podutil_set_condition(st, "FailureTarget", "True", fail_reason,
							 fail_message, now, true);
		controller_manager_podutil_set_condition(st, "Failed", "True", fail_reason, fail_message,
							 now, true);
		p->event_type = "Warning";
		p->event_reason = fail_reason;
		if (fail_message == policy_msg) {
			p->owned_message = kube_strdup(policy_msg);
			p->event_message = p->owned_message;
		} else {
			p->event_message = fail_message;
		}
	} else if (complete) {
		controller_manager_podutil_set_condition(st, "SuccessCriteriaMet", "True", done_reason,
							 done_message, now, true);
		controller_manager_podutil_set_condition(st, "Complete", "True", done_reason, done_message,
							 now, true);
		controller_manager_podutil_set_time(st, "completionTime", now);
		p->event_type = "Normal";
		p->event_reason = "Completed";
		p->event_message = "Job completed";
	} else if (suspend) {
		if (controller_manager_podutil_set_condition(st, "Suspended", "True", "JobSuspended",
							     "Job suspended", now, true)) {
			p->event_type = "Normal";
			p->event_reason = "Suspended";
			p->event_message = "Job suspended";
		}
	} else if (indexed) {
		/* one active pod per wanted index; the rest go */
		bool *covered = kube_calloc((size_t)completions + 1, sizeof(bool));
		int64_t valid = 0;
		for (size_t i = 0; i < n_active; i++) {
			int idx = controller_manager_job_pod_index(active[i]);
			if (idx < 0 || idx >= completions || done[idx] || covered[idx] || (idx_failed && idx_failed[idx])) {
				add_delete(p, active[i]);
				n_active_after--;
				continue;
			}
			covered[idx] = true;
			valid++;
		}
		if (valid > parallelism) {
			for (int64_t idx = completions - 1; idx >= 0 && valid > parallelism; idx--) {
				if (!covered[idx])
					continue;
				for (size_t i = 0; i < n_active; i++)
					if (controller_manager_job_pod_index(active[i]) == idx) {
						add_delete(p, active[i]);
						n_active_after--;
						break;
					}
				valid--;
			}
		} else {
			int64_t room = KUBE_MIN(parallelism - valid, CONTROLLER_MANAGER_JOB_BURST);
			int64_t rem = room > 0 ? backoff_remaining(job, pods, n_pods, now) : 0;
			if (rem > 0) {
				requeue(p, rem);
				room = 0;
			}
			p->indexes = kube_calloc((size_t)(room > 0 ? room : 1), sizeof(int));
			p->index_failures = kube_calloc((size_t)(room > 0 ? room : 1), sizeof(int));
			for (int64_t idx = 0; idx < completions && (int64_t)p->n_indexes < room; idx++)
				if (!done[idx] && !covered[idx] && !(idx_failed && idx_failed[idx])) {
					p->index_failures[p->n_indexes] = idx_fail ? idx_fail[idx] : 0;
					p->indexes[p->n_indexes++] = (int)idx;
				}
		}
		kube_free(covered);
	} else {
		int64_t want;
		if (completions < 0)
			want = succeeded > 0 ? (int64_t)n_active : parallelism;
		else
			want = KUBE_MAX(0, KUBE_MIN(completions - succeeded, parallelism));
		if ((int64_t)n_active > want) {
			qsort(active, n_active, sizeof(*active), delete_order);
			for (size_t i = 0; i < n_active - (size_t)want; i++)
				add_delete(p, active[i]);
			n_active_after = want;
		} else if (want > (int64_t)n_active) {
			int64_t rem = backoff_remaining(job, pods, n_pods, now);
			if (rem > 0)
				requeue(p, rem);
			else
				p->create = (int)KUBE_MIN(want - (int64_t)n_active, CONTROLLER_MANAGER_JOB_BURST);
		}
	}

	set_count(st, "active", n_active_after, true);
	set_count(st, "succeeded", succeeded, true);
	set_count(st, "failed", failed, true);
	set_count(st, "ready", ready, false);
	set_count(st, "terminating", terminating, false);
	if (indexed) {
		char *s = controller_manager_job_format_indexes(done, (int)completions);
		cJSON_DeleteItemFromObjectCaseSensitive(st, "completedIndexes");
		if (*s)
			cJSON_AddStringToObject(st, "completedIndexes", s);
		kube_free(s);
		if (idx_failed) {
			s = controller_manager_job_format_indexes(idx_failed, (int)completions);
			cJSON_DeleteItemFromObjectCaseSensitive(st, "failedIndexes");
			cJSON_AddStringToObject(st, "failedIndexes", s);
			kube_free(s);
		}
	}
	if (cJSON_IsObject(old) && kube_json_equal(old, st))
		cJSON_Delete(st);
	else
		p->status = st;
	kube_free(done);
	kube_free(idx_fail);
	kube_free(idx_failed);
	kube_free(active);
}
