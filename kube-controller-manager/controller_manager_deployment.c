/*
 * controller_manager_deployment: upstream's deployment controller. A
 * Deployment owns ReplicaSets named <deployment>-<pod-template-hash>; the
 * one whose template equals the Deployment's (ignoring the hash label) is
 * the new one, the others are old. RollingUpdate grows the new set within
 * maxSurge and shrinks the old ones within maxUnavailable; Recreate scales
 * every old set to zero, waits for their pods to go, then scales the new
 * one up. A resize while several sets are active is spread proportionally
 * (the desired-replicas and max-replicas annotations). Revisions live in
 * the deployment.kubernetes.io/revision annotation of each set (a set
 * brought back by `rollout undo` gets the next revision and remembers its
 * old ones in revision-history); inactive old sets beyond
 * revisionHistoryLimit are deleted. Status carries the counts and the
 * Available and Progressing conditions, with progressDeadlineSeconds and
 * pause/resume, so `kubectl rollout status|history|undo|restart` work.
 */
#include "controller_manager_deployment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "api/kube_selector.h"
#include "client/kube_events.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_pods.h"
#include "controller_manager_rollout.h"
#include "controller_manager_worker.h"

#define MAX_INT32 2147483647LL

typedef struct dc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *d_kind, *rs_kind, *pod_kind;
	kube_informer_t *deps, *rss, *pods;
	kube_workqueue_t *q;
	kube_events_t *events;
	controller_manager_workers_t *workers;
} dc_t;

/* ---- handlers ---- */

static kube_obj_t *owner_of(dc_t *c, const char *ns, const cJSON *ref)
{
	if (!ref || !kube_streq(kube_json_get_str(ref, "kind"), "Deployment"))
		return NULL;
	kube_obj_t *d = kube_informer_get(c->deps, ns, kube_json_get_str(ref, "name"));
	if (d && !kube_streq(d->uid, kube_json_get_str(ref, "uid"))) {
		kube_obj_unref(d);
		return NULL;
	}
	return d;
}

static void enqueue_matching(dc_t *c, const kube_obj_t *rs)
{
	kube_obj_list_t l = { 0 };
	kube_informer_list(c->deps, rs->namespace_, &l);
	const cJSON *labels = kube_json_get(rs->json, "metadata.labels");
	for (size_t i = 0; i < l.n; i++) {
		kube_selector_t *sel = NULL;
		if (kube_selector_from_json(kube_json_get(l.items[i]->json, "spec.selector"), &sel, NULL) == 0 &&
		    !kube_selector_empty(sel) && kube_selector_matches(sel, labels))
			controller_manager_enqueue(c->q, l.items[i]);
		kube_selector_free(sel);
	}
	kube_obj_list_clear(&l);
}

static void rs_changed(dc_t *c, const kube_obj_t *rs)
{
	const cJSON *ref = controller_manager_controller_ref(rs->json);
	if (!ref) {
		enqueue_matching(c, rs);
		return;
	}
	kube_obj_t *d = owner_of(c, rs->namespace_, ref);
	if (d)
		controller_manager_enqueue(c->q, d);
	kube_obj_unref(d);
}

static void on_rs_add(kube_obj_t *rs, void *arg)
{
	rs_changed(arg, rs);
}

static void on_rs_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	if (kube_streq(old->resource_version, new_->resource_version))
		return;
	const cJSON *oref = controller_manager_controller_ref(old->json);
	if (oref && !kube_json_equal(oref, controller_manager_controller_ref(new_->json)))
		rs_changed(arg, old);
	rs_changed(arg, new_);
}

static void on_rs_delete(kube_obj_t *rs, bool unknown, void *arg)
{
	dc_t *c = arg;
	kube_obj_t *d = owner_of(c, rs->namespace_, controller_manager_controller_ref(rs->json));
	if (d)
		controller_manager_enqueue(c->q, d);
	kube_obj_unref(d);
}

/* Recreate waits for old pods to go. */
static void on_pod_delete(kube_obj_t *pod, bool unknown, void *arg)
{
	dc_t *c = arg;
	const cJSON *ref = controller_manager_controller_ref(pod->json);
	if (!ref || !kube_streq(kube_json_get_str(ref, "kind"), "ReplicaSet"))
		return;
	kube_obj_t *rs = kube_informer_get(c->rss, pod->namespace_, kube_json_get_str(ref, "name"));
	if (!rs)
		return;
	kube_obj_t *d = owner_of(c, rs->namespace_, controller_manager_controller_ref(rs->json));
	if (d && kube_streq(kube_json_get_str(d->json, "spec.strategy.type"), "Recreate"))
		controller_manager_enqueue(c->q, d);
	kube_obj_unref(d);
	kube_obj_unref(rs);
}

static void on_d_add(kube_obj_t *d, void *arg)
{
	controller_manager_enqueue(((dc_t *)arg)->q, d);
}

static void on_d_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	controller_manager_enqueue(((dc_t *)arg)->q, new_);
}

static void on_d_delete(kube_obj_t *d, bool unknown, void *arg)
{
	controller_manager_enqueue(((dc_t *)arg)->q, d);
}

/* ---- one sync ---- */

typedef struct rsrow {
	cJSON *json;		/* our copy, kept current with what we wrote */
	int64_t revision;
	controller_manager_rs_t r;
} rsrow_t;

typedef struct sync {
	dc_t *c;
	cJSON *d;		/* our copy of the deployment */
	const char *ns, *name, *uid;
	controller_manager_rollout_t ro;
	rsrow_t *rows;
	size_t n;
	ssize_t new_idx;	/* -1: none */
} sync_t;

