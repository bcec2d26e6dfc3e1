/* kube_healthz: /healthz, /livez, /readyz and /metrics on a daemon's own thread. */
#include "daemon/kube_healthz.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <event2/event.h>

#include "core/kube_log.h"
#include "net/kube_http.h"
#include "net/kube_tls.h"
#include "pki/kube_pki.h"

struct check {
	char *name;
	bool ready_only;
	kube_healthz_check_fn fn;
	void *arg;
};

struct kube_healthz {
	struct event_base *base;
	pthread_t thread;
	bool running;
	kube_http_server_t *insecure, *secure;
	kube_tls_config_t *tls;
	int insecure_port, secure_port;
	kube_metrics_t *metrics;
	pthread_mutex_t lock; /* checks */
	struct check *checks;
	size_t nchecks;
};

static bool excluded(kube_http_req_t *req, const char *name)
{
	/* ?exclude=a&exclude=b: kube_http_req_query_param gives the first only */
	const char *q = kube_http_req_query(req);
	size_t n = strlen(name);

	for (const char *p = strstr(q, "exclude="); p; p = strstr(p + 1, "exclude=")) {
		if ((p == q || p[-1] == '&') && strncmp(p + 8, name, n) == 0 &&
		    (p[8 + n] == '\0' || p[8 + n] == '&'))
			return true;
	}
	return false;
}

/* /healthz, /livez or /readyz (kind "healthz", ...), or one check of them. */
static void serve_checks(kube_healthz_t *h, kube_http_req_t *req, const char *kind, bool ready,
			 const char *only)
{
	_cleanup_(kube_buf_clear) kube_buf_t body = KUBE_BUF_INIT;
	bool verbose = kube_http_req_query_param(req, "verbose") != NULL;
	bool failed = false, found = only == NULL;

	if (!only || strcmp(only, "ping") == 0) {
		kube_buf_puts(&body, "[+]ping ok\n");
		found = true;
	}
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < h->nchecks; i++) {
		struct check *c = &h->checks[i];
		_cleanup_(kube_buf_clear) kube_buf_t why = KUBE_BUF_INIT;

		if ((c->ready_only && !ready) || (only && strcmp(only, c->name) != 0))
			continue;
		found = true;
		if (excluded(req, c->name)) {
			kube_buf_printf(&body, "[+]%s excluded: ok\n", c->name);
			continue;
		}
		if (c->fn(&why, c->arg) < 0) {
			failed = true;
			/* upstream withholds the reason from the response and logs it */
			klog_v(2, "%s check failed: %s: %s", kind, c->name, kube_buf_str(&why));
			kube_buf_printf(&body, "[-]%s failed: reason withheld\n", c->name);
		} else {
			kube_buf_printf(&body, "[+]%s ok\n", c->name);
		}
	}
	pthread_mutex_unlock(&h->lock);
	kube_http_resp_header(req, "X-Content-Type-Options", "nosniff");
	if (!found) {
		kube_http_respond(req, 404, "text/plain; charset=utf-8", "404 page not found\n", 19);
		return;
	}
	if (only) {
		if (failed)
			kube_http_respond(req, 500, "text/plain; charset=utf-8",
					  "internal server error\n", 22);
		else
			kube_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
		return;
	}
	if (failed) {
		kube_buf_printf(&body, "%s check failed\n", kind);
		kube_http_respond_buf(req, 500, "text/plain; charset=utf-8", &body);
	} else if (verbose) {
		kube_buf_printf(&body, "%s check passed\n", kind);
		kube_http_respond_buf(req, 200, "text/plain; charset=utf-8", &body);
	} else {
		kube_http_respond(req, 200, "text/plain; charset=utf-8", "ok", 2);
	}
}

