/*
 * apiserver_table: meta.k8s.io/v1 Tables as upstream's server-side
 * printers build them (pkg/printers/internalversion/printers.go, 1.32),
 * always with every column (the server prints "wide").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apiserver_table.h"

#include "api/kube_json.h"
#include "core/kube_core.h"
#include "core/kube_time.h"

/* ---- columns ---- */

typedef struct column {
	const char *name, *type, *format, *description;
	int priority;
} column_t;

#define NAME_DESC                                                                                 \
	"Name must be unique within a namespace. Is required when creating resources, although "  \
	"some resources may allow a client to request the generation of an appropriate name "     \
	"automatically. Name is primarily intended for creation idempotence and configuration "   \
	"definition. Cannot be updated. More info: "                                              \
	"https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
#define AGE_DESC                                                                                  \
	"CreationTimestamp is a timestamp representing the server time when this object was "     \
	"created. It is not guaranteed to be set in happens-before order across separate "        \
	"operations. Clients may not set this value. It is represented in RFC3339 form and is in " \
	"UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "                 \
	"https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
#define CONTAINERS_DESC "Names of each container in the template."
#define IMAGES_DESC "Images referenced by each container in the template."

#define COL_NAME { "Name", "string", "name", NAME_DESC, 0 }
#define COL_AGE { "Age", "string", "", AGE_DESC, 0 }
#define COL_CONTAINERS { "Containers", "string", "", CONTAINERS_DESC, 1 }
#define COL_IMAGES { "Images", "string", "", IMAGES_DESC, 1 }
#define COL_END { NULL, NULL, NULL, NULL, 0 }

