/*
 * kube_store_sqlite: the embedded backend. SQLite in WAL mode with
 * synchronous=FULL, laid out like kine: a revision log (one row per write,
 * rev = global monotonic revision) plus a table of current values.
 *
 * Writers queue their operation and block; one committer thread takes every
 * queued operation, applies them in one transaction with one fsync, and
 * wakes them (group commit). Committed events go to one dispatcher thread,
 * which catches new watches up from the log and then feeds them live events,
 * so each watch sees every revision in order with no gap.
 */
#include "storage/kube_store_impl.h"
#include "core/kube_log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define NREADERS 4

typedef enum { OP_CREATE, OP_UPDATE, OP_DELETE } op_type_t;

typedef struct op {
	op_type_t type;
	const char *key;
	const char *value;
	size_t len;
	int64_t expected;
	kube_kv_t *ret_other; /* current on conflict (update) or prev (delete) */
	int err;
	int64_t rev;
	bool done;
	struct op *next;
} op_t;

typedef struct batch {
	kube_store_event_t *events;
	size_t count;
	struct batch *next;
} batch_t;

typedef struct sq sq_t;

struct kube_store_watch {
	const kube_store_ops_t *ops; /* first: see kube_store_watch_cancel() */
	sq_t *sq;
	char *prefix;
	int64_t next_rev; /* deliver events with rev >= next_rev */
	kube_store_watch_fn fn;
	void *arg;
	bool caught_up;
	bool cancelled;
	bool ended;
	struct kube_store_watch *next;
};

struct sq {
	char *path;
	sqlite3 *wdb;
	sqlite3 *rdb[NREADERS];
	bool rbusy[NREADERS];
	pthread_mutex_t rlock;
	pthread_cond_t rcond;

	pthread_mutex_t lock; /* queue, rev, done flags */
	pthread_cond_t queue_cond;
	pthread_cond_t done_cond;
	pthread_cond_t stop_cond; /* wakes the compactor at stop */
	op_t *queue, *queue_tail;
	bool stop;
	int64_t rev;
	int64_t compacted;
	pthread_t committer;
	uint64_t commits, commit_ops;

	pthread_mutex_t wlock; /* watchers, batches */
	pthread_cond_t wcond;
	batch_t *batches, *batches_tail;
	kube_store_watch_t *watchers;
	kube_store_watch_t *delivering;
	bool wstop;
	pthread_t dispatcher;

	pthread_t compactor;
	bool has_compactor;
	int64_t compact_interval_ms, compact_keep;
};

/* ---- SQL helpers ---- */

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		klog_v(4, "sqlite: %s: %s", sql, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc == SQLITE_BUSY ? -EAGAIN : -EIO;
	}
	return 0;
}

static int open_db(const char *path, sqlite3 **ret)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db, 10000);
	if (exec(db, "PRAGMA journal_mode=WAL") < 0 || exec(db, "PRAGMA synchronous=FULL") < 0) {
		sqlite3_close(db);
		return -EIO;
	}
	*ret = db;
	return 0;
}

/* The first key after every key starting with prefix ("" = no end). */
static char *prefix_end(const char *prefix)
{
	size_t n = strlen(prefix);
	char *e = kube_strdup(prefix);

	while (n > 0) {
		if ((unsigned char)e[n - 1] < 0xff) {
			e[n - 1]++;
			e[n] = '\0';
			return e;
		}
		n--;
	}
	e[0] = '\0';
	return e;
}

static void kv_from_row(sqlite3_stmt *st, int col_key, int col_create, int col_mod,
			int col_value, kube_kv_t *kv)
{
	const void *v = sqlite3_column_blob(st, col_value);
	int vl = sqlite3_column_bytes(st, col_value);

	kv->key = kube_strdup((const char *)sqlite3_column_text(st, col_key));
	kv->value = kube_malloc((size_t)vl + 1);
	if (vl)
		memcpy(kv->value, v, (size_t)vl);
	kv->value[vl] = '\0';
	kv->value_len = (size_t)vl;
	kv->create_rev = sqlite3_column_int64(st, col_create);
	kv->mod_rev = sqlite3_column_int64(st, col_mod);
}