static void handler(kube_http_req_t *req, void *arg)
{
	kube_healthz_t *h = arg;
	const char *path = kube_http_req_path(req);
	static const struct {
		const char *prefix, *kind;
		bool ready;
	} kinds[] = {
		{ "/healthz", "healthz", true },
		{ "/livez", "livez", false },
		{ "/readyz", "readyz", true },
	};
	const char *m = kube_http_req_method(req);

	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
		kube_http_respond(req, 405, "text/plain; charset=utf-8", "Method Not Allowed\n", 19);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (strncmp(path, kinds[i].prefix, n) != 0)
			continue;
		if (path[n] == '\0' || (path[n] == '/' && path[n + 1] == '\0')) {
			serve_checks(h, req, kinds[i].kind, kinds[i].ready, NULL);
			return;
		}
		if (path[n] == '/') {
			serve_checks(h, req, kinds[i].kind, kinds[i].ready, path + n + 1);
			return;
		}
	}
	if (strcmp(path, "/metrics") == 0 && h->metrics) {
		_cleanup_(kube_buf_clear) kube_buf_t body = KUBE_BUF_INIT;

		kube_metrics_render(h->metrics, &body);
		kube_http_respond_buf(req, 200, "text/plain; version=0.0.4; charset=utf-8", &body);
		return;
	}
	kube_http_resp_header(req, "X-Content-Type-Options", "nosniff");
	kube_http_respond(req, 404, "text/plain; charset=utf-8", "404 page not found\n", 19);
}

