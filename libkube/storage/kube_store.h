/*
 * kube_store: the key-value store behind the API server, backend-neutral.
 *
 * A store maps keys (upstream's layout, "/registry/<resource>/<ns>/<name>")
 * to values (JSON bytes) under one global, monotonic revision, as etcd v3
 * does: every write gets the next revision; an object's resourceVersion is
 * the revision of its last write (mod_rev). Backends: "sqlite" (embedded,
 * kine-like revision log, the default) and "etcd3" (real etcd over gRPC).
 *
 * Threading: every function is thread-safe and blocking. Writes from many
 * threads are grouped into one transaction and one fsync (group commit);
 * a write returns only once it is durable. Watch callbacks run on a thread
 * owned by the store, one event at a time per watch, in revision order;
 * they must not block for long and must not call kube_store_watch_cancel()
 * on their own watch.
 *
 * Errors (negative errno): -ENOENT no such key; -EEXIST create of a present
 * key; -ECANCELED compare-and-swap mismatch (expected revision differs);
 * -KUBE_STORE_ECOMPACTED a revision older than the compaction point was
 * asked for; -EIO/-ETIMEDOUT/-EUNAVAIL-like errors when the backend fails
 * (-EAGAIN: retry later; -ENOTCONN: backend unreachable).
 */
#ifndef KUBE_STORE_H
#define KUBE_STORE_H

#include "core/kube_core.h"

#define KUBE_STORE_ECOMPACTED ERANGE

typedef struct kube_store kube_store_t;
typedef struct kube_store_watch kube_store_watch_t;

typedef struct kube_kv {
	char *key;	  /* owned */
	char *value;	  /* owned, NUL-terminated; value_len excludes the NUL */
	size_t value_len;
	int64_t create_rev; /* revision that created this key (this incarnation) */
	int64_t mod_rev;    /* revision of the last write: the resourceVersion */
} kube_kv_t;

typedef struct kube_kv_list {
	kube_kv_t *items; /* owned array */
	size_t count;
	bool more;	  /* more keys after the last returned one */
	int64_t rev;	  /* the revision the list was read at */
} kube_kv_list_t;

typedef enum {
	KUBE_STORE_EVENT_PUT = 0, /* create or update */
	KUBE_STORE_EVENT_DELETE,
	/* No change under the watched prefix up to kv.mod_rev (kv.key and
	 * kv.value NULL). Only from backends whose revisions also count writes
	 * outside the prefix (etcd3: e.g. compact_rev_key), after
	 * kube_store_current_rev() returned a revision the watch had not
	 * reached, as upstream's watch cache asks etcd for progress. */
	KUBE_STORE_EVENT_PROGRESS,
} kube_store_event_type_t;

typedef struct kube_store_event {
	kube_store_event_type_t type;
	/* PUT: the new value. DELETE: key, mod_rev = the delete's revision,
	 * value = the last value before the delete. */
	kube_kv_t kv;
	bool has_prev; /* PUT of an existing key, or DELETE */
	kube_kv_t prev; /* previous value when has_prev */
} kube_store_event_t;

/* Called for each event after from_rev, and with ev == NULL and err < 0 when
 * the watch ends on its own (e.g. -KUBE_STORE_ECOMPACTED, backend lost). */
typedef void (*kube_store_watch_fn)(const kube_store_event_t *ev, int err, void *arg);

typedef struct kube_store_config {
	const char *backend;	     /* "sqlite" (default when NULL) or "etcd3" */
	const char *data_dir;	     /* sqlite: directory for the database */
	const char *const *servers;  /* etcd3: endpoints, NULL-terminated */
	const char *ca_file, *cert_file, *key_file; /* etcd3 TLS */
	int64_t compaction_interval_ms; /* 0 = never compact automatically */
	int64_t compaction_keep;     /* revisions kept behind current (default 1000) */
} kube_store_config_t;

int kube_store_open(const kube_store_config_t *cfg, kube_store_t **ret);
/* Stops compaction and watches, flushes and closes. Accepts NULL. */
void kube_store_free(kube_store_t *s);

int kube_store_get(kube_store_t *s, const char *key, kube_kv_t *ret);
/* Keys with the given prefix, in key order, starting at start_key (inclusive;
 * NULL or "" = from the prefix), at most limit (0 = all), read at revision rev
 * (0 = current; older revisions are served while not compacted). */
int kube_store_list(kube_store_t *s, const char *prefix, const char *start_key,
		    size_t limit, int64_t rev, kube_kv_list_t *ret);
/* Number of keys under prefix at the current revision. */
int kube_store_count(kube_store_t *s, const char *prefix, int64_t *ret);
int kube_store_create(kube_store_t *s, const char *key, const char *value,
		      size_t len, int64_t *ret_rev);
/* expected_mod_rev 0 = unconditional. On -ECANCELED, ret_current (if not
 * NULL) receives the current value. */
int kube_store_update(kube_store_t *s, const char *key, const char *value,
		      size_t len, int64_t expected_mod_rev, int64_t *ret_rev,
		      kube_kv_t *ret_current);
int kube_store_delete(kube_store_t *s, const char *key, int64_t expected_mod_rev,
		      int64_t *ret_rev, kube_kv_t *ret_prev);
int64_t kube_store_current_rev(kube_store_t *s);
int64_t kube_store_compacted_rev(kube_store_t *s);
/* Drop history older than rev (current values stay). */
int kube_store_compact(kube_store_t *s, int64_t rev);
/* Health for /healthz and componentstatuses: 0 when healthy. */
int kube_store_health(kube_store_t *s);

/* Watch keys under prefix for events with revision > from_rev (0: every
 * event still in the history; kube_store_current_rev() for "from now").
 * -KUBE_STORE_ECOMPACTED when history before from_rev is gone. */
int kube_store_watch(kube_store_t *s, const char *prefix, int64_t from_rev,
		     kube_store_watch_fn fn, void *arg, kube_store_watch_t **ret);
/* Stops the watch; after it returns, fn is not running and not called again. */
void kube_store_watch_cancel(kube_store_watch_t *w);

void kube_kv_clear(kube_kv_t *kv);
void kube_kv_list_clear(kube_kv_list_t *l);
/* Deep copy of src into dst (dst's old contents are not freed). */
void kube_kv_copy(kube_kv_t *dst, const kube_kv_t *src);

#endif