static const column_t pod_cols[] = {
	COL_NAME,
	{ "Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0 },
	{ "Status", "string", "", "The aggregate status of the containers in this pod.", 0 },
	{ "Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0 },
	COL_AGE,
	{ "IP", "string", "", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1 },
	{ "Node", "string", "", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1 },
	{ "Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1 },
	{ "Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1 },
	COL_END,
};

static const column_t node_cols[] = {
	COL_NAME,
	{ "Status", "string", "", "The status of the node", 0 },
	{ "Roles", "string", "", "The roles of the node", 0 },
	COL_AGE,
	{ "Version", "string", "", "Kubelet Version reported by the node.", 0 },
	{ "Internal-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", 1 },
	{ "External-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", 1 },
	{ "OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1 },
	{ "Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1 },
	{ "Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1 },
	COL_END,
};

static const column_t service_cols[] = {
	COL_NAME,
	{ "Type", "string", "", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.", 0 },
	{ "Cluster-IP", "string", "", "clusterIP is the IP address of the service and is usually assigned randomly.", 0 },
	{ "External-IP", "string", "", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.", 0 },
	{ "Port(s)", "string", "", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies", 0 },
	COL_AGE,
	{ "Selector", "string", "", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1 },
	COL_END,
};

static const column_t deployment_cols[] = {
	COL_NAME,
	{ "Ready", "string", "", "Number of the pod with ready state", 0 },
	{ "Up-to-date", "integer", "", "Total number of non-terminating pods targeted by this deployment that have the desired template spec.", 0 },
	{ "Available", "integer", "", "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.", 0 },
	COL_AGE,
	COL_CONTAINERS,
	COL_IMAGES,
	{ "Selector", "string", "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.", 1 },
	COL_END,
};

static const column_t replicaset_cols[] = {
	COL_NAME,
	{ "Desired", "integer", "", "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset", 0 },
	{ "Current", "integer", "", "Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset", 0 },
	{ "Ready", "integer", "", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.", 0 },
	COL_AGE,
	COL_CONTAINERS,
	COL_IMAGES,
	{ "Selector", "string", "", "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1 },
	COL_END,
};

static const column_t daemonset_cols[] = {
	COL_NAME,
	{ "Desired", "integer", "", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/", 0 },
	{ "Current", "integer", "", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/", 0 },
	{ "Ready", "integer", "", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.", 0 },
	{ "Up-to-date", "integer", "", "The total number of nodes that are running updated daemon pod", 0 },
	{ "Available", "integer", "", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)", 0 },
	{ "Node Selector", "string", "", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/", 0 },
	COL_AGE,
	COL_CONTAINERS,
	COL_IMAGES,
	{ "Selector", "string", "", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1 },
	COL_END,
};

static const column_t statefulset_cols[] = {
	COL_NAME,
	{ "Ready", "string", "", "Number of the pod with ready state", 0 },
	COL_AGE,
	COL_CONTAINERS,
	COL_IMAGES,
	COL_END,
};

#define JOB_SELECTOR_DESC "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"

static const column_t job_cols[] = {
	COL_NAME,
	{ "Status", "string", "", "Status of the job.", 0 },
	{ "Completions", "string", "", "The desired number of successfully finished pods the job should be run with.", 0 },
	{ "Duration", "string", "", "Time required to complete the job.", 0 },
	COL_AGE,
	COL_CONTAINERS,
	COL_IMAGES,
	{ "Selector", "string", "", JOB_SELECTOR_DESC, 1 },
	COL_END,
};

static const column_t cronjob_cols[] = {
	COL_NAME,
	{ "Schedule", "string", "", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", 0 },
	{ "Timezone", "string", "", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones", 0 },
	{ "Suspend", "boolean", "", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.", 0 },
	{ "Active", "integer", "", "A list of pointers to currently running jobs.", 0 },
	{ "Last Schedule", "string", "", "Information when was the last time the job was successfully scheduled.", 0 },
	COL_AGE,
	COL_CONTAINERS,
	COL_IMAGES,
	{ "Selector", "string", "", JOB_SELECTOR_DESC, 1 },
	COL_END,
};

static const column_t namespace_cols[] = {
	COL_NAME,
	{ "Status", "string", "", "The status of the namespace", 0 },
	COL_AGE,
	COL_END,
};

static const column_t componentstatus_cols[] = {
	COL_NAME,
	{ "Status", "string", "", "Status of the component conditions", 0 },
	{ "Message", "string", "", "Message of the component conditions", 0 },
	{ "Error", "string", "", "Error of the component conditions", 0 },
	COL_END,
};

static const column_t event_cols[] = {
	{ "Last Seen", "string", "", "The time at which the most recent occurrence of this event was recorded.", 0 },
	{ "Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future", 0 },
	{ "Reason", "string", "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", 0 },
	{ "Object", "string", "", "The object that this event is about.", 0 },
	{ "Subobject", "string", "", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", 1 },
	{ "Source", "string", "", "The component reporting this event. Should be a short machine understandable string.", 1 },
	{ "Message", "string", "", "A human-readable description of the status of this operation.", 0 },
	{ "First Seen", "string", "", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1 },
	{ "Count", "string", "", "The number of times this event has occurred.", 1 },
	{ "Name", "string", "name", NAME_DESC, 1 },
	COL_END,
};

static const column_t configmap_cols[] = {
	COL_NAME,
	{ "Data", "string", "", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.", 0 },
	COL_AGE,
	COL_END,
};

static const column_t secret_cols[] = {
	COL_NAME,
	{ "Type", "string", "", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types", 0 },
	{ "Data", "string", "", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4", 0 },
	COL_AGE,
	COL_END,
};

static const column_t serviceaccount_cols[] = {
	COL_NAME,
	{ "Secrets", "string", "", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret", 0 },
	COL_AGE,
	COL_END,
};

static const column_t endpoints_cols[] = {
	COL_NAME,
	{ "Endpoints", "string", "", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.", 0 },
	COL_AGE,
	COL_END,
};

static const column_t lease_cols[] = {
	COL_NAME,
	{ "Holder", "string", "", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.", 0 },
	COL_AGE,
	COL_END,
};

static const column_t priorityclass_cols[] = {
	COL_NAME,
	{ "Value", "integer", "", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", 0 },
	{ "Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.", 0 },
	COL_AGE,
	{ "PreemptionPolicy", "string", "", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.", 1 },
	COL_END,
};

static const column_t role_cols[] = {
	COL_NAME,
	{ "Created At", "date", "", AGE_DESC, 0 },
	COL_END,
};

static const column_t rolebinding_cols[] = {
	COL_NAME,
	{ "Role", "string", "", "Role references to the role being granted.", 0 },
	COL_AGE,
	{ "Users", "string", "", "Users in the roleBinding", 1 },
	{ "Groups", "string", "", "Groups in the roleBinding", 1 },
	{ "ServiceAccounts", "string", "", "ServiceAccounts in the roleBinding", 1 },
	COL_END,
};

static const column_t generic_cols[] = {
	COL_NAME,
	COL_AGE,
	COL_END,
};

/* ---- cell helpers ---- */

static void cell_str(cJSON *row, const char *s)
{
	cJSON_AddItemToArray(row, cJSON_CreateString(s ? s : ""));
}

static void cell_int(cJSON *row, int64_t v)
{
	cJSON_AddItemToArray(row, cJSON_CreateNumber((double)v));
}

static const char *str_or(const char *s, const char *def)
{
	return s && *s ? s : def;
}

/* translateTimestampSince: "<unknown>" for a missing time. */
static void since(const char *ts, int64_t now_ns, char *buf, size_t size)
{
	int64_t t;
	if (!ts || !*ts || kube_time_parse_rfc3339(ts, &t) < 0) {
		kube_strlcpy(buf, "<unknown>", size);
		return;
	}
	kube_time_short_human_duration(now_ns - t, buf, size);
}

static void cell_since(cJSON *row, const char *ts, int64_t now_ns)
{
	char buf[KUBE_TIME_HUMAN_SIZE];
	since(ts, now_ns, buf, sizeof(buf));
	cell_str(row, buf);
}

static void cell_age(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_since(row, kube_json_get_str(obj, "metadata.creationTimestamp"), now_ns);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* labels.FormatLabels: sorted "k=v,..." or "<none>". */
static void format_labels(kube_buf_t *b, const cJSON *m)
{
	size_t n = cJSON_IsObject(m) ? (size_t)cJSON_GetArraySize(m) : 0;
	if (n == 0) {
		kube_buf_puts(b, "<none>");
		return;
	}
	const char **keys = kube_calloc(n, sizeof(*keys));
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, m)
		keys[i++] = e->string;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		const char *v = kube_json_get_str(cJSON_GetObjectItemCaseSensitive(m, keys[i]), "");
		kube_buf_printf(b, "%s%s=%s", i ? "," : "", keys[i], v ? v : "");
	}
	kube_free(keys);
}

static void cell_labels(cJSON *row, const cJSON *m)
{
	kube_buf_t b = KUBE_BUF_INIT;
	format_labels(&b, m);
	cell_str(row, kube_buf_str(&b));
	kube_buf_clear(&b);
}

/* metav1.LabelSelectorAsSelector(sel).String(). */
typedef struct req {
	const char *key;
	char *text;
} req_t;

static int cmp_req(const void *a, const void *b)
{
	return strcmp(((const req_t *)a)->key, ((const req_t *)b)->key);
}

static void cell_selector(cJSON *row, const cJSON *sel)
{
	const cJSON *ml = cJSON_GetObjectItemCaseSensitive(sel, "matchLabels");
	const cJSON *me = cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions");
	size_t n = (cJSON_IsObject(ml) ? (size_t)cJSON_GetArraySize(ml) : 0) +
		   (cJSON_IsArray(me) ? (size_t)cJSON_GetArraySize(me) : 0);
	req_t *reqs = kube_calloc(n ? n : 1, sizeof(*reqs));
	size_t i = 0;
	const cJSON *e;
	const cJSON *mlo = cJSON_IsObject(ml) ? ml : NULL;
	const cJSON *mea = cJSON_IsArray(me) ? me : NULL;
	cJSON_ArrayForEach(e, mlo) {
		reqs[i].key = e->string;
		reqs[i++].text = kube_asprintf("%s=%s", e->string, cJSON_IsString(e) ? e->valuestring : "");
	}
	cJSON_ArrayForEach(e, mea) {
		const char *key = str_or(kube_json_get_str(e, "key"), "");
		const char *op = str_or(kube_json_get_str(e, "operator"), "");
		kube_buf_t b = KUBE_BUF_INIT;
		if (!strcmp(op, "Exists")) {
			kube_buf_puts(&b, key);
		} else if (!strcmp(op, "DoesNotExist")) {
			kube_buf_printf(&b, "!%s", key);
		} else {
			const cJSON *vals = cJSON_GetObjectItemCaseSensitive(e, "values");
			size_t nv = cJSON_IsArray(vals) ? (size_t)cJSON_GetArraySize(vals) : 0;
			const char **vs = kube_calloc(nv ? nv : 1, sizeof(*vs));
			size_t j = 0;
			const cJSON *v;
			cJSON_ArrayForEach(v, vals)
				vs[j++] = cJSON_IsString(v) ? v->valuestring : "";
			qsort(vs, nv, sizeof(*vs), cmp_str);
			kube_buf_printf(&b, "%s %s (", key, !strcmp(op, "NotIn") ? "notin" : "in");
			for (j = 0; j < nv; j++)
				kube_buf_printf(&b, "%s%s", j ? "," : "", vs[j]);
			kube_buf_putc(&b, ')');
			kube_free(vs);
		}
		reqs[i].key = key;
		reqs[i++].text = kube_buf_steal(&b);
	}
	qsort(reqs, i, sizeof(*reqs), cmp_req);
	kube_buf_t out = KUBE_BUF_INIT;
	kube_buf_puts(&out, "");
	for (size_t j = 0; j < i; j++) {
		kube_buf_printf(&out, "%s%s", j ? "," : "", reqs[j].text);
		kube_free(reqs[j].text);
	}
	kube_free(reqs);
	cell_str(row, kube_buf_str(&out));
	kube_buf_clear(&out);
}

/* layoutContainerCells: names and images joined by ",". */
static void cells_containers(cJSON *row, const cJSON *containers)
{
	kube_buf_t names = KUBE_BUF_INIT, images = KUBE_BUF_INIT;
	kube_buf_puts(&names, "");
	kube_buf_puts(&images, "");
	const cJSON *c;
	bool first = true;
	cJSON_ArrayForEach(c, containers) {
		if (!first) {
			kube_buf_putc(&names, ',');
			kube_buf_putc(&images, ',');
		}
		first = false;
		kube_buf_puts(&names, str_or(kube_json_get_str(c, "name"), ""));
		kube_buf_puts(&images, str_or(kube_json_get_str(c, "image"), ""));
	}
	cell_str(row, kube_buf_str(&names));
	cell_str(row, kube_buf_str(&images));
	kube_buf_clear(&names);
	kube_buf_clear(&images);
}

static int64_t geti(const cJSON *o, const char *path)
{
	return kube_json_get_int64(o, path, 0);
}

static const char *name_of(const cJSON *obj)
{
	return str_or(kube_json_get_str(obj, "metadata.name"), "");
}

/* ---- pods ---- */

static bool has_condition(const cJSON *conds, const char *type, const char *status)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, conds)
		if (kube_streq(kube_json_get_str(c, "type"), type) &&
		    (!status || kube_streq(kube_json_get_str(c, "status"), status)))
			return true;
	return false;
}

static bool restartable_init(const cJSON *spec, const char *name)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "initContainers"))
		if (kube_streq(kube_json_get_str(c, "name"), name))
			return kube_streq(kube_json_get_str(c, "restartPolicy"), "Always");
	return false;
}

static void note_restart(const cJSON *cs, int64_t *last)
{
	const char *fin = kube_json_get_str(cs, "lastState.terminated.finishedAt");
	int64_t t;
	if (fin && kube_time_parse_rfc3339(fin, &t) == 0 && t > *last)
		*last = t;
}

static void pod_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(obj, "status");
	const cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
	int64_t restarts = 0, ri_restarts = 0;
	int64_t last = INT64_MIN, ri_last = INT64_MIN;
	int total = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(spec, "containers"));
	int ready = 0;
	const char *phase = str_or(kube_json_get_str(status, "phase"), "");
	char reason[256];
	kube_strlcpy(reason, str_or(kube_json_get_str(status, "reason"), phase), sizeof(reason));
	const cJSON *c;
	cJSON_ArrayForEach(c, conds)
		if (kube_streq(kube_json_get_str(c, "type"), "PodScheduled") &&
		    kube_streq(kube_json_get_str(c, "reason"), "SchedulingGated"))
			kube_strlcpy(reason, "SchedulingGated", sizeof(reason));
	const cJSON *ics = cJSON_GetObjectItemCaseSensitive(spec, "initContainers");
	cJSON_ArrayForEach(c, ics)
		if (kube_streq(kube_json_get_str(c, "restartPolicy"), "Always"))
			total++;
	int n_init = cJSON_GetArraySize(ics);

	bool initializing = false;
	int i = 0;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(status, "initContainerStatuses")) {
		restarts += geti(c, "restartCount");
		note_restart(c, &last);
		bool ri = restartable_init(spec, kube_json_get_str(c, "name"));
		if (ri) {
			ri_restarts += geti(c, "restartCount");
			note_restart(c, &ri_last);
		}
		const cJSON *term = kube_json_get(c, "state.terminated");
		const char *wreason = kube_json_get_str(c, "state.waiting.reason");
		if (term && geti(term, "exitCode") == 0) {
			i++;
			continue;
		}
		if (ri && kube_json_get_bool(c, "started", false)) {
			if (kube_json_get_bool(c, "ready", false))
				ready++;
			i++;
			continue;
		}
		if (term) {
			const char *tr = kube_json_get_str(term, "reason");
			if (!tr || !*tr) {
				if (geti(term, "signal") != 0)
					snprintf(reason, sizeof(reason), "Init:Signal:%lld", (long long)geti(term, "signal"));
				else
					snprintf(reason, sizeof(reason), "Init:ExitCode:%lld", (long long)geti(term, "exitCode"));
			} else {
				snprintf(reason, sizeof(reason), "Init:%s", tr);
			}
		} else if (wreason && *wreason && strcmp(wreason, "PodInitializing") != 0) {
			snprintf(reason, sizeof(reason), "Init:%s", wreason);
		} else {
			snprintf(reason, sizeof(reason), "Init:%d/%d", i, n_init);
		}
		initializing = true;
		break;
	}
	if (!initializing || has_condition(conds, "Initialized", "True")) {
		restarts = ri_restarts;
		last = ri_last;
		bool running = false;
		const cJSON *css = cJSON_GetObjectItemCaseSensitive(status, "containerStatuses");
		for (int j = cJSON_GetArraySize(css) - 1; j >= 0; j--) {
			const cJSON *cs = cJSON_GetArrayItem(css, j);
			restarts += geti(cs, "restartCount");
			note_restart(cs, &last);
			const char *wr = kube_json_get_str(cs, "state.waiting.reason");
			const cJSON *term = kube_json_get(cs, "state.terminated");
			const char *tr = kube_json_get_str(term, "reason");
			if (wr && *wr) {
				kube_strlcpy(reason, wr, sizeof(reason));
			} else if (term && tr && *tr) {
				kube_strlcpy(reason, tr, sizeof(reason));
			} else if (term) {
				if (geti(term, "signal") != 0)
					snprintf(reason, sizeof(reason), "Signal:%lld", (long long)geti(term, "signal"));
				else
					snprintf(reason, sizeof(reason), "ExitCode:%lld", (long long)geti(term, "exitCode"));
			} else if (kube_json_get_bool(cs, "ready", false) && kube_json_get(cs, "state.running")) {
				running = true;
				ready++;
			}
		}
		if (!strcmp(reason, "Completed") && running)
			kube_strlcpy(reason, has_condition(conds, "Ready", "True") ? "Running" : "NotReady",
				     sizeof(reason));
	}
	if (kube_json_get(obj, "metadata.deletionTimestamp")) {
		if (kube_streq(kube_json_get_str(status, "reason"), "NodeLost"))
			kube_strlcpy(reason, "Unknown", sizeof(reason));
		else if (strcmp(phase, "Succeeded") != 0 && strcmp(phase, "Failed") != 0)
			kube_strlcpy(reason, "Terminating", sizeof(reason));
	}
	char buf[64], restarts_s[96];
	snprintf(restarts_s, sizeof(restarts_s), "%lld", (long long)restarts);
	if (restarts != 0 && last != INT64_MIN) {
		char ago[KUBE_TIME_HUMAN_SIZE];
		kube_time_short_human_duration(now_ns - last, ago, sizeof(ago));
		snprintf(restarts_s, sizeof(restarts_s), "%lld (%s ago)", (long long)restarts, ago);
	}
	cell_str(row, name_of(obj));
	snprintf(buf, sizeof(buf), "%d/%d", ready, total);
	cell_str(row, buf);
	cell_str(row, reason);
	cell_str(row, restarts_s);
	cell_age(row, obj, now_ns);
	const char *ip = kube_json_get_str(status, "podIPs[0].ip");
	if (!ip || !*ip)
		ip = kube_json_get_str(status, "podIP");
	cell_str(row, str_or(ip, "<none>"));
	cell_str(row, str_or(kube_json_get_str(spec, "nodeName"), "<none>"));
	cell_str(row, str_or(kube_json_get_str(status, "nominatedNodeName"), "<none>"));
	const cJSON *gates = cJSON_GetObjectItemCaseSensitive(spec, "readinessGates");
	int ngates = cJSON_IsArray(gates) ? cJSON_GetArraySize(gates) : 0;
	if (ngates == 0) {
		cell_str(row, "<none>");
	} else {
		int t = 0;
		const cJSON *g;
		cJSON_ArrayForEach(g, gates) {
			const char *type = kube_json_get_str(g, "conditionType");
			const cJSON *cond;
			cJSON_ArrayForEach(cond, conds) {
				if (kube_streq(kube_json_get_str(cond, "type"), type)) {
					if (kube_streq(kube_json_get_str(cond, "status"), "True"))
						t++;
					break;
				}
			}
		}
		snprintf(buf, sizeof(buf), "%d/%d", t, ngates);
		cell_str(row, buf);
	}
}

/* ---- nodes ---- */

static void node_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	kube_buf_t st = KUBE_BUF_INIT;
	const cJSON *c, *readyc = NULL;
	cJSON_ArrayForEach(c, kube_json_get(obj, "status.conditions"))
		if (kube_streq(kube_json_get_str(c, "type"), "Ready"))
			readyc = c;
	if (readyc)
		kube_buf_puts(&st, kube_streq(kube_json_get_str(readyc, "status"), "True") ? "Ready" : "NotReady");
	else
		kube_buf_puts(&st, "Unknown");
	if (kube_json_get_bool(obj, "spec.unschedulable", false))
		kube_buf_puts(&st, ",SchedulingDisabled");

	/* findNodeRoles: node-role.kubernetes.io/<role> and kubernetes.io/role=<role>, sorted, unique. */
	const cJSON *labels = kube_json_get(obj, "metadata.labels");
	size_t nl = cJSON_IsObject(labels) ? (size_t)cJSON_GetArraySize(labels) : 0;
	const char **roles = kube_calloc(nl ? nl : 1, sizeof(*roles));
	size_t nr = 0;
	const cJSON *l;
	const cJSON *lo = cJSON_IsObject(labels) ? labels : NULL;
	cJSON_ArrayForEach(l, lo) {
		const char *role = NULL;
		if (kube_startswith(l->string, "node-role.kubernetes.io/"))
			role = l->string + strlen("node-role.kubernetes.io/");
		else if (!strcmp(l->string, "kubernetes.io/role") && cJSON_IsString(l))
			role = l->valuestring;
		if (role && *role)
			roles[nr++] = role;
	}
	qsort(roles, nr, sizeof(*roles), cmp_str);
	kube_buf_t rb = KUBE_BUF_INIT;
	kube_buf_puts(&rb, "");
	for (size_t i = 0; i < nr; i++) {
		if (i && !strcmp(roles[i], roles[i - 1]))
			continue;
		if (rb.len)
			kube_buf_putc(&rb, ',');
		kube_buf_puts(&rb, roles[i]);
	}
	kube_free(roles);

	cell_str(row, name_of(obj));
	cell_str(row, kube_buf_str(&st));
	cell_str(row, rb.len ? kube_buf_str(&rb) : "<none>");
	cell_age(row, obj, now_ns);
	cell_str(row, str_or(kube_json_get_str(obj, "status.nodeInfo.kubeletVersion"), ""));
	kube_buf_clear(&st);
	kube_buf_clear(&rb);
	const char *iip = NULL, *eip = NULL;
	const cJSON *a;
	cJSON_ArrayForEach(a, kube_json_get(obj, "status.addresses")) {
		const char *t = kube_json_get_str(a, "type");
		if (!iip && kube_streq(t, "InternalIP"))
			iip = kube_json_get_str(a, "address");
		if (!eip && kube_streq(t, "ExternalIP"))
			eip = kube_json_get_str(a, "address");
	}
	cell_str(row, str_or(iip, "<none>"));
	cell_str(row, str_or(eip, "<none>"));
	cell_str(row, str_or(kube_json_get_str(obj, "status.nodeInfo.osImage"), "<unknown>"));
	cell_str(row, str_or(kube_json_get_str(obj, "status.nodeInfo.kernelVersion"), "<unknown>"));
	cell_str(row, str_or(kube_json_get_str(obj, "status.nodeInfo.containerRuntimeVersion"), "<unknown>"));
}

/* ---- services ---- */

static void join_strings(kube_buf_t *b, const cJSON *arr)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		if (!cJSON_IsString(e))
			continue;
		if (b->len)
			kube_buf_putc(b, ',');
		kube_buf_puts(b, e->valuestring);
	}
}

static void service_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	const char *type = str_or(kube_json_get_str(spec, "type"), "");
	const char *cip = kube_json_get_str(spec, "clusterIPs[0]");
	if (!cip || !*cip)
		cip = kube_json_get_str(spec, "clusterIP");
	kube_buf_t ext = KUBE_BUF_INIT;
	kube_buf_puts(&ext, "");
	const cJSON *eips = cJSON_GetObjectItemCaseSensitive(spec, "externalIPs");
	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
		join_strings(&ext, eips);
		if (!ext.len)
			kube_buf_puts(&ext, "<none>");
	} else if (!strcmp(type, "LoadBalancer")) {
		const cJSON *ing;
		cJSON_ArrayForEach(ing, kube_json_get(obj, "status.loadBalancer.ingress")) {
			const char *v = kube_json_get_str(ing, "ip");
			if (!v || !*v)
				v = kube_json_get_str(ing, "hostname");
			if (v && *v) {
				if (ext.len)
					kube_buf_putc(&ext, ',');
				kube_buf_puts(&ext, v);
			}
		}
		join_strings(&ext, eips);
		if (!ext.len)
			kube_buf_puts(&ext, "<pending>");
	} else if (!strcmp(type, "ExternalName")) {
		kube_buf_puts(&ext, str_or(kube_json_get_str(spec, "externalName"), ""));
	} else {
		kube_buf_puts(&ext, "<unknown>");
	}
	kube_buf_t ports = KUBE_BUF_INIT;
	kube_buf_puts(&ports, "");
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports")) {
		if (ports.len)
			kube_buf_putc(&ports, ',');
		int64_t np = geti(p, "nodePort");
		const char *proto = str_or(kube_json_get_str(p, "protocol"), "");
		if (np > 0)
			kube_buf_printf(&ports, "%lld:%lld/%s", (long long)geti(p, "port"), (long long)np, proto);
		else
			kube_buf_printf(&ports, "%lld/%s", (long long)geti(p, "port"), proto);
	}
	cell_str(row, name_of(obj));
	cell_str(row, type);
	cell_str(row, str_or(cip, "<none>"));
	cell_str(row, kube_buf_str(&ext));
	cell_str(row, ports.len ? kube_buf_str(&ports) : "<none>");
	cell_age(row, obj, now_ns);
	cell_labels(row, cJSON_GetObjectItemCaseSensitive(spec, "selector"));
	kube_buf_clear(&ext);
	kube_buf_clear(&ports);
}

/* ---- workloads ---- */

static void ratio_cell(cJSON *row, int64_t a, int64_t b)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%lld/%lld", (long long)a, (long long)b);
	cell_str(row, buf);
}

static void deployment_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	ratio_cell(row, geti(obj, "status.readyReplicas"), geti(obj, "spec.replicas"));
	cell_int(row, geti(obj, "status.updatedReplicas"));
	cell_int(row, geti(obj, "status.availableReplicas"));
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.template.spec.containers"));
	cell_selector(row, kube_json_get(obj, "spec.selector"));
}

static void replicaset_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_int(row, geti(obj, "spec.replicas"));
	cell_int(row, geti(obj, "status.replicas"));
	cell_int(row, geti(obj, "status.readyReplicas"));
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.template.spec.containers"));
	cell_selector(row, kube_json_get(obj, "spec.selector"));
}

static void rc_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_int(row, geti(obj, "spec.replicas"));
	cell_int(row, geti(obj, "status.replicas"));
	cell_int(row, geti(obj, "status.readyReplicas"));
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.template.spec.containers"));
	cell_labels(row, kube_json_get(obj, "spec.selector"));
}

static void daemonset_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_int(row, geti(obj, "status.desiredNumberScheduled"));
	cell_int(row, geti(obj, "status.currentNumberScheduled"));
	cell_int(row, geti(obj, "status.numberReady"));
	cell_int(row, geti(obj, "status.updatedNumberScheduled"));
	cell_int(row, geti(obj, "status.numberAvailable"));
	cell_labels(row, kube_json_get(obj, "spec.template.spec.nodeSelector"));
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.template.spec.containers"));
	cell_selector(row, kube_json_get(obj, "spec.selector"));
}

static void statefulset_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	ratio_cell(row, geti(obj, "status.readyReplicas"), geti(obj, "spec.replicas"));
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.template.spec.containers"));
}

static void job_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	char comp[96];
	int64_t succ = geti(obj, "status.succeeded");
	const cJSON *completions = kube_json_get(obj, "spec.completions");
	if (cJSON_IsNumber(completions)) {
		snprintf(comp, sizeof(comp), "%lld/%lld", (long long)succ, (long long)completions->valuedouble);
	} else {
		int64_t par = geti(obj, "spec.parallelism");
		if (par > 1)
			snprintf(comp, sizeof(comp), "%lld/1 of %lld", (long long)succ, (long long)par);
		else
			snprintf(comp, sizeof(comp), "%lld/1", (long long)succ);
	}
	char dur[KUBE_TIME_HUMAN_SIZE] = "";
	int64_t start, end;
	const char *st = kube_json_get_str(obj, "status.startTime");
	const char *ct = kube_json_get_str(obj, "status.completionTime");
	if (st && kube_time_parse_rfc3339(st, &start) == 0) {
		if (ct && kube_time_parse_rfc3339(ct, &end) == 0)
			kube_time_human_duration(end - start, dur, sizeof(dur));
		else
			kube_time_human_duration(now_ns - start, dur, sizeof(dur));
	}
	const cJSON *conds = kube_json_get(obj, "status.conditions");
	const char *status = "Running";
	if (has_condition(conds, "Complete", "True"))
		status = "Complete";
	else if (has_condition(conds, "Failed", "True"))
		status = "Failed";
	else if (kube_json_get(obj, "metadata.deletionTimestamp"))
		status = "Terminating";
	else if (has_condition(conds, "Suspended", "True"))
		status = "Suspended";
	else if (has_condition(conds, "FailureTarget", "True"))
		status = "FailureTarget";
	else if (has_condition(conds, "SuccessCriteriaMet", "True"))
		status = "SuccessCriteriaMet";
	cell_str(row, name_of(obj));
	cell_str(row, status);
	cell_str(row, comp);
	cell_str(row, dur);
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.template.spec.containers"));
	cell_selector(row, kube_json_get(obj, "spec.selector"));
}

static void cronjob_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_str(row, str_or(kube_json_get_str(obj, "spec.schedule"), ""));
	const char *tz = kube_json_get_str(obj, "spec.timeZone");
	cell_str(row, tz ? tz : "<none>");
	const cJSON *susp = kube_json_get(obj, "spec.suspend");
	cell_str(row, cJSON_IsBool(susp) ? (cJSON_IsTrue(susp) ? "True" : "False") : "<unset>");
	const cJSON *active = kube_json_get(obj, "status.active");
	cell_int(row, cJSON_IsArray(active) ? cJSON_GetArraySize(active) : 0);
	const char *lst = kube_json_get_str(obj, "status.lastScheduleTime");
	if (lst)
		cell_since(row, lst, now_ns);
	else
		cell_str(row, "<none>");
	cell_age(row, obj, now_ns);
	cells_containers(row, kube_json_get(obj, "spec.jobTemplate.spec.template.spec.containers"));
	cell_selector(row, kube_json_get(obj, "spec.jobTemplate.spec.selector"));
}

/* ---- core ---- */

static void namespace_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_str(row, str_or(kube_json_get_str(obj, "status.phase"), ""));
	cell_age(row, obj, now_ns);
}

static void componentstatus_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	const char *status = "Unknown", *msg = "", *err = "";
	const cJSON *c;
	cJSON_ArrayForEach(c, kube_json_get(obj, "conditions")) {
		if (kube_streq(kube_json_get_str(c, "type"), "Healthy")) {
			status = kube_streq(kube_json_get_str(c, "status"), "True") ? "Healthy" : "Unhealthy";
			msg = str_or(kube_json_get_str(c, "message"), "");
			err = str_or(kube_json_get_str(c, "error"), "");
			break;
		}
	}
	cell_str(row, name_of(obj));
	cell_str(row, status);
	cell_str(row, msg);
	cell_str(row, err);
}

static const char *first_nonempty(const char *a, const char *b)
{
	return a && *a ? a : (b ? b : "");
}

static void event_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	const char *et = kube_json_get_str(obj, "eventTime");
	const char *first = first_nonempty(kube_json_get_str(obj, "firstTimestamp"), et);
	const char *lastts = first_nonempty(kube_json_get_str(obj, "lastTimestamp"), et);
	int64_t count = geti(obj, "count");
	const cJSON *series = kube_json_get(obj, "series");
	if (cJSON_IsObject(series)) {
		lastts = first_nonempty(kube_json_get_str(series, "lastObservedTime"), lastts);
		count = geti(series, "count");
	}
	char fs[KUBE_TIME_HUMAN_SIZE], ls[KUBE_TIME_HUMAN_SIZE], last_seen[128];
	since(first, now_ns, fs, sizeof(fs));
	since(lastts, now_ns, ls, sizeof(ls));
	if (cJSON_IsObject(series) || count > 1)
		snprintf(last_seen, sizeof(last_seen), "%s (x%lld over %s)", ls, (long long)count, fs);
	else
		kube_strlcpy(last_seen, ls, sizeof(last_seen));
	char *kind = kube_strdup(str_or(kube_json_get_str(obj, "involvedObject.kind"), ""));
	for (char *p = kind; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	char *target = kube_asprintf("%s/%s", kind, str_or(kube_json_get_str(obj, "involvedObject.name"), ""));
	kube_free(kind);
	const char *comp = first_nonempty(kube_json_get_str(obj, "source.component"),
					  kube_json_get_str(obj, "reportingComponent"));
	const char *host = first_nonempty(kube_json_get_str(obj, "source.host"),
					  kube_json_get_str(obj, "reportingInstance"));
	char *source = *host ? kube_asprintf("%s, %s", comp, host) : kube_strdup(comp);
	/* strings.TrimSpace(message) */
	const char *msg = str_or(kube_json_get_str(obj, "message"), "");
	while (*msg == ' ' || *msg == '\n' || *msg == '\t' || *msg == '\r')
		msg++;
	size_t ml = strlen(msg);
	while (ml && (msg[ml - 1] == ' ' || msg[ml - 1] == '\n' || msg[ml - 1] == '\t' || msg[ml - 1] == '\r'))
		ml--;
	char *m = kube_strndup(msg, ml);

	cell_str(row, last_seen);
	cell_str(row, str_or(kube_json_get_str(obj, "type"), ""));
	cell_str(row, str_or(kube_json_get_str(obj, "reason"), ""));
	cell_str(row, target);
	cell_str(row, str_or(kube_json_get_str(obj, "involvedObject.fieldPath"), ""));
	cell_str(row, source);
	cell_str(row, m);
	cell_str(row, fs);
	cell_int(row, count);
	cell_str(row, name_of(obj));
	kube_free(target);
	kube_free(source);
	kube_free(m);
}

static int64_t object_size(const cJSON *obj, const char *key)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsObject(o) || cJSON_IsArray(o) ? cJSON_GetArraySize(o) : 0;
}

static void configmap_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_int(row, object_size(obj, "data") + object_size(obj, "binaryData"));
	cell_age(row, obj, now_ns);
}

static void secret_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_str(row, str_or(kube_json_get_str(obj, "type"), ""));
	cell_int(row, object_size(obj, "data"));
	cell_age(row, obj, now_ns);
}

