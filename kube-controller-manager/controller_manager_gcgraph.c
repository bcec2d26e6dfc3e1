/* controller_manager_gcgraph: garbage collector decisions (see the header). */
#include "controller_manager_gcgraph.h"

#include "api/kube_json.h"
#include "core/kube_core.h"

static bool has_finalizer(const cJSON *obj, const char *fin)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, kube_json_get(obj, "metadata.finalizers"))
		if (cJSON_IsString(f) && kube_streq(f->valuestring, fin))
			return true;
	return false;
}

bool controller_manager_gc_deleting_with(const cJSON *obj, const char *fin)
{
	return kube_json_get(obj, "metadata.deletionTimestamp") && has_finalizer(obj, fin);
}

bool controller_manager_gc_blocks(const cJSON *dependent, const char *owner_uid)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, kube_json_get(dependent, "metadata.ownerReferences"))
		if (kube_streq(kube_json_get_str(r, "uid"), owner_uid) &&
		    kube_json_get_bool(r, "blockOwnerDeletion", false))
			return true;
	return false;
}

static void add_precondition(cJSON *meta, const cJSON *obj)
{
	const char *uid = kube_json_get_str(obj, "metadata.uid");
	const char *rv = kube_json_get_str(obj, "metadata.resourceVersion");
	if (uid)
		cJSON_AddStringToObject(meta, "uid", uid);
	if (rv)
		cJSON_AddStringToObject(meta, "resourceVersion", rv);
}

char *controller_manager_gc_remove_finalizer_patch(const cJSON *obj, const char *fin)
{
	cJSON *patch = cJSON_CreateObject();
	cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
	cJSON *fins = cJSON_AddArrayToObject(meta, "finalizers");
	const cJSON *f;
	cJSON_ArrayForEach(f, kube_json_get(obj, "metadata.finalizers"))
		if (!cJSON_IsString(f) || !kube_streq(f->valuestring, fin))
			cJSON_AddItemToArray(fins, kube_json_dup(f));
	add_precondition(meta, obj);
	char *s = kube_json_compact(patch);
	cJSON_Delete(patch);
	return s;
}

controller_manager_gc_action_t controller_manager_gc_decide(const cJSON *item, bool has_dependents,
							    controller_manager_gc_lookup_fn lookup,
							    void *arg, const char **ret_policy,
							    char **ret_patch)
{
	const cJSON *refs = kube_json_get(item, "metadata.ownerReferences");
	size_t solid = 0, dangling = 0, waiting = 0;
	const cJSON *r;

	*ret_policy = NULL;
	*ret_patch = NULL;
	if (!cJSON_GetArraySize(refs))
		return CM_GC_KEEP;
	cJSON_ArrayForEach(r, refs) {
		switch (lookup(r, arg)) {
		case CM_GC_OWNER_SOLID: solid++; break;
		case CM_GC_OWNER_DANGLING: dangling++; break;
		case CM_GC_OWNER_WAITING: waiting++; break;
		}
	}
	if (solid) {
		if (!dangling && !waiting)
			return CM_GC_KEEP;
		cJSON *patch = cJSON_CreateObject();
		cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
		cJSON *keep = cJSON_AddArrayToObject(meta, "ownerReferences");
		cJSON_ArrayForEach(r, refs)
			if (lookup(r, arg) == CM_GC_OWNER_SOLID)
				cJSON_AddItemToArray(keep, kube_json_dup(r));
		add_precondition(meta, item);
		*ret_patch = kube_json_compact(patch);
		cJSON_Delete(patch);
		return CM_GC_REMOVE_REFS;
	}
	if (waiting && has_dependents) {
		cJSON *patch = cJSON_CreateObject();
		cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
		cJSON *nrefs = cJSON_AddArrayToObject(meta, "ownerReferences");
		cJSON_ArrayForEach(r, refs) {
			cJSON *d = kube_json_dup(r);
			if (lookup(r, arg) == CM_GC_OWNER_WAITING &&
			    kube_json_get_bool(r, "blockOwnerDeletion", false))
				kube_json_set_bool(d, "blockOwnerDeletion", false);
			cJSON_AddItemToArray(nrefs, d);
		}
		add_precondition(meta, item);
		*ret_patch = kube_json_compact(patch);
		cJSON_Delete(patch);
		*ret_policy = "Foreground";
		return CM_GC_UNBLOCK_DELETE;
	}
	if (has_finalizer(item, CM_FINALIZER_ORPHAN))
		*ret_policy = "Orphan";
	else if (has_finalizer(item, CM_FINALIZER_FOREGROUND))
		*ret_policy = "Foreground";
	else
		*ret_policy = "Background";
	return CM_GC_DELETE;
}
