/* kube_json: cJSON helpers (paths, copy, equality, Go-compatible output, patches). */
#include "api/kube_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation hooks ------------------------------------------------------ */

static void *hook_malloc(size_t n)
{
	return kube_malloc(n);
}

void kube_json_init(void)
{
	static bool done;
	cJSON_Hooks hooks = { .malloc_fn = hook_malloc, .free_fn = kube_free };

	if (done)
		return;
	done = true;
	cJSON_InitHooks(&hooks);
}

__attribute__((constructor)) static void json_ctor(void)
{
	kube_json_init();
}

cJSON *kube_json_parse(const char *s, size_t len)
{
	const char *end = NULL;
	cJSON *j;

	if (!s)
		return NULL;
	j = cJSON_ParseWithLengthOpts(s, len, &end, false);
	if (!j)
		return NULL;
	/* Only whitespace may follow. */
	while (end && (size_t)(end - s) < len) {
		char c = *end;
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\0') {
			cJSON_Delete(j);
			return NULL;
		}
		if (c == '\0')
			break;
		end++;
	}
	return j;
}

/* ---- paths ---------------------------------------------------------------- */

typedef struct seg {
	char *key; /* NULL for an index */
	long idx;
} seg_t;

typedef struct path {
	seg_t segs[KUBE_JSON_PATH_MAX];
	int n;
	kube_buf_t keys; /* storage for the keys, NUL-separated */
} path_t;

static void path_clear(path_t *p)
{
	kube_buf_clear(&p->keys);
}

/* Parse path into p. Keys point into p->keys (offsets fixed up at the end). */
static int path_parse(const char *s, path_t *p)
{
	size_t offs[KUBE_JSON_PATH_MAX];
	const char *c = s;

	p->n = 0;
	p->keys = (kube_buf_t)KUBE_BUF_INIT;
	if (*c == '.')
		c++;
	if (!*c)
		return 0;
	for (;;) {
		if (p->n >= KUBE_JSON_PATH_MAX)
			return -EINVAL;
		if (*c == '[') {
			c++;
			if (*c == '\'' || *c == '"') {
				char q = *c++;
				offs[p->n] = p->keys.len;
				while (*c && *c != q) {
					if (*c == '\\' && c[1])
						c++;
					kube_buf_putc(&p->keys, *c++);
				}
				if (*c != q || c[1] != ']')
					return -EINVAL;
				kube_buf_putc(&p->keys, '\0');
				p->segs[p->n].key = (char *)1; /* key marker */
				p->segs[p->n].idx = -1;
				c += 2;
			} else {
				long v = 0;
				if (*c < '0' || *c > '9')
					return -EINVAL;
				while (*c >= '0' && *c <= '9') {
					v = v * 10 + (*c - '0');
					if (v > 100000000)
						return -EINVAL;
					c++;
				}
				if (*c != ']')
					return -EINVAL;
				c++;
				p->segs[p->n].key = NULL;
				p->segs[p->n].idx = v;
			}
		} else {
			offs[p->n] = p->keys.len;
			if (!*c || *c == '.' || *c == ']')
				return -EINVAL;
			while (*c && *c != '.' && *c != '[') {
				if (*c == ']')
					return -EINVAL;
				if (*c == '\\' && c[1])
					c++;
				kube_buf_putc(&p->keys, *c++);
			}
			kube_buf_putc(&p->keys, '\0');
			p->segs[p->n].key = (char *)1;
			p->segs[p->n].idx = -1;
		}
		p->n++;
		if (!*c)
			break;
		if (*c == '.') {
			c++;
			if (!*c)
				return -EINVAL;
		} else if (*c != '[') {
			return -EINVAL;
		}
	}
	for (int i = 0; i < p->n; i++)
		if (p->segs[i].key)
			p->segs[i].key = p->keys.data + offs[i];
	return 0;
}