static void serviceaccount_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_int(row, object_size(obj, "secrets"));
	cell_age(row, obj, now_ns);
}

static void endpoints_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	const cJSON *subsets = kube_json_get(obj, "subsets");
	kube_buf_t b = KUBE_BUF_INIT;
	kube_buf_puts(&b, "");
	int listed = 0, count = 0;
	const int max = 3;
	bool more = false;
	const cJSON *ss;
	cJSON_ArrayForEach(ss, subsets) {
		const cJSON *addrs = cJSON_GetObjectItemCaseSensitive(ss, "addresses");
		const cJSON *ports = cJSON_GetObjectItemCaseSensitive(ss, "ports");
		int naddr = cJSON_IsArray(addrs) ? cJSON_GetArraySize(addrs) : 0;
		const cJSON *a, *p;
		if (!cJSON_IsArray(ports) || !ports->child) {
			count += naddr;
			cJSON_ArrayForEach(a, addrs) {
				if (listed == max) {
					more = true;
					break;
				}
				kube_buf_printf(&b, "%s%s", listed ? "," : "", str_or(kube_json_get_str(a, "ip"), ""));
				listed++;
			}
			continue;
		}
		cJSON_ArrayForEach(p, ports) {
			count += naddr;
			cJSON_ArrayForEach(a, addrs) {
				if (listed == max) {
					more = true;
					break;
				}
				const char *ip = str_or(kube_json_get_str(a, "ip"), "");
				bool v6 = strchr(ip, ':') != NULL;
				kube_buf_printf(&b, "%s%s%s%s:%lld", listed ? "," : "", v6 ? "[" : "", ip,
						v6 ? "]" : "", (long long)geti(p, "port"));
				listed++;
			}
		}
	}
	if (more)
		kube_buf_printf(&b, " + %d more...", count - max);
	cell_str(row, name_of(obj));
	cell_str(row, cJSON_GetArraySize(subsets) > 0 ? kube_buf_str(&b) : "<none>");
	cell_age(row, obj, now_ns);
	kube_buf_clear(&b);
}

