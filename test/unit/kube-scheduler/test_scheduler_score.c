/* Tests for kube-scheduler/scheduler_score.c: one table per plugin. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "scheduler_score.h"

static scheduler_nodeinfo_t *mknode(const char *name, const char *cpu, const char *mem, const char *labels,
				    const char *spec)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\",\"labels\":%s},\"spec\":%s,"
				 "\"status\":{\"allocatable\":{\"cpu\":\"%s\",\"memory\":\"%s\",\"pods\":\"110\"}}}",
				 name, labels ? labels : "{}", spec ? spec : "{}", cpu, mem);
	scheduler_nodeinfo_t *ni = scheduler_nodeinfo_parse(js);
	kube_free(js);
	return ni;
}

static scheduler_pod_t *mkpod(const char *name, const char *labels, const char *spec)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"uid\":\"u%s\",\"labels\":%s},"
				 "\"spec\":%s}", name, name, labels ? labels : "{}", spec);
	scheduler_pod_t *p = scheduler_pod_parse(js);
	kube_free(js);
	return p;
}

#define REQ(cpu, mem) "{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"" cpu "\",\"memory\":\"" mem "\"}}}]}"

TEST(least_allocated_table)
{
	static const struct {
		const char *node_cpu, *node_mem, *used, *pod;
		int64_t want;
	} cases[] = {
		/* upstream's "nothing scheduled, nothing requested": defaults 100m/200Mi */
		{ "4", "10000Mi", NULL, "{\"containers\":[{}]}", (97 + 98) / 2 },
		{ "4", "10Gi", NULL, REQ("2", "5Gi"), 50 },
		{ "4", "10Gi", REQ("1", "2Gi"), REQ("1", "3Gi"), 50 },
		{ "4", "10Gi", NULL, REQ("5", "5Gi"), 25 },	/* cpu over: 0, memory 50 */
		{ "0", "10Gi", NULL, REQ("1", "5Gi"), 25 },	/* no cpu allocatable */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		scheduler_nodeinfo_t *ni = mknode("n", cases[i].node_cpu, cases[i].node_mem, NULL, NULL);
		if (cases[i].used) {
			scheduler_pod_t *u = mkpod("used", NULL, cases[i].used);
			scheduler_nodeinfo_add_pod(ni, u);
			scheduler_pod_unref(u);
		}
		scheduler_pod_t *p = mkpod("p", NULL, cases[i].pod);
		int64_t got = scheduler_score_least_allocated(p, ni);
		scheduler_pod_unref(p);
		scheduler_nodeinfo_free(ni);
		if (got != cases[i].want)
			kube_test_fail(__FILE__, __LINE__, "case %zu: %lld want %lld", i, (long long)got,
				       (long long)cases[i].want);
	}
}

TEST(balanced_allocation_table)
{
	static const struct {
		const char *node_cpu, *node_mem, *pod;
		int64_t want;
	} cases[] = {
		{ "4", "4Gi", REQ("2", "2Gi"), 100 },		/* 0.5 and 0.5 */
		{ "4", "4Gi", REQ("1", "3Gi"), 75 },		/* 0.25 and 0.75 */
		{ "4", "4Gi", REQ("4", "0"), 50 },		/* 1 and 0 */
		{ "4", "4Gi", REQ("8", "0"), 50 },		/* capped at 1 */
		{ "4", "4Gi", "{\"containers\":[{}]}", 0 },	/* best effort: skipped */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		scheduler_nodeinfo_t *ni = mknode("n", cases[i].node_cpu, cases[i].node_mem, NULL, NULL);
		scheduler_pod_t *p = mkpod("p", NULL, cases[i].pod);
		int64_t got = scheduler_score_balanced(p, ni);
		scheduler_pod_unref(p);
		scheduler_nodeinfo_free(ni);
		if (got != cases[i].want)
			kube_test_fail(__FILE__, __LINE__, "case %zu: %lld want %lld", i, (long long)got,
				       (long long)cases[i].want);
	}
}

