/*
 * apiserver_validation: upstream's ValidateObjectMeta, ValidatePod*,
 * apps/batch/core spec validation, with the field.Error reasons and
 * messages of k8s.io/apimachinery/pkg/util/validation/field.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "apiserver_validation.h"

#include "api/kube_json.h"
#include "core/kube_core.h"

#define PATH_SIZE 512

/* snprintf for field paths (truncation is harmless: paths are messages). */
static void pathf(char *buf, size_t size, const char *fmt, ...) KUBE_PRINTF(3, 4);
static void pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* ---- causes ---- */

/* Go's strconv.Quote, close enough for printable ASCII and escapes. */
static void quote(kube_buf_t *b, const char *s)
{
	kube_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': kube_buf_puts(b, "\\\""); break;
		case '\\': kube_buf_puts(b, "\\\\"); break;
		case '\n': kube_buf_puts(b, "\\n"); break;
		case '\t': kube_buf_puts(b, "\\t"); break;
		case '\r': kube_buf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				kube_buf_printf(b, "\\x%02x", *p);
			else
				kube_buf_putc(b, (char)*p);
		}
	}
	kube_buf_putc(b, '"');
}

static void cause(kube_status_t *st, const char *reason, const char *field, kube_buf_t *msg)
{
	kube_status_add_cause(st, reason, field, "%s", kube_buf_str(msg));
	kube_buf_clear(msg);
}

static void required(kube_status_t *st, const char *field, const char *detail)
{
	kube_buf_t m = KUBE_BUF_INIT;
	kube_buf_puts(&m, "Required value");
	if (detail && *detail)
		kube_buf_printf(&m, ": %s", detail);
	cause(st, "FieldValueRequired", field, &m);
}

static void forbidden(kube_status_t *st, const char *field, const char *detail)
{
	kube_buf_t m = KUBE_BUF_INIT;
	kube_buf_puts(&m, "Forbidden");
	if (detail && *detail)
		kube_buf_printf(&m, ": %s", detail);
	cause(st, "FieldValueForbidden", field, &m);
}

/* Invalid value with a pre-rendered value (already quoted if a string). */
static void invalid_raw(kube_status_t *st, const char *field, const char *value, const char *detail)
{
	kube_buf_t m = KUBE_BUF_INIT;
	kube_buf_printf(&m, "Invalid value: %s", value);
	if (detail && *detail)
		kube_buf_printf(&m, ": %s", detail);
	cause(st, "FieldValueInvalid", field, &m);
}

static void invalid_str(kube_status_t *st, const char *field, const char *value, const char *detail)
{
	kube_buf_t v = KUBE_BUF_INIT;
	quote(&v, value ? value : "");
	invalid_raw(st, field, kube_buf_str(&v), detail);
	kube_buf_clear(&v);
}

static void invalid_int(kube_status_t *st, const char *field, long long value, const char *detail)
{
	char v[32];
	snprintf(v, sizeof(v), "%lld", value);
	invalid_raw(st, field, v, detail);
}

static void duplicate(kube_status_t *st, const char *field, const char *value)
{
	kube_buf_t m = KUBE_BUF_INIT;
	kube_buf_puts(&m, "Duplicate value: ");
	quote(&m, value);
	cause(st, "FieldValueDuplicate", field, &m);
}

static void not_supported(kube_status_t *st, const char *field, const char *value,
			  const char *const *valid)
{
	kube_buf_t m = KUBE_BUF_INIT;
	kube_buf_puts(&m, "Unsupported value: ");
	quote(&m, value ? value : "");
	if (valid[0]) {
		kube_buf_puts(&m, ": supported values: ");
		for (size_t i = 0; valid[i]; i++) {
			if (i)
				kube_buf_puts(&m, ", ");
			quote(&m, valid[i]);
		}
	}
	cause(st, "FieldValueNotSupported", field, &m);
}

static void too_long(kube_status_t *st, const char *field, long max)
{
	kube_buf_t m = KUBE_BUF_INIT;
	kube_buf_printf(&m, "Too long: may not be more than %ld %s", max, max == 1 ? "byte" : "bytes");
	cause(st, "FieldValueTooLong", field, &m);
}

/* ---- names ---- */

#define DNS1123_LABEL_MSG                                                                      \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " \
	"and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', " \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_SUBDOMAIN_MSG                                                                   \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' " \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "     \
	"regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define DNS1035_LABEL_MSG                                                                       \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with " \
	"an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "   \
	"'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define QUALIFIED_NAME_MSG                                                                      \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "  \
	"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " \
	"validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG                                                                         \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "     \
	"'my_value',  or '12345', regex used for validation is "                                  \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define CONFIG_KEY_MSG                                                                          \
	"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "      \
	"'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return isalnum((unsigned char)c) != 0;
}