static void *loop_main(void *arg)
{
	kube_healthz_t *h = arg;

	event_base_loop(h->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* The serving certificate: the given pair, or a self-signed one. */
static int load_tls(kube_healthz_t *h, const kube_healthz_config_t *cfg, char **ret_err)
{
	kube_tls_options_t to = { .server = true,
				  .alpn = (const char *const[]){ "h2", "http/1.1", NULL } };
	_cleanup_(kube_buf_clear) kube_buf_t cert_pem = KUBE_BUF_INIT;
	_cleanup_(kube_buf_clear) kube_buf_t key_pem = KUBE_BUF_INIT;
	_cleanup_free_ char *cert = NULL, *key = NULL;
	const char *component = cfg->component ? cfg->component : "kube";
	int r;

	if (cfg->tls_cert_file && *cfg->tls_cert_file && cfg->tls_key_file && *cfg->tls_key_file) {
		to.cert_file = cfg->tls_cert_file;
		to.key_file = cfg->tls_key_file;
	} else if (cfg->cert_dir && *cfg->cert_dir) {
		r = kube_pki_ensure_self_signed(cfg->cert_dir, component, "localhost", NULL, NULL,
						&cert, &key);
		if (r < 0) {
			*ret_err = kube_asprintf("unable to create a self-signed certificate in %s: %s",
						 cfg->cert_dir, strerror(-r));
			return r;
		}
		to.cert_file = cert;
		to.key_file = key;
	} else {
		kube_pki_cert_t *ca = NULL, *leaf = NULL;
		_cleanup_free_ char *ca_cn = kube_asprintf("localhost-ca@%lld", (long long)time(NULL));
		_cleanup_free_ char *cn = kube_asprintf("localhost@%lld", (long long)time(NULL));
		static const char *const dns[] = { "localhost", NULL };
		static const char *const ips[] = { "127.0.0.1", NULL };
		kube_pki_spec_t cs = { .common_name = ca_cn };
		kube_pki_spec_t ls = { .common_name = cn, .dns_names = dns, .ip_addresses = ips,
				       .server_auth = true };

		r = kube_pki_ca_new(&cs, &ca);
		if (r == 0)
			r = kube_pki_cert_new(ca, &ls, &leaf);
		if (r == 0) {
			kube_pki_cert_add_chain(leaf, ca);
			r = kube_pki_cert_pem(leaf, &cert_pem);
		}
		if (r == 0)
			r = kube_pki_key_pem(leaf, &key_pem);
		kube_pki_cert_free(leaf);
		kube_pki_cert_free(ca);
		if (r < 0) {
			*ret_err = kube_asprintf("unable to create a self-signed certificate: %s",
						 strerror(-r));
			return r;
		}
		to.cert_pem = kube_buf_str(&cert_pem);
		to.key_pem = kube_buf_str(&key_pem);
	}
	return kube_tls_config_new(&to, &h->tls, ret_err);
}

static int listen_one(kube_healthz_t *h, const char *addr, int port, const kube_tls_config_t *tls,
		      kube_http_server_t **ret_srv, int *ret_port, char **ret_err)
{
	kube_http_server_config_t sc = { .tls = tls };
	kube_http_server_t *srv = kube_http_server_new(h->base, &sc, handler, h);
	int r = kube_http_server_listen(srv, addr, port < 0 ? 0 : port, ret_port);

	if (r < 0) {
		*ret_err = kube_asprintf("failed to listen on %s:%d: %s", addr && *addr ? addr : "0.0.0.0",
					 port, strerror(-r));
		kube_http_server_free(srv);
		return r;
	}
	*ret_srv = srv;
	return 0;
}

int kube_healthz_start(const kube_healthz_config_t *cfg, kube_healthz_t **ret, char **ret_err)
{
	kube_healthz_t *h;
	char *err = NULL;
	int r = 0;

	kube_loop_init();
	h = kube_calloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->metrics = cfg->metrics;
	h->base = event_base_new();
	if (cfg->insecure_port != 0)
		r = listen_one(h, cfg->insecure_address ? cfg->insecure_address : "127.0.0.1",
			       cfg->insecure_port, NULL, &h->insecure, &h->insecure_port, &err);
	if (r == 0 && cfg->secure_port != 0) {
		r = load_tls(h, cfg, &err);
		if (r == 0)
			r = listen_one(h, cfg->secure_address ? cfg->secure_address : "0.0.0.0",
				       cfg->secure_port, h->tls, &h->secure, &h->secure_port, &err);
	}
	if (r == 0) {
		r = -pthread_create(&h->thread, NULL, loop_main, h);
		if (r == 0)
			h->running = true;
		else
			err = kube_asprintf("pthread_create: %s", strerror(-r));
	}
	if (r < 0) {
		if (ret_err)
			*ret_err = err;
		else
			kube_free(err);
		kube_healthz_stop(h);
		*ret = NULL;
		return r;
	}
	*ret = h;
	return 0;
}

void kube_healthz_add_check(kube_healthz_t *h, const char *name, bool ready_only,
			    kube_healthz_check_fn fn, void *arg)
{
	pthread_mutex_lock(&h->lock);
	h->checks = kube_realloc(h->checks, (h->nchecks + 1) * sizeof(*h->checks));
	h->checks[h->nchecks++] = (struct check){ kube_strdup(name), ready_only, fn, arg };
	pthread_mutex_unlock(&h->lock);
}

int kube_healthz_insecure_port(kube_healthz_t *h)
{
	return h->insecure ? h->insecure_port : 0;
}

int kube_healthz_secure_port(kube_healthz_t *h)
{
	return h->secure ? h->secure_port : 0;
}

static void break_loop(void *arg)
{
	event_base_loopbreak(arg);
}

void kube_healthz_stop(kube_healthz_t *h)
{
	if (!h)
		return;
	if (h->running) {
		kube_loop_post(h->base, break_loop, h->base);
		pthread_join(h->thread, NULL);
	}
	kube_http_server_free(h->insecure);
	kube_http_server_free(h->secure);
	kube_tls_config_free(h->tls);
	/* let deferred callbacks of closed connections release them */
	event_base_loop(h->base, EVLOOP_NONBLOCK);
	event_base_free(h->base);
	for (size_t i = 0; i < h->nchecks; i++)
		kube_free(h->checks[i].name);
	kube_free(h->checks);
	pthread_mutex_destroy(&h->lock);
	kube_free(h);
}
