/* kube_fieldset: server-side apply field sets (see kube_fieldset.h). */
#include "api/kube_fieldset.h"

#include <string.h>

#include "api/kube_json.h"
#include "api/kube_schema.h"

static cJSON *set_of(const kube_protobuf_message_t *m, const cJSON *obj);

/* "k:{\"name\":\"web\"}" for a keyed list element, or NULL. */
static char *element_key(const cJSON *e, const char *key)
{
	const cJSON *v = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, key) : NULL;
	kube_buf_t b = KUBE_BUF_INIT;

	if (!v)
		return NULL;
	kube_buf_puts(&b, "k:{");
	kube_json_string_buf(&b, key);
	kube_buf_putc(&b, ':');
	kube_json_compact_buf(&b, v);
	kube_buf_putc(&b, '}');
	return kube_buf_steal(&b);
}

static char *value_key(const cJSON *v)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_puts(&b, "v:");
	kube_json_compact_buf(&b, v);
	return kube_buf_steal(&b);
}

static cJSON *field_set(const kube_protobuf_message_t *owner, const kube_protobuf_field_t *f, const cJSON *v)
{
	const kube_schema_note_t *n = f ? kube_schema_note(owner, f->json) : NULL;
	const kube_protobuf_message_t *sub = f && f->type == KUBE_PB_MESSAGE ? f->message : NULL;
	cJSON *s;
	const cJSON *e;

	if (cJSON_IsObject(v)) {
		if (f && (f->flags & KUBE_PB_MAP))
			sub = NULL; /* a map: every key a field */
		return set_of(sub, v);
	}
	if (!cJSON_IsArray(v) || !n || !n->strategy || !strstr(n->strategy, "merge"))
		return cJSON_CreateObject(); /* a leaf or an atomic list */
	s = cJSON_CreateObject();
	cJSON_ArrayForEach(e, v) {
		char *k = n->merge_key ? element_key(e, n->merge_key) : value_key(e);
		if (!k)
			continue;
		if (!cJSON_GetObjectItemCaseSensitive(s, k)) {
			cJSON *es = n->merge_key ? set_of(sub, e) : cJSON_CreateObject();
			if (n->merge_key)
				cJSON_AddItemToObject(es, ".", cJSON_CreateObject());
			cJSON_AddItemToObject(s, k, es);
		}
		kube_free(k);
	}
	return s;
}

static cJSON *set_of(const kube_protobuf_message_t *m, const cJSON *obj)
{
	cJSON *s = cJSON_CreateObject();
	const cJSON *c;

	if (!cJSON_IsObject(obj))
		return s;
	cJSON_ArrayForEach(c, obj) {
		const kube_protobuf_message_t *owner = NULL;
		const kube_protobuf_field_t *f;
		char *k;
		if (!c->string || cJSON_IsNull(c))
			continue;
		f = m ? kube_schema_field(m, c->string, &owner) : NULL;
		k = kube_asprintf("f:%s", c->string);
		cJSON_AddItemToObject(s, k, field_set(owner, f, c));
		kube_free(k);
	}
	return s;
}

cJSON *kube_fieldset_of(const kube_protobuf_message_t *m, const cJSON *config)
{
	cJSON *s = set_of(m, config), *meta;

	cJSON_DeleteItemFromObjectCaseSensitive(s, "f:apiVersion");
	cJSON_DeleteItemFromObjectCaseSensitive(s, "f:kind");
	meta = cJSON_GetObjectItemCaseSensitive(s, "f:metadata");
	if (meta) {
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "f:name");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "f:namespace");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "f:managedFields");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "f:resourceVersion");
		if (!meta->child)
			cJSON_DeleteItemFromObjectCaseSensitive(s, "f:metadata");
	}
	return s;
}

bool kube_fieldset_empty(const cJSON *set)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, set)
		if (strcmp(c->string, ".") != 0)
			return false;
	return true;
}

/* The child of node (object or list) that a set key names. */
static cJSON *child_for(const cJSON *node, const char *key)
{
	cJSON *e;

	if (!node)
		return NULL;
	if (key[0] == 'f' && key[1] == ':')
		return cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, key + 2) : NULL;
	if (key[0] == 'k' && key[1] == ':' && cJSON_IsArray(node)) {
		cJSON *want = kube_json_parse(key + 2, strlen(key + 2));
		cJSON *found = NULL;
		if (!cJSON_IsObject(want) || !want->child) {
			cJSON_Delete(want);
			return NULL;
		}
		cJSON_ArrayForEach(e, node) {
			const cJSON *v = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, want->child->string) : NULL;
			if (v && kube_json_equal(v, want->child)) {
				found = e;
				break;
			}
		}
		cJSON_Delete(want);
		return found;
	}
	if (key[0] == 'v' && key[1] == ':' && cJSON_IsArray(node)) {
		cJSON *want = kube_json_parse(key + 2, strlen(key + 2));
		cJSON *found = NULL;
		cJSON_ArrayForEach(e, node)
			if (want && kube_json_equal(e, want)) {
				found = e;
				break;
			}
		cJSON_Delete(want);
		return found;
	}
	return NULL;
}

