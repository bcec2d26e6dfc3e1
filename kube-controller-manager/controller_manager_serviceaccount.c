/*
 * controller_manager_serviceaccount: upstream's ServiceAccountsController:
 * every active namespace gets the ServiceAccounts it should have (here
 * "default"), re-created when deleted. Token secrets belong to the
 * serviceaccount-token controller (the security issue).
 */
#include "controller_manager_serviceaccount.h"

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_log.h"
#include "controller_manager_worker.h"

typedef struct sac {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *ns_kind, *sa_kind;
	kube_informer_t *nss, *sas;
	kube_workqueue_t *q;
	controller_manager_workers_t *workers;
} sac_t;

static void on_ns_add(kube_obj_t *obj, void *arg)
{
	kube_workqueue_add(((sac_t *)arg)->q, obj->name);
}

static void on_ns_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	kube_workqueue_add(((sac_t *)arg)->q, new_->name);
}

static void on_sa_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	if (kube_streq(obj->name, "default"))
		kube_workqueue_add(((sac_t *)arg)->q, obj->namespace_);
}

static int sync_ns(void *arg, const char *key)
{
	sac_t *c = arg;
	kube_obj_t *ns = kube_informer_get(c->nss, NULL, key);
	if (!ns)
		return 0;
	bool active = !kube_streq(kube_json_get_str(ns->json, "status.phase"), "Terminating") &&
		      !kube_json_get(ns->json, "metadata.deletionTimestamp");
	kube_obj_unref(ns);
	if (!active)
		return 0;
	kube_obj_t *sa = kube_informer_get(c->sas, key, "default");
	if (sa) {
		kube_obj_unref(sa);
		return 0;
	}
	cJSON *obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "apiVersion", "v1");
	cJSON_AddStringToObject(obj, "kind", "ServiceAccount");
	cJSON *meta = cJSON_AddObjectToObject(obj, "metadata");
	cJSON_AddStringToObject(meta, "name", "default");
	cJSON_AddStringToObject(meta, "namespace", key);
	int r = kube_client_create(c->ctx->client, c->sa_kind, key, obj, NULL, NULL);
	cJSON_Delete(obj);
	if (r == -EEXIST || r == -ENOENT)
		return 0;
	/* a namespace being deleted refuses new objects (403) */
	if (r == -EPERM)
		return 0;
	return r;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	sac_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->ns_kind = kube_kinds_lookup("", "v1", "namespaces");
	c->sa_kind = kube_kinds_lookup("", "v1", "serviceaccounts");
	c->nss = kube_informer_factory_get(ctx->informers, c->ns_kind);
	c->sas = kube_informer_factory_get(ctx->informers, c->sa_kind);
	kube_workqueue_config_t qc = { .name = "serviceaccount" };
	c->q = kube_workqueue_new(&qc);
	kube_informer_handlers_t nh = { on_ns_add, on_ns_update, NULL, c };
	kube_informer_handlers_t sh = { NULL, NULL, on_sa_delete, c };
	kube_informer_add_handlers(c->nss, &nh);
	kube_informer_add_handlers(c->sas, &sh);
	c->workers = controller_manager_workers_start(ctx, c->q, 1, "serviceaccount-controller",
						      sync_ns, c);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	sac_t *c = state;
	kube_informer_stop(c->nss);
	kube_informer_stop(c->sas);
	controller_manager_workers_stop(c->workers);
	kube_workqueue_free(c->q);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_serviceaccount_controller = {
	.name = "serviceaccount", .default_on = true, .start = start, .stop = stop,
};
