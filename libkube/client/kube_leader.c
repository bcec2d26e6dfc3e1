/* kube_leader: Lease-based leader election (see header). */
#include "client/kube_leader.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "core/kube_log.h"
#include "core/kube_time.h"

struct kube_leader {
	kube_client_t *c;
	kube_leader_config_t cfg;
	char *ns, *name, *identity;
	char *path; /* /apis/coordination.k8s.io/v1/namespaces/<ns>/leases/<name> */
	char *coll;  /* .../leases */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	atomic_bool leading;
	kube_client_cancel_t *cancel;

	/* the last record seen and when (on our clock) it last changed */
	cJSON *observed_spec;
	int64_t observed_ns;
	char *observed_rv;
	char *last_leader;
};

static char *random_uuid(void)
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		uint64_t x = (uint64_t)kube_now_ns() ^ (uint64_t)getpid() << 32;

		for (size_t i = 0; i < sizeof(b); i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = (unsigned char)(x >> 56);
		}
	}
	if (fd >= 0)
		close(fd);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	return kube_asprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
			     b[11], b[12], b[13], b[14], b[15]);
}

static void micro_now(char *buf, size_t size)
{
	kube_time_format_rfc3339_micro(kube_wall_ns(), buf, size);
}

/* One call without the client's retries, bounded by timeout_ms. */
static int call(kube_leader_t *l, const char *method, const char *path, const char *body,
		int timeout_ms, kube_client_cancel_t *cancel, int *ret_code, cJSON **ret_obj)
{
	kube_client_raw_t req = {
		.method = method,
		.path = path,
		.body = body,
		.timeout_ms = timeout_ms,
		.cancel = cancel,
		.max_retries = -1,
	};
	char *out = NULL;
	size_t len = 0;
	int r;

	r = kube_client_raw(l->c, &req, ret_code, &out, &len);
	if (r < 0)
		return r;
	if (ret_obj)
		*ret_obj = kube_json_parse(out, len);
	kube_free(out);
	return 0;
}

static bool spec_changed(kube_leader_t *l, const cJSON *spec)
{
	return !l->observed_spec || !kube_json_equal(l->observed_spec, spec);
}

static void observe(kube_leader_t *l, const cJSON *lease)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(lease, "spec");
	const char *rv = kube_json_get_str(lease, "metadata.resourceVersion");
	const char *holder = kube_json_get_str(spec, "holderIdentity");

	if (spec_changed(l, spec)) {
		cJSON_Delete(l->observed_spec);
		l->observed_spec = spec ? kube_json_dup(spec) : cJSON_CreateObject();
		l->observed_ns = kube_now_ns();
	}
	kube_free(l->observed_rv);
	l->observed_rv = rv ? kube_strdup(rv) : NULL;
	if (holder && *holder && !kube_streq(holder, l->last_leader)) {
		kube_free(l->last_leader);
		l->last_leader = kube_strdup(holder);
		if (l->cfg.on_new_leader)
			l->cfg.on_new_leader(holder, l->cfg.arg);
	}
}

static cJSON *make_lease(kube_leader_t *l, const char *holder, int64_t duration_s,
			 const char *acquire, const char *renew, int64_t transitions)
{
	cJSON *o = cJSON_CreateObject();

	kube_json_set_str(o, "apiVersion", "coordination.k8s.io/v1");
	kube_json_set_str(o, "kind", "Lease");
	kube_json_set_str(o, "metadata.name", l->name);
	kube_json_set_str(o, "metadata.namespace", l->ns);
	if (l->observed_rv)
		kube_json_set_str(o, "metadata.resourceVersion", l->observed_rv);
	kube_json_set_str(o, "spec.holderIdentity", holder);
	kube_json_set_int64(o, "spec.leaseDurationSeconds", duration_s);
	kube_json_set_str(o, "spec.acquireTime", acquire);
	kube_json_set_str(o, "spec.renewTime", renew);
	kube_json_set_int64(o, "spec.leaseTransitions", transitions);
	return o;
}

