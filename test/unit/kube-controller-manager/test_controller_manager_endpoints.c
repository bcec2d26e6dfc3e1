/* Tests for kube-controller-manager/controller_manager_endpoints_logic.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_endpoints_logic.h"

static cJSON *parse(const char *s)
{
	cJSON *j = kube_json_parse(s, strlen(s));
	if (!j)
		kube_test_fail(__FILE__, __LINE__, "bad json %s", s);
	return j;
}

#define SVC(spec) "{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"s1\",\"labels\":{\"l\":\"v\"}},\"spec\":" spec "}"

/* name, ip, ready, extra spec fields, extra metadata fields */
static cJSON *pod(const char *name, const char *ip, bool ready, const char *extra_spec, const char *extra_meta,
		  const char *phase)
{
	char buf[1024];
	snprintf(buf, sizeof(buf),
		 "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"ns\",\"uid\":\"u-%s\",\"labels\":{\"app\":\"web\"}%s},"
		 "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080}]}]%s},"
		 "\"status\":{\"phase\":\"%s\"%s%s%s,\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}]}}",
		 name, name, extra_meta, extra_spec, phase, ip ? ",\"podIP\":\"" : "", ip ? ip : "", ip ? "\"" : "",
		 ready ? "True" : "False");
	return parse(buf);
}

typedef struct pods {
	cJSON *items[8];
	size_t n;
} pods_t;

static void pods_free(pods_t *p)
{
	for (size_t i = 0; i < p->n; i++)
		cJSON_Delete(p->items[i]);
}

static void check_subsets(const char *svcjson, pods_t *p, const char *want, int line)
{
	cJSON *svc = parse(svcjson);
	cJSON *ep = controller_manager_endpoints_build(svc, (const cJSON *const *)p->items, p->n);
	char *got = kube_json_compact(kube_json_get(ep, "subsets"));
	bool ok = strcmp(got, want) == 0;
	if (!ok)
		printf("got  %s\nwant %s\n", got, want);
	kube_free(got);
	cJSON_Delete(ep);
	cJSON_Delete(svc);
	if (!ok)
		kube_test_fail(__FILE__, line, "subsets differ");
}

TEST(subsets)
{
	pods_t p = { 0 };
	p.items[p.n++] = pod("b", "10.0.0.2", true, "", "", "Running");
	p.items[p.n++] = pod("a", "10.0.0.1", false, "", "", "Running");
	p.items[p.n++] = pod("noip", NULL, true, "", "", "Pending");
	p.items[p.n++] = pod("done", "10.0.0.9", false, "", "", "Succeeded");
	p.items[p.n++] = pod("gone", "10.0.0.8", true, "", ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"", "Running");
	p.items[p.n++] = pod("other", "10.0.0.7", true, "", "", "Running");
	cJSON_ReplaceItemInObject(kube_json_get(p.items[5], "metadata"), "labels", parse("{\"app\":\"x\"}"));

	/* named targetPort resolved per pod, readiness split */
	check_subsets(SVC("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"h\",\"port\":80,\"targetPort\":\"http\",\"protocol\":\"TCP\"}]}"), &p,
		      "[{\"addresses\":[{\"ip\":\"10.0.0.2\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"b\",\"uid\":\"u-b\"}}],"
		      "\"notReadyAddresses\":[{\"ip\":\"10.0.0.1\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"a\",\"uid\":\"u-a\"}}],"
		      "\"ports\":[{\"name\":\"h\",\"port\":8080,\"protocol\":\"TCP\"}]}]",
		      __LINE__);
	/* publishNotReadyAddresses: all ready, terminating included */
	check_subsets(SVC("{\"selector\":{\"app\":\"web\"},\"publishNotReadyAddresses\":true,\"ports\":[{\"port\":80,\"targetPort\":9000}]}"), &p,
		      "[{\"addresses\":[{\"ip\":\"10.0.0.1\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"a\",\"uid\":\"u-a\"}},"
		      "{\"ip\":\"10.0.0.2\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"b\",\"uid\":\"u-b\"}},"
		      "{\"ip\":\"10.0.0.8\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"gone\",\"uid\":\"u-gone\"}}],"
		      "\"ports\":[{\"name\":\"\",\"port\":9000,\"protocol\":\"TCP\"}]}]",
		      __LINE__);
	/* a named port no pod has: no subsets */
	check_subsets(SVC("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":\"grpc\"}]}"), &p, "[]", __LINE__);
	/* protocol must match too */
	check_subsets(SVC("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":\"http\",\"protocol\":\"UDP\"}]}"), &p, "[]", __LINE__);
	/* no selector: nothing managed */
	check_subsets(SVC("{\"ports\":[{\"port\":80}]}"), &p, "[]", __LINE__);
	pods_free(&p);

	/* headless without ports: address-only subsets, hostname from subdomain */
	pods_t h = { 0 };
	h.items[h.n++] = pod("web-0", "10.0.1.1", true, ",\"hostname\":\"web-0\",\"subdomain\":\"web\"", "", "Running");
	check_subsets(SVC("{\"selector\":{\"app\":\"web\"},\"clusterIP\":\"None\"}"), &h,
		      "[{\"addresses\":[{\"ip\":\"10.0.1.1\",\"hostname\":\"web-0\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"web-0\",\"uid\":\"u-web-0\"}}]}]",
		      __LINE__);
	cJSON *svc = parse(SVC("{\"selector\":{\"app\":\"web\"},\"clusterIP\":\"None\"}"));
	cJSON *ep = controller_manager_endpoints_build(svc, (const cJSON *const *)h.items, h.n);
	ASSERT_STREQ(kube_json_get_str(ep, "metadata.name"), "web");
	ASSERT_STREQ(kube_json_get_str(ep, "metadata.labels.l"), "v");
	ASSERT_STREQ(kube_json_get_str(ep, "metadata.labels['service.kubernetes.io/headless']"), "");
	ASSERT_TRUE(controller_manager_endpoints_same(ep, ep));
	cJSON *other = parse("{\"metadata\":{\"labels\":{\"l\":\"v\"}},\"subsets\":[]}");
	ASSERT_FALSE(controller_manager_endpoints_same(other, ep));
	cJSON_Delete(other);
	cJSON_Delete(ep);
	cJSON_Delete(svc);
	pods_free(&h);
}

