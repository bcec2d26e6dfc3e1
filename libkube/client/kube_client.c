/* kube_client: the thread-safe REST client (see header). */
#include "client/kube_client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"
#include "core/kube_metrics.h"
#include "net/kube_http.h"
#include "net/kube_http_client.h"

#define POOL_MAX_IDLE 16
#define BACKOFF_BASE_MS 100
#define BACKOFF_MAX_MS 2000
#define RETRY_AFTER_MAX_S 30
#define WATCH_LINE_MAX (64u << 20)

/* ---- cancel tokens ---- */

/* A blocking call waiting on a token: firing activates its wake event so
 * the call's loop notices at once. */
typedef struct cancel_waiter {
	struct event *wake;
	struct cancel_waiter *next;
} cancel_waiter_t;

struct kube_client_cancel {
	pthread_mutex_t lock;
	atomic_bool fired;
	cancel_waiter_t *waiters;
};

kube_client_cancel_t *kube_client_cancel_new(void)
{
	kube_client_cancel_t *t = kube_calloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void kube_client_cancel_fire(kube_client_cancel_t *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->fired, true);
	for (cancel_waiter_t *w = t->waiters; w; w = w->next)
		event_active(w->wake, EV_READ, 0);
	pthread_mutex_unlock(&t->lock);
}

bool kube_client_cancel_fired(const kube_client_cancel_t *t)
{
	return t && atomic_load(&((kube_client_cancel_t *)t)->fired);
}

void kube_client_cancel_free(kube_client_cancel_t *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	kube_free(t);
}

static void cancel_register(kube_client_cancel_t *t, cancel_waiter_t *w)
{
	pthread_mutex_lock(&t->lock);
	w->next = t->waiters;
	t->waiters = w;
	pthread_mutex_unlock(&t->lock);
}

static void cancel_unregister(kube_client_cancel_t *t, cancel_waiter_t *w)
{
	pthread_mutex_lock(&t->lock);
	for (cancel_waiter_t **p = &t->waiters; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

/* ---- the client ---- */

/* One pooled blocking HTTP client with its wake-up event. */
typedef struct conn {
	kube_http_client_t *http;
	struct event *wake;
} conn_t;

struct kube_client {
	char *server;
	kube_http_client_config_t hcfg;
	char *hstrings[8];
	char *token, *token_file, *basic;
	char *user_agent;
	int timeout_ms;
	int max_retries;

	pthread_mutex_t lock; /* pool, token bucket, token file */
	conn_t **idle;
	size_t nidle;
	double qps;
	int burst;
	double tokens;
	int64_t last_ns;
	char *file_token;
	int64_t file_token_mtime;

	atomic_uint_fast64_t requests, retries, throttled_ns;
	kube_client_metrics_t metrics;
	char *host; /* "host:port" for metric labels */
};

void kube_client_status_clear(kube_client_status_t *st)
{
	if (!st)
		return;
	kube_free(st->reason);
	kube_free(st->message);
	cJSON_Delete(st->details);
	memset(st, 0, sizeof(*st));
}

int kube_client_errno(int http_code, const char *reason)
{
	switch (http_code) {
	case 400: return -EINVAL;
	case 401: return -EACCES;
	case 403: return -EPERM;
	case 404: return -ENOENT;
	case 405: return -EOPNOTSUPP;
	case 409: return kube_streq(reason, "AlreadyExists") ? -EEXIST : -ESTALE;
	case 410: return -ETIME;
	case 413: return -E2BIG;
	case 415: return -EPROTONOSUPPORT;
	case 422: return -EDOM;
	case 429: return -EAGAIN;
	case 500: return -EIO;
	case 503: return -EBUSY;
	case 504: return -ETIMEDOUT;
	default: return -EPROTO;
	}
}

static char *base64(const char *s)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	kube_buf_t b = KUBE_BUF_INIT;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		kube_buf_putc(&b, tbl[(v >> 18) & 63]);
		kube_buf_putc(&b, tbl[(v >> 12) & 63]);
		kube_buf_putc(&b, i + 1 < n ? tbl[(v >> 6) & 63] : '=');
		kube_buf_putc(&b, i + 2 < n ? tbl[v & 63] : '=');
	}
	return kube_buf_steal(&b);
}

static const char *hdup(kube_client_t *c, size_t i, const char *s)
{
	c->hstrings[i] = s && *s ? kube_strdup(s) : NULL;
	return c->hstrings[i];
}

static int check_file(const char *path)
{
	if (path && *path && access(path, R_OK) < 0)
		return -errno;
	return 0;
}