static bool label_ok(const char *s, size_t n, bool alpha_first)
{
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	if (alpha_first && !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool subdomain_ok(const char *s)
{
	const char *p = s;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!label_ok(p, n, false))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}

/* Up to two messages each (length, format), as upstream's Is* return. */
typedef struct msgs {
	const char *m[3];
	size_t n;
} msgs_t;

static void msgs_add(msgs_t *ms, const char *m)
{
	if (ms->n < sizeof(ms->m) / sizeof(ms->m[0]))
		ms->m[ms->n++] = m;
}

static msgs_t is_dns1123_label(const char *s)
{
	msgs_t ms = { .n = 0 };
	if (strlen(s) > 63)
		msgs_add(&ms, "must be no more than 63 characters");
	if (!label_ok(s, strlen(s), false))
		msgs_add(&ms, DNS1123_LABEL_MSG);
	return ms;
}

static msgs_t is_dns1123_subdomain(const char *s)
{
	msgs_t ms = { .n = 0 };
	if (strlen(s) > 253)
		msgs_add(&ms, "must be no more than 253 characters");
	if (!subdomain_ok(s))
		msgs_add(&ms, DNS1123_SUBDOMAIN_MSG);
	return ms;
}

static msgs_t is_dns1035_label(const char *s)
{
	msgs_t ms = { .n = 0 };
	if (strlen(s) > 63)
		msgs_add(&ms, "must be no more than 63 characters");
	if (!label_ok(s, strlen(s), true))
		msgs_add(&ms, DNS1035_LABEL_MSG);
	return ms;
}

const char *apiserver_validation_dns1123_subdomain(const char *s)
{
	msgs_t ms = is_dns1123_subdomain(s ? s : "");
	return ms.n ? ms.m[0] : NULL;
}

const char *apiserver_validation_dns1123_label(const char *s)
{
	msgs_t ms = is_dns1123_label(s ? s : "");
	return ms.n ? ms.m[0] : NULL;
}

const char *apiserver_validation_dns1035_label(const char *s)
{
	msgs_t ms = is_dns1035_label(s ? s : "");
	return ms.n ? ms.m[0] : NULL;
}

static bool qualified_name_part_ok(const char *s, size_t n)
{
	if (n == 0 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* IsQualifiedName: adds Invalid causes with value key at field. */
static void check_qualified_name(kube_status_t *st, const char *field, const char *key)
{
	const char *slash = strchr(key, '/');
	const char *name = key;
	if (slash && strchr(slash + 1, '/')) {
		invalid_str(st, field, key,
			    "a qualified name " QUALIFIED_NAME_MSG
			    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
		return;
	}
	if (slash) {
		name = slash + 1;
		size_t plen = (size_t)(slash - key);
		if (plen == 0) {
			invalid_str(st, field, key, "prefix part must be non-empty");
		} else {
			char *prefix = kube_strndup(key, plen);
			msgs_t ms = is_dns1123_subdomain(prefix);
			kube_free(prefix);
			for (size_t i = 0; i < ms.n; i++) {
				char *d = kube_asprintf("prefix part %s", ms.m[i]);
				invalid_str(st, field, key, d);
				kube_free(d);
			}
		}
	}
	size_t n = strlen(name);
	if (n == 0) {
		invalid_str(st, field, key, "name part must be non-empty");
		return;
	}
	if (n > 63)
		invalid_str(st, field, key, "name part must be no more than 63 characters");
	if (!qualified_name_part_ok(name, n))
		invalid_str(st, field, key, "name part " QUALIFIED_NAME_MSG);
}

static void check_label_value(kube_status_t *st, const char *field, const char *v)
{
	size_t n = strlen(v);
	if (n > 63)
		invalid_str(st, field, v, "must be no more than 63 characters");
	if (n > 0 && !qualified_name_part_ok(v, n))
		invalid_str(st, field, v, LABEL_VALUE_MSG);
}

static void check_labels(kube_status_t *st, const char *field, const cJSON *labels)
{
	const cJSON *l;
	cJSON_ArrayForEach(l, labels) {
		check_qualified_name(st, field, l->string);
		if (cJSON_IsString(l))
			check_label_value(st, field, l->valuestring);
	}
}

#define ANNOTATIONS_MAX (256 * 1024)

static void check_annotations(kube_status_t *st, const char *field, const cJSON *ann)
{
	size_t total = 0;
	const cJSON *a;
	cJSON_ArrayForEach(a, ann) {
		char *lower = kube_strdup(a->string);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		/* Report against the original key, as upstream does. */
		kube_status_t tmp = { 0 };
		check_qualified_name(&tmp, field, lower);
		for (size_t i = 0; i < tmp.ncauses; i++) {
			const char *d = strstr(tmp.causes[i].message, "\": ");
			invalid_str(st, field, a->string, d ? d + 3 : "");
			kube_free(tmp.causes[i].reason);
			kube_free(tmp.causes[i].message);
			kube_free(tmp.causes[i].field);
		}
		kube_free(tmp.causes);
		kube_free(lower);
		total += strlen(a->string);
		if (cJSON_IsString(a))
			total += strlen(a->valuestring);
	}
	if (total > ANNOTATIONS_MAX)
		too_long(st, field, ANNOTATIONS_MAX);
}

typedef enum { NAME_SUBDOMAIN, NAME_LABEL, NAME_DNS1035, NAME_PATH_SEGMENT } name_kind_t;

static void check_meta(const kube_kind_t *k, const cJSON *obj, name_kind_t nk, kube_status_t *st)
{
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const char *name = kube_json_get_str(md, "name");
	const char *gen = kube_json_get_str(md, "generateName");
	if (!name || !*name) {
		if (!gen || !*gen)
			required(st, "metadata.name", "name or generateName is required");
	} else {
		msgs_t ms = { .n = 0 };
		switch (nk) {
		case NAME_LABEL: ms = is_dns1123_label(name); break;
		case NAME_DNS1035: ms = is_dns1035_label(name); break;
		case NAME_SUBDOMAIN: ms = is_dns1123_subdomain(name); break;
		case NAME_PATH_SEGMENT:
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				msgs_add(&ms, !strcmp(name, ".") ? "may not be '.'" : "may not be '..'");
			else if (strchr(name, '/'))
				msgs_add(&ms, "may not contain '/'");
			else if (strchr(name, '%'))
				msgs_add(&ms, "may not contain '%'");
			break;
		}
		for (size_t i = 0; i < ms.n; i++)
			invalid_str(st, "metadata.name", name, ms.m[i]);
	}
	const char *ns = kube_json_get_str(md, "namespace");
	if (k->namespaced) {
		if (!ns || !*ns) {
			required(st, "metadata.namespace", "");
		} else {
			msgs_t ms = is_dns1123_label(ns);
			for (size_t i = 0; i < ms.n; i++)
				invalid_str(st, "metadata.namespace", ns, ms.m[i]);
		}
	} else if (ns && *ns) {
		forbidden(st, "metadata.namespace", "not allowed on this type");
	}
	check_labels(st, "metadata.labels", cJSON_GetObjectItemCaseSensitive(md, "labels"));
	check_annotations(st, "metadata.annotations", cJSON_GetObjectItemCaseSensitive(md, "annotations"));
}

static void check_meta_update(const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	static const char *const immutable[] = { "name", "namespace", "uid", "creationTimestamp" };
	for (size_t i = 0; i < sizeof(immutable) / sizeof(immutable[0]); i++) {
		char path[64];
		pathf(path, sizeof(path), "metadata.%s", immutable[i]);
		const char *a = kube_json_get_str(obj, path);
		const char *b = kube_json_get_str(old, path);
		if (!a || !b || !*a)
			continue;
		if (strcmp(a, b) != 0)
			invalid_str(st, path, a, "field is immutable");
	}
}

/* ---- Go value rendering for a few messages ---- */

static void go_string_map(kube_buf_t *b, const cJSON *m)
{
	if (!cJSON_IsObject(m)) {
		kube_buf_puts(b, "map[string]string(nil)");
		return;
	}
	/* fmt sorts map keys. */
	size_t n = (size_t)cJSON_GetArraySize(m);
	const cJSON **items = kube_calloc(n ? n : 1, sizeof(*items));
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, m)
		items[i++] = e;
	for (size_t a = 1; a < n; a++)
		for (size_t c = a; c > 0 && strcmp(items[c - 1]->string, items[c]->string) > 0; c--) {
			const cJSON *t = items[c];
			items[c] = items[c - 1];
			items[c - 1] = t;
		}
	kube_buf_puts(b, "map[string]string{");
	for (i = 0; i < n; i++) {
		if (i)
			kube_buf_puts(b, ", ");
		quote(b, items[i]->string);
		kube_buf_putc(b, ':');
		quote(b, cJSON_IsString(items[i]) ? items[i]->valuestring : "");
	}
	kube_buf_putc(b, '}');
	kube_free(items);
}

static void go_label_selector(kube_buf_t *b, const cJSON *sel)
{
	kube_buf_puts(b, "v1.LabelSelector{MatchLabels:");
	go_string_map(b, cJSON_GetObjectItemCaseSensitive(sel, "matchLabels"));
	const cJSON *me = cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions");
	if (!cJSON_IsArray(me) || !me->child) {
		kube_buf_puts(b, ", MatchExpressions:[]v1.LabelSelectorRequirement(nil)}");
		return;
	}
	kube_buf_puts(b, ", MatchExpressions:[]v1.LabelSelectorRequirement{");
	const cJSON *r;
	bool first = true;
	cJSON_ArrayForEach(r, me) {
		if (!first)
			kube_buf_puts(b, ", ");
		first = false;
		kube_buf_puts(b, "v1.LabelSelectorRequirement{Key:");
		quote(b, kube_json_get_str(r, "key") ? kube_json_get_str(r, "key") : "");
		kube_buf_puts(b, ", Operator:");
		quote(b, kube_json_get_str(r, "operator") ? kube_json_get_str(r, "operator") : "");
		kube_buf_puts(b, ", Values:[]string{");
		const cJSON *v;
		bool vf = true;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(r, "values")) {
			if (!vf)
				kube_buf_puts(b, ", ");
			vf = false;
			quote(b, cJSON_IsString(v) ? v->valuestring : "");
		}
		kube_buf_puts(b, "}}");
	}
	kube_buf_puts(b, "}}");
}

/* ---- label selectors ---- */

static bool selector_matches(const cJSON *sel, const cJSON *labels)
{
	const cJSON *ml;
	cJSON_ArrayForEach(ml, cJSON_GetObjectItemCaseSensitive(sel, "matchLabels")) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(labels, ml->string);
		if (!cJSON_IsString(l) || !cJSON_IsString(ml) || strcmp(l->valuestring, ml->valuestring) != 0)
			return false;
	}
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions")) {
		const char *key = kube_json_get_str(r, "key");
		const char *op = kube_json_get_str(r, "operator");
		if (!key || !op)
			return false;
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(labels, key);
		bool has = cJSON_IsString(l);
		bool in = false;
		const cJSON *v;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(r, "values"))
			if (has && cJSON_IsString(v) && strcmp(v->valuestring, l->valuestring) == 0)
				in = true;
		if (!strcmp(op, "In") && !in)
			return false;
		if (!strcmp(op, "NotIn") && in)
			return false;
		if (!strcmp(op, "Exists") && !has)
			return false;
		if (!strcmp(op, "DoesNotExist") && has)
			return false;
	}
	return true;
}

