/*
 * kube_store_etcd: the etcd3 backend, real etcd v3 over gRPC (kube_grpc).
 *
 * Keys and values are stored as they are given (upstream's key layout, JSON
 * values), so `etcdctl get --prefix /registry/` shows the objects; a key's
 * resourceVersion is etcd's mod_revision. Create is a Txn on
 * create_revision == 0, update and delete are Txns on mod_revision (or on
 * existence when unconditional), as upstream's etcd3 store does.
 *
 * Threads: one I/O thread owns the gRPC channel and its event_base; callers
 * queue a command (an eventfd wakes the loop) and block until its call ends,
 * so concurrent requests share one HTTP/2 connection. Each watch is one
 * bidirectional Watch stream; its events go through a queue to one
 * dispatcher thread, which runs the callbacks in revision order. A watch
 * whose stream breaks (endpoint down, leader lost) is re-created on the next
 * endpoint from the revision after the last one delivered, so no event is
 * lost; a compacted revision ends it with -KUBE_STORE_ECOMPACTED. An
 * optional compactor thread compacts as upstream's apiserver does (a Txn on
 * the version of "compact_rev_key" elects one compactor per interval among
 * API servers sharing the cluster; it compacts to the revision seen at the
 * previous interval).
 */
#include "storage/kube_store_impl.h"
#include "core/kube_log.h"
#include "net/kube_grpc.h"
#include "net/kube_http.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <protobuf-c/protobuf-c.h>

#include "etcdserverpb.pb-c.h"

#define CALL_TIMEOUT_MS 10000
#define RETRY_WINDOW_MS 8000     /* keep retrying safe failures this long */
#define WATCH_RETRY_MS 250
#define PROGRESS_DELAY_MS 20
/* etcd's default --max-request-bytes is 1.5 MiB; leave room for the key and
 * the Txn envelope. */
#define MAX_VALUE_BYTES (1536u * 1024u - 4096u)
#define COMPACT_REV_KEY "compact_rev_key"

typedef struct ed ed_t;

typedef enum { CMD_UNARY, CMD_WATCH_START, CMD_WATCH_CANCEL, CMD_PROGRESS } cmd_type_t;

typedef struct cmd {
	cmd_type_t type;
	struct cmd *next;
	/* CMD_UNARY (owned by the waiting caller) */
	const char *method;
	const uint8_t *req;
	size_t req_len;
	int timeout_ms;
	kube_buf_t resp;
	char *message;
	int code;
	bool done;
	/* CMD_WATCH_* */
	kube_store_watch_t *w;
	/* CMD_PROGRESS: ask watches behind this revision for progress */
	int64_t rev;
} cmd_t;

struct kube_store_watch {
	const kube_store_ops_t *ops; /* first: see kube_store_watch_cancel() */
	ed_t *ed;
	char *prefix, *end;
	kube_store_watch_fn fn;
	void *arg;
	int refs;	   /* ed->lock: user, I/O thread, queued items */
	int start_state;   /* ed->lock: 0 pending, 1 started, < 0 failed */
	bool cancelled;	   /* ed->lock */
	bool ended;	   /* ed->lock: an error was delivered */
	/* I/O thread only */
	int64_t next_rev;  /* start_revision of the next (re)connect */
	kube_grpc_call_t *call;
	struct event *retry_ev;
	struct event *progress_ev; /* delivers progress_rev a moment later */
	int64_t progress_rev;
	bool progress_asked;
	/* Progress is asked for only once the stream has delivered everything
	 * up to the revision it was created at: etcd 3.4 answers a progress
	 * request at once, even while a watch still replays history. */
	int64_t created_rev;
	bool caught_up;
	bool io_done;	   /* no more reconnects */
	bool io_listed;
	struct kube_store_watch *io_next;
};

typedef struct item {
	kube_store_watch_t *w;
	kube_store_event_t *ev; /* NULL with err */
	int err;
	struct item *next;
} item_t;

struct ed {
	kube_grpc_channel_t *ch;
	struct event_base *base;
	struct event *wake_ev;
	int efd;
	pthread_t io;

	pthread_mutex_t lock;
	pthread_cond_t cond;	/* a command finished, a watch started */
	cmd_t *q, *qtail;
	bool stop;
	int64_t rev;		/* highest header revision seen */
	int64_t compacted;	/* highest compaction point known */
	int64_t down_until_ns;	/* etcd just failed: current_rev answers from memory */

	kube_store_watch_t *io_watches; /* I/O thread */

	pthread_cond_t dcond;
	item_t *items, *itail;
	kube_store_watch_t *delivering;
	bool dstop;
	pthread_t disp;

	pthread_t compactor;
	bool has_compactor;
	pthread_cond_t stop_cond;
	int64_t compact_interval_ms;
};

/* ---- small helpers ---- */

static void note_rev(ed_t *ed, const Etcdserverpb__ResponseHeader *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&ed->lock);
	if (h->revision > ed->rev)
		ed->rev = h->revision;
	pthread_mutex_unlock(&ed->lock);
}

static void note_compacted(ed_t *ed, int64_t rev)
{
	pthread_mutex_lock(&ed->lock);
	if (rev > ed->compacted)
		ed->compacted = rev;
	pthread_mutex_unlock(&ed->lock);
}

/* The end of the range of keys starting with prefix, as clientv3.GetPrefixRangeEnd. */
static ProtobufCBinaryData prefix_end(const char *prefix)
{
	size_t n = strlen(prefix);
	uint8_t *e = kube_malloc(n + 1);
	ProtobufCBinaryData r;

	memcpy(e, prefix, n);
	while (n > 0) {
		if (e[n - 1] < 0xff) {
			e[n - 1]++;
			r.data = e;
			r.len = n;
			return r;
		}
		n--;
	}
	e[0] = 0; /* no upper bound: every key */
	r.data = e;
	r.len = 1;
	return r;
}

static ProtobufCBinaryData bin(const char *s)
{
	ProtobufCBinaryData b = { .len = strlen(s), .data = (uint8_t *)s };
	return b;
}