static int64_t annot_int(const cJSON *obj, const char *key, int64_t def)
{
	char path[160];
	snprintf(path, sizeof(path), "metadata.annotations['%s']", key);
	const char *s = kube_json_get_str(obj, path);
	if (!s || !*s)
		return def;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end ? def : v;
}

static void set_annot(cJSON *obj, const char *key, const char *val)
{
	cJSON *a = (cJSON *)kube_json_get(obj, "metadata.annotations");
	if (!a || !cJSON_IsObject(a)) {
		a = cJSON_CreateObject();
		kube_json_set(obj, "metadata.annotations", a);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(a, key);
	cJSON_AddStringToObject(a, key, val);
}

static const char *get_annot(const cJSON *obj, const char *key)
{
	const cJSON *a = kube_json_get(obj, "metadata.annotations");
	const cJSON *v = a ? cJSON_GetObjectItemCaseSensitive(a, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void row_fill(rsrow_t *w)
{
	w->r.name = kube_json_get_str(w->json, "metadata.name");
	w->r.created_ns = controller_manager_obj_created(w->json);
	w->r.replicas = kube_json_get_int64(w->json, "spec.replicas", 1);
	w->r.available = kube_json_get_int64(w->json, "status.availableReplicas", 0);
	w->r.max_replicas = annot_int(w->json, CM_ANN_MAX_REPLICAS, -1);
	w->r.desired = annot_int(w->json, CM_ANN_DESIRED_REPLICAS, -1);
	w->r.target = w->r.replicas;
	w->revision = annot_int(w->json, CM_ANN_REVISION, 0);
}

static bool template_equal(const cJSON *rs, const cJSON *d)
{
	return controller_manager_rollout_template_equal(kube_json_get(rs, "spec.template"),
							 kube_json_get(d, "spec.template"));
}

static bool skip_annotation(const char *k)
{
	static const char *const skip[] = {
		"kubectl.kubernetes.io/last-applied-configuration", CM_ANN_REVISION,
		CM_ANN_REVISION_HISTORY, CM_ANN_DESIRED_REPLICAS, CM_ANN_MAX_REPLICAS,
		"deprecated.deployment.rollback.to",
	};
	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (strcmp(k, skip[i]) == 0)
			return true;
	return false;
}

/* copyDeploymentAnnotationsToReplicaSet */
static bool copy_annotations(const cJSON *d, cJSON *rs)
{
	bool changed = false;
	const cJSON *a;
	cJSON_ArrayForEach(a, kube_json_get(d, "metadata.annotations")) {
		if (!cJSON_IsString(a) || skip_annotation(a->string))
			continue;
		if (kube_streq(get_annot(rs, a->string), a->valuestring))
			continue;
		set_annot(rs, a->string, a->valuestring);
		changed = true;
	}
	return changed;
}

static bool set_replicas_annotations(cJSON *rs, int64_t desired, int64_t max)
{
	char b1[32], b2[32];
	snprintf(b1, sizeof(b1), "%lld", (long long)desired);
	snprintf(b2, sizeof(b2), "%lld", (long long)max);
	bool changed = false;
	if (!kube_streq(get_annot(rs, CM_ANN_DESIRED_REPLICAS), b1)) {
		set_annot(rs, CM_ANN_DESIRED_REPLICAS, b1);
		changed = true;
	}
	if (!kube_streq(get_annot(rs, CM_ANN_MAX_REPLICAS), b2)) {
		set_annot(rs, CM_ANN_MAX_REPLICAS, b2);
		changed = true;
	}
	return changed;
}

/* SetNewReplicaSetAnnotations */
static bool set_new_rs_annotations(const sync_t *s, cJSON *rs, int64_t new_rev, bool exists)
{
	bool changed = copy_annotations(s->d, rs);
	const char *old = get_annot(rs, CM_ANN_REVISION);
	int64_t old_rev = old ? strtoll(old, NULL, 10) : 0;
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)new_rev);
	if (old_rev < new_rev) {
		if (old) {
			/* rolled back to: keep the old revisions */
			char *o = kube_strdup(old);
			const char *hist = get_annot(rs, CM_ANN_REVISION_HISTORY);
			char *nh = hist && *hist ? kube_asprintf("%s,%s", hist, o) : kube_strdup(o);
			set_annot(rs, CM_ANN_REVISION_HISTORY, nh);
			kube_free(nh);
			kube_free(o);
		}
		set_annot(rs, CM_ANN_REVISION, buf);
		changed = true;
	}
	if (!exists && set_replicas_annotations(rs, s->ro.replicas, s->ro.replicas + s->ro.max_surge))
		changed = true;
	return changed;
}

/* PUT an updated ReplicaSet; on success our row holds the server's copy. */
static int rs_update(sync_t *s, rsrow_t *w, cJSON *upd)
{
	cJSON *out = NULL;
	kube_client_status_t st = { 0 };
	int r = kube_client_update(s->c->ctx->client, s->c->rs_kind, s->ns, NULL, upd, &out, &st);
	cJSON_Delete(upd);
	if (r < 0) {
		klog_v(2, "deployment %s/%s: updating replica set %s: %s", s->ns, s->name, w->r.name,
		       st.message ? st.message : strerror(-r));
		kube_client_status_clear(&st);
		return r;
	}
	kube_client_status_clear(&st);
	cJSON_Delete(w->json);
	w->json = out;
	row_fill(w);
	return 0;
}

/* scaleReplicaSetAndRecordEvent */
static int scale_rs(sync_t *s, rsrow_t *w, int64_t size)
{
	bool size_changed = w->r.replicas != size;
	cJSON *upd = kube_json_dup(w->json);
	bool ann = set_replicas_annotations(upd, s->ro.replicas, s->ro.replicas + s->ro.max_surge);
	if (!size_changed && !ann) {
		cJSON_Delete(upd);
		return 0;
	}
	int64_t old = w->r.replicas;
	kube_json_set_int64(upd, "spec.replicas", size);
	int r = rs_update(s, w, upd);
	if (r == 0 && size_changed)
		kube_events_eventf_kind(s->c->events, s->d, "apps/v1", "Deployment", "Normal",
					"ScalingReplicaSet", "Scaled %s replica set %s from %lld to %lld",
					size > old ? "up" : "down", w->r.name, (long long)old,
					(long long)size);
	return r;
}

/* ---- conditions ---- */

static cJSON *get_cond(cJSON *status, const char *type)
{
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(status, "conditions"))
		if (kube_streq(kube_json_get_str(c, "type"), type))
			return c;
	return NULL;
}