static bool selector_empty(const cJSON *sel)
{
	const cJSON *ml = cJSON_GetObjectItemCaseSensitive(sel, "matchLabels");
	const cJSON *me = cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions");
	return !(cJSON_IsObject(ml) && ml->child) && !(cJSON_IsArray(me) && me->child);
}

static void check_label_selector(kube_status_t *st, const char *field, const cJSON *sel)
{
	char path[PATH_SIZE];
	pathf(path, sizeof(path), "%s.matchLabels", field);
	check_labels(st, path, cJSON_GetObjectItemCaseSensitive(sel, "matchLabels"));
	static const char *const ops[] = { "In", "NotIn", "Exists", "DoesNotExist", NULL };
	const cJSON *r;
	int i = 0;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions")) {
		const char *op = kube_json_get_str(r, "operator");
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(r, "values");
		int nv = cJSON_IsArray(vals) ? cJSON_GetArraySize(vals) : 0;
		pathf(path, sizeof(path), "%s.matchExpressions[%d]", field, i);
		char sub[PATH_SIZE + 16];
		if (op && (!strcmp(op, "In") || !strcmp(op, "NotIn"))) {
			if (nv == 0) {
				pathf(sub, sizeof(sub), "%s.values", path);
				required(st, sub, "must be specified when `operator` is 'In' or 'NotIn'");
			}
		} else if (op && (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist"))) {
			if (nv > 0) {
				pathf(sub, sizeof(sub), "%s.values", path);
				forbidden(st, sub, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
			}
		} else {
			pathf(sub, sizeof(sub), "%s.operator", path);
			not_supported(st, sub, op ? op : "", ops);
		}
		pathf(sub, sizeof(sub), "%s.key", path);
		const char *key = kube_json_get_str(r, "key");
		check_qualified_name(st, sub, key ? key : "");
		i++;
	}
}

/* ---- pod spec ---- */

static const char *const protocols[] = { "SCTP", "TCP", "UDP", NULL };

static void check_port_number(kube_status_t *st, const char *field, const cJSON *v, bool required_)
{
	if (!v || cJSON_IsNull(v) || (cJSON_IsNumber(v) && v->valuedouble == 0)) {
		if (required_)
			required(st, field, "");
		return;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 65535)
		invalid_int(st, field, cJSON_IsNumber(v) ? (long long)v->valuedouble : 0,
			    "must be between 1 and 65535, inclusive");
}

static void check_containers(kube_status_t *st, const char *base, const char *list,
			     const cJSON *spec, const char ***seen, size_t *nseen, bool need_one)
{
	const cJSON *cs = cJSON_GetObjectItemCaseSensitive(spec, list);
	char path[PATH_SIZE];
	if (need_one && (!cJSON_IsArray(cs) || !cs->child)) {
		pathf(path, sizeof(path), "%s.%s", base, list);
		required(st, path, "");
		return;
	}
	static const char *const pull[] = { "Always", "IfNotPresent", "Never", NULL };
	static const char *const tmp[] = { "File", "FallbackToLogsOnError", NULL };
	int i = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, cs) {
		char cp[PATH_SIZE];
		pathf(cp, sizeof(cp), "%s.%s[%d]", base, list, i++);
		const char *name = kube_json_get_str(c, "name");
		pathf(path, sizeof(path), "%s.name", cp);
		if (!name || !*name) {
			required(st, path, "");
		} else {
			msgs_t ms = is_dns1123_label(name);
			for (size_t m = 0; m < ms.n; m++)
				invalid_str(st, path, name, ms.m[m]);
			bool dup = false;
			for (size_t s = 0; s < *nseen; s++)
				if (!strcmp((*seen)[s], name))
					dup = true;
			if (dup) {
				duplicate(st, path, name);
			} else {
				*seen = kube_realloc(*seen, (*nseen + 1) * sizeof(**seen));
				(*seen)[(*nseen)++] = name;
			}
		}
		const char *image = kube_json_get_str(c, "image");
		if (!image || !*image) {
			pathf(path, sizeof(path), "%s.image", cp);
			required(st, path, "");
		}
		const char *ipp = kube_json_get_str(c, "imagePullPolicy");
		pathf(path, sizeof(path), "%s.imagePullPolicy", cp);
		if (!ipp || !*ipp)
			required(st, path, "");
		else if (strcmp(ipp, "Always") && strcmp(ipp, "IfNotPresent") && strcmp(ipp, "Never"))
			not_supported(st, path, ipp, pull);
		const char *tmpol = kube_json_get_str(c, "terminationMessagePolicy");
		pathf(path, sizeof(path), "%s.terminationMessagePolicy", cp);
		if (tmpol && strcmp(tmpol, "File") && strcmp(tmpol, "FallbackToLogsOnError"))
			not_supported(st, path, tmpol, tmp);
		int j = 0;
		const cJSON *p;
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(c, "ports")) {
			char pp[PATH_SIZE + 32];
			pathf(pp, sizeof(pp), "%s.ports[%d]", cp, j++);
			pathf(path, sizeof(path), "%s.containerPort", pp);
			check_port_number(st, path, cJSON_GetObjectItemCaseSensitive(p, "containerPort"), true);
			pathf(path, sizeof(path), "%s.hostPort", pp);
			check_port_number(st, path, cJSON_GetObjectItemCaseSensitive(p, "hostPort"), false);
			const char *proto = kube_json_get_str(p, "protocol");
			pathf(path, sizeof(path), "%s.protocol", pp);
			if (!proto || !*proto)
				required(st, path, "");
			else if (strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP"))
				not_supported(st, path, proto, protocols);
		}
		j = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(c, "env")) {
			const char *en = kube_json_get_str(e, "name");
			pathf(path, sizeof(path), "%s.env[%d].name", cp, j++);
			if (!en || !*en)
				required(st, path, "");
		}
	}
}

