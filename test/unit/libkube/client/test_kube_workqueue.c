#include "kube_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "client/kube_strmap.h"
#include "client/kube_workqueue.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

TEST(strmap_basics)
{
	kube_strmap_t m = KUBE_STRMAP_INIT;
	char k[32];
	size_t n = 0;

	for (int i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		ASSERT_NULL(kube_strmap_put(&m, k, (void *)(intptr_t)(i + 1)));
	}
	ASSERT_EQ(m.count, 1000);
	ASSERT_EQ((intptr_t)kube_strmap_get(&m, "k500"), 501);
	ASSERT_EQ((intptr_t)kube_strmap_put(&m, "k500", (void *)7), 501);
	for (kube_strmap_entry_t *e = kube_strmap_first(&m); e; e = kube_strmap_next(&m, e))
		n++;
	ASSERT_EQ(n, 1000);
	for (int i = 0; i < 1000; i += 2) {
		bool found;

		snprintf(k, sizeof(k), "k%d", i);
		kube_strmap_remove(&m, k, &found);
		ASSERT_TRUE(found);
	}
	ASSERT_EQ(m.count, 500);
	ASSERT_FALSE(kube_strmap_has(&m, "k0"));
	ASSERT_TRUE(kube_strmap_has(&m, "k1"));
	kube_strmap_clear(&m);
}

TEST(workqueue_dedup_and_processing)
{
	kube_workqueue_t *q = kube_workqueue_new(NULL);
	char *a, *b;

	kube_workqueue_add(q, "a");
	kube_workqueue_add(q, "b");
	kube_workqueue_add(q, "a");
	ASSERT_EQ(kube_workqueue_len(q), 2);
	a = kube_workqueue_get(q);
	ASSERT_STREQ(a, "a");
	/* re-added while processing: not handed out until done */
	kube_workqueue_add(q, "a");
	ASSERT_EQ(kube_workqueue_len(q), 1);
	b = kube_workqueue_get(q);
	ASSERT_STREQ(b, "b");
	ASSERT_EQ(kube_workqueue_len(q), 0);
	kube_workqueue_done(q, a);
	ASSERT_EQ(kube_workqueue_len(q), 1);
	kube_workqueue_done(q, b);
	a = kube_workqueue_get(q);
	ASSERT_STREQ(a, "a");
	kube_workqueue_done(q, a);
	ASSERT_EQ(kube_workqueue_len(q), 0);
	kube_workqueue_shutdown(q);
	ASSERT_TRUE(kube_workqueue_shutting_down(q));
	ASSERT_NULL(kube_workqueue_get(q));
	kube_workqueue_free(q);
}

TEST(workqueue_add_after_and_rate_limit)
{
	kube_workqueue_config_t cfg = { .name = "t", .base_delay_ms = 20, .max_delay_ms = 100 };
	kube_workqueue_t *q = kube_workqueue_new(&cfg);
	int64_t t0 = kube_now_ns();
	char *k;

	kube_workqueue_add_after(q, "late", 150);
	kube_workqueue_add_after(q, "soon", 30);
	kube_workqueue_add_after(q, "soon", 1000); /* keeps the earlier time */
	ASSERT_EQ(kube_workqueue_len(q), 0);
	k = kube_workqueue_get(q);
	ASSERT_STREQ(k, "soon");
	ASSERT_GE(kube_now_ns() - t0, 30000000LL);
	kube_workqueue_done(q, k);
	k = kube_workqueue_get(q);
	ASSERT_STREQ(k, "late");
	ASSERT_GE(kube_now_ns() - t0, 150000000LL);
	kube_workqueue_done(q, k);

	/* 20, 40, 80, 100 (capped) ms */
	for (int i = 0; i < 4; i++) {
		int64_t want = i < 3 ? (20LL << i) : 100, got;

		t0 = kube_now_ns();
		kube_workqueue_add_rate_limited(q, "x");
		ASSERT_EQ(kube_workqueue_num_requeues(q, "x"), i + 1);
		k = kube_workqueue_get(q);
		got = (kube_now_ns() - t0) / 1000000;
		ASSERT_GE(got, want);
		ASSERT_LT(got, want + 500); /* generous: shared CPUs */
		kube_workqueue_done(q, k);
	}
	kube_workqueue_forget(q, "x");
	ASSERT_EQ(kube_workqueue_num_requeues(q, "x"), 0);
	kube_workqueue_add_after(q, "pending", 10000);
	kube_workqueue_free(q); /* frees delayed keys */
}

