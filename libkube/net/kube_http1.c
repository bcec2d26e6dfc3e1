/* kube_http1: strict HTTP/1.x request-head parsing. */
#include "net/kube_http1.h"

#include <string.h>
#include <strings.h>

size_t kube_http1_head_length(const char *data, size_t len)
{
	size_t i = 0;

	/* Skip leading empty lines (RFC 7230 3.5). */
	while (i < len && (data[i] == '\r' || data[i] == '\n'))
		i++;
	for (; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 < len && data[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool is_tchar(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return true;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Next line in [*p, end): returns its length without CR/LF, advances *p. */
static size_t next_line(const char **p, const char *end, const char **ret_line)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	size_t n;

	if (!nl)
		nl = end;
	n = (size_t)(nl - s);
	if (n && s[n - 1] == '\r')
		n--;
	*ret_line = s;
	*p = nl < end ? nl + 1 : end;
	return n;
}

static bool token_list_has(const char *value, const char *token)
{
	size_t tl = strlen(token);
	const char *p = value;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *e = p;
		while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - start) == tl && strncasecmp(start, token, tl) == 0)
			return true;
	}
	return false;
}

static int fail(int status, int *ret_status)
{
	*ret_status = status;
	return -EINVAL;
}

static int parse_content_length(const char *v, int64_t *ret)
{
	int64_t n = 0;

	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -EINVAL;
		if (n > (INT64_MAX - 9) / 10)
			return -ERANGE;
		n = n * 10 + (*v - '0');
	}
	*ret = n;
	return 0;
}

int kube_http1_parse_head(const char *data, size_t len, kube_http1_head_t *ret,
			  int *ret_status)
{
	kube_http1_head_t h = { .content_length = -1 };
	const char *p = data, *end = data + len, *line, *sp1, *sp2;
	size_t n, cap = 0;
	int r;

	/* Request line, after any leading empty lines. */
	do {
		if (p >= end)
			return fail(400, ret_status);
		n = next_line(&p, end, &line);
	} while (n == 0);
	sp1 = memchr(line, ' ', n);
	if (!sp1 || sp1 == line)
		return fail(400, ret_status);
	sp2 = memchr(sp1 + 1, ' ', (size_t)(line + n - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1)
		return fail(400, ret_status);
	for (const char *c = line; c < sp1; c++)
		if (!is_tchar((unsigned char)*c))
			return fail(400, ret_status);
	for (const char *c = sp1 + 1; c < sp2; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return fail(400, ret_status);
	if ((size_t)(line + n - sp2 - 1) != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) {
		if ((size_t)(line + n - sp2 - 1) >= 5 && strncmp(sp2 + 1, "HTTP/", 5) == 0)
			return fail(505, ret_status);
		return fail(400, ret_status);
	}
	if (sp2[8] == '0')
		h.version = 10;
	else if (sp2[8] == '1')
		h.version = 11;
	else
		return fail(505, ret_status);

	h.method = kube_strndup(line, (size_t)(sp1 - line));
	h.target = kube_strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (h.target[0] != '/' && strcmp(h.target, "*") != 0 &&
	    !kube_startswith(h.target, "http://") && !kube_startswith(h.target, "https://")) {
		kube_http1_head_clear(&h);
		return fail(400, ret_status);
	}

	/* Header lines up to the empty line. */
	for (;;) {
		const char *colon, *v, *ve;

		if (p >= end)
			break;
		n = next_line(&p, end, &line);
		if (n == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t')
			goto bad; /* obs-fold */
		colon = memchr(line, ':', n);
		if (!colon || colon == line)
			goto bad;
		for (const char *c = line; c < colon; c++)
			if (!is_tchar((unsigned char)*c))
				goto bad;
		v = colon + 1;
		ve = line + n;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *c = v; c < ve; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				goto bad;
		if (h.nheaders >= KUBE_HTTP1_MAX_HEADERS) {
			kube_http1_head_clear(&h);
			return fail(431, ret_status);
		}
		if (h.nheaders == cap) {
			cap = cap ? cap * 2 : 16;
			h.headers = kube_realloc(h.headers, cap * sizeof(*h.headers));
		}
		h.headers[h.nheaders].name = kube_strndup(line, (size_t)(colon - line));
		h.headers[h.nheaders].value = kube_strndup(v, (size_t)(ve - v));
		h.nheaders++;
	}

	/* Derived fields. */
	h.keep_alive = h.version == 11;
	for (size_t i = 0; i < h.nheaders; i++) {
		const char *name = h.headers[i].name, *val = h.headers[i].value;

		if (strcasecmp(name, "Content-Length") == 0) {
			int64_t cl;
			r = parse_content_length(val, &cl);
			if (r < 0 || (h.content_length >= 0 && h.content_length != cl))
				goto bad;
			h.content_length = cl;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			if (strcasecmp(val, "chunked") == 0) {
				h.chunked = true;
			} else if (strcasecmp(val, "identity") != 0) {
				kube_http1_head_clear(&h);
				return fail(501, ret_status);
			}
		} else if (strcasecmp(name, "Connection") == 0) {
			if (token_list_has(val, "close"))
				h.keep_alive = false;
			else if (token_list_has(val, "keep-alive"))
				h.keep_alive = true;
			if (token_list_has(val, "upgrade"))
				h.upgrade = true;
		} else if (strcasecmp(name, "Expect") == 0) {
			if (strcasecmp(val, "100-continue") == 0)
				h.expect_continue = true;
		}
	}
	if (h.upgrade && !kube_http1_head_get(&h, "Upgrade"))
		h.upgrade = false;
	if (h.chunked && h.content_length >= 0)
		goto bad; /* request smuggling guard, as net/http */
	if (h.version == 11 && !kube_http1_head_get(&h, "Host"))
		goto bad;
	*ret = h;
	return 0;
bad:
	kube_http1_head_clear(&h);
	return fail(400, ret_status);
}

void kube_http1_head_clear(kube_http1_head_t *h)
{
	for (size_t i = 0; i < h->nheaders; i++) {
		kube_free(h->headers[i].name);
		kube_free(h->headers[i].value);
	}
	kube_free(h->headers);
	kube_free(h->method);
	kube_free(h->target);
	memset(h, 0, sizeof(*h));
}

const char *kube_http1_head_get(const kube_http1_head_t *h, const char *name)
{
	for (size_t i = 0; i < h->nheaders; i++)
		if (strcasecmp(h->headers[i].name, name) == 0)
			return h->headers[i].value;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *kube_http1_unescape(const char *src, size_t len, bool plus_is_space)
{
	char *out = kube_malloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (src[i] == '%') {
			int hi, lo;
			if (i + 2 >= len) {
				kube_free(out);
				return NULL;
			}
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				kube_free(out);
				return NULL;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = src[i];
		}
	}
	*o = '\0';
	return out;
}