static void path_push(kube_buf_t *p, const char *key)
{
	if (key[0] == 'f') {
		kube_buf_printf(p, ".%s", key + 2);
	} else if (key[0] == 'k') {
		cJSON *k = kube_json_parse(key + 2, strlen(key + 2));
		if (cJSON_IsObject(k) && k->child) {
			char *v = kube_json_compact(k->child);
			kube_buf_printf(p, "[%s=%s]", k->child->string, v);
			kube_free(v);
		}
		cJSON_Delete(k);
	} else {
		kube_buf_printf(p, "[=%s]", key + 2);
	}
}

static void add_path(char ***paths, size_t *n, const char *p)
{
	*paths = kube_realloc(*paths, (*n + 1) * sizeof(**paths));
	(*paths)[(*n)++] = kube_strdup(p && *p ? p : ".");
}

static size_t conflicts(const cJSON *applied, cJSON *other, const cJSON *config, const cJSON *live, bool take,
			kube_buf_t *path, char ***paths, size_t *npaths)
{
	size_t found = 0;
	const cJSON *a;

	cJSON_ArrayForEach(a, applied) {
		cJSON *o = cJSON_GetObjectItemCaseSensitive(other, a->string);
		const cJSON *cv = child_for(config, a->string), *lv = child_for(live, a->string);
		size_t len = path->len;
		if (!o || strcmp(a->string, ".") == 0)
			continue;
		path_push(path, a->string);
		if (kube_fieldset_empty(a) || kube_fieldset_empty(o)) {
			if (a->string[0] == 'f' && !(cv && lv && kube_json_equal(cv, lv))) {
				add_path(paths, npaths, path->data);
				found++;
				if (take)
					cJSON_DeleteItemFromObjectCaseSensitive(other, a->string);
			}
		} else {
			found += conflicts(a, o, cv, lv, take, path, paths, npaths);
			if (take && kube_fieldset_empty(o))
				cJSON_DeleteItemFromObjectCaseSensitive(other, a->string);
		}
		path->len = len;
		if (path->data)
			path->data[len] = '\0';
	}
	return found;
}

size_t kube_fieldset_conflicts(const cJSON *applied, cJSON *other, const cJSON *config, const cJSON *live,
			       bool take, char ***paths, size_t *npaths)
{
	kube_buf_t path = KUBE_BUF_INIT;
	size_t n = conflicts(applied, other, config, live, take, &path, paths, npaths);

	kube_buf_clear(&path);
	return n;
}

void kube_fieldset_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kube_free(paths[i]);
	kube_free(paths);
}

static void remove_child(cJSON *node, const char *key)
{
	cJSON *c = child_for(node, key);

	if (!c)
		return;
	if (key[0] == 'f')
		cJSON_DeleteItemFromObjectCaseSensitive(node, key + 2);
	else
		cJSON_Delete(cJSON_DetachItemViaPointer(node, c));
}

void kube_fieldset_prune(cJSON *obj, const cJSON *old, const cJSON *applied, const cJSON *const *others,
			 size_t n_others)
{
	const cJSON *o;
	const cJSON **sub = kube_calloc(n_others ? n_others : 1, sizeof(*sub));

	cJSON_ArrayForEach(o, old) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(applied, o->string);
		bool owned = false;
		if (strcmp(o->string, ".") == 0)
			continue;
		for (size_t i = 0; i < n_others; i++) {
			sub[i] = others[i] ? cJSON_GetObjectItemCaseSensitive(others[i], o->string) : NULL;
			owned = owned || sub[i];
		}
		if (!a) {
			if (!owned)
				remove_child(obj, o->string);
			else if (!kube_fieldset_empty(o))
				kube_fieldset_prune(child_for(obj, o->string), o, NULL, sub, n_others);
			continue;
		}
		if (!kube_fieldset_empty(o) && !kube_fieldset_empty(a))
			kube_fieldset_prune(child_for(obj, o->string), o, a, sub, n_others);
	}
	kube_free(sub);
}