static void lease_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_str(row, str_or(kube_json_get_str(obj, "spec.holderIdentity"), ""));
	cell_age(row, obj, now_ns);
}

static void priorityclass_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_int(row, geti(obj, "value"));
	cJSON_AddItemToArray(row, cJSON_CreateBool(kube_json_get_bool(obj, "globalDefault", false)));
	cell_age(row, obj, now_ns);
	cell_str(row, str_or(kube_json_get_str(obj, "preemptionPolicy"), "PreemptLowerPriority"));
}

static void role_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	(void)now_ns;
	cell_str(row, name_of(obj));
	cell_str(row, str_or(kube_json_get_str(obj, "metadata.creationTimestamp"), "0001-01-01T00:00:00Z"));
}

static void subjects(cJSON *row, const cJSON *obj, const char *kind)
{
	kube_buf_t b = KUBE_BUF_INIT;
	kube_buf_puts(&b, "");
	const cJSON *s;
	cJSON_ArrayForEach(s, kube_json_get(obj, "subjects")) {
		if (!kube_streq(kube_json_get_str(s, "kind"), kind))
			continue;
		if (b.len)
			kube_buf_puts(&b, ", ");
		if (!strcmp(kind, "ServiceAccount"))
			kube_buf_printf(&b, "%s/", str_or(kube_json_get_str(s, "namespace"), ""));
		kube_buf_puts(&b, str_or(kube_json_get_str(s, "name"), ""));
	}
	cell_str(row, kube_buf_str(&b));
	kube_buf_clear(&b);
}