TEST(workqueue_bucket_limits_overall_rate)
{
	kube_workqueue_config_t cfg = { .base_delay_ms = 1, .qps = 100, .burst = 10 };
	kube_workqueue_t *q = kube_workqueue_new(&cfg);
	int64_t t0 = kube_now_ns();
	char key[16];

	/* 30 distinct keys: 10 at once, then 100/s: the last after ~200 ms */
	for (int i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		kube_workqueue_add_rate_limited(q, key);
	}
	for (int i = 0; i < 30; i++) {
		char *k = kube_workqueue_get(q);

		ASSERT_NOT_NULL(k);
		kube_workqueue_done(q, k);
	}
	ASSERT_GE(kube_now_ns() - t0, 180000000LL);
	kube_workqueue_free(q);
}

typedef struct worker_ctx {
	kube_workqueue_t *q;
	atomic_int processed;
	atomic_int in_flight_a; /* "a" being processed right now */
	atomic_int overlap;
} worker_ctx_t;

static void *worker(void *arg)
{
	worker_ctx_t *w = arg;
	char *k;

	while ((k = kube_workqueue_get(w->q))) {
		bool is_a = strcmp(k, "a") == 0;

		if (is_a && atomic_fetch_add(&w->in_flight_a, 1) > 0)
			atomic_fetch_add(&w->overlap, 1);
		sleep_ms(1);
		if (is_a)
			atomic_fetch_sub(&w->in_flight_a, 1);
		atomic_fetch_add(&w->processed, 1);
		kube_workqueue_done(w->q, k);
	}
	return NULL;
}

TEST(workqueue_workers_never_share_a_key)
{
	worker_ctx_t w = { .q = kube_workqueue_new(NULL) };
	pthread_t th[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, &w);
	for (int i = 0; i < 200; i++) {
		char key[16];

		kube_workqueue_add(w.q, "a");
		snprintf(key, sizeof(key), "k%d", i);
		kube_workqueue_add(w.q, key);
		if (i % 20 == 0)
			sleep_ms(2);
	}
	while (kube_workqueue_len(w.q) > 0)
		sleep_ms(5);
	sleep_ms(20);
	kube_workqueue_shutdown(w.q);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(atomic_load(&w.overlap), 0);
	ASSERT_GE(atomic_load(&w.processed), 201);
	kube_workqueue_free(w.q);
}

#include "core/kube_metrics.h"

TEST(workqueue_metrics)
{
	kube_workqueue_config_t cfg = { .name = "deployment", .base_delay_ms = 1 };
	kube_workqueue_t *q = kube_workqueue_new(&cfg);
	kube_metrics_t *m = kube_metrics_new();
	kube_workqueue_metrics_t wm;
	kube_buf_t out = KUBE_BUF_INIT;
	char *k;

	kube_workqueue_metrics_register(m, &wm);
	kube_workqueue_set_metrics(q, &wm);
	kube_workqueue_add(q, "a");
	kube_workqueue_add(q, "a");
	kube_workqueue_add(q, "b");
	k = kube_workqueue_get(q);
	kube_workqueue_done(q, k);
	kube_workqueue_add_rate_limited(q, "c");
	kube_metrics_render(m, &out);
	ASSERT_NOT_NULL(strstr(kube_buf_str(&out), "workqueue_adds_total{name=\"deployment\"} 2\n"));
	ASSERT_NOT_NULL(strstr(kube_buf_str(&out), "workqueue_depth{name=\"deployment\"} 1\n"));
	ASSERT_NOT_NULL(strstr(kube_buf_str(&out), "workqueue_retries_total{name=\"deployment\"} 1\n"));
	ASSERT_NOT_NULL(strstr(kube_buf_str(&out),
			       "workqueue_work_duration_seconds_count{name=\"deployment\"} 1\n"));
	kube_buf_clear(&out);
	kube_workqueue_free(q);
	kube_metrics_free(m);
}
