/* kube_buf: growable NUL-terminated byte buffer. */
#include "core/kube_buf.h"

#include <stdio.h>
#include <string.h>

void kube_buf_reserve(kube_buf_t *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = kube_realloc(b->data, cap);
	b->cap = cap;
}

void kube_buf_append(kube_buf_t *b, const void *data, size_t len)
{
	kube_buf_reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void kube_buf_puts(kube_buf_t *b, const char *s)
{
	kube_buf_append(b, s, strlen(s));
}

void kube_buf_putc(kube_buf_t *b, char c)
{
	kube_buf_append(b, &c, 1);
}

void kube_buf_vprintf(kube_buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0) {
		kube_buf_reserve(b, 0);
		return;
	}
	kube_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void kube_buf_printf(kube_buf_t *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kube_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void kube_buf_json_string(kube_buf_t *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	kube_buf_putc(b, '"');
	for (; *p; p++) {
		const char *esc = NULL;
		char u[6];

		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (*p >= 0x20)
				continue;
			u[0] = '\\', u[1] = 'u', u[2] = '0', u[3] = '0';
			u[4] = hex[*p >> 4], u[5] = hex[*p & 15];
			kube_buf_append(b, run, (size_t)(p - run));
			kube_buf_append(b, u, 6);
			run = p + 1;
			continue;
		}
		kube_buf_append(b, run, (size_t)(p - run));
		kube_buf_puts(b, esc);
		run = p + 1;
	}
	kube_buf_append(b, run, (size_t)(p - run));
	kube_buf_putc(b, '"');
}

void kube_buf_consume(kube_buf_t *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data)
		b->data[b->len] = '\0';
}

void kube_buf_reset(kube_buf_t *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *kube_buf_steal(kube_buf_t *b)
{
	char *p;

	if (!b->data)
		return kube_strdup("");
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *kube_buf_str(const kube_buf_t *b)
{
	return b->data ? b->data : "";
}

void kube_buf_clear(kube_buf_t *b)
{
	KUBE_FREE(b->data);
	b->len = b->cap = 0;
}
