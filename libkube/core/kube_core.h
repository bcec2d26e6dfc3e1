/*
 * kube_core: the base of libkube. Allocation wrappers that abort on
 * out-of-memory and count live allocations, cleanup attributes for locals
 * (systemd style), and small helpers every module uses.
 *
 * Conventions used across libkube:
 *  - functions return int: 0 or positive on success, negative errno on failure;
 *  - ret_* output parameters are untouched on failure;
 *  - _new/_free constructors and destructors; destructors accept NULL;
 *  - a local declared with _cleanup_free_ (or a typed _cleanup_) is released
 *    when it goes out of scope; TAKE_PTR() hands its ownership on.
 * Thread-safe: the counters are atomic.
 */
#ifndef KUBE_CORE_H
#define KUBE_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <errno.h>

#define KUBE_VERSION_MAJOR "1"
#define KUBE_VERSION_MINOR "32"
#ifndef KUBE_GIT_VERSION
#define KUBE_GIT_VERSION "v1.32.0-kubec"
#endif
#ifndef KUBE_GIT_COMMIT
#define KUBE_GIT_COMMIT "unknown"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KUBE_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KUBE_MAX(a, b) ((a) > (b) ? (a) : (b))
#define KUBE_UNUSED __attribute__((unused))
#define KUBE_PRINTF(a, b) __attribute__((format(printf, a, b)))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(kube_freep)

/* Take the pointer out of a cleanup variable, leaving NULL behind. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _tp_ = (p);    \
		(p) = NULL;                  \
		_tp_;                        \
	})

/* Define name##p(type **) calling func(*p), for use with _cleanup_(). */
#define KUBE_DEFINE_CLEANUP(type, func)                  \
	static inline void func##p(type **p)             \
	{                                                \
		if (*p)                                  \
			func(*p);                        \
	}

/* Allocation: never returns NULL; aborts with a message on OOM. */
void *kube_malloc(size_t n);
void *kube_calloc(size_t nmemb, size_t size);
void *kube_realloc(void *p, size_t n);
char *kube_strdup(const char *s);
char *kube_strndup(const char *s, size_t n);
void *kube_memdup(const void *p, size_t n);
char *kube_asprintf(const char *fmt, ...) KUBE_PRINTF(1, 2);
char *kube_vasprintf(const char *fmt, va_list ap);
void kube_free(void *p);
static inline void kube_freep(void *p)
{
	kube_free(*(void **)p);
}
/* Free *p and set it to NULL. */
#define KUBE_FREE(p)               \
	do {                       \
		kube_free(p);      \
		(p) = NULL;        \
	} while (0)

/* Live allocations made through the wrappers (for leak reports in tests). */
long kube_alloc_live(void);

/* Small string helpers. */
bool kube_streq(const char *a, const char *b); /* NULL-safe */
bool kube_startswith(const char *s, const char *prefix);
bool kube_endswith(const char *s, const char *suffix);
/* Copy with truncation; always NUL-terminates when size > 0. */
size_t kube_strlcpy(char *dst, const char *src, size_t size);

/* Monotonic and wall clocks. */
int64_t kube_now_ns(void);	  /* CLOCK_MONOTONIC */
int64_t kube_wall_ns(void);	  /* CLOCK_REALTIME */

#endif
