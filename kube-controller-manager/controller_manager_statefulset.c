/*
 * controller_manager_statefulset: the StatefulSet controller. Watches
 * StatefulSets, their pods and ControllerRevisions; for a StatefulSet key
 * it records the template as the revision "<set>-<hash>", then creates and
 * deletes pods as controller_manager_statefulset_logic decides (pods below
 * the partition are recreated at the current revision) and writes status.
 */
#include "controller_manager_statefulset.h"

#include <errno.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_daemonset_logic.h"
#include "controller_manager_podutil.h"
#include "controller_manager_queue.h"
#include "controller_manager_revision.h"
#include "controller_manager_statefulset_logic.h"

#define INDEX_OWNER "kcm-controller-uid"

typedef struct stsc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *sts_kind, *pod_kind, *rev_kind, *pvc_kind;
	kube_informer_t *stss, *pods, *revs;
	kube_events_t *events;
	controller_manager_queue_t *q;
} stsc_t;

static void index_owner(const kube_obj_t *obj, void (*emit)(const char *, void *), void *ctx)
{
	const char *uid = controller_manager_podutil_controller_uid(obj->json);
	if (uid)
		emit(uid, ctx);
}

static void on_sts(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((stsc_t *)arg)->q, obj);
}

static void on_sts_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_obj(((stsc_t *)arg)->q, obj);
}

static void on_pod(kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((stsc_t *)arg)->q, obj, "StatefulSet");
}

static void on_pod_update(kube_obj_t *old, kube_obj_t *obj, void *arg)
{
	controller_manager_queue_add_owner(((stsc_t *)arg)->q, obj, "StatefulSet");
}

static void on_pod_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	controller_manager_queue_add_owner(((stsc_t *)arg)->q, obj, "StatefulSet");
}