static void kv_from_pb(kube_kv_t *kv, const Etcdserverpb__KeyValue *p)
{
	kv->key = kube_strndup((const char *)p->key.data, p->key.len);
	kv->value = kube_malloc(p->value.len + 1);
	if (p->value.len)
		memcpy(kv->value, p->value.data, p->value.len);
	kv->value[p->value.len] = '\0';
	kv->value_len = p->value.len;
	kv->create_rev = p->create_revision;
	kv->mod_rev = p->mod_revision;
}

static int grpc_errno(int code, const char *msg)
{
	switch (code) {
	case KUBE_GRPC_OK:
		return 0;
	case KUBE_GRPC_OUT_OF_RANGE:
		if (msg && strstr(msg, "compacted"))
			return -KUBE_STORE_ECOMPACTED;
		if (msg && strstr(msg, "future revision"))
			return -EAGAIN;
		return -ERANGE;
	case KUBE_GRPC_DEADLINE_EXCEEDED:
		return -ETIMEDOUT;
	case KUBE_GRPC_UNAVAILABLE:
		if (msg && strstr(msg, "timed out"))
			return -ETIMEDOUT;
		return -ENOTCONN;
	case KUBE_GRPC_INVALID_ARGUMENT:
		if (msg && strstr(msg, "too large"))
			return -EMSGSIZE;
		return -EINVAL;
	case KUBE_GRPC_RESOURCE_EXHAUSTED:
		if (msg && strstr(msg, "too large"))
			return -EMSGSIZE;
		return -EAGAIN;
	case KUBE_GRPC_PERMISSION_DENIED:
	case KUBE_GRPC_UNAUTHENTICATED:
		return -EACCES;
	default:
		return -EIO;
	}
}

/* A failure after which the request surely was not applied: the connection
 * could not be made, the stream was refused, or etcd had no leader. Reads
 * are retried on any UNAVAILABLE. */
static bool safe_to_retry(int code, const char *msg, bool mutating)
{
	if (code != KUBE_GRPC_UNAVAILABLE)
		return false;
	if (!mutating)
		return true;
	return msg && (kube_startswith(msg, "connection error") || strstr(msg, "stream refused") ||
		       strstr(msg, "no leader"));
}

/* ---- the I/O thread ---- */

static void wake(ed_t *ed)
{
	uint64_t one = 1;
	ssize_t n = write(ed->efd, &one, sizeof(one));

	(void)n;
}

static void push(ed_t *ed, cmd_t *c)
{
	pthread_mutex_lock(&ed->lock);
	c->next = NULL;
	if (ed->qtail)
		ed->qtail->next = c;
	else
		ed->q = c;
	ed->qtail = c;
	pthread_mutex_unlock(&ed->lock);
	wake(ed);
}

typedef struct unary_ctx {
	ed_t *ed;
	cmd_t *c;
} unary_ctx_t;

static void unary_message(kube_grpc_call_t *call, const uint8_t *data, size_t len, void *arg)
{
	cmd_t *c = ((unary_ctx_t *)arg)->c;

	kube_buf_reset(&c->resp);
	kube_buf_append(&c->resp, data, len);
}

static void unary_done(kube_grpc_call_t *call, int code, const char *message, void *arg)
{
	unary_ctx_t *u = arg;
	ed_t *ed = u->ed;
	char *m = kube_strdup(message ? message : "");

	pthread_mutex_lock(&ed->lock);
	u->c->code = code;
	u->c->message = m;
	u->c->done = true;
	pthread_cond_broadcast(&ed->cond);
	pthread_mutex_unlock(&ed->lock);
	kube_free(u);
}

static void watch_unref_locked(kube_store_watch_t *w)
{
	if (--w->refs > 0)
		return;
	kube_free(w->prefix);
	kube_free(w->end);
	kube_free(w);
}

static void enqueue_item(ed_t *ed, kube_store_watch_t *w, kube_store_event_t *ev, int err)
{
	item_t *it = kube_calloc(1, sizeof(*it));

	it->w = w;
	it->ev = ev;
	it->err = err;
	pthread_mutex_lock(&ed->lock);
	w->refs++;
	if (ed->itail)
		ed->itail->next = it;
	else
		ed->items = it;
	ed->itail = it;
	pthread_cond_signal(&ed->dcond);
	pthread_mutex_unlock(&ed->lock);
}

static void store_event_free(kube_store_event_t *ev)
{
	if (!ev)
		return;
	kube_kv_clear(&ev->kv);
	kube_kv_clear(&ev->prev);
	kube_free(ev);
}

static void watch_connect(kube_store_watch_t *w);
static void watch_progress_cb(evutil_socket_t fd, short what, void *arg);

/* The first response decides whether kube_store_watch() succeeds. */
static void watch_started(kube_store_watch_t *w, int state)
{
	ed_t *ed = w->ed;

	pthread_mutex_lock(&ed->lock);
	w->start_state = state;
	pthread_cond_broadcast(&ed->cond);
	pthread_mutex_unlock(&ed->lock);
}

static int watch_start_state(kube_store_watch_t *w)
{
	int s;

	pthread_mutex_lock(&w->ed->lock);
	s = w->start_state;
	pthread_mutex_unlock(&w->ed->lock);
	return s;
}

/* The watch ends for good: deliver err once the start succeeded. */
static void watch_end(kube_store_watch_t *w, int err)
{
	w->io_done = true;
	if (w->call) {
		kube_grpc_call_cancel(w->call);
		w->call = NULL;
	}
	if (watch_start_state(w) == 0)
		watch_started(w, err);
	else
		enqueue_item(w->ed, w, NULL, err);
}

