/* kube_http1: strict HTTP/1.1 request head parser and chunked decoder. */
#include "net/kube_http1.h"

#include <string.h>
#include <strings.h>

#define MAX_HEADERS 1000
#define MAX_CHUNK_LINE 4096
#define MAX_TRAILERS 65536

static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Target bytes: visible ASCII and obs-text; no spaces or controls. */
static bool is_target_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* Field value bytes: VCHAR, SP, HTAB, obs-text. */
static bool is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Does the comma-separated list contain token (case-insensitive)? */
static bool list_has(const char *list, const char *token)
{
	size_t tl = strlen(token);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *s = p;
		while (*p && *p != ',')
			p++;
		const char *e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - s) == tl && strncasecmp(s, token, tl) == 0)
			return true;
	}
	return false;
}

void kube_http1_head_clear(kube_http1_head_t *h)
{
	if (!h)
		return;
	kube_free(h->raw);
	kube_free(h->headers);
	memset(h, 0, sizeof(*h));
}

const char *kube_http1_head_header(const kube_http1_head_t *h, const char *name)
{
	for (size_t i = 0; i < h->nheaders; i++)
		if (strcasecmp(h->headers[i].name, name) == 0)
			return h->headers[i].value;
	return NULL;
}

/* Find the end of the head: returns the offset just past the empty line,
 * or 0 when not found. */
static size_t find_end(const char *d, size_t len)
{
	const char *p = d, *end = d + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		p = nl + 1;
		if (p < end && *p == '\n')
			return (size_t)(p + 1 - d);
		if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
			return (size_t)(p + 2 - d);
	}
	return 0;
}

#define FAIL(st)                     \
	do {                         \
		status = (st);       \
		goto fail;           \
	} while (0)