int kube_client_new(const kube_client_config_t *cfg, kube_client_t **ret)
{
	kube_client_t *c;
	const char *s = cfg ? cfg->server : NULL;
	const char *host;
	size_t len;
	int r;

	if (!s || !*s)
		return -EINVAL;
	if ((r = check_file(cfg->ca_file)) < 0 || (r = check_file(cfg->cert_file)) < 0 ||
	    (r = check_file(cfg->key_file)) < 0)
		return r;
	c = kube_calloc(1, sizeof(*c));
	if (strstr(s, "://"))
		c->server = kube_strdup(s);
	else
		c->server = kube_asprintf("%s://%s",
					  cfg->ca_file || cfg->ca_pem || cfg->cert_file ||
							  cfg->cert_pem ?
						  "https" :
						  "http",
					  s);
	len = strlen(c->server);
	while (len > 0 && c->server[len - 1] == '/')
		c->server[--len] = '\0';
	if (kube_startswith(c->server, "http://"))
		host = c->server + 7;
	else if (kube_startswith(c->server, "https://"))
		host = c->server + 8;
	else
		host = NULL;
	if (!host || !*host || *host == '/' || *host == ':') {
		kube_free(c->server);
		kube_free(c);
		return -EINVAL;
	}
	kube_loop_init();
	c->host = kube_strndup(host, strcspn(host, "/"));

	c->hcfg.ca_file = hdup(c, 0, cfg->ca_file);
	c->hcfg.ca_pem = hdup(c, 1, cfg->ca_pem);
	c->hcfg.cert_file = hdup(c, 2, cfg->cert_file);
	c->hcfg.cert_pem = hdup(c, 3, cfg->cert_pem);
	c->hcfg.key_file = hdup(c, 4, cfg->key_file);
	c->hcfg.key_pem = hdup(c, 5, cfg->key_pem);
	c->hcfg.server_name = hdup(c, 6, cfg->server_name);
	c->hcfg.insecure_skip_verify = cfg->insecure_skip_verify;
	c->hcfg.disable_http2 = cfg->disable_http2;
	c->hcfg.max_idle_per_host = 2;

	if (cfg->token && *cfg->token)
		c->token = kube_strdup(cfg->token);
	if (cfg->token_file && *cfg->token_file)
		c->token_file = kube_strdup(cfg->token_file);
	if (!c->token && !c->token_file && cfg->username && *cfg->username) {
		_cleanup_free_ char *up = kube_asprintf("%s:%s", cfg->username,
							cfg->password ? cfg->password : "");
		_cleanup_free_ char *b = base64(up);

		c->basic = kube_asprintf("Basic %s", b);
	}
	if (cfg->user_agent && *cfg->user_agent)
		c->user_agent = kube_strdup(cfg->user_agent);
	else
		c->user_agent = kube_asprintf("%s/%s (linux/amd64) kubernetes/%s",
					      program_invocation_short_name, KUBE_GIT_VERSION,
					      KUBE_GIT_COMMIT);
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 0;
	c->max_retries = cfg->max_retries == 0 ? 10 : cfg->max_retries < 0 ? 0 : cfg->max_retries;
	c->qps = cfg->qps == 0 ? 5 : cfg->qps;
	c->burst = cfg->burst > 0 ? cfg->burst : 10;
	c->tokens = c->burst;
	c->last_ns = kube_now_ns();
	pthread_mutex_init(&c->lock, NULL);
	*ret = c;
	return 0;
}

static void conn_free(conn_t *k)
{
	if (!k)
		return;
	event_free(k->wake);
	kube_http_client_free(k->http);
	kube_free(k);
}

void kube_client_free(kube_client_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nidle; i++)
		conn_free(c->idle[i]);
	kube_free(c->idle);
	for (size_t i = 0; i < ARRAY_SIZE(c->hstrings); i++)
		kube_free(c->hstrings[i]);
	kube_free(c->server);
	kube_free(c->host);
	kube_free(c->token);
	kube_free(c->token_file);
	kube_free(c->file_token);
	kube_free(c->basic);
	kube_free(c->user_agent);
	pthread_mutex_destroy(&c->lock);
	kube_free(c);
}

const char *kube_client_server(const kube_client_t *c)
{
	return c->server;
}

void kube_client_get_stats(kube_client_t *c, kube_client_stats_t *ret)
{
	ret->requests = atomic_load(&c->requests);
	ret->retries = atomic_load(&c->retries);
	ret->throttled_ns = atomic_load(&c->throttled_ns);
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

static conn_t *conn_get(kube_client_t *c)
{
	conn_t *k = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->nidle > 0)
		k = c->idle[--c->nidle];
	pthread_mutex_unlock(&c->lock);
	if (k)
		return k;
	k = kube_calloc(1, sizeof(*k));
	k->http = kube_http_client_new(NULL, &c->hcfg);
	k->wake = event_new(kube_http_client_base(k->http), -1, 0, wake_cb, NULL);
	return k;
}