static void watch_message(kube_grpc_call_t *call, const uint8_t *data, size_t len, void *arg)
{
	kube_store_watch_t *w = arg;
	ed_t *ed = w->ed;
	Etcdserverpb__WatchResponse *r;

	if (w->io_done)
		return;
	r = etcdserverpb__watch_response__unpack(NULL, len, data);
	if (!r) {
		klog_v(4, "etcd: bad watch response (%zu bytes)", len);
		return;
	}
	note_rev(ed, r->header);
	if (r->canceled || r->compact_revision > 0) {
		if (r->compact_revision > 0) {
			note_compacted(ed, r->compact_revision);
			if (watch_start_state(w) == 0 && w->next_rev <= 1) {
				/* from 0: every event still in the history */
				w->next_rev = r->compact_revision;
				kube_grpc_call_cancel(w->call);
				w->call = NULL;
				watch_connect(w);
			} else {
				watch_end(w, -KUBE_STORE_ECOMPACTED);
			}
		} else {
			klog_v(4, "etcd: watch on %s cancelled: %s", w->prefix,
			       r->cancel_reason ? r->cancel_reason : "");
			watch_end(w, -EIO);
		}
		etcdserverpb__watch_response__free_unpacked(r, NULL);
		return;
	}
	if (r->created && r->header) {
		w->created_rev = r->header->revision;
		w->caught_up = w->next_rev > w->created_rev;
	}
	if (r->created && watch_start_state(w) == 0)
		watch_started(w, 1);
	if (!r->created && r->n_events == 0 && r->header) {
		/* A progress report: nothing under the prefix up to revision. etcd
		 * 3.4 may send it ahead of events already queued on the stream,
		 * so it is delivered a moment later, after those. */
		struct timeval tv = { 0, PROGRESS_DELAY_MS * 1000 };

		w->progress_asked = false;
		if (r->header->revision >= w->next_rev && r->header->revision > w->progress_rev) {
			w->progress_rev = r->header->revision;
			if (!w->progress_ev)
				w->progress_ev = evtimer_new(ed->base, watch_progress_cb, w);
			evtimer_add(w->progress_ev, &tv);
		}
	}
	for (size_t i = 0; i < r->n_events; i++) {
		const Etcdserverpb__Event *e = r->events[i];
		kube_store_event_t *ev;

		if (!e->kv || e->kv->mod_revision < w->next_rev)
			continue;
		ev = kube_calloc(1, sizeof(*ev));
		if (e->type == ETCDSERVERPB__EVENT__EVENT_TYPE__DELETE) {
			ev->type = KUBE_STORE_EVENT_DELETE;
			if (e->prev_kv) {
				kv_from_pb(&ev->kv, e->prev_kv);
				kv_from_pb(&ev->prev, e->prev_kv);
				kube_free(ev->kv.key);
			} else {
				kv_from_pb(&ev->kv, e->kv);
				kv_from_pb(&ev->prev, e->kv);
				kube_free(ev->kv.key);
			}
			ev->kv.key = kube_strndup((const char *)e->kv->key.data, e->kv->key.len);
			ev->kv.mod_rev = e->kv->mod_revision;
			ev->has_prev = true;
		} else {
			ev->type = KUBE_STORE_EVENT_PUT;
			kv_from_pb(&ev->kv, e->kv);
			if (e->prev_kv) {
				kv_from_pb(&ev->prev, e->prev_kv);
				ev->has_prev = true;
			}
		}
		w->next_rev = e->kv->mod_revision + 1;
		if (w->created_rev && w->next_rev > w->created_rev)
			w->caught_up = true;
		enqueue_item(ed, w, ev, 0);
	}
	etcdserverpb__watch_response__free_unpacked(r, NULL);
}

static void watch_progress_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_store_watch_t *w = arg;
	kube_store_event_t *ev;

	if (w->io_done || w->progress_rev < w->next_rev)
		return;
	ev = kube_calloc(1, sizeof(*ev));
	ev->type = KUBE_STORE_EVENT_PROGRESS;
	ev->kv.mod_rev = w->progress_rev;
	enqueue_item(w->ed, w, ev, 0);
}

static void watch_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	kube_store_watch_t *w = arg;

	if (!w->io_done && !w->call)
		watch_connect(w);
}

static void watch_done(kube_grpc_call_t *call, int code, const char *message, void *arg)
{
	kube_store_watch_t *w = arg;
	struct timeval tv = { 0, WATCH_RETRY_MS * 1000 };

	w->call = NULL;
	w->progress_asked = false;
	if (w->io_done)
		return;
	if (watch_start_state(w) == 0) {
		/* Could not even start: tell the caller. */
		w->io_done = true;
		watch_started(w, grpc_errno(code ? code : KUBE_GRPC_UNAVAILABLE, message));
		return;
	}
	klog_v(4, "etcd: watch on %s broke (%s: %s); resuming from revision %lld", w->prefix,
	       kube_grpc_code_name(code), message ? message : "", (long long)w->next_rev);
	if (!w->retry_ev)
		w->retry_ev = evtimer_new(w->ed->base, watch_retry_cb, w);
	evtimer_add(w->retry_ev, &tv);
}

static void watch_connect(kube_store_watch_t *w)
{
	static const char *const md[] = { "hasleader", "true", NULL };
	Etcdserverpb__WatchRequest req = ETCDSERVERPB__WATCH_REQUEST__INIT;
	Etcdserverpb__WatchCreateRequest cr = ETCDSERVERPB__WATCH_CREATE_REQUEST__INIT;

	cr.key = bin(w->prefix);
	cr.range_end.data = (uint8_t *)w->end;
	cr.range_end.len = strlen(w->end) ? strlen(w->end) : 1; /* "\0": every key */
	cr.start_revision = w->next_rev;
	cr.prev_kv = true;
	req.request_union_case = ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_CREATE_REQUEST;
	req.create_request = &cr;
	w->created_rev = 0;
	w->caught_up = false;
	w->call = kube_grpc_call_start(w->ed->ch, "/etcdserverpb.Watch/Watch", 0, md, watch_message,
				       watch_done, w);
	kube_grpc_call_send_pb(w->call, &req.base);
}

