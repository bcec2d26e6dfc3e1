/*
 * kube_client: the REST client every daemon and kubectl use to talk to the
 * API server, as client-go's rest.Config and clientset do.
 *
 * A client is made from a kube_client_config_t (usually filled by
 * kube_kubeconfig from a kubeconfig file, --kubeconfig or the legacy
 * --master). It speaks JSON over HTTP/1.1 or HTTP/2 (net/kube_http_client),
 * with bearer-token, basic or client-certificate authentication. Every call
 * passes a token bucket (qps, burst) first, as client-go's flowcontrol does.
 * Retries, up to max_retries, after Retry-After (capped at 30 s) or a
 * backoff of 100 ms doubling to 2 s: every call answered 429 or whose
 * connection was refused; idempotent calls (all but POST) also on 502, 503,
 * 504 or any 5xx with Retry-After, and on a connection reset. Watches are
 * never retried (their caller resumes them).
 *
 * Resources are named by their kube_kind_t (api/kube_kinds.h), so the path
 * is /api/v1/namespaces/<ns>/pods/<name>[/<subresource>] or
 * /apis/<group>/<version>/... as upstream builds it.
 *
 * Results: 0 on a 2xx answer with the decoded object in *ret_obj (caller
 * cJSON_Delete()s; ret_obj may be NULL to drop it). An API error gives a
 * negative errno chosen from the Status (see kube_client_errno()) and, when
 * ret_status is passed, the Status itself. Transport errors are the
 * negative errno from the HTTP client (-ECONNREFUSED, -ETIMEDOUT, ...).
 *
 * Threading: a kube_client_t is thread-safe. Any number of threads may call
 * it at once: each call borrows a blocking HTTP client from the client's
 * pool (one connection per concurrent caller, reused afterwards).
 * Calls block the calling thread. kube_client_cancel_t lets another thread
 * abort a blocking call (a watch, typically).
 */
#ifndef KUBE_CLIENT_H
#define KUBE_CLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/kube_core.h"
#include "api/kube_kinds.h"

typedef struct kube_client kube_client_t;

typedef struct kube_client_config {
	const char *server;	 /* "https://10.0.0.1:6443", "http://127.0.0.1:8080" */
	/* TLS: PEM file paths or PEM data (kubeconfig's *-data fields, decoded) */
	const char *ca_file, *ca_pem;
	const char *cert_file, *cert_pem;
	const char *key_file, *key_pem;
	const char *server_name; /* tls-server-name */
	bool insecure_skip_verify;
	/* authentication: bearer token (or a file re-read when it changes), or basic */
	const char *token, *token_file;
	const char *username, *password;
	const char *user_agent;	 /* default "<program>/v1.32.0 (linux/amd64) kubernetes/<commit>" */
	double qps;		 /* default 5 (client-go's default); < 0: no limit */
	int burst;		 /* default 10 */
	int timeout_ms;		 /* per call (not watches); 0: none */
	int max_retries;	 /* default 10; -1: none */
	bool disable_http2;
} kube_client_config_t;

/* The Status of an API error (or of a non-Status error body, reason ""). */
typedef struct kube_client_status {
	int code;		 /* HTTP status, e.g. 404 */
	char *reason;		 /* "NotFound", "AlreadyExists", "Conflict", ... */
	char *message;
	cJSON *details;		 /* "details" object or NULL */
} kube_client_status_t;

void kube_client_status_clear(kube_client_status_t *st);

/* The errno an API error maps to:
 *   400 BadRequest -EINVAL; 401 -EACCES; 403 Forbidden -EPERM;
 *   404 NotFound -ENOENT; 405 -EOPNOTSUPP; 409 AlreadyExists -EEXIST;
 *   409 Conflict (stale resourceVersion) -ESTALE; 410 Gone/Expired -ETIME;
 *   413 -E2BIG; 415 -EPROTONOSUPPORT; 422 Invalid -EDOM;
 *   429 TooManyRequests -EAGAIN (after retries ran out);
 *   500 -EIO; 503 -EBUSY; 504 -ETIMEDOUT; other codes -EPROTO. */
int kube_client_errno(int http_code, const char *reason);

