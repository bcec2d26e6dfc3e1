/* kubectl_jsonpath: a JSONPath template interpreter over cJSON trees. */
#include "kubectl_jsonpath.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"

#define JP_MAX_RESULTS 1000000
#define JP_MAX_DEPTH 64

typedef struct jp_set {
	const cJSON **v;
	size_t n, cap;
} jp_set_t;

static void set_add(jp_set_t *s, const cJSON *v)
{
	if (s->n >= JP_MAX_RESULTS)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = kube_realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = v;
}

static void set_clear(jp_set_t *s)
{
	kube_free(s->v);
	memset(s, 0, sizeof(*s));
}

static void recurse_all(const cJSON *v, jp_set_t *out, int depth)
{
	const cJSON *c;

	if (depth > JP_MAX_DEPTH)
		return;
	set_add(out, v);
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		cJSON_ArrayForEach(c, v)
			recurse_all(c, out, depth + 1);
}

/* Parse a quoted string at *pp ('...' or "..."); returns a new string. */
static char *parse_quoted(const char **pp)
{
	const char *p = *pp;
	char q = *p++;
	kube_buf_t b = KUBE_BUF_INIT;

	while (*p && *p != q) {
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': kube_buf_putc(&b, '\n'); break;
			case 't': kube_buf_putc(&b, '\t'); break;
			case 'r': kube_buf_putc(&b, '\r'); break;
			default: kube_buf_putc(&b, *p); break;
			}
			p++;
			continue;
		}
		kube_buf_putc(&b, *p++);
	}
	if (*p != q) {
		kube_buf_clear(&b);
		return NULL;
	}
	*pp = p + 1;
	return kube_buf_steal(&b);
}

static int eval_path(const char **pp, const char *end, const cJSON *root, const cJSON *cur,
		     jp_set_t *res, char **err);

/* Compare for filters: numbers numerically, strings bytewise. */
static bool filter_match(const cJSON *v, const char *op, const char *lit, bool lit_is_str)
{
	int c;

	if (!v)
		return false;
	if (!op)
		return true;
	if (lit_is_str) {
		if (!cJSON_IsString(v))
			return strcmp(op, "!=") == 0;
		c = strcmp(v->valuestring, lit);
	} else if (cJSON_IsNumber(v)) {
		double d = strtod(lit, NULL);

		c = v->valuedouble < d ? -1 : v->valuedouble > d ? 1 : 0;
	} else if (cJSON_IsBool(v)) {
		c = strcmp(cJSON_IsTrue(v) ? "true" : "false", lit);
	} else {
		return strcmp(op, "!=") == 0;
	}
	if (!strcmp(op, "=="))
		return c == 0;
	if (!strcmp(op, "!="))
		return c != 0;
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, "<="))
		return c <= 0;
	if (!strcmp(op, ">"))
		return c > 0;
	if (!strcmp(op, ">="))
		return c >= 0;
	return false;
}