static void conn_put(kube_client_t *c, conn_t *k)
{
	pthread_mutex_lock(&c->lock);
	if (c->nidle < POOL_MAX_IDLE) {
		c->idle = kube_realloc(c->idle, (c->nidle + 1) * sizeof(*c->idle));
		c->idle[c->nidle++] = k;
		k = NULL;
	}
	pthread_mutex_unlock(&c->lock);
	conn_free(k);
}

/* Sleep ms, waking early when cancel fires. Returns -ECANCELED then. */
static int sleep_ms(int64_t ms, kube_client_cancel_t *cancel)
{
	int64_t end = kube_now_ns() + ms * 1000000;

	for (;;) {
		int64_t left = end - kube_now_ns();
		struct timespec ts;

		if (kube_client_cancel_fired(cancel))
			return -ECANCELED;
		if (left <= 0)
			return 0;
		if (left > 20000000)
			left = 20000000;
		ts.tv_sec = 0;
		ts.tv_nsec = left;
		nanosleep(&ts, NULL);
	}
}

static const double metric_buckets[] = { 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60 };

void kube_client_metrics_register(kube_metrics_t *m, kube_client_metrics_t *ret)
{
	static const char *const req_labels[] = { "code", "host", "method", NULL };
	static const char *const verb_labels[] = { "verb", "host", NULL };

	ret->requests = kube_metrics_counter(m, "rest_client_requests_total",
					     "[ALPHA] Number of HTTP requests, partitioned by status code, method, and host.",
					     req_labels);
	ret->duration = kube_metrics_histogram(m, "rest_client_request_duration_seconds",
					       "[ALPHA] Request latency in seconds. Broken down by verb, and host.",
					       verb_labels, metric_buckets, ARRAY_SIZE(metric_buckets));
	ret->rate_limiter = kube_metrics_histogram(m, "rest_client_rate_limiter_duration_seconds",
						   "[ALPHA] Client side rate limiter latency in seconds. Broken down by verb, and host.",
						   verb_labels, metric_buckets, ARRAY_SIZE(metric_buckets));
}

void kube_client_set_metrics(kube_client_t *c, const kube_client_metrics_t *cm)
{
	if (cm)
		c->metrics = *cm;
	else
		memset(&c->metrics, 0, sizeof(c->metrics));
}

static void observe_request(kube_client_t *c, const char *method, int status, int64_t ns)
{
	char code[16];

	if (c->metrics.requests) {
		if (status > 0)
			snprintf(code, sizeof(code), "%d", status);
		else
			kube_strlcpy(code, "<error>", sizeof(code));
		kube_metric_add(c->metrics.requests,
				(const char *const[]){ code, c->host, method, NULL }, 1);
	}
	if (c->metrics.duration)
		kube_metric_observe(c->metrics.duration,
				    (const char *const[]){ method, c->host, NULL }, (double)ns / 1e9);
}

/* client-go's token bucket: take a token, waiting for it if none is left. */
static int rate_wait(kube_client_t *c, const char *method, kube_client_cancel_t *cancel)
{
	int64_t now, wait_ns = 0;

	if (c->qps < 0)
		return 0;
	pthread_mutex_lock(&c->lock);
	now = kube_now_ns();
	c->tokens += (double)(now - c->last_ns) / 1e9 * c->qps;
	if (c->tokens > c->burst)
		c->tokens = c->burst;
	c->last_ns = now;
	c->tokens -= 1;
	if (c->tokens < 0)
		wait_ns = (int64_t)(-c->tokens / c->qps * 1e9);
	pthread_mutex_unlock(&c->lock);
	if (c->metrics.rate_limiter)
		kube_metric_observe(c->metrics.rate_limiter,
				    (const char *const[]){ method, c->host, NULL },
				    wait_ns > 0 ? (double)wait_ns / 1e9 : 0);
	if (wait_ns <= 0)
		return 0;
	atomic_fetch_add(&c->throttled_ns, (uint64_t)wait_ns);
	return sleep_ms((wait_ns + 999999) / 1000000, cancel);
}