/* A cancel token: fire it from any thread to abort the blocking calls that
 * carry it (they return -ECANCELED). Refcount-free: the owner frees it
 * after the calls using it have returned. */
typedef struct kube_client_cancel kube_client_cancel_t;
kube_client_cancel_t *kube_client_cancel_new(void);
void kube_client_cancel_fire(kube_client_cancel_t *t);
bool kube_client_cancel_fired(const kube_client_cancel_t *t);
void kube_client_cancel_free(kube_client_cancel_t *t);

/* Make a client. Strings in cfg are copied. Returns 0, or -EINVAL for a
 * missing or malformed server URL, or the TLS setup error (-ENOENT for a
 * missing CA file, ...). */
int kube_client_new(const kube_client_config_t *cfg, kube_client_t **ret);
/* Free a client no call is using any more. Accepts NULL. */
void kube_client_free(kube_client_t *c);
/* The server URL ("https://127.0.0.1:6443"), owned by the client. */
const char *kube_client_server(const kube_client_t *c);

/* A raw call: method and path ("/api/v1/nodes?limit=5"); body may be NULL.
 * content_type defaults to application/json. Any HTTP answer gives 0 with
 * *ret_code and the body in *ret_body (kube_malloc'd, NUL-terminated,
 * caller frees; may be NULL to drop). Transport errors give a negative errno.
 * Retries and rate limits apply as described above. */
typedef struct kube_client_raw {
	const char *method;
	const char *path;
	const char *content_type;
	const char *accept;	/* default application/json */
	const char *body;
	size_t body_len;
	int timeout_ms;		/* 0: the client's */
	kube_client_cancel_t *cancel;
	int max_retries;	/* 0: the client's; -1: none */
} kube_client_raw_t;
int kube_client_raw(kube_client_t *c, const kube_client_raw_t *req, int *ret_code,
		    char **ret_body, size_t *ret_len);

/* Build the path of a resource: namespace NULL or "" for cluster-scoped
 * kinds or all namespaces; name and subresource optional; query appended
 * after '?' when non-empty (already escaped). kube_malloc'd. */
char *kube_client_path(const kube_kind_t *k, const char *ns, const char *name,
		       const char *subresource, const char *query);
/* Percent-escape s for a query value into a kube_malloc'd string. */
char *kube_client_query_escape(const char *s);

/* Typed calls. ns is ignored for cluster-scoped kinds. */
int kube_client_get(kube_client_t *c, const kube_kind_t *k, const char *ns, const char *name,
		    cJSON **ret_obj, kube_client_status_t *ret_status);

typedef struct kube_client_list_opts {
	const char *label_selector;
	const char *field_selector;
	const char *resource_version;	/* "" / NULL: consistent read; "0": from cache */
	const char *resource_version_match;
	int64_t limit;			/* 0: no paging */
	const char *continue_token;
	int timeout_seconds;		/* watches: server-side timeout; 0: none */
	bool allow_watch_bookmarks;	/* watches */
	bool send_initial_events;	/* watches */
	const char *accept;		/* NULL: application/json (kubectl asks for Tables) */
	kube_client_cancel_t *cancel;
} kube_client_list_opts_t;

/* One LIST call (one page when opts->limit > 0): *ret_list is the List
 * object ("items", "metadata.resourceVersion", "metadata.continue"). */
int kube_client_list(kube_client_t *c, const kube_kind_t *k, const char *ns,
		     const kube_client_list_opts_t *opts, cJSON **ret_list,
		     kube_client_status_t *ret_status);
/* LIST every page (following continue tokens) into one List whose items are
 * all objects, with the resourceVersion of the first page. */
int kube_client_list_all(kube_client_t *c, const kube_kind_t *k, const char *ns,
			 const kube_client_list_opts_t *opts, cJSON **ret_list,
			 kube_client_status_t *ret_status);

int kube_client_create(kube_client_t *c, const kube_kind_t *k, const char *ns,
		       const cJSON *obj, cJSON **ret_obj, kube_client_status_t *ret_status);
/* PUT obj (name from obj's metadata; ns from obj when ns is NULL).
 * subresource NULL, "status" or "scale". */
