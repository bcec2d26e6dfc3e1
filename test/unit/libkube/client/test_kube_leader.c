#include "kube_test.h"

#include <pthread.h>
#include <stdatomic.h>

#include "api/kube_json.h"
#include "client/kube_leader.h"
#include "apiserver_fixture.h"

typedef struct cand {
	atomic_int started, stopped;
	atomic_llong started_ns, stopped_ns;
	char new_leader[128];
	pthread_mutex_t lock;
} cand_t;

static void started(void *arg)
{
	cand_t *c = arg;

	atomic_store(&c->started_ns, kube_now_ns());
	atomic_fetch_add(&c->started, 1);
}

static void stopped(void *arg)
{
	cand_t *c = arg;

	atomic_store(&c->stopped_ns, kube_now_ns());
	atomic_fetch_add(&c->stopped, 1);
}

static void new_leader(const char *id, void *arg)
{
	cand_t *c = arg;

	pthread_mutex_lock(&c->lock);
	kube_strlcpy(c->new_leader, id, sizeof(c->new_leader));
	pthread_mutex_unlock(&c->lock);
}

static bool wait_int(atomic_int *v, int want, int ms)
{
	int64_t until = kube_now_ns() + (int64_t)ms * 1000000;

	while (kube_now_ns() < until && atomic_load(v) < want)
		fixture_sleep_ms(5);
	return atomic_load(v) >= want;
}

static kube_leader_config_t fast_cfg(const char *id, cand_t *c, bool release)
{
	kube_leader_config_t cfg = {
		.name = "test-lock",
		.identity = id,
		.lease_duration_ms = 2000,
		.renew_deadline_ms = 1500,
		.retry_period_ms = 300,
		.release_on_cancel = release,
		.on_started_leading = started,
		.on_stopped_leading = stopped,
		.on_new_leader = new_leader,
		.arg = c,
	};
	return cfg;
}

static kube_client_t *client_for(const apiserver_fixture_t *f)
{
	kube_client_config_t cfg = { .server = f->url, .qps = -1 };
	kube_client_t *c = NULL;

	kube_client_new(&cfg, &c);
	return c;
}

TEST(leader_config_checks)
{
	kube_leader_config_t cfg = { .name = "x", .lease_duration_ms = 1000, .renew_deadline_ms = 2000 };
	kube_leader_t *l = NULL;

	ASSERT_EQ(kube_leader_start(NULL, &cfg, &l), -EINVAL);
	cfg.renew_deadline_ms = 500;
	cfg.retry_period_ms = 600;
	ASSERT_EQ(kube_leader_start(NULL, &cfg, &l), -EINVAL);
	cfg.name = NULL;
	ASSERT_EQ(kube_leader_start(NULL, &cfg, &l), -EINVAL);
}

TEST(leader_takeover_after_crash_and_release)
{
	apiserver_fixture_t f;
	cand_t a = { .lock = PTHREAD_MUTEX_INITIALIZER }, b = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_leader_config_t ca = fast_cfg("node-a", &a, false), cb = fast_cfg("node-b", &b, true);
	kube_leader_t *la = NULL, *lb = NULL;
	kube_client_t *c;
	cJSON *lease = NULL;
	int64_t t0;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f);
	ASSERT_EQ(kube_leader_start(c, &ca, &la), 0);
	ASSERT_TRUE(wait_int(&a.started, 1, 3000));
	ASSERT_TRUE(kube_leader_is_leader(la));
	ASSERT_STREQ(kube_leader_identity(la), "node-a");
	ASSERT_EQ(kube_leader_start(c, &cb, &lb), 0);
	fixture_sleep_ms(700);
	ASSERT_FALSE(kube_leader_is_leader(lb));
	pthread_mutex_lock(&b.lock);
	ASSERT_STREQ(b.new_leader, "node-a");
	pthread_mutex_unlock(&b.lock);

	/* a "crashes": stops renewing without releasing */
	t0 = kube_now_ns();
	kube_leader_stop(la);
	ASSERT_EQ(atomic_load(&a.stopped), 1);
	ASSERT_TRUE(wait_int(&b.started, 1, 5000));
	printf("  takeover after a crash: %.0f ms (lease duration 2000 ms, retry 300 ms)\n",
	       (double)(atomic_load(&b.started_ns) - t0) / 1e6);
	ASSERT_GE(atomic_load(&b.started_ns) - t0, 1500000000LL);

	ASSERT_EQ(kube_client_get(c, kube_kinds_lookup("coordination.k8s.io", "v1", "leases"),
				  "kube-system", "test-lock", &lease, NULL), 0);
	ASSERT_STREQ(kube_json_get_str(lease, "spec.holderIdentity"), "node-b");
	ASSERT_EQ(kube_json_get_int64(lease, "spec.leaseTransitions", -1), 1);
	ASSERT_EQ(kube_json_get_int64(lease, "spec.leaseDurationSeconds", -1), 2);
	ASSERT_EQ(strlen(kube_json_get_str(lease, "spec.renewTime")), 27);
	cJSON_Delete(lease);
	kube_leader_free(la);

	/* b releases on stop: a new candidate takes over within a retry period or so */
	memset(&a, 0, sizeof(a));
	ca = fast_cfg("node-c", &a, false);
	ASSERT_EQ(kube_leader_start(c, &ca, &la), 0);
	fixture_sleep_ms(400);
	t0 = kube_now_ns();
	kube_leader_free(lb);
	ASSERT_EQ(atomic_load(&b.stopped), 1);
	ASSERT_TRUE(wait_int(&a.started, 1, 3000));
	printf("  takeover after a release: %.0f ms\n",
	       (double)(atomic_load(&a.started_ns) - t0) / 1e6);
	ASSERT_LT(atomic_load(&a.started_ns) - t0, 1800000000LL); /* < lease duration */
	kube_leader_free(la);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(leader_stops_when_it_cannot_renew)
{
	apiserver_fixture_t f;
	cand_t a = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_leader_config_t ca = fast_cfg("node-a", &a, true);
	kube_leader_t *la = NULL;
	kube_client_t *c;
	int64_t t0;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f);
	ASSERT_EQ(kube_leader_start(c, &ca, &la), 0);
	ASSERT_TRUE(wait_int(&a.started, 1, 3000));
	fixture_kill(&f, SIGKILL);
	t0 = kube_now_ns();
	ASSERT_TRUE(wait_int(&a.stopped, 1, 3000));
	ASSERT_FALSE(kube_leader_is_leader(la));
	printf("  leader stopped %.0f ms after the apiserver died (renew deadline 1500 ms)\n",
	       (double)(atomic_load(&a.stopped_ns) - t0) / 1e6);
	ASSERT_LT(atomic_load(&a.stopped_ns) - t0, 2500000000LL);
	kube_leader_free(la);
	ASSERT_EQ(atomic_load(&a.stopped), 1);
	kube_client_free(c);
	fixture_stop(&f);
}