static int64_t sync_sts(void *arg, const char *key)
{
	stsc_t *c = arg;
	kube_obj_t *sts = kube_informer_get_key(c->stss, key);
	if (!sts)
		return 0;
	if (controller_manager_podutil_deleting(sts->json)) {
		kube_obj_unref(sts);
		return 0;
	}
	char *hash = controller_manager_daemonset_hash(kube_json_get(sts->json, "spec.template"),
						       kube_json_get_int64(sts->json, "status.collisionCount", 0));
	char *rev = kube_asprintf("%s-%s", sts->name, hash);
	int64_t ret = controller_manager_revision_ensure(c->ctx->client, c->revs, sts->json, "apps/v1", "StatefulSet", hash);
	kube_obj_list_t pods = { 0 };
	if (sts->uid)
		kube_informer_by_index(c->pods, INDEX_OWNER, sts->uid, &pods);
	const cJSON **pa = kube_calloc(pods.n + 1, sizeof(*pa));
	for (size_t i = 0; i < pods.n; i++)
		pa[i] = pods.items[i]->json;
	controller_manager_statefulset_plan_t p;
	controller_manager_statefulset_plan(sts->json, pa, pods.n, rev, kube_wall_ns() / KUBE_NS_PER_SEC, &p);
	if (ret == 0) {
		const char **keep = kube_calloc(pods.n + 2, sizeof(char *));
		size_t nk = 0;
		keep[nk++] = rev;
		const char *cr = kube_json_get_str(sts->json, "status.currentRevision");
		if (cr)
			keep[nk++] = cr;
		for (size_t i = 0; i < pods.n && nk < pods.n + 2; i++) {
			const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				kube_json_get(pa[i], "metadata.labels"), "controller-revision-hash"));
			if (h)
				keep[nk++] = h;
		}
		controller_manager_revision_trim(c->ctx->client, c->revs, sts->json, keep, nk);
		kube_free(keep);
	}
	kube_free(pa);
	kube_obj_list_clear(&pods);

	const char *ns = sts->namespace_;
	const char *cur = kube_json_get_str(sts->json, "status.currentRevision");
	int64_t partition = kube_json_get_int64(sts->json, "spec.updateStrategy.rollingUpdate.partition", 0);
	char **created = kube_calloc(p.n_create + 1, sizeof(char *));
	size_t n_created = 0;
	for (size_t i = 0; i < p.n_create; i++) {
		const char *r_for = (cur && *cur && p.create[i] < partition) ? cur : rev;
		/* the pod's claims first, as upstream (kept when the pod goes) */
		cJSON *claims = controller_manager_statefulset_claims(sts->json, p.create[i]);
		const cJSON *pvc;
		int r = 0;
		cJSON_ArrayForEach(pvc, claims)
		{
			int e = kube_client_create(c->ctx->client, c->pvc_kind, ns, pvc, NULL, NULL);
			if (e < 0 && e != -EEXIST) {
				kube_events_eventf_kind(c->events, sts->json, "apps/v1", "StatefulSet", "Warning",
							"FailedCreate", "create Claim %s for Pod %s-%lld in StatefulSet %s failed error: %s",
							kube_json_get_str(pvc, "metadata.name"), sts->name,
							(long long)p.create[i], sts->name, strerror(-e));
				r = e;
			}
		}
		cJSON_Delete(claims);
		if (r < 0) {
			ret = r;
			break;
		}
		cJSON *pod = controller_manager_statefulset_pod(sts->json, p.create[i], r_for);
		r = kube_client_create(c->ctx->client, c->pod_kind, ns, pod, NULL, NULL);
		const char *name = kube_json_get_str(pod, "metadata.name");
		if (r < 0 && r != -EEXIST) {
			kube_events_eventf_kind(c->events, sts->json, "apps/v1", "StatefulSet", "Warning", "FailedCreate",
						"create Pod %s in StatefulSet %s failed error: %s", name, sts->name, strerror(-r));
			ret = r;
		} else if (r == 0) {
			kube_events_eventf_kind(c->events, sts->json, "apps/v1", "StatefulSet", "Normal", "SuccessfulCreate",
						"create Pod %s in StatefulSet %s successful", name, sts->name);
			created[n_created++] = kube_strdup(name);
		}
		cJSON_Delete(pod);
	}
	for (size_t i = 0; i < p.n_deletes; i++) {
		int r = kube_client_delete(c->ctx->client, c->pod_kind, ns, p.deletes[i], NULL, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			ret = r;
		else
			kube_events_eventf_kind(c->events, sts->json, "apps/v1", "StatefulSet", "Normal", "SuccessfulDelete",
						"delete Pod %s in StatefulSet %s successful", p.deletes[i], sts->name);
	}
	controller_manager_queue_wait_cache(c->pods, ns, created, n_created, true, 3000);
	controller_manager_queue_wait_cache(c->pods, ns, p.deletes, p.n_deletes, false, 3000);
	for (size_t i = 0; i < n_created; i++)
		kube_free(created[i]);
	kube_free(created);
	if (p.status) {
		cJSON *upd = kube_json_dup(sts->json);
		cJSON_DeleteItemFromObjectCaseSensitive(upd, "status");
		cJSON_AddItemToObject(upd, "status", p.status);
		p.status = NULL;
		int r = kube_client_update(c->ctx->client, c->sts_kind, ns, "status", upd, NULL, NULL);
		cJSON_Delete(upd);
		if (r == 0)
			controller_manager_queue_wait_rv(c->stss, ns, sts->name, sts->resource_version, 1000);
		if (r < 0 && ret == 0)
			ret = r;
	}
	if (ret == 0 && kube_json_get_int64(sts->json, "spec.minReadySeconds", 0) > 0)
		ret = kube_json_get_int64(sts->json, "spec.minReadySeconds", 0) * 1000;
	controller_manager_statefulset_plan_clear(&p);
	kube_free(rev);
	kube_free(hash);
	kube_obj_unref(sts);
	return ret;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	stsc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->sts_kind = kube_kinds_lookup("apps", "v1", "statefulsets");
	c->pod_kind = kube_kinds_lookup("", "v1", "pods");
	c->rev_kind = kube_kinds_lookup("apps", "v1", "controllerrevisions");
	c->pvc_kind = kube_kinds_lookup("", "v1", "persistentvolumeclaims");
	c->stss = kube_informer_factory_get(ctx->informers, c->sts_kind);
	c->pods = kube_informer_factory_get(ctx->informers, c->pod_kind);
	c->revs = kube_informer_factory_get(ctx->informers, c->rev_kind);
	kube_informer_add_index(c->pods, INDEX_OWNER, index_owner);
	c->events = kube_events_new(ctx->client, "statefulset-controller", NULL);
	c->q = controller_manager_queue_start(ctx, "statefulset", ctx->opts->concurrent_statefulset_syncs, sync_sts, c);
	kube_informer_handlers_t sh = { on_sts, on_sts_update, NULL, c };
	kube_informer_handlers_t ph = { on_pod, on_pod_update, on_pod_delete, c };
	kube_informer_add_handlers(c->stss, &sh);
	kube_informer_add_handlers(c->pods, &ph);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	stsc_t *c = state;
	/* no handler may run once our state is gone: there is no way to take
	 * handlers off a shared informer, so stop them (at shutdown anyway) */
	kube_informer_stop(c->stss);
	kube_informer_stop(c->pods);
	controller_manager_queue_stop(c->q);
	kube_events_free(c->events);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_statefulset_controller = {
	.name = "statefulset", .default_on = true, .start = start, .stop = stop,
};
