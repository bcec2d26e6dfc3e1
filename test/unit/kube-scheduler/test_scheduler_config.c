/* Tests for kube-scheduler/scheduler_config.c. */
#include "kube_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"
#include "scheduler_config.h"

TEST(config_applies_fields)
{
	static const char yaml[] =
		"apiVersion: kubescheduler.config.k8s.io/v1\n"
		"kind: KubeSchedulerConfiguration\n"
		"clientConnection:\n"
		"  kubeconfig: /etc/kubernetes/scheduler.conf\n"
		"  qps: 100\n"
		"  burst: 200\n"
		"leaderElection:\n"
		"  leaderElect: false\n"
		"  leaseDuration: 30s\n"
		"  renewDeadline: 20s\n"
		"  retryPeriod: 3s\n"
		"  resourceName: my-sched\n"
		"  resourceNamespace: other\n"
		"percentageOfNodesToScore: 30\n"
		"profiles:\n"
		"- schedulerName: my-scheduler\n";
	char path[] = "/tmp/test_sched_config_XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, yaml, sizeof(yaml) - 1), (ssize_t)(sizeof(yaml) - 1));
	close(fd);
	scheduler_options_t o;
	scheduler_options_init(&o);
	cJSON *doc = NULL;
	char *err = NULL;
	int r = scheduler_config_load(path, &o, &doc, &err);
	unlink(path);
	ASSERT_EQ(r, 0);
	ASSERT_STREQ(o.kubeconfig, "/etc/kubernetes/scheduler.conf");
	ASSERT_EQ((int)o.kube_api_qps, 100);
	ASSERT_EQ(o.kube_api_burst, 200);
	ASSERT_FALSE(o.le.leader_elect);
	ASSERT_EQ(o.le.lease_duration_ns, 30000000000LL);
	ASSERT_EQ(o.le.renew_deadline_ns, 20000000000LL);
	ASSERT_EQ(o.le.retry_period_ns, 3000000000LL);
	ASSERT_STREQ(o.le.resource_name, "my-sched");
	ASSERT_STREQ(o.le.resource_namespace, "other");
	ASSERT_EQ(o.percentage_of_nodes_to_score, 30);
	ASSERT_STREQ(o.scheduler_name, "my-scheduler");
	cJSON_Delete(doc);
}

TEST(config_errors)
{
	static const struct {
		const char *yaml, *err;
	} cases[] = {
		{ "apiVersion: v1\nkind: Pod\n", "no kind \"Pod\" is registered for version \"v1\"" },
		{ "kind: KubeSchedulerConfiguration\nleaderElection:\n  leaseDuration: 15\n",
		  "leaderElection.leaseDuration: invalid duration \"15\"" },
		{ "kind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 120\n",
		  "percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *doc = kube_yaml_parse(cases[i].yaml, strlen(cases[i].yaml), NULL);
		ASSERT_NOT_NULL(doc);
		scheduler_options_t o;
		scheduler_options_init(&o);
		char *err = NULL;
		int r = scheduler_config_apply(doc, &o, &err);
		cJSON_Delete(doc);
		bool ok = r < 0 && err && strcmp(err, cases[i].err) == 0;
		char msg[256];
		snprintf(msg, sizeof(msg), "case %zu: %d %s", i, r, err ? err : "(null)");
		kube_free(err);
		if (!ok)
			kube_test_fail(__FILE__, __LINE__, "%s", msg);
	}
	char *err = NULL;
	scheduler_options_t o;
	cJSON *doc = NULL;
	scheduler_options_init(&o);
	ASSERT_LT(scheduler_config_load("/nonexistent/x.yaml", &o, &doc, &err), 0);
	ASSERT_STREQ(err, "open /nonexistent/x.yaml: No such file or directory");
	kube_free(err);
}
