/* controller_manager_revision: ControllerRevisions, see the header. */
#include "controller_manager_revision.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "controller_manager_podutil.h"
#include "controller_manager_pods.h"

int64_t controller_manager_revision_max(kube_informer_t *revisions, const cJSON *owner)
{
	kube_obj_list_t l = { 0 };
	kube_informer_list(revisions, kube_json_get_str(owner, "metadata.namespace"), &l);
	const char *uid = kube_json_get_str(owner, "metadata.uid");
	int64_t max = 0;
	for (size_t i = 0; i < l.n; i++)
		if (uid && kube_streq(controller_manager_podutil_controller_uid(l.items[i]->json), uid))
			max = KUBE_MAX(max, kube_json_get_int64(l.items[i]->json, "revision", 0));
	kube_obj_list_clear(&l);
	return max;
}

kube_obj_t *controller_manager_revision_get(kube_informer_t *revisions, const char *ns, const char *name)
{
	return kube_informer_get(revisions, ns, name);
}

int controller_manager_revision_ensure(kube_client_t *c, kube_informer_t *revisions, const cJSON *owner,
				       const char *api_version, const char *kind, const char *hash)
{
	const char *ns = kube_json_get_str(owner, "metadata.namespace");
	const char *name = kube_json_get_str(owner, "metadata.name");
	_cleanup_free_ char *rname = kube_asprintf("%s-%s", name ? name : "", hash);
	kube_obj_t *have = kube_informer_get(revisions, ns, rname);
	if (have) {
		kube_obj_unref(have);
		return 0;
	}
	const cJSON *tmpl = kube_json_get(owner, "spec.template");
	cJSON *rev = cJSON_CreateObject();
	cJSON_AddStringToObject(rev, "apiVersion", "apps/v1");
	cJSON_AddStringToObject(rev, "kind", "ControllerRevision");
	cJSON *meta = cJSON_AddObjectToObject(rev, "metadata");
	cJSON_AddStringToObject(meta, "name", rname);
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	const cJSON *tl = kube_json_get(tmpl, "metadata.labels");
	cJSON *labels = cJSON_IsObject(tl) ? kube_json_dup(tl) : cJSON_CreateObject();
	cJSON_DeleteItemFromObjectCaseSensitive(labels, "controller-revision-hash");
	cJSON_AddStringToObject(labels, "controller-revision-hash", hash);
	cJSON_AddItemToObject(meta, "labels", labels);
	cJSON *refs = cJSON_AddArrayToObject(meta, "ownerReferences");
	cJSON_AddItemToArray(refs, controller_manager_owner_ref(owner, api_version, kind));
	cJSON *t = kube_json_dup(tmpl);
	if (!cJSON_IsObject(t)) {
		cJSON_Delete(t);
		t = cJSON_CreateObject();
	}
	cJSON_AddStringToObject(t, "$patch", "replace");
	kube_json_set(rev, "data.spec.template", t);
	cJSON_AddNumberToObject(rev, "revision", (double)(controller_manager_revision_max(revisions, owner) + 1));
	int r = kube_client_create(c, kube_kinds_lookup("apps", "v1", "controllerrevisions"), ns, rev, NULL, NULL);
	cJSON_Delete(rev);
	return r == -EEXIST ? 0 : r;
}

static int by_revision(const void *a, const void *b)
{
	int64_t x = kube_json_get_int64((*(kube_obj_t *const *)a)->json, "revision", 0);
	int64_t y = kube_json_get_int64((*(kube_obj_t *const *)b)->json, "revision", 0);
	return x < y ? -1 : x > y;
}

void controller_manager_revision_trim(kube_client_t *c, kube_informer_t *revisions, const cJSON *owner,
				      const char *const *keep, size_t n_keep)
{
	int64_t limit = kube_json_get_int64(owner, "spec.revisionHistoryLimit", 10);
	const char *uid = kube_json_get_str(owner, "metadata.uid");
	const char *ns = kube_json_get_str(owner, "metadata.namespace");
	kube_obj_list_t l = { 0 };
	kube_informer_list(revisions, ns, &l);
	kube_obj_t **mine = kube_calloc(l.n + 1, sizeof(*mine));
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (!uid || !kube_streq(controller_manager_podutil_controller_uid(l.items[i]->json), uid))
			continue;
		bool kept = false;
		for (size_t k = 0; k < n_keep; k++)
			kept |= kube_streq(keep[k], l.items[i]->name);
		if (!kept)
			mine[n++] = l.items[i];
	}
	if (limit >= 0 && (int64_t)n > limit) {
		qsort(mine, n, sizeof(*mine), by_revision);
		const kube_kind_t *k = kube_kinds_lookup("apps", "v1", "controllerrevisions");
		for (size_t i = 0; i < n - (size_t)limit; i++)
			kube_client_delete(c, k, ns, mine[i]->name, NULL, NULL, NULL);
	}
	kube_free(mine);
	kube_obj_list_clear(&l);
}