TEST(two_port_sets)
{
	pods_t p = { 0 };
	p.items[p.n++] = pod("a", "10.0.0.1", true, "", "", "Running");
	p.items[p.n++] = pod("b", "10.0.0.2", true, "", "", "Running");
	/* b names its port differently: only the numeric port applies to it */
	kube_json_set_str(p.items[1], "spec.containers[0].ports[0].name", "web");
	check_subsets(SVC("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"h\",\"port\":80,\"targetPort\":\"http\"},"
			  "{\"name\":\"m\",\"port\":9090,\"targetPort\":9090}]}"), &p,
		      "[{\"addresses\":[{\"ip\":\"10.0.0.1\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"a\",\"uid\":\"u-a\"}}],"
		      "\"ports\":[{\"name\":\"h\",\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"m\",\"port\":9090,\"protocol\":\"TCP\"}]},"
		      "{\"addresses\":[{\"ip\":\"10.0.0.2\",\"nodeName\":\"n1\",\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"b\",\"uid\":\"u-b\"}}],"
		      "\"ports\":[{\"name\":\"m\",\"port\":9090,\"protocol\":\"TCP\"}]}]",
		      __LINE__);
	pods_free(&p);
}

static const char *zone_of(const char *node, void *arg)
{
	return strcmp(node, "n1") == 0 ? "z1" : NULL;
}