/* The Authorization header value, or NULL. */
static char *auth_header(kube_client_t *c)
{
	char *h = NULL;

	if (c->token)
		return kube_asprintf("Bearer %s", c->token);
	if (c->basic)
		return kube_strdup(c->basic);
	if (!c->token_file)
		return NULL;
	pthread_mutex_lock(&c->lock);
	{
		struct stat st;

		if (stat(c->token_file, &st) == 0 &&
		    (!c->file_token ||
		     (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != c->file_token_mtime)) {
			FILE *f = fopen(c->token_file, "re");

			if (f) {
				char buf[8192];
				size_t n = fread(buf, 1, sizeof(buf) - 1, f);

				fclose(f);
				while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
						 buf[n - 1] == ' '))
					n--;
				buf[n] = '\0';
				kube_free(c->file_token);
				c->file_token = kube_strdup(buf);
				c->file_token_mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 +
						      st.st_mtim.tv_nsec;
			}
		}
		if (c->file_token && *c->file_token)
			h = kube_asprintf("Bearer %s", c->file_token);
	}
	pthread_mutex_unlock(&c->lock);
	return h;
}

struct sync_call {
	bool done;
	int err;
	kube_http_response_t resp;
};

static void sync_done(kube_http_call_t *call, int err, kube_http_response_t *resp, void *arg)
{
	struct sync_call *s = arg;

	(void)call;
	s->done = true;
	s->err = err;
	if (!err && resp)
		kube_http_response_move(&s->resp, resp);
}

/* One HTTP exchange on a pooled connection, abortable by cancel. */
static int do_once(kube_client_t *c, const kube_http_request_t *hreq, kube_client_cancel_t *cancel,
		   kube_http_response_t *ret_resp)
{
	conn_t *k = conn_get(c);
	struct event_base *base = kube_http_client_base(k->http);
	struct sync_call s = { 0 };
	cancel_waiter_t w = { .wake = k->wake };
	kube_http_call_t *call;
	int err = 0;

	atomic_fetch_add(&c->requests, 1);
	call = kube_http_client_start(k->http, hreq, sync_done, &s, &err);
	if (!call) {
		conn_put(c, k);
		return err;
	}
	if (cancel)
		cancel_register(cancel, &w);
	while (!s.done) {
		if (kube_client_cancel_fired(cancel)) {
			kube_http_call_cancel(call);
			s.err = -ECANCELED;
			break;
		}
		event_base_loop(base, EVLOOP_ONCE);
	}
	if (cancel)
		cancel_unregister(cancel, &w);
	conn_put(c, k);
	if (s.err) {
		kube_http_response_clear(&s.resp);
		return s.err;
	}
	*ret_resp = s.resp;
	return 0;
}

static bool idempotent(const char *method)
{
	return strcmp(method, "POST") != 0;
}

/* Seconds from Retry-After, or -1. */
static int retry_after(const kube_http_response_t *resp)
{
	const char *v = kube_http_response_header(resp, "Retry-After");
	char *end;
	long n;

	if (!v)
		return -1;
	n = strtol(v, &end, 10);
	if (end == v || n < 0)
		return -1;
	return (int)KUBE_MIN(n, RETRY_AFTER_MAX_S);
}

typedef struct call_opts {
	const char *method;
	const char *path;
	const char *content_type;
	const char *accept;
	const void *body;
	size_t body_len;
	int timeout_ms;
	int max_retries; /* 0: the client's; -1: none */
	bool no_retry;
	kube_client_cancel_t *cancel;
	kube_http_data_fn on_data;
	void *data_arg;
} call_opts_t;