static void rolebinding_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	char *role = kube_asprintf("%s/%s", str_or(kube_json_get_str(obj, "roleRef.kind"), ""),
				   str_or(kube_json_get_str(obj, "roleRef.name"), ""));
	cell_str(row, role);
	kube_free(role);
	cell_age(row, obj, now_ns);
	subjects(row, obj, "User");
	subjects(row, obj, "Group");
	subjects(row, obj, "ServiceAccount");
}

static void generic_row(cJSON *row, const cJSON *obj, int64_t now_ns)
{
	cell_str(row, name_of(obj));
	cell_age(row, obj, now_ns);
}

/* ---- dispatch ---- */

typedef void (*row_fn)(cJSON *row, const cJSON *obj, int64_t now_ns);

typedef struct printer {
	const char *group, *resource;
	const column_t *cols;
	row_fn row;
} printer_t;

static const printer_t printers[] = {
	{ "", "pods", pod_cols, pod_row },
	{ "", "nodes", node_cols, node_row },
	{ "", "services", service_cols, service_row },
	{ "apps", "deployments", deployment_cols, deployment_row },
	{ "apps", "replicasets", replicaset_cols, replicaset_row },
	{ "", "replicationcontrollers", replicaset_cols, rc_row },
	{ "apps", "daemonsets", daemonset_cols, daemonset_row },
	{ "apps", "statefulsets", statefulset_cols, statefulset_row },
	{ "batch", "jobs", job_cols, job_row },
	{ "batch", "cronjobs", cronjob_cols, cronjob_row },
	{ "", "namespaces", namespace_cols, namespace_row },
	{ "", "componentstatuses", componentstatus_cols, componentstatus_row },
	{ "", "events", event_cols, event_row },
	{ "", "configmaps", configmap_cols, configmap_row },
	{ "", "secrets", secret_cols, secret_row },
	{ "", "serviceaccounts", serviceaccount_cols, serviceaccount_row },
	{ "", "endpoints", endpoints_cols, endpoints_row },
	{ "coordination.k8s.io", "leases", lease_cols, lease_row },
	{ "scheduling.k8s.io", "priorityclasses", priorityclass_cols, priorityclass_row },
	{ "rbac.authorization.k8s.io", "roles", role_cols, role_row },
	{ "rbac.authorization.k8s.io", "clusterroles", role_cols, role_row },
	{ "rbac.authorization.k8s.io", "rolebindings", rolebinding_cols, rolebinding_row },
	{ "rbac.authorization.k8s.io", "clusterrolebindings", rolebinding_cols, rolebinding_row },
};