static sqlite3 *reader_get(sq_t *sq, int *ret_i)
{
	pthread_mutex_lock(&sq->rlock);
	for (;;) {
		for (int i = 0; i < NREADERS; i++) {
			if (!sq->rbusy[i]) {
				sq->rbusy[i] = true;
				pthread_mutex_unlock(&sq->rlock);
				*ret_i = i;
				return sq->rdb[i];
			}
		}
		pthread_cond_wait(&sq->rcond, &sq->rlock);
	}
}

static void reader_put(sq_t *sq, int i)
{
	pthread_mutex_lock(&sq->rlock);
	sq->rbusy[i] = false;
	pthread_cond_signal(&sq->rcond);
	pthread_mutex_unlock(&sq->rlock);
}

static int64_t meta_get(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int meta_set(sqlite3 *db, const char *name, int64_t v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/* ---- committer ---- */

typedef struct cur_row {
	bool exists;
	int64_t create_rev, mod_rev;
	kube_kv_t kv;
} cur_row_t;

static int read_current(sqlite3 *db, const char *key, cur_row_t *ret)
{
	sqlite3_stmt *st;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (sqlite3_prepare_v2(db, "SELECT key, create_rev, mod_rev, value FROM kv WHERE key = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret->exists = true;
		kv_from_row(st, 0, 1, 2, 3, &ret->kv);
		ret->create_rev = ret->kv.create_rev;
		ret->mod_rev = ret->kv.mod_rev;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

static int write_rows(sqlite3 *db, const op_t *op, int64_t rev, const cur_row_t *cur)
{
	sqlite3_stmt *st;
	int rc;
	int64_t create_rev = op->type == OP_CREATE ? rev : cur->create_rev;
	const char *val = op->type == OP_DELETE ? cur->kv.value : op->value;
	size_t vlen = op->type == OP_DELETE ? cur->kv.value_len : op->len;

	if (op->type == OP_DELETE) {
		rc = sqlite3_prepare_v2(db, "DELETE FROM kv WHERE key = ?", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return -EIO;
		sqlite3_bind_text(st, 1, op->key, -1, SQLITE_STATIC);
	} else {
		rc = sqlite3_prepare_v2(db,
					"INSERT OR REPLACE INTO kv(key, create_rev, mod_rev, value) "
					"VALUES (?, ?, ?, ?)", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return -EIO;
		sqlite3_bind_text(st, 1, op->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, create_rev);
		sqlite3_bind_int64(st, 3, rev);
		sqlite3_bind_blob(st, 4, op->value, (int)op->len, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -EIO;

	rc = sqlite3_prepare_v2(db,
				"INSERT INTO log(rev, key, created, deleted, create_rev, prev_rev, value) "
				"VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(st, 1, rev);
	sqlite3_bind_text(st, 2, op->key, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, op->type == OP_CREATE);
	sqlite3_bind_int(st, 4, op->type == OP_DELETE);
	sqlite3_bind_int64(st, 5, create_rev);
	sqlite3_bind_int64(st, 6, cur->exists ? cur->mod_rev : 0);
	sqlite3_bind_blob(st, 7, val ? val : "", (int)vlen, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static void event_clear(kube_store_event_t *ev)
{
	kube_kv_clear(&ev->kv);
	kube_kv_clear(&ev->prev);
}

/* Apply one op inside the open transaction; fills ev on success. */
static int apply_op(sq_t *sq, op_t *op, int64_t rev, kube_store_event_t *ev)
{
	cur_row_t cur;
	int r = read_current(sq->wdb, op->key, &cur);

	if (r < 0)
		return r;
	if (op->type == OP_CREATE && cur.exists) {
		r = -EEXIST;
	} else if (op->type != OP_CREATE && !cur.exists) {
		r = -ENOENT;
	} else if (op->type != OP_CREATE && op->expected && op->expected != cur.mod_rev) {
		r = -ECANCELED;
		if (op->ret_other)
			kube_kv_copy(op->ret_other, &cur.kv);
	} else {
		r = write_rows(sq->wdb, op, rev, &cur);
	}
	if (r == 0) {
		memset(ev, 0, sizeof(*ev));
		ev->type = op->type == OP_DELETE ? KUBE_STORE_EVENT_DELETE : KUBE_STORE_EVENT_PUT;
		if (op->type == OP_DELETE) {
			kube_kv_copy(&ev->kv, &cur.kv);
			ev->kv.mod_rev = rev;
		} else {
			ev->kv.key = kube_strdup(op->key);
			ev->kv.value = kube_memdup(op->value, op->len + 1);
			ev->kv.value[op->len] = '\0';
			ev->kv.value_len = op->len;
			ev->kv.create_rev = op->type == OP_CREATE ? rev : cur.create_rev;
			ev->kv.mod_rev = rev;
		}
		if (cur.exists) {
			ev->has_prev = true;
			ev->prev = cur.kv;
			memset(&cur.kv, 0, sizeof(cur.kv));
		}
		if (op->type == OP_DELETE && op->ret_other)
			kube_kv_copy(op->ret_other, &ev->prev);
	}
	kube_kv_clear(&cur.kv);
	return r;
}

static void push_batch(sq_t *sq, kube_store_event_t *events, size_t n)
{
	batch_t *b;

	if (n == 0) {
		kube_free(events);
		return;
	}
	b = kube_calloc(1, sizeof(*b));
	b->events = events;
	b->count = n;
	pthread_mutex_lock(&sq->wlock);
	if (sq->batches_tail)
		sq->batches_tail->next = b;
	else
		sq->batches = b;
	sq->batches_tail = b;
	pthread_cond_signal(&sq->wcond);
	pthread_mutex_unlock(&sq->wlock);
}

static void *committer_main(void *arg)
{
	sq_t *sq = arg;

	for (;;) {
		op_t *ops, *op;
		size_t n = 0, nev = 0;
		kube_store_event_t *events;
		int64_t rev, start_rev;
		int r;

		pthread_mutex_lock(&sq->lock);
		while (!sq->queue && !sq->stop)
			pthread_cond_wait(&sq->queue_cond, &sq->lock);
		if (!sq->queue && sq->stop) {
			pthread_mutex_unlock(&sq->lock);
			return NULL;
		}
		ops = sq->queue;
		sq->queue = sq->queue_tail = NULL;
		start_rev = rev = sq->rev;
		pthread_mutex_unlock(&sq->lock);

		for (op = ops; op; op = op->next)
			n++;
		events = kube_calloc(n, sizeof(*events));
		r = exec(sq->wdb, "BEGIN IMMEDIATE");
		for (op = ops; op && r == 0; op = op->next) {
			op->err = apply_op(sq, op, rev + 1, &events[nev]);
			if (op->err == -EIO) {
				r = -EIO;
				break;
			}
			if (op->err == 0) {
				op->rev = ++rev;
				nev++;
			}
		}
		if (r == 0)
			r = meta_set(sq->wdb, "rev", rev);
		if (r == 0)
			r = exec(sq->wdb, "COMMIT");
		if (r < 0) {
			exec(sq->wdb, "ROLLBACK");
			for (size_t i = 0; i < nev; i++)
				event_clear(&events[i]);
			nev = 0;
			rev = start_rev;
			for (op = ops; op; op = op->next) {
				if (op->err == 0 || op->err == -EIO) {
					op->err = -EIO;
					if (op->ret_other)
						kube_kv_clear(op->ret_other);
				}
			}
		}

		pthread_mutex_lock(&sq->lock);
		sq->rev = rev;
		sq->commits++;
		sq->commit_ops += n;
		for (op = ops; op;) {
			op_t *next = op->next;
			op->done = true;
			op = next;
		}
		pthread_cond_broadcast(&sq->done_cond);
		pthread_mutex_unlock(&sq->lock);
		push_batch(sq, events, nev);
	}
}

static int submit(sq_t *sq, op_t *op)
{
	pthread_mutex_lock(&sq->lock);
	if (sq->stop) {
		pthread_mutex_unlock(&sq->lock);
		return -ESHUTDOWN;
	}
	op->next = NULL;
	if (sq->queue_tail)
		sq->queue_tail->next = op;
	else
		sq->queue = op;
	sq->queue_tail = op;
	pthread_cond_signal(&sq->queue_cond);
	while (!op->done)
		pthread_cond_wait(&sq->done_cond, &sq->lock);
	pthread_mutex_unlock(&sq->lock);
	return op->err;
}

/* ---- watch dispatch ---- */

static bool key_matches(const kube_store_watch_t *w, const char *key)
{
	return kube_startswith(key, w->prefix);
}

/* Deliver ev to w unless it was cancelled; the lock is held on entry and exit. */
static void deliver(sq_t *sq, kube_store_watch_t *w, const kube_store_event_t *ev, int err)
{
	if (w->cancelled || w->ended)
		return;
	sq->delivering = w;
	pthread_mutex_unlock(&sq->wlock);
	w->fn(ev, err, w->arg);
	pthread_mutex_lock(&sq->wlock);
	sq->delivering = NULL;
	pthread_cond_broadcast(&sq->wcond);
	if (err)
		w->ended = true;
	else if (ev)
		w->next_rev = ev->kv.mod_rev + 1;
}

/* Events from the log for revisions [from, to] under w's prefix. */
static int read_log(sq_t *sq, const char *prefix, int64_t from, int64_t to,
		    kube_store_event_t **ret, size_t *ret_n)
{
	sqlite3 *db;
	sqlite3_stmt *st, *pst;
	int ri, rc;
	size_t n = 0, cap = 0;
	kube_store_event_t *evs = NULL;
	char *end = prefix_end(prefix);

	db = reader_get(sq, &ri);
	exec(db, "BEGIN");
	rc = sqlite3_prepare_v2(db,
				"SELECT key, create_rev, rev, value, deleted, prev_rev FROM log "
				"WHERE rev >= ? AND rev <= ? AND key >= ? AND (? = '' OR key < ?) "
				"ORDER BY rev", -1, &st, NULL);
	rc |= sqlite3_prepare_v2(db, "SELECT key, create_rev, rev, value FROM log WHERE rev = ?",
				 -1, &pst, NULL);
	if (rc != SQLITE_OK) {
		exec(db, "COMMIT");
		reader_put(sq, ri);
		kube_free(end);
		return -EIO;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, end, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, end, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		kube_store_event_t *ev;
		int64_t prev_rev = sqlite3_column_int64(st, 5);

		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			evs = kube_realloc(evs, cap * sizeof(*evs));
		}
		ev = &evs[n++];
		memset(ev, 0, sizeof(*ev));
		kv_from_row(st, 0, 1, 2, 3, &ev->kv);
		ev->type = sqlite3_column_int(st, 4) ? KUBE_STORE_EVENT_DELETE : KUBE_STORE_EVENT_PUT;
		if (prev_rev) {
			sqlite3_reset(pst);
			sqlite3_bind_int64(pst, 1, prev_rev);
			if (sqlite3_step(pst) == SQLITE_ROW) {
				ev->has_prev = true;
				kv_from_row(pst, 0, 1, 2, 3, &ev->prev);
			}
		}
		if (ev->type == KUBE_STORE_EVENT_DELETE && !ev->has_prev) {
			/* The delete row carries the last value itself. */
			ev->has_prev = true;
			kube_kv_copy(&ev->prev, &ev->kv);
			ev->prev.mod_rev = prev_rev;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(pst);
	exec(db, "COMMIT");
	reader_put(sq, ri);
	kube_free(end);
	*ret = evs;
	*ret_n = n;
	return 0;
}

static void *dispatcher_main(void *arg)
{
	sq_t *sq = arg;
	int64_t dispatched;

	pthread_mutex_lock(&sq->lock);
	dispatched = sq->rev;
	pthread_mutex_unlock(&sq->lock);

	pthread_mutex_lock(&sq->wlock);
	for (;;) {
		kube_store_watch_t *w, **pp;
		bool work = false;

		/* Free cancelled watches. */
		for (pp = &sq->watchers; (w = *pp);) {
			if (w->cancelled) {
				*pp = w->next;
				kube_free(w->prefix);
				kube_free(w);
			} else {
				if (!w->caught_up && !w->ended)
					work = true;
				pp = &w->next;
			}
		}
		if (!work && !sq->batches) {
			if (sq->wstop)
				break;
			pthread_cond_wait(&sq->wcond, &sq->wlock);
			continue;
		}

		/* Catch new watches up from the log to what was dispatched. */
		for (w = sq->watchers; w; w = w->next) {
			kube_store_event_t *evs = NULL;
			size_t n = 0;
			int64_t from;
			int r;

			if (w->caught_up || w->cancelled || w->ended)
				continue;
			from = w->next_rev;
			if (from <= dispatched) {
				pthread_mutex_unlock(&sq->wlock);
				pthread_mutex_lock(&sq->lock);
				bool compacted = from <= sq->compacted;
				pthread_mutex_unlock(&sq->lock);
				r = compacted ? -KUBE_STORE_ECOMPACTED
					      : read_log(sq, w->prefix, from, dispatched, &evs, &n);
				pthread_mutex_lock(&sq->wlock);
				if (r < 0) {
					deliver(sq, w, NULL, r);
					continue;
				}
				for (size_t i = 0; i < n; i++) {
					deliver(sq, w, &evs[i], 0);
					event_clear(&evs[i]);
				}
				kube_free(evs);
			}
			w->caught_up = true;
		}

		/* Live events. */
		while (sq->batches) {
			batch_t *b = sq->batches;

			sq->batches = b->next;
			if (!sq->batches)
				sq->batches_tail = NULL;
			for (size_t i = 0; i < b->count; i++) {
				kube_store_event_t *ev = &b->events[i];

				dispatched = ev->kv.mod_rev;
				for (w = sq->watchers; w; w = w->next) {
					if (!w->caught_up || w->cancelled || w->ended ||
					    ev->kv.mod_rev < w->next_rev || !key_matches(w, ev->kv.key))
						continue;
					deliver(sq, w, ev, 0);
				}
				event_clear(ev);
			}
			kube_free(b->events);
			kube_free(b);
		}
	}
	pthread_mutex_unlock(&sq->wlock);
	return NULL;
}

/* ---- compaction ---- */

static int sq_compact(void *impl, int64_t rev)
{
	sq_t *sq = impl;
	sqlite3_stmt *st;
	int r;

	pthread_mutex_lock(&sq->lock);
	if (rev > sq->rev)
		rev = sq->rev;
	if (rev <= sq->compacted) {
		pthread_mutex_unlock(&sq->lock);
		return rev == sq->compacted ? 0 : -KUBE_STORE_ECOMPACTED;
	}
	pthread_mutex_unlock(&sq->lock);

	/* The committer owns wdb; compaction uses a connection of its own. */
	sqlite3 *db;
	r = open_db(sq->path, &db);
	if (r < 0)
		return r;
	r = exec(db, "BEGIN IMMEDIATE");
	if (r == 0) {
		if (sqlite3_prepare_v2(db,
				       "DELETE FROM log WHERE rev <= ?1 AND (deleted = 1 OR rev < "
				       "(SELECT MAX(l2.rev) FROM log l2 WHERE l2.key = log.key AND "
				       "l2.rev <= ?1))", -1, &st, NULL) != SQLITE_OK) {
			r = -EIO;
		} else {
			sqlite3_bind_int64(st, 1, rev);
			if (sqlite3_step(st) != SQLITE_DONE)
				r = -EIO;
			sqlite3_finalize(st);
		}
		if (r == 0)
			r = meta_set(db, "compacted", rev);
		if (r == 0)
			r = exec(db, "COMMIT");
		else
			exec(db, "ROLLBACK");
	}
	sqlite3_close(db);
	if (r == 0) {
		pthread_mutex_lock(&sq->lock);
		if (rev > sq->compacted)
			sq->compacted = rev;
		pthread_mutex_unlock(&sq->lock);
	}
	return r;
}

static void *compactor_main(void *arg)
{
	sq_t *sq = arg;

	pthread_mutex_lock(&sq->lock);
	while (!sq->stop) {
		struct timespec ts;
		int64_t target;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += sq->compact_interval_ms / 1000;
		ts.tv_nsec += (sq->compact_interval_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&sq->stop_cond, &sq->lock, &ts);
		if (sq->stop)
			break;
		target = sq->rev - sq->compact_keep;
		if (target > sq->compacted) {
			pthread_mutex_unlock(&sq->lock);
			if (sq_compact(sq, target) < 0)
				klog_v(4, "store: compaction to %lld failed", (long long)target);
			pthread_mutex_lock(&sq->lock);
		}
	}
	pthread_mutex_unlock(&sq->lock);
	return NULL;
}

/* ---- ops ---- */

static void sq_free(void *impl)
{
	sq_t *sq = impl;

	if (!sq)
		return;
	pthread_mutex_lock(&sq->lock);
	sq->stop = true;
	pthread_cond_broadcast(&sq->queue_cond);
	pthread_cond_broadcast(&sq->stop_cond);
	pthread_mutex_unlock(&sq->lock);
	pthread_join(sq->committer, NULL);
	if (sq->has_compactor)
		pthread_join(sq->compactor, NULL);
	pthread_mutex_lock(&sq->wlock);
	sq->wstop = true;
	pthread_cond_broadcast(&sq->wcond);
	pthread_mutex_unlock(&sq->wlock);
	pthread_join(sq->dispatcher, NULL);
	while (sq->watchers) {
		kube_store_watch_t *w = sq->watchers;
		sq->watchers = w->next;
		kube_free(w->prefix);
		kube_free(w);
	}
	for (int i = 0; i < NREADERS; i++)
		sqlite3_close(sq->rdb[i]);
	sqlite3_close(sq->wdb);
	pthread_mutex_destroy(&sq->lock);
	pthread_mutex_destroy(&sq->wlock);
	pthread_mutex_destroy(&sq->rlock);
	pthread_cond_destroy(&sq->queue_cond);
	pthread_cond_destroy(&sq->done_cond);
	pthread_cond_destroy(&sq->stop_cond);
	pthread_cond_destroy(&sq->wcond);
	pthread_cond_destroy(&sq->rcond);
	kube_free(sq->path);
	kube_free(sq);
}

static int mkdir_p(const char *dir)
{
	char buf[4096];
	size_t n = kube_strlcpy(buf, dir, sizeof(buf));

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0700) < 0 && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int sq_open(const kube_store_config_t *cfg, void **ret_impl)
{
	const char *dir = cfg->data_dir && *cfg->data_dir ? cfg->data_dir : "/var/lib/kube-apiserver";
	sq_t *sq;
	int r;

	r = mkdir_p(dir);
	if (r < 0)
		return r;
	sq = kube_calloc(1, sizeof(*sq));
	sq->path = kube_asprintf("%s/kube.db", dir);
	pthread_mutex_init(&sq->lock, NULL);
	pthread_mutex_init(&sq->wlock, NULL);
	pthread_mutex_init(&sq->rlock, NULL);
	pthread_cond_init(&sq->queue_cond, NULL);
	pthread_cond_init(&sq->done_cond, NULL);
	pthread_cond_init(&sq->stop_cond, NULL);
	pthread_cond_init(&sq->wcond, NULL);
	pthread_cond_init(&sq->rcond, NULL);
	r = open_db(sq->path, &sq->wdb);
	if (r == 0)
		r = exec(sq->wdb,
			 "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER);"
			 "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, create_rev INTEGER,"
			 " mod_rev INTEGER, value BLOB) WITHOUT ROWID;"
			 "CREATE TABLE IF NOT EXISTS log(rev INTEGER PRIMARY KEY, key TEXT,"
			 " created INTEGER, deleted INTEGER, create_rev INTEGER, prev_rev INTEGER,"
			 " value BLOB);"
			 "CREATE INDEX IF NOT EXISTS log_key_rev ON log(key, rev);");
	for (int i = 0; r == 0 && i < NREADERS; i++)
		r = open_db(sq->path, &sq->rdb[i]);
	if (r < 0) {
		for (int i = 0; i < NREADERS; i++)
			sqlite3_close(sq->rdb[i]);
		sqlite3_close(sq->wdb);
		kube_free(sq->path);
		kube_free(sq);
		return r;
	}
	sq->rev = meta_get(sq->wdb, "rev");
	sq->compacted = meta_get(sq->wdb, "compacted");
	sq->compact_interval_ms = cfg->compaction_interval_ms;
	sq->compact_keep = cfg->compaction_keep > 0 ? cfg->compaction_keep : 1000;
	pthread_create(&sq->committer, NULL, committer_main, sq);
	pthread_create(&sq->dispatcher, NULL, dispatcher_main, sq);
	if (sq->compact_interval_ms > 0) {
		sq->has_compactor = true;
		pthread_create(&sq->compactor, NULL, compactor_main, sq);
	}
	*ret_impl = sq;
	return 0;
}

static int sq_get(void *impl, const char *key, kube_kv_t *ret)
{
	sq_t *sq = impl;
	sqlite3_stmt *st;
	int ri, rc, r = -ENOENT;
	sqlite3 *db = reader_get(sq, &ri);

	rc = sqlite3_prepare_v2(db, "SELECT key, create_rev, mod_rev, value FROM kv WHERE key = ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		reader_put(sq, ri);
		return -EIO;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		kv_from_row(st, 0, 1, 2, 3, ret);
		r = 0;
	} else if (rc != SQLITE_DONE) {
		r = -EIO;
	}
	sqlite3_finalize(st);
	reader_put(sq, ri);
	return r;
}

static int sq_list(void *impl, const char *prefix, const char *start_key, size_t limit,
		   int64_t rev, kube_kv_list_t *ret)
{
	sq_t *sq = impl;
	sqlite3 *db;
	sqlite3_stmt *st;
	int ri, rc;
	int64_t cur, compacted;
	char *end = prefix_end(prefix);
	const char *from = start_key && strcmp(start_key, prefix) > 0 ? start_key : prefix;
	kube_kv_list_t l = { 0 };
	size_t cap = 0;

	db = reader_get(sq, &ri);
	exec(db, "BEGIN");
	cur = meta_get(db, "rev");
	compacted = meta_get(db, "compacted");
	if (rev > cur || (rev > 0 && rev < compacted)) {
		exec(db, "COMMIT");
		reader_put(sq, ri);
		kube_free(end);
		return rev > cur ? -EAGAIN : -KUBE_STORE_ECOMPACTED;
	}
	if (rev <= 0 || rev == cur) {
		rc = sqlite3_prepare_v2(db,
					"SELECT key, create_rev, mod_rev, value FROM kv WHERE key >= ?1 "
					"AND (?2 = '' OR key < ?2) ORDER BY key LIMIT ?3", -1, &st, NULL);
	} else {
		rc = sqlite3_prepare_v2(db,
					"SELECT l.key, l.create_rev, l.rev, l.value FROM log l JOIN "
					"(SELECT key k, MAX(rev) r FROM log WHERE key >= ?1 AND "
					"(?2 = '' OR key < ?2) AND rev <= ?4 GROUP BY key) m ON l.rev = m.r "
					"WHERE l.deleted = 0 ORDER BY l.key LIMIT ?3", -1, &st, NULL);
	}
	if (rc != SQLITE_OK) {
		exec(db, "COMMIT");
		reader_put(sq, ri);
		kube_free(end);
		return -EIO;
	}
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, limit ? (int64_t)limit + 1 : -1);
	if (rev > 0 && rev != cur)
		sqlite3_bind_int64(st, 4, rev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (limit && l.count == limit) {
			l.more = true;
			break;
		}
		if (l.count == cap) {
			cap = cap ? cap * 2 : 64;
			l.items = kube_realloc(l.items, cap * sizeof(*l.items));
		}
		kv_from_row(st, 0, 1, 2, 3, &l.items[l.count++]);
	}
	sqlite3_finalize(st);
	exec(db, "COMMIT");
	reader_put(sq, ri);
	kube_free(end);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		kube_kv_list_clear(&l);
		return -EIO;
	}
	l.rev = rev > 0 ? rev : cur;
	*ret = l;
	return 0;
}

static int sq_count(void *impl, const char *prefix, int64_t *ret)
{
	sq_t *sq = impl;
	sqlite3_stmt *st;
	int ri, r = -EIO;
	char *end = prefix_end(prefix);
	sqlite3 *db = reader_get(sq, &ri);

	if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM kv WHERE key >= ?1 AND (?2 = '' OR key < ?2)",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*ret = sqlite3_column_int64(st, 0);
			r = 0;
		}
		sqlite3_finalize(st);
	}
	reader_put(sq, ri);
	kube_free(end);
	return r;
}

static int sq_create(void *impl, const char *key, const char *value, size_t len, int64_t *ret_rev)
{
	op_t op = { .type = OP_CREATE, .key = key, .value = value, .len = len };
	int r = submit(impl, &op);

	if (r == 0 && ret_rev)
		*ret_rev = op.rev;
	return r;
}

static int sq_update(void *impl, const char *key, const char *value, size_t len,
		     int64_t expected, int64_t *ret_rev, kube_kv_t *ret_current)
{
	kube_kv_t other = { 0 };
	op_t op = { .type = OP_UPDATE, .key = key, .value = value, .len = len,
		    .expected = expected, .ret_other = &other };
	int r = submit(impl, &op);

	if (r == 0 && ret_rev)
		*ret_rev = op.rev;
	if (r == -ECANCELED && ret_current)
		*ret_current = other;
	else
		kube_kv_clear(&other);
	return r;
}

static int sq_delete(void *impl, const char *key, int64_t expected, int64_t *ret_rev,
		     kube_kv_t *ret_prev)
{
	kube_kv_t other = { 0 };
	op_t op = { .type = OP_DELETE, .key = key, .expected = expected, .ret_other = &other };
	int r = submit(impl, &op);

	if (r == 0 && ret_rev)
		*ret_rev = op.rev;
	if ((r == 0 || r == -ECANCELED) && ret_prev)
		*ret_prev = other;
	else
		kube_kv_clear(&other);
	return r;
}

static int64_t sq_current_rev(void *impl)
{
	sq_t *sq = impl;
	int64_t r;

	pthread_mutex_lock(&sq->lock);
	r = sq->rev;
	pthread_mutex_unlock(&sq->lock);
	return r;
}

static int64_t sq_compacted_rev(void *impl)
{
	sq_t *sq = impl;
	int64_t r;

	pthread_mutex_lock(&sq->lock);
	r = sq->compacted;
	pthread_mutex_unlock(&sq->lock);
	return r;
}

static int sq_health(void *impl)
{
	sq_t *sq = impl;
	int ri;
	sqlite3 *db = reader_get(sq, &ri);
	int r = exec(db, "SELECT 1");

	reader_put(sq, ri);
	return r;
}

static int sq_watch(void *impl, const char *prefix, int64_t from_rev, kube_store_watch_fn fn,
		    void *arg, kube_store_watch_t **ret)
{
	sq_t *sq = impl;
	kube_store_watch_t *w;

	if (from_rev < 0)
		return -EINVAL;
	if (from_rev < sq_compacted_rev(sq))
		return -KUBE_STORE_ECOMPACTED;
	w = kube_calloc(1, sizeof(*w));
	w->ops = &kube_store_sqlite_ops;
	w->sq = sq;
	w->prefix = kube_strdup(prefix);
	w->next_rev = from_rev + 1; /* 0: the whole history */
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_lock(&sq->wlock);
	w->next = sq->watchers;
	sq->watchers = w;
	pthread_cond_signal(&sq->wcond);
	pthread_mutex_unlock(&sq->wlock);
	*ret = w;
	return 0;
}

static void sq_watch_cancel(kube_store_watch_t *w)
{
	sq_t *sq = w->sq;

	pthread_mutex_lock(&sq->wlock);
	w->cancelled = true;
	if (pthread_equal(pthread_self(), sq->dispatcher)) {
		/* Called from a callback of another watch: fine, not running. */
		pthread_mutex_unlock(&sq->wlock);
		return;
	}
	while (sq->delivering == w)
		pthread_cond_wait(&sq->wcond, &sq->wlock);
	pthread_cond_signal(&sq->wcond);
	pthread_mutex_unlock(&sq->wlock);
}

const kube_store_ops_t kube_store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.free = sq_free,
	.get = sq_get,
	.list = sq_list,
	.count = sq_count,
	.create = sq_create,
	.update = sq_update,
	.delete = sq_delete,
	.current_rev = sq_current_rev,
	.compacted_rev = sq_compacted_rev,
	.compact = sq_compact,
	.health = sq_health,
	.watch = sq_watch,
	.watch_cancel = sq_watch_cancel,
};