static void io_watch_forget(ed_t *ed, kube_store_watch_t *w)
{
	kube_store_watch_t **pp;

	if (w->call) {
		kube_grpc_call_cancel(w->call);
		w->call = NULL;
	}
	if (w->retry_ev) {
		event_free(w->retry_ev);
		w->retry_ev = NULL;
	}
	if (w->progress_ev) {
		event_free(w->progress_ev);
		w->progress_ev = NULL;
	}
	w->io_done = true;
	if (w->io_listed) {
		for (pp = &ed->io_watches; *pp; pp = &(*pp)->io_next) {
			if (*pp == w) {
				*pp = w->io_next;
				break;
			}
		}
		w->io_listed = false;
		pthread_mutex_lock(&ed->lock);
		watch_unref_locked(w);
		pthread_mutex_unlock(&ed->lock);
	}
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
	ed_t *ed = arg;
	uint64_t v;
	cmd_t *c, *next;
	bool stop;
	ssize_t n = read(ed->efd, &v, sizeof(v));

	(void)n;
	pthread_mutex_lock(&ed->lock);
	c = ed->q;
	ed->q = ed->qtail = NULL;
	stop = ed->stop;
	pthread_mutex_unlock(&ed->lock);
	for (; c; c = next) {
		next = c->next;
		switch (c->type) {
		case CMD_UNARY: {
			unary_ctx_t *u = kube_calloc(1, sizeof(*u));
			kube_grpc_call_t *call;

			u->ed = ed;
			u->c = c;
			call = kube_grpc_call_start(ed->ch, c->method, c->timeout_ms, NULL,
						    unary_message, unary_done, u);
			kube_grpc_call_send(call, c->req, c->req_len);
			kube_grpc_call_close_send(call);
			break;
		}
		case CMD_WATCH_START:
			c->w->io_listed = true;
			c->w->io_next = ed->io_watches;
			ed->io_watches = c->w;
			watch_connect(c->w);
			kube_free(c);
			break;
		case CMD_PROGRESS:
			for (kube_store_watch_t *w = ed->io_watches; w; w = w->io_next) {
				Etcdserverpb__WatchRequest req = ETCDSERVERPB__WATCH_REQUEST__INIT;
				Etcdserverpb__WatchProgressRequest pr =
					ETCDSERVERPB__WATCH_PROGRESS_REQUEST__INIT;

				if (!w->call || w->io_done || w->progress_asked || !w->caught_up ||
				    w->next_rev > c->rev || watch_start_state(w) != 1)
					continue;
				req.request_union_case =
					ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_PROGRESS_REQUEST;
				req.progress_request = &pr;
				if (kube_grpc_call_send_pb(w->call, &req.base) == 0)
					w->progress_asked = true;
			}
			kube_free(c);
			break;
		case CMD_WATCH_CANCEL:
			io_watch_forget(ed, c->w);
			pthread_mutex_lock(&ed->lock);
			watch_unref_locked(c->w); /* the user's reference */
			pthread_mutex_unlock(&ed->lock);
			kube_free(c);
			break;
		}
	}
	if (stop)
		event_base_loopbreak(ed->base);
}

static void *io_main(void *arg)
{
	ed_t *ed = arg;

	event_base_dispatch(ed->base);
	return NULL;
}

/* ---- the dispatcher thread ---- */

static void *disp_main(void *arg)
{
	ed_t *ed = arg;

	pthread_mutex_lock(&ed->lock);
	for (;;) {
		item_t *it = ed->items;
		kube_store_watch_t *w;

		if (!it) {
			if (ed->dstop)
				break;
			pthread_cond_wait(&ed->dcond, &ed->lock);
			continue;
		}
		ed->items = it->next;
		if (!ed->items)
			ed->itail = NULL;
		w = it->w;
		if (!w->cancelled && !w->ended) {
			ed->delivering = w;
			pthread_mutex_unlock(&ed->lock);
			w->fn(it->ev, it->err, w->arg);
			pthread_mutex_lock(&ed->lock);
			ed->delivering = NULL;
			if (it->err)
				w->ended = true;
			pthread_cond_broadcast(&ed->cond);
		}
		watch_unref_locked(w);
		pthread_mutex_unlock(&ed->lock);
		store_event_free(it->ev);
		kube_free(it);
		pthread_mutex_lock(&ed->lock);
	}
	pthread_mutex_unlock(&ed->lock);
	return NULL;
}

/* ---- unary calls ---- */

/* One call on the I/O thread, waited for. Returns the gRPC code; *ret and
 * *ret_msg as kube_grpc_unary_pb. */
static int call_once(ed_t *ed, const char *method, const uint8_t *req, size_t len,
		     int timeout_ms, kube_buf_t *resp, char **ret_msg)
{
	cmd_t c = { .type = CMD_UNARY, .method = method, .req = req, .req_len = len,
		    .timeout_ms = timeout_ms, .resp = KUBE_BUF_INIT };

	pthread_mutex_lock(&ed->lock);
	if (ed->stop) {
		pthread_mutex_unlock(&ed->lock);
		*ret_msg = kube_strdup("store closed");
		return KUBE_GRPC_UNAVAILABLE;
	}
	pthread_mutex_unlock(&ed->lock);
	push(ed, &c);
	pthread_mutex_lock(&ed->lock);
	while (!c.done)
		pthread_cond_wait(&ed->cond, &ed->lock);
	pthread_mutex_unlock(&ed->lock);
	*resp = c.resp;
	*ret_msg = c.message;
	return c.code;
}

/* A unary call with protobuf-c messages, retried while it safely can be
 * (see safe_to_retry). Returns 0 with *ret set, or -errno. */