TEST(normalize_table)
{
	static const struct {
		int64_t in[3];
		bool reverse;
		int64_t out[3];
	} cases[] = {
		{ { 0, 0, 0 }, false, { 0, 0, 0 } },
		{ { 0, 0, 0 }, true, { 100, 100, 100 } },
		{ { 1, 2, 4 }, false, { 25, 50, 100 } },
		{ { 1, 2, 4 }, true, { 75, 50, 0 } },
		{ { 0, 3, 0 }, true, { 100, 0, 100 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t s[3];
		memcpy(s, cases[i].in, sizeof(s));
		scheduler_normalize(s, 3, cases[i].reverse);
		for (int j = 0; j < 3; j++)
			if (s[j] != cases[i].out[j])
				kube_test_fail(__FILE__, __LINE__, "case %zu[%d]: %lld want %lld", i, j,
					       (long long)s[j], (long long)cases[i].out[j]);
	}
}

TEST(node_affinity_preferred)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "4", "4Gi", "{\"disk\":\"ssd\",\"zone\":\"z1\"}", NULL),
		mknode("b", "4", "4Gi", "{\"disk\":\"ssd\"}", NULL),
		mknode("c", "4", "4Gi", "{}", NULL),
	};
	scheduler_pod_t *p = mkpod("p", NULL, "{\"affinity\":{\"nodeAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":["
		"{\"weight\":2,\"preference\":{\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"In\",\"values\":[\"ssd\"]}]}},"
		"{\"weight\":6,\"preference\":{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"Exists\"}]}}]}}}");
	int64_t s[3], want_raw[3] = { 8, 2, 0 }, want[3] = { 100, 25, 0 };
	for (int i = 0; i < 3; i++) {
		s[i] = scheduler_score_node_affinity(p, n[i]);
		ASSERT_EQ(s[i], want_raw[i]);
	}
	scheduler_normalize(s, 3, false);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(s[i], want[i]);
	scheduler_pod_unref(p);
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(taint_toleration_prefer_no_schedule)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "4", "4Gi", NULL, "{\"taints\":[{\"key\":\"x\",\"effect\":\"PreferNoSchedule\"},"
					      "{\"key\":\"y\",\"effect\":\"PreferNoSchedule\"}]}"),
		mknode("b", "4", "4Gi", NULL, "{\"taints\":[{\"key\":\"x\",\"effect\":\"PreferNoSchedule\"},"
					      "{\"key\":\"z\",\"effect\":\"NoSchedule\"}]}"),
		mknode("c", "4", "4Gi", NULL, NULL),
	};
	static const struct {
		const char *spec;
		int64_t raw[3], norm[3];
	} cases[] = {
		{ "{}", { 2, 1, 0 }, { 0, 50, 100 } },
		{ "{\"tolerations\":[{\"key\":\"x\",\"operator\":\"Exists\",\"effect\":\"PreferNoSchedule\"}]}",
		  { 1, 0, 0 }, { 0, 100, 100 } },
		{ "{\"tolerations\":[{\"key\":\"x\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]}",
		  { 2, 1, 0 }, { 0, 50, 100 } },
		{ "{\"tolerations\":[{\"operator\":\"Exists\"}]}", { 0, 0, 0 }, { 100, 100, 100 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		scheduler_pod_t *p = mkpod("p", NULL, cases[i].spec);
		int64_t s[3];
		for (int j = 0; j < 3; j++)
			s[j] = scheduler_score_taints(p, n[j]);
		scheduler_pod_unref(p);
		for (int j = 0; j < 3; j++)
			if (s[j] != cases[i].raw[j])
				kube_test_fail(__FILE__, __LINE__, "case %zu raw[%d] %lld", i, j, (long long)s[j]);
		scheduler_normalize(s, 3, true);
		for (int j = 0; j < 3; j++)
			if (s[j] != cases[i].norm[j])
				kube_test_fail(__FILE__, __LINE__, "case %zu norm[%d] %lld", i, j, (long long)s[j]);
	}
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

static void add(scheduler_nodeinfo_t *ni, const char *name, const char *labels, const char *spec)
{
	scheduler_pod_t *p = mkpod(name, labels, spec);
	scheduler_nodeinfo_add_pod(ni, p);
	scheduler_pod_unref(p);
}

TEST(topology_spread_schedule_anyway)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "4", "4Gi", "{\"kubernetes.io/hostname\":\"a\",\"zone\":\"z1\"}", NULL),
		mknode("b", "4", "4Gi", "{\"kubernetes.io/hostname\":\"b\",\"zone\":\"z1\"}", NULL),
		mknode("c", "4", "4Gi", "{\"kubernetes.io/hostname\":\"c\",\"zone\":\"z2\"}", NULL),
	};
	add(n[0], "w1", "{\"app\":\"web\"}", "{}");
	add(n[0], "w2", "{\"app\":\"web\"}", "{}");
	add(n[1], "w3", "{\"app\":\"web\"}", "{}");
	add(n[1], "o", "{\"app\":\"other\"}", "{}");
	static const struct {
		const char *key;
		int64_t want[3];
	} cases[] = {
		/* hostname: counts 2,1,0, weight log(3+2); raw 3,2,0 -> 100*(3+0-s)/3 */
		{ "kubernetes.io/hostname", { 0, 33, 100 } },
		/* zone: z1 has 3, z2 0, weight log(2+2); raw 4,4,0 */
		{ "zone", { 0, 0, 100 } },
		/* missing key: every node ignored */
		{ "rack", { 0, 0, 0 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *spec = kube_asprintf("{\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":\"%s\","
					   "\"whenUnsatisfiable\":\"ScheduleAnyway\",\"labelSelector\":{\"matchLabels\":"
					   "{\"app\":\"web\"}}}]}", cases[i].key);
		scheduler_pod_t *p = mkpod("p", "{\"app\":\"web\"}", spec);
		kube_free(spec);
		int64_t s[3];
		scheduler_score_spread(p, n, 3, n, 3, s);
		scheduler_pod_unref(p);
		for (int j = 0; j < 3; j++)
			if (s[j] != cases[i].want[j])
				kube_test_fail(__FILE__, __LINE__, "case %zu[%d]: %lld want %lld", i, j,
					       (long long)s[j], (long long)cases[i].want[j]);
	}
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(inter_pod_affinity_preferred)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "4", "4Gi", "{\"zone\":\"z1\"}", NULL),
		mknode("b", "4", "4Gi", "{\"zone\":\"z2\"}", NULL),
		mknode("c", "4", "4Gi", "{\"zone\":\"z3\"}", NULL),
	};
	add(n[0], "db", "{\"app\":\"db\"}", "{}");
	add(n[1], "cache", "{\"app\":\"cache\"}", "{}");
	static const struct {
		const char *spec;
		int64_t want[3];
	} cases[] = {
		{ "{}", { 0, 0, 0 } },
		/* prefer db (weight 10): z1 10, others 0 */
		{ "{\"affinity\":{\"podAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":10,"
		  "\"podAffinityTerm\":{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"topologyKey\":\"zone\"}}]}}}",
		  { 100, 0, 0 } },
		/* avoid cache (weight 5): z2 -5 */
		{ "{\"affinity\":{\"podAntiAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":5,"
		  "\"podAffinityTerm\":{\"labelSelector\":{\"matchLabels\":{\"app\":\"cache\"}},\"topologyKey\":\"zone\"}}]}}}",
		  { 100, 0, 100 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		scheduler_pod_t *p = mkpod("p", "{\"app\":\"web\"}", cases[i].spec);
		int64_t s[3];
		scheduler_score_interpod(p, n, 3, n, 3, 1, s);
		scheduler_pod_unref(p);
		for (int j = 0; j < 3; j++)
			if (s[j] != cases[i].want[j])
				kube_test_fail(__FILE__, __LINE__, "case %zu[%d]: %lld want %lld", i, j,
					       (long long)s[j], (long long)cases[i].want[j]);
	}
	/* an existing pod's required affinity to app=web counts with the symmetric weight */
	add(n[2], "fan", "{\"app\":\"fan\"}", "{\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
		"[{\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}},\"topologyKey\":\"zone\"}]}}}");
	scheduler_pod_t *p = mkpod("p", "{\"app\":\"web\"}", "{}");
	int64_t s[3];
	scheduler_score_interpod(p, n, 3, n, 3, 1, s);
	ASSERT_EQ(s[0], 0);
	ASSERT_EQ(s[2], 100);
	scheduler_score_interpod(p, n, 3, n, 3, 0, s);
	ASSERT_EQ(s[2], 0);
	scheduler_pod_unref(p);
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(weighted_total_prefers_empty_node)
{
	scheduler_nodeinfo_t *n[2] = {
		mknode("a", "4", "4Gi", NULL, NULL),
		mknode("b", "4", "4Gi", NULL, NULL),
	};
	add(n[0], "busy", NULL, REQ("3", "3Gi"));
	scheduler_pod_t *p = mkpod("p", NULL, REQ("500m", "512Mi"));
	int64_t t[2];
	scheduler_score_nodes(p, n, 2, n, 2, t);
	ASSERT_GT(t[1], t[0]);
	/* b: least (87+87)/2=87, balanced 100, affinity 0, taints 3*100, spread 0, interpod 0 */
	ASSERT_EQ(t[1], 87 + 100 + 300);
	scheduler_pod_unref(p);
	for (int i = 0; i < 2; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(image_locality)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "4", "4Gi", NULL, NULL), mknode("b", "4", "4Gi", NULL, NULL), mknode("c", "4", "4Gi", NULL, NULL),
	};
	/* a has the 500 MB image (as "nginx:1.0"), b a 10 MB one, c none */
	kube_json_set(n[0]->node, "status.images", cJSON_Parse("[{\"names\":[\"docker.io/x/nginx@sha256:1\",\"nginx:1.0\"],\"sizeBytes\":524288000}]"));
	kube_json_set(n[1]->node, "status.images", cJSON_Parse("[{\"names\":[\"busybox\"],\"sizeBytes\":10485760}]"));
	for (int i = 0; i < 2; i++)
		scheduler_nodeinfo_set_node(n[i], kube_json_dup(n[i]->node));
	static const struct {
		const char *spec;
		int64_t want[3];
	} cases[] = {
		/* 500MB * 1/3 nodes = 166.7MB: 100 * (166.7-23)/(1000-23) = 14 */
		{ "{\"containers\":[{\"image\":\"nginx:1.0\"}]}", { 14, 0, 0 } },
		/* below the 23 MB threshold: 0 */
		{ "{\"containers\":[{\"image\":\"busybox:latest\"}]}", { 0, 0, 0 } },
		{ "{\"containers\":[{\"image\":\"redis\"}]}", { 0, 0, 0 } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		scheduler_pod_t *p = mkpod("p", NULL, cases[i].spec);
		int64_t s[3];
		scheduler_score_images(p, n, 3, n, 3, s);
		scheduler_pod_unref(p);
		for (int j = 0; j < 3; j++)
			if (s[j] != cases[i].want[j])
				kube_test_fail(__FILE__, __LINE__, "case %zu[%d]: %lld want %lld", i, j,
					       (long long)s[j], (long long)cases[i].want[j]);
	}
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}

TEST(topology_spread_system_defaults)
{
	scheduler_nodeinfo_t *n[3] = {
		mknode("a", "4", "4Gi", "{\"kubernetes.io/hostname\":\"a\",\"topology.kubernetes.io/zone\":\"z\"}", NULL),
		mknode("b", "4", "4Gi", "{\"kubernetes.io/hostname\":\"b\",\"topology.kubernetes.io/zone\":\"z\"}", NULL),
		mknode("c", "4", "4Gi", "{\"kubernetes.io/hostname\":\"c\",\"topology.kubernetes.io/zone\":\"z\"}", NULL),
	};
	add(n[0], "w1", "{\"app\":\"web\"}", "{}");
	add(n[0], "w2", "{\"app\":\"web\"}", "{}");
	add(n[1], "w3", "{\"app\":\"web\"}", "{}");
	scheduler_pod_t *p = mkpod("p", "{\"app\":\"web\"}", "{}");
	int64_t s[3];
	/* no Service or controller: no defaults */
	scheduler_score_spread(p, n, 3, n, 3, s);
	ASSERT_EQ(s[0], 0);
	ASSERT_EQ(s[2], 0);
	ASSERT_OK(kube_selector_parse("app=web", &p->default_selector, NULL));
	/* hostname (skew 3, weight ln 5) + zone (skew 5, weight ln 3): raw 13, 11, 9 */
	scheduler_score_spread(p, n, 3, n, 3, s);
	ASSERT_EQ(s[0], 69);
	ASSERT_EQ(s[1], 84);
	ASSERT_EQ(s[2], 100);
	scheduler_pod_unref(p);
	for (int i = 0; i < 3; i++)
		scheduler_nodeinfo_free(n[i]);
}