static void remove_cond(cJSON *status, const char *type)
{
	cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
	int i = 0;
	cJSON *c;
	cJSON_ArrayForEach(c, conds) {
		if (kube_streq(kube_json_get_str(c, "type"), type)) {
			cJSON_DeleteItemFromArray(conds, i);
			return;
		}
		i++;
	}
}

static cJSON *new_cond(const char *type, const char *status, const char *reason, const char *msg)
{
	char ts[64];
	kube_time_format_rfc3339(kube_wall_ns(), ts, sizeof(ts));
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "status", status);
	cJSON_AddStringToObject(c, "lastUpdateTime", ts);
	cJSON_AddStringToObject(c, "lastTransitionTime", ts);
	cJSON_AddStringToObject(c, "reason", reason);
	cJSON_AddStringToObject(c, "message", msg);
	return c;
}

/* SetDeploymentCondition: takes cond. */
static void set_cond(cJSON *status, cJSON *cond)
{
	cJSON *cur = get_cond(status, kube_json_get_str(cond, "type"));
	if (cur && kube_streq(kube_json_get_str(cur, "status"), kube_json_get_str(cond, "status")) &&
	    kube_streq(kube_json_get_str(cur, "reason"), kube_json_get_str(cond, "reason"))) {
		cJSON_Delete(cond);
		return;
	}
	if (cur && kube_streq(kube_json_get_str(cur, "status"), kube_json_get_str(cond, "status")))
		kube_json_set_str(cond, "lastTransitionTime", kube_json_get_str(cur, "lastTransitionTime"));
	remove_cond(status, kube_json_get_str(cond, "type"));
	cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
	if (!conds)
		conds = cJSON_AddArrayToObject(status, "conditions");
	cJSON_AddItemToArray(conds, cond);
}

static bool has_progress_deadline(const cJSON *d)
{
	const cJSON *p = kube_json_get(d, "spec.progressDeadlineSeconds");
	return p && cJSON_IsNumber(p) && (int64_t)p->valuedouble != MAX_INT32;
}

static int update_status(sync_t *s, cJSON *status)
{
	if (kube_json_equal(kube_json_get(s->d, "status"), status)) {
		cJSON_Delete(status);
		return 0;
	}
	cJSON *upd = kube_json_dup(s->d);
	kube_json_set(upd, "status", status);
	cJSON *out = NULL;
	int r = kube_client_update(s->c->ctx->client, s->c->d_kind, s->ns, "status", upd, &out, NULL);
	cJSON_Delete(upd);
	if (r == 0) {
		cJSON_Delete(s->d);
		s->d = out;
	}
	return r == -ENOENT ? 0 : r;
}

static void set_num(cJSON *st, const char *name, int64_t v, bool omit_zero)
{
	cJSON_DeleteItemFromObjectCaseSensitive(st, name);
	if (v || !omit_zero)
		cJSON_AddNumberToObject(st, name, (double)v);
}

/* calculateStatus */
static cJSON *calculate_status(sync_t *s)
{
	const cJSON *old = kube_json_get(s->d, "status");
	cJSON *st = cJSON_CreateObject();
	int64_t avail = 0, total = 0, actual = 0, ready = 0, updated = 0;
	for (size_t i = 0; i < s->n; i++) {
		const cJSON *j = s->rows[i].json;
		avail += kube_json_get_int64(j, "status.availableReplicas", 0);
		total += s->rows[i].r.replicas;
		actual += kube_json_get_int64(j, "status.replicas", 0);
		ready += kube_json_get_int64(j, "status.readyReplicas", 0);
	}
	if (s->new_idx >= 0)
		updated = kube_json_get_int64(s->rows[s->new_idx].json, "status.replicas", 0);
	int64_t unavail = total - avail;
	if (unavail < 0)
		unavail = 0;
	set_num(st, "observedGeneration", kube_json_get_int64(s->d, "metadata.generation", 0), true);
	set_num(st, "replicas", actual, true);
	set_num(st, "updatedReplicas", updated, true);
	set_num(st, "readyReplicas", ready, true);
	set_num(st, "availableReplicas", avail, true);
	set_num(st, "unavailableReplicas", unavail, true);
	const cJSON *cc = kube_json_get(old, "collisionCount");
	if (cc)
		cJSON_AddItemToObject(st, "collisionCount", kube_json_dup(cc));
	const cJSON *conds = kube_json_get(old, "conditions");
	if (conds)
		cJSON_AddItemToObject(st, "conditions", kube_json_dup(conds));
	if (avail >= s->ro.replicas - s->ro.max_unavailable)
		set_cond(st, new_cond("Available", "True", "MinimumReplicasAvailable",
				      "Deployment has minimum availability."));
	else
		set_cond(st, new_cond("Available", "False", "MinimumReplicasUnavailable",
				      "Deployment does not have minimum availability."));
	return st;
}

