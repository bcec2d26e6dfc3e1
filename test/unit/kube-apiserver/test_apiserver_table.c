/* Tests for kube-apiserver/apiserver_table.c: cells as upstream prints them. */
#include "kube_test.h"

#include <errno.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "apiserver_table.h"
#include "core/kube_time.h"

/* 2024-01-01T00:10:00Z */
static int64_t now(void)
{
	int64_t t = 0;
	kube_time_parse_rfc3339("2024-01-01T00:10:00Z", &t);
	return t;
}

#define CREATED "\"creationTimestamp\":\"2024-01-01T00:00:00Z\""

/* Render obj's cells compactly and compare with want (a JSON array). */
static void check_cells(const char *group, const char *version, const char *resource,
			const char *json, const char *want, int line)
{
	const kube_kind_t *k = kube_kinds_lookup(group, version, resource);
	if (!k)
		kube_test_fail(__FILE__, line, "no kind %s", resource);
	cJSON *o = kube_json_parse(json, strlen(json));
	if (!o)
		kube_test_fail(__FILE__, line, "bad json");
	cJSON *cells = apiserver_table_cells(k, o, now());
	char *got = cJSON_PrintUnformatted(cells); /* no Go <> escaping, for readability */
	cJSON *cols = apiserver_table_columns(k);
	int ncols = cJSON_GetArraySize(cols), ncells = cJSON_GetArraySize(cells);
	cJSON_Delete(cols);
	cJSON_Delete(cells);
	cJSON_Delete(o);
	bool ok = strcmp(got, want) == 0 && ncols == ncells;
	if (!ok) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s: got %s want %s (%d columns, %d cells)", resource, got, want,
			 ncols, ncells);
		kube_free(got);
		kube_test_fail(__FILE__, line, "%s", msg);
	}
	kube_free(got);
}

#define CELLS(g, v, r, j, w) check_cells(g, v, r, j, w, __LINE__)

