/*
 * kube_buf: a growable byte buffer, always NUL-terminated so its contents can
 * be used as a C string. The buffer owns its storage; kube_buf_steal() hands
 * it to the caller. Not thread-safe; one owner at a time.
 */
#ifndef KUBE_BUF_H
#define KUBE_BUF_H

#include "core/kube_core.h"

typedef struct kube_buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
} kube_buf_t;

#define KUBE_BUF_INIT { NULL, 0, 0 }

void kube_buf_reserve(kube_buf_t *b, size_t extra);
void kube_buf_append(kube_buf_t *b, const void *data, size_t len);
void kube_buf_puts(kube_buf_t *b, const char *s);
void kube_buf_putc(kube_buf_t *b, char c);
void kube_buf_printf(kube_buf_t *b, const char *fmt, ...) KUBE_PRINTF(2, 3);
void kube_buf_vprintf(kube_buf_t *b, const char *fmt, va_list ap);
/* Append s with JSON string escaping, including the surrounding quotes. */
void kube_buf_json_string(kube_buf_t *b, const char *s);
/* Drop the first n bytes. */
void kube_buf_consume(kube_buf_t *b, size_t n);
void kube_buf_reset(kube_buf_t *b); /* len = 0, keeps storage */
/* Return the data (never NULL; "" when empty) and leave b empty. Caller frees. */
char *kube_buf_steal(kube_buf_t *b);
/* Contents as a C string, "" when empty; owned by b. */
const char *kube_buf_str(const kube_buf_t *b);
void kube_buf_clear(kube_buf_t *b); /* free storage */

#endif