static bool deployment_complete(const sync_t *s, const cJSON *st)
{
	int64_t want = s->ro.replicas;
	return kube_json_get_int64(st, "updatedReplicas", 0) == want &&
	       kube_json_get_int64(st, "replicas", 0) == want &&
	       kube_json_get_int64(st, "availableReplicas", 0) == want &&
	       kube_json_get_int64(st, "observedGeneration", 0) >=
		       kube_json_get_int64(s->d, "metadata.generation", 0);
}

static bool deployment_progressing(const sync_t *s, const cJSON *st)
{
	const cJSON *o = kube_json_get(s->d, "status");
	int64_t o_upd = kube_json_get_int64(o, "updatedReplicas", 0);
	int64_t o_old = kube_json_get_int64(o, "replicas", 0) - o_upd;
	int64_t n_upd = kube_json_get_int64(st, "updatedReplicas", 0);
	int64_t n_old = kube_json_get_int64(st, "replicas", 0) - n_upd;
	return n_upd > o_upd || n_old < o_old ||
	       kube_json_get_int64(st, "readyReplicas", 0) > kube_json_get_int64(o, "readyReplicas", 0) ||
	       kube_json_get_int64(st, "availableReplicas", 0) > kube_json_get_int64(o, "availableReplicas", 0);
}

/* When the Progressing condition of st times out (DeploymentTimedOut's
 * deadline); false when it does not apply. */
static bool progress_deadline(const sync_t *s, cJSON *st, int64_t *ret_ns)
{
	if (!has_progress_deadline(s->d))
		return false;
	cJSON *c = get_cond(st, "Progressing");
	if (!c)
		return false;
	const char *reason = kube_json_get_str(c, "reason");
	if (kube_streq(reason, "NewReplicaSetAvailable") || kube_streq(reason, "ProgressDeadlineExceeded"))
		return false;
	int64_t from = 0;
	const char *lu = kube_json_get_str(c, "lastUpdateTime");
	if (!lu || kube_time_parse_rfc3339(lu, &from) < 0)
		return false;
	*ret_ns = from + kube_json_get_int64(s->d, "spec.progressDeadlineSeconds", 600) * 1000000000LL;
	return true;
}

static const char *new_rs_name(const sync_t *s)
{
	return s->new_idx >= 0 ? s->rows[s->new_idx].r.name : NULL;
}

/* syncRolloutStatus */
static int sync_rollout_status(sync_t *s)
{
	cJSON *st = calculate_status(s);
	if (!has_progress_deadline(s->d))
		remove_cond(st, "Progressing");
	cJSON *cur = get_cond((cJSON *)kube_json_get(s->d, "status"), "Progressing");
	bool complete_before = kube_json_get_int64(st, "replicas", 0) ==
				       kube_json_get_int64(st, "updatedReplicas", 0) &&
			       cur && kube_streq(kube_json_get_str(cur, "reason"), "NewReplicaSetAvailable");
	char msg[512];
	if (has_progress_deadline(s->d) && !complete_before) {
		const char *nm = new_rs_name(s);
		if (deployment_complete(s, st)) {
			if (nm)
				snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has successfully progressed.", nm);
			else
				snprintf(msg, sizeof(msg), "Deployment \"%s\" has successfully progressed.", s->name);
			set_cond(st, new_cond("Progressing", "True", "NewReplicaSetAvailable", msg));
		} else if (deployment_progressing(s, st)) {
			snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" is progressing.", nm ? nm : s->name);
			cJSON *c = new_cond("Progressing", "True", "ReplicaSetUpdated", msg);
			if (cur) {
				if (kube_streq(kube_json_get_str(cur, "status"), "True"))
					kube_json_set_str(c, "lastTransitionTime",
							  kube_json_get_str(cur, "lastTransitionTime"));
				remove_cond(st, "Progressing");
			}
			set_cond(st, c);
		} else {
			int64_t dl;
			if (progress_deadline(s, st, &dl) && dl < kube_wall_ns()) {
				snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has timed out progressing.",
					 nm ? nm : s->name);
				set_cond(st, new_cond("Progressing", "False", "ProgressDeadlineExceeded", msg));
			}
		}
	}
	/* ReplicaFailure from the sets */
	const cJSON *fail = NULL;
	for (size_t i = 0; i < s->n && !fail; i++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, kube_json_get(s->rows[i].json, "status.conditions"))
			if (kube_streq(kube_json_get_str(c, "type"), "ReplicaFailure"))
				fail = c;
	}
	if (fail)
		set_cond(st, new_cond("ReplicaFailure", kube_json_get_str(fail, "status"),
				      kube_json_get_str(fail, "reason"), kube_json_get_str(fail, "message")));
	else
		remove_cond(st, "ReplicaFailure");
	int64_t dl = 0;
	bool requeue = progress_deadline(s, st, &dl);
	int r = update_status(s, st);
	if (r == 0 && requeue && !deployment_complete(s, kube_json_get(s->d, "status"))) {
		/* requeueStuckDeployment */
		int64_t wait = (dl - kube_wall_ns()) / 1000000;
		char *key = kube_asprintf("%s/%s", s->ns, s->name);
		kube_workqueue_add_after(s->c->q, key, (wait > 0 ? wait : 0) + 1000);
		kube_free(key);
	}
	return r;
}

