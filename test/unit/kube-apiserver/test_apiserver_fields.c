/* Tests for kube-apiserver/apiserver_fields.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "apiserver_fields.h"

static void check(const char *group, const char *resource, const char *json, const char *field,
		  const char *want, int line)
{
	const kube_kind_t *k = kube_kinds_lookup(group, "v1", resource);
	if (!k)
		kube_test_fail(__FILE__, line, "no kind %s", resource);
	cJSON *o = kube_json_parse(json, strlen(json));
	char *got = apiserver_fields_value(k, o, field);
	cJSON_Delete(o);
	bool ok = want ? (got && strcmp(got, want) == 0) : got == NULL;
	bool sup = apiserver_fields_supported(k, field);
	if (!ok || sup != (want != NULL)) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s %s: got %s want %s", resource, field,
			 got ? got : "(null)", want ? want : "(null)");
		kube_free(got);
		kube_test_fail(__FILE__, line, "%s", msg);
	}
	kube_free(got);
}

#define CHECK(g, r, j, f, w) check(g, r, j, f, w, __LINE__)

TEST(common_fields)
{
	const char *p = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"}}";
	CHECK("", "pods", p, "metadata.name", "a");
	CHECK("", "pods", p, "metadata.namespace", "ns");
	CHECK("", "configmaps", p, "metadata.name", "a");
	CHECK("", "configmaps", p, "data.x", NULL);
	CHECK("", "nodes", "{\"metadata\":{\"name\":\"n\"}}", "metadata.name", "n");
	CHECK("", "nodes", "{}", "metadata.namespace", NULL);
	CHECK("apps", "deployments", p, "spec.replicas", NULL);
	CHECK("", "pods", p, "spec.containers", NULL);
}

TEST(pod_fields)
{
	const char *p = "{\"spec\":{\"nodeName\":\"n1\",\"restartPolicy\":\"Always\",\"schedulerName\":\"s\","
			"\"serviceAccountName\":\"sa\",\"hostNetwork\":true},\"status\":{\"phase\":\"Running\","
			"\"podIP\":\"10.0.0.1\",\"nominatedNodeName\":\"n2\"}}";
	CHECK("", "pods", p, "spec.nodeName", "n1");
	CHECK("", "pods", p, "spec.restartPolicy", "Always");
	CHECK("", "pods", p, "spec.schedulerName", "s");
	CHECK("", "pods", p, "spec.serviceAccountName", "sa");
	CHECK("", "pods", p, "spec.hostNetwork", "true");
	CHECK("", "pods", p, "status.phase", "Running");
	CHECK("", "pods", p, "status.podIP", "10.0.0.1");
	CHECK("", "pods", p, "status.nominatedNodeName", "n2");
	CHECK("", "pods", "{}", "spec.nodeName", "");
	CHECK("", "pods", "{}", "spec.hostNetwork", "false");
}

TEST(other_fields)
{
	const char *e = "{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\"d\",\"uid\":\"u\","
			"\"apiVersion\":\"v1\",\"resourceVersion\":\"5\",\"fieldPath\":\"spec\"},\"reason\":\"Started\","
			"\"source\":{\"component\":\"kubelet\"},\"type\":\"Normal\",\"reportingComponent\":\"kubelet\"}";
	CHECK("", "events", e, "involvedObject.kind", "Pod");
	CHECK("", "events", e, "involvedObject.name", "p");
	CHECK("", "events", e, "involvedObject.namespace", "d");
	CHECK("", "events", e, "involvedObject.uid", "u");
	CHECK("", "events", e, "involvedObject.apiVersion", "v1");
	CHECK("", "events", e, "involvedObject.resourceVersion", "5");
	CHECK("", "events", e, "involvedObject.fieldPath", "spec");
	CHECK("", "events", e, "reason", "Started");
	CHECK("", "events", e, "source", "kubelet");
	CHECK("", "events", e, "type", "Normal");
	CHECK("", "events", e, "reportingComponent", "kubelet");
	CHECK("", "nodes", "{\"spec\":{\"unschedulable\":true}}", "spec.unschedulable", "true");
	CHECK("", "nodes", "{}", "spec.unschedulable", "false");
	CHECK("", "namespaces", "{\"status\":{\"phase\":\"Active\"}}", "status.phase", "Active");
	CHECK("", "secrets", "{\"type\":\"Opaque\"}", "type", "Opaque");
	CHECK("apps", "replicasets", "{\"status\":{\"replicas\":3}}", "status.replicas", "3");
	CHECK("", "replicationcontrollers", "{}", "status.replicas", "0");
	CHECK("batch", "jobs", "{\"status\":{\"succeeded\":2}}", "status.successful", "2");
	CHECK("batch", "jobs", "{}", "status.successful", "0");
	CHECK("", "services", "{}", "spec.type", NULL);
}