int kube_json_path_check(const char *path)
{
	path_t p;
	int r;

	if (!path)
		return -EINVAL;
	r = path_parse(path, &p);
	path_clear(&p);
	return r < 0 ? r : 0;
}

static cJSON *step(const cJSON *node, const seg_t *s)
{
	if (!node)
		return NULL;
	if (s->key)
		return cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, s->key) : NULL;
	if (!cJSON_IsArray(node) || s->idx > INT32_MAX)
		return NULL;
	return cJSON_GetArrayItem(node, (int)s->idx);
}

cJSON *kube_json_get(const cJSON *obj, const char *path)
{
	path_t p;
	const cJSON *n = obj;

	if (!obj || !path)
		return NULL;
	if (path_parse(path, &p) < 0) {
		path_clear(&p);
		return NULL;
	}
	for (int i = 0; i < p.n && n; i++)
		n = step(n, &p.segs[i]);
	path_clear(&p);
	return (cJSON *)n;
}

const char *kube_json_get_str(const cJSON *obj, const char *path)
{
	const cJSON *n = kube_json_get(obj, path);

	return cJSON_IsString(n) ? n->valuestring : NULL;
}

int64_t kube_json_get_int64(const cJSON *obj, const char *path, int64_t def)
{
	const cJSON *n = kube_json_get(obj, path);
	double d;

	if (!cJSON_IsNumber(n))
		return def;
	d = n->valuedouble;
	if (d != floor(d) || isnan(d))
		return def;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	if (d <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

bool kube_json_get_bool(const cJSON *obj, const char *path, bool def)
{
	const cJSON *n = kube_json_get(obj, path);

	if (cJSON_IsTrue(n))
		return true;
	if (cJSON_IsFalse(n))
		return false;
	return def;
}

/* Put v into container at segment s (replacing any existing child). */
static int put(cJSON *container, const seg_t *s, cJSON *v)
{
	if (s->key) {
		if (!cJSON_IsObject(container))
			return -ENOTDIR;
		if (cJSON_GetObjectItemCaseSensitive(container, s->key))
			cJSON_ReplaceItemInObjectCaseSensitive(container, s->key, v);
		else
			cJSON_AddItemToObject(container, s->key, v);
		return 0;
	}
	if (!cJSON_IsArray(container))
		return -ENOTDIR;
	int size = cJSON_GetArraySize(container);
	if (s->idx > size)
		return -ERANGE;
	if (s->idx == size)
		cJSON_AddItemToArray(container, v);
	else
		cJSON_ReplaceItemInArray(container, (int)s->idx, v);
	return 0;
}

int kube_json_set(cJSON *obj, const char *path, cJSON *value)
{
	path_t p;
	cJSON *n = obj;
	int r;

	if (!obj || !path || !value) {
		cJSON_Delete(value);
		return -EINVAL;
	}
	r = path_parse(path, &p);
	if (r == 0 && p.n == 0)
		r = -EINVAL;
	for (int i = 0; r == 0 && i < p.n - 1; i++) {
		cJSON *next = step(n, &p.segs[i]);
		if (!next) {
			if ((p.segs[i].key && !cJSON_IsObject(n)) ||
			    (!p.segs[i].key && !cJSON_IsArray(n))) {
				r = -ENOTDIR;
				break;
			}
			next = p.segs[i + 1].key ? cJSON_CreateObject() : cJSON_CreateArray();
			r = put(n, &p.segs[i], next);
			if (r < 0) {
				cJSON_Delete(next);
				break;
			}
		} else if (cJSON_IsNull(next)) {
			/* null is an absent value: replace it with a container */
			next = p.segs[i + 1].key ? cJSON_CreateObject() : cJSON_CreateArray();
			put(n, &p.segs[i], next);
		}
		n = next;
	}
	if (r == 0)
		r = put(n, &p.segs[p.n - 1], value);
	if (r < 0)
		cJSON_Delete(value);
	path_clear(&p);
	return r;
}

int kube_json_set_str(cJSON *obj, const char *path, const char *s)
{
	return kube_json_set(obj, path, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

int kube_json_set_int64(cJSON *obj, const char *path, int64_t v)
{
	return kube_json_set(obj, path, cJSON_CreateNumber((double)v));
}

int kube_json_set_bool(cJSON *obj, const char *path, bool v)
{
	return kube_json_set(obj, path, cJSON_CreateBool(v));
}

int kube_json_delete(cJSON *obj, const char *path)
{
	path_t p;
	cJSON *n = obj;
	int r;

	if (!obj || !path)
		return -EINVAL;
	r = path_parse(path, &p);
	if (r == 0 && p.n == 0)
		r = -EINVAL;
	for (int i = 0; r == 0 && i < p.n - 1; i++) {
		n = step(n, &p.segs[i]);
		if (!n)
			r = -ENOENT;
	}
	if (r == 0) {
		const seg_t *s = &p.segs[p.n - 1];
		cJSON *victim = step(n, s);
		if (!victim)
			r = -ENOENT;
		else
			cJSON_Delete(cJSON_DetachItemViaPointer(n, victim));
	}
	path_clear(&p);
	return r;
}

/* ---- copy and equality --------------------------------------------------- */

cJSON *kube_json_dup(const cJSON *obj)
{
	return obj ? cJSON_Duplicate(obj, true) : NULL;
}

bool kube_json_equal(const cJSON *a, const cJSON *b)
{
	const cJSON *c;
	int na = 0, nb = 0;

	if (!a || !b)
		return a == b;
	if ((a->type & 0xff) != (b->type & 0xff))
		return false;
	switch (a->type & 0xff) {
	case cJSON_False:
	case cJSON_True:
	case cJSON_NULL:
		return true;
	case cJSON_Number:
		return a->valuedouble == b->valuedouble;
	case cJSON_String:
	case cJSON_Raw:
		return kube_streq(a->valuestring, b->valuestring);
	case cJSON_Array:
		for (a = a->child, b = b->child; a && b; a = a->next, b = b->next)
			if (!kube_json_equal(a, b))
				return false;
		return !a && !b;
	case cJSON_Object:
		for (c = b->child; c; c = c->next)
			nb++;
		for (c = a->child; c; c = c->next) {
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, c->string);
			na++;
			if (!o || !kube_json_equal(c, o))
				return false;
		}
		return na == nb;
	default:
		return false;
	}
}

/* ---- Go-compatible output --------------------------------------------------- */

/* Decode one UTF-8 sequence strictly; returns its length, or 0 if invalid. */
static int utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		if ((s[1] & 0xc0) != 0x80)
			return 0;
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		if (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
		      ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		if (*cp < 0x10000 || *cp > 0x10ffff)
			return 0;
		return 4;
	}
	return 0;
}

void kube_json_string_buf(kube_buf_t *b, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(str ? str : "");
	const unsigned char *run = p;

	kube_buf_putc(b, '"');
	while (*p) {
		const char *esc = NULL;
		char u[7];
		uint32_t cp;
		int n;

		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\' && *p != '<' && *p != '>' &&
		    *p != '&') {
			p++;
			continue;
		}
		if (*p >= 0x80) {
			n = utf8_decode(p, &cp);
			if (n > 0 && cp != 0x2028 && cp != 0x2029) {
				p += n;
				continue;
			}
			kube_buf_append(b, run, (size_t)(p - run));
			if (n == 0) {
				kube_buf_puts(b, "\\ufffd");
				p++;
			} else {
				kube_buf_puts(b, cp == 0x2028 ? "\\u2028" : "\\u2029");
				p += n;
			}
			run = p;
			continue;
		}
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0';
			u[4] = hex[*p >> 4], u[5] = hex[*p & 15], u[6] = '\0';
			esc = u;
		}
		kube_buf_append(b, run, (size_t)(p - run));
		kube_buf_puts(b, esc);
		p++;
		run = p;
	}
	kube_buf_append(b, run, (size_t)(p - run));
	kube_buf_putc(b, '"');
}