/* syncDeploymentStatus: counts and Available only */
static int sync_status(sync_t *s)
{
	return update_status(s, calculate_status(s));
}

/* ---- replica sets ---- */

static int64_t max_old_revision(const sync_t *s)
{
	int64_t m = 0;
	for (size_t i = 0; i < s->n; i++)
		if ((ssize_t)i != s->new_idx && s->rows[i].revision > m)
			m = s->rows[i].revision;
	return m;
}

static void add_row(sync_t *s, cJSON *json)
{
	s->rows = kube_realloc(s->rows, (s->n + 1) * sizeof(*s->rows));
	rsrow_t *w = &s->rows[s->n++];
	memset(w, 0, sizeof(*w));
	w->json = json;
	row_fill(w);
}

static int patch_deployment_revision(sync_t *s, const char *rev)
{
	if (kube_streq(get_annot(s->d, CM_ANN_REVISION), rev))
		return 0;
	cJSON *p = cJSON_CreateObject();
	cJSON *a = cJSON_AddObjectToObject(cJSON_AddObjectToObject(p, "metadata"), "annotations");
	cJSON_AddStringToObject(a, CM_ANN_REVISION, rev);
	char *body = kube_json_compact(p);
	cJSON_Delete(p);
	cJSON *out = NULL;
	int r = kube_client_patch(s->c->ctx->client, s->c->d_kind, s->ns, s->name, NULL,
				  "application/merge-patch+json", body, NULL, &out, NULL);
	kube_free(body);
	if (r == 0) {
		/* keep our status view; take the new metadata */
		cJSON *st = cJSON_DetachItemFromObjectCaseSensitive(s->d, "status");
		cJSON_Delete(s->d);
		s->d = out;
		if (st) {
			cJSON_DeleteItemFromObjectCaseSensitive(s->d, "status");
			cJSON_AddItemToObject(s->d, "status", st);
		}
	}
	return r;
}

/* getNewReplicaSet: find (and sync the annotations of) the new set, or
 * create it when create is set. */
