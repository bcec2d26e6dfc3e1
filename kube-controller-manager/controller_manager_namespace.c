/*
 * controller_manager_namespace: upstream's namespace controller. A
 * namespace with a deletionTimestamp is emptied: every namespaced resource
 * discovery lists (with list and delete verbs) is deleted (deletecollection
 * where served, else one by one, propagation Background); while something
 * remains the namespace's status carries upstream's deletion conditions
 * (NamespaceContentRemaining, NamespaceFinalizersRemaining, ...) and the
 * sync is retried. Once empty, the "kubernetes" finalizer is removed with
 * PUT namespaces/<ns>/finalize, and the API server removes the namespace.
 */
#include "controller_manager_namespace.h"

#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "core/kube_buf.h"
#include "core/kube_log.h"
#include "core/kube_time.h"
#include "controller_manager_worker.h"

typedef struct nsc {
	controller_manager_ctx_t *ctx;
	const kube_kind_t *ns_kind;
	kube_informer_t *nss;
	kube_workqueue_t *q;
	controller_manager_workers_t *workers;
} nsc_t;

static void on_ns(kube_obj_t *obj, void *arg)
{
	if (kube_json_get(obj->json, "metadata.deletionTimestamp"))
		kube_workqueue_add(((nsc_t *)arg)->q, obj->name);
}

static void on_ns_add(kube_obj_t *obj, void *arg)
{
	on_ns(obj, arg);
}

static void on_ns_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	on_ns(new_, arg);
}

/* Delete everything of kind k in ns. */
static int delete_all(nsc_t *c, const kube_kind_t *k, const char *ns)
{
	if (kube_kinds_has_verb(k, "deletecollection")) {
		char *path = kube_client_path(k, ns, NULL, NULL, "propagationPolicy=Background");
		kube_client_raw_t req = { .method = "DELETE", .path = path };
		int code = 0;
		int r = kube_client_raw(c->ctx->client, &req, &code, NULL, NULL);
		kube_free(path);
		if (r < 0)
			return r;
		if (code / 100 == 2 || code == 404)
			return 0;
		if (code != 405)
			return kube_client_errno(code, "");
	}
	cJSON *list = NULL;
	int r = kube_client_list(c->ctx->client, k, ns, NULL, &list, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	const cJSON *it;
	int err = 0;
	cJSON_ArrayForEach(it, kube_json_get(list, "items")) {
		if (kube_json_get(it, "metadata.deletionTimestamp"))
			continue;
		kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
		o.propagation_policy = "Background";
		r = kube_client_delete(c->ctx->client, k, ns, kube_json_get_str(it, "metadata.name"),
				       &o, NULL, NULL);
		if (r < 0 && r != -ENOENT)
			err = r;
	}
	cJSON_Delete(list);
	return err;
}

/* Count what of kind k remains in ns, and how many carry finalizers
 * (recorded per finalizer into fins as "name" lines). */
static int remaining(nsc_t *c, const kube_kind_t *k, const char *ns, int64_t *ret_n,
		     kube_buf_t *fins)
{
	cJSON *list = NULL;
	kube_client_list_opts_t lo = { .limit = 500 };
	int r = kube_client_list(c->ctx->client, k, ns, &lo, &list, NULL);
	*ret_n = 0;
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	const cJSON *it;
	cJSON_ArrayForEach(it, kube_json_get(list, "items")) {
		(*ret_n)++;
		const cJSON *f;
		cJSON_ArrayForEach(f, kube_json_get(it, "metadata.finalizers"))
			if (cJSON_IsString(f) && !strstr(kube_buf_str(fins), f->valuestring)) {
				if (fins->len)
					kube_buf_puts(fins, ", ");
				kube_buf_puts(fins, f->valuestring);
			}
	}
	cJSON_Delete(list);
	return 0;
}

static void set_cond(cJSON *conds, const char *type, bool on, const char *reason, const char *msg)
{
	cJSON *c;
	char ts[64];
	kube_time_format_rfc3339(kube_wall_ns(), ts, sizeof(ts));
	const char *status = on ? "True" : "False";
	cJSON_ArrayForEach(c, conds) {
		if (!kube_streq(kube_json_get_str(c, "type"), type))
			continue;
		if (!kube_streq(kube_json_get_str(c, "status"), status))
			kube_json_set_str(c, "lastTransitionTime", ts);
		kube_json_set_str(c, "status", status);
		kube_json_set_str(c, "reason", reason);
		kube_json_set_str(c, "message", msg);
		return;
	}
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "type", type);
	cJSON_AddStringToObject(c, "status", status);
	cJSON_AddStringToObject(c, "lastTransitionTime", ts);
	cJSON_AddStringToObject(c, "reason", reason);
	cJSON_AddStringToObject(c, "message", msg);
	cJSON_AddItemToArray(conds, c);
}

