/* kube_yaml: YAML <-> JSON with sigs.k8s.io/yaml's typing (see kube_yaml.h). */
#include "api/kube_yaml.h"

#include "api/kube_json.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 500
#define MAX_NODES 1000000 /* after alias expansion: no billion laughs */

/* ---- scalar resolution (yaml.v2's resolve) ---- */

typedef enum { R_NULL, R_BOOL, R_INT, R_FLOAT, R_STR } res_kind_t;

typedef struct resolved {
	res_kind_t kind;
	bool b;
	double d;
} resolved_t;

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool parse_int(const char *s, double *ret)
{
	char clean[128];
	size_t n = 0;
	const char *p = s;
	bool neg = false;
	int base = 10;
	unsigned long long v = 0;

	for (; *p && n + 1 < sizeof(clean); p++)
		if (*p != '_')
			clean[n++] = *p;
	if (*p)
		return false;
	clean[n] = '\0';
	p = clean;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p)
		return false;
	for (; *p; p++) {
		int dv;
		if (*p >= '0' && *p <= '9')
			dv = *p - '0';
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			dv = (*p | 0x20) - 'a' + 10;
		else
			return false;
		if (dv >= base)
			return false;
		if (v > (ULLONG_MAX - (unsigned)dv) / (unsigned)base)
			return false;
		v = v * (unsigned)base + (unsigned)dv;
	}
	if (neg && v > (unsigned long long)LLONG_MAX + 1)
		return false;
	*ret = neg ? -(double)v : (double)v;
	return true;
}

static bool parse_float(const char *s, double *ret)
{
	char *end;
	const char *p = s;

	if (strcmp(s, ".inf") == 0 || strcmp(s, ".Inf") == 0 || strcmp(s, ".INF") == 0 ||
	    strcmp(s, "+.inf") == 0 || strcmp(s, "+.Inf") == 0 || strcmp(s, "+.INF") == 0) {
		*ret = INFINITY;
		return true;
	}
	if (strcmp(s, "-.inf") == 0 || strcmp(s, "-.Inf") == 0 || strcmp(s, "-.INF") == 0) {
		*ret = -INFINITY;
		return true;
	}
	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0) {
		*ret = NAN;
		return true;
	}
	/* Go's ParseFloat syntax: digits with optional sign, dot and exponent. */
	if (*p == '+' || *p == '-')
		p++;
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return false;
	for (const char *c = p; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' || *c == '+' ||
		      *c == '-' || *c == '_'))
			return false;
	*ret = strtod(s, &end);
	return *end == '\0';
}

static resolved_t resolve_plain(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					     "on", "On", "ON", NULL };
	static const char *const falses[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					      "off", "Off", "OFF", NULL };
	resolved_t r = { .kind = R_STR };

	if (in_list(s, nulls))
		r.kind = R_NULL;
	else if (in_list(s, trues))
		r.kind = R_BOOL, r.b = true;
	else if (in_list(s, falses))
		r.kind = R_BOOL, r.b = false;
	else if (parse_int(s, &r.d))
		r.kind = R_INT;
	else if (parse_float(s, &r.d))
		r.kind = R_FLOAT;
	return r;
}

/* ---- YAML -> JSON ---- */

typedef struct conv {
	yaml_document_t *doc;
	size_t nodes;
	char *err;
} conv_t;

static cJSON *scalar_json(yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;
	const char *tag = (const char *)n->tag;
	resolved_t r;

	/* libyaml's loader gives every untagged scalar the default str tag, so
	 * an explicit !!str on a plain scalar cannot be told apart from none:
	 * only other explicit tags are honoured. */
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	    !(tag && strcmp(tag, YAML_STR_TAG) != 0 && strncmp(tag, "tag:yaml.org,2002:", 18) == 0))
		return cJSON_CreateString(v);
	r = resolve_plain(v);
	if (tag && strcmp(tag, YAML_INT_TAG) == 0 && r.kind != R_INT)
		return cJSON_CreateString(v);
	switch (r.kind) {
	case R_NULL:
		return cJSON_CreateNull();
	case R_BOOL:
		return cJSON_CreateBool(r.b);
	case R_INT:
	case R_FLOAT:
		if (isinf(r.d) || isnan(r.d))
			return cJSON_CreateString(v); /* JSON has no such numbers */
		return cJSON_CreateNumber(r.d);
	default:
		return cJSON_CreateString(v);
	}
}

static cJSON *node_json(conv_t *c, yaml_node_t *n, int depth);

