/* controller_manager_pods: pod and ownership logic (see the header). */
#include "controller_manager_pods.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_core.h"
#include "core/kube_time.h"

bool controller_manager_pod_active(const cJSON *pod)
{
	const char *phase = kube_json_get_str(pod, "status.phase");
	if (kube_streq(phase, "Succeeded") || kube_streq(phase, "Failed"))
		return false;
	return kube_json_get(pod, "metadata.deletionTimestamp") == NULL;
}

static const cJSON *ready_condition(const cJSON *pod)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, kube_json_get(pod, "status.conditions"))
		if (kube_streq(kube_json_get_str(c, "type"), "Ready"))
			return c;
	return NULL;
}

bool controller_manager_pod_ready(const cJSON *pod)
{
	const cJSON *c = ready_condition(pod);
	return c && kube_streq(kube_json_get_str(c, "status"), "True");
}

static int64_t time_field(const cJSON *obj, const char *path)
{
	const char *s = kube_json_get_str(obj, path);
	int64_t ns = 0;
	if (!s || kube_time_parse_rfc3339(s, &ns) < 0)
		return 0;
	return ns;
}

int64_t controller_manager_pod_ready_since(const cJSON *pod)
{
	const cJSON *c = ready_condition(pod);
	if (!c || !kube_streq(kube_json_get_str(c, "status"), "True"))
		return 0;
	return time_field(c, "lastTransitionTime");
}

bool controller_manager_pod_available(const cJSON *pod, int64_t min_ready_seconds, int64_t now_ns)
{
	if (!controller_manager_pod_ready(pod))
		return false;
	if (min_ready_seconds <= 0)
		return true;
	int64_t since = controller_manager_pod_ready_since(pod);
	return since && since + min_ready_seconds * 1000000000LL <= now_ns;
}

int64_t controller_manager_obj_created(const cJSON *obj)
{
	return time_field(obj, "metadata.creationTimestamp");
}

typedef struct ranked {
	const cJSON *pod;
	const char *node;
	int phase;	/* Pending 0, Unknown 1, Running 2 */
	bool ready;
	int64_t cost;	/* controller.kubernetes.io/pod-deletion-cost */
	int rank;
	int64_t ready_since;
	int64_t restarts;
	int64_t created;
	const char *uid;
	int64_t now;
} ranked_t;

static int phase_ordinal(const char *p)
{
	if (kube_streq(p, "Pending"))
		return 0;
	if (kube_streq(p, "Running"))
		return 2;
	return 1;
}

static int64_t max_restarts(const cJSON *pod)
{
	int64_t m = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, kube_json_get(pod, "status.containerStatuses"))
		m = KUBE_MAX(m, kube_json_get_int64(c, "restartCount", 0));
	return m;
}

static int64_t log_rank(int64_t t, int64_t now)
{
	int64_t d = now - t;
	return d > 0 ? (int64_t)log2((double)d) : -1;
}

/* afterOrZero(t1, t2): t1 zero, or t1 after t2 */
static bool after_or_zero(int64_t t1, int64_t t2)
{
	if (t1 == 0 || t2 == 0)
		return t1 == 0;
	return t1 > t2;
}

/* Less(i, j): i should be deleted before j. */
static bool ranked_less(const ranked_t *a, const ranked_t *b)
{
	bool an = !a->node || !*a->node, bn = !b->node || !*b->node;
	if (!kube_streq(a->node ? a->node : "", b->node ? b->node : "") && (an || bn))
		return an;
	if (a->phase != b->phase)
		return a->phase < b->phase;
	if (a->ready != b->ready)
		return !a->ready;
	if (a->cost != b->cost)
		return a->cost < b->cost;
	if (a->rank != b->rank)
		return a->rank > b->rank;
	if (a->ready && b->ready && a->ready_since != b->ready_since) {
		if (!a->now || !a->ready_since || !b->ready_since)
			return after_or_zero(a->ready_since, b->ready_since);
		int64_t d = log_rank(a->ready_since, a->now) - log_rank(b->ready_since, a->now);
		if (d == 0)
			return strcmp(a->uid, b->uid) < 0;
		return d < 0;
	}
	if (a->restarts != b->restarts)
		return a->restarts > b->restarts;
	if (a->created != b->created) {
		if (!a->now || !a->created || !b->created)
			return after_or_zero(a->created, b->created);
		int64_t d = log_rank(a->created, a->now) - log_rank(b->created, a->now);
		if (d == 0)
			return strcmp(a->uid, b->uid) < 0;
		return d < 0;
	}
	return false;
}

static int ranked_cmp(const void *x, const void *y)
{
	const ranked_t *a = x, *b = y;
	if (ranked_less(a, b))
		return -1;
	if (ranked_less(b, a))
		return 1;
	return 0;
}