/* Shortest digits that round-trip d (> 0, finite): digits and the decimal
 * exponent e such that d = 0.DIGITS * 10^e. */
static int shortest(double d, char *digits, size_t dsize, int *ret_exp)
{
	char tmp[64];
	int nd = 0;

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	char *e = strchr(tmp, 'e');
	for (char *c = tmp; c < e && (size_t)nd + 1 < dsize; c++)
		if (*c >= '0' && *c <= '9')
			digits[nd++] = *c;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	*ret_exp = atoi(e + 1) + 1;
	return nd;
}

void kube_json_number_buf(kube_buf_t *b, double d)
{
	char digits[32];
	int nd, exp;

	if (isnan(d) || isinf(d)) {
		kube_buf_puts(b, "null");
		return;
	}
	if (d == floor(d) && fabs(d) < 9223372036854775808.0) {
		kube_buf_printf(b, "%lld", (long long)d);
		return;
	}
	if (d < 0) {
		kube_buf_putc(b, '-');
		d = -d;
	}
	nd = shortest(d, digits, sizeof(digits), &exp);
	if (d < 1e-6 || d >= 1e21) {
		/* %e layout: d[.ddd]e±XX, then Go's json cleanup of e-0X */
		int x = exp - 1;
		kube_buf_putc(b, digits[0]);
		if (nd > 1) {
			kube_buf_putc(b, '.');
			kube_buf_append(b, digits + 1, (size_t)nd - 1);
		}
		if (x < 0 && x > -10)
			kube_buf_printf(b, "e-%d", -x);
		else
			kube_buf_printf(b, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
		return;
	}
	if (exp <= 0) {
		kube_buf_puts(b, "0.");
		for (int i = 0; i < -exp; i++)
			kube_buf_putc(b, '0');
		kube_buf_append(b, digits, (size_t)nd);
	} else if (exp >= nd) {
		kube_buf_append(b, digits, (size_t)nd);
		for (int i = nd; i < exp; i++)
			kube_buf_putc(b, '0');
	} else {
		kube_buf_append(b, digits, (size_t)exp);
		kube_buf_putc(b, '.');
		kube_buf_append(b, digits + exp, (size_t)(nd - exp));
	}
}

static int cmp_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

enum { OUT_COMPACT, OUT_SORTED, OUT_PRETTY };

static void indent(kube_buf_t *b, int depth)
{
	kube_buf_putc(b, '\n');
	for (int i = 0; i < depth; i++)
		kube_buf_puts(b, "    ");
}

static void emit(kube_buf_t *b, const cJSON *j, int mode, int depth)
{
	const cJSON *c;
	int n = 0, i;

	if (!j) {
		kube_buf_puts(b, "null");
		return;
	}
	switch (j->type & 0xff) {
	case cJSON_False: kube_buf_puts(b, "false"); return;
	case cJSON_True: kube_buf_puts(b, "true"); return;
	case cJSON_NULL: kube_buf_puts(b, "null"); return;
	case cJSON_Number: kube_json_number_buf(b, j->valuedouble); return;
	case cJSON_String: kube_json_string_buf(b, j->valuestring); return;
	case cJSON_Raw: kube_buf_puts(b, j->valuestring ? j->valuestring : "null"); return;
	case cJSON_Array:
		if (!j->child) {
			kube_buf_puts(b, "[]");
			return;
		}
		kube_buf_putc(b, '[');
		for (c = j->child; c; c = c->next) {
			if (c != j->child)
				kube_buf_putc(b, ',');
			if (mode == OUT_PRETTY)
				indent(b, depth + 1);
			emit(b, c, mode, depth + 1);
		}
		if (mode == OUT_PRETTY)
			indent(b, depth);
		kube_buf_putc(b, ']');
		return;
	case cJSON_Object:
		if (!j->child) {
			kube_buf_puts(b, "{}");
			return;
		}
		for (c = j->child; c; c = c->next)
			n++;
		const cJSON **kids = kube_malloc(sizeof(*kids) * (size_t)n);
		for (c = j->child, i = 0; c; c = c->next)
			kids[i++] = c;
		if (mode == OUT_SORTED)
			qsort(kids, (size_t)n, sizeof(*kids), cmp_key);
		kube_buf_putc(b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				kube_buf_putc(b, ',');
			if (mode == OUT_PRETTY)
				indent(b, depth + 1);
			kube_json_string_buf(b, kids[i]->string);
			kube_buf_puts(b, mode == OUT_PRETTY ? ": " : ":");
			emit(b, kids[i], mode, depth + 1);
		}
		kube_free(kids);
		if (mode == OUT_PRETTY)
			indent(b, depth);
		kube_buf_putc(b, '}');
		return;
	default:
		kube_buf_puts(b, "null");
	}
}

void kube_json_canonical_buf(kube_buf_t *b, const cJSON *obj)
{
	emit(b, obj, OUT_SORTED, 0);
}

char *kube_json_canonical(const cJSON *obj)
{
	kube_buf_t b = KUBE_BUF_INIT;

	emit(&b, obj, OUT_SORTED, 0);
	return kube_buf_steal(&b);
}

void kube_json_compact_buf(kube_buf_t *b, const cJSON *obj)
{
	emit(b, obj, OUT_COMPACT, 0);
}

char *kube_json_compact(const cJSON *obj)
{
	kube_buf_t b = KUBE_BUF_INIT;

	emit(&b, obj, OUT_COMPACT, 0);
	return kube_buf_steal(&b);
}

void kube_json_pretty_buf(kube_buf_t *b, const cJSON *obj)
{
	emit(b, obj, OUT_PRETTY, 0);
}

char *kube_json_pretty(const cJSON *obj)
{
	kube_buf_t b = KUBE_BUF_INIT;

	emit(&b, obj, OUT_PRETTY, 0);
	return kube_buf_steal(&b);
}

/* ---- RFC 7386 merge patch ------------------------------------------------- */

cJSON *kube_json_merge_patch(const cJSON *doc, const cJSON *patch)
{
	cJSON *out;

	if (!cJSON_IsObject(patch))
		return patch ? cJSON_Duplicate(patch, true) : cJSON_CreateNull();
	out = cJSON_IsObject(doc) ? cJSON_Duplicate(doc, true) : cJSON_CreateObject();
	for (const cJSON *p = patch->child; p; p = p->next) {
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(out, p->string);
		if (cJSON_IsNull(p)) {
			if (cur)
				cJSON_Delete(cJSON_DetachItemViaPointer(out, cur));
			continue;
		}
		cJSON *merged = kube_json_merge_patch(cur, p);
		if (cur)
			cJSON_ReplaceItemViaPointer(out, cur, merged);
		else
			cJSON_AddItemToObject(out, p->string, merged);
	}
	return out;
}

/* ---- RFC 6902 JSON patch ------------------------------------------------------ */

/* Resolve an RFC 6901 pointer to its parent container and the last token
 * (unescaped, caller frees). An empty pointer has no parent (*ret_parent NULL). */
static int pointer_parent(cJSON *root, const char *ptr, cJSON **ret_parent, char **ret_tok)
{
	cJSON *n = root;
	const char *c = ptr;

	if (!ptr)
		return -EINVAL;
	if (!*ptr) {
		*ret_parent = NULL;
		*ret_tok = NULL;
		return 0;
	}
	if (*c != '/')
		return -EINVAL;
	for (;;) {
		kube_buf_t tok = KUBE_BUF_INIT;
		c++;
		while (*c && *c != '/') {
			if (*c == '~') {
				if (c[1] == '0')
					kube_buf_putc(&tok, '~');
				else if (c[1] == '1')
					kube_buf_putc(&tok, '/');
				else {
					kube_buf_clear(&tok);
					return -EINVAL;
				}
				c += 2;
			} else {
				kube_buf_putc(&tok, *c++);
			}
		}
		if (!*c) {
			*ret_parent = n;
			*ret_tok = kube_buf_steal(&tok);
			return 0;
		}
		/* descend */
		cJSON *next = NULL;
		const char *t = kube_buf_str(&tok);
		if (cJSON_IsObject(n)) {
			next = cJSON_GetObjectItemCaseSensitive(n, t);
		} else if (cJSON_IsArray(n)) {
			char *end;
			long i = strtol(t, &end, 10);
			if (*t && *end == '\0' && i >= 0 && (t[0] != '0' || t[1] == '\0') && i <= INT32_MAX)
				next = cJSON_GetArrayItem(n, (int)i);
		}
		kube_buf_clear(&tok);
		if (!next)
			return -ENOENT;
		n = next;
	}
}

/* Parse an array index token: 0 and a valid index, or -EINVAL. "-" gives size. */
static int array_index(const cJSON *arr, const char *tok, bool allow_end, int *ret)
{
	int size = cJSON_GetArraySize(arr);
	char *end;
	long i;

	if (allow_end && strcmp(tok, "-") == 0) {
		*ret = size;
		return 0;
	}
	if (!*tok || (tok[0] == '0' && tok[1]) || tok[0] < '0' || tok[0] > '9')
		return -EINVAL;
	i = strtol(tok, &end, 10);
	if (*end || i < 0 || i > size - (allow_end ? 0 : 1))
		return -ERANGE;
	*ret = (int)i;
	return 0;
}

static cJSON *pointer_get(cJSON *root, const char *ptr)
{
	cJSON *parent;
	char *tok;
	cJSON *r = NULL;
	int i;

	if (pointer_parent(root, ptr, &parent, &tok) < 0)
		return NULL;
	if (!parent)
		return root;
	if (cJSON_IsObject(parent))
		r = cJSON_GetObjectItemCaseSensitive(parent, tok);
	else if (cJSON_IsArray(parent) && array_index(parent, tok, false, &i) == 0)
		r = cJSON_GetArrayItem(parent, i);
	kube_free(tok);
	return r;
}

/* Detach the value at ptr. */
static cJSON *pointer_remove(cJSON *root, const char *ptr)
{
	cJSON *parent, *r = NULL;
	char *tok;
	int i;

	if (pointer_parent(root, ptr, &parent, &tok) < 0 || !parent)
		return NULL;
	if (cJSON_IsObject(parent))
		r = cJSON_DetachItemFromObjectCaseSensitive(parent, tok);
	else if (cJSON_IsArray(parent) && array_index(parent, tok, false, &i) == 0)
		r = cJSON_DetachItemFromArray(parent, i);
	kube_free(tok);
	return r;
}

/* Insert item before index i (< size). cJSON 1.7.15's InsertItemInArray is
 * unreliable across distributions, so link it by hand. */
static void array_insert(cJSON *arr, int i, cJSON *item)
{
	cJSON *after = cJSON_GetArrayItem(arr, i);

	item->next = after;
	item->prev = after->prev;
	if (after == arr->child)
		arr->child = item;
	else
		after->prev->next = item;
	after->prev = item;
}

/* Add value at ptr (takes ownership). *root may be replaced. */
static int pointer_add(cJSON **root, const char *ptr, cJSON *value, bool replace)
{
	cJSON *parent;
	char *tok;
	int r = 0, i;

	r = pointer_parent(*root, ptr, &parent, &tok);
	if (r < 0) {
		cJSON_Delete(value);
		return r;
	}
	if (!parent) {
		cJSON_Delete(*root);
		*root = value;
		return 0;
	}
	if (cJSON_IsObject(parent)) {
		if (cJSON_GetObjectItemCaseSensitive(parent, tok))
			cJSON_ReplaceItemInObjectCaseSensitive(parent, tok, value);
		else if (replace)
			r = -ENOENT;
		else
			cJSON_AddItemToObject(parent, tok, value);
	} else if (cJSON_IsArray(parent)) {
		r = array_index(parent, tok, !replace, &i);
		if (r == 0) {
			if (replace)
				cJSON_ReplaceItemInArray(parent, i, value);
			else if (i == cJSON_GetArraySize(parent))
				cJSON_AddItemToArray(parent, value);
			else
				array_insert(parent, i, value);
		}
	} else {
		r = -ENOTDIR;
	}
	if (r < 0)
		cJSON_Delete(value);
	kube_free(tok);
	return r;
}

static int patch_fail(char **ret_err, const char *fmt, ...) KUBE_PRINTF(2, 3);
static int patch_fail(char **ret_err, const char *fmt, ...)
{
	va_list ap;

	if (ret_err) {
		va_start(ap, fmt);
		*ret_err = kube_vasprintf(fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int kube_json_patch_apply(const cJSON *doc, const cJSON *patch, cJSON **ret_doc, char **ret_err)
{
	cJSON *out;
	int n = 0;

	if (!cJSON_IsArray(patch))
		return patch_fail(ret_err, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
	if (cJSON_GetArraySize(patch) > 10000)
		return patch_fail(ret_err, "too many operations in patch");
	out = doc ? cJSON_Duplicate(doc, true) : cJSON_CreateNull();
	for (const cJSON *op = patch->child; op; op = op->next, n++) {
		const char *kind = kube_json_get_str(op, "op");
		const char *path = kube_json_get_str(op, "path");
		const char *from = kube_json_get_str(op, "from");
		const cJSON *value = cJSON_IsObject(op) ? cJSON_GetObjectItemCaseSensitive(op, "value") : NULL;
		int r = 0;

		if (!kind) {
			cJSON_Delete(out);
			return patch_fail(ret_err, "Unexpected kind: unknown");
		}
		if (!path) {
			cJSON_Delete(out);
			return patch_fail(ret_err, "%s operation missing path", kind);
		}
		if (strcmp(kind, "add") == 0 || strcmp(kind, "replace") == 0) {
			if (!value) {
				cJSON_Delete(out);
				return patch_fail(ret_err, "%s operation missing value", kind);
			}
			r = pointer_add(&out, path, cJSON_Duplicate(value, true), kind[0] == 'r');
		} else if (strcmp(kind, "remove") == 0) {
			cJSON *v = pointer_remove(out, path);
			if (!v)
				r = -ENOENT;
			cJSON_Delete(v);
		} else if (strcmp(kind, "test") == 0) {
			const cJSON *cur = pointer_get(out, path);
			if (!value || !cur || !kube_json_equal(cur, value)) {
				cJSON_Delete(out);
				return patch_fail(ret_err, "testing value %s failed: test failed", path);
			}
		} else if (strcmp(kind, "move") == 0 || strcmp(kind, "copy") == 0) {
			cJSON *v;
			if (!from) {
				cJSON_Delete(out);
				return patch_fail(ret_err, "%s operation missing from", kind);
			}
			if (kind[0] == 'm') {
				size_t fl = strlen(from);
				if (strncmp(path, from, fl) == 0 && path[fl] == '/') {
					cJSON_Delete(out);
					return patch_fail(ret_err, "move operation: path %s is a child of from %s", path, from);
				}
				v = pointer_remove(out, from);
			} else {
				v = kube_json_dup(pointer_get(out, from));
			}
			if (!v)
				r = -ENOENT;
			else
				r = pointer_add(&out, path, v, false);
		} else {
			cJSON_Delete(out);
			return patch_fail(ret_err, "Unexpected kind: %s", kind);
		}
		if (r < 0) {
			cJSON_Delete(out);
			return patch_fail(ret_err, "%s operation does not apply: doc is missing path: \"%s\"", kind,
					  strcmp(kind, "move") == 0 || strcmp(kind, "copy") == 0 ? from : path);
		}
	}
	*ret_doc = out;
	return 0;
}