/* Rate limit, send, retry as the header describes. */
static int client_call(kube_client_t *c, const call_opts_t *o, kube_http_response_t *ret_resp)
{
	_cleanup_free_ char *url = kube_asprintf("%s%s", c->server, o->path);
	_cleanup_free_ char *auth = auth_header(c);
	const char *method = o->method ? o->method : "GET";
	const char *headers[12];
	kube_http_request_t hreq = { 0 };
	size_t nh = 0;
	int attempt = 0;
	int max_retries = o->max_retries < 0 ? 0 : o->max_retries > 0 ? o->max_retries : c->max_retries;

	headers[nh++] = "Accept";
	headers[nh++] = o->accept ? o->accept : "application/json";
	headers[nh++] = "User-Agent";
	headers[nh++] = c->user_agent;
	if (auth) {
		headers[nh++] = "Authorization";
		headers[nh++] = auth;
	}
	if (o->body) {
		headers[nh++] = "Content-Type";
		headers[nh++] = o->content_type ? o->content_type : "application/json";
	}
	headers[nh] = NULL;
	hreq.method = method;
	hreq.url = url;
	hreq.headers = headers;
	hreq.body = o->body;
	hreq.body_len = o->body_len;
	hreq.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : o->timeout_ms < 0 ? 0 : c->timeout_ms;
	hreq.on_data = o->on_data;
	hreq.data_arg = o->data_arg;

	for (;;) {
		kube_http_response_t resp = { 0 };
		int r, delay_ms = -1, ra;

		int64_t t0;

		r = rate_wait(c, method, o->cancel);
		if (r < 0)
			return r;
		t0 = kube_now_ns();
		r = do_once(c, &hreq, o->cancel, &resp);
		observe_request(c, method, r == 0 ? resp.status : 0, kube_now_ns() - t0);
		if (o->no_retry || attempt >= max_retries || r == -ECANCELED) {
			if (r == 0)
				*ret_resp = resp;
			return r;
		}
		if (r < 0) {
			if (r == -ECONNREFUSED ||
			    (idempotent(method) && (r == -ECONNRESET || r == -EPIPE || r == -ECONNABORTED ||
						    r == -ENOTCONN || r == -EPROTO)))
				delay_ms = KUBE_MIN(BACKOFF_BASE_MS << KUBE_MIN(attempt, 10),
						    BACKOFF_MAX_MS);
			else
				return r;
		} else {
			ra = retry_after(&resp);
			if (resp.status == 429 ||
			    (idempotent(method) &&
			     (resp.status == 502 || resp.status == 503 || resp.status == 504 ||
			      (resp.status >= 500 && ra >= 0))))
				delay_ms = ra >= 0 ? ra * 1000 :
						     KUBE_MIN(BACKOFF_BASE_MS << KUBE_MIN(attempt, 10),
							      BACKOFF_MAX_MS);
			if (delay_ms < 0) {
				*ret_resp = resp;
				return 0;
			}
			kube_http_response_clear(&resp);
		}
		attempt++;
		atomic_fetch_add(&c->retries, 1);
		r = sleep_ms(delay_ms, o->cancel);
		if (r < 0)
			return r;
	}
}

int kube_client_raw(kube_client_t *c, const kube_client_raw_t *req, int *ret_code,
		    char **ret_body, size_t *ret_len)
{
	call_opts_t o = {
		.method = req->method,
		.path = req->path,
		.content_type = req->content_type,
		.accept = req->accept,
		.body = req->body,
		.body_len = req->body && !req->body_len ? strlen(req->body) : req->body_len,
		.timeout_ms = req->timeout_ms,
		.cancel = req->cancel,
		.max_retries = req->max_retries,
	};
	kube_http_response_t resp = { 0 };
	int r;

	r = client_call(c, &o, &resp);
	if (r < 0)
		return r;
	if (ret_code)
		*ret_code = resp.status;
	if (ret_len)
		*ret_len = resp.body.len;
	if (ret_body)
		*ret_body = kube_buf_steal(&resp.body);
	kube_http_response_clear(&resp);
	return 0;
}

/* ---- paths ---- */

char *kube_client_path(const kube_kind_t *k, const char *ns, const char *name,
		       const char *subresource, const char *query)
{
	kube_buf_t b = KUBE_BUF_INIT;

	if (!k->group || !*k->group)
		kube_buf_printf(&b, "/api/%s", k->version);
	else
		kube_buf_printf(&b, "/apis/%s/%s", k->group, k->version);
	if (k->namespaced && ns && *ns)
		kube_buf_printf(&b, "/namespaces/%s", ns);
	kube_buf_printf(&b, "/%s", k->resource);
	if (name && *name) {
		kube_buf_printf(&b, "/%s", name);
		if (subresource && *subresource)
			kube_buf_printf(&b, "/%s", subresource);
	}
	if (query && *query)
		kube_buf_printf(&b, "?%s", query);
	return kube_buf_steal(&b);
}

char *kube_client_query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_puts(&b, "");
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			kube_buf_putc(&b, (char)*p);
		} else {
			kube_buf_putc(&b, '%');
			kube_buf_putc(&b, hex[*p >> 4]);
			kube_buf_putc(&b, hex[*p & 15]);
		}
	}
	return kube_buf_steal(&b);
}

/* ---- typed calls ---- */

static void fill_status(int code, const char *body, size_t len, kube_client_status_t *st)
{
	cJSON *j = body && len ? kube_json_parse(body, len) : NULL;
	const char *kind = kube_json_get_str(j, "kind");

	memset(st, 0, sizeof(*st));
	st->code = code;
	if (kube_streq(kind, "Status")) {
		const char *reason = kube_json_get_str(j, "reason");
		const char *msg = kube_json_get_str(j, "message");
		cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "details");

		st->code = (int)kube_json_get_int64(j, "code", code);
		st->reason = kube_strdup(reason ? reason : "");
		st->message = kube_strdup(msg ? msg : "");
		if (cJSON_IsObject(d))
			st->details = cJSON_DetachItemViaPointer(j, d);
	} else {
		st->reason = kube_strdup("");
		st->message = body && len ? kube_strndup(body, KUBE_MIN(len, 4096)) :
					    kube_asprintf("the server returned HTTP %d", code);
	}
	cJSON_Delete(j);
}

