/* apiserver_table: Tables as upstream's printers build them (see apiserver_table.h). */
#include "apiserver_table.h"

#include "api/kube_json.h"
#include "core/kube_time.h"

#include <stdio.h>
#include <string.h>

typedef struct column {
	const char *name, *type, *format, *description;
	int priority;
} column_t;

#define NAME_COL { "Name", "string", "name", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", 0 }
#define AGE_COL { "Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", 0 }

static const column_t generic_cols[] = { NAME_COL, AGE_COL };
static const column_t pod_cols[] = {
	NAME_COL,
	{ "Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0 },
	{ "Status", "string", "", "The aggregate status of the containers in this pod.", 0 },
	{ "Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0 },
	AGE_COL,
	{ "IP", "string", "", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1 },
	{ "Node", "string", "", "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.", 1 },
	{ "Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.", 1 },
	{ "Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness.", 1 },
};
static const column_t ns_cols[] = {
	NAME_COL,
	{ "Status", "string", "", "The status of the namespace", 0 },
	AGE_COL,
};
static const column_t node_cols[] = {
	NAME_COL,
	{ "Status", "string", "", "The status of the node", 0 },
	{ "Roles", "string", "", "The roles of the node", 0 },
	AGE_COL,
	{ "Version", "string", "", "Kubelet Version reported by the node.", 0 },
	{ "Internal-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1 },
	{ "External-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1 },
	{ "OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1 },
	{ "Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1 },
	{ "Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1 },
};
static const column_t svc_cols[] = {
	NAME_COL,
	{ "Type", "string", "", "type determines how the Service is exposed.", 0 },
	{ "Cluster-IP", "string", "", "clusterIP is the IP address of the service and is usually assigned randomly.", 0 },
	{ "External-IP", "string", "", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.", 0 },
	{ "Port(s)", "string", "", "The list of ports that are exposed by this service.", 0 },
	AGE_COL,
	{ "Selector", "string", "", "Route service traffic to pods with label keys and values matching this selector.", 1 },
};
static const column_t deploy_cols[] = {
	NAME_COL,
	{ "Ready", "string", "", "Number of the pod with ready state", 0 },
	{ "Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", 0 },
	{ "Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", 0 },
	AGE_COL,
	{ "Containers", "string", "", "Names of each container in the template.", 1 },
	{ "Images", "string", "", "Images referenced by each container in the template.", 1 },
	{ "Selector", "string", "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1 },
};
static const column_t rs_cols[] = {
	NAME_COL,
	{ "Desired", "integer", "", "Replicas is the number of desired replicas.", 0 },
	{ "Current", "integer", "", "Replicas is the most recently observed number of replicas.", 0 },
	{ "Ready", "integer", "", "The number of ready replicas for this replica set.", 0 },
	AGE_COL,
	{ "Containers", "string", "", "Names of each container in the template.", 1 },
	{ "Images", "string", "", "Images referenced by each container in the template.", 1 },
	{ "Selector", "string", "", "Selector is a label query over pods that should match the replica count.", 1 },
};
static const column_t data_cols[] = {
	NAME_COL,
	{ "Data", "string", "", "Data contains the configuration data.", 0 },
	AGE_COL,
};
static const column_t secret_cols[] = {
	NAME_COL,
	{ "Type", "string", "", "The type of the secret", 0 },
	{ "Data", "string", "", "The number of entries in the secret data", 0 },
	AGE_COL,
};
static const column_t sa_cols[] = {
	NAME_COL,
	{ "Secrets", "string", "", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.", 0 },
	AGE_COL,
};
static const column_t cs_cols[] = {
	NAME_COL,
	{ "Status", "string", "", "Status of the component conditions", 0 },
	{ "Message", "string", "", "Message of the component conditions", 0 },
	{ "Error", "string", "", "Error of the component conditions", 0 },
};
static const column_t ep_cols[] = {
	NAME_COL,
	{ "Endpoints", "string", "", "Endpoints is the list of endpoints in the service.", 0 },
	AGE_COL,
};

static void cell_str(kube_buf_t *out, const char *s)
{
	kube_buf_json_string(out, s ? s : "");
}

static void age(kube_buf_t *out, const cJSON *obj, int64_t now_ns)
{
	const char *ts = kube_json_get_str(obj, "metadata.creationTimestamp");
	int64_t t;
	char buf[32];

	if (!ts || kube_time_parse_rfc3339(ts, &t) < 0) {
		cell_str(out, "<unknown>");
		return;
	}
	kube_time_short_human_duration(now_ns - t, buf, sizeof(buf));
	cell_str(out, buf);
}

static size_t count_members(const cJSON *o)
{
	size_t n = 0;

	for (const cJSON *e = o ? o->child : NULL; e; e = e->next)
		n++;
	return n;
}

static void pod_cells(kube_buf_t *out, const cJSON *pod, int64_t now_ns)
{
	const cJSON *cs = kube_json_get(pod, "status.containerStatuses");
	const cJSON *spec_cs = kube_json_get(pod, "spec.containers");
	int total = cJSON_GetArraySize(spec_cs), ready = 0, restarts = 0;
	const char *reason = kube_json_get_str(pod, "status.reason");
	const char *phase = kube_json_get_str(pod, "status.phase");
	char buf[64];
	kube_buf_t status = KUBE_BUF_INIT;

	kube_buf_puts(&status, reason ? reason : phase ? phase : "Unknown");
	for (const cJSON *c = cs ? cs->child : NULL; c; c = c->next) {
		const char *wr = kube_json_get_str(c, "state.waiting.reason");
		const char *tr = kube_json_get_str(c, "state.terminated.reason");
		restarts += (int)kube_json_get_int64(c, "restartCount", 0);
		if (kube_json_get_bool(c, "ready", false))
			ready++;
		if (wr && *wr) {
			kube_buf_reset(&status);
			kube_buf_puts(&status, wr);
		} else if (tr && *tr) {
			kube_buf_reset(&status);
			kube_buf_puts(&status, tr);
		}
	}
	if (kube_json_get(pod, "metadata.deletionTimestamp")) {
		kube_buf_reset(&status);
		kube_buf_puts(&status, "Terminating");
	}
	snprintf(buf, sizeof(buf), "%d/%d", ready, total);
	cell_str(out, buf);
	kube_buf_putc(out, ',');
	cell_str(out, status.data);
	kube_buf_printf(out, ",%d,", restarts);
	age(out, pod, now_ns);
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(pod, "status.podIP") ? kube_json_get_str(pod, "status.podIP") : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(pod, "spec.nodeName") ? kube_json_get_str(pod, "spec.nodeName") : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(pod, "status.nominatedNodeName") ? kube_json_get_str(pod, "status.nominatedNodeName") : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, "<none>");
	kube_buf_clear(&status);
}

static void node_cells(kube_buf_t *out, const cJSON *node, int64_t now_ns)
{
	const cJSON *conds = kube_json_get(node, "status.conditions");
	const cJSON *labels = kube_json_get(node, "metadata.labels");
	kube_buf_t st = KUBE_BUF_INIT, roles = KUBE_BUF_INIT;
	const char *internal = NULL, *external = NULL;
	const cJSON *addrs = kube_json_get(node, "status.addresses");

	kube_buf_puts(&st, "Unknown");
	for (const cJSON *c = conds ? conds->child : NULL; c; c = c->next) {
		if (!kube_streq(kube_json_get_str(c, "type"), "Ready"))
			continue;
		kube_buf_reset(&st);
		kube_buf_puts(&st, kube_streq(kube_json_get_str(c, "status"), "True") ? "Ready"
				   : kube_streq(kube_json_get_str(c, "status"), "False") ? "NotReady" : "Unknown");
	}
	if (kube_json_get_bool(node, "spec.unschedulable", false))
		kube_buf_puts(&st, ",SchedulingDisabled");
	for (const cJSON *l = labels ? labels->child : NULL; l; l = l->next) {
		if (kube_startswith(l->string, "node-role.kubernetes.io/") && l->string[24]) {
			kube_buf_printf(&roles, "%s%s", roles.len ? "," : "", l->string + 24);
		} else if (strcmp(l->string, "kubernetes.io/role") == 0 && cJSON_IsString(l)) {
			kube_buf_printf(&roles, "%s%s", roles.len ? "," : "", l->valuestring);
		}
	}
	for (const cJSON *a = addrs ? addrs->child : NULL; a; a = a->next) {
		if (!internal && kube_streq(kube_json_get_str(a, "type"), "InternalIP"))
			internal = kube_json_get_str(a, "address");
		if (!external && kube_streq(kube_json_get_str(a, "type"), "ExternalIP"))
			external = kube_json_get_str(a, "address");
	}
	cell_str(out, st.data);
	kube_buf_putc(out, ',');
	cell_str(out, roles.len ? roles.data : "<none>");
	kube_buf_putc(out, ',');
	age(out, node, now_ns);
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(node, "status.nodeInfo.kubeletVersion"));
	kube_buf_putc(out, ',');
	cell_str(out, internal ? internal : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, external ? external : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(node, "status.nodeInfo.osImage") ? kube_json_get_str(node, "status.nodeInfo.osImage") : "<unknown>");
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(node, "status.nodeInfo.kernelVersion") ? kube_json_get_str(node, "status.nodeInfo.kernelVersion") : "<unknown>");
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(node, "status.nodeInfo.containerRuntimeVersion") ? kube_json_get_str(node, "status.nodeInfo.containerRuntimeVersion") : "<unknown>");
	kube_buf_clear(&st);
	kube_buf_clear(&roles);
}

static void selector_str(kube_buf_t *b, const cJSON *sel)
{
	bool first = true;

	for (const cJSON *e = sel ? sel->child : NULL; e; e = e->next) {
		if (!cJSON_IsString(e))
			continue;
		kube_buf_printf(b, "%s%s=%s", first ? "" : ",", e->string, e->valuestring);
		first = false;
	}
	if (first)
		kube_buf_puts(b, "<none>");
}

static void svc_cells(kube_buf_t *out, const cJSON *svc, int64_t now_ns)
{
	const cJSON *ports = kube_json_get(svc, "spec.ports");
	const cJSON *ext = kube_json_get(svc, "spec.externalIPs");
	const char *type = kube_json_get_str(svc, "spec.type");
	kube_buf_t p = KUBE_BUF_INIT, e = KUBE_BUF_INIT, sel = KUBE_BUF_INIT;

	for (const cJSON *x = ports ? ports->child : NULL; x; x = x->next) {
		int64_t np = kube_json_get_int64(x, "nodePort", 0);
		const char *proto = kube_json_get_str(x, "protocol");
		if (p.len)
			kube_buf_putc(&p, ',');
		kube_buf_printf(&p, "%lld", (long long)kube_json_get_int64(x, "port", 0));
		if (np)
			kube_buf_printf(&p, ":%lld", (long long)np);
		kube_buf_printf(&p, "/%s", proto ? proto : "TCP");
	}
	for (const cJSON *x = ext ? ext->child : NULL; x; x = x->next)
		if (cJSON_IsString(x))
			kube_buf_printf(&e, "%s%s", e.len ? "," : "", x->valuestring);
	if (kube_streq(type, "LoadBalancer") && !e.len)
		kube_buf_puts(&e, "<pending>");
	if (kube_streq(type, "ExternalName"))
		kube_buf_puts(&e, kube_json_get_str(svc, "spec.externalName") ? kube_json_get_str(svc, "spec.externalName") : "");
	selector_str(&sel, kube_json_get(svc, "spec.selector"));
	cell_str(out, type ? type : "ClusterIP");
	kube_buf_putc(out, ',');
	cell_str(out, kube_json_get_str(svc, "spec.clusterIP") ? kube_json_get_str(svc, "spec.clusterIP") : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, e.len ? e.data : "<none>");
	kube_buf_putc(out, ',');
	cell_str(out, p.len ? p.data : "<none>");
	kube_buf_putc(out, ',');
	age(out, svc, now_ns);
	kube_buf_putc(out, ',');
	cell_str(out, sel.data);
	kube_buf_clear(&p);
	kube_buf_clear(&e);
	kube_buf_clear(&sel);
}

static void template_cells(kube_buf_t *out, const cJSON *obj)
{
	const cJSON *cs = kube_json_get(obj, "spec.template.spec.containers");
	kube_buf_t names = KUBE_BUF_INIT, images = KUBE_BUF_INIT, sel = KUBE_BUF_INIT;
	const cJSON *ml = kube_json_get(obj, "spec.selector.matchLabels");

	for (const cJSON *c = cs ? cs->child : NULL; c; c = c->next) {
		kube_buf_printf(&names, "%s%s", names.len ? "," : "", kube_json_get_str(c, "name") ? kube_json_get_str(c, "name") : "");
		kube_buf_printf(&images, "%s%s", images.len ? "," : "", kube_json_get_str(c, "image") ? kube_json_get_str(c, "image") : "");
	}
	selector_str(&sel, ml ? ml : kube_json_get(obj, "spec.selector"));
	cell_str(out, names.data);
	kube_buf_putc(out, ',');
	cell_str(out, images.data);
	kube_buf_putc(out, ',');
	cell_str(out, sel.data);
	kube_buf_clear(&names);
	kube_buf_clear(&images);
	kube_buf_clear(&sel);
}

static void row_cells(kube_buf_t *out, const kube_kind_t *k, const cJSON *obj, int64_t now_ns)
{
	const char *r = k->resource;
	char buf[64];

	cell_str(out, kube_json_get_str(obj, "metadata.name"));
	kube_buf_putc(out, ',');
	if (strcmp(r, "pods") == 0) {
		pod_cells(out, obj, now_ns);
	} else if (strcmp(r, "namespaces") == 0) {
		cell_str(out, kube_json_get_str(obj, "status.phase") ? kube_json_get_str(obj, "status.phase") : "Active");
		kube_buf_putc(out, ',');
		age(out, obj, now_ns);
	} else if (strcmp(r, "nodes") == 0) {
		node_cells(out, obj, now_ns);
	} else if (strcmp(r, "services") == 0) {
		svc_cells(out, obj, now_ns);
	} else if (strcmp(r, "deployments") == 0) {
		snprintf(buf, sizeof(buf), "%lld/%lld", (long long)kube_json_get_int64(obj, "status.readyReplicas", 0),
			 (long long)kube_json_get_int64(obj, "spec.replicas", 0));
		cell_str(out, buf);
		kube_buf_printf(out, ",%lld,%lld,", (long long)kube_json_get_int64(obj, "status.updatedReplicas", 0),
				(long long)kube_json_get_int64(obj, "status.availableReplicas", 0));
		age(out, obj, now_ns);
		kube_buf_putc(out, ',');
		template_cells(out, obj);
	} else if (strcmp(r, "replicasets") == 0 || strcmp(r, "replicationcontrollers") == 0) {
		kube_buf_printf(out, "%lld,%lld,%lld,", (long long)kube_json_get_int64(obj, "spec.replicas", 0),
				(long long)kube_json_get_int64(obj, "status.replicas", 0),
				(long long)kube_json_get_int64(obj, "status.readyReplicas", 0));
		age(out, obj, now_ns);
		kube_buf_putc(out, ',');
		template_cells(out, obj);
	} else if (strcmp(r, "configmaps") == 0) {
		kube_buf_printf(out, "%zu,", count_members(kube_json_get(obj, "data")) +
						     count_members(kube_json_get(obj, "binaryData")));
		age(out, obj, now_ns);
	} else if (strcmp(r, "secrets") == 0) {
		cell_str(out, kube_json_get_str(obj, "type"));
		kube_buf_printf(out, ",%zu,", count_members(kube_json_get(obj, "data")));
		age(out, obj, now_ns);
	} else if (strcmp(r, "serviceaccounts") == 0) {
		kube_buf_printf(out, "%d,", cJSON_GetArraySize(kube_json_get(obj, "secrets")));
		age(out, obj, now_ns);
	} else if (strcmp(r, "componentstatuses") == 0) {
		const cJSON *c = kube_json_get(obj, "conditions[0]");
		cell_str(out, kube_streq(kube_json_get_str(c, "status"), "True") ? "Healthy" : "Unhealthy");
		kube_buf_putc(out, ',');
		cell_str(out, kube_json_get_str(c, "message"));
		kube_buf_putc(out, ',');
		cell_str(out, kube_json_get_str(c, "error"));
	} else if (strcmp(r, "endpoints") == 0) {
		kube_buf_t e = KUBE_BUF_INIT;
		const cJSON *subsets = kube_json_get(obj, "subsets");
		for (const cJSON *ss = subsets ? subsets->child : NULL; ss; ss = ss->next) {
			const cJSON *addrs = kube_json_get(ss, "addresses"), *ports = kube_json_get(ss, "ports");
			for (const cJSON *a = addrs ? addrs->child : NULL; a; a = a->next) {
				if (!ports || !ports->child)
					kube_buf_printf(&e, "%s%s", e.len ? "," : "", kube_json_get_str(a, "ip"));
				for (const cJSON *p = ports ? ports->child : NULL; p; p = p->next)
					kube_buf_printf(&e, "%s%s:%lld", e.len ? "," : "", kube_json_get_str(a, "ip"),
							(long long)kube_json_get_int64(p, "port", 0));
			}
		}
		cell_str(out, e.len ? e.data : "<none>");
		kube_buf_putc(out, ',');
		age(out, obj, now_ns);
		kube_buf_clear(&e);
	} else {
		age(out, obj, now_ns);
	}
}

static const column_t *columns_for(const kube_kind_t *k, size_t *n)
{
	const char *r = k->resource;

#define RET(a) do { *n = ARRAY_SIZE(a); return a; } while (0)
	if (strcmp(r, "pods") == 0) RET(pod_cols);
	if (strcmp(r, "namespaces") == 0) RET(ns_cols);
	if (strcmp(r, "nodes") == 0) RET(node_cols);
	if (strcmp(r, "services") == 0) RET(svc_cols);
	if (strcmp(r, "deployments") == 0) RET(deploy_cols);
	if (strcmp(r, "replicasets") == 0 || strcmp(r, "replicationcontrollers") == 0) RET(rs_cols);
	if (strcmp(r, "configmaps") == 0) RET(data_cols);
	if (strcmp(r, "secrets") == 0) RET(secret_cols);
	if (strcmp(r, "serviceaccounts") == 0) RET(sa_cols);
	if (strcmp(r, "componentstatuses") == 0) RET(cs_cols);
	if (strcmp(r, "endpoints") == 0) RET(ep_cols);
	RET(generic_cols);
#undef RET
}

void apiserver_table_render(kube_buf_t *out, const kube_kind_t *k, cJSON *const *objs, size_t n,
			    int include_object, const char *resource_version, const char *cont,
			    bool with_columns, int64_t now_ns)
{
	size_t ncols;
	const column_t *cols = columns_for(k, &ncols);

	kube_buf_puts(out, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{");
	if (resource_version && *resource_version) {
		kube_buf_puts(out, "\"resourceVersion\":");
		kube_buf_json_string(out, resource_version);
	}
	if (cont && *cont) {
		kube_buf_puts(out, resource_version && *resource_version ? ",\"continue\":" : "\"continue\":");
		kube_buf_json_string(out, cont);
	}
	kube_buf_puts(out, "}");
	if (with_columns) {
		kube_buf_puts(out, ",\"columnDefinitions\":[");
		for (size_t i = 0; i < ncols; i++) {
			kube_buf_printf(out, "%s{\"name\":\"%s\",\"type\":\"%s\",\"format\":\"%s\",\"description\":",
					i ? "," : "", cols[i].name, cols[i].type, cols[i].format);
			kube_buf_json_string(out, cols[i].description);
			kube_buf_printf(out, ",\"priority\":%d}", cols[i].priority);
		}
		kube_buf_putc(out, ']');
	}
	kube_buf_puts(out, ",\"rows\":[");
	for (size_t i = 0; i < n; i++) {
		kube_buf_puts(out, i ? ",{\"cells\":[" : "{\"cells\":[");
		row_cells(out, k, objs[i], now_ns);
		kube_buf_putc(out, ']');
		if (include_object == 2) {
			kube_buf_puts(out, ",\"object\":");
			kube_json_compact_buf(out, objs[i]);
		} else if (include_object == 1) {
			kube_buf_puts(out, ",\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":");
			const cJSON *md = kube_json_get(objs[i], "metadata");
			if (md)
				kube_json_compact_buf(out, md);
			else
				kube_buf_puts(out, "{}");
			kube_buf_putc(out, '}');
		}
		kube_buf_putc(out, '}');
	}
	kube_buf_puts(out, "]}");
}