static void check_pod_spec(kube_status_t *st, const char *base, const cJSON *spec)
{
	char path[PATH_SIZE];
	const char **seen = NULL;
	size_t nseen = 0;
	check_containers(st, base, "containers", spec, &seen, &nseen, true);
	check_containers(st, base, "initContainers", spec, &seen, &nseen, false);
	kube_free(seen);

	static const char *const rp[] = { "Always", "OnFailure", "Never", NULL };
	const char *restart = kube_json_get_str(spec, "restartPolicy");
	pathf(path, sizeof(path), "%s.restartPolicy", base);
	if (!restart || !*restart)
		required(st, path, "");
	else if (strcmp(restart, "Always") && strcmp(restart, "OnFailure") && strcmp(restart, "Never"))
		not_supported(st, path, restart, rp);

	static const char *const dns[] = { "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None", NULL };
	const char *dp = kube_json_get_str(spec, "dnsPolicy");
	pathf(path, sizeof(path), "%s.dnsPolicy", base);
	if (!dp || !*dp) {
		required(st, path, "");
	} else {
		bool ok = false;
		for (size_t i = 0; dns[i]; i++)
			if (!strcmp(dp, dns[i]))
				ok = true;
		if (!ok)
			not_supported(st, path, dp, dns);
	}

	const cJSON *vols = cJSON_GetObjectItemCaseSensitive(spec, "volumes");
	const cJSON *v;
	int i = 0;
	cJSON_ArrayForEach(v, vols) {
		const char *vn = kube_json_get_str(v, "name");
		pathf(path, sizeof(path), "%s.volumes[%d].name", base, i);
		if (!vn || !*vn) {
			required(st, path, "");
		} else {
			msgs_t ms = is_dns1123_label(vn);
			for (size_t m = 0; m < ms.n; m++)
				invalid_str(st, path, vn, ms.m[m]);
			int j = 0;
			const cJSON *w;
			cJSON_ArrayForEach(w, vols) {
				if (j >= i)
					break;
				const char *wn = kube_json_get_str(w, "name");
				if (wn && !strcmp(wn, vn)) {
					duplicate(st, path, vn);
					break;
				}
				j++;
			}
		}
		i++;
	}
	const cJSON *ads = cJSON_GetObjectItemCaseSensitive(spec, "activeDeadlineSeconds");
	if (cJSON_IsNumber(ads) && ads->valuedouble <= 0) {
		pathf(path, sizeof(path), "%s.activeDeadlineSeconds", base);
		invalid_int(st, path, (long long)ads->valuedouble, "must be between 1 and 2147483647, inclusive");
	}
	const cJSON *tgps = cJSON_GetObjectItemCaseSensitive(spec, "terminationGracePeriodSeconds");
	if (cJSON_IsNumber(tgps) && tgps->valuedouble < 0) {
		pathf(path, sizeof(path), "%s.terminationGracePeriodSeconds", base);
		invalid_int(st, path, (long long)tgps->valuedouble, "must be greater than or equal to 0");
	}
}

#define POD_UPDATE_MSG                                                                           \
	"pod updates may not change fields other than `spec.containers[*].image`,"                  \
	"`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "      \
	"additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "   \
	"set to 1 if it was previously negative)"

static void copy_field(cJSON *dst, const cJSON *src, const char *key)
{
	cJSON_DeleteItemFromObjectCaseSensitive(dst, key);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, key);
	if (v)
		cJSON_AddItemToObject(dst, key, cJSON_Duplicate(v, true));
}

static void munge_images(cJSON *mspec, const cJSON *ospec, const char *list)
{
	cJSON *mc = cJSON_GetObjectItemCaseSensitive(mspec, list);
	const cJSON *oc = cJSON_GetObjectItemCaseSensitive(ospec, list);
	if (!cJSON_IsArray(mc) || !cJSON_IsArray(oc) || cJSON_GetArraySize(mc) != cJSON_GetArraySize(oc))
		return;
	cJSON *m = mc->child;
	const cJSON *o = oc->child;
	for (; m && o; m = m->next, o = o->next)
		if (cJSON_IsObject(m))
			copy_field(m, o, "image");
}