static int ed_call_ex(ed_t *ed, const char *method, const ProtobufCMessage *req,
		      const ProtobufCMessageDescriptor *rd, bool mutating, int timeout_ms,
		      int retry_window_ms, ProtobufCMessage **ret)
{
	size_t len = protobuf_c_message_get_packed_size(req);
	uint8_t *buf = kube_malloc(len ? len : 1);
	int64_t deadline = kube_now_ns() + (int64_t)retry_window_ms * 1000000;
	int delay_ms = 50, code, r;
	kube_buf_t resp = KUBE_BUF_INIT;
	char *msg = NULL;

	protobuf_c_message_pack(req, buf);
	for (;;) {
		code = call_once(ed, method, buf, len, timeout_ms, &resp, &msg);
		if (code == KUBE_GRPC_OK || !safe_to_retry(code, msg, mutating) ||
		    kube_now_ns() + (int64_t)delay_ms * 1000000 > deadline)
			break;
		klog_v(4, "etcd: %s: %s; retrying", method, msg);
		kube_free(msg);
		msg = NULL;
		kube_buf_clear(&resp);
		usleep((useconds_t)delay_ms * 1000);
		if (delay_ms < 800)
			delay_ms *= 2;
	}
	kube_free(buf);
	pthread_mutex_lock(&ed->lock);
	ed->down_until_ns = code == KUBE_GRPC_UNAVAILABLE ? kube_now_ns() + 500 * 1000000LL : 0;
	pthread_mutex_unlock(&ed->lock);
	if (code != KUBE_GRPC_OK) {
		r = grpc_errno(code, msg);
		klog_v(4, "etcd: %s: %s: %s", method, kube_grpc_code_name(code), msg ? msg : "");
		kube_free(msg);
		kube_buf_clear(&resp);
		return r;
	}
	kube_free(msg);
	*ret = protobuf_c_message_unpack(rd, NULL, resp.len, (const uint8_t *)resp.data);
	kube_buf_clear(&resp);
	return *ret ? 0 : -EIO;
}

static int ed_call(ed_t *ed, const char *method, const ProtobufCMessage *req,
		   const ProtobufCMessageDescriptor *rd, bool mutating, int timeout_ms,
		   ProtobufCMessage **ret)
{
	return ed_call_ex(ed, method, req, rd, mutating, timeout_ms, RETRY_WINDOW_MS, ret);
}

static int txn(ed_t *ed, Etcdserverpb__TxnRequest *req, Etcdserverpb__TxnResponse **ret)
{
	int r = ed_call(ed, "/etcdserverpb.KV/Txn", &req->base, &etcdserverpb__txn_response__descriptor,
			true, CALL_TIMEOUT_MS, (ProtobufCMessage **)ret);

	if (r == 0)
		note_rev(ed, (*ret)->header);
	return r;
}

/* The Range in a Txn's failure branch (first response), or NULL. */
static const Etcdserverpb__RangeResponse *txn_range(const Etcdserverpb__TxnResponse *t)
{
	if (t->n_responses < 1 ||
	    t->responses[0]->response_case != ETCDSERVERPB__RESPONSE_OP__RESPONSE_RESPONSE_RANGE)
		return NULL;
	return t->responses[0]->response_range;
}

/* ---- ops ---- */

static void *compactor_main(void *arg);

static void ed_free(void *impl)
{
	ed_t *ed = impl;
	kube_store_watch_t *w;

	if (!ed)
		return;
	pthread_mutex_lock(&ed->lock);
	ed->stop = true;
	pthread_cond_broadcast(&ed->stop_cond);
	pthread_mutex_unlock(&ed->lock);
	if (ed->has_compactor)
		pthread_join(ed->compactor, NULL);
	wake(ed);
	pthread_join(ed->io, NULL);
	/* Run what was queued last (cancels), then drop the watches left. */
	wake_cb(-1, 0, ed);
	while ((w = ed->io_watches))
		io_watch_forget(ed, w);
	pthread_mutex_lock(&ed->lock);
	ed->dstop = true;
	pthread_cond_signal(&ed->dcond);
	pthread_mutex_unlock(&ed->lock);
	pthread_join(ed->disp, NULL);
	kube_grpc_channel_free(ed->ch);
	event_free(ed->wake_ev);
	event_base_free(ed->base);
	close(ed->efd);
	pthread_mutex_destroy(&ed->lock);
	pthread_cond_destroy(&ed->cond);
	pthread_cond_destroy(&ed->dcond);
	pthread_cond_destroy(&ed->stop_cond);
	kube_free(ed);
}

static int ed_open(const kube_store_config_t *cfg, void **ret_impl)
{
	ed_t *ed;
	kube_buf_t target = KUBE_BUF_INIT;
	kube_grpc_config_t gc = { 0 };
	bool tls = cfg->cert_file && *cfg->cert_file;
	int err = 0;

	if (!cfg->servers || !cfg->servers[0])
		return -EINVAL;
	for (size_t i = 0; cfg->servers[i]; i++) {
		const char *s = cfg->servers[i];

		if (!*s)
			continue;
		if (target.len)
			kube_buf_putc(&target, ',');
		/* etcd flags take scheme://host:port; a bare host:port is h2c */
		if (!strstr(s, "://") && (tls || (cfg->ca_file && *cfg->ca_file)))
			kube_buf_puts(&target, "https://");
		kube_buf_puts(&target, s);
	}
	kube_loop_init();
	gc.target = kube_buf_str(&target);
	gc.connect_timeout_ms = 2000;
	gc.keepalive_time_ms = 10000;
	gc.keepalive_timeout_ms = 5000;
	gc.max_message = 64u << 20;
	gc.ca_file = cfg->ca_file && *cfg->ca_file ? cfg->ca_file : NULL;
	gc.cert_file = tls ? cfg->cert_file : NULL;
	gc.key_file = cfg->key_file && *cfg->key_file ? cfg->key_file : NULL;
	ed = kube_calloc(1, sizeof(*ed));
	ed->base = event_base_new();
	ed->ch = kube_grpc_channel_new(ed->base, &gc, &err);
	kube_buf_clear(&target);
	if (!ed->ch) {
		event_base_free(ed->base);
		kube_free(ed);
		return err ? err : -EINVAL;
	}
	ed->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ed->wake_ev = event_new(ed->base, ed->efd, EV_READ | EV_PERSIST, wake_cb, ed);
	event_add(ed->wake_ev, NULL);
	pthread_mutex_init(&ed->lock, NULL);
	pthread_cond_init(&ed->cond, NULL);
	pthread_cond_init(&ed->dcond, NULL);
	pthread_cond_init(&ed->stop_cond, NULL);
	pthread_create(&ed->io, NULL, io_main, ed);
	pthread_create(&ed->disp, NULL, disp_main, ed);
	ed->compact_interval_ms = cfg->compaction_interval_ms;
	if (ed->compact_interval_ms > 0) {
		ed->has_compactor = true;
		pthread_create(&ed->compactor, NULL, compactor_main, ed);
	}
	*ret_impl = ed;
	return 0;
}