/* [ ... ] at *pp (after '['). */
static int eval_bracket(const char **pp, const cJSON *root, const jp_set_t *in, jp_set_t *out,
			char **err)
{
	const char *p = *pp, *close;

	while (*p == ' ')
		p++;
	if (*p == '\'' || *p == '"') {
		char *key = parse_quoted(&p);

		if (!key || *p != ']') {
			kube_free(key);
			*err = kube_strdup("unterminated array");
			return -EINVAL;
		}
		for (size_t i = 0; i < in->n; i++) {
			const cJSON *v = cJSON_IsObject(in->v[i])
						 ? cJSON_GetObjectItemCaseSensitive(in->v[i], key)
						 : NULL;
			if (v)
				set_add(out, v);
		}
		kube_free(key);
		*pp = p + 1;
		return 0;
	}
	if (*p == '?') { /* filter ?(@.x op lit) */
		const char *s = p + 1, *e;
		int depth = 0;

		if (*s != '(')
			goto bad;
		for (e = s; *e; e++) {
			if (*e == '(')
				depth++;
			else if (*e == ')' && --depth == 0)
				break;
		}
		if (!*e || e[1] != ']')
			goto bad;
		{
			char *expr = kube_strndup(s + 1, (size_t)(e - s - 1));
			char *op = NULL, *lhs, *rhs = NULL;
			static const char *ops[] = { "==", "!=", "<=", ">=", "<", ">" };
			bool lit_str = false;
			int r = 0;

			for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]) && !op; o++) {
				char *f = strstr(expr, ops[o]);

				if (f) {
					*f = 0;
					op = (char *)ops[o];
					rhs = f + strlen(ops[o]);
				}
			}
			lhs = expr;
			while (*lhs == ' ')
				lhs++;
			for (char *t = lhs + strlen(lhs); t > lhs && t[-1] == ' ';)
				*--t = 0;
			char *lit = NULL;
			if (rhs) {
				while (*rhs == ' ')
					rhs++;
				for (char *t = rhs + strlen(rhs); t > rhs && t[-1] == ' ';)
					*--t = 0;
				if (*rhs == '\'' || *rhs == '"') {
					const char *q = rhs;

					lit = parse_quoted(&q);
					lit_str = true;
				} else {
					lit = kube_strdup(rhs);
				}
			}
			for (size_t i = 0; i < in->n && r == 0; i++) {
				const cJSON *arr = in->v[i], *item;

				if (!cJSON_IsArray(arr))
					continue;
				cJSON_ArrayForEach(item, arr) {
					jp_set_t sub = { 0 };
					const char *lp = lhs;

					if (*lp == '@')
						lp++;
					r = eval_path(&lp, lp + strlen(lp), root, item, &sub, err);
					if (r == 0 && filter_match(sub.n ? sub.v[0] : NULL, op,
								   lit ? lit : "", lit_str))
						set_add(out, item);
					set_clear(&sub);
					if (r < 0)
						break;
				}
			}
			kube_free(lit);
			kube_free(expr);
			*pp = e + 2;
			return r;
		}
	}
	close = strchr(p, ']');
	if (!close)
		goto bad;
	{
		char *spec = kube_strndup(p, (size_t)(close - p));
		char *colon = strchr(spec, ':');

		for (size_t i = 0; i < in->n; i++) {
			const cJSON *v = in->v[i];
			int n, a, b, step = 1;

			if (strcmp(spec, "*") == 0) {
				const cJSON *c;

				if (cJSON_IsArray(v) || cJSON_IsObject(v))
					cJSON_ArrayForEach(c, v)
						set_add(out, c);
				continue;
			}
			if (!cJSON_IsArray(v))
				continue;
			n = cJSON_GetArraySize(v);
			if (!colon) {
				a = atoi(spec);
				if (a < 0)
					a += n;
				if (a >= 0 && a < n)
					set_add(out, cJSON_GetArrayItem(v, a));
				else {
					*err = kube_asprintf("array index out of bounds: index %d, length %d",
							     atoi(spec), n);
					kube_free(spec);
					return -EINVAL;
				}
				continue;
			}
			a = *spec && spec != colon ? atoi(spec) : 0;
			b = colon[1] && colon[1] != ':' ? atoi(colon + 1) : n;
			if (strchr(colon + 1, ':'))
				step = atoi(strchr(colon + 1, ':') + 1);
			if (step <= 0)
				step = 1;
			if (a < 0)
				a += n;
			if (b < 0)
				b += n;
			if (a < 0)
				a = 0;
			if (b > n)
				b = n;
			for (int k = a; k < b; k += step)
				set_add(out, cJSON_GetArrayItem(v, k));
		}
		kube_free(spec);
	}
	*pp = close + 1;
	return 0;
bad:
	*err = kube_strdup("unterminated array");
	return -EINVAL;
}

static bool ident_char(char c)
{
	return c && !strchr(".[]{}() =!<>,'\"", c);
}

