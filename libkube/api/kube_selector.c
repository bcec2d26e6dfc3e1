/* kube_selector: label and field selectors (ports of apimachinery's labels/fields). */
#include "api/kube_selector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"

#define MAX_TOKENS 100000

/* ---- validation messages (k8s.io/apimachinery/pkg/util/validation) ---- */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_MSG "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
#define QNAME_EXAMPLES " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" QNAME_FMT "')"
#define DNS1123_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
#define DNS1123_MSG                                                                                        \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and " \
	"must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" DNS1123_FMT "')"
#define LABEL_VALUE_MSG                                                                                            \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start " \
	"and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "          \
	"validation is '(" QNAME_FMT ")?')"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n) */
static bool qname_ok(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool dns1123_subdomain_ok(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			size_t len = i - start;
			const char *l = s + start;
			if (len == 0)
				return false;
			for (size_t j = 0; j < len; j++) {
				char c = l[j];
				bool lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
				if (!lower && !(c == '-' && j > 0 && j < len - 1))
					return false;
			}
			start = i + 1;
		}
	}
	return true;
}

/* Append Go's %q of s. */
static void go_quote(kube_buf_t *b, const char *s)
{
	kube_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': kube_buf_puts(b, "\\\""); break;
		case '\\': kube_buf_puts(b, "\\\\"); break;
		case '\n': kube_buf_puts(b, "\\n"); break;
		case '\r': kube_buf_puts(b, "\\r"); break;
		case '\t': kube_buf_puts(b, "\\t"); break;
		case '\a': kube_buf_puts(b, "\\a"); break;
		case '\b': kube_buf_puts(b, "\\b"); break;
		case '\f': kube_buf_puts(b, "\\f"); break;
		case '\v': kube_buf_puts(b, "\\v"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				kube_buf_printf(b, "\\x%02x", *p);
			else
				kube_buf_putc(b, (char)*p);
		}
	}
	kube_buf_putc(b, '"');
}

/* field.Invalid(path, value, detail).Error() */
static char *invalid(const char *path, const char *value, const char *detail)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_printf(&b, "%s: Invalid value: ", path);
	go_quote(&b, value);
	kube_buf_printf(&b, ": %s", detail);
	return kube_buf_steal(&b);
}