/* Whether every item of ot is still present in nt (used for tolerations,
 * which may only be added, and scheduling gates, which may only go). */
static bool tolerations_added_only(const cJSON *nt, const cJSON *ot)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, ot) {
		bool found = false;
		const cJSON *n;
		cJSON_ArrayForEach(n, nt)
			if (kube_json_equal(n, o))
				found = true;
		if (!found)
			return false;
	}
	return true;
}

static void check_pod_update(const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	const cJSON *nspec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	const cJSON *ospec = cJSON_GetObjectItemCaseSensitive(old, "spec");
	_cleanup_json_ cJSON *m = cJSON_IsObject(nspec) ? kube_json_dup(nspec) : cJSON_CreateObject();
	munge_images(m, ospec, "containers");
	munge_images(m, ospec, "initContainers");
	copy_field(m, ospec, "activeDeadlineSeconds");
	const cJSON *otgps = cJSON_GetObjectItemCaseSensitive(ospec, "terminationGracePeriodSeconds");
	const cJSON *ntgps = cJSON_GetObjectItemCaseSensitive(nspec, "terminationGracePeriodSeconds");
	if (cJSON_IsNumber(otgps) && otgps->valuedouble < 0 && cJSON_IsNumber(ntgps) && ntgps->valuedouble == 1)
		copy_field(m, ospec, "terminationGracePeriodSeconds");
	if (tolerations_added_only(cJSON_GetObjectItemCaseSensitive(nspec, "tolerations"),
				   cJSON_GetObjectItemCaseSensitive(ospec, "tolerations")))
		copy_field(m, ospec, "tolerations");
	/* scheduling gates may be removed, never added */
	if (tolerations_added_only(cJSON_GetObjectItemCaseSensitive(ospec, "schedulingGates"),
				   cJSON_GetObjectItemCaseSensitive(nspec, "schedulingGates")))
		copy_field(m, ospec, "schedulingGates");
	if (!kube_json_equal(m, ospec))
		forbidden(st, "spec", POD_UPDATE_MSG);
	const cJSON *oads = cJSON_GetObjectItemCaseSensitive(ospec, "activeDeadlineSeconds");
	const cJSON *nads = cJSON_GetObjectItemCaseSensitive(nspec, "activeDeadlineSeconds");
	if (cJSON_IsNumber(oads) && (!cJSON_IsNumber(nads) || nads->valuedouble > oads->valuedouble)) {
		if (!cJSON_IsNumber(nads))
			invalid_raw(st, "spec.activeDeadlineSeconds", "null",
				    "must not update from a positive integer to nil value");
		else
			invalid_int(st, "spec.activeDeadlineSeconds", (long long)nads->valuedouble,
				    "must be less than or equal to previous value");
	}
}

/* ---- workloads ---- */

static void check_nonnegative(kube_status_t *st, const cJSON *obj, const char *path)
{
	const cJSON *v = kube_json_get(obj, path);
	if (cJSON_IsNumber(v) && v->valuedouble < 0)
		invalid_int(st, path, (long long)v->valuedouble, "must be greater than or equal to 0");
}

static void check_restart_policy(kube_status_t *st, const char *field, const cJSON *spec,
				 const char *const *allowed)
{
	const char *rp = kube_json_get_str(spec, "restartPolicy");
	if (!rp || !*rp)
		return; /* check_pod_spec reports it */
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(rp, allowed[i]))
			return;
	not_supported(st, field, rp, allowed);
}

/* Selector + template for Deployment, ReplicaSet, DaemonSet, StatefulSet and Job. */
static void check_selector_template(kube_status_t *st, const cJSON *spec, const char *base,
				    const char *what, bool selector_required)
{
	char path[PATH_SIZE];
	const cJSON *sel = cJSON_GetObjectItemCaseSensitive(spec, "selector");
	pathf(path, sizeof(path), "%s.selector", base);
	if (!cJSON_IsObject(sel)) {
		if (selector_required)
			required(st, path, "");
	} else if (selector_empty(sel)) {
		kube_buf_t v = KUBE_BUF_INIT;
		go_label_selector(&v, sel);
		char *d = kube_asprintf("empty selector is invalid for %s", what);
		invalid_raw(st, path, kube_buf_str(&v), d);
		kube_free(d);
		kube_buf_clear(&v);
	} else {
		check_label_selector(st, path, sel);
		const cJSON *labels = kube_json_get(spec, "template.metadata.labels");
		if (!selector_matches(sel, labels)) {
			kube_buf_t v = KUBE_BUF_INIT;
			go_string_map(&v, labels);
			pathf(path, sizeof(path), "%s.template.metadata.labels", base);
			invalid_raw(st, path, kube_buf_str(&v), "`selector` does not match template `labels`");
			kube_buf_clear(&v);
		}
	}
	const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(spec, "template");
	pathf(path, sizeof(path), "%s.template.metadata.labels", base);
	check_labels(st, path, kube_json_get(tmpl, "metadata.labels"));
	pathf(path, sizeof(path), "%s.template.spec", base);
	check_pod_spec(st, path, kube_json_get(tmpl, "spec"));
}

static void check_selector_immutable(kube_status_t *st, const cJSON *obj, const cJSON *old)
{
	const cJSON *ns = kube_json_get(obj, "spec.selector");
	const cJSON *os = kube_json_get(old, "spec.selector");
	if (!os || kube_json_equal(ns, os))
		return;
	kube_buf_t v = KUBE_BUF_INIT;
	if (cJSON_IsObject(ns))
		go_label_selector(&v, ns);
	else
		kube_buf_puts(&v, "nil");
	invalid_raw(st, "spec.selector", kube_buf_str(&v), "field is immutable");
	kube_buf_clear(&v);
}

static const char *const only_always[] = { "Always", NULL };
static const char *const job_restart[] = { "OnFailure", "Never", NULL };