/* Evaluate a path starting at *pp up to end, on cur. */
static int eval_path(const char **pp, const char *end, const cJSON *root, const cJSON *cur,
		     jp_set_t *res, char **err)
{
	jp_set_t in = { 0 }, out = { 0 };
	const char *p = *pp;
	int r = 0;

	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '$') {
		set_add(&in, root);
		p++;
	} else {
		if (p < end && *p == '@')
			p++;
		set_add(&in, cur);
	}
	while (p < end && r == 0) {
		if (*p == ' ')
			break;
		out.n = 0;
		if (p[0] == '.' && p + 1 < end && p[1] == '.') {
			/* recursive descent: ..name */
			jp_set_t all = { 0 };
			const char *s = p + 2, *e = s;

			while (e < end && ident_char(*e))
				e++;
			for (size_t i = 0; i < in.n; i++)
				recurse_all(in.v[i], &all, 0);
			for (size_t i = 0; i < all.n; i++) {
				const cJSON *v = all.v[i];

				if (e == s || (e - s == 1 && *s == '*')) {
					set_add(&out, v);
					continue;
				}
				if (cJSON_IsObject(v)) {
					char *key = kube_strndup(s, (size_t)(e - s));
					const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, key);

					if (x)
						set_add(&out, x);
					kube_free(key);
				}
			}
			set_clear(&all);
			p = e;
		} else if (*p == '.') {
			const char *s = p + 1, *e = s;
			bool escaped = false;

			while (e < end && (ident_char(*e) || (*e == '\\' && e + 1 < end))) {
				if (*e == '\\') {
					escaped = true;
					e++;
				}
				e++;
			}
			if (e == s) { /* "." alone: the current value */
				for (size_t i = 0; i < in.n; i++)
					set_add(&out, in.v[i]);
			} else if (e - s == 1 && *s == '*') {
				for (size_t i = 0; i < in.n; i++) {
					const cJSON *c;

					if (cJSON_IsObject(in.v[i]) || cJSON_IsArray(in.v[i]))
						cJSON_ArrayForEach(c, in.v[i])
							set_add(&out, c);
				}
			} else {
				char *key = kube_strndup(s, (size_t)(e - s));

				if (escaped) { /* "a\.b" names the key "a.b" */
					char *w = key;

					for (const char *q = key; *q; q++) {
						if (*q == '\\' && q[1])
							q++;
						*w++ = *q;
					}
					*w = 0;
				}
				for (size_t i = 0; i < in.n; i++) {
					const cJSON *x = cJSON_IsObject(in.v[i])
								 ? cJSON_GetObjectItemCaseSensitive(in.v[i], key)
								 : NULL;
					if (x)
						set_add(&out, x);
				}
				kube_free(key);
			}
			p = e;
		} else if (*p == '[') {
			p++;
			r = eval_bracket(&p, root, &in, &out, err);
		} else {
			*err = kube_asprintf("unrecognized character in action: U+%04X '%c'",
					     (unsigned char)*p, *p);
			r = -EINVAL;
		}
		{
			jp_set_t t = in;

			in = out;
			out = t;
		}
	}
	set_clear(&out);
	if (r == 0)
		for (size_t i = 0; i < in.n; i++)
			set_add(res, in.v[i]);
	set_clear(&in);
	*pp = p;
	return r;
}

static void sort_keys(cJSON *j)
{
	cJSON *c;

	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return;
	cJSON_ArrayForEach(c, j)
		sort_keys(c);
	if (cJSON_IsObject(j)) {
		/* insertion sort of the child list */
		cJSON *sorted = NULL, *next;

		for (c = j->child; c; c = next) {
			cJSON **pp = &sorted;

			next = c->next;
			while (*pp && strcmp((*pp)->string, c->string) <= 0)
				pp = &(*pp)->next;
			c->next = *pp;
			*pp = c;
		}
		for (c = sorted, next = NULL; c; next = c, c = c->next)
			c->prev = next;
		if (sorted)
			sorted->prev = next; /* cJSON keeps the tail in child->prev */
		j->child = sorted;
	}
}