int kube_client_update(kube_client_t *c, const kube_kind_t *k, const char *ns,
		       const char *subresource, const cJSON *obj, cJSON **ret_obj,
		       kube_client_status_t *ret_status);
/* PATCH: patch_type is the Content-Type ("application/merge-patch+json",
 * "application/strategic-merge-patch+json", "application/json-patch+json",
 * "application/apply-patch+yaml"); query extra ("fieldManager=x&force=true"). */
int kube_client_patch(kube_client_t *c, const kube_kind_t *k, const char *ns, const char *name,
		      const char *subresource, const char *patch_type, const char *patch,
		      const char *query, cJSON **ret_obj, kube_client_status_t *ret_status);

typedef struct kube_client_delete_opts {
	const char *propagation_policy;	/* "Background", "Foreground", "Orphan" or NULL */
	int64_t grace_period_seconds;	/* < 0: not sent */
	const char *precondition_uid;
	const char *precondition_resource_version;
	bool dry_run;
} kube_client_delete_opts_t;
#define KUBE_CLIENT_DELETE_OPTS_INIT { .grace_period_seconds = -1 }

/* DELETE one object; *ret_obj is what the server answers (the object
 * being deleted gracefully, or a Status). opts may be NULL. */
int kube_client_delete(kube_client_t *c, const kube_kind_t *k, const char *ns, const char *name,
		       const kube_client_delete_opts_t *opts, cJSON **ret_obj,
		       kube_client_status_t *ret_status);
/* POST <ns>/pods/<name>/binding, and eviction; create a subresource object. */
int kube_client_create_sub(kube_client_t *c, const kube_kind_t *k, const char *ns,
			   const char *name, const char *subresource, const cJSON *obj,
			   cJSON **ret_obj, kube_client_status_t *ret_status);

/* WATCH: calls fn for each event, in order, from the calling thread. type
 * is "ADDED", "MODIFIED", "DELETED", "BOOKMARK" or "ERROR" (object is then
 * the Status); obj is owned by the call, valid during fn only (fn may
 * detach items or duplicate it). fn returns 0 to go on, non-zero to stop
 * (kube_client_watch then returns that value if positive, or it if negative).
 * Returns 0 when the server ended the stream (timeoutSeconds), -ECANCELED
 * when opts->cancel fired, a negative errno otherwise (the initial answer's
 * error, e.g. -ETIME for 410). Not retried: the caller (an informer)
 * decides how to resume. */
typedef int (*kube_client_watch_fn)(const char *type, cJSON *obj, void *arg);
int kube_client_watch(kube_client_t *c, const kube_kind_t *k, const char *ns,
		      const kube_client_list_opts_t *opts, kube_client_watch_fn fn, void *arg,
		      kube_client_status_t *ret_status);

/* Upstream's REST client metrics (client-go's metrics adapter), registered
 * once per registry (core/kube_metrics.h) and shared by any number of
 * clients:
 *   rest_client_requests_total{code,host,method}   ("<error>" for transport errors)
 *   rest_client_request_duration_seconds{verb,host}
 *   rest_client_rate_limiter_duration_seconds{verb,host} */
typedef struct kube_metrics kube_metrics_t;
typedef struct kube_metric kube_metric_t;
typedef struct kube_client_metrics {
	kube_metric_t *requests;
	kube_metric_t *duration;
	kube_metric_t *rate_limiter;
} kube_client_metrics_t;
void kube_client_metrics_register(kube_metrics_t *m, kube_client_metrics_t *ret);
/* Report this client's requests (the metrics must outlive the client).
 * Call before the client is shared between threads; NULL stops reporting. */
void kube_client_set_metrics(kube_client_t *c, const kube_client_metrics_t *cm);

/* Client-wide counters (for /metrics and tests). */
typedef struct kube_client_stats {
	uint64_t requests;	/* HTTP requests sent, retries included */
	uint64_t retries;
	uint64_t throttled_ns;	/* total time callers waited in the rate limiter */
} kube_client_stats_t;
void kube_client_get_stats(kube_client_t *c, kube_client_stats_t *ret);

#endif