/* client-go's tryAcquireOrRenew: true when we hold the lease now. */
static bool try_acquire_or_renew(kube_leader_t *l, int timeout_ms)
{
	int64_t dur_s = (l->cfg.lease_duration_ms + 999) / 1000;
	char now[40];
	cJSON *lease = NULL, *upd;
	_cleanup_free_ char *body = NULL;
	const char *holder, *acquire;
	int64_t transitions;
	int code = 0, r;
	bool me;

	micro_now(now, sizeof(now));
	r = call(l, "GET", l->path, NULL, timeout_ms, l->cancel, &code, &lease);
	if (r < 0 || (code != 200 && code != 404)) {
		cJSON_Delete(lease);
		return false;
	}
	if (code == 404) {
		cJSON_Delete(lease);
		kube_free(l->observed_rv);
		l->observed_rv = NULL;
		upd = make_lease(l, l->identity, dur_s, now, now, 0);
		body = kube_json_compact(upd);
		cJSON_Delete(upd);
		lease = NULL;
		r = call(l, "POST", l->coll, body, timeout_ms, l->cancel, &code, &lease);
		if (r < 0 || code != 201) {
			cJSON_Delete(lease);
			return false;
		}
		observe(l, lease);
		cJSON_Delete(lease);
		return true;
	}
	observe(l, lease);
	holder = kube_json_get_str(lease, "spec.holderIdentity");
	me = kube_streq(holder, l->identity);
	if (holder && *holder && !me) {
		int64_t held_s = kube_json_get_int64(lease, "spec.leaseDurationSeconds", dur_s);

		/* someone else renewed within its lease duration (our clock) */
		if (kube_now_ns() < l->observed_ns + held_s * 1000000000LL) {
			cJSON_Delete(lease);
			return false;
		}
	}
	transitions = kube_json_get_int64(lease, "spec.leaseTransitions", 0);
	acquire = kube_json_get_str(lease, "spec.acquireTime");
	if (me && acquire)
		upd = make_lease(l, l->identity, dur_s, acquire, now, transitions);
	else
		upd = make_lease(l, l->identity, dur_s, now, now,
				 holder && *holder ? transitions + 1 : transitions);
	cJSON_Delete(lease);
	body = kube_json_compact(upd);
	cJSON_Delete(upd);
	lease = NULL;
	r = call(l, "PUT", l->path, body, timeout_ms, l->cancel, &code, &lease);
	if (r < 0 || code != 200) {
		cJSON_Delete(lease);
		return false;
	}
	observe(l, lease);
	cJSON_Delete(lease);
	return true;
}

/* Give the lease up: holderIdentity "", leaseDurationSeconds 1 (client-go). */
static void release(kube_leader_t *l)
{
	char now[40];
	cJSON *upd, *lease = NULL;
	_cleanup_free_ char *body = NULL;
	int code = 0;

	micro_now(now, sizeof(now));
	upd = make_lease(l, "", 1, now, now,
			 kube_json_get_int64(l->observed_spec, "leaseTransitions", 0));
	body = kube_json_compact(upd);
	cJSON_Delete(upd);
	if (call(l, "PUT", l->path, body, (int)l->cfg.renew_deadline_ms, NULL, &code, &lease) == 0 &&
	    code == 200)
		klog_v(4, "successfully released lease %s/%s", l->ns, l->name);
	cJSON_Delete(lease);
}

/* Wait ms unless stopping; returns false when stopping. */
static bool nap(kube_leader_t *l, int64_t ms)
{
	int64_t until = kube_now_ns() + ms * 1000000;
	struct timespec ts = { until / 1000000000, until % 1000000000 };
	bool s;

	pthread_mutex_lock(&l->lock);
	while (!l->stopping && kube_now_ns() < until)
		pthread_cond_timedwait(&l->cond, &l->lock, &ts);
	s = l->stopping;
	pthread_mutex_unlock(&l->lock);
	return !s;
}

static bool stopping(kube_leader_t *l)
{
	bool s;

	pthread_mutex_lock(&l->lock);
	s = l->stopping;
	pthread_mutex_unlock(&l->lock);
	return s;
}