/* validation.IsQualifiedName joined with "; ", or NULL when valid. */
static char *qualified_name_errors(const char *k)
{
	kube_buf_t b = KUBE_BUF_INIT;
	const char *slash = strchr(k, '/');
	const char *name = k;
	int nerr = 0;

	if (slash && strchr(slash + 1, '/')) {
		kube_buf_puts(&b, "a qualified name " QNAME_MSG QNAME_EXAMPLES
				  " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
		return kube_buf_steal(&b);
	}
	if (slash) {
		size_t pl = (size_t)(slash - k);
		name = slash + 1;
		if (pl == 0) {
			kube_buf_puts(&b, "prefix part must be non-empty");
			nerr++;
		} else {
			if (pl > 253) {
				kube_buf_puts(&b, "prefix part must be no more than 253 characters");
				nerr++;
			}
			if (!dns1123_subdomain_ok(k, pl)) {
				kube_buf_puts(&b, nerr++ ? "; prefix part " DNS1123_MSG : "prefix part " DNS1123_MSG);
			}
		}
	}
	size_t nl = strlen(name);
	if (nl == 0) {
		kube_buf_puts(&b, nerr++ ? "; name part must be non-empty" : "name part must be non-empty");
	} else if (nl > 63) {
		kube_buf_puts(&b, nerr++ ? "; name part must be no more than 63 characters"
					 : "name part must be no more than 63 characters");
	}
	if (!qname_ok(name, nl))
		kube_buf_puts(&b, nerr++ ? "; name part " QNAME_MSG QNAME_EXAMPLES : "name part " QNAME_MSG QNAME_EXAMPLES);
	if (!nerr) {
		kube_buf_clear(&b);
		return NULL;
	}
	return kube_buf_steal(&b);
}

static char *label_value_errors(const char *v)
{
	size_t n = strlen(v);
	bool too_long = n > 63, bad = n > 0 && !qname_ok(v, n);

	if (too_long && bad)
		return kube_strdup("must be no more than 63 characters; " LABEL_VALUE_MSG);
	if (too_long)
		return kube_strdup("must be no more than 63 characters");
	if (bad)
		return kube_strdup(LABEL_VALUE_MSG);
	return NULL;
}

/* ---- selector data ---- */

static void req_clear(kube_selector_req_t *r)
{
	kube_free(r->key);
	for (size_t i = 0; i < r->nvalues; i++)
		kube_free(r->values[i]);
	kube_free(r->values);
}

void kube_selector_free(kube_selector_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		req_clear(&s->reqs[i]);
	kube_free(s->reqs);
	kube_free(s);
}

static const char *op_name(kube_selector_op_t op)
{
	switch (op) {
	case KUBE_SEL_IN: return "in";
	case KUBE_SEL_NOT_IN: return "notin";
	case KUBE_SEL_EQUALS: return "=";
	case KUBE_SEL_DOUBLE_EQUALS: return "==";
	case KUBE_SEL_NOT_EQUALS: return "!=";
	case KUBE_SEL_EXISTS: return "exists";
	case KUBE_SEL_DOES_NOT_EXIST: return "!";
	case KUBE_SEL_GT: return "gt";
	case KUBE_SEL_LT: return "lt";
	}
	return "?";
}

static bool parse_int64(const char *s, long long *ret)
{
	char *end;

	if (!*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	*ret = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && end != s && !(end == s + 1 && (*s == '-' || *s == '+'));
}

/* Aggregate of field errors as utilerrors.NewAggregate(...).Error(). */
typedef struct errlist {
	char *msgs[64];
	int n;
} errlist_t;

static void errlist_add(errlist_t *e, char *m)
{
	for (int i = 0; i < e->n; i++)
		if (strcmp(e->msgs[i], m) == 0) {
			kube_free(m);
			return;
		}
	if (e->n < (int)ARRAY_SIZE(e->msgs))
		e->msgs[e->n++] = m;
	else
		kube_free(m);
}

static char *errlist_take(errlist_t *e)
{
	kube_buf_t b = KUBE_BUF_INIT;

	if (e->n == 1) {
		e->n = 0;
		return e->msgs[0];
	}
	kube_buf_putc(&b, '[');
	for (int i = 0; i < e->n; i++) {
		if (i)
			kube_buf_puts(&b, ", ");
		kube_buf_puts(&b, e->msgs[i]);
		kube_free(e->msgs[i]);
	}
	kube_buf_putc(&b, ']');
	e->n = 0;
	return kube_buf_steal(&b);
}

/* "values: Invalid value: []string{...}: detail" with Go's %#v of the slice. */
static char *invalid_values(char **vals, size_t n, const char *detail)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_puts(&b, "values: Invalid value: []string{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			kube_buf_puts(&b, ", ");
		go_quote(&b, vals[i]);
	}
	kube_buf_printf(&b, "}: %s", detail);
	return kube_buf_steal(&b);
}

/* labels.NewRequirement validation. Returns NULL or an error message. */
static char *validate_req(const char *key, kube_selector_op_t op, char **vals, size_t n)
{
	errlist_t e = { .n = 0 };
	char *m;

	if ((m = qualified_name_errors(key))) {
		errlist_add(&e, invalid("key", key, m));
		kube_free(m);
	}
	switch (op) {
	case KUBE_SEL_IN:
	case KUBE_SEL_NOT_IN:
		if (n == 0)
			errlist_add(&e, invalid_values(vals, n, "for 'in', 'notin' operators, values set can't be empty"));
		break;
	case KUBE_SEL_EQUALS:
	case KUBE_SEL_DOUBLE_EQUALS:
	case KUBE_SEL_NOT_EQUALS:
		if (n != 1)
			errlist_add(&e, invalid_values(vals, n, "exact-match compatibility requires one single value"));
		break;
	case KUBE_SEL_EXISTS:
	case KUBE_SEL_DOES_NOT_EXIST:
		if (n != 0)
			errlist_add(&e, invalid_values(vals, n, "values set must be empty for exists and does not exist"));
		break;
	case KUBE_SEL_GT:
	case KUBE_SEL_LT:
		if (n != 1)
			errlist_add(&e, invalid_values(vals, n, "for 'Gt', 'Lt' operators, exactly one value is required"));
		for (size_t i = 0; i < n; i++) {
			long long v;
			if (!parse_int64(vals[i], &v)) {
				char path[32];
				snprintf(path, sizeof(path), "values[%zu]", i);
				errlist_add(&e, invalid(path, vals[i], "for 'Gt', 'Lt' operators, the value must be an integer"));
			}
		}
		break;
	}
	for (size_t i = 0; i < n; i++) {
		if ((m = label_value_errors(vals[i]))) {
			char *path = kube_asprintf("values[%zu][%s]", i, key);
			errlist_add(&e, invalid(path, vals[i], m));
			kube_free(path);
			kube_free(m);
		}
	}
	return e.n ? errlist_take(&e) : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Stable insertion sort by key (Go's sort.Sort is insertion sort for n <= 12). */
static void sort_reqs(kube_selector_req_t *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		kube_selector_req_t t = r[i];
		size_t j = i;
		while (j > 0 && strcmp(r[j - 1].key, t.key) > 0) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = t;
	}
}

/* ---- label selector lexer and parser ---- */

typedef enum tok {
	T_ERROR,
	T_EOS,
	T_CLOSE,
	T_COMMA,
	T_NOT,
	T_DEQ,
	T_EQ,
	T_GT,
	T_ID,
	T_IN,
	T_LT,
	T_NEQ,
	T_NOTIN,
	T_OPEN,
} tok_t;

typedef struct item {
	tok_t tok;
	char *lit;
} item_t;

typedef struct parser {
	item_t *items;
	size_t n, cap, pos;
} parser_t;

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
	return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

static tok_t lookup_token(const char *s, size_t n)
{
	static const struct {
		const char *s;
		tok_t t;
	} map[] = {
		{ ")", T_CLOSE }, { ",", T_COMMA }, { "!", T_NOT }, { "==", T_DEQ }, { "=", T_EQ }, { ">", T_GT },
		{ "in", T_IN },	  { "<", T_LT },    { "!=", T_NEQ }, { "notin", T_NOTIN }, { "(", T_OPEN },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strlen(map[i].s) == n && memcmp(map[i].s, s, n) == 0)
			return map[i].t;
	return T_ERROR;
}

static void push(parser_t *p, tok_t t, const char *s, size_t n)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = kube_realloc(p->items, p->cap * sizeof(*p->items));
	}
	p->items[p->n].tok = t;
	p->items[p->n].lit = kube_strndup(s, n);
	p->n++;
}