static int range(ed_t *ed, Etcdserverpb__RangeRequest *req, Etcdserverpb__RangeResponse **ret)
{
	int r = ed_call(ed, "/etcdserverpb.KV/Range", &req->base,
			&etcdserverpb__range_response__descriptor, false, CALL_TIMEOUT_MS,
			(ProtobufCMessage **)ret);

	if (r == 0)
		note_rev(ed, (*ret)->header);
	return r;
}

static int ed_get(void *impl, const char *key, kube_kv_t *ret)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp;
	int r;

	req.key = bin(key);
	r = range(impl, &req, &resp);
	if (r < 0)
		return r;
	if (resp->n_kvs == 0)
		r = -ENOENT;
	else
		kv_from_pb(ret, resp->kvs[0]);
	etcdserverpb__range_response__free_unpacked(resp, NULL);
	return r;
}

static int ed_list(void *impl, const char *prefix, const char *start_key, size_t limit,
		   int64_t rev, kube_kv_list_t *ret)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp;
	ProtobufCBinaryData end = prefix_end(prefix);
	const char *from = start_key && strcmp(start_key, prefix) > 0 ? start_key : prefix;
	kube_kv_list_t l = { 0 };
	int r;

	req.key = bin(from);
	req.range_end = end;
	req.limit = (int64_t)limit;
	req.revision = rev > 0 ? rev : 0;
	r = range(impl, &req, &resp);
	kube_free(end.data);
	if (r < 0)
		return r;
	if (resp->n_kvs) {
		l.items = kube_calloc(resp->n_kvs, sizeof(*l.items));
		for (size_t i = 0; i < resp->n_kvs; i++)
			kv_from_pb(&l.items[l.count++], resp->kvs[i]);
	}
	l.more = resp->more;
	l.rev = rev > 0 ? rev : resp->header ? resp->header->revision : 0;
	etcdserverpb__range_response__free_unpacked(resp, NULL);
	*ret = l;
	return 0;
}

static int ed_count(void *impl, const char *prefix, int64_t *ret)
{
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp;
	ProtobufCBinaryData end = prefix_end(prefix);
	int r;

	req.key = bin(prefix);
	req.range_end = end;
	req.count_only = true;
	r = range(impl, &req, &resp);
	kube_free(end.data);
	if (r < 0)
		return r;
	*ret = resp->count;
	etcdserverpb__range_response__free_unpacked(resp, NULL);
	return 0;
}

static int ed_create(void *impl, const char *key, const char *value, size_t len, int64_t *ret_rev)
{
	Etcdserverpb__TxnRequest req = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__Compare *cmps[1] = { &cmp };
	Etcdserverpb__RequestOp *ops[1] = { &op };
	Etcdserverpb__TxnResponse *resp;
	int r;

	if (len > MAX_VALUE_BYTES)
		return -EMSGSIZE;
	cmp.result = ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL;
	cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE;
	cmp.key = bin(key);
	cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_CREATE_REVISION;
	cmp.create_revision = 0;
	put.key = bin(key);
	put.value.data = (uint8_t *)value;
	put.value.len = len;
	op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	op.request_put = &put;
	req.n_compare = 1;
	req.compare = cmps;
	req.n_success = 1;
	req.success = ops;
	r = txn(impl, &req, &resp);
	if (r < 0)
		return r;
	if (!resp->succeeded)
		r = -EEXIST;
	else if (ret_rev)
		*ret_rev = resp->header ? resp->header->revision : 0;
	etcdserverpb__txn_response__free_unpacked(resp, NULL);
	return r;
}

/* Txn: if (expected ? mod_revision == expected : create_revision > 0) then
 * then_op else Range(key). */
static int cas(ed_t *ed, const char *key, int64_t expected, Etcdserverpb__RequestOp *then_op,
	       Etcdserverpb__TxnResponse **ret)
{
	Etcdserverpb__TxnRequest req = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
	Etcdserverpb__RequestOp else_op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__RangeRequest get = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__Compare *cmps[1] = { &cmp };
	Etcdserverpb__RequestOp *ops[1] = { then_op }, *elses[1] = { &else_op };

	cmp.key = bin(key);
	if (expected > 0) {
		cmp.result = ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL;
		cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD;
		cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_MOD_REVISION;
		cmp.mod_revision = expected;
	} else {
		cmp.result = ETCDSERVERPB__COMPARE__COMPARE_RESULT__GREATER;
		cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE;
		cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_CREATE_REVISION;
		cmp.create_revision = 0;
	}
	get.key = bin(key);
	else_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE;
	else_op.request_range = &get;
	req.n_compare = 1;
	req.compare = cmps;
	req.n_success = 1;
	req.success = ops;
	req.n_failure = 1;
	req.failure = elses;
	return txn(ed, &req, ret);
}

/* A failed cas: -ENOENT when the key is gone, else -ECANCELED with the
 * current value in *cur (when not NULL). */
static int cas_failed(const Etcdserverpb__TxnResponse *resp, kube_kv_t *cur)
{
	const Etcdserverpb__RangeResponse *rr = txn_range(resp);

	if (!rr || rr->n_kvs == 0)
		return -ENOENT;
	if (cur)
		kv_from_pb(cur, rr->kvs[0]);
	return -ECANCELED;
}

static int ed_update(void *impl, const char *key, const char *value, size_t len,
		     int64_t expected, int64_t *ret_rev, kube_kv_t *ret_current)
{
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__TxnResponse *resp;
	int r;

	if (len > MAX_VALUE_BYTES)
		return -EMSGSIZE;
	put.key = bin(key);
	put.value.data = (uint8_t *)value;
	put.value.len = len;
	op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	op.request_put = &put;
	r = cas(impl, key, expected, &op, &resp);
	if (r < 0)
		return r;
	if (!resp->succeeded)
		r = cas_failed(resp, ret_current);
	else if (ret_rev)
		*ret_rev = resp->header ? resp->header->revision : 0;
	etcdserverpb__txn_response__free_unpacked(resp, NULL);
	return r;
}