static void check_apps(const kube_kind_t *k, const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	const char *what = !strcmp(k->resource, "deployments")	 ? "deployment"
			   : !strcmp(k->resource, "replicasets") ? "deployment"
			   : !strcmp(k->resource, "daemonsets")	 ? "daemonset"
								 : "statefulset";
	check_selector_template(st, spec, "spec", what, true);
	check_restart_policy(st, "spec.template.spec.restartPolicy", kube_json_get(spec, "template.spec"),
			     only_always);
	check_nonnegative(st, obj, "spec.replicas");
	check_nonnegative(st, obj, "spec.minReadySeconds");
	check_nonnegative(st, obj, "spec.revisionHistoryLimit");
	if (!strcmp(k->resource, "deployments")) {
		static const char *const strat[] = { "Recreate", "RollingUpdate", NULL };
		const char *t = kube_json_get_str(obj, "spec.strategy.type");
		if (t && strcmp(t, "Recreate") && strcmp(t, "RollingUpdate"))
			not_supported(st, "spec.strategy.type", t, strat);
		if (t && !strcmp(t, "Recreate") && kube_json_get(obj, "spec.strategy.rollingUpdate"))
			forbidden(st, "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
	}
	if (old)
		check_selector_immutable(st, obj, old);
}

static void check_rc(const cJSON *obj, kube_status_t *st)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	const cJSON *sel = cJSON_GetObjectItemCaseSensitive(spec, "selector");
	if (!cJSON_IsObject(sel) || !sel->child) {
		required(st, "spec.selector", "");
	} else {
		check_labels(st, "spec.selector", sel);
		const cJSON *labels = kube_json_get(spec, "template.metadata.labels");
		const cJSON *s;
		bool match = true;
		cJSON_ArrayForEach(s, sel) {
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(labels, s->string);
			if (!cJSON_IsString(l) || !cJSON_IsString(s) || strcmp(l->valuestring, s->valuestring))
				match = false;
		}
		if (!match) {
			kube_buf_t v = KUBE_BUF_INIT;
			go_string_map(&v, labels);
			invalid_raw(st, "spec.template.metadata.labels", kube_buf_str(&v),
				    "`selector` does not match template `labels`");
			kube_buf_clear(&v);
		}
	}
	check_nonnegative(st, obj, "spec.replicas");
	const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(spec, "template");
	if (!cJSON_IsObject(tmpl)) {
		required(st, "spec.template", "");
		return;
	}
	check_pod_spec(st, "spec.template.spec", kube_json_get(tmpl, "spec"));
	check_restart_policy(st, "spec.template.spec.restartPolicy", kube_json_get(tmpl, "spec"), only_always);
}

static void check_job_spec(kube_status_t *st, const cJSON *spec, const char *base, bool manual_ok)
{
	char path[PATH_SIZE];
	static const char *const nonneg[] = { "parallelism", "completions", "activeDeadlineSeconds",
					      "backoffLimit", "ttlSecondsAfterFinished" };
	for (size_t i = 0; i < sizeof(nonneg) / sizeof(nonneg[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, nonneg[i]);
		pathf(path, sizeof(path), "%s.%s", base, nonneg[i]);
		if (cJSON_IsNumber(v) && v->valuedouble < 0)
			invalid_int(st, path, (long long)v->valuedouble, "must be greater than or equal to 0");
	}
	if (manual_ok) {
		check_selector_template(st, spec, base, "job", true);
	} else {
		const cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(spec, "template");
		pathf(path, sizeof(path), "%s.template.metadata.labels", base);
		check_labels(st, path, kube_json_get(tmpl, "metadata.labels"));
		pathf(path, sizeof(path), "%s.template.spec", base);
		check_pod_spec(st, path, kube_json_get(tmpl, "spec"));
	}
	pathf(path, sizeof(path), "%s.template.spec.restartPolicy", base);
	const cJSON *tspec = kube_json_get(spec, "template.spec");
	const char *rp = kube_json_get_str(tspec, "restartPolicy");
	if (rp && *rp)
		check_restart_policy(st, path, tspec, job_restart);
	static const char *const modes[] = { "NonIndexed", "Indexed", NULL };
	const char *cm = kube_json_get_str(spec, "completionMode");
	pathf(path, sizeof(path), "%s.completionMode", base);
	if (cm && strcmp(cm, "NonIndexed") && strcmp(cm, "Indexed"))
		not_supported(st, path, cm, modes);
}

static void check_job_update(const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	check_selector_immutable(st, obj, old);
	const cJSON *nc = kube_json_get(obj, "spec.completions");
	const cJSON *oc = kube_json_get(old, "spec.completions");
	if (oc && !kube_json_equal(nc, oc) &&
	    !kube_streq(kube_json_get_str(obj, "spec.completionMode"), "Indexed")) {
		if (cJSON_IsNumber(nc))
			invalid_int(st, "spec.completions", (long long)nc->valuedouble, "field is immutable");
		else
			invalid_raw(st, "spec.completions", "null", "field is immutable");
	}
	const cJSON *nt = kube_json_get(obj, "spec.template");
	const cJSON *ot = kube_json_get(old, "spec.template");
	if (ot && !kube_json_equal(nt, ot) && !kube_json_get_bool(old, "spec.suspend", false))
		invalid_raw(st, "spec.template", "core.PodTemplateSpec{...}", "field is immutable");
}

/* ---- core kinds ---- */

static bool port_name_ok(const char *s, const char **why)
{
	size_t n = strlen(s);
	bool letter = false;
	if (n < 1 || n > 15) {
		*why = "must be no more than 15 characters";
		return n >= 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!lower_alnum(s[i]) && s[i] != '-') {
			*why = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
			return false;
		}
		if (i > 0 && s[i] == '-' && s[i - 1] == '-') {
			*why = "must not contain consecutive hyphens";
			return false;
		}
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
	}
	if (s[0] == '-' || s[n - 1] == '-') {
		*why = "must not begin or end with a hyphen";
		return false;
	}
	if (!letter) {
		*why = "must contain at least one letter (a-z)";
		return false;
	}
	return true;
}

