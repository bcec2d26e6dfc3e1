/* Tests for kube-scheduler/scheduler_preempt.c and scheduler_algo.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "scheduler_algo.h"
#include "scheduler_preempt.h"

static scheduler_nodeinfo_t *mknode(const char *name, const char *cpu, const char *spec)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\",\"labels\":{\"kubernetes.io/hostname\":\"%s\"}},"
				 "\"spec\":%s,\"status\":{\"allocatable\":{\"cpu\":\"%s\",\"memory\":\"8Gi\",\"pods\":\"110\"}}}",
				 name, name, spec ? spec : "{}", cpu);
	scheduler_nodeinfo_t *ni = scheduler_nodeinfo_parse(js);
	kube_free(js);
	return ni;
}

static scheduler_pod_t *mkpod(const char *name, const char *cpu, int prio, const char *start, const char *extra)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"uid\":\"u%s\"},"
				 "\"spec\":{\"priority\":%d,\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"%s\"}}}]%s},"
				 "\"status\":{\"startTime\":\"%s\"}}",
				 name, name, prio, cpu, extra ? extra : "", start ? start : "2024-01-01T00:00:00Z");
	scheduler_pod_t *p = scheduler_pod_parse(js);
	kube_free(js);
	return p;
}

static void put(scheduler_nodeinfo_t *ni, scheduler_pod_t *p)
{
	scheduler_nodeinfo_add_pod(ni, p);
	scheduler_pod_unref(p);
}

static const scheduler_pdbs_t *cur_pdbs;

static int run(scheduler_pod_t *p, scheduler_nodeinfo_t **nodes, size_t n, scheduler_preempt_result_t *r)
{
	scheduler_algo_t a = { .seed = 1 };
	scheduler_result_t res;
	int rc = scheduler_algo_schedule(&a, p, nodes, n, NULL, 0, &res);
	if (rc != -ENOSPC) {
		scheduler_result_clear(&res);
		return rc == 0 ? 1 : rc;
	}
	rc = scheduler_preempt(p, nodes, n, res.codes, cur_pdbs, r);
	scheduler_result_clear(&res);
	return rc;
}

static bool has_victim(const scheduler_preempt_result_t *r, const char *name)
{
	for (size_t i = 0; i < r->nvictims; i++)
		if (strcmp(r->victims[i]->name, name) == 0)
			return true;
	return false;
}

TEST(preempt_lowest_priority_node)
{
	scheduler_nodeinfo_t *n[3] = { mknode("a", "2", NULL), mknode("b", "2", NULL), mknode("c", "2", NULL) };
	put(n[0], mkpod("a1", "1", 100, NULL, NULL));
	put(n[0], mkpod("a2", "1", 100, NULL, NULL));
	put(n[1], mkpod("b1", "1", 10, NULL, NULL));
	put(n[1], mkpod("b2", "1", 500, NULL, NULL));
	put(n[2], mkpod("c1", "2", 1000, NULL, NULL));
	scheduler_pod_t *p = mkpod("p", "1", 200, NULL, NULL);
	scheduler_preempt_result_t r;
	ASSERT_EQ(run(p, n, 3, &r), 0);
	/* b's victim has priority 10 (< a's 100); c has none lower */
	ASSERT_STREQ(r.node->name, "b");
	ASSERT_EQ(r.nvictims, 1);
	ASSERT_TRUE(has_victim(&r, "b1"));
	scheduler_preempt_result_clear(&r);
	scheduler_pod_unref(p);
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(preempt_reprieves_and_fewest)
{
	scheduler_nodeinfo_t *n[1] = { mknode("a", "4", NULL) };
	put(n[0], mkpod("x", "1", 1, "2024-01-01T00:00:00Z", NULL));
	put(n[0], mkpod("y", "1", 2, NULL, NULL));
	put(n[0], mkpod("z", "2", 3, NULL, NULL));
	scheduler_pod_t *p = mkpod("p", "1", 10, NULL, NULL);
	scheduler_preempt_result_t r;
	ASSERT_EQ(run(p, n, 1, &r), 0);
	/* z and y reprieved (most important first), x evicted */
	ASSERT_EQ(r.nvictims, 1);
	ASSERT_TRUE(has_victim(&r, "x"));
	scheduler_preempt_result_clear(&r);
	scheduler_pod_unref(p);
	p = mkpod("p", "3", 10, NULL, NULL);
	ASSERT_EQ(run(p, n, 1, &r), 0);
	ASSERT_EQ(r.nvictims, 2);
	ASSERT_TRUE(has_victim(&r, "x"));
	ASSERT_TRUE(has_victim(&r, "z")); /* greedy reprieve: z (2 cpu) first fails, y kept */
	scheduler_preempt_result_clear(&r);
	scheduler_pod_unref(p);
	scheduler_nodeinfo_free(n[0]);
}