static const printer_t generic = { "", "", generic_cols, generic_row };

static const printer_t *printer_for(const kube_kind_t *k)
{
	if (k)
		for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++)
			if (!strcmp(printers[i].group, k->group) && !strcmp(printers[i].resource, k->resource))
				return &printers[i];
	return &generic;
}

cJSON *apiserver_table_columns(const kube_kind_t *k)
{
	const printer_t *p = printer_for(k);
	cJSON *arr = cJSON_CreateArray();
	for (const column_t *c = p->cols; c->name; c++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", c->name);
		cJSON_AddStringToObject(o, "type", c->type);
		cJSON_AddStringToObject(o, "format", c->format);
		cJSON_AddStringToObject(o, "description", c->description);
		cJSON_AddNumberToObject(o, "priority", c->priority);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *apiserver_table_cells(const kube_kind_t *k, const cJSON *obj, int64_t now_ns)
{
	cJSON *row = cJSON_CreateArray();
	printer_for(k)->row(row, obj, now_ns);
	return row;
}

int apiserver_table_include_parse(const char *s)
{
	if (!s || !*s || !strcmp(s, "Metadata"))
		return APISERVER_TABLE_INCLUDE_METADATA;
	if (!strcmp(s, "None"))
		return APISERVER_TABLE_INCLUDE_NONE;
	if (!strcmp(s, "Object"))
		return APISERVER_TABLE_INCLUDE_OBJECT;
	return -EINVAL;
}

static void row_conditions(kube_buf_t *out, const kube_kind_t *k, const cJSON *obj)
{
	if (!k || k->group[0] || strcmp(k->resource, "pods") != 0)
		return;
	const char *phase = kube_json_get_str(obj, "status.phase");
	if (kube_streq(phase, "Succeeded"))
		kube_buf_puts(out, ",\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\","
				   "\"reason\":\"Succeeded\",\"message\":\"The pod has completed successfully.\"}]");
	else if (kube_streq(phase, "Failed"))
		kube_buf_puts(out, ",\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\","
				   "\"reason\":\"Failed\",\"message\":\"The pod failed.\"}]");
}

void apiserver_table_render(kube_buf_t *out, const kube_kind_t *k, cJSON *const *objs, size_t n,
			    int include_object, const char *resource_version, const char *cont,
			    bool with_columns, int64_t now_ns)
{
	kube_buf_puts(out, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{");
	bool comma = false;
	if (resource_version && *resource_version) {
		kube_buf_puts(out, "\"resourceVersion\":");
		kube_json_string_buf(out, resource_version);
		comma = true;
	}
	if (cont && *cont) {
		kube_buf_puts(out, comma ? ",\"continue\":" : "\"continue\":");
		kube_json_string_buf(out, cont);
	}
	kube_buf_puts(out, "},\"columnDefinitions\":");
	if (with_columns) {
		cJSON *cols = apiserver_table_columns(k);
		kube_json_compact_buf(out, cols);
		cJSON_Delete(cols);
	} else {
		kube_buf_puts(out, "null");
	}
	kube_buf_puts(out, ",\"rows\":[");
	for (size_t i = 0; i < n; i++) {
		const cJSON *obj = objs[i];
		if (i)
			kube_buf_putc(out, ',');
		kube_buf_puts(out, "{\"cells\":");
		cJSON *cells = apiserver_table_cells(k, obj, now_ns);
		kube_json_compact_buf(out, cells);
		cJSON_Delete(cells);
		row_conditions(out, k, obj);
		if (include_object == APISERVER_TABLE_INCLUDE_OBJECT) {
			kube_buf_puts(out, ",\"object\":");
			kube_json_compact_buf(out, obj);
		} else if (include_object == APISERVER_TABLE_INCLUDE_METADATA) {
			kube_buf_puts(out, ",\"object\":{\"kind\":\"PartialObjectMetadata\","
					   "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":");
			const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
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