/* A mapping key as the string JSON needs. */
static char *key_string(conv_t *c, yaml_node_t *k, int depth)
{
	cJSON *j;
	char *s;

	if (k->type == YAML_SCALAR_NODE && (k->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
					    resolve_plain((const char *)k->data.scalar.value).kind == R_STR))
		return kube_strdup((const char *)k->data.scalar.value);
	j = node_json(c, k, depth + 1);
	if (!j)
		return NULL;
	if (cJSON_IsString(j))
		s = kube_strdup(j->valuestring);
	else if (cJSON_IsNull(j))
		s = kube_strdup("null");
	else if (cJSON_IsBool(j))
		s = kube_strdup(cJSON_IsTrue(j) ? "true" : "false");
	else if (cJSON_IsNumber(j)) {
		kube_buf_t b = KUBE_BUF_INIT;
		kube_json_number_buf(&b, j->valuedouble);
		s = kube_buf_steal(&b);
	} else {
		s = kube_json_compact(j);
	}
	cJSON_Delete(j);
	return s;
}

static void merge_into(cJSON *obj, const cJSON *src)
{
	for (const cJSON *e = src ? src->child : NULL; e; e = e->next)
		if (!cJSON_GetObjectItemCaseSensitive(obj, e->string))
			cJSON_AddItemToObject(obj, e->string, kube_json_dup(e));
}

static cJSON *node_json(conv_t *c, yaml_node_t *n, int depth)
{
	cJSON *out;

	if (!n)
		return cJSON_CreateNull();
	if (depth > MAX_DEPTH || ++c->nodes > MAX_NODES) {
		if (!c->err)
			c->err = kube_strdup(depth > MAX_DEPTH ? "yaml: exceeded max depth"
							       : "yaml: document is too large after alias expansion");
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return scalar_json(n);
	case YAML_SEQUENCE_NODE:
		out = cJSON_CreateArray();
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			cJSON *v = node_json(c, yaml_document_get_node(c->doc, *it), depth + 1);
			if (!v) {
				cJSON_Delete(out);
				return NULL;
			}
			cJSON_AddItemToArray(out, v);
		}
		return out;
	case YAML_MAPPING_NODE: {
		cJSON *merges = NULL;
		out = cJSON_CreateObject();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
			yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
			char *key;
			cJSON *v;

			if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    strcmp((const char *)k->data.scalar.value, "<<") == 0) {
				v = node_json(c, vn, depth + 1);
				if (!v)
					goto fail;
				/* as yaml.v2: only a map or a sequence of maps merges */
				bool ok = cJSON_IsObject(v);
				if (cJSON_IsArray(v)) {
					ok = true;
					for (cJSON *e = v->child; e; e = e->next)
						ok = ok && cJSON_IsObject(e);
				}
				if (!ok) {
					cJSON_Delete(v);
					if (!c->err)
						c->err = kube_strdup("yaml: map merge requires map or sequence of maps as the value");
					goto fail;
				}
				if (!merges)
					merges = cJSON_CreateArray();
				if (cJSON_IsArray(v)) {
					for (cJSON *e = v->child; e; e = e->next)
						cJSON_AddItemToArray(merges, kube_json_dup(e));
					cJSON_Delete(v);
				} else {
					cJSON_AddItemToArray(merges, v);
				}
				continue;
			}
			key = key_string(c, k, depth);
			if (!key)
				goto fail;
			v = node_json(c, vn, depth + 1);
			if (!v) {
				kube_free(key);
				goto fail;
			}
			/* A repeated key: the last one wins, as yaml.v2 into a map. */
			cJSON_DeleteItemFromObjectCaseSensitive(out, key);
			cJSON_AddItemToObject(out, key, v);
			kube_free(key);
		}
		for (cJSON *m = merges ? merges->child : NULL; m; m = m->next)
			merge_into(out, m);
		cJSON_Delete(merges);
		return out;
fail:
		cJSON_Delete(merges);
		cJSON_Delete(out);
		return NULL;
	}
	default:
		return cJSON_CreateNull();
	}
}

static char *parser_error(const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->context)
		return kube_asprintf("error converting YAML to JSON: yaml: line %zu: %s %s",
				     p->context_mark.line + 1, problem, p->context);
	return kube_asprintf("error converting YAML to JSON: yaml: line %zu: %s",
			     p->problem_mark.line + 1, problem);
}

int kube_yaml_to_json(const char *yaml, size_t len, cJSON ***ret_docs, size_t *ret_n,
		      char **ret_err)
{
	yaml_parser_t parser;
	cJSON **docs = NULL;
	size_t n = 0;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root;
		conv_t c = { .doc = &doc };
		cJSON *j;

		if (!yaml_parser_load(&parser, &doc)) {
			if (ret_err)
				*ret_err = parser_error(&parser);
			r = -EINVAL;
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break; /* end of stream */
		}
		j = node_json(&c, root, 0);
		yaml_document_delete(&doc);
		if (!j) {
			if (ret_err)
				*ret_err = kube_asprintf("error converting YAML to JSON: %s",
							 c.err ? c.err : "invalid document");
			else
				kube_free(c.err);
			if (ret_err)
				kube_free(c.err);
			r = -EINVAL;
			break;
		}
		kube_free(c.err);
		if (cJSON_IsNull(j)) { /* an empty document */
			cJSON_Delete(j);
			continue;
		}
		docs = kube_realloc(docs, (n + 1) * sizeof(*docs));
		docs[n++] = j;
	}
	yaml_parser_delete(&parser);
	if (r < 0) {
		kube_yaml_docs_free(docs, n);
		return r;
	}
	*ret_docs = docs;
	*ret_n = n;
	return 0;
}

