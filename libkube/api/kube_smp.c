/* kube_smp: strategic merge patch over the schema (see kube_smp.h). */
#include "api/kube_smp.h"

#include <string.h>

#include "api/kube_json.h"
#include "api/kube_schema.h"

#define SET_ORDER "$setElementOrder/"
#define DELETE_FROM "$deleteFromPrimitiveList/"

typedef struct smp {
	char *err;
} smp_t;

static void fail(smp_t *x, const char *msg, const char *key)
{
	if (!x->err)
		x->err = kube_asprintf("%s%s%s", msg, key ? ": " : "", key ? key : "");
}

static bool is_directive(const char *k)
{
	return k && k[0] == '$';
}

static void merge_object(smp_t *x, const kube_protobuf_message_t *m, cJSON *dst, const cJSON *patch);

/* A patch value applied where nothing was: directives dropped. */
static cJSON *fresh(smp_t *x, const kube_protobuf_message_t *m, const cJSON *v)
{
	if (cJSON_IsObject(v)) {
		cJSON *o = cJSON_CreateObject();
		const char *p = kube_json_get_str(v, "$patch");
		if (p && strcmp(p, "delete") == 0)
			return o;
		merge_object(x, m, o, v);
		return o;
	}
	if (cJSON_IsArray(v)) {
		cJSON *a = cJSON_CreateArray(), *e;
		cJSON_ArrayForEach(e, v) {
			const char *p = cJSON_IsObject(e) ? kube_json_get_str(e, "$patch") : NULL;
			if (p && (strcmp(p, "delete") == 0 || strcmp(p, "replace") == 0))
				continue;
			cJSON_AddItemToArray(a, fresh(x, m, e));
		}
		return a;
	}
	return kube_json_dup(v);
}

static bool key_equal(const cJSON *a, const cJSON *b, const char *key)
{
	const cJSON *va = cJSON_IsObject(a) ? cJSON_GetObjectItemCaseSensitive(a, key) : NULL;
	const cJSON *vb = cJSON_IsObject(b) ? cJSON_GetObjectItemCaseSensitive(b, key) : NULL;

	return va && vb && kube_json_equal(va, vb);
}

static cJSON *find_keyed(cJSON *list, const cJSON *elem, const char *key)
{
	cJSON *e;

	cJSON_ArrayForEach(e, list)
		if (key_equal(e, elem, key))
			return e;
	return NULL;
}

static bool contains(const cJSON *list, const cJSON *v)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list)
		if (kube_json_equal(e, v))
			return true;
	return false;
}

/* Merge patch list pl into dst list dl (owned by its parent). */
static void merge_list(smp_t *x, const kube_protobuf_field_t *f, const kube_schema_note_t *n, cJSON *parent,
		       const char *name, cJSON *dl, const cJSON *pl)
{
	const cJSON *e;
	const char *key = n ? n->merge_key : NULL;
	bool merge = n && n->strategy && strstr(n->strategy, "merge");

	/* a {"$patch":"replace"} element replaces the whole list */
	cJSON_ArrayForEach(e, pl) {
		const char *p = cJSON_IsObject(e) ? kube_json_get_str(e, "$patch") : NULL;
		if (p && strcmp(p, "replace") == 0)
			merge = false;
	}
	if (!merge || !f) {
		cJSON_ReplaceItemInObjectCaseSensitive(parent, name, fresh(x, f ? f->message : NULL, pl));
		return;
	}
	if (f->type != KUBE_PB_MESSAGE || !key) {
		/* primitive set (finalizers): union */
		cJSON_ArrayForEach(e, pl)
			if (!contains(dl, e))
				cJSON_AddItemToArray(dl, kube_json_dup(e));
		return;
	}
	cJSON_ArrayForEach(e, pl) {
		const char *p;
		cJSON *cur;
		if (!cJSON_IsObject(e)) {
			fail(x, "invalid list element in strategic merge patch", name);
			return;
		}
		p = kube_json_get_str(e, "$patch");
		cur = find_keyed(dl, e, key);
		if (!cJSON_GetObjectItemCaseSensitive(e, key)) {
			fail(x, "map in list does not contain the merge key", key);
			return;
		}
		if (p && strcmp(p, "delete") == 0) {
			while (cur) {
				cJSON_Delete(cJSON_DetachItemViaPointer(dl, cur));
				cur = find_keyed(dl, e, key);
			}
			continue;
		}
		if (cur)
			merge_object(x, f->message, cur, e);
		else
			cJSON_AddItemToArray(dl, fresh(x, f->message, e));
	}
}

/* Reorder list by the $setElementOrder list: listed elements first, in
 * that order; the others after, in their current order. */
static void set_order(cJSON *list, const cJSON *order, const char *key)
{
	cJSON *out = cJSON_CreateArray(), *e, *o;

	cJSON_ArrayForEach(o, order) {
		cJSON *match = NULL;
		cJSON_ArrayForEach(e, list)
			if (key ? key_equal(e, o, key) : kube_json_equal(e, o)) {
				match = e;
				break;
			}
		if (match)
			cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(list, match));
	}
	while (list->child)
		cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(list, list->child));
	while (out->child)
		cJSON_AddItemToArray(list, cJSON_DetachItemViaPointer(out, out->child));
	cJSON_Delete(out);
}

