/* apiserver_openapi_apply: server-side apply (see apiserver_openapi_apply.h). */
#include "apiserver_openapi_apply.h"

#include <string.h>

#include "api/kube_fieldset.h"
#include "api/kube_json.h"
#include "api/kube_schema.h"
#include "api/kube_smp.h"


static cJSON *entry(const char *manager, const char *api_version, cJSON *fields)
{
	cJSON *e = cJSON_CreateObject();
	char now[40];

	apiserver_now_rfc3339(now, sizeof(now));
	cJSON_AddStringToObject(e, "manager", manager);
	cJSON_AddStringToObject(e, "operation", "Apply");
	cJSON_AddStringToObject(e, "apiVersion", api_version);
	cJSON_AddStringToObject(e, "time", now);
	cJSON_AddStringToObject(e, "fieldsType", "FieldsV1");
	cJSON_AddItemToObject(e, "fieldsV1", fields);
	return e;
}

/* `"m" using apps/v1`, as upstream prints a manager. */
static void print_manager(kube_buf_t *b, const cJSON *e)
{
	const char *op = kube_json_get_str(e, "operation"), *t = kube_json_get_str(e, "time");

	kube_json_string_buf(b, kube_json_get_str(e, "manager") ?: "");
	kube_buf_printf(b, " using %s", kube_json_get_str(e, "apiVersion") ?: "");
	if (op && strcmp(op, "Update") == 0 && t)
		kube_buf_printf(b, " at %s", t);
}

static kube_status_t *conflict_status(const kube_kind_t *k, const char *name, const cJSON **owners,
				      char **paths, size_t n)
{
	kube_buf_t msg = KUBE_BUF_INIT, who = KUBE_BUF_INIT;
	kube_status_t *st;

	if (n == 1) {
		print_manager(&who, owners[0]);
		kube_buf_printf(&msg, "Apply failed with 1 conflict: conflict with %s: %s", who.data, paths[0]);
	} else {
		kube_buf_printf(&msg, "Apply failed with %zu conflicts: ", n);
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || owners[i] != owners[i - 1]) {
				kube_buf_reset(&who);
				print_manager(&who, owners[i]);
				kube_buf_printf(&msg, "%sconflicts with %s:", i ? "\n" : "", who.data);
			}
			kube_buf_printf(&msg, "\n- %s", paths[i]);
		}
	}
	st = kube_status_new(409, "Conflict", "%s", msg.data);
	kube_status_set_details(st, name, k->group[0] ? k->group : NULL, k->resource);
	for (size_t i = 0; i < n; i++) {
		kube_buf_reset(&who);
		print_manager(&who, owners[i]);
		kube_status_add_cause(st, "FieldManagerConflict", paths[i], "conflict with %s", who.data);
	}
	kube_buf_clear(&msg);
	kube_buf_clear(&who);
	return st;
}

cJSON *apiserver_apply(const kube_kind_t *k, const cJSON *cur, const cJSON *config, const char *manager,
		       bool force, const char *name, kube_status_t **ret_st)
{
	kube_buf_t av = KUBE_BUF_INIT;
	const kube_protobuf_message_t *m;
	cJSON *cfg, *applied, *managed, *merged, *e, *own_old = NULL;
	char **paths = NULL, *err = NULL;
	size_t npaths = 0, nothers = 0;
	const cJSON **owners = NULL, **others;

	if (!cJSON_IsObject(config)) {
		*ret_st = kube_status_bad_request("the applied configuration must be an object");
		return NULL;
	}
	kube_kinds_api_version(k, &av);
	m = kube_schema_for(av.data, k->kind);
	cfg = kube_json_dup(config);
	kube_json_delete(cfg, "metadata.managedFields");
	kube_json_delete(cfg, "metadata.resourceVersion");
	applied = kube_fieldset_of(m, cfg);

	if (!cur) {
		managed = cJSON_CreateArray();
		cJSON_AddItemToArray(managed, entry(manager, av.data, applied));
		kube_json_set(cfg, "metadata.managedFields", managed);
		kube_buf_clear(&av);
		return cfg;
	}

	managed = kube_json_dup(kube_json_get(cur, "metadata.managedFields"));
	if (!cJSON_IsArray(managed)) {
		cJSON_Delete(managed);
		managed = cJSON_CreateArray();
	}
	others = kube_calloc(cJSON_GetArraySize(managed) + 1, sizeof(*others));
	e = managed->child;
	while (e) {
		cJSON *next = e->next;
		const char *mgr = kube_json_get_str(e, "manager"), *op = kube_json_get_str(e, "operation");
		cJSON *fs = cJSON_GetObjectItemCaseSensitive(e, "fieldsV1");
		if (mgr && strcmp(mgr, manager) == 0 && op && strcmp(op, "Apply") == 0) {
			own_old = cJSON_DetachItemFromObjectCaseSensitive(e, "fieldsV1");
			cJSON_Delete(cJSON_DetachItemViaPointer(managed, e));
		} else if (cJSON_IsObject(fs)) {
			size_t before = npaths;
			kube_fieldset_conflicts(applied, fs, cfg, cur, force, &paths, &npaths);
			owners = kube_realloc(owners, (npaths + 1) * sizeof(*owners));
			for (size_t i = before; i < npaths; i++)
				owners[i] = e;
			if (force && kube_fieldset_empty(fs))
				cJSON_Delete(cJSON_DetachItemViaPointer(managed, e));
			else
				others[nothers++] = fs;
		}
		e = next;
	}
	if (npaths && !force) {
		*ret_st = conflict_status(k, name, owners, paths, npaths);
		merged = NULL;
		goto out;
	}
	merged = kube_smp_apply(m, cur, cfg, &err);
	if (!merged) {
		*ret_st = kube_status_bad_request("%s", err ? err : "the applied configuration could not be merged");
		goto out;
	}
	if (own_old)
		kube_fieldset_prune(merged, own_old, applied, others, nothers);
	cJSON_AddItemToArray(managed, entry(manager, av.data, applied));
	applied = NULL;
	kube_json_set(merged, "metadata.managedFields", managed);
	managed = NULL;
out:
	kube_fieldset_paths_free(paths, npaths);
	kube_free(owners);
	kube_free(others);
	kube_free(err);
	cJSON_Delete(own_old);
	cJSON_Delete(managed);
	cJSON_Delete(applied);
	cJSON_Delete(cfg);
	kube_buf_clear(&av);
	return merged;
}