int kube_http1_parse_head(const char *data, size_t len, size_t max_bytes,
			  kube_http1_head_t *ret, int *ret_status)
{
	kube_http1_head_t h = { 0 };
	size_t skip = 0, end, cap = 16;
	int status = 400;
	char *p, *line_end, *stop;
	bool have_host = false, have_te = false, conn_close = false, conn_keep = false,
	     conn_upgrade = false, have_upgrade = false;

	/* Skip empty lines before the request line (RFC 9112 2.2). */
	while (skip < len && skip < 16 && (data[skip] == '\r' || data[skip] == '\n')) {
		if (data[skip] == '\r' && (skip + 1 >= len || data[skip + 1] != '\n'))
			break;
		skip += data[skip] == '\r' ? 2 : 1;
	}
	if (skip >= len)
		return 0;
	end = find_end(data + skip, len - skip);
	if (end == 0) {
		if (len - skip > max_bytes) {
			*ret_status = 431;
			return -EBADMSG;
		}
		/* A request line that can never be valid is rejected early. */
		for (size_t i = skip; i < len && data[i] != '\r' && data[i] != '\n'; i++)
			if (data[i] == ' ')
				break;
			else if (!is_tchar((unsigned char)data[i])) {
				*ret_status = 400;
				return -EBADMSG;
			}
		return 0;
	}
	if (end > max_bytes) {
		*ret_status = 431;
		return -EBADMSG;
	}

	if (memchr(data + skip, '\0', end)) {
		*ret_status = 400;
		return -EBADMSG;
	}
	h.raw = kube_malloc(end + 1);
	memcpy(h.raw, data + skip, end);
	h.raw[end] = '\0';
	stop = h.raw + end;
	h.content_length = -1;

	/* Request line. */
	p = h.raw;
	line_end = memchr(p, '\n', (size_t)(stop - p));
	if (line_end > p && line_end[-1] == '\r')
		line_end[-1] = '\0';
	*line_end = '\0';
	if (strchr(p, '\r'))
		FAIL(400);
	h.method = p;
	while (is_tchar((unsigned char)*p))
		p++;
	if (p == h.method || *p != ' ')
		FAIL(400);
	*p++ = '\0';
	h.target = p;
	while (is_target_char((unsigned char)*p))
		p++;
	if (p == h.target || *p != ' ')
		FAIL(400);
	*p++ = '\0';
	if (strncmp(p, "HTTP/", 5) != 0)
		FAIL(400);
	if (!(p[5] >= '0' && p[5] <= '9' && p[6] == '.' && p[7] >= '0' && p[7] <= '9' &&
	      p[8] == '\0'))
		FAIL(400);
	if (strcmp(p, "HTTP/1.1") == 0)
		h.version = 11;
	else if (strcmp(p, "HTTP/1.0") == 0)
		h.version = 10;
	else
		FAIL(505);
	if (h.target[0] != '/') {
		if (strcmp(h.target, "*") == 0) {
			if (strcmp(h.method, "OPTIONS") != 0)
				FAIL(400);
		} else if (strncasecmp(h.target, "http://", 7) == 0 ||
			   strncasecmp(h.target, "https://", 8) == 0) {
			/* absolute-form: keep the origin-form part */
			char *s = strstr(h.target, "://") + 3;
			char *slash = strchr(s, '/');
			if (!slash)
				FAIL(400);
			h.target = slash;
		} else {
			FAIL(400);
		}
	}

	/* Header fields. */
	h.headers = kube_malloc(cap * sizeof(*h.headers));
	p = line_end + 1;
	for (;;) {
		char *name, *value, *colon, *ve;

		line_end = memchr(p, '\n', (size_t)(stop - p));
		if (!line_end)
			FAIL(400);
		if (line_end > p && line_end[-1] == '\r')
			line_end[-1] = '\0';
		*line_end = '\0';
		if (*p == '\0')
			break; /* the empty line */
		if (*p == ' ' || *p == '\t')
			FAIL(400); /* obs-fold */
		name = p;
		while (is_tchar((unsigned char)*p))
			p++;
		if (p == name || *p != ':')
			FAIL(400);
		colon = p;
		*colon = '\0';
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		value = p;
		while (*p && is_value_char((unsigned char)*p))
			p++;
		if (p != line_end && !(p == line_end - 1 && *p == '\0'))
			FAIL(400); /* control byte or bare CR */
		ve = p;
		while (ve > value && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		*ve = '\0';
		if (h.nheaders >= MAX_HEADERS)
			FAIL(431);
		if (h.nheaders == cap) {
			cap *= 2;
			h.headers = kube_realloc(h.headers, cap * sizeof(*h.headers));
		}
		h.headers[h.nheaders].name = name;
		h.headers[h.nheaders].value = value;
		h.nheaders++;

		if (strcasecmp(name, "content-length") == 0) {
			int64_t v = 0;
			if (!*value)
				FAIL(400);
			for (const char *q = value; *q; q++) {
				if (*q < '0' || *q > '9' || v > (INT64_MAX - 9) / 10)
					FAIL(400);
				v = v * 10 + (*q - '0');
			}
			if (h.content_length >= 0 && h.content_length != v)
				FAIL(400);
			h.content_length = v;
		} else if (strcasecmp(name, "host") == 0) {
			if (have_host)
				FAIL(400);
			have_host = true;
		} else if (strcasecmp(name, "transfer-encoding") == 0) {
			if (have_te)
				FAIL(400);
			have_te = true;
			if (strcasecmp(value, "chunked") != 0)
				FAIL(501);
			h.chunked = true;
		} else if (strcasecmp(name, "connection") == 0) {
			conn_close |= list_has(value, "close");
			conn_keep |= list_has(value, "keep-alive");
			conn_upgrade |= list_has(value, "upgrade");
		} else if (strcasecmp(name, "upgrade") == 0) {
			have_upgrade = true;
		} else if (strcasecmp(name, "expect") == 0) {
			if (strcasecmp(value, "100-continue") != 0)
				FAIL(417);
			h.expect_continue = true;
		}
		p = line_end + 1;
	}
	if (h.version == 11 && !have_host)
		FAIL(400);
	if (h.chunked && (h.content_length >= 0 || h.version == 10))
		FAIL(400);
	h.keep_alive = h.version == 11 ? !conn_close : (conn_keep && !conn_close);
	h.upgrade = conn_upgrade && have_upgrade;
	*ret = h;
	return (int)(skip + end);
fail:
	kube_http1_head_clear(&h);
	*ret_status = status;
	return -EBADMSG;
}

enum {
	CH_SIZE = 0,
	CH_EXT,
	CH_SIZE_LF,
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER_START,
	CH_TRAILER_LINE,
	CH_END_LF,
	CH_DONE,
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t kube_http1_chunked_feed(kube_http1_chunked_t *c, const char *data, size_t len,
				kube_buf_t *out, size_t max_body, bool *ret_done)
{
	size_t i = 0;

	while (i < len && c->state != CH_DONE) {
		char ch = data[i];
		switch (c->state) {
		case CH_SIZE: {
			int v = hexval(ch);
			if (v >= 0) {
				if (c->digits >= 15)
					return -EBADMSG;
				c->size = c->size * 16 + (uint64_t)v;
				c->digits++;
				i++;
				break;
			}
			if (c->digits == 0)
				return -EBADMSG;
			if (ch == ';' || ch == ' ' || ch == '\t') {
				c->state = CH_EXT;
				c->line_len = 0;
			} else if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (ch == '\n') {
				goto size_done;
			} else {
				return -EBADMSG;
			}
			i++;
			break;
		}
		case CH_EXT:
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (ch == '\n')
				goto size_done;
			else if (++c->line_len > MAX_CHUNK_LINE ||
				 (ch != '\t' && ((unsigned char)ch < 0x20 || ch == 0x7f)))
				return -EBADMSG;
			i++;
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				return -EBADMSG;
		size_done:
			i++;
			c->digits = 0;
			if (c->size == 0) {
				c->state = CH_TRAILER_START;
				c->line_len = 0;
				break;
			}
			if (out->len + c->size > max_body)
				return -EMSGSIZE;
			c->state = CH_DATA;
			break;
		case CH_DATA: {
			size_t n = KUBE_MIN((uint64_t)(len - i), c->size);
			kube_buf_append(out, data + i, n);
			i += n;
			c->size -= n;
			if (c->size == 0)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			if (ch == '\r')
				c->state = CH_DATA_LF;
			else if (ch == '\n')
				c->state = CH_SIZE;
			else
				return -EBADMSG;
			i++;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				return -EBADMSG;
			c->state = CH_SIZE;
			i++;
			break;
		case CH_TRAILER_START:
			if (ch == '\r') {
				c->state = CH_END_LF;
			} else if (ch == '\n') {
				c->state = CH_DONE;
			} else {
				c->state = CH_TRAILER_LINE;
				continue;
			}
			i++;
			break;
		case CH_TRAILER_LINE:
			if (++c->trailer_bytes > MAX_TRAILERS)
				return -EBADMSG;
			if (ch == '\n')
				c->state = CH_TRAILER_START;
			else if (ch != '\r' && ch != '\t' && ((unsigned char)ch < 0x20 || ch == 0x7f))
				return -EBADMSG;
			i++;
			break;
		case CH_END_LF:
			if (ch != '\n')
				return -EBADMSG;
			c->state = CH_DONE;
			i++;
			break;
		}
	}
	*ret_done = c->state == CH_DONE;
	return (ssize_t)i;
}

char *kube_http1_unescape(const char *src, size_t len, bool plus_space)
{
	char *out = kube_malloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		char ch = src[i];
		if (ch == '%') {
			int a, b;
			if (i + 2 >= len)
				goto bad;
			a = hexval(src[i + 1]);
			b = hexval(src[i + 2]);
			if (a < 0 || b < 0 || (a == 0 && b == 0))
				goto bad;
			*o++ = (char)(a * 16 + b);
			i += 2;
		} else if (ch == '+' && plus_space) {
			*o++ = ' ';
		} else {
			*o++ = ch;
		}
	}
	*o = '\0';
	return out;
bad:
	kube_free(out);
	return NULL;
}