static int get_new_rs(sync_t *s, bool create)
{
	int64_t new_rev = max_old_revision(s) + 1;
	char revbuf[32];
	if (s->new_idx >= 0) {
		rsrow_t *w = &s->rows[s->new_idx];
		cJSON *upd = kube_json_dup(w->json);
		bool changed = set_new_rs_annotations(s, upd, new_rev, true);
		int64_t mrs = kube_json_get_int64(s->d, "spec.minReadySeconds", 0);
		if (kube_json_get_int64(upd, "spec.minReadySeconds", 0) != mrs) {
			kube_json_set_int64(upd, "spec.minReadySeconds", mrs);
			changed = true;
		}
		if (changed) {
			int r = rs_update(s, w, upd);
			if (r < 0)
				return r;
		} else {
			cJSON_Delete(upd);
		}
		const char *rev = get_annot(w->json, CM_ANN_REVISION);
		int r = patch_deployment_revision(s, rev ? rev : "");
		if (r < 0)
			return r;
		if (has_progress_deadline(s->d) &&
		    !get_cond((cJSON *)kube_json_get(s->d, "status"), "Progressing")) {
			char msg[300];
			snprintf(msg, sizeof(msg), "Found new replica set \"%s\"", w->r.name);
			cJSON *st = kube_json_dup(kube_json_get(s->d, "status"));
			if (!st)
				st = cJSON_CreateObject();
			set_cond(st, new_cond("Progressing", "True", "FoundNewReplicaSet", msg));
			return update_status(s, st);
		}
		return 0;
	}
	if (!create)
		return 0;

	int64_t cc = kube_json_get_int64(s->d, "status.collisionCount", -1);
	char hash[16];
	controller_manager_rollout_hash(kube_json_get(s->d, "spec.template"), cc, hash);
	cJSON *rs = cJSON_CreateObject();
	cJSON_AddStringToObject(rs, "apiVersion", "apps/v1");
	cJSON_AddStringToObject(rs, "kind", "ReplicaSet");
	cJSON *meta = cJSON_AddObjectToObject(rs, "metadata");
	char *rsname = kube_asprintf("%s-%s", s->name, hash);
	cJSON_AddStringToObject(meta, "name", rsname);
	cJSON_AddStringToObject(meta, "namespace", s->ns);
	cJSON *labels = kube_json_dup(kube_json_get(s->d, "spec.template.metadata.labels"));
	if (!labels)
		labels = cJSON_CreateObject();
	cJSON_DeleteItemFromObjectCaseSensitive(labels, CM_LABEL_POD_TEMPLATE_HASH);
	cJSON_AddStringToObject(labels, CM_LABEL_POD_TEMPLATE_HASH, hash);
	cJSON_AddItemToObject(meta, "labels", labels);
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(s->d, "apps/v1", "Deployment"));
	cJSON *spec = cJSON_AddObjectToObject(rs, "spec");
	cJSON *sel = kube_json_dup(kube_json_get(s->d, "spec.selector"));
	if (!sel)
		sel = cJSON_CreateObject();
	cJSON *ml = cJSON_GetObjectItemCaseSensitive(sel, "matchLabels");
	if (!ml)
		ml = cJSON_AddObjectToObject(sel, "matchLabels");
	cJSON_DeleteItemFromObjectCaseSensitive(ml, CM_LABEL_POD_TEMPLATE_HASH);
	cJSON_AddStringToObject(ml, CM_LABEL_POD_TEMPLATE_HASH, hash);
	cJSON_AddItemToObject(spec, "selector", sel);
	cJSON_AddNumberToObject(spec, "minReadySeconds",
				(double)kube_json_get_int64(s->d, "spec.minReadySeconds", 0));
	cJSON *tmpl = kube_json_dup(kube_json_get(s->d, "spec.template"));
	if (!tmpl)
		tmpl = cJSON_CreateObject();
	kube_json_set_str(tmpl, "metadata.labels.pod-template-hash", hash);
	cJSON_AddItemToObject(spec, "template", tmpl);
	/* replicas: NewRSNewReplicas with the new set at 0 */
	add_row(s, kube_json_dup(rs));
	s->rows[s->n - 1].r.replicas = 0;
	int64_t want;
	{
		controller_manager_rs_t *rr = kube_calloc(s->n, sizeof(*rr));
		for (size_t i = 0; i < s->n; i++)
			rr[i] = s->rows[i].r;
		want = controller_manager_rollout_new_rs_replicas(&s->ro, rr, s->n, s->n - 1);
		kube_free(rr);
	}
	cJSON_Delete(s->rows[s->n - 1].json);
	s->n--;
	cJSON_AddNumberToObject(spec, "replicas", (double)want);
	set_new_rs_annotations(s, rs, new_rev, false);

	cJSON *made = NULL;
	kube_client_status_t st = { 0 };
	int r = kube_client_create(s->c->ctx->client, s->c->rs_kind, s->ns, rs, &made, &st);
	kube_client_status_clear(&st);
	if (r == -EEXIST) {
		/* ours with the same template (a stale cache), or a hash collision */
		cJSON *ex = NULL;
		r = kube_client_get(s->c->ctx->client, s->c->rs_kind, s->ns, rsname, &ex, NULL);
		const cJSON *ref = r == 0 ? controller_manager_controller_ref(ex) : NULL;
		if (r == 0 && ref && kube_streq(kube_json_get_str(ref, "uid"), s->uid) &&
		    template_equal(ex, s->d)) {
			add_row(s, ex);
			s->new_idx = (ssize_t)s->n - 1;
			r = 0;
		} else {
			cJSON_Delete(ex);
			cJSON *stt = kube_json_dup(kube_json_get(s->d, "status"));
			if (!stt)
				stt = cJSON_CreateObject();
			set_num(stt, "collisionCount", cc < 0 ? 1 : cc + 1, false);
			kube_log_write(KUBE_LOG_WARNING, __FILE__, __LINE__,
				       "Found a hash collision for deployment %s/%s - bumping collisionCount",
				       s->ns, s->name);
			update_status(s, stt);
			r = -EAGAIN;
		}
	} else if (r == 0) {
		add_row(s, made);
		s->new_idx = (ssize_t)s->n - 1;
		if (want > 0)
			kube_events_eventf_kind(s->c->events, s->d, "apps/v1", "Deployment", "Normal",
						"ScalingReplicaSet", "Scaled up replica set %s from 0 to %lld",
						rsname, (long long)want);
	}
	cJSON_Delete(rs);
	if (r == 0) {
		snprintf(revbuf, sizeof(revbuf), "%lld", (long long)new_rev);
		r = patch_deployment_revision(s, revbuf);
		if (r == 0 && has_progress_deadline(s->d)) {
			char msg[300];
			snprintf(msg, sizeof(msg), "Created new replica set \"%s\"", rsname);
			cJSON *stt = kube_json_dup(kube_json_get(s->d, "status"));
			if (!stt)
				stt = cJSON_CreateObject();
			set_cond(stt, new_cond("Progressing", "True", "NewReplicaSetCreated", msg));
			r = update_status(s, stt);
		}
	}
	kube_free(rsname);
	return r;
}

static controller_manager_rs_t *rows_rs(const sync_t *s)
{
	controller_manager_rs_t *rr = kube_calloc(s->n ? s->n : 1, sizeof(*rr));
	for (size_t i = 0; i < s->n; i++)
		rr[i] = s->rows[i].r;
	return rr;
}

static size_t new_pos(const sync_t *s)
{
	return s->new_idx >= 0 ? (size_t)s->new_idx : s->n;
}

/* Apply the targets computed into rr. Returns whether something changed. */
static int apply_targets(sync_t *s, controller_manager_rs_t *rr, bool *changed)
{
	int err = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (rr[i].target == s->rows[i].r.replicas)
			continue;
		int r = scale_rs(s, &s->rows[i], rr[i].target);
		if (r < 0)
			err = r;
		else
			*changed = true;
	}
	return err;
}

/* Deployment.scale() */
static int do_scale(sync_t *s)
{
	controller_manager_rs_t *rr = rows_rs(s);
	bool changed = false;
	int r = 0;
	if (controller_manager_rollout_scale(&s->ro, rr, s->n, new_pos(s)))
		r = apply_targets(s, rr, &changed);
	kube_free(rr);
	return r;
}