static int answer(kube_http_response_t *resp, cJSON **ret_obj, kube_client_status_t *ret_status)
{
	int r;

	if (resp->status >= 200 && resp->status < 300) {
		if (ret_obj) {
			cJSON *j = resp->body.len ? kube_json_parse(resp->body.data, resp->body.len) :
						    NULL;

			if (!j && resp->body.len) {
				kube_http_response_clear(resp);
				return -EBADMSG;
			}
			*ret_obj = j;
		}
		kube_http_response_clear(resp);
		return 0;
	}
	{
		kube_client_status_t st;

		fill_status(resp->status, resp->body.data, resp->body.len, &st);
		r = kube_client_errno(st.code ? st.code : resp->status, st.reason);
		if (ret_status)
			*ret_status = st;
		else
			kube_client_status_clear(&st);
	}
	kube_http_response_clear(resp);
	return r;
}

static int call_json(kube_client_t *c, const char *method, const char *path,
		     const char *content_type, const char *body, kube_client_cancel_t *cancel,
		     cJSON **ret_obj, kube_client_status_t *ret_status)
{
	call_opts_t o = {
		.method = method,
		.path = path,
		.content_type = content_type,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.cancel = cancel,
	};
	kube_http_response_t resp = { 0 };
	int r;

	r = client_call(c, &o, &resp);
	if (r < 0)
		return r;
	return answer(&resp, ret_obj, ret_status);
}

int kube_client_get(kube_client_t *c, const kube_kind_t *k, const char *ns, const char *name,
		    cJSON **ret_obj, kube_client_status_t *ret_status)
{
	_cleanup_free_ char *path = NULL;

	if (!name || !*name)
		return -EINVAL;
	path = kube_client_path(k, ns, name, NULL, NULL);
	return call_json(c, "GET", path, NULL, NULL, NULL, ret_obj, ret_status);
}

static void add_param(kube_buf_t *q, const char *name, const char *value)
{
	_cleanup_free_ char *v = kube_client_query_escape(value);

	kube_buf_printf(q, "%s%s=%s", q->len ? "&" : "", name, v);
}

static char *list_query(const kube_client_list_opts_t *o, bool watch)
{
	kube_buf_t q = KUBE_BUF_INIT;

	kube_buf_puts(&q, "");
	if (watch)
		add_param(&q, "watch", "true");
	if (!o)
		return kube_buf_steal(&q);
	if (o->label_selector && *o->label_selector)
		add_param(&q, "labelSelector", o->label_selector);
	if (o->field_selector && *o->field_selector)
		add_param(&q, "fieldSelector", o->field_selector);
	if (o->resource_version && *o->resource_version)
		add_param(&q, "resourceVersion", o->resource_version);
	if (o->resource_version_match && *o->resource_version_match)
		add_param(&q, "resourceVersionMatch", o->resource_version_match);
	if (o->limit > 0 && !watch)
		kube_buf_printf(&q, "%slimit=%lld", q.len ? "&" : "", (long long)o->limit);
	if (o->continue_token && *o->continue_token && !watch)
		add_param(&q, "continue", o->continue_token);
	if (o->timeout_seconds > 0)
		kube_buf_printf(&q, "%stimeoutSeconds=%d", q.len ? "&" : "", o->timeout_seconds);
	if (watch && o->allow_watch_bookmarks)
		add_param(&q, "allowWatchBookmarks", "true");
	if (watch && o->send_initial_events)
		add_param(&q, "sendInitialEvents", "true");
	return kube_buf_steal(&q);
}

int kube_client_list(kube_client_t *c, const kube_kind_t *k, const char *ns,
		     const kube_client_list_opts_t *opts, cJSON **ret_list,
		     kube_client_status_t *ret_status)
{
	_cleanup_free_ char *q = list_query(opts, false);
	_cleanup_free_ char *path = kube_client_path(k, ns, NULL, NULL, q);

	return call_json(c, "GET", path, NULL, NULL, opts ? opts->cancel : NULL, ret_list,
			 ret_status);
}