static void check_service(const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	static const char *const types[] = { "ClusterIP", "ExternalName", "LoadBalancer", "NodePort", NULL };
	static const char *const aff[] = { "ClientIP", "None", NULL };
	const char *type = kube_json_get_str(spec, "type");
	bool ok_type = false;
	if (type)
		for (size_t i = 0; types[i]; i++)
			if (!strcmp(type, types[i]))
				ok_type = true;
	if (!type || !*type)
		required(st, "spec.type", "");
	else if (!ok_type)
		not_supported(st, "spec.type", type, types);
	bool external = type && !strcmp(type, "ExternalName");
	const char *cip = kube_json_get_str(spec, "clusterIP");
	bool headless = cip && !strcmp(cip, "None");
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(spec, "ports");
	int nports = cJSON_IsArray(ports) ? cJSON_GetArraySize(ports) : 0;
	if (nports == 0 && !external && !headless)
		required(st, "spec.ports", "");
	if (external) {
		const char *en = kube_json_get_str(spec, "externalName");
		if (!en || !*en) {
			required(st, "spec.externalName", "");
		} else {
			msgs_t ms = is_dns1123_subdomain(en);
			for (size_t m = 0; m < ms.n; m++)
				invalid_str(st, "spec.externalName", en, ms.m[m]);
		}
	}
	const char *sa = kube_json_get_str(spec, "sessionAffinity");
	if (sa && strcmp(sa, "ClientIP") && strcmp(sa, "None"))
		not_supported(st, "spec.sessionAffinity", sa, aff);
	int i = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, ports) {
		char pp[64], path[96];
		pathf(pp, sizeof(pp), "spec.ports[%d]", i);
		const char *name = kube_json_get_str(p, "name");
		pathf(path, sizeof(path), "%s.name", pp);
		if (nports > 1 && (!name || !*name)) {
			required(st, path, "");
		} else if (name && *name) {
			msgs_t ms = is_dns1123_label(name);
			for (size_t m = 0; m < ms.n; m++)
				invalid_str(st, path, name, ms.m[m]);
			int j = 0;
			const cJSON *q;
			cJSON_ArrayForEach(q, ports) {
				if (j++ >= i)
					break;
				if (kube_streq(kube_json_get_str(q, "name"), name)) {
					duplicate(st, path, name);
					break;
				}
			}
		}
		pathf(path, sizeof(path), "%s.port", pp);
		check_port_number(st, path, cJSON_GetObjectItemCaseSensitive(p, "port"), false);
		const cJSON *port = cJSON_GetObjectItemCaseSensitive(p, "port");
		if (!cJSON_IsNumber(port) || port->valuedouble == 0)
			invalid_int(st, path, 0, "must be between 1 and 65535, inclusive");
		const char *proto = kube_json_get_str(p, "protocol");
		pathf(path, sizeof(path), "%s.protocol", pp);
		if (!proto || !*proto)
			required(st, path, "");
		else if (strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP"))
			not_supported(st, path, proto, protocols);
		const cJSON *tp = cJSON_GetObjectItemCaseSensitive(p, "targetPort");
		pathf(path, sizeof(path), "%s.targetPort", pp);
		if (cJSON_IsNumber(tp) && (tp->valuedouble < 1 || tp->valuedouble > 65535)) {
			invalid_int(st, path, (long long)tp->valuedouble, "must be between 1 and 65535, inclusive");
		} else if (cJSON_IsString(tp)) {
			const char *why = NULL;
			if (!port_name_ok(tp->valuestring, &why))
				invalid_str(st, path, tp->valuestring, why);
		}
		const cJSON *np = cJSON_GetObjectItemCaseSensitive(p, "nodePort");
		pathf(path, sizeof(path), "%s.nodePort", pp);
		if (cJSON_IsNumber(np) && np->valuedouble != 0) {
			if (type && (!strcmp(type, "ClusterIP") || external))
				forbidden(st, path, "may not be used when `type` is 'ClusterIP'");
			else if (np->valuedouble < 1 || np->valuedouble > 65535)
				invalid_int(st, path, (long long)np->valuedouble, "must be between 1 and 65535, inclusive");
		}
		i++;
	}
	if (old) {
		const char *ocip = kube_json_get_str(old, "spec.clusterIP");
		const char *otype = kube_json_get_str(old, "spec.type");
		if (ocip && *ocip && cip && *cip && strcmp(ocip, cip) != 0 &&
		    !kube_streq(otype, "ExternalName") && !external)
			invalid_str(st, "spec.clusterIPs[0]", cip,
				    "may not change once set");
	}
}

static void check_config_keys(kube_status_t *st, const cJSON *obj, const char *section)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(obj, section)) {
		const char *key = d->string;
		char *path = kube_asprintf("%s[%s]", section, key);
		size_t n = strlen(key);
		if (n > 253)
			invalid_str(st, path, key, "must be no more than 253 characters");
		bool ok = n > 0;
		for (size_t i = 0; i < n; i++)
			if (!alnum(key[i]) && key[i] != '-' && key[i] != '_' && key[i] != '.')
				ok = false;
		if (!ok)
			invalid_str(st, path, key, CONFIG_KEY_MSG);
		if (!strcmp(key, "."))
			invalid_str(st, path, key, "must not be '.'");
		else if (!strcmp(key, ".."))
			invalid_str(st, path, key, "must not be '..'");
		else if (kube_startswith(key, ".."))
			invalid_str(st, path, key, "must not start with '..'");
		kube_free(path);
	}
}

static void check_configmap_like(const cJSON *obj, const char *bin, kube_status_t *st)
{
	check_config_keys(st, obj, "data");
	check_config_keys(st, obj, bin);
	const cJSON *d;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(obj, "data")) {
		if (cJSON_GetObjectItemCaseSensitive(kube_json_get(obj, bin), d->string)) {
			char *path = kube_asprintf("data[%s]", d->string);
			invalid_str(st, path, d->string, "duplicate of key present in binaryData");
			kube_free(path);
		}
	}
}

static void check_secret(const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	check_config_keys(st, obj, "data");
	const char *type = kube_json_get_str(obj, "type");
	if (type && !strcmp(type, "kubernetes.io/service-account-token")) {
		if (!kube_json_get_str(obj, "metadata.annotations['kubernetes.io/service-account.name']"))
			required(st, "metadata.annotations[kubernetes.io/service-account.name]", "");
	} else if (type && !strcmp(type, "kubernetes.io/tls")) {
		if (!kube_json_get(obj, "data['tls.crt']"))
			required(st, "data[tls.crt]", "");
		if (!kube_json_get(obj, "data['tls.key']"))
			required(st, "data[tls.key]", "");
	} else if (type && !strcmp(type, "kubernetes.io/dockerconfigjson")) {
		if (!kube_json_get(obj, "data['.dockerconfigjson']"))
			required(st, "data[.dockerconfigjson]", "");
	}
	if (old) {
		const char *ot = kube_json_get_str(old, "type");
		if (ot && type && strcmp(ot, type))
			invalid_str(st, "type", type, "field is immutable");
		if (kube_json_get_bool(old, "immutable", false)) {
			if (!kube_json_equal(kube_json_get(obj, "data"), kube_json_get(old, "data")))
				forbidden(st, "data", "field is immutable when `immutable` is set");
			if (!kube_json_get_bool(obj, "immutable", false))
				forbidden(st, "immutable", "field is immutable when `immutable` is set");
		}
	}
}