static void *leader_main(void *arg)
{
	kube_leader_t *l = arg;
	unsigned seed = (unsigned)kube_now_ns();
	int timeout_ms = (int)KUBE_MAX(l->cfg.renew_deadline_ms / 2, 100);

	while (!stopping(l)) {
		int64_t last_ok;

		/* acquire: every retry_period, jittered by up to 1.2x */
		while (!try_acquire_or_renew(l, timeout_ms)) {
			int64_t j = l->cfg.retry_period_ms +
				    (int64_t)(rand_r(&seed) % (unsigned)(l->cfg.retry_period_ms / 5 + 1));

			if (!nap(l, j))
				return NULL;
		}
		if (stopping(l)) {
			if (l->cfg.release_on_cancel)
				release(l);
			break;
		}
		klog_v(4, "successfully acquired lease %s/%s", l->ns, l->name);
		atomic_store(&l->leading, true);
		if (l->cfg.on_started_leading)
			l->cfg.on_started_leading(l->cfg.arg);

		/* renew: every retry_period; give up when renew_deadline passes */
		last_ok = kube_now_ns();
		for (;;) {
			int64_t left = l->cfg.renew_deadline_ms - (kube_now_ns() - last_ok) / 1000000;

			/* never sleep past the deadline: stop at once when it passes */
			if (!nap(l, KUBE_MAX(KUBE_MIN(l->cfg.retry_period_ms, left), 0)))
				break;
			left = l->cfg.renew_deadline_ms - (kube_now_ns() - last_ok) / 1000000;
			if (left > 0 && try_acquire_or_renew(l, (int)KUBE_MIN(left, timeout_ms))) {
				last_ok = kube_now_ns();
				continue;
			}
			if (stopping(l) ||
			    (kube_now_ns() - last_ok) / 1000000 >= l->cfg.renew_deadline_ms)
				break;
		}
		atomic_store(&l->leading, false);
		if (stopping(l)) {
			if (l->cfg.release_on_cancel)
				release(l);
		} else {
			klog_v(4, "failed to renew lease %s/%s: timed out waiting for the condition",
				  l->ns, l->name);
		}
		if (l->cfg.on_stopped_leading)
			l->cfg.on_stopped_leading(l->cfg.arg);
	}
	return NULL;
}

int kube_leader_start(kube_client_t *c, const kube_leader_config_t *cfg, kube_leader_t **ret)
{
	kube_leader_t *l;
	pthread_condattr_t ca;
	char host[256];
	int r;

	if (!cfg || !cfg->name || !*cfg->name)
		return -EINVAL;
	l = kube_calloc(1, sizeof(*l));
	l->c = c;
	l->cfg = *cfg;
	if (l->cfg.lease_duration_ms <= 0)
		l->cfg.lease_duration_ms = 15000;
	if (l->cfg.renew_deadline_ms <= 0)
		l->cfg.renew_deadline_ms = 10000;
	if (l->cfg.retry_period_ms <= 0)
		l->cfg.retry_period_ms = 2000;
	if (l->cfg.renew_deadline_ms >= l->cfg.lease_duration_ms ||
	    l->cfg.retry_period_ms >= l->cfg.renew_deadline_ms) {
		kube_free(l);
		return -EINVAL;
	}
	l->ns = kube_strdup(cfg->namespace_ && *cfg->namespace_ ? cfg->namespace_ : "kube-system");
	l->name = kube_strdup(cfg->name);
	if (cfg->identity && *cfg->identity) {
		l->identity = kube_strdup(cfg->identity);
	} else {
		_cleanup_free_ char *u = random_uuid();

		if (gethostname(host, sizeof(host)) < 0)
			kube_strlcpy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		l->identity = kube_asprintf("%s_%s", host, u);
	}
	l->cfg.namespace_ = l->cfg.name = l->cfg.identity = NULL;
	l->coll = kube_asprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases", l->ns);
	l->path = kube_asprintf("%s/%s", l->coll, l->name);
	l->cancel = kube_client_cancel_new();
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	r = -pthread_create(&l->thread, NULL, leader_main, l);
	if (r < 0) {
		l->thread = 0;
		kube_leader_free(l);
		return r;
	}
	*ret = l;
	return 0;
}

bool kube_leader_is_leader(kube_leader_t *l)
{
	return l && atomic_load(&l->leading);
}

const char *kube_leader_identity(kube_leader_t *l)
{
	return l->identity;
}

void kube_leader_stop(kube_leader_t *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	if (l->stopping) {
		pthread_mutex_unlock(&l->lock);
		return;
	}
	l->stopping = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	kube_client_cancel_fire(l->cancel);
	if (l->thread)
		pthread_join(l->thread, NULL);
}

void kube_leader_free(kube_leader_t *l)
{
	if (!l)
		return;
	kube_leader_stop(l);
	cJSON_Delete(l->observed_spec);
	kube_free(l->observed_rv);
	kube_free(l->last_leader);
	kube_free(l->ns);
	kube_free(l->name);
	kube_free(l->identity);
	kube_free(l->path);
	kube_free(l->coll);
	kube_client_cancel_free(l->cancel);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	kube_free(l);
}