int kube_client_list_all(kube_client_t *c, const kube_kind_t *k, const char *ns,
			 const kube_client_list_opts_t *opts, cJSON **ret_list,
			 kube_client_status_t *ret_status)
{
	kube_client_list_opts_t o = { 0 };
	cJSON *all = NULL;
	char *cont = NULL;
	int r;

	if (opts)
		o = *opts;
	for (;;) {
		cJSON *page = NULL, *items;
		const char *next;

		o.continue_token = cont;
		r = kube_client_list(c, k, ns, &o, &page, ret_status);
		kube_free(cont);
		cont = NULL;
		if (r < 0) {
			cJSON_Delete(all);
			return r;
		}
		if (!cJSON_IsObject(page)) {
			cJSON_Delete(page);
			cJSON_Delete(all);
			return -EBADMSG;
		}
		next = kube_json_get_str(page, "metadata.continue");
		if (next && *next)
			cont = kube_strdup(next);
		if (!all) {
			all = page;
			if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(all, "items")))
				cJSON_ReplaceItemInObjectCaseSensitive(all, "items",
								       cJSON_CreateArray());
			kube_json_delete(all, "metadata.continue");
			kube_json_delete(all, "metadata.remainingItemCount");
		} else {
			cJSON *dst = cJSON_GetObjectItemCaseSensitive(all, "items");

			items = cJSON_GetObjectItemCaseSensitive(page, "items");
			while (cJSON_IsArray(items) && items->child)
				cJSON_AddItemToArray(dst, cJSON_DetachItemViaPointer(items,
										     items->child));
			cJSON_Delete(page);
		}
		if (!cont)
			break;
		/* Later pages come from the continue token's snapshot. */
		o.resource_version = NULL;
		o.resource_version_match = NULL;
	}
	*ret_list = all;
	return 0;
}

int kube_client_create(kube_client_t *c, const kube_kind_t *k, const char *ns,
		       const cJSON *obj, cJSON **ret_obj, kube_client_status_t *ret_status)
{
	_cleanup_free_ char *body = kube_json_compact(obj);
	_cleanup_free_ char *path = NULL;

	if (!ns || !*ns)
		ns = kube_json_get_str(obj, "metadata.namespace");
	if (k->namespaced && (!ns || !*ns))
		ns = "default";
	path = kube_client_path(k, ns, NULL, NULL, NULL);
	return call_json(c, "POST", path, NULL, body, NULL, ret_obj, ret_status);
}

int kube_client_update(kube_client_t *c, const kube_kind_t *k, const char *ns,
		       const char *subresource, const cJSON *obj, cJSON **ret_obj,
		       kube_client_status_t *ret_status)
{
	const char *name = kube_json_get_str(obj, "metadata.name");
	_cleanup_free_ char *body = NULL, *path = NULL;

	if (!name || !*name)
		return -EINVAL;
	if (!ns || !*ns)
		ns = kube_json_get_str(obj, "metadata.namespace");
	if (k->namespaced && (!ns || !*ns))
		ns = "default";
	body = kube_json_compact(obj);
	path = kube_client_path(k, ns, name, subresource, NULL);
	return call_json(c, "PUT", path, NULL, body, NULL, ret_obj, ret_status);
}

int kube_client_patch(kube_client_t *c, const kube_kind_t *k, const char *ns, const char *name,
		      const char *subresource, const char *patch_type, const char *patch,
		      const char *query, cJSON **ret_obj, kube_client_status_t *ret_status)
{
	_cleanup_free_ char *path = NULL;

	if (!name || !*name || !patch)
		return -EINVAL;
	path = kube_client_path(k, ns, name, subresource, query);
	return call_json(c, "PATCH", path,
			 patch_type ? patch_type : "application/merge-patch+json", patch, NULL,
			 ret_obj, ret_status);
}

int kube_client_delete(kube_client_t *c, const kube_kind_t *k, const char *ns, const char *name,
		       const kube_client_delete_opts_t *opts, cJSON **ret_obj,
		       kube_client_status_t *ret_status)
{
	_cleanup_free_ char *path = NULL, *body = NULL;

	if (!name || !*name)
		return -EINVAL;
	path = kube_client_path(k, ns, name, NULL, NULL);
	if (opts) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "kind", "DeleteOptions");
		cJSON_AddStringToObject(d, "apiVersion", "v1");
		if (opts->propagation_policy && *opts->propagation_policy)
			cJSON_AddStringToObject(d, "propagationPolicy", opts->propagation_policy);
		if (opts->grace_period_seconds >= 0)
			cJSON_AddNumberToObject(d, "gracePeriodSeconds",
						(double)opts->grace_period_seconds);
		if ((opts->precondition_uid && *opts->precondition_uid) ||
		    (opts->precondition_resource_version && *opts->precondition_resource_version)) {
			cJSON *p = cJSON_AddObjectToObject(d, "preconditions");

			if (opts->precondition_uid && *opts->precondition_uid)
				cJSON_AddStringToObject(p, "uid", opts->precondition_uid);
			if (opts->precondition_resource_version &&
			    *opts->precondition_resource_version)
				cJSON_AddStringToObject(p, "resourceVersion",
							opts->precondition_resource_version);
		}
		if (opts->dry_run) {
			cJSON *a = cJSON_AddArrayToObject(d, "dryRun");

			cJSON_AddItemToArray(a, cJSON_CreateString("All"));
		}
		body = kube_json_compact(d);
		cJSON_Delete(d);
	}
	return call_json(c, "DELETE", path, NULL, body, NULL, ret_obj, ret_status);
}