static void lex(parser_t *p, const char *s)
{
	size_t i = 0;

	for (;;) {
		while (s[i] && is_ws(s[i]))
			i++;
		if (!s[i] || p->n >= MAX_TOKENS) {
			push(p, T_EOS, "", 0);
			return;
		}
		size_t st = i;
		if (is_special(s[i])) {
			tok_t last = T_ERROR;
			size_t lastlen = 0;
			while (s[i] && is_special(s[i])) {
				tok_t t = lookup_token(s + st, i - st + 1);
				if (t != T_ERROR) {
					last = t;
					lastlen = i - st + 1;
				} else if (last != T_ERROR) {
					break;
				}
				i++;
			}
			/* Go unread()s one char after a failed extension; i is there. */
			if (last == T_ERROR) {
				char *m = kube_asprintf("error expected: keyword found '%.*s'", (int)(i - st), s + st);
				push(p, T_ERROR, m, strlen(m));
				kube_free(m);
			} else {
				push(p, last, s + st, lastlen);
				i = st + lastlen > i ? st + lastlen : i;
			}
			continue;
		}
		while (s[i] && !is_special(s[i]) && !is_ws(s[i]))
			i++;
		tok_t t = lookup_token(s + st, i - st);
		push(p, (t == T_IN || t == T_NOTIN) ? t : T_ID, s + st, i - st);
	}
}