TEST(preempt_messages)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "2", NULL), mknode("b", "2", NULL),
		mknode("c", "8", "{\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]}"),
	};
	put(n[0], mkpod("a1", "2", 1000, NULL, NULL));
	put(n[1], mkpod("b1", "1", 0, NULL, NULL));
	put(n[1], mkpod("b2", "1", 1000, NULL, NULL));
	scheduler_pod_t *p = mkpod("p", "2", 100, NULL, NULL);
	scheduler_preempt_result_t r;
	ASSERT_EQ(run(p, n, 3, &r), -ENOENT);
	ASSERT_STREQ(r.message, "preemption: 0/3 nodes are available: 1 Insufficient cpu, 1 No preemption victims "
				"found for incoming pod, 1 Preemption is not helpful for scheduling.");
	scheduler_preempt_result_clear(&r);
	scheduler_pod_unref(p);
	p = mkpod("p", "2", 100, NULL, ",\"preemptionPolicy\":\"Never\"");
	ASSERT_EQ(run(p, n, 3, &r), -ENOENT);
	ASSERT_STREQ(r.message, "preemption: not eligible due to preemptionPolicy=Never.");
	scheduler_preempt_result_clear(&r);
	scheduler_pod_unref(p);
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(algo_picks_best_and_reports)
{
	scheduler_nodeinfo_t *n[3] = { mknode("a", "4", NULL), mknode("b", "4", NULL), mknode("c", "1", NULL) };
	put(n[0], mkpod("busy", "3", 0, NULL, NULL));
	scheduler_algo_t a = { .seed = 7 };
	scheduler_result_t r;
	scheduler_pod_t *p = mkpod("p", "500m", 0, NULL, NULL);
	ASSERT_EQ(scheduler_algo_schedule(&a, p, n, 3, NULL, 0, &r), 0);
	ASSERT_STREQ(r.node->name, "b");
	ASSERT_EQ(r.feasible, 3);
	scheduler_result_clear(&r);
	scheduler_pod_unref(p);

	p = mkpod("p", "2", 0, NULL, NULL);
	ASSERT_EQ(scheduler_algo_schedule(&a, p, n, 3, NULL, 0, &r), 0);
	ASSERT_STREQ(r.node->name, "b");
	scheduler_result_clear(&r);
	scheduler_pod_unref(p);

	p = mkpod("p", "5", 0, NULL, NULL);
	ASSERT_EQ(scheduler_algo_schedule(&a, p, n, 3, NULL, 0, &r), -ENOSPC);
	char *m = scheduler_fit_error(&r.diag, NULL);
	ASSERT_STREQ(m, "0/3 nodes are available: 3 Insufficient cpu.");
	kube_free(m);
	ASSERT_EQ(r.codes[0], SCHEDULER_UNRESOLVABLE);
	scheduler_result_clear(&r);
	scheduler_pod_unref(p);
	ASSERT_EQ(scheduler_algo_schedule(&a, NULL, n, 0, NULL, 0, &r), -ENODEV);
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(algo_nominated_pods_hold_room)
{
	scheduler_nodeinfo_t *n[1] = { mknode("a", "2", NULL) };
	scheduler_pod_t *nom = mkpod("nom", "2", 100, NULL, NULL);
	kube_json_set_str(nom->json, "status.nominatedNodeName", "a");
	nom->nominated_node = kube_json_get_str(nom->json, "status.nominatedNodeName");
	scheduler_algo_t a = { .seed = 1 };
	scheduler_result_t r;
	scheduler_pod_t *low = mkpod("low", "1", 10, NULL, NULL), *high = mkpod("high", "1", 200, NULL, NULL);
	ASSERT_EQ(scheduler_algo_schedule(&a, low, n, 1, &nom, 1, &r), -ENOSPC);
	scheduler_result_clear(&r);
	ASSERT_EQ(scheduler_algo_schedule(&a, high, n, 1, &nom, 1, &r), 0);
	scheduler_result_clear(&r);
	ASSERT_EQ(scheduler_algo_schedule(&a, nom, n, 1, &nom, 1, &r), 0);
	scheduler_result_clear(&r);
	scheduler_pod_unref(low);
	scheduler_pod_unref(high);
	scheduler_pod_unref(nom);
	scheduler_nodeinfo_free(n[0]);
}

TEST(algo_num_to_find)
{
	scheduler_algo_t a = { 0 };
	ASSERT_EQ(scheduler_algo_num_to_find(&a, 50), 50);
	ASSERT_EQ(scheduler_algo_num_to_find(&a, 1000), 420);	/* 42% */
	ASSERT_EQ(scheduler_algo_num_to_find(&a, 5000), 500);	/* 10% */
	ASSERT_EQ(scheduler_algo_num_to_find(&a, 10000), 500);	/* 5% floor */
	a.percentage = 100;
	ASSERT_EQ(scheduler_algo_num_to_find(&a, 5000), 5000);
}

TEST(preempt_pdb_violations)
{
	scheduler_nodeinfo_t *n[2] = { mknode("a", "2", NULL), mknode("b", "2", NULL) };
	put(n[0], mkpod("protected", "2", 10, NULL, NULL));
	put(n[1], mkpod("free", "2", 20, NULL, NULL));
	kube_json_set(n[0]->pods[0]->json, "metadata.labels", cJSON_Parse("{\"app\":\"db\"}"));
	n[0]->pods[0]->labels = kube_json_get(n[0]->pods[0]->json, "metadata.labels");
	scheduler_pod_t *p = mkpod("p", "2", 100, NULL, NULL);
	scheduler_preempt_result_t r;

	cur_pdbs = NULL;
	ASSERT_EQ(run(p, n, 2, &r), 0);
	ASSERT_STREQ(r.node->name, "a");	/* lowest victim priority */
	scheduler_preempt_result_clear(&r);

	const char *js = "{\"metadata\":{\"name\":\"db\",\"namespace\":\"default\"},"
			 "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"db\"}}},\"status\":{\"disruptionsAllowed\":0}}";
	cJSON *pdb = kube_json_parse(js, strlen(js));
	const cJSON *items[] = { pdb };
	scheduler_pdbs_t pdbs = { items, 1 };
	cur_pdbs = &pdbs;
	ASSERT_EQ(run(p, n, 2, &r), 0);
	ASSERT_STREQ(r.node->name, "b");	/* no budget broken there */
	ASSERT_EQ(r.pdb_violations, 0);
	scheduler_preempt_result_clear(&r);
	/* one disruption allowed: a again */
	kube_json_set_int64(pdb, "status.disruptionsAllowed", 1);
	ASSERT_EQ(run(p, n, 2, &r), 0);
	ASSERT_STREQ(r.node->name, "a");
	scheduler_preempt_result_clear(&r);
	/* only a (b's pod has higher priority than the preemptor): a violating victim is still taken */
	scheduler_pod_t *q = mkpod("q", "2", 15, NULL, NULL);
	kube_json_set_int64(pdb, "status.disruptionsAllowed", 0);
	ASSERT_EQ(run(q, n, 2, &r), 0);
	ASSERT_STREQ(r.node->name, "a");
	ASSERT_EQ(r.pdb_violations, 1);
	scheduler_preempt_result_clear(&r);
	cur_pdbs = NULL;
	cJSON_Delete(pdb);
	scheduler_pod_unref(q);
	scheduler_pod_unref(p);
	for (int i = 0; i < 2; i++)
		scheduler_nodeinfo_free(n[i]);
}