int kube_client_create_sub(kube_client_t *c, const kube_kind_t *k, const char *ns,
			   const char *name, const char *subresource, const cJSON *obj,
			   cJSON **ret_obj, kube_client_status_t *ret_status)
{
	_cleanup_free_ char *body = kube_json_compact(obj);
	_cleanup_free_ char *path = NULL;

	if (!name || !*name || !subresource || !*subresource)
		return -EINVAL;
	path = kube_client_path(k, ns, name, subresource, NULL);
	return call_json(c, "POST", path, NULL, body, NULL, ret_obj, ret_status);
}

/* ---- watch ---- */

typedef struct watch_state {
	kube_client_watch_fn fn;
	void *arg;
	kube_client_cancel_t *cancel;
	kube_buf_t line;
	int status;
	int stop;	/* fn's non-zero answer */
} watch_state_t;

#define WATCH_STOP_ERR (-ECHILD) /* on_data's abort code when fn stops */

static int watch_event(watch_state_t *w, const char *s, size_t len)
{
	cJSON *ev;
	const char *type;
	cJSON *obj;
	int r;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (len == 0)
		return 0;
	ev = kube_json_parse(s, len);
	if (!ev)
		return -EBADMSG;
	type = kube_json_get_str(ev, "type");
	obj = cJSON_GetObjectItemCaseSensitive(ev, "object");
	if (!type || !obj) {
		cJSON_Delete(ev);
		return -EBADMSG;
	}
	r = w->fn(type, obj, w->arg);
	cJSON_Delete(ev);
	if (r != 0) {
		w->stop = r;
		return WATCH_STOP_ERR;
	}
	return 0;
}

static int watch_data(const kube_http_response_t *resp, const void *data, size_t len, void *arg)
{
	watch_state_t *w = arg;
	size_t start = 0;

	w->status = resp->status;
	if (kube_client_cancel_fired(w->cancel))
		return -ECANCELED;
	kube_buf_append(&w->line, data, len);
	if (resp->status != 200) {
		if (w->line.len > (1u << 20))
			return -EMSGSIZE;
		return 0;
	}
	for (size_t i = w->line.len - len; i < w->line.len; i++) {
		if (w->line.data[i] != '\n')
			continue;
		int r = watch_event(w, w->line.data + start, i - start);

		start = i + 1;
		if (r < 0) {
			kube_buf_consume(&w->line, start);
			return r;
		}
	}
	kube_buf_consume(&w->line, start);
	if (w->line.len > WATCH_LINE_MAX)
		return -EMSGSIZE;
	return 0;
}

int kube_client_watch(kube_client_t *c, const kube_kind_t *k, const char *ns,
		      const kube_client_list_opts_t *opts, kube_client_watch_fn fn, void *arg,
		      kube_client_status_t *ret_status)
{
	_cleanup_free_ char *q = list_query(opts, true);
	_cleanup_free_ char *path = kube_client_path(k, ns, NULL, NULL, q);
	watch_state_t w = { .fn = fn, .arg = arg, .cancel = opts ? opts->cancel : NULL };
	call_opts_t o = {
		.method = "GET",
		.path = path,
		.no_retry = true,
		.cancel = w.cancel,
		.on_data = watch_data,
		.data_arg = &w,
		.timeout_ms = -1,
		.accept = opts ? opts->accept : NULL,
	};
	kube_http_response_t resp = { 0 };
	int r;

	r = client_call(c, &o, &resp);
	if (r == WATCH_STOP_ERR) {
		r = w.stop;
		goto out;
	}
	if (r < 0)
		goto out;
	if (resp.status != 200) {
		kube_client_status_t st;

		if (w.line.len)
			fill_status(resp.status, w.line.data, w.line.len, &st);
		else
			fill_status(resp.status, resp.body.data, resp.body.len, &st);
		r = kube_client_errno(st.code ? st.code : resp.status, st.reason);
		if (ret_status)
			*ret_status = st;
		else
			kube_client_status_clear(&st);
		goto out;
	}
	/* A last event without its newline. */
	if (w.line.len > 0) {
		r = watch_event(&w, w.line.data, w.line.len);
		if (r == WATCH_STOP_ERR)
			r = w.stop;
	}
out:
	kube_http_response_clear(&resp);
	kube_buf_clear(&w.line);
	return r;
}
