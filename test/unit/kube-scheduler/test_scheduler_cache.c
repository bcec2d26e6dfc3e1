/* Tests for kube-scheduler/scheduler_cache.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "scheduler_cache.h"

static cJSON *node(const char *name)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\"},\"status\":{\"allocatable\":{\"cpu\":\"2\",\"pods\":\"10\"}}}", name);
	cJSON *j = kube_json_parse(js, strlen(js));
	kube_free(js);
	return j;
}

static scheduler_pod_t *pod(const char *name, const char *node_name)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"d\",\"uid\":\"u%s\"},\"spec\":{\"nodeName\":\"%s\","
				 "\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]}}", name, name, node_name);
	scheduler_pod_t *p = scheduler_pod_parse(js);
	kube_free(js);
	return p;
}

static scheduler_nodeinfo_t *find(scheduler_cache_t *c, const char *name)
{
	size_t n;
	scheduler_nodeinfo_t *r = NULL;
	scheduler_cache_lock(c);
	scheduler_nodeinfo_t *const *v = scheduler_cache_nodes_locked(c, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->name, name) == 0)
			r = v[i];
	scheduler_cache_unlock(c);
	return r;
}

TEST(assume_confirm_forget)
{
	scheduler_cache_t *c = scheduler_cache_new();
	scheduler_cache_set_node(c, node("a"));
	scheduler_cache_set_node(c, node("b"));
	ASSERT_EQ(scheduler_cache_node_count(c), 2);

	scheduler_pod_t *p = pod("p", "");
	scheduler_cache_lock(c);
	ASSERT_EQ(scheduler_cache_assume_locked(c, p, "a"), 0);
	ASSERT_EQ(scheduler_cache_assume_locked(c, p, "a"), -EEXIST);
	scheduler_cache_unlock(c);
	ASSERT_EQ(find(c, "a")->requested.milli_cpu, 1000);
	/* binding failed */
	scheduler_cache_forget(c, "d", "p");
	ASSERT_EQ(find(c, "a")->requested.milli_cpu, 0);
	ASSERT_FALSE(scheduler_cache_has_pod(c, "d", "p"));
	/* assume then the informer says it is bound on b */
	scheduler_cache_lock(c);
	ASSERT_EQ(scheduler_cache_assume_locked(c, p, "a"), 0);
	scheduler_cache_unlock(c);
	scheduler_pod_t *bound = pod("p", "b");
	scheduler_cache_add_pod(c, bound);
	ASSERT_EQ(find(c, "a")->requested.milli_cpu, 0);
	ASSERT_EQ(find(c, "b")->requested.milli_cpu, 1000);
	/* a confirmed pod is not forgotten */
	scheduler_cache_forget(c, "d", "p");
	ASSERT_EQ(find(c, "b")->npods, 1);
	ASSERT_EQ(scheduler_cache_pod_count(c), 1);
	/* node removed with a pod on it: info kept off the list until the pod goes */
	scheduler_cache_remove_node(c, "b");
	ASSERT_EQ(scheduler_cache_node_count(c), 1);
	scheduler_cache_remove_pod(c, "d", "p");
	ASSERT_EQ(scheduler_cache_pod_count(c), 0);
	ASSERT_EQ(c->infos.count, 1);
	/* pods bound to a node not seen yet */
	scheduler_pod_t *early = pod("e", "c");
	scheduler_cache_add_pod(c, early);
	ASSERT_EQ(scheduler_cache_node_count(c), 1);
	scheduler_cache_set_node(c, node("c"));
	ASSERT_EQ(find(c, "c")->npods, 1);
	/* nominations */
	scheduler_cache_nominate(c, p, "a");
	size_t n;
	scheduler_cache_lock(c);
	scheduler_pod_t *const *nom = scheduler_cache_nominated_locked(c, &n);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(kube_json_get_str(nom[0]->json, "status.nominatedNodeName"), "a");
	scheduler_cache_unlock(c);
	scheduler_cache_nominate(c, p, NULL);
	scheduler_cache_lock(c);
	scheduler_cache_nominated_locked(c, &n);
	scheduler_cache_unlock(c);
	ASSERT_EQ(n, 0);
	scheduler_pod_unref(early);
	scheduler_pod_unref(bound);
	scheduler_pod_unref(p);
	scheduler_cache_free(c);
}
