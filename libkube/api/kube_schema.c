/* kube_schema: lookups over the schema and field validation (see kube_schema.h). */
#include "api/kube_schema.h"

#include "api/kube_json.h"

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

/* ---- type check ---- */

static const char *json_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "bool";
	if (cJSON_IsArray(v))
		return "array";
	return "object";
}

/* Go's name for a field's type, as encoding/json prints it. */
static void go_type(kube_buf_t *b, const kube_protobuf_field_t *f, bool element)
{
	const char *scalar = NULL;

	if (!element && (f->flags & KUBE_PB_REPEATED))
		kube_buf_puts(b, "[]");
	if (!element && (f->flags & KUBE_PB_MAP))
		kube_buf_puts(b, "map[string]");
	switch (f->type) {
	case KUBE_PB_STRING: scalar = "string"; break;
	case KUBE_PB_BYTES: scalar = "[]uint8"; break;
	case KUBE_PB_INT32: scalar = "int32"; break;
	case KUBE_PB_INT64: scalar = "int64"; break;
	case KUBE_PB_BOOL: scalar = "bool"; break;
	case KUBE_PB_DOUBLE: scalar = "float64"; break;
	case KUBE_PB_TIME: scalar = "v1.Time"; break;
	case KUBE_PB_MICROTIME: scalar = "v1.MicroTime"; break;
	case KUBE_PB_QUANTITY: scalar = "resource.Quantity"; break;
	case KUBE_PB_INTORSTRING: scalar = "intstr.IntOrString"; break;
	case KUBE_PB_DURATION: scalar = "v1.Duration"; break;
	default: break;
	}
	if (scalar) {
		kube_buf_puts(b, scalar);
		return;
	}
	if (f->type == KUBE_PB_MESSAGE) {
		const char *def = kube_schema_definition(f->message), *dot;
		const char *ver = NULL;
		/* "io.k8s.api.core.v1.Container" -> "v1.Container" */
		if (def && (dot = strrchr(def, '.'))) {
			for (const char *p = dot - 1; p > def; p--)
				if (*p == '.') {
					ver = p + 1;
					break;
				}
			kube_buf_puts(b, ver ? ver : dot + 1);
		} else {
			kube_buf_puts(b, f->message->name);
		}
	} else {
		kube_buf_puts(b, "interface {}");
	}
}

/* Whether v fits one value (not the list/map wrapping) of f. */
static bool fits(const kube_protobuf_field_t *f, const cJSON *v, bool *fraction)
{
	*fraction = false;
	if (cJSON_IsNull(v))
		return true;
	switch (f->type) {
	case KUBE_PB_STRING:
	case KUBE_PB_BYTES:
	case KUBE_PB_TIME:
	case KUBE_PB_MICROTIME:
	case KUBE_PB_DURATION:
		return cJSON_IsString(v);
	case KUBE_PB_INT32:
	case KUBE_PB_INT64:
		if (!cJSON_IsNumber(v))
			return false;
		*fraction = v->valuedouble != (double)(int64_t)v->valuedouble;
		return !*fraction;
	case KUBE_PB_BOOL:
		return cJSON_IsBool(v);
	case KUBE_PB_DOUBLE:
		return cJSON_IsNumber(v);
	case KUBE_PB_QUANTITY:
	case KUBE_PB_INTORSTRING:
		return cJSON_IsString(v) || cJSON_IsNumber(v);
	case KUBE_PB_MESSAGE:
		return cJSON_IsObject(v);
	default:
		return true;
	}
}

typedef struct tcheck {
	kube_buf_t path; /* JSON path without indices, as Go prints it */
	char *err;
} tcheck_t;

static void type_error(tcheck_t *t, const kube_protobuf_message_t *owner, const kube_protobuf_field_t *f,
		       const cJSON *v, bool element, bool fraction)
{
	kube_buf_t b = KUBE_BUF_INIT;
	const char *def = kube_schema_definition(owner), *dot = def ? strrchr(def, '.') : NULL;

	kube_buf_printf(&b, "json: cannot unmarshal %s", json_type(v));
	if (fraction) {
		kube_buf_putc(&b, ' ');
		kube_json_number_buf(&b, v->valuedouble);
	}
	kube_buf_printf(&b, " into Go struct field %s.%s of type ", dot ? dot + 1 : owner->name, t->path.data);
	go_type(&b, f, element);
	t->err = kube_buf_steal(&b);
}

static void check_message(tcheck_t *t, const kube_protobuf_message_t *m, const cJSON *obj, bool top);

static void check_value(tcheck_t *t, const kube_protobuf_message_t *owner, const kube_protobuf_field_t *f,
			const cJSON *v)
{
	const cJSON *e;
	bool fraction;

	if (cJSON_IsNull(v))
		return;
	if (f->flags & (KUBE_PB_REPEATED | KUBE_PB_MAP)) {
		bool map = f->flags & KUBE_PB_MAP;
		if (f->type == KUBE_PB_BYTES && !map && cJSON_IsString(v))
			return;
		if (map ? !cJSON_IsObject(v) : !cJSON_IsArray(v)) {
			type_error(t, owner, f, v, false, false);
			return;
		}
		cJSON_ArrayForEach(e, v) {
			if (!fits(f, e, &fraction)) {
				type_error(t, owner, f, e, true, fraction);
				return;
			}
			if (f->type == KUBE_PB_MESSAGE && cJSON_IsObject(e)) {
				check_message(t, f->message, e, false);
				if (t->err)
					return;
			}
		}
		return;
	}
	if (!fits(f, v, &fraction)) {
		type_error(t, owner, f, v, false, fraction);
		return;
	}
	if (f->type == KUBE_PB_MESSAGE)
		check_message(t, f->message, v, false);
}

static void check_message(tcheck_t *t, const kube_protobuf_message_t *m, const cJSON *obj, bool top)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, obj) {
		const kube_protobuf_message_t *owner = NULL;
		const kube_protobuf_field_t *f;
		size_t len = t->path.len;
		if (!c->string || (top && strcmp(c->string, "status") == 0))
			continue;
		if (top && (strcmp(c->string, "apiVersion") == 0 || strcmp(c->string, "kind") == 0)) {
			if (!cJSON_IsString(c) && !cJSON_IsNull(c)) {
				t->err = kube_asprintf("json: cannot unmarshal %s into Go struct field %s.%s of type string",
						       json_type(c), "TypeMeta", c->string);
				return;
			}
			continue;
		}
		f = kube_schema_field(m, c->string, &owner);
		if (!f)
			continue;
		if (len)
			kube_buf_putc(&t->path, '.');
		kube_buf_puts(&t->path, c->string);
		check_value(t, owner, f, c);
		t->path.len = len;
		if (t->path.data)
			t->path.data[len] = '\0';
		if (t->err)
			return;
	}
}

int kube_schema_check_types(const kube_protobuf_message_t *m, const cJSON *obj, char **ret_err)
{
	tcheck_t t = { .path = KUBE_BUF_INIT };

	if (m && cJSON_IsObject(obj))
		check_message(&t, m, obj, true);
	kube_buf_clear(&t.path);
	if (t.err) {
		*ret_err = t.err;
		return -EINVAL;
	}
	return 0;
}