static tok_t ctx(tok_t t, bool values)
{
	return (values && (t == T_IN || t == T_NOTIN)) ? T_ID : t;
}

static tok_t peek(parser_t *p, bool values, const char **lit)
{
	size_t i = p->pos < p->n ? p->pos : p->n - 1;
	if (lit)
		*lit = p->items[i].lit;
	return ctx(p->items[i].tok, values);
}

static tok_t take(parser_t *p, bool values, const char **lit)
{
	tok_t t = peek(p, values, lit);
	if (p->pos < p->n - 1)
		p->pos++;
	else
		p->pos = p->n; /* past EOS: keep returning EOS */
	return t;
}

typedef struct strset {
	char **v;
	size_t n, cap;
} strset_t;

static void set_add(strset_t *s, const char *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = kube_realloc(s->v, s->cap * sizeof(char *));
	}
	s->v[s->n++] = kube_strdup(v);
}

static void set_clear(strset_t *s)
{
	for (size_t i = 0; i < s->n; i++)
		kube_free(s->v[i]);
	kube_free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static char *parse_values(parser_t *p, strset_t *s)
{
	const char *lit;
	tok_t t = take(p, true, &lit);

	if (t != T_OPEN)
		return kube_asprintf("found '%s' expected: '('", lit);
	t = peek(p, true, &lit);
	if (t == T_CLOSE) {
		take(p, true, NULL);
		set_add(s, "");
		return NULL;
	}
	if (t != T_ID && t != T_COMMA)
		return kube_asprintf("found '%s', expected: ',', ')' or identifier", lit);
	const char *first_lit = lit;
	for (;;) {
		const char *l2;
		t = take(p, true, &lit);
		if (t == T_ID) {
			set_add(s, lit);
			tok_t t2 = peek(p, true, &l2);
			if (t2 == T_COMMA)
				continue;
			if (t2 == T_CLOSE)
				break;
			return kube_asprintf("found '%s', expected: ',' or ')'", l2);
		} else if (t == T_COMMA) {
			if (s->n == 0)
				set_add(s, "");
			tok_t t2 = peek(p, true, NULL);
			if (t2 == T_CLOSE) {
				set_add(s, "");
				break;
			}
			if (t2 == T_COMMA) {
				take(p, true, NULL);
				set_add(s, "");
			}
		} else {
			return kube_asprintf("found '%s', expected: ',', or identifier", lit);
		}
	}
	if (take(p, true, NULL) != T_CLOSE)
		return kube_asprintf("found '%s', expected: ')'", first_lit);
	return NULL;
}

/* Parse one requirement into r. Returns NULL or an error message. */
static char *parse_requirement(parser_t *p, kube_selector_req_t *r)
{
	const char *lit;
	kube_selector_op_t op = KUBE_SEL_EXISTS;
	bool have_op = false;
	tok_t t = take(p, true, &lit);
	strset_t vals = { 0 };
	char *err;

	if (t == T_NOT) {
		op = KUBE_SEL_DOES_NOT_EXIST;
		have_op = true;
		t = take(p, true, &lit);
	}
	if (t != T_ID)
		return kube_asprintf("found '%s', expected: identifier", lit);
	const char *key = lit;
	if ((err = qualified_name_errors(key))) {
		char *m = invalid("<nil>", key, err);
		kube_free(err);
		return m;
	}
	t = peek(p, true, NULL);
	if (t == T_EOS || t == T_COMMA) {
		if (!have_op)
			op = KUBE_SEL_EXISTS;
		have_op = true;
	}
	if (!have_op || (op != KUBE_SEL_EXISTS && op != KUBE_SEL_DOES_NOT_EXIST)) {
		/* parseOperator */
		t = take(p, false, &lit);
		switch (t) {
		case T_IN: op = KUBE_SEL_IN; break;
		case T_EQ: op = KUBE_SEL_EQUALS; break;
		case T_DEQ: op = KUBE_SEL_DOUBLE_EQUALS; break;
		case T_GT: op = KUBE_SEL_GT; break;
		case T_LT: op = KUBE_SEL_LT; break;
		case T_NOTIN: op = KUBE_SEL_NOT_IN; break;
		case T_NEQ: op = KUBE_SEL_NOT_EQUALS; break;
		default:
			return kube_asprintf("found '%s', expected: in, notin, =, ==, !=, gt, lt", lit);
		}
		if (op == KUBE_SEL_IN || op == KUBE_SEL_NOT_IN) {
			if ((err = parse_values(p, &vals))) {
				set_clear(&vals);
				return err;
			}
		} else {
			t = peek(p, true, NULL);
			if (t == T_EOS || t == T_COMMA) {
				set_add(&vals, "");
			} else {
				t = take(p, true, &lit);
				if (t != T_ID)
					return kube_asprintf("found '%s', expected: identifier", lit);
				set_add(&vals, lit);
			}
		}
	}
	if (vals.n)
		qsort(vals.v, vals.n, sizeof(char *), cmp_str); /* sets.String.List() */
	if ((err = validate_req(key, op, vals.v, vals.n))) {
		set_clear(&vals);
		return err;
	}
	r->key = kube_strdup(key);
	r->op = op;
	r->values = vals.v;
	r->nvalues = vals.n;
	return NULL;
}

static void add_req(kube_selector_t *s, size_t *cap, kube_selector_req_t *r)
{
	if (s->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		s->reqs = kube_realloc(s->reqs, *cap * sizeof(*s->reqs));
	}
	s->reqs[s->n++] = *r;
}

static int fail(char **ret_err, char *msg)
{
	if (ret_err)
		*ret_err = msg;
	else
		kube_free(msg);
	return -EINVAL;
}

int kube_selector_parse(const char *str, kube_selector_t **ret, char **ret_err)
{
	parser_t p = { 0 };
	kube_selector_t *s = kube_calloc(1, sizeof(*s));
	size_t cap = 0;
	char *err = NULL;
	const char *lit;

	lex(&p, str ? str : "");
	for (;;) {
		tok_t t = peek(&p, true, &lit);
		if (t == T_EOS)
			break;
		if (t != T_ID && t != T_NOT) {
			err = kube_asprintf("found '%s', expected: !, identifier, or 'end of string'", lit);
			break;
		}
		kube_selector_req_t r = { 0 };
		char *e = parse_requirement(&p, &r);
		if (e) {
			err = kube_asprintf("unable to parse requirement: %s", e);
			kube_free(e);
			break;
		}
		add_req(s, &cap, &r);
		t = take(&p, true, &lit);
		if (t == T_EOS)
			break;
		if (t == T_COMMA) {
			const char *l2;
			tok_t t2 = peek(&p, true, &l2);
			if (t2 != T_ID && t2 != T_NOT) {
				err = kube_asprintf("found '%s', expected: identifier after ','", l2);
				break;
			}
			continue;
		}
		err = kube_asprintf("found '%s', expected: ',' or 'end of string'", lit);
		break;
	}
	for (size_t i = 0; i < p.n; i++)
		kube_free(p.items[i].lit);
	kube_free(p.items);
	if (err) {
		kube_selector_free(s);
		return fail(ret_err, err);
	}
	sort_reqs(s->reqs, s->n);
	*ret = s;
	return 0;
}

int kube_selector_from_json(const cJSON *ls, kube_selector_t **ret, char **ret_err)
{
	kube_selector_t *s = kube_calloc(1, sizeof(*s));
	const cJSON *ml, *me, *c;
	size_t cap = 0;
	char *err = NULL;

	if (!ls || cJSON_IsNull(ls)) {
		s->nothing = true;
		*ret = s;
		return 0;
	}
	if (!cJSON_IsObject(ls)) {
		kube_free(s);
		return fail(ret_err, kube_strdup("label selector must be an object"));
	}
	ml = cJSON_GetObjectItemCaseSensitive(ls, "matchLabels");
	me = cJSON_GetObjectItemCaseSensitive(ls, "matchExpressions");
	const cJSON *none = NULL;
	const cJSON *mlo = cJSON_IsObject(ml) ? ml : none;
	cJSON_ArrayForEach(c, mlo) {
		const char *v = cJSON_IsString(c) ? c->valuestring : "";
		char *vals[1] = { (char *)v };
		if ((err = validate_req(c->string, KUBE_SEL_EQUALS, vals, 1)))
			break;
		kube_selector_req_t r = { .key = kube_strdup(c->string), .op = KUBE_SEL_EQUALS };
		r.values = kube_malloc(sizeof(char *));
		r.values[0] = kube_strdup(v);
		r.nvalues = 1;
		add_req(s, &cap, &r);
	}
	const cJSON *mea = (!err && cJSON_IsArray(me)) ? me : none;
	cJSON_ArrayForEach(c, mea) {
		const char *key = kube_json_get_str(c, "key"), *ops = kube_json_get_str(c, "operator");
		const cJSON *vj = cJSON_GetObjectItemCaseSensitive(c, "values"), *v;
		kube_selector_op_t op;
		if (kube_streq(ops, "In"))
			op = KUBE_SEL_IN;
		else if (kube_streq(ops, "NotIn"))
			op = KUBE_SEL_NOT_IN;
		else if (kube_streq(ops, "Exists"))
			op = KUBE_SEL_EXISTS;
		else if (kube_streq(ops, "DoesNotExist"))
			op = KUBE_SEL_DOES_NOT_EXIST;
		else {
			err = kube_asprintf("\"%s\" is not a valid label selector operator", ops ? ops : "");
			break;
		}
		kube_selector_req_t r = { .key = kube_strdup(key ? key : ""), .op = op };
		size_t n = cJSON_IsArray(vj) ? (size_t)cJSON_GetArraySize(vj) : 0;
		r.values = kube_calloc(n ? n : 1, sizeof(char *));
		const cJSON *vja = n ? vj : none;
		cJSON_ArrayForEach(v, vja)
			r.values[r.nvalues++] = kube_strdup(cJSON_IsString(v) ? v->valuestring : "");
		if ((err = validate_req(r.key, op, r.values, r.nvalues))) {
			req_clear(&r);
			break;
		}
		add_req(s, &cap, &r);
	}
	if (err) {
		kube_selector_free(s);
		return fail(ret_err, err);
	}
	sort_reqs(s->reqs, s->n);
	*ret = s;
	return 0;
}

bool kube_selector_empty(const kube_selector_t *s)
{
	return !s || (!s->nothing && s->n == 0);
}

static bool has_value(const kube_selector_req_t *r, const char *v)
{
	for (size_t i = 0; i < r->nvalues; i++)
		if (strcmp(r->values[i], v) == 0)
			return true;
	return false;
}

static bool req_matches(const kube_selector_req_t *r, const char *v)
{
	long long a, b;

	switch (r->op) {
	case KUBE_SEL_IN:
	case KUBE_SEL_EQUALS:
	case KUBE_SEL_DOUBLE_EQUALS:
		return v && has_value(r, v);
	case KUBE_SEL_NOT_IN:
	case KUBE_SEL_NOT_EQUALS:
		return !v || !has_value(r, v);
	case KUBE_SEL_EXISTS:
		return v != NULL;
	case KUBE_SEL_DOES_NOT_EXIST:
		return v == NULL;
	case KUBE_SEL_GT:
	case KUBE_SEL_LT:
		if (!v || r->nvalues != 1 || !parse_int64(v, &a) || !parse_int64(r->values[0], &b))
			return false;
		return r->op == KUBE_SEL_GT ? a > b : a < b;
	}
	return false;
}

bool kube_selector_matches_fn(const kube_selector_t *s, kube_selector_get_fn get, void *userdata)
{
	if (!s)
		return true;
	if (s->nothing)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (!req_matches(&s->reqs[i], get(s->reqs[i].key, userdata)))
			return false;
	return true;
}

static const char *json_label(const char *key, void *ud)
{
	const cJSON *l = ud;
	const cJSON *v = cJSON_IsObject(l) ? cJSON_GetObjectItemCaseSensitive(l, key) : NULL;

	if (!v)
		return NULL;
	return cJSON_IsString(v) ? v->valuestring : "";
}

bool kube_selector_matches(const kube_selector_t *s, const cJSON *labels)
{
	return kube_selector_matches_fn(s, json_label, (void *)labels);
}

char *kube_selector_string(const kube_selector_t *s)
{
	kube_buf_t b = KUBE_BUF_INIT;

	for (size_t i = 0; s && i < s->n; i++) {
		const kube_selector_req_t *r = &s->reqs[i];
		if (i)
			kube_buf_putc(&b, ',');
		if (r->op == KUBE_SEL_DOES_NOT_EXIST)
			kube_buf_putc(&b, '!');
		kube_buf_puts(&b, r->key);
		switch (r->op) {
		case KUBE_SEL_EXISTS:
		case KUBE_SEL_DOES_NOT_EXIST:
			continue;
		case KUBE_SEL_IN: kube_buf_puts(&b, " in ("); break;
		case KUBE_SEL_NOT_IN: kube_buf_puts(&b, " notin ("); break;
		case KUBE_SEL_GT: kube_buf_putc(&b, '>'); break;
		case KUBE_SEL_LT: kube_buf_putc(&b, '<'); break;
		default: kube_buf_puts(&b, op_name(r->op)); break;
		}
		char **sorted = kube_memdup(r->values, r->nvalues * sizeof(char *));
		qsort(sorted, r->nvalues, sizeof(char *), cmp_str);
		for (size_t j = 0; j < r->nvalues; j++) {
			if (j)
				kube_buf_putc(&b, ',');
			kube_buf_puts(&b, sorted[j]);
		}
		kube_free(sorted);
		if (r->op == KUBE_SEL_IN || r->op == KUBE_SEL_NOT_IN)
			kube_buf_putc(&b, ')');
	}
	return kube_buf_steal(&b);
}

/* ---- field selectors ---- */

void kube_fieldsel_free(kube_fieldsel_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		kube_free(s->terms[i].field);
		kube_free(s->terms[i].value);
	}
	kube_free(s->terms);
	kube_free(s);
}