TEST(pods)
{
	CELLS("", "v1", "pods",
	      "{\"metadata\":{\"name\":\"p\"," CREATED "},\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
	      "\"status\":{\"phase\":\"Pending\"}}",
	      "[\"p\",\"0/1\",\"Pending\",\"0\",\"10m\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
	CELLS("", "v1", "pods",
	      "{\"metadata\":{\"name\":\"p\"," CREATED "},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
	      "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.5\",\"podIPs\":[{\"ip\":\"10.0.0.5\"}],\"containerStatuses\":["
	      "{\"name\":\"a\",\"ready\":true,\"restartCount\":2,\"state\":{\"running\":{}},"
	      "\"lastState\":{\"terminated\":{\"exitCode\":1,\"finishedAt\":\"2024-01-01T00:05:00Z\"}}},"
	      "{\"name\":\"b\",\"ready\":false,\"restartCount\":0,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}",
	      "[\"p\",\"1/2\",\"CrashLoopBackOff\",\"2 (5m ago)\",\"10m\",\"10.0.0.5\",\"n1\",\"<none>\",\"<none>\"]");
	CELLS("", "v1", "pods",
	      "{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":\"2024-01-01T00:09:00Z\"," CREATED "},"
	      "\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
	      "{\"name\":\"a\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}",
	      "[\"p\",\"1/1\",\"Terminating\",\"0\",\"10m\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
	CELLS("", "v1", "pods",
	      "{\"metadata\":{\"name\":\"p\"," CREATED "},\"spec\":{\"initContainers\":[{\"name\":\"i\"}],\"containers\":[{\"name\":\"a\"}]},"
	      "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":[{\"name\":\"i\",\"restartCount\":0,"
	      "\"state\":{\"running\":{}}}],\"containerStatuses\":[{\"name\":\"a\",\"restartCount\":0,"
	      "\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}]}}",
	      "[\"p\",\"0/1\",\"Init:0/1\",\"0\",\"10m\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
	CELLS("", "v1", "pods",
	      "{\"metadata\":{\"name\":\"p\"," CREATED "},\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
	      "\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":\"a\",\"restartCount\":0,"
	      "\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}",
	      "[\"p\",\"0/1\",\"Completed\",\"0\",\"10m\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
}

TEST(nodes)
{
	CELLS("", "v1", "nodes",
	      "{\"metadata\":{\"name\":\"n1\"," CREATED ",\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\","
	      "\"node-role.kubernetes.io/worker\":\"\"}},\"spec\":{\"unschedulable\":true},\"status\":{\"conditions\":["
	      "{\"type\":\"MemoryPressure\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}],"
	      "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.1.1.1\"},{\"type\":\"Hostname\",\"address\":\"n1\"}],"
	      "\"nodeInfo\":{\"kubeletVersion\":\"v1.32.0\",\"osImage\":\"Debian\",\"kernelVersion\":\"6.1\","
	      "\"containerRuntimeVersion\":\"containerd://1.7\"}}}",
	      "[\"n1\",\"Ready,SchedulingDisabled\",\"control-plane,worker\",\"10m\",\"v1.32.0\",\"10.1.1.1\",\"<none>\","
	      "\"Debian\",\"6.1\",\"containerd://1.7\"]");
	CELLS("", "v1", "nodes", "{\"metadata\":{\"name\":\"n2\"}}",
	      "[\"n2\",\"Unknown\",\"<none>\",\"<unknown>\",\"\",\"<none>\",\"<none>\",\"<unknown>\",\"<unknown>\",\"<unknown>\"]");
	CELLS("", "v1", "nodes",
	      "{\"metadata\":{\"name\":\"n3\"," CREATED "},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}",
	      "[\"n3\",\"NotReady\",\"<none>\",\"10m\",\"\",\"<none>\",\"<none>\",\"<unknown>\",\"<unknown>\",\"<unknown>\"]");
}

TEST(services)
{
	CELLS("", "v1", "services",
	      "{\"metadata\":{\"name\":\"s\"," CREATED "},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.10\","
	      "\"clusterIPs\":[\"10.96.0.10\"],\"selector\":{\"b\":\"2\",\"a\":\"1\"},\"ports\":[{\"port\":53,\"protocol\":\"UDP\"},"
	      "{\"port\":53,\"protocol\":\"TCP\"}]}}",
	      "[\"s\",\"ClusterIP\",\"10.96.0.10\",\"<none>\",\"53/UDP,53/TCP\",\"10m\",\"a=1,b=2\"]");
	CELLS("", "v1", "services",
	      "{\"metadata\":{\"name\":\"s\"," CREATED "},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.11\","
	      "\"ports\":[{\"port\":80,\"nodePort\":30080,\"protocol\":\"TCP\"}]}}",
	      "[\"s\",\"NodePort\",\"10.96.0.11\",\"<none>\",\"80:30080/TCP\",\"10m\",\"<none>\"]");
	CELLS("", "v1", "services",
	      "{\"metadata\":{\"name\":\"s\"," CREATED "},\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"10.96.0.12\","
	      "\"ports\":[{\"port\":443,\"nodePort\":31000,\"protocol\":\"TCP\"}]}}",
	      "[\"s\",\"LoadBalancer\",\"10.96.0.12\",\"<pending>\",\"443:31000/TCP\",\"10m\",\"<none>\"]");
	CELLS("", "v1", "services",
	      "{\"metadata\":{\"name\":\"s\"," CREATED "},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}}",
	      "[\"s\",\"ExternalName\",\"<none>\",\"example.com\",\"<none>\",\"10m\",\"<none>\"]");
}

TEST(workloads)
{
	CELLS("apps", "v1", "deployments",
	      "{\"metadata\":{\"name\":\"d\"," CREATED "},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"x\"},"
	      "\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"web\",\"api\"]}]},"
	      "\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"},{\"name\":\"b\",\"image\":\"busybox\"}]}}},"
	      "\"status\":{\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":2}}",
	      "[\"d\",\"2/3\",3,2,\"10m\",\"a,b\",\"nginx,busybox\",\"app=x,tier in (api,web)\"]");
	CELLS("apps", "v1", "replicasets",
	      "{\"metadata\":{\"name\":\"r\"," CREATED "},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{\"app\":\"x\"}},"
	      "\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}]}}},\"status\":{\"replicas\":2}}",
	      "[\"r\",2,2,0,\"10m\",\"a\",\"nginx\",\"app=x\"]");
	CELLS("", "v1", "replicationcontrollers",
	      "{\"metadata\":{\"name\":\"r\"," CREATED "},\"spec\":{\"replicas\":1,\"selector\":{\"app\":\"x\"},"
	      "\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"nginx\"}]}}},\"status\":{\"replicas\":1,\"readyReplicas\":1}}",
	      "[\"r\",1,1,1,\"10m\",\"a\",\"nginx\",\"app=x\"]");
	CELLS("apps", "v1", "daemonsets",
	      "{\"metadata\":{\"name\":\"ds\"," CREATED "},\"spec\":{\"selector\":{\"matchLabels\":{\"k\":\"v\"}},"
	      "\"template\":{\"spec\":{\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"},\"containers\":[{\"name\":\"p\",\"image\":\"proxy\"}]}}},"
	      "\"status\":{\"desiredNumberScheduled\":2,\"currentNumberScheduled\":2,\"numberReady\":1,\"updatedNumberScheduled\":2,\"numberAvailable\":1}}",
	      "[\"ds\",2,2,1,2,1,\"kubernetes.io/os=linux\",\"10m\",\"p\",\"proxy\",\"k=v\"]");
	CELLS("apps", "v1", "statefulsets",
	      "{\"metadata\":{\"name\":\"ss\"," CREATED "},\"spec\":{\"replicas\":3,\"template\":{\"spec\":{\"containers\":"
	      "[{\"name\":\"db\",\"image\":\"pg\"}]}}},\"status\":{\"readyReplicas\":1}}",
	      "[\"ss\",\"1/3\",\"10m\",\"db\",\"pg\"]");
}

TEST(jobs)
{
	CELLS("batch", "v1", "jobs",
	      "{\"metadata\":{\"name\":\"j\"," CREATED "},\"spec\":{\"completions\":1,\"parallelism\":1,\"selector\":{\"matchLabels\":"
	      "{\"batch.kubernetes.io/controller-uid\":\"u\"}},\"template\":{\"spec\":{\"containers\":[{\"name\":\"pi\",\"image\":\"perl\"}]}}},"
	      "\"status\":{\"succeeded\":1,\"startTime\":\"2024-01-01T00:00:00Z\",\"completionTime\":\"2024-01-01T00:00:07Z\","
	      "\"conditions\":[{\"type\":\"SuccessCriteriaMet\",\"status\":\"True\"},{\"type\":\"Complete\",\"status\":\"True\"}]}}",
	      "[\"j\",\"Complete\",\"1/1\",\"7s\",\"10m\",\"pi\",\"perl\",\"batch.kubernetes.io/controller-uid=u\"]");
	CELLS("batch", "v1", "jobs",
	      "{\"metadata\":{\"name\":\"j\"," CREATED "},\"spec\":{\"parallelism\":3},"
	      "\"status\":{\"startTime\":\"2024-01-01T00:08:00Z\"}}",
	      "[\"j\",\"Running\",\"0/1 of 3\",\"2m\",\"10m\",\"\",\"\",\"\"]");
	CELLS("batch", "v1", "jobs",
	      "{\"metadata\":{\"name\":\"j\"," CREATED "},\"spec\":{\"completions\":2,\"suspend\":true},"
	      "\"status\":{\"conditions\":[{\"type\":\"Suspended\",\"status\":\"True\"}]}}",
	      "[\"j\",\"Suspended\",\"0/2\",\"\",\"10m\",\"\",\"\",\"\"]");
	CELLS("batch", "v1", "cronjobs",
	      "{\"metadata\":{\"name\":\"cj\"," CREATED "},\"spec\":{\"schedule\":\"*/1 * * * *\",\"suspend\":false,"
	      "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"h\",\"image\":\"busybox\"}]}}}}},"
	      "\"status\":{\"active\":[{\"name\":\"x\"}],\"lastScheduleTime\":\"2024-01-01T00:09:00Z\"}}",
	      "[\"cj\",\"*/1 * * * *\",\"<none>\",\"False\",1,\"1m\",\"10m\",\"h\",\"busybox\",\"\"]");
}

TEST(core_kinds)
{
	CELLS("", "v1", "namespaces", "{\"metadata\":{\"name\":\"dev\"," CREATED "},\"status\":{\"phase\":\"Active\"}}",
	      "[\"dev\",\"Active\",\"10m\"]");
	CELLS("", "v1", "componentstatuses",
	      "{\"metadata\":{\"name\":\"scheduler\"},\"conditions\":[{\"type\":\"Healthy\",\"status\":\"True\",\"message\":\"ok\"}]}",
	      "[\"scheduler\",\"Healthy\",\"ok\",\"\"]");
	CELLS("", "v1", "configmaps", "{\"metadata\":{\"name\":\"c\"," CREATED "},\"data\":{\"a\":\"1\",\"b\":\"2\"},\"binaryData\":{\"c\":\"AA==\"}}",
	      "[\"c\",3,\"10m\"]");
	CELLS("", "v1", "secrets", "{\"metadata\":{\"name\":\"s\"," CREATED "},\"type\":\"Opaque\",\"data\":{\"a\":\"MQ==\"}}",
	      "[\"s\",\"Opaque\",1,\"10m\"]");
	CELLS("", "v1", "serviceaccounts", "{\"metadata\":{\"name\":\"default\"," CREATED "}}", "[\"default\",0,\"10m\"]");
	CELLS("", "v1", "endpoints",
	      "{\"metadata\":{\"name\":\"e\"," CREATED "},\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"},{\"ip\":\"10.0.0.2\"}],"
	      "\"ports\":[{\"port\":80},{\"port\":443}]}]}",
	      "[\"e\",\"10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...\",\"10m\"]");
	CELLS("", "v1", "endpoints", "{\"metadata\":{\"name\":\"e\"," CREATED "}}", "[\"e\",\"<none>\",\"10m\"]");
	CELLS("", "v1", "events",
	      "{\"metadata\":{\"name\":\"p.17\"},\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\",\"fieldPath\":\"spec.containers{c}\"},"
	      "\"reason\":\"Pulled\",\"message\":\" Pulled image \\n\",\"type\":\"Normal\",\"count\":3,"
	      "\"firstTimestamp\":\"2024-01-01T00:00:00Z\",\"lastTimestamp\":\"2024-01-01T00:08:00Z\","
	      "\"source\":{\"component\":\"kubelet\",\"host\":\"n1\"}}",
	      "[\"2m (x3 over 10m)\",\"Normal\",\"Pulled\",\"pod/p\",\"spec.containers{c}\",\"kubelet, n1\",\"Pulled image\",\"10m\",3,\"p.17\"]");
	CELLS("coordination.k8s.io", "v1", "leases",
	      "{\"metadata\":{\"name\":\"n1\"," CREATED "},\"spec\":{\"holderIdentity\":\"n1\"}}", "[\"n1\",\"n1\",\"10m\"]");
	CELLS("policy", "v1", "poddisruptionbudgets", "{\"metadata\":{\"name\":\"x\"," CREATED "}}", "[\"x\",\"10m\"]");
}

TEST(render_table)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "namespaces");
	const char *j = "{\"metadata\":{\"name\":\"dev\",\"labels\":{\"a\":\"b\"}," CREATED "},\"status\":{\"phase\":\"Active\"}}";
	cJSON *o = kube_json_parse(j, strlen(j));
	cJSON *objs[1] = { o };
	kube_buf_t b = KUBE_BUF_INIT;
	apiserver_table_render(&b, k, objs, 1, APISERVER_TABLE_INCLUDE_METADATA, "42", "tok", true, now());
	cJSON *t = kube_json_parse(b.data, b.len);
	ASSERT_NOT_NULL(t);
	ASSERT_STREQ(kube_json_get_str(t, "kind"), "Table");
	ASSERT_STREQ(kube_json_get_str(t, "apiVersion"), "meta.k8s.io/v1");
	ASSERT_STREQ(kube_json_get_str(t, "metadata.resourceVersion"), "42");
	ASSERT_STREQ(kube_json_get_str(t, "metadata.continue"), "tok");
	ASSERT_STREQ(kube_json_get_str(t, "columnDefinitions[0].name"), "Name");
	ASSERT_STREQ(kube_json_get_str(t, "columnDefinitions[0].format"), "name");
	ASSERT_EQ(kube_json_get_int64(t, "columnDefinitions[0].priority", -1), 0);
	ASSERT_STREQ(kube_json_get_str(t, "columnDefinitions[1].name"), "Status");
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].cells[1]"), "Active");
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].object.kind"), "PartialObjectMetadata");
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].object.apiVersion"), "meta.k8s.io/v1");
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].object.metadata.labels.a"), "b");
	cJSON_Delete(t);

	kube_buf_reset(&b);
	apiserver_table_render(&b, k, objs, 1, APISERVER_TABLE_INCLUDE_OBJECT, NULL, NULL, false, now());
	t = kube_json_parse(b.data, b.len);
	ASSERT_NOT_NULL(t);
	ASSERT_TRUE(cJSON_IsNull(kube_json_get(t, "columnDefinitions")));
	ASSERT_NULL(kube_json_get(t, "metadata.resourceVersion"));
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].object.status.phase"), "Active");
	cJSON_Delete(t);

	kube_buf_reset(&b);
	apiserver_table_render(&b, k, objs, 1, APISERVER_TABLE_INCLUDE_NONE, "1", NULL, true, now());
	t = kube_json_parse(b.data, b.len);
	ASSERT_NULL(kube_json_get(t, "rows[0].object"));
	cJSON_Delete(t);

	kube_buf_reset(&b);
	apiserver_table_render(&b, k, NULL, 0, APISERVER_TABLE_INCLUDE_METADATA, "7", NULL, true, now());
	t = kube_json_parse(b.data, b.len);
	ASSERT_EQ(cJSON_GetArraySize(kube_json_get(t, "rows")), 0);
	ASSERT_TRUE(cJSON_IsArray(kube_json_get(t, "rows")));
	cJSON_Delete(t);
	kube_buf_clear(&b);
	cJSON_Delete(o);
}

