/* Tests for libkube/daemon/kube_healthz.c: a real server on 127.0.0.1. */
#include "kube_test.h"

#include "daemon/kube_healthz.h"
#include "net/kube_http_client.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

static atomic_int leader_ok;

static int leader_check(kube_buf_t *reason, void *arg)
{
	(void)arg;
	if (atomic_load(&leader_ok))
		return 0;
	kube_buf_puts(reason, "not leading");
	return -EAGAIN;
}

static int get(kube_http_client_t *c, const char *url, kube_http_response_t *r)
{
	kube_http_request_t req = { .url = url };

	kube_http_response_clear(r);
	return kube_http_client_do(c, &req, r);
}

TEST(healthz_checks_and_metrics)
{
	kube_metrics_t *m = kube_metrics_new();
	kube_metric_t *c = kube_metrics_counter(m, "scheduler_attempts_total", "Attempts.", NULL);
	kube_healthz_config_t cfg = { .component = "test", .insecure_port = -1, .metrics = m };
	kube_healthz_t *h = NULL;
	kube_http_response_t r = { 0 };
	kube_http_client_t *cl = kube_http_client_new(NULL, NULL);
	char *err = NULL;
	char url[128];
	int port;

	ASSERT_OK(kube_healthz_start(&cfg, &h, &err));
	port = kube_healthz_insecure_port(h);
	ASSERT_GT(port, 0);
	ASSERT_EQ(kube_healthz_secure_port(h), 0);
	kube_healthz_add_check(h, "leaderElection", false, leader_check, NULL);

	atomic_store(&leader_ok, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(kube_buf_str(&r.body), "ok");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/livez?verbose", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_STREQ(kube_buf_str(&r.body), "[+]ping ok\n[+]leaderElection ok\nlivez check passed\n");

	atomic_store(&leader_ok, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 500);
	ASSERT_STREQ(kube_buf_str(&r.body), "[+]ping ok\n[-]leaderElection failed: reason withheld\n"
					    "healthz check failed\n");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz?exclude=leaderElection", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 200);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz/ping", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 200);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz/nope", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 404);

	kube_metric_inc(c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/metrics", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_NOT_NULL(strstr(kube_buf_str(&r.body), "scheduler_attempts_total 1\n"));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/other", port);
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 404);

	kube_http_response_clear(&r);
	kube_http_client_free(cl);
	kube_healthz_stop(h);
	kube_metrics_free(m);
}

TEST(healthz_secure_self_signed)
{
	kube_healthz_config_t cfg = { .component = "test", .secure_address = "127.0.0.1",
				      .secure_port = -1 };
	kube_http_client_config_t cc = { .insecure_skip_verify = true };
	kube_healthz_t *h = NULL;
	kube_http_response_t r = { 0 };
	kube_http_client_t *cl = kube_http_client_new(NULL, &cc);
	char *err = NULL;
	char url[128];

	ASSERT_OK(kube_healthz_start(&cfg, &h, &err));
	ASSERT_EQ(kube_healthz_insecure_port(h), 0);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/readyz", kube_healthz_secure_port(h));
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 200);
	ASSERT_STREQ(kube_buf_str(&r.body), "ok");
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/metrics", kube_healthz_secure_port(h));
	ASSERT_OK(get(cl, url, &r));
	ASSERT_EQ(r.status, 404);
	kube_http_response_clear(&r);
	kube_http_client_free(cl);
	kube_healthz_stop(h);
}

TEST(healthz_port_in_use)
{
	kube_healthz_config_t cfg = { .insecure_port = -1 };
	kube_healthz_t *h = NULL, *h2 = NULL;
	char *err = NULL;

	ASSERT_OK(kube_healthz_start(&cfg, &h, &err));
	cfg.insecure_port = kube_healthz_insecure_port(h);
	ASSERT_EQ(kube_healthz_start(&cfg, &h2, &err), -EADDRINUSE);
	ASSERT_NULL(h2);
	ASSERT_NOT_NULL(strstr(err, "failed to listen on 127.0.0.1:"));
	kube_free(err);
	kube_healthz_stop(h);
}
