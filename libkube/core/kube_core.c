/* kube_core: allocation wrappers, string and clock helpers. */
#include "core/kube_core.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_long live_allocs;

static void oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *kube_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
	return p;
}

void *kube_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
	return p;
}

void *kube_realloc(void *p, size_t n)
{
	void *q;

	if (!p)
		return kube_malloc(n);
	q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *kube_strdup(const char *s)
{
	return kube_memdup(s, strlen(s) + 1);
}

char *kube_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = kube_malloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *kube_memdup(const void *src, size_t n)
{
	void *p = kube_malloc(n);

	if (n)
		memcpy(p, src, n);
	return p;
}

char *kube_vasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	p = kube_malloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *kube_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kube_vasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void kube_free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub_explicit(&live_allocs, 1, memory_order_relaxed);
	free(p);
}

long kube_alloc_live(void)
{
	return atomic_load(&live_allocs);
}

bool kube_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool kube_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool kube_endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

size_t kube_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t kube_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t kube_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}
