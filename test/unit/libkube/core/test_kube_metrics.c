/* Tests for libkube/core/kube_metrics.c. */
#include "kube_test.h"

#include "core/kube_metrics.h"

#include <pthread.h>
#include <string.h>

TEST(metrics_counter_gauge_render)
{
	kube_metrics_t *m = kube_metrics_new();
	kube_metric_t *c = kube_metrics_counter(m, "b_total", "Things done.", NULL);
	kube_metric_t *g = kube_metrics_gauge(m, "a_depth", "Queue \\ depth\nnow.",
					      (const char *const[]){ "name", NULL });
	kube_buf_t out = KUBE_BUF_INIT;

	kube_metric_inc(c);
	kube_metric_add(c, NULL, 2.5);
	kube_metric_set(g, (const char *const[]){ "q\"1", NULL }, 7);
	kube_metric_set(g, (const char *const[]){ "a", NULL }, 0.25);
	kube_metrics_render(m, &out);
	ASSERT_STREQ(kube_buf_str(&out),
		     "# HELP a_depth Queue \\\\ depth\\nnow.\n"
		     "# TYPE a_depth gauge\n"
		     "a_depth{name=\"a\"} 0.25\n"
		     "a_depth{name=\"q\\\"1\"} 7\n"
		     "# HELP b_total Things done.\n"
		     "# TYPE b_total counter\n"
		     "b_total 3.5\n");
	kube_buf_clear(&out);
	kube_metrics_free(m);
}

TEST(metrics_histogram)
{
	kube_metrics_t *m = kube_metrics_new();
	double b[3];
	kube_metric_t *h;
	kube_buf_t out = KUBE_BUF_INIT;

	kube_metrics_exp_buckets(0.001, 10, 3, b);
	ASSERT_TRUE(b[2] > 0.0999 && b[2] < 0.1001);
	h = kube_metrics_histogram(m, "lat_seconds", "Latency.",
				   (const char *const[]){ "result", NULL }, b, 3);
	kube_metric_observe(h, (const char *const[]){ "ok", NULL }, 0.0005);
	kube_metric_observe(h, (const char *const[]){ "ok", NULL }, 0.05);
	kube_metric_observe(h, (const char *const[]){ "ok", NULL }, 3);
	kube_metrics_render(m, &out);
	ASSERT_NOT_NULL(strstr(kube_buf_str(&out), "# TYPE lat_seconds histogram\n"
				"lat_seconds_bucket{result=\"ok\",le=\"0.001\"} 1\n"
				"lat_seconds_bucket{result=\"ok\",le=\"0.01\"} 1\n"
				"lat_seconds_bucket{result=\"ok\",le=\"0.1\"} 2\n"
				"lat_seconds_bucket{result=\"ok\",le=\"+Inf\"} 3\n"
				"lat_seconds_sum{result=\"ok\"} 3.0505\n"
				"lat_seconds_count{result=\"ok\"} 3\n"));
	kube_buf_clear(&out);
	kube_metrics_free(m);
}

TEST(metrics_labelled_without_series_is_hidden)
{
	kube_metrics_t *m = kube_metrics_new();
	kube_buf_t out = KUBE_BUF_INIT;

	kube_metrics_counter(m, "x_total", "X.", (const char *const[]){ "a", NULL });
	kube_metrics_render(m, &out);
	ASSERT_EQ(out.len, 0);
	kube_buf_clear(&out);
	kube_metrics_free(m);
}

static void *adder(void *arg)
{
	for (int i = 0; i < 100000; i++)
		kube_metric_inc((kube_metric_t *)arg);
	return NULL;
}

TEST(metrics_concurrent_adds)
{
	kube_metrics_t *m = kube_metrics_new();
	kube_metric_t *c = kube_metrics_counter(m, "n_total", "N.", NULL);
	pthread_t t[4];
	kube_buf_t out = KUBE_BUF_INIT;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, adder, c);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	kube_metrics_render(m, &out);
	ASSERT_NOT_NULL(strstr(kube_buf_str(&out), "n_total 400000\n"));
	kube_buf_clear(&out);
	kube_metrics_free(m);
}

TEST(metrics_number_format_as_go)
{
	kube_metrics_t *m = kube_metrics_new();
	kube_metric_t *g = kube_metrics_gauge(m, "g", "G.", (const char *const[]){ "k", NULL });
	kube_buf_t out = KUBE_BUF_INIT;

	kube_metric_set(g, (const char *const[]){ "a", NULL }, 400000);
	kube_metric_set(g, (const char *const[]){ "b", NULL }, 1e6);
	kube_metric_set(g, (const char *const[]){ "c", NULL }, 1234567);
	kube_metric_set(g, (const char *const[]){ "d", NULL }, 0.0001);
	kube_metric_set(g, (const char *const[]){ "e", NULL }, 0.00001);
	kube_metric_set(g, (const char *const[]){ "f", NULL }, 0);
	kube_metric_set(g, (const char *const[]){ "g", NULL }, -2.5);
	kube_metrics_render(m, &out);
	ASSERT_STREQ(kube_buf_str(&out), "# HELP g G.\n# TYPE g gauge\n"
					 "g{k=\"a\"} 400000\ng{k=\"b\"} 1e+06\n"
					 "g{k=\"c\"} 1.234567e+06\ng{k=\"d\"} 0.0001\n"
					 "g{k=\"e\"} 1e-05\ng{k=\"f\"} 0\ng{k=\"g\"} -2.5\n");
	kube_buf_clear(&out);
	kube_metrics_free(m);
}
