/*
 * kube_status: Kubernetes metav1.Status errors, built in one place so every
 * client sees upstream's codes, reasons and messages. A kube_status_t owns
 * its strings and causes; kube_status_free() releases it. Not thread-safe
 * per object; independent objects may be used from any thread.
 */
#ifndef KUBE_STATUS_H
#define KUBE_STATUS_H

#include "core/kube_buf.h"
#include "api/kube_kinds.h"

typedef struct kube_status_cause {
	char *reason;  /* "FieldValueRequired", ... */
	char *message; /* "Required value" */
	char *field;   /* "spec.template.spec.containers[0].image" */
} kube_status_cause_t;

typedef struct kube_status {
	int code;
	char *reason;  /* "NotFound"; NULL for none */
	char *message;
	char *name, *group, *kind; /* details; NULL when absent */
	kube_status_cause_t *causes;
	size_t ncauses;
	int retry_after_seconds;   /* 0 = none */
} kube_status_t;

kube_status_t *kube_status_new(int code, const char *reason, const char *fmt, ...)
	KUBE_PRINTF(3, 4);
void kube_status_free(kube_status_t *st);
KUBE_DEFINE_CLEANUP(kube_status_t, kube_status_free)
void kube_status_set_details(kube_status_t *st, const char *name, const char *group,
			     const char *kind);
void kube_status_add_cause(kube_status_t *st, const char *reason, const char *field,
			   const char *fmt, ...) KUBE_PRINTF(4, 5);
/* The Status JSON, one line, no trailing newline. */
void kube_status_render(const kube_status_t *st, kube_buf_t *out);

/* Upstream's errors for a resource (k) and object name. */
kube_status_t *kube_status_not_found(const kube_kind_t *k, const char *name);
kube_status_t *kube_status_already_exists(const kube_kind_t *k, const char *name);
kube_status_t *kube_status_conflict(const kube_kind_t *k, const char *name, const char *why);
/* 422 from the causes already added to st (built with kube_status_invalid_new). */
kube_status_t *kube_status_invalid_new(void);
/* Finish a 422: message "<Kind.group> \"name\" is invalid: <causes>". */
void kube_status_invalid_finish(kube_status_t *st, const kube_kind_t *k, const char *name);
kube_status_t *kube_status_bad_request(const char *fmt, ...) KUBE_PRINTF(1, 2);
kube_status_t *kube_status_method_not_allowed(void);
kube_status_t *kube_status_path_not_found(void);
kube_status_t *kube_status_gone(int64_t requested, int64_t oldest);
kube_status_t *kube_status_internal(const char *fmt, ...) KUBE_PRINTF(1, 2);
kube_status_t *kube_status_unavailable(const char *fmt, ...) KUBE_PRINTF(1, 2);
kube_status_t *kube_status_forbidden(const char *fmt, ...) KUBE_PRINTF(1, 2);
kube_status_t *kube_status_unsupported_media(const char *content_type);
kube_status_t *kube_status_too_large(void);

#endif