static int ed_delete(void *impl, const char *key, int64_t expected, int64_t *ret_rev,
		     kube_kv_t *ret_prev)
{
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__DeleteRangeRequest del = ETCDSERVERPB__DELETE_RANGE_REQUEST__INIT;
	Etcdserverpb__TxnResponse *resp;
	int r;

	del.key = bin(key);
	del.prev_kv = true;
	op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_DELETE_RANGE;
	op.request_delete_range = &del;
	r = cas(impl, key, expected, &op, &resp);
	if (r < 0)
		return r;
	if (!resp->succeeded) {
		r = cas_failed(resp, ret_prev);
	} else {
		const Etcdserverpb__DeleteRangeResponse *dr =
			resp->n_responses > 0 && resp->responses[0]->response_case ==
			ETCDSERVERPB__RESPONSE_OP__RESPONSE_RESPONSE_DELETE_RANGE
				? resp->responses[0]->response_delete_range : NULL;

		if (!dr || dr->deleted == 0) {
			r = -ENOENT;
		} else {
			if (ret_rev)
				*ret_rev = resp->header ? resp->header->revision : 0;
			if (ret_prev && dr->n_prev_kvs > 0)
				kv_from_pb(ret_prev, dr->prev_kvs[0]);
		}
	}
	etcdserverpb__txn_response__free_unpacked(resp, NULL);
	return r;
}

static int64_t ed_current_rev(void *impl)
{
	ed_t *ed = impl;
	Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *resp;
	int64_t rev;

	/* Called on API server loops: one quick try, none while etcd is down. */
	pthread_mutex_lock(&ed->lock);
	rev = ed->down_until_ns > kube_now_ns() ? ed->rev : -1;
	pthread_mutex_unlock(&ed->lock);
	if (rev >= 0)
		return rev;
	req.key = bin(COMPACT_REV_KEY);
	req.count_only = true;
	if (ed_call_ex(ed, "/etcdserverpb.KV/Range", &req.base, &etcdserverpb__range_response__descriptor,
		       false, 1000, 0, (ProtobufCMessage **)&resp) == 0) {
		note_rev(ed, resp->header);
		cmd_t *c = kube_calloc(1, sizeof(*c));

		rev = resp->header ? resp->header->revision : 0;
		etcdserverpb__range_response__free_unpacked(resp, NULL);
		/* Watches that have not reached rev learn whether they are
		 * behind or only writes elsewhere came after their last event. */
		c->type = CMD_PROGRESS;
		c->rev = rev;
		push(ed, c);
		return rev;
	}
	pthread_mutex_lock(&ed->lock);
	rev = ed->rev;
	pthread_mutex_unlock(&ed->lock);
	return rev;
}

static int64_t ed_compacted_rev(void *impl)
{
	ed_t *ed = impl;
	int64_t rev;

	pthread_mutex_lock(&ed->lock);
	rev = ed->compacted;
	pthread_mutex_unlock(&ed->lock);
	return rev;
}

static int ed_compact(void *impl, int64_t rev)
{
	ed_t *ed = impl;
	Etcdserverpb__CompactionRequest req = ETCDSERVERPB__COMPACTION_REQUEST__INIT;
	Etcdserverpb__CompactionResponse *resp;
	int r;

	req.revision = rev;
	r = ed_call(ed, "/etcdserverpb.KV/Compact", &req.base,
		    &etcdserverpb__compaction_response__descriptor, false, 60000,
		    (ProtobufCMessage **)&resp);
	if (r == -EAGAIN) { /* a future revision: compact what there is */
		req.revision = ed_current_rev(ed);
		r = ed_call(ed, "/etcdserverpb.KV/Compact", &req.base,
			    &etcdserverpb__compaction_response__descriptor, false, 60000,
			    (ProtobufCMessage **)&resp);
	}
	if (r == -KUBE_STORE_ECOMPACTED && rev <= ed_compacted_rev(ed))
		return rev == ed_compacted_rev(ed) ? 0 : r;
	if (r < 0)
		return r;
	note_rev(ed, resp->header);
	note_compacted(ed, req.revision);
	etcdserverpb__compaction_response__free_unpacked(resp, NULL);
	return 0;
}

static int ed_health(void *impl)
{
	ed_t *ed = impl;
	Etcdserverpb__StatusRequest req = ETCDSERVERPB__STATUS_REQUEST__INIT;
	Etcdserverpb__StatusResponse *resp;
	size_t len = protobuf_c_message_get_packed_size(&req.base);
	uint8_t buf[16];
	kube_buf_t out = KUBE_BUF_INIT;
	char *msg = NULL;
	int code, r;

	/* One try, no retries: health must answer fast. */
	pthread_mutex_lock(&ed->lock);
	r = ed->down_until_ns > kube_now_ns() ? -ENOTCONN : 0;
	pthread_mutex_unlock(&ed->lock);
	if (r < 0)
		return r;
	protobuf_c_message_pack(&req.base, buf);
	code = call_once(ed, "/etcdserverpb.Maintenance/Status", buf, len, 2000, &out, &msg);
	if (code != KUBE_GRPC_OK) {
		klog_v(4, "etcd: health: %s: %s", kube_grpc_code_name(code), msg ? msg : "");
		r = grpc_errno(code, msg);
		kube_free(msg);
		kube_buf_clear(&out);
		return r;
	}
	kube_free(msg);
	resp = etcdserverpb__status_response__unpack(NULL, out.len, (const uint8_t *)out.data);
	kube_buf_clear(&out);
	if (!resp)
		return -EIO;
	r = resp->leader == 0 || resp->n_errors > 0 ? -EAGAIN : 0;
	note_rev(ed, resp->header);
	etcdserverpb__status_response__free_unpacked(resp, NULL);
	return r;
}

