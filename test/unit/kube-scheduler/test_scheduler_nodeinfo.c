/* Tests for kube-scheduler/scheduler_nodeinfo.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "scheduler_nodeinfo.h"

static const struct {
	const char *name;
	const char *spec;
	int64_t cpu, mem, eph, nz_cpu, nz_mem;
	const char *scalar;
	int64_t scalar_v;
} request_cases[] = {
	{ "empty", "{\"containers\":[{\"name\":\"a\"}]}", 0, 0, 0, 100, 200LL << 20, NULL, 0 },
	{ "sum", "{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"1Gi\"}}},"
		 "{\"resources\":{\"requests\":{\"cpu\":\"1\",\"ephemeral-storage\":\"1k\"}}}]}",
	  1100, 1LL << 30, 1000, 1100, (1LL << 30) + (200LL << 20), NULL, 0 },
	{ "init max", "{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}],"
		      "\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"2\",\"memory\":\"10\"}}}]}",
	  2000, 10, 0, 2000, 200LL << 20, NULL, 0 },
	{ "sidecar adds", "{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}],"
			  "\"initContainers\":[{\"restartPolicy\":\"Always\",\"resources\":{\"requests\":{\"cpu\":\"200m\"}}},"
			  "{\"resources\":{\"requests\":{\"cpu\":\"250m\"}}}]}",
	  450, 0, 0, 450, 400LL << 20, NULL, 0 },
	{ "overhead", "{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}],\"overhead\":{\"cpu\":\"250m\"}}",
	  1250, 0, 0, 1250, 200LL << 20, NULL, 0 },
	{ "extended", "{\"containers\":[{\"resources\":{\"requests\":{\"nvidia.com/gpu\":\"2\"}}},"
		      "{\"resources\":{\"requests\":{\"nvidia.com/gpu\":\"1\"}}}]}",
	  0, 0, 0, 200, 400LL << 20, "nvidia.com/gpu", 3 },
};

TEST(pod_requests_table)
{
	for (size_t i = 0; i < ARRAY_SIZE(request_cases); i++) {
		char *js = kube_asprintf("{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"uid\":\"u\"},\"spec\":%s}",
					 request_cases[i].spec);
		scheduler_pod_t *p = scheduler_pod_parse(js);
		kube_free(js);
		ASSERT_NOT_NULL(p);
		if (p->req.milli_cpu != request_cases[i].cpu || p->req.memory != request_cases[i].mem ||
		    p->req.ephemeral_storage != request_cases[i].eph || p->nonzero_milli_cpu != request_cases[i].nz_cpu ||
		    p->nonzero_memory != request_cases[i].nz_mem ||
		    (request_cases[i].scalar &&
		     scheduler_resources_scalar(&p->req, request_cases[i].scalar) != request_cases[i].scalar_v)) {
			int64_t c = p->req.milli_cpu, m = p->req.memory, nz = p->nonzero_memory;
			scheduler_pod_unref(p);
			kube_test_fail(__FILE__, __LINE__, "%s: cpu %lld mem %lld nzmem %lld", request_cases[i].name,
				       (long long)c, (long long)m, (long long)nz);
		}
		scheduler_pod_unref(p);
	}
}

TEST(nodeinfo_add_remove)
{
	scheduler_nodeinfo_t *ni = scheduler_nodeinfo_parse(
		"{\"metadata\":{\"name\":\"n1\",\"labels\":{\"zone\":\"a\"}},\"status\":{\"allocatable\":"
		"{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"110\",\"example.com/foo\":\"3\"}}}");
	scheduler_pod_t *a = scheduler_pod_parse(
		"{\"metadata\":{\"name\":\"a\",\"namespace\":\"d\",\"uid\":\"ua\"},\"spec\":{\"containers\":"
		"[{\"resources\":{\"requests\":{\"cpu\":\"1\",\"example.com/foo\":\"1\"}},"
		"\"ports\":[{\"containerPort\":80,\"hostPort\":8080}]}]}}");
	scheduler_pod_t *b = scheduler_pod_parse(
		"{\"metadata\":{\"name\":\"b\",\"namespace\":\"d\",\"uid\":\"ub\"},\"spec\":{\"containers\":"
		"[{\"resources\":{\"requests\":{\"memory\":\"1Gi\"}}}]}}");

	ASSERT_STREQ(ni->name, "n1");
	ASSERT_STREQ(scheduler_nodeinfo_label(ni, "zone"), "a");
	ASSERT_EQ(ni->allocatable.milli_cpu, 4000);
	ASSERT_EQ(ni->allocatable.memory, 8LL << 30);
	ASSERT_EQ(ni->allocatable.pods, 110);
	ASSERT_EQ(scheduler_resources_scalar(&ni->allocatable, "example.com/foo"), 3);
	scheduler_nodeinfo_add_pod(ni, a);
	scheduler_nodeinfo_add_pod(ni, b);
	ASSERT_EQ(ni->npods, 2);
	ASSERT_EQ(ni->requested.milli_cpu, 1000);
	ASSERT_EQ(ni->requested.memory, 1LL << 30);
	ASSERT_EQ(ni->nonzero_milli_cpu, 1100);
	ASSERT_EQ(scheduler_resources_scalar(&ni->requested, "example.com/foo"), 1);

	scheduler_port_t p80 = { "TCP", "0.0.0.0", 8080 }, udp = { "UDP", "0.0.0.0", 8080 };
	scheduler_port_t ip = { "TCP", "10.0.0.1", 8080 }, other = { "TCP", "0.0.0.0", 8081 };
	ASSERT_FALSE(scheduler_nodeinfo_port_free(ni, &p80));
	ASSERT_FALSE(scheduler_nodeinfo_port_free(ni, &ip));
	ASSERT_TRUE(scheduler_nodeinfo_port_free(ni, &udp));
	ASSERT_TRUE(scheduler_nodeinfo_port_free(ni, &other));

	scheduler_nodeinfo_t *c = scheduler_nodeinfo_clone(ni);
	ASSERT_OK(scheduler_nodeinfo_remove_pod(ni, a));
	ASSERT_EQ(scheduler_nodeinfo_remove_pod(ni, a), -ENOENT);
	ASSERT_EQ(ni->npods, 1);
	ASSERT_EQ(ni->requested.milli_cpu, 0);
	ASSERT_EQ(ni->nonzero_milli_cpu, 100);
	ASSERT_EQ(scheduler_resources_scalar(&ni->requested, "example.com/foo"), 0);
	ASSERT_TRUE(scheduler_nodeinfo_port_free(ni, &p80));
	ASSERT_EQ(c->npods, 2);
	ASSERT_EQ(c->requested.milli_cpu, 1000);
	scheduler_nodeinfo_free(c);
	scheduler_pod_unref(a);
	scheduler_pod_unref(b);
	scheduler_nodeinfo_free(ni);
}

TEST(pod_fields)
{
	scheduler_pod_t *p = scheduler_pod_parse(
		"{\"metadata\":{\"name\":\"a\",\"namespace\":\"d\",\"uid\":\"u\",\"labels\":{\"app\":\"x\"},"
		"\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},"
		"\"spec\":{\"priority\":1000,\"nodeName\":\"n\",\"affinity\":{\"podAntiAffinity\":"
		"{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"x\"}},"
		"\"topologyKey\":\"kubernetes.io/hostname\"}]}}},\"status\":{\"startTime\":\"2024-01-01T00:00:01Z\"}}");
	ASSERT_EQ(p->priority, 1000);
	ASSERT_STREQ(p->node_name, "n");
	ASSERT_TRUE(p->terminating);
	ASSERT_EQ(p->nreq_anti, 1);
	ASSERT_STREQ(p->req_anti[0].topology_key, "kubernetes.io/hostname");
	ASSERT_TRUE(scheduler_term_matches(&p->req_anti[0], p, p));
	ASSERT_EQ(p->start_ns, 1704067201LL * 1000000000LL);
	char key[64];
	scheduler_pod_key(p, key, sizeof(key));
	ASSERT_STREQ(key, "d/a");
	scheduler_pod_unref(p);
}

static int released;
static void release(void *owner)
{
	released++;
	cJSON_Delete(owner);
}

TEST(pod_shared_json)
{
	const char *js = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"d\"},\"spec\":{\"priority\":7}}";
	cJSON *j = kube_json_parse(js, strlen(js));
	released = 0;
	scheduler_pod_t *p = scheduler_pod_new_shared(j, j, release);
	ASSERT_EQ(p->priority, 7);
	scheduler_pod_ref(p);
	scheduler_pod_unref(p);
	ASSERT_EQ(released, 0);
	scheduler_pod_unref(p);
	ASSERT_EQ(released, 1);
}