cJSON *kube_yaml_parse(const char *yaml, size_t len, char **ret_err)
{
	cJSON **docs = NULL, *first;
	size_t n = 0;

	if (kube_yaml_to_json(yaml, len, &docs, &n, ret_err) < 0)
		return NULL;
	if (n == 0) {
		kube_free(docs);
		if (ret_err)
			*ret_err = kube_strdup("error converting YAML to JSON: the document is empty");
		return NULL;
	}
	first = docs[0];
	docs[0] = NULL;
	kube_yaml_docs_free(docs, n);
	return first;
}

void kube_yaml_docs_free(cJSON **docs, size_t n)
{
	for (size_t i = 0; docs && i < n; i++)
		cJSON_Delete(docs[i]);
	kube_free(docs);
}

/* ---- JSON -> YAML ---- */

static int write_out(void *arg, unsigned char *buf, size_t size)
{
	kube_buf_append(arg, buf, size);
	return 1;
}

/* Would this string read back as something other than a string? */
static bool needs_double_quotes(const char *s)
{
	size_t n = strlen(s);

	if (resolve_plain(s).kind != R_STR)
		return true;
	/* yaml.v2 also quotes what resolves as a timestamp */
	if (n >= 10 && s[4] == '-' && s[7] == '-' && s[0] >= '0' && s[0] <= '9')
		return true;
	return false;
}

static int emit(yaml_emitter_t *em, const cJSON *j, int depth);

static int emit_scalar(yaml_emitter_t *em, const char *v, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v, (int)strlen(v), 1, 1, style);
	return yaml_emitter_emit(em, &ev) ? 0 : -EIO;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static int emit(yaml_emitter_t *em, const cJSON *j, int depth)
{
	yaml_event_t ev;
	int r = 0;

	if (depth > MAX_DEPTH)
		return -ELOOP;
	if (cJSON_IsObject(j)) {
		size_t n = 0, i = 0;
		const cJSON **keys;

		for (const cJSON *e = j->child; e; e = e->next)
			n++;
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
						    n ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return -EIO;
		keys = kube_calloc(n ? n : 1, sizeof(*keys));
		for (const cJSON *e = j->child; e; e = e->next)
			keys[i++] = e;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		for (i = 0; i < n && r == 0; i++) {
			r = emit_scalar(em, keys[i]->string, needs_double_quotes(keys[i]->string)
							     ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
			if (r == 0)
				r = emit(em, keys[i], depth + 1);
		}
		kube_free(keys);
		yaml_mapping_end_event_initialize(&ev);
		return r == 0 && yaml_emitter_emit(em, &ev) ? 0 : -EIO;
	}
	if (cJSON_IsArray(j)) {
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     j->child ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return -EIO;
		for (const cJSON *e = j->child; e && r == 0; e = e->next)
			r = emit(em, e, depth + 1);
		yaml_sequence_end_event_initialize(&ev);
		return r == 0 && yaml_emitter_emit(em, &ev) ? 0 : -EIO;
	}
	if (cJSON_IsString(j)) {
		const char *s = j->valuestring;
		yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
		if (strchr(s, '\n'))
			style = YAML_LITERAL_SCALAR_STYLE;
		else if (needs_double_quotes(s))
			style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		return emit_scalar(em, s, style);
	}
	if (cJSON_IsNumber(j)) {
		kube_buf_t b = KUBE_BUF_INIT;
		kube_json_number_buf(&b, j->valuedouble);
		r = emit_scalar(em, b.data, YAML_PLAIN_SCALAR_STYLE);
		kube_buf_clear(&b);
		return r;
	}
	if (cJSON_IsBool(j))
		return emit_scalar(em, cJSON_IsTrue(j) ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
	return emit_scalar(em, "null", YAML_PLAIN_SCALAR_STYLE);
}

int kube_yaml_from_json(kube_buf_t *out, const cJSON *obj)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int r = -EIO;

	if (!yaml_emitter_initialize(&em))
		return -ENOMEM;
	yaml_emitter_set_output(&em, write_out, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (!yaml_emitter_emit(&em, &ev))
		goto out;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (!yaml_emitter_emit(&em, &ev))
		goto out;
	r = emit(&em, obj, 0);
	if (r < 0)
		goto out;
	yaml_document_end_event_initialize(&ev, 1);
	r = -EIO;
	if (!yaml_emitter_emit(&em, &ev))
		goto out;
	yaml_stream_end_event_initialize(&ev);
	if (!yaml_emitter_emit(&em, &ev))
		goto out;
	yaml_emitter_flush(&em);
	r = 0;
out:
	yaml_emitter_delete(&em);
	return r;
}