static void check_node(const cJSON *obj, kube_status_t *st)
{
	const cJSON *t;
	int i = 0;
	static const char *const effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };
	cJSON_ArrayForEach(t, kube_json_get(obj, "spec.taints")) {
		char path[64];
		const char *key = kube_json_get_str(t, "key");
		pathf(path, sizeof(path), "spec.taints[%d].key", i);
		if (!key || !*key)
			required(st, path, "");
		else
			check_qualified_name(st, path, key);
		const char *eff = kube_json_get_str(t, "effect");
		pathf(path, sizeof(path), "spec.taints[%d].effect", i);
		if (!eff || !*eff)
			required(st, path, "");
		else if (strcmp(eff, "NoSchedule") && strcmp(eff, "PreferNoSchedule") && strcmp(eff, "NoExecute"))
			not_supported(st, path, eff, effects);
		i++;
	}
}

static void check_event(const cJSON *obj, kube_status_t *st)
{
	const char *ns = kube_json_get_str(obj, "metadata.namespace");
	const char *ions = kube_json_get_str(obj, "involvedObject.namespace");
	const char *kind = kube_json_get_str(obj, "involvedObject.kind");
	const char *ref_api = kube_json_get_str(obj, "involvedObject.apiVersion");
	/* Cluster-scoped involved objects (Node, Namespace, ...) keep any namespace. */
	bool cluster_scoped = false;
	if (kind) {
		const char *slash = ref_api ? strchr(ref_api, '/') : NULL;
		char *group = slash ? kube_strndup(ref_api, (size_t)(slash - ref_api)) : kube_strdup("");
		const kube_kind_t *ik = kube_kinds_by_kind(group, kind);
		cluster_scoped = ik && !ik->namespaced;
		kube_free(group);
	}
	if (!cluster_scoped) {
		if (!ions || !*ions) {
			if (ns && *ns && strcmp(ns, "default") != 0)
				invalid_str(st, "involvedObject.namespace", "", "does not match event.namespace");
		} else if (!ns || strcmp(ns, ions) != 0) {
			invalid_str(st, "involvedObject.namespace", ions, "does not match event.namespace");
		}
	}
}

static void check_lease(const cJSON *obj, kube_status_t *st)
{
	const cJSON *d = kube_json_get(obj, "spec.leaseDurationSeconds");
	if (cJSON_IsNumber(d) && d->valuedouble <= 0)
		invalid_int(st, "spec.leaseDurationSeconds", (long long)d->valuedouble, "must be greater than 0");
	const cJSON *t = kube_json_get(obj, "spec.leaseTransitions");
	if (cJSON_IsNumber(t) && t->valuedouble < 0)
		invalid_int(st, "spec.leaseTransitions", (long long)t->valuedouble, "must be greater than or equal to 0");
}

static void check_namespace_update(const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	(void)obj;
	(void)old;
	(void)st;
}

void apiserver_validate(const kube_kind_t *k, const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	if (!k || !st)
		return;
	if (!cJSON_IsObject(obj)) {
		required(st, "", "object is required");
		return;
	}
	const char *g = k->group, *r = k->resource;
	name_kind_t nk = NAME_SUBDOMAIN;
	if (!*g && (!strcmp(r, "namespaces")))
		nk = NAME_LABEL;
	else if (!*g && !strcmp(r, "services"))
		nk = NAME_DNS1035;
	else if (!*g && !strcmp(r, "events"))
		nk = NAME_PATH_SEGMENT;
	else if (!strcmp(g, "rbac.authorization.k8s.io"))
		nk = NAME_PATH_SEGMENT;
	check_meta(k, obj, nk, st);
	if (old)
		check_meta_update(obj, old, st);

	if (!*g) {
		if (!strcmp(r, "pods")) {
			check_pod_spec(st, "spec", kube_json_get(obj, "spec"));
			if (old)
				check_pod_update(obj, old, st);
		} else if (!strcmp(r, "podtemplates")) {
			check_labels(st, "template.metadata.labels", kube_json_get(obj, "template.metadata.labels"));
			check_pod_spec(st, "template.spec", kube_json_get(obj, "template.spec"));
		} else if (!strcmp(r, "replicationcontrollers")) {
			check_rc(obj, st);
		} else if (!strcmp(r, "services")) {
			check_service(obj, old, st);
		} else if (!strcmp(r, "configmaps")) {
			check_configmap_like(obj, "binaryData", st);
			if (old && kube_json_get_bool(old, "immutable", false) &&
			    (!kube_json_equal(kube_json_get(obj, "data"), kube_json_get(old, "data")) ||
			     !kube_json_equal(kube_json_get(obj, "binaryData"), kube_json_get(old, "binaryData"))))
				forbidden(st, "data", "field is immutable when `immutable` is set");
		} else if (!strcmp(r, "secrets")) {
			check_secret(obj, old, st);
		} else if (!strcmp(r, "nodes")) {
			check_node(obj, st);
		} else if (!strcmp(r, "events")) {
			check_event(obj, st);
		} else if (!strcmp(r, "namespaces")) {
			if (old)
				check_namespace_update(obj, old, st);
		}
	} else if (!strcmp(g, "apps")) {
		if (!strcmp(r, "deployments") || !strcmp(r, "replicasets") || !strcmp(r, "daemonsets") ||
		    !strcmp(r, "statefulsets"))
			check_apps(k, obj, old, st);
	} else if (!strcmp(g, "batch")) {
		if (!strcmp(r, "jobs")) {
			bool manual = kube_json_get_bool(obj, "spec.manualSelector", false) ||
				      kube_json_get(obj, "spec.selector") != NULL;
			check_job_spec(st, kube_json_get(obj, "spec"), "spec", manual);
			if (old)
				check_job_update(obj, old, st);
		} else if (!strcmp(r, "cronjobs")) {
			const char *sched = kube_json_get_str(obj, "spec.schedule");
			if (!sched || !*sched)
				required(st, "spec.schedule", "");
			static const char *const cp[] = { "Allow", "Forbid", "Replace", NULL };
			const char *pol = kube_json_get_str(obj, "spec.concurrencyPolicy");
			if (pol && strcmp(pol, "Allow") && strcmp(pol, "Forbid") && strcmp(pol, "Replace"))
				not_supported(st, "spec.concurrencyPolicy", pol, cp);
			const cJSON *jspec = kube_json_get(obj, "spec.jobTemplate.spec");
			check_job_spec(st, jspec, "spec.jobTemplate.spec", kube_json_get(jspec, "selector") != NULL);
		}
	} else if (!strcmp(g, "coordination.k8s.io")) {
		if (!strcmp(r, "leases"))
			check_lease(obj, st);
	}
}