TEST(pod_completed_row_condition)
{
	const kube_kind_t *k = kube_kinds_lookup("", "v1", "pods");
	const char *j = "{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Succeeded\"}}";
	cJSON *o = kube_json_parse(j, strlen(j));
	cJSON *objs[1] = { o };
	kube_buf_t b = KUBE_BUF_INIT;
	apiserver_table_render(&b, k, objs, 1, APISERVER_TABLE_INCLUDE_NONE, "1", NULL, true, now());
	cJSON *t = kube_json_parse(b.data, b.len);
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].conditions[0].type"), "Completed");
	ASSERT_STREQ(kube_json_get_str(t, "rows[0].conditions[0].reason"), "Succeeded");
	cJSON_Delete(t);
	kube_buf_clear(&b);
	cJSON_Delete(o);
}

TEST(include_parse)
{
	ASSERT_EQ(apiserver_table_include_parse(""), APISERVER_TABLE_INCLUDE_METADATA);
	ASSERT_EQ(apiserver_table_include_parse(NULL), APISERVER_TABLE_INCLUDE_METADATA);
	ASSERT_EQ(apiserver_table_include_parse("Metadata"), APISERVER_TABLE_INCLUDE_METADATA);
	ASSERT_EQ(apiserver_table_include_parse("None"), APISERVER_TABLE_INCLUDE_NONE);
	ASSERT_EQ(apiserver_table_include_parse("Object"), APISERVER_TABLE_INCLUDE_OBJECT);
	ASSERT_EQ(apiserver_table_include_parse("bogus"), -EINVAL);
}