void controller_manager_pods_rank_for_deletion(const cJSON **pods, size_t n, int64_t now_ns)
{
	if (n < 2)
		return;
	ranked_t *r = kube_calloc(n, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		const cJSON *p = pods[i];
		r[i].pod = p;
		r[i].node = kube_json_get_str(p, "spec.nodeName");
		r[i].phase = phase_ordinal(kube_json_get_str(p, "status.phase"));
		r[i].ready = controller_manager_pod_ready(p);
		const char *cost = kube_json_get_str(p,
			"metadata.annotations['controller.kubernetes.io/pod-deletion-cost']");
		r[i].cost = cost ? strtoll(cost, NULL, 10) : 0;
		r[i].ready_since = controller_manager_pod_ready_since(p);
		r[i].restarts = max_restarts(p);
		r[i].created = controller_manager_obj_created(p);
		const char *uid = kube_json_get_str(p, "metadata.uid");
		r[i].uid = uid ? uid : "";
		r[i].now = now_ns;
	}
	for (size_t i = 0; i < n; i++) {
		if (!r[i].node || !*r[i].node)
			continue;
		for (size_t j = 0; j < n; j++)
			if (kube_streq(r[i].node, r[j].node))
				r[i].rank++;
	}
	/* a stable order: insertion sort over qsort's instability is not
	 * needed since ties keep upstream's "equal" meaning */
	qsort(r, n, sizeof(*r), ranked_cmp);
	for (size_t i = 0; i < n; i++)
		pods[i] = r[i].pod;
	kube_free(r);
}

int64_t controller_manager_pods_diff(const cJSON **pods, size_t n, int64_t want, int64_t burst,
				     int64_t now_ns)
{
	int64_t diff = (int64_t)n - want;
	if (diff < 0)
		return KUBE_MIN(-diff, burst);
	if (diff == 0)
		return 0;
	diff = KUBE_MIN(diff, burst);
	controller_manager_pods_rank_for_deletion(pods, n, now_ns);
	return -diff;
}

int64_t controller_manager_pods_next_batch(int64_t prev, int64_t left)
{
	int64_t b = prev > 0 ? prev * 2 : 1;
	return KUBE_MIN(b, left);
}

const cJSON *controller_manager_controller_ref(const cJSON *obj)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, kube_json_get(obj, "metadata.ownerReferences"))
		if (kube_json_get_bool(r, "controller", false))
			return r;
	return NULL;
}

controller_manager_claim_t controller_manager_claim(const cJSON *obj, const char *owner_uid,
						    const kube_selector_t *sel, bool owner_deleting)
{
	const cJSON *ref = controller_manager_controller_ref(obj);
	bool matches = sel && !kube_selector_empty(sel) &&
		       kube_selector_matches(sel, kube_json_get(obj, "metadata.labels"));
	if (ref) {
		if (!kube_streq(kube_json_get_str(ref, "uid"), owner_uid))
			return CM_CLAIM_IGNORE;
		if (matches)
			return CM_CLAIM_OWNED;
		/* ours but not matching: release, unless we are going away */
		return owner_deleting ? CM_CLAIM_IGNORE : CM_CLAIM_RELEASE;
	}
	/* an orphan */
	if (owner_deleting || !matches)
		return CM_CLAIM_IGNORE;
	if (kube_json_get(obj, "metadata.deletionTimestamp"))
		return CM_CLAIM_IGNORE;
	return CM_CLAIM_ADOPT;
}

cJSON *controller_manager_owner_ref(const cJSON *owner, const char *api_version, const char *kind)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "apiVersion", api_version);
	cJSON_AddStringToObject(r, "kind", kind);
	const char *name = kube_json_get_str(owner, "metadata.name");
	const char *uid = kube_json_get_str(owner, "metadata.uid");
	cJSON_AddStringToObject(r, "name", name ? name : "");
	cJSON_AddStringToObject(r, "uid", uid ? uid : "");
	cJSON_AddBoolToObject(r, "controller", true);
	cJSON_AddBoolToObject(r, "blockOwnerDeletion", true);
	return r;
}

static char *refs_patch(const cJSON *obj, const cJSON *add, const char *drop_uid)
{
	cJSON *patch = cJSON_CreateObject();
	cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	const cJSON *r;
	cJSON_ArrayForEach(r, kube_json_get(obj, "metadata.ownerReferences")) {
		if (drop_uid && kube_streq(kube_json_get_str(r, "uid"), drop_uid))
			continue;
		cJSON_AddItemToArray(refs, kube_json_dup(r));
	}
	if (add)
		cJSON_AddItemToArray(refs, kube_json_dup(add));
	const char *uid = kube_json_get_str(obj, "metadata.uid");
	if (uid)
		cJSON_AddStringToObject(meta, "uid", uid);
	const char *rv = kube_json_get_str(obj, "metadata.resourceVersion");
	if (rv)
		cJSON_AddStringToObject(meta, "resourceVersion", rv);
	char *s = kube_json_compact(patch);
	cJSON_Delete(patch);
	return s;
}

char *controller_manager_adopt_patch(const cJSON *obj, const cJSON *owner_ref)
{
	return refs_patch(obj, owner_ref, NULL);
}

char *controller_manager_release_patch(const cJSON *obj, const char *owner_uid)
{
	return refs_patch(obj, NULL, owner_uid);
}