static int ed_watch(void *impl, const char *prefix, int64_t from_rev, kube_store_watch_fn fn,
		    void *arg, kube_store_watch_t **ret)
{
	ed_t *ed = impl;
	kube_store_watch_t *w;
	cmd_t *c;
	ProtobufCBinaryData end;
	int state;

	if (from_rev < 0)
		return -EINVAL;
	if (from_rev > 0) {
		/* etcd creates a watch on a compacted revision and cancels it
		 * a moment later; a read at the same revision says so now. */
		Etcdserverpb__RangeRequest req = ETCDSERVERPB__RANGE_REQUEST__INIT;
		Etcdserverpb__RangeResponse *resp;
		int r;

		end = prefix_end(prefix);
		req.key = bin(prefix);
		req.range_end = end;
		req.count_only = true;
		req.revision = from_rev + 1;
		r = range(ed, &req, &resp);
		kube_free(end.data);
		if (r == -KUBE_STORE_ECOMPACTED)
			return r;
		if (r == 0)
			etcdserverpb__range_response__free_unpacked(resp, NULL);
	}
	w = kube_calloc(1, sizeof(*w));
	w->ops = &kube_store_etcd_ops;
	w->ed = ed;
	w->prefix = kube_strdup(prefix);
	end = prefix_end(prefix);
	w->end = kube_strndup((const char *)end.data, end.len);
	kube_free(end.data);
	w->next_rev = from_rev + 1; /* etcd's start_revision is inclusive */
	w->fn = fn;
	w->arg = arg;
	w->refs = 2; /* the caller's and the I/O thread's */
	c = kube_calloc(1, sizeof(*c));
	c->type = CMD_WATCH_START;
	c->w = w;
	push(ed, c);
	pthread_mutex_lock(&ed->lock);
	while (w->start_state == 0)
		pthread_cond_wait(&ed->cond, &ed->lock);
	state = w->start_state;
	pthread_mutex_unlock(&ed->lock);
	if (state < 0) {
		kube_store_watch_cancel(w);
		return state;
	}
	*ret = w;
	return 0;
}

static void ed_watch_cancel(kube_store_watch_t *w)
{
	ed_t *ed = w->ed;
	cmd_t *c;

	pthread_mutex_lock(&ed->lock);
	w->cancelled = true;
	if (!pthread_equal(pthread_self(), ed->disp)) {
		while (ed->delivering == w)
			pthread_cond_wait(&ed->cond, &ed->lock);
	}
	pthread_mutex_unlock(&ed->lock);
	c = kube_calloc(1, sizeof(*c));
	c->type = CMD_WATCH_CANCEL;
	c->w = w;
	push(ed, c);
}

/* ---- compaction, as upstream's apiserver ---- */

/* One round: returns the new (version, revision) pair through *t, *rev. */
static void compact_round(ed_t *ed, int64_t *t, int64_t *rev)
{
	Etcdserverpb__TxnRequest req = ETCDSERVERPB__TXN_REQUEST__INIT;
	Etcdserverpb__Compare cmp = ETCDSERVERPB__COMPARE__INIT;
	Etcdserverpb__RequestOp op = ETCDSERVERPB__REQUEST_OP__INIT, else_op = ETCDSERVERPB__REQUEST_OP__INIT;
	Etcdserverpb__PutRequest put = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__RangeRequest get = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__Compare *cmps[1] = { &cmp };
	Etcdserverpb__RequestOp *ops[1] = { &op }, *elses[1] = { &else_op };
	Etcdserverpb__TxnResponse *resp;
	char val[32];
	int64_t cur_rev;

	snprintf(val, sizeof(val), "%lld", (long long)*rev);
	cmp.result = ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL;
	cmp.target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__VERSION;
	cmp.key = bin(COMPACT_REV_KEY);
	cmp.target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_VERSION;
	cmp.version = *t;
	put.key = bin(COMPACT_REV_KEY);
	put.value = bin(val);
	op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
	op.request_put = &put;
	get.key = bin(COMPACT_REV_KEY);
	else_op.request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_RANGE;
	else_op.request_range = &get;
	req.n_compare = 1;
	req.compare = cmps;
	req.n_success = 1;
	req.success = ops;
	req.n_failure = 1;
	req.failure = elses;
	if (txn(ed, &req, &resp) < 0)
		return;
	cur_rev = resp->header ? resp->header->revision : 0;
	if (!resp->succeeded) {
		const Etcdserverpb__RangeResponse *rr = txn_range(resp);

		*t = rr && rr->n_kvs ? rr->kvs[0]->version : 0;
		*rev = cur_rev;
		etcdserverpb__txn_response__free_unpacked(resp, NULL);
		return;
	}
	etcdserverpb__txn_response__free_unpacked(resp, NULL);
	(*t)++;
	if (*rev > 0) { /* no compaction on bootstrap */
		int r = ed_compact(ed, *rev);

		if (r < 0 && r != -KUBE_STORE_ECOMPACTED)
			klog_v(4, "etcd: compaction to %lld failed: %s", (long long)*rev, strerror(-r));
		else
			klog_v(4, "etcd: compacted rev (%lld)", (long long)*rev);
	}
	*rev = cur_rev;
}

static void *compactor_main(void *arg)
{
	ed_t *ed = arg;
	int64_t t = 0, rev = 0;

	pthread_mutex_lock(&ed->lock);
	while (!ed->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ed->compact_interval_ms / 1000;
		ts.tv_nsec += (ed->compact_interval_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&ed->stop_cond, &ed->lock, &ts);
		if (ed->stop)
			break;
		pthread_mutex_unlock(&ed->lock);
		compact_round(ed, &t, &rev);
		pthread_mutex_lock(&ed->lock);
	}
	pthread_mutex_unlock(&ed->lock);
	return NULL;
}

const kube_store_ops_t kube_store_etcd_ops = {
	.name = "etcd3",
	.open = ed_open,
	.free = ed_free,
	.get = ed_get,
	.list = ed_list,
	.count = ed_count,
	.create = ed_create,
	.update = ed_update,
	.delete = ed_delete,
	.current_rev = ed_current_rev,
	.compacted_rev = ed_compacted_rev,
	.compact = ed_compact,
	.health = ed_health,
	.watch = ed_watch,
	.watch_cancel = ed_watch_cancel,
};