void kubectl_jsonpath_value(const cJSON *v, kube_buf_t *out)
{
	if (cJSON_IsString(v)) {
		kube_buf_puts(out, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		kube_json_number_buf(out, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		kube_buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNull(v)) {
		kube_buf_puts(out, "null");
	} else {
		cJSON *d = kube_json_dup(v);

		sort_keys(d);
		kube_json_compact_buf(out, d);
		cJSON_Delete(d);
	}
}

int kubectl_jsonpath_eval(const char *expr, const cJSON *obj, cJSON **ret, char **ret_err)
{
	jp_set_t res = { 0 };
	const char *p = expr;
	char *err = NULL;
	int r = eval_path(&p, expr + strlen(expr), obj, obj, &res, &err);

	if (r < 0) {
		set_clear(&res);
		if (ret_err)
			*ret_err = err;
		else
			kube_free(err);
		return r;
	}
	*ret = cJSON_CreateArray();
	for (size_t i = 0; i < res.n; i++)
		cJSON_AddItemToArray(*ret, kube_json_dup(res.v[i]));
	set_clear(&res);
	return 0;
}

/* ---- templates --------------------------------------------------------- */

typedef enum { N_TEXT, N_PATH, N_RANGE, N_END } node_kind_t;

typedef struct jp_node {
	node_kind_t kind;
	char *text;	/* literal text, or the path */
} jp_node_t;

typedef struct jp_tmpl {
	jp_node_t *n;
	size_t count;
} jp_tmpl_t;

static void tmpl_add(jp_tmpl_t *t, node_kind_t k, char *text)
{
	t->n = kube_realloc(t->n, (t->count + 1) * sizeof(*t->n));
	t->n[t->count].kind = k;
	t->n[t->count].text = text;
	t->count++;
}

static void tmpl_free(jp_tmpl_t *t)
{
	for (size_t i = 0; i < t->count; i++)
		kube_free(t->n[i].text);
	kube_free(t->n);
}

static int tmpl_parse(const char *s, jp_tmpl_t *t, char **err)
{
	while (*s) {
		const char *open = strchr(s, '{'), *close;

		if (!open) {
			tmpl_add(t, N_TEXT, kube_strdup(s));
			break;
		}
		if (open > s)
			tmpl_add(t, N_TEXT, kube_strndup(s, (size_t)(open - s)));
		/* find the matching '}' outside quotes */
		close = open + 1;
		while (*close && *close != '}') {
			if (*close == '"' || *close == '\'') {
				char q = *close++;

				while (*close && *close != q) {
					if (*close == '\\' && close[1])
						close++;
					close++;
				}
				if (*close)
					close++;
				continue;
			}
			close++;
		}
		if (*close != '}') {
			*err = kube_strdup("unclosed action");
			return -EINVAL;
		}
		{
			const char *a = open + 1, *e = close;

			while (a < e && *a == ' ')
				a++;
			while (e > a && e[-1] == ' ')
				e--;
			if (e - a >= 5 && strncmp(a, "range", 5) == 0 &&
			    (e - a == 5 || a[5] == ' ' || a[5] == '.' || a[5] == '$' || a[5] == '@')) {
				a += 5;
				while (a < e && *a == ' ')
					a++;
				tmpl_add(t, N_RANGE, kube_strndup(a, (size_t)(e - a)));
			} else if (e - a == 3 && strncmp(a, "end", 3) == 0) {
				tmpl_add(t, N_END, NULL);
			} else if (a < e && (*a == '"' || *a == '\'')) {
				const char *q = a;
				char *lit = parse_quoted(&q);

				if (!lit) {
					*err = kube_strdup("unterminated quoted string");
					return -EINVAL;
				}
				tmpl_add(t, N_TEXT, lit);
			} else {
				tmpl_add(t, N_PATH, kube_strndup(a, (size_t)(e - a)));
			}
		}
		s = close + 1;
	}
	return 0;
}

static size_t find_end(const jp_tmpl_t *t, size_t i)
{
	int depth = 0;

	for (; i < t->count; i++) {
		if (t->n[i].kind == N_RANGE)
			depth++;
		else if (t->n[i].kind == N_END && --depth == 0)
			return i;
	}
	return t->count;
}

static int run_nodes(const jp_tmpl_t *t, size_t from, size_t to, const cJSON *root,
		     const cJSON *cur, kube_buf_t *out, char **err, int depth)
{
	if (depth > JP_MAX_DEPTH) {
		*err = kube_strdup("template nested too deeply");
		return -EINVAL;
	}
	for (size_t i = from; i < to; i++) {
		const jp_node_t *n = &t->n[i];
		jp_set_t res = { 0 };
		const char *p;
		int r;

		switch (n->kind) {
		case N_TEXT:
			kube_buf_puts(out, n->text);
			break;
		case N_END:
			*err = kube_strdup("not in range, nothing to end");
			return -EINVAL;
		case N_PATH:
		case N_RANGE:
			p = n->text;
			r = eval_path(&p, n->text + strlen(n->text), root, cur, &res, err);
			if (r < 0) {
				set_clear(&res);
				return r;
			}
			if (n->kind == N_PATH) {
				for (size_t k = 0; k < res.n; k++) {
					if (k)
						kube_buf_putc(out, ' ');
					kubectl_jsonpath_value(res.v[k], out);
				}
			} else {
				size_t end = find_end(t, i);

				if (end >= t->count) {
					set_clear(&res);
					*err = kube_strdup("unexpected EOF, range without end");
					return -EINVAL;
				}
				for (size_t k = 0; k < res.n; k++) {
					/* ranging over one array value iterates its items */
					r = run_nodes(t, i + 1, end, root, res.v[k], out, err, depth + 1);
					if (r < 0) {
						set_clear(&res);
						return r;
					}
				}
				i = end;
			}
			set_clear(&res);
			break;
		}
	}
	return 0;
}

int kubectl_jsonpath_exec(const char *tmpl, const cJSON *obj, kube_buf_t *out, char **ret_err)
{
	jp_tmpl_t t = { 0 };
	char *err = NULL;
	int r = tmpl_parse(tmpl, &t, &err);

	if (r == 0)
		r = run_nodes(&t, 0, t.count, obj, obj, out, &err, 0);
	tmpl_free(&t);
	if (r < 0) {
		if (ret_err)
			*ret_err = err;
		else
			kube_free(err);
	}
	return r;
}