/* fields.UnescapeValue */
static char *unescape(const char *v, char **ret_err)
{
	kube_buf_t b = KUBE_BUF_INIT;
	bool slash = false;

	for (const char *c = v; *c; c++) {
		if (slash) {
			if (*c != '\\' && *c != ',' && *c != '=') {
				/* Go prints the rune: take the whole UTF-8 sequence */
				size_t n = 1;
				while ((c[n] & 0xc0) == 0x80)
					n++;
				*ret_err = kube_asprintf("invalid field selector: invalid escape sequence: \\%.*s", (int)n, c);
				kube_buf_clear(&b);
				return NULL;
			}
			kube_buf_putc(&b, *c);
			slash = false;
			continue;
		}
		if (*c == '\\') {
			slash = true;
		} else if (*c == ',' || *c == '=') {
			*ret_err = kube_asprintf("invalid field selector: unescaped character in value: %d", *c);
			kube_buf_clear(&b);
			return NULL;
		} else {
			kube_buf_putc(&b, *c);
		}
	}
	if (slash) {
		*ret_err = kube_strdup("invalid field selector: invalid escape sequence: \\");
		kube_buf_clear(&b);
		return NULL;
	}
	return kube_buf_steal(&b);
}

int kube_fieldsel_parse(const char *str, kube_fieldsel_t **ret, char **ret_err)
{
	kube_fieldsel_t *s = kube_calloc(1, sizeof(*s));
	char **parts = NULL;
	size_t nparts = 0, cap = 0;
	char *err = NULL;
	const char *start = str ? str : "";
	bool slash = false;

	if (*start) {
		for (const char *c = start;; c++) {
			if (*c && slash) {
				slash = false;
				continue;
			}
			if (*c == '\\') {
				slash = true;
				continue;
			}
			if (*c == ',' || !*c) {
				if (nparts == cap) {
					cap = cap ? cap * 2 : 4;
					parts = kube_realloc(parts, cap * sizeof(char *));
				}
				parts[nparts++] = kube_strndup(start, (size_t)(c - start));
				start = c + 1;
				if (!*c)
					break;
			}
		}
	}
	if (nparts)
		qsort(parts, nparts, sizeof(char *), cmp_str);
	s->terms = kube_calloc(nparts ? nparts : 1, sizeof(*s->terms));
	for (size_t i = 0; i < nparts && !err; i++) {
		const char *part = parts[i], *c;
		size_t oplen = 0;
		bool ne = false;
		if (!*part)
			continue;
		for (c = part; *c; c++) {
			if (c[0] == '!' && c[1] == '=') {
				oplen = 2, ne = true;
				break;
			}
			if (c[0] == '=') {
				oplen = c[1] == '=' ? 2 : 1;
				break;
			}
		}
		if (!oplen) {
			err = kube_asprintf("invalid selector: '%s'; can't understand '%s'", str, part);
			break;
		}
		char *val = unescape(c + oplen, &err);
		if (!val)
			break;
		s->terms[s->n].field = kube_strndup(part, (size_t)(c - part));
		s->terms[s->n].value = val;
		s->terms[s->n].not_equal = ne;
		s->n++;
	}
	for (size_t i = 0; i < nparts; i++)
		kube_free(parts[i]);
	kube_free(parts);
	if (err) {
		kube_fieldsel_free(s);
		return fail(ret_err, err);
	}
	*ret = s;
	return 0;
}