TEST(slices)
{
	pods_t p = { 0 };
	p.items[p.n++] = pod("a", "10.0.0.1", true, "", "", "Running");
	p.items[p.n++] = pod("b", "10.0.0.2", false, "", "", "Running");
	p.items[p.n++] = pod("t", "10.0.0.3", true, "", ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"", "Running");
	cJSON *svc = parse(SVC("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"h\",\"port\":80,\"targetPort\":\"http\"}]}"));
	controller_manager_endpointslice_plan_t plan = { 0 };
	controller_manager_endpointslice_plan(svc, (const cJSON *const *)p.items, p.n, NULL, 0, zone_of, NULL, &plan);
	ASSERT_EQ(cJSON_GetArraySize(plan.create), 1);
	ASSERT_EQ(cJSON_GetArraySize(plan.update), 0);
	ASSERT_EQ(cJSON_GetArraySize(plan.remove), 0);
	cJSON *s = cJSON_GetArrayItem(plan.create, 0);
	ASSERT_STREQ(kube_json_get_str(s, "metadata.generateName"), "web-");
	ASSERT_STREQ(kube_json_get_str(s, "metadata.labels['kubernetes.io/service-name']"), "web");
	ASSERT_STREQ(kube_json_get_str(s, "metadata.labels['endpointslice.kubernetes.io/managed-by']"),
		     "endpointslice-controller.k8s.io");
	ASSERT_STREQ(kube_json_get_str(s, "metadata.ownerReferences[0].kind"), "Service");
	ASSERT_STREQ(kube_json_get_str(s, "addressType"), "IPv4");
	char *got = kube_json_compact(kube_json_get(s, "endpoints"));
	const char *want =
		"[{\"addresses\":[\"10.0.0.1\"],\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false},"
		"\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"a\",\"uid\":\"u-a\"},\"nodeName\":\"n1\",\"zone\":\"z1\"},"
		"{\"addresses\":[\"10.0.0.2\"],\"conditions\":{\"ready\":false,\"serving\":false,\"terminating\":false},"
		"\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"b\",\"uid\":\"u-b\"},\"nodeName\":\"n1\",\"zone\":\"z1\"},"
		"{\"addresses\":[\"10.0.0.3\"],\"conditions\":{\"ready\":false,\"serving\":true,\"terminating\":true},"
		"\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"t\",\"uid\":\"u-t\"},\"nodeName\":\"n1\",\"zone\":\"z1\"}]";
	if (strcmp(got, want) != 0)
		printf("got %s\n", got);
	ASSERT_STREQ(got, want);
	kube_free(got);
	got = kube_json_compact(kube_json_get(s, "ports"));
	ASSERT_STREQ(got, "[{\"name\":\"h\",\"protocol\":\"TCP\",\"port\":8080}]");
	kube_free(got);

	/* the same as existing (named): nothing to do; then one pod fewer: update */
	cJSON *existing = kube_json_dup(s);
	kube_json_set_str(existing, "metadata.name", "web-abcde");
	const cJSON *ex[2] = { existing, NULL };
	controller_manager_endpointslice_plan_clear(&plan);
	controller_manager_endpointslice_plan(svc, (const cJSON *const *)p.items, p.n, ex, 1, zone_of, NULL, &plan);
	ASSERT_EQ(cJSON_GetArraySize(plan.create) + cJSON_GetArraySize(plan.update) + cJSON_GetArraySize(plan.remove), 0);
	controller_manager_endpointslice_plan_clear(&plan);
	controller_manager_endpointslice_plan(svc, (const cJSON *const *)p.items, 1, ex, 1, zone_of, NULL, &plan);
	ASSERT_EQ(cJSON_GetArraySize(plan.update), 1);
	ASSERT_STREQ(kube_json_get_str(cJSON_GetArrayItem(plan.update, 0), "metadata.name"), "web-abcde");
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(cJSON_GetArrayItem(plan.update, 0), "endpoints")), 1);
	/* a stale extra slice is removed */
	cJSON *stale = parse("{\"metadata\":{\"name\":\"web-old\"},\"addressType\":\"IPv4\",\"ports\":[{\"port\":1}]}");
	ex[1] = stale;
	controller_manager_endpointslice_plan_clear(&plan);
	controller_manager_endpointslice_plan(svc, (const cJSON *const *)p.items, p.n, ex, 2, zone_of, NULL, &plan);
	ASSERT_EQ(cJSON_GetArraySize(plan.remove), 1);
	ASSERT_STREQ(cJSON_GetArrayItem(plan.remove, 0)->valuestring, "web-old");
	/* no pods: one placeholder slice */
	controller_manager_endpointslice_plan_clear(&plan);
	controller_manager_endpointslice_plan(svc, NULL, 0, NULL, 0, NULL, NULL, &plan);
	ASSERT_EQ(cJSON_GetArraySize(plan.create), 1);
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(cJSON_GetArrayItem(plan.create, 0), "endpoints")), 0);
	controller_manager_endpointslice_plan_clear(&plan);
	cJSON_Delete(stale);
	cJSON_Delete(existing);
	cJSON_Delete(svc);
	pods_free(&p);
}

TEST(slice_chunks)
{
	cJSON *svc = parse(SVC("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":80}]}"));
	cJSON *arr = cJSON_CreateArray();
	const cJSON *pods[250];
	for (int i = 0; i < 250; i++) {
		char name[16], ip[32];
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 200, i % 200);
		cJSON *pd = pod(name, ip, true, "", "", "Running");
		cJSON_AddItemToArray(arr, pd);
		pods[i] = pd;
	}
	controller_manager_endpointslice_plan_t plan = { 0 };
	controller_manager_endpointslice_plan(svc, pods, 250, NULL, 0, NULL, NULL, &plan);
	ASSERT_EQ(cJSON_GetArraySize(plan.create), 3);
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(cJSON_GetArrayItem(plan.create, 0), "endpoints")), 100);
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(cJSON_GetArrayItem(plan.create, 2), "endpoints")), 50);
	controller_manager_endpointslice_plan_clear(&plan);
	cJSON_Delete(arr);
	cJSON_Delete(svc);
}