static int cleanup(sync_t *s)
{
	const cJSON *lim = kube_json_get(s->d, "spec.revisionHistoryLimit");
	if (!lim)
		return 0;
	int64_t limit = (int64_t)lim->valuedouble;
	rsrow_t **c = kube_calloc(s->n ? s->n : 1, sizeof(*c));
	size_t nc = 0;
	for (size_t i = 0; i < s->n; i++)
		if ((ssize_t)i != s->new_idx && !kube_json_get(s->rows[i].json, "metadata.deletionTimestamp"))
			c[nc++] = &s->rows[i];
	int64_t diff = (int64_t)nc - limit;
	/* by revision, oldest first */
	for (size_t i = 1; i < nc; i++)
		for (size_t j = i; j > 0 && c[j - 1]->revision > c[j]->revision; j--) {
			rsrow_t *t = c[j];
			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	int err = 0;
	for (int64_t i = 0; i < diff; i++) {
		const cJSON *j = c[i]->json;
		if (kube_json_get_int64(j, "status.replicas", 0) != 0 || c[i]->r.replicas != 0 ||
		    kube_json_get_int64(j, "metadata.generation", 0) >
			    kube_json_get_int64(j, "status.observedGeneration", 0))
			continue;
		kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
		o.precondition_uid = kube_json_get_str(j, "metadata.uid");
		int r = kube_client_delete(s->c->ctx->client, s->c->rs_kind, s->ns, c[i]->r.name, &o,
					   NULL, NULL);
		if (r < 0 && r != -ENOENT)
			err = r;
	}
	kube_free(c);
	return err;
}

static bool is_complete(const sync_t *s)
{
	return deployment_complete(s, kube_json_get(s->d, "status"));
}

static int rollout_rolling(sync_t *s)
{
	int r = get_new_rs(s, true);
	if (r < 0)
		return r;
	/* reconcileNewReplicaSet */
	if (s->new_idx >= 0) {
		rsrow_t *w = &s->rows[s->new_idx];
		if (w->r.replicas != s->ro.replicas) {
			int64_t want = s->ro.replicas;
			if (w->r.replicas < s->ro.replicas) {
				controller_manager_rs_t *rr = rows_rs(s);
				want = controller_manager_rollout_new_rs_replicas(&s->ro, rr, s->n, new_pos(s));
				kube_free(rr);
			}
			if (want != w->r.replicas) {
				r = scale_rs(s, w, want);
				if (r < 0)
					return r;
				return sync_rollout_status(s);
			}
		}
	}
	/* reconcileOldReplicaSets */
	controller_manager_rs_t *rr = rows_rs(s);
	bool changed = false;
	if (controller_manager_rollout_scale_down_old(&s->ro, rr, s->n, new_pos(s)) > 0)
		r = apply_targets(s, rr, &changed);
	kube_free(rr);
	if (r < 0)
		return r;
	if (changed)
		return sync_rollout_status(s);
	if (is_complete(s))
		cleanup(s);
	return sync_rollout_status(s);
}

static bool old_pods_running(sync_t *s)
{
	kube_obj_list_t l = { 0 };
	kube_informer_list(s->c->pods, s->ns, &l);
	bool running = false;
	for (size_t i = 0; i < l.n && !running; i++) {
		const cJSON *ref = controller_manager_controller_ref(l.items[i]->json);
		if (!ref)
			continue;
		const char *uid = kube_json_get_str(ref, "uid");
		for (size_t j = 0; j < s->n; j++) {
			if ((ssize_t)j == s->new_idx ||
			    !kube_streq(uid, kube_json_get_str(s->rows[j].json, "metadata.uid")))
				continue;
			const char *phase = kube_json_get_str(l.items[i]->json, "status.phase");
			if (!kube_streq(phase, "Failed") && !kube_streq(phase, "Succeeded"))
				running = true;
		}
	}
	kube_obj_list_clear(&l);
	return running;
}

static int rollout_recreate(sync_t *s)
{
	int r = get_new_rs(s, false);
	if (r < 0)
		return r;
	bool scaled = false;
	for (size_t i = 0; i < s->n; i++) {
		if ((ssize_t)i == s->new_idx || s->rows[i].r.replicas == 0)
			continue;
		r = scale_rs(s, &s->rows[i], 0);
		if (r < 0)
			return r;
		scaled = true;
	}
	if (scaled || old_pods_running(s))
		return sync_rollout_status(s);
	if (s->new_idx < 0) {
		r = get_new_rs(s, true);
		if (r < 0)
			return r;
	}
	if (s->new_idx >= 0) {
		r = scale_rs(s, &s->rows[s->new_idx], s->ro.replicas);
		if (r < 0)
			return r;
	}
	if (is_complete(s))
		cleanup(s);
	return sync_rollout_status(s);
}

/* checkPausedConditions: returns 1 when the status was updated */
static int check_paused(sync_t *s, bool paused)
{
	if (!has_progress_deadline(s->d))
		return 0;
	cJSON *cur = get_cond((cJSON *)kube_json_get(s->d, "status"), "Progressing");
	bool paused_cond = cur && kube_streq(kube_json_get_str(cur, "reason"), "DeploymentPaused");
	cJSON *c = NULL;
	if (paused && !paused_cond)
		c = new_cond("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused");
	else if (!paused && paused_cond)
		c = new_cond("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed");
	if (!c)
		return 0;
	cJSON *st = kube_json_dup(kube_json_get(s->d, "status"));
	if (!st)
		st = cJSON_CreateObject();
	set_cond(st, c);
	int r = update_status(s, st);
	return r < 0 ? r : 1;
}

static int sync_deployment(void *arg, const char *key)
{
	dc_t *c = arg;
	kube_obj_t *dobj = kube_informer_get_key(c->deps, key);
	if (!dobj)
		return 0;
	sync_t s = { .c = c, .new_idx = -1 };
	s.d = kube_json_dup(dobj->json);
	s.ns = dobj->namespace_;
	s.name = dobj->name;
	s.uid = dobj->uid;
	int r = controller_manager_rollout_from_deployment(s.d, &s.ro);
	if (r < 0) {
		kube_events_eventf_kind(c->events, s.d, "apps/v1", "Deployment", "Warning",
					"InvalidDeployment", "invalid maxSurge/maxUnavailable");
		goto out;
	}
	kube_selector_t *sel = NULL;
	if (kube_selector_from_json(kube_json_get(s.d, "spec.selector"), &sel, NULL) < 0 ||
	    kube_selector_empty(sel)) {
		kube_selector_free(sel);
		kube_events_eventf_kind(c->events, s.d, "apps/v1", "Deployment", "Warning",
					"SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
		r = 0;
		goto out;
	}
	bool deleting = kube_json_get(s.d, "metadata.deletionTimestamp") != NULL;

	/* claim the replica sets */
	kube_obj_list_t l = { 0 };
	kube_informer_list(c->rss, s.ns, &l);
	cJSON *ref = controller_manager_owner_ref(s.d, "apps/v1", "Deployment");
	for (size_t i = 0; i < l.n; i++) {
		const cJSON *rs = l.items[i]->json;
		char *patch = NULL;
		int pr;
		switch (controller_manager_claim(rs, s.uid, sel, deleting)) {
		case CM_CLAIM_OWNED:
			add_row(&s, kube_json_dup(rs));
			break;
		case CM_CLAIM_ADOPT:
			if (kube_json_get(rs, "metadata.deletionTimestamp"))
				break;
			patch = controller_manager_adopt_patch(rs, ref);
			cJSON *out = NULL;
			pr = kube_client_patch(c->ctx->client, c->rs_kind, s.ns, l.items[i]->name, NULL,
					       "application/merge-patch+json", patch, NULL, &out, NULL);
			if (pr == 0)
				add_row(&s, out);
			break;
		case CM_CLAIM_RELEASE:
			patch = controller_manager_release_patch(rs, s.uid);
			kube_client_patch(c->ctx->client, c->rs_kind, s.ns, l.items[i]->name, NULL,
					  "application/merge-patch+json", patch, NULL, NULL, NULL);
			break;
		case CM_CLAIM_IGNORE:
			break;
		}
		kube_free(patch);
	}
	cJSON_Delete(ref);
	kube_obj_list_clear(&l);
	kube_selector_free(sel);
	/* FindNewReplicaSet: the oldest set with the same template */
	for (size_t i = 0; i < s.n; i++) {
		if (!template_equal(s.rows[i].json, s.d))
			continue;
		if (s.new_idx < 0 || s.rows[i].r.created_ns < s.rows[s.new_idx].r.created_ns)
			s.new_idx = (ssize_t)i;
	}

	if (deleting) {
		r = sync_status(&s);
		goto out;
	}
	bool paused = kube_json_get_bool(s.d, "spec.paused", false);
	r = check_paused(&s, paused);
	if (r != 0)
		goto out;
	/* isScalingEvent: an active set not annotated with the current size */
	bool scaling = false;
	for (size_t i = 0; i < s.n; i++)
		if (s.rows[i].r.replicas > 0 && s.rows[i].r.desired >= 0 &&
		    s.rows[i].r.desired != s.ro.replicas)
			scaling = true;
	if (paused || scaling) {
		r = get_new_rs(&s, false);
		if (r == 0)
			r = do_scale(&s);
		if (r == 0 && paused)
			cleanup(&s);
		if (r == 0)
			r = sync_status(&s);
		goto out;
	}
	r = s.ro.recreate ? rollout_recreate(&s) : rollout_rolling(&s);
out:
	for (size_t i = 0; i < s.n; i++)
		cJSON_Delete(s.rows[i].json);
	kube_free(s.rows);
	cJSON_Delete(s.d);
	kube_obj_unref(dobj);
	if (r == -ENOENT || r == -ESTALE) {
		/* gone, or a stale write: look again soon */
		if (r == -ESTALE)
			kube_workqueue_add_after(c->q, key, 100);
		return 0;
	}
	return r < 0 ? r : 0;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	dc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->d_kind = kube_kinds_lookup("apps", "v1", "deployments");
	c->rs_kind = kube_kinds_lookup("apps", "v1", "replicasets");
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->deps = kube_informer_factory_get(ctx->informers, c->d_kind);
	c->rss = kube_informer_factory_get(ctx->informers, c->rs_kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	kube_workqueue_config_t qc = { .name = "deployment" };
	c->q = kube_workqueue_new(&qc);
	c->events = kube_events_new(ctx->client, "deployment-controller", NULL);
	kube_informer_handlers_t dh = { on_d_add, on_d_update, on_d_delete, c };
	kube_informer_handlers_t rh = { on_rs_add, on_rs_update, on_rs_delete, c };
	kube_informer_handlers_t ph = { NULL, NULL, on_pod_delete, c };
	kube_informer_add_handlers(c->deps, &dh);
	kube_informer_add_handlers(c->rss, &rh);
	kube_informer_add_handlers(c->pods, &ph);
	c->workers = controller_manager_workers_start(ctx, c->q, ctx->opts->concurrent_deployment_syncs,
						      "deployment-controller", sync_deployment, c);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	dc_t *c = state;
	kube_informer_stop(c->deps);
	kube_informer_stop(c->rss);
	kube_informer_stop(c->pods);
	controller_manager_workers_stop(c->workers);
	kube_workqueue_free(c->q);
	kube_events_free(c->events);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_deployment_controller = {
	.name = "deployment", .default_on = true, .start = start, .stop = stop,
};