static void merge_object(smp_t *x, const kube_protobuf_message_t *m, cJSON *dst, const cJSON *patch)
{
	const cJSON *pv, *retain = cJSON_GetObjectItemCaseSensitive(patch, "$retainKeys");
	const char *directive = kube_json_get_str(patch, "$patch");

	if (directive && strcmp(directive, "replace") == 0) {
		while (dst->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(dst, dst->child));
	} else if (directive && strcmp(directive, "delete") == 0) {
		while (dst->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(dst, dst->child));
		return;
	} else if (directive && strcmp(directive, "merge") != 0) {
		fail(x, "unknown patch type", directive);
		return;
	}
	if (cJSON_IsArray(retain)) {
		cJSON *c = dst->child;
		while (c) {
			cJSON *next = c->next;
			cJSON *s = cJSON_CreateString(c->string);
			if (!contains(retain, s))
				cJSON_Delete(cJSON_DetachItemViaPointer(dst, c));
			cJSON_Delete(s);
			c = next;
		}
	}
	cJSON_ArrayForEach(pv, patch) {
		const char *k = pv->string;
		const kube_protobuf_message_t *owner = NULL;
		const kube_protobuf_field_t *f;
		cJSON *dv;
		if (!k)
			continue;
		if (kube_startswith(k, DELETE_FROM)) {
			cJSON *list = cJSON_GetObjectItemCaseSensitive(dst, k + strlen(DELETE_FROM));
			const cJSON *v;
			if (!cJSON_IsArray(list))
				continue;
			cJSON_ArrayForEach(v, pv) {
				cJSON *e = list->child;
				while (e) {
					cJSON *next = e->next;
					if (kube_json_equal(e, v))
						cJSON_Delete(cJSON_DetachItemViaPointer(list, e));
					e = next;
				}
			}
			continue;
		}
		if (is_directive(k))
			continue;
		f = m ? kube_schema_field(m, k, &owner) : NULL;
		dv = cJSON_GetObjectItemCaseSensitive(dst, k);
		if (cJSON_IsNull(pv)) {
			cJSON_DeleteItemFromObjectCaseSensitive(dst, k);
			continue;
		}
		if (cJSON_IsObject(pv)) {
			const kube_protobuf_message_t *sub = f && f->type == KUBE_PB_MESSAGE && !(f->flags & KUBE_PB_MAP)
				? f->message : NULL;
			if (cJSON_IsObject(dv)) {
				const char *p = kube_json_get_str(pv, "$patch");
				if (p && strcmp(p, "delete") == 0)
					cJSON_DeleteItemFromObjectCaseSensitive(dst, k);
				else
					merge_object(x, sub, dv, pv);
			} else {
				const char *p = kube_json_get_str(pv, "$patch");
				if (p && strcmp(p, "delete") == 0)
					cJSON_DeleteItemFromObjectCaseSensitive(dst, k);
				else if (dv)
					cJSON_ReplaceItemInObjectCaseSensitive(dst, k, fresh(x, sub, pv));
				else
					cJSON_AddItemToObject(dst, k, fresh(x, sub, pv));
			}
			continue;
		}
		if (cJSON_IsArray(pv) && cJSON_IsArray(dv)) {
			merge_list(x, f, f ? kube_schema_note(owner, k) : NULL, dst, k, dv, pv);
			continue;
		}
		if (dv)
			cJSON_ReplaceItemInObjectCaseSensitive(dst, k, fresh(x, f ? f->message : NULL, pv));
		else
			cJSON_AddItemToObject(dst, k, fresh(x, f ? f->message : NULL, pv));
	}
	/* element orders last, once the lists hold their merged elements */
	cJSON_ArrayForEach(pv, patch) {
		const char *k = pv->string;
		const kube_protobuf_message_t *owner = NULL;
		const kube_protobuf_field_t *f;
		const kube_schema_note_t *n;
		cJSON *list;
		if (!k || !kube_startswith(k, SET_ORDER) || !cJSON_IsArray(pv))
			continue;
		list = cJSON_GetObjectItemCaseSensitive(dst, k + strlen(SET_ORDER));
		if (!cJSON_IsArray(list))
			continue;
		f = m ? kube_schema_field(m, k + strlen(SET_ORDER), &owner) : NULL;
		n = f ? kube_schema_note(owner, k + strlen(SET_ORDER)) : NULL;
		set_order(list, pv, n && f->type == KUBE_PB_MESSAGE ? n->merge_key : NULL);
	}
}

cJSON *kube_smp_apply(const kube_protobuf_message_t *m, const cJSON *doc, const cJSON *patch, char **ret_err)
{
	smp_t x = { 0 };
	cJSON *out;

	if (!cJSON_IsObject(patch)) {
		*ret_err = kube_strdup("a strategic merge patch must be a JSON object");
		return NULL;
	}
	out = cJSON_IsObject(doc) ? kube_json_dup(doc) : cJSON_CreateObject();
	merge_object(&x, m, out, patch);
	if (x.err) {
		cJSON_Delete(out);
		*ret_err = x.err;
		return NULL;
	}
	return out;
}