bool kube_fieldsel_empty(const kube_fieldsel_t *s)
{
	return !s || s->n == 0;
}

bool kube_fieldsel_matches(const kube_fieldsel_t *s, kube_selector_get_fn get, void *userdata)
{
	for (size_t i = 0; s && i < s->n; i++) {
		const char *v = get(s->terms[i].field, userdata);
		bool eq = strcmp(v ? v : "", s->terms[i].value) == 0;
		if (eq == s->terms[i].not_equal)
			return false;
	}
	return true;
}

const char *kube_fieldsel_unsupported(const kube_fieldsel_t *s, const char *const *allowed)
{
	for (size_t i = 0; s && i < s->n; i++) {
		bool ok = false;
		for (const char *const *a = allowed; a && *a && !ok; a++)
			ok = strcmp(*a, s->terms[i].field) == 0;
		if (!ok)
			return s->terms[i].field;
	}
	return NULL;
}

const char *kube_fieldsel_requires_exact(const kube_fieldsel_t *s, const char *field)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!s->terms[i].not_equal && strcmp(s->terms[i].field, field) == 0)
			return s->terms[i].value;
	return NULL;
}

char *kube_fieldsel_string(const kube_fieldsel_t *s)
{
	kube_buf_t b = KUBE_BUF_INIT;

	for (size_t i = 0; s && i < s->n; i++) {
		if (i)
			kube_buf_putc(&b, ',');
		kube_buf_puts(&b, s->terms[i].field);
		kube_buf_puts(&b, s->terms[i].not_equal ? "!=" : "=");
		for (const char *c = s->terms[i].value; *c; c++) {
			if (*c == '\\' || *c == ',' || *c == '=')
				kube_buf_putc(&b, '\\');
			kube_buf_putc(&b, *c);
		}
	}
	return kube_buf_steal(&b);
}