static int sync_ns(void *arg, const char *name)
{
	nsc_t *c = arg;
	cJSON *ns = NULL;
	int r = kube_client_get(c->ctx->client, c->ns_kind, NULL, name, &ns, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!kube_json_get(ns, "metadata.deletionTimestamp")) {
		cJSON_Delete(ns);
		return 0;
	}
	bool has_fin = false;
	const cJSON *f;
	cJSON_ArrayForEach(f, kube_json_get(ns, "spec.finalizers"))
		if (cJSON_IsString(f) && kube_streq(f->valuestring, "kubernetes"))
			has_fin = true;
	if (!has_fin) {
		cJSON_Delete(ns);
		return 0;
	}

	size_t nk = 0;
	const kube_kind_t *kinds = kube_kinds_all(&nk);
	int err = 0;
	for (size_t i = 0; i < nk; i++) {
		const kube_kind_t *k = &kinds[i];
		if (!k->namespaced || !kube_kinds_has_verb(k, "list") || !kube_kinds_has_verb(k, "delete"))
			continue;
		r = delete_all(c, k, name);
		if (r < 0 && r != -EOPNOTSUPP && r != -ENOENT) {
			klog_v(2, "namespace %s: deleting %s: %s", name, k->resource, strerror(-r));
			err = r;
		}
	}
	kube_buf_t rem = { 0 }, fins = { 0 };
	int64_t total = 0;
	for (size_t i = 0; i < nk; i++) {
		const kube_kind_t *k = &kinds[i];
		if (!k->namespaced || !kube_kinds_has_verb(k, "list") || !kube_kinds_has_verb(k, "delete"))
			continue;
		int64_t n = 0;
		if (remaining(c, k, name, &n, &fins) < 0 || n == 0)
			continue;
		kube_buf_printf(&rem, "%s%s", rem.len ? ", " : "", k->resource);
		if (k->group[0])
			kube_buf_printf(&rem, ".%s", k->group);
		kube_buf_printf(&rem, " has %lld resource instances", (long long)n);
		total += n;
	}

	/* status conditions, as upstream's deletion status */
	cJSON *upd = kube_json_dup(ns);
	cJSON *conds = (cJSON *)kube_json_get(upd, "status.conditions");
	if (!conds) {
		conds = cJSON_CreateArray();
		kube_json_set(upd, "status.conditions", conds);
	}
	set_cond(conds, "NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered",
		 "All resources successfully discovered");
	set_cond(conds, "NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
		 "All legacy kube types successfully parsed");
	if (err)
		set_cond(conds, "NamespaceDeletionContentFailure", true, "ContentDeletionFailed",
			 "Failed to delete all resource types, 1 remaining");
	else
		set_cond(conds, "NamespaceDeletionContentFailure", false, "ContentDeleted",
			 "All content successfully deleted, may be waiting on finalization");
	char *msg;
	if (total) {
		msg = kube_asprintf("Some resources are remaining: %s", kube_buf_str(&rem));
		set_cond(conds, "NamespaceContentRemaining", true, "SomeResourcesRemain", msg);
	} else {
		msg = NULL;
		set_cond(conds, "NamespaceContentRemaining", false, "ContentRemoved",
			 "All content successfully removed");
	}
	kube_free(msg);
	if (fins.len) {
		msg = kube_asprintf("Some content in the namespace has finalizers remaining: %s",
				    kube_buf_str(&fins));
		set_cond(conds, "NamespaceFinalizersRemaining", true, "SomeFinalizersRemain", msg);
		kube_free(msg);
	} else {
		set_cond(conds, "NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers",
			 "All content-preserving finalizers finished");
	}
	kube_buf_clear(&rem);
	kube_buf_clear(&fins);
	if (!kube_json_equal(kube_json_get(ns, "status"), kube_json_get(upd, "status"))) {
		cJSON *out = NULL;
		if (kube_client_update(c->ctx->client, c->ns_kind, NULL, "status", upd, &out, NULL) == 0) {
			cJSON_Delete(upd);
			upd = out;
		}
	}
	if (err || total) {
		cJSON_Delete(upd);
		cJSON_Delete(ns);
		kube_workqueue_add_after(c->q, name, total ? 1000 : 2000);
		return 0;
	}
	/* finalize: drop "kubernetes" from spec.finalizers */
	cJSON *fl = cJSON_CreateArray();
	cJSON_ArrayForEach(f, kube_json_get(upd, "spec.finalizers"))
		if (cJSON_IsString(f) && !kube_streq(f->valuestring, "kubernetes"))
			cJSON_AddItemToArray(fl, cJSON_CreateString(f->valuestring));
	kube_json_set(upd, "spec.finalizers", fl);
	r = kube_client_update(c->ctx->client, c->ns_kind, NULL, "finalize", upd, NULL, NULL);
	cJSON_Delete(upd);
	cJSON_Delete(ns);
	if (r == -ENOENT)
		return 0;
	if (r == 0)
		klog_v(2, "namespace %s finalized", name);
	return r;
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	nsc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	c->ns_kind = kube_kinds_lookup("", "v1", "namespaces");
	c->nss = kube_informer_factory_get(ctx->informers, c->ns_kind);
	kube_workqueue_config_t qc = { .name = "namespace" };
	c->q = kube_workqueue_new(&qc);
	kube_informer_handlers_t h = { on_ns_add, on_ns_update, NULL, c };
	kube_informer_add_handlers(c->nss, &h);
	c->workers = controller_manager_workers_start(ctx, c->q, ctx->opts->concurrent_namespace_syncs,
						      "namespace-controller", sync_ns, c);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	nsc_t *c = state;
	kube_informer_stop(c->nss);
	controller_manager_workers_stop(c->workers);
	kube_workqueue_free(c->q);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_namespace_controller = {
	.name = "namespace", .default_on = true, .start = start, .stop = stop,
};
