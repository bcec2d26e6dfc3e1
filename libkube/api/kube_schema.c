/* kube_schema: lookups over the schema and field validation (see kube_schema.h). */
#include "api/kube_schema.h"

#include <string.h>

extern const kube_schema_note_t kube_schema_notes[];
extern const size_t kube_schema_notes_count;

const kube_protobuf_message_t *kube_schema_for(const char *api_version, const char *kind)
{
	return kube_protobuf_schema_lookup_any(api_version, kind);
}

const kube_schema_note_t *kube_schema_note(const kube_protobuf_message_t *m, const char *field)
{
	for (size_t i = 0; i < kube_schema_notes_count; i++) {
		const kube_schema_note_t *n = &kube_schema_notes[i];
		if (strcmp(n->message, m->name) != 0)
			continue;
		if ((!field && !n->field) || (field && n->field && strcmp(field, n->field) == 0))
			return n;
	}
	return NULL;
}

const kube_protobuf_field_t *kube_schema_field(const kube_protobuf_message_t *m, const char *json,
					       const kube_protobuf_message_t **ret_owner)
{
	for (size_t i = 0; i < m->n_fields; i++) {
		const kube_protobuf_field_t *f = &m->fields[i];
		if (f->flags & KUBE_PB_INLINE) {
			const kube_protobuf_field_t *in = kube_schema_field(f->message, json, ret_owner);
			if (in)
				return in;
		} else if (strcmp(f->json, json) == 0) {
			if (ret_owner)
				*ret_owner = m;
			return f;
		}
	}
	return NULL;
}

const char *kube_schema_definition(const kube_protobuf_message_t *m)
{
	size_t n;
	const kube_protobuf_schema_def_t *d = kube_protobuf_schema_defs(&n);

	for (size_t i = 0; i < n; i++)
		if (d[i].message == m)
			return d[i].definition;
	return NULL;
}

/* ---- field validation ---- */

typedef struct walk {
	kube_buf_t path;
	char **probs;
	size_t n, cap;
} walk_t;

static void problem(walk_t *w, const char *what, const char *key)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 4;
		w->probs = kube_realloc(w->probs, w->cap * sizeof(*w->probs));
	}
	w->probs[w->n++] = kube_asprintf("%s field \"%s%s%s\"", what, w->path.len ? w->path.data : "",
					 w->path.len ? "." : "", key);
}

/* Report and remove duplicate keys of an object, keeping the last. */
static void dedupe(walk_t *w, cJSON *obj)
{
	cJSON *c = obj->child;

	while (c) {
		cJSON *next = c->next;
		bool dup = false, reported = false;
		for (cJSON *d = next; d; d = d->next)
			if (c->string && d->string && strcmp(c->string, d->string) == 0)
				dup = true;
		if (dup) {
			for (cJSON *p = obj->child; p != c; p = p->next)
				if (p->string && strcmp(p->string, c->string) == 0)
					reported = true; /* an earlier copy was reported and removed */
			if (!reported)
				problem(w, "duplicate", c->string);
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
		}
		c = next;
	}
}

static void walk_message(walk_t *w, const kube_protobuf_message_t *m, cJSON *obj, bool top);

static void walk_value(walk_t *w, const kube_protobuf_field_t *f, cJSON *v)
{
	if (f->flags & KUBE_PB_MAP) {
		if (cJSON_IsObject(v))
			dedupe(w, v);
		return;
	}
	if (f->flags & KUBE_PB_REPEATED) {
		int i = 0;
		cJSON *e;
		if (f->type != KUBE_PB_MESSAGE || !cJSON_IsArray(v))
			return;
		cJSON_ArrayForEach(e, v) {
			size_t len = w->path.len;
			kube_buf_printf(&w->path, "[%d]", i++);
			if (cJSON_IsObject(e))
				walk_message(w, f->message, e, false);
			w->path.len = len;
			w->path.data[len] = '\0';
		}
		return;
	}
	if (f->type == KUBE_PB_MESSAGE && cJSON_IsObject(v))
		walk_message(w, f->message, v, false);
}

static void walk_message(walk_t *w, const kube_protobuf_message_t *m, cJSON *obj, bool top)
{
	cJSON *c;

	dedupe(w, obj);
	cJSON_ArrayForEach(c, obj) {
		const kube_protobuf_field_t *f;
		size_t len = w->path.len;
		if (!c->string)
			continue;
		if (top && (strcmp(c->string, "apiVersion") == 0 || strcmp(c->string, "kind") == 0 ||
			    strcmp(c->string, "status") == 0))
			continue;
		f = kube_schema_field(m, c->string, NULL);
		if (!f) {
			problem(w, "unknown", c->string);
			continue;
		}
		if (len)
			kube_buf_putc(&w->path, '.');
		kube_buf_puts(&w->path, c->string);
		walk_value(w, f, c);
		w->path.len = len;
		if (w->path.data)
			w->path.data[len] = '\0';
	}
}

size_t kube_schema_check_fields(const kube_protobuf_message_t *m, cJSON *obj, char ***ret_problems)
{
	walk_t w = { .path = KUBE_BUF_INIT };

	if (m && cJSON_IsObject(obj))
		walk_message(&w, m, obj, true);
	kube_buf_clear(&w.path);
	*ret_problems = w.probs;
	return w.n;
}

void kube_schema_problems_free(char **problems, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kube_free(problems[i]);
	kube_free(problems);
}
