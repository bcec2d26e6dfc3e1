/* kube_kinds: the served resources, and discovery documents rendered from them. */
#include "api/kube_kinds.h"

#include <string.h>

#define STD "create delete deletecollection get list patch update watch"
#define SUB_STATUS(g, v, k) { "status", g, v, k, "get patch update" }
#define SUB_SCALE { "scale", "autoscaling", "v1", "Scale", "get patch update" }
#define END { NULL, NULL, NULL, NULL, NULL }

static const kube_subresource_t pod_subs[] = {
	{ "attach", "", "v1", "PodAttachOptions", "create get" },
	{ "binding", "", "v1", "Binding", "create" },
	{ "ephemeralcontainers", "", "v1", "Pod", "get patch update" },
	{ "eviction", "policy", "v1", "Eviction", "create" },
	{ "exec", "", "v1", "PodExecOptions", "create get" },
	{ "log", "", "v1", "Pod", "get" },
	{ "portforward", "", "v1", "PodPortForwardOptions", "create get" },
	{ "proxy", "", "v1", "PodProxyOptions", "create delete get patch update" },
	SUB_STATUS("", "v1", "Pod"),
	END,
};
static const kube_subresource_t ns_subs[] = {
	{ "finalize", "", "v1", "Namespace", "update" },
	SUB_STATUS("", "v1", "Namespace"),
	END,
};
static const kube_subresource_t node_subs[] = {
	{ "proxy", "", "v1", "NodeProxyOptions", "create delete get patch update" },
	SUB_STATUS("", "v1", "Node"),
	END,
};
static const kube_subresource_t svc_subs[] = {
	{ "proxy", "", "v1", "ServiceProxyOptions", "create delete get patch update" },
	SUB_STATUS("", "v1", "Service"),
	END,
};
static const kube_subresource_t rc_subs[] = {
	SUB_SCALE, SUB_STATUS("", "v1", "ReplicationController"), END,
};
static const kube_subresource_t quota_subs[] = { SUB_STATUS("", "v1", "ResourceQuota"), END };
static const kube_subresource_t sa_subs[] = {
	{ "token", "authentication.k8s.io", "v1", "TokenRequest", "create" }, END,
};
static const kube_subresource_t deploy_subs[] = { SUB_SCALE, SUB_STATUS("apps", "v1", "Deployment"), END };
static const kube_subresource_t rs_subs[] = { SUB_SCALE, SUB_STATUS("apps", "v1", "ReplicaSet"), END };
static const kube_subresource_t sts_subs[] = { SUB_SCALE, SUB_STATUS("apps", "v1", "StatefulSet"), END };
static const kube_subresource_t ds_subs[] = { SUB_STATUS("apps", "v1", "DaemonSet"), END };
static const kube_subresource_t hpa1_subs[] = { SUB_STATUS("autoscaling", "v1", "HorizontalPodAutoscaler"), END };
static const kube_subresource_t hpa2_subs[] = { SUB_STATUS("autoscaling", "v2", "HorizontalPodAutoscaler"), END };
static const kube_subresource_t cj_subs[] = { SUB_STATUS("batch", "v1", "CronJob"), END };
static const kube_subresource_t job_subs[] = { SUB_STATUS("batch", "v1", "Job"), END };
static const kube_subresource_t ing_subs[] = { SUB_STATUS("networking.k8s.io", "v1", "Ingress"), END };
static const kube_subresource_t pdb_subs[] = { SUB_STATUS("policy", "v1", "PodDisruptionBudget"), END };
static const kube_subresource_t none[] = { END };

/* Ordered as upstream's discovery lists them (alphabetical per group/version). */
static const kube_kind_t kinds[] = {
	{ "", "v1", "bindings", "binding", "Binding", true, "", "", "create", "bindings", none },
	{ "", "v1", "componentstatuses", "componentstatus", "ComponentStatus", false, "cs", "", "get list", "componentstatuses", none },
	{ "", "v1", "configmaps", "configmap", "ConfigMap", true, "cm", "", STD, "configmaps", none },
	{ "", "v1", "endpoints", "endpoints", "Endpoints", true, "ep", "", STD, "services/endpoints", none },
	{ "", "v1", "events", "event", "Event", true, "ev", "", STD, "events", none },
	{ "", "v1", "limitranges", "limitrange", "LimitRange", true, "limits", "", STD, "limitranges", none },
	{ "", "v1", "namespaces", "namespace", "Namespace", false, "ns", "", "create delete get list patch update watch", "namespaces", ns_subs },
	{ "", "v1", "nodes", "node", "Node", false, "no", "", STD, "minions", node_subs },
	{ "", "v1", "pods", "pod", "Pod", true, "po", "all", STD, "pods", pod_subs },
	{ "", "v1", "podtemplates", "podtemplate", "PodTemplate", true, "", "", STD, "podtemplates", none },
	{ "", "v1", "replicationcontrollers", "replicationcontroller", "ReplicationController", true, "rc", "all", STD, "controllers", rc_subs },
	{ "", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, "quota", "", STD, "resourcequotas", quota_subs },
	{ "", "v1", "secrets", "secret", "Secret", true, "", "", STD, "secrets", none },
	{ "", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa", "", STD, "serviceaccounts", sa_subs },
	{ "", "v1", "services", "service", "Service", true, "svc", "all", "create delete deletecollection get list patch update watch", "services/specs", svc_subs },
	{ "apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, "", "", STD, "controllerrevisions", none },
	{ "apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, "ds", "all", STD, "daemonsets", ds_subs },
	{ "apps", "v1", "deployments", "deployment", "Deployment", true, "deploy", "all", STD, "deployments", deploy_subs },
	{ "apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, "rs", "all", STD, "replicasets", rs_subs },
	{ "apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, "sts", "all", STD, "statefulsets", sts_subs },
	{ "autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, "hpa", "all", STD, "horizontalpodautoscalers", hpa2_subs },
	{ "autoscaling", "v1", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, "hpa", "all", STD, "horizontalpodautoscalers", hpa1_subs },
	{ "batch", "v1", "cronjobs", "cronjob", "CronJob", true, "cj", "all", STD, "cronjobs", cj_subs },
	{ "batch", "v1", "jobs", "job", "Job", true, "", "all", STD, "jobs", job_subs },
	{ "coordination.k8s.io", "v1", "leases", "lease", "Lease", true, "", "", STD, "leases", none },
	{ "discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, "", "", STD, "endpointslices", none },
	{ "networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, "ing", "", STD, "ingress", ing_subs },
	{ "networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true, "netpol", "", STD, "networkpolicies", none },
	{ "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, "pdb", "", STD, "poddisruptionbudgets", pdb_subs },
	{ "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, "", "", STD, "clusterrolebindings", none },
	{ "rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, "", "", STD, "clusterroles", none },
	{ "rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, "", "", STD, "rolebindings", none },
	{ "rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, "", "", STD, "roles", none },
	{ "scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false, "pc", "", STD, "priorityclasses", none },
};

static const kube_group_version_t group_versions[] = {
	{ "", "v1" },
	{ "apps", "v1" },
	{ "autoscaling", "v2" },
	{ "autoscaling", "v1" },
	{ "batch", "v1" },
	{ "coordination.k8s.io", "v1" },
	{ "discovery.k8s.io", "v1" },
	{ "networking.k8s.io", "v1" },
	{ "policy", "v1" },
	{ "rbac.authorization.k8s.io", "v1" },
	{ "scheduling.k8s.io", "v1" },
};

const kube_kind_t *kube_kinds_all(size_t *ret_count)
{
	*ret_count = ARRAY_SIZE(kinds);
	return kinds;
}

const kube_group_version_t *kube_kinds_group_versions(size_t *ret_count)
{
	*ret_count = ARRAY_SIZE(group_versions);
	return group_versions;
}

bool kube_kinds_group_version_served(const char *group, const char *version)
{
	for (size_t i = 0; i < ARRAY_SIZE(group_versions); i++)
		if (strcmp(group_versions[i].group, group) == 0 &&
		    strcmp(group_versions[i].version, version) == 0)
			return true;
	return false;
}

const kube_kind_t *kube_kinds_lookup(const char *group, const char *version, const char *resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].group, group) == 0 && strcmp(kinds[i].version, version) == 0 &&
		    strcmp(kinds[i].resource, resource) == 0)
			return &kinds[i];
	return NULL;
}

const kube_kind_t *kube_kinds_by_kind(const char *group, const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].group, group) == 0 && strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const kube_subresource_t *kube_kinds_subresource(const kube_kind_t *k, const char *name)
{
	for (const kube_subresource_t *s = k->subresources; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

void kube_kinds_api_version(const kube_kind_t *k, kube_buf_t *out)
{
	if (k->group[0])
		kube_buf_printf(out, "%s/%s", k->group, k->version);
	else
		kube_buf_puts(out, k->version);
}

void kube_kinds_qualified_resource(const kube_kind_t *k, kube_buf_t *out)
{
	kube_buf_puts(out, k->resource);
	if (k->group[0])
		kube_buf_printf(out, ".%s", k->group);
}

void kube_kinds_qualified_kind(const kube_kind_t *k, kube_buf_t *out)
{
	kube_buf_puts(out, k->kind);
	if (k->group[0])
		kube_buf_printf(out, ".%s", k->group);
}

static bool word_in(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == wl && strncmp(p, word, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

bool kube_kinds_has_verb(const kube_kind_t *k, const char *verb)
{
	return word_in(k->verbs, verb);
}

/* Append a JSON array of the space-separated words. */
static void words_json(kube_buf_t *out, const char *list)
{
	bool first = true;

	kube_buf_putc(out, '[');
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n) {
			if (!first)
				kube_buf_putc(out, ',');
			kube_buf_putc(out, '"');
			kube_buf_append(out, p, n);
			kube_buf_putc(out, '"');
			first = false;
		}
		if (!e)
			break;
		p = e + 1;
	}
	kube_buf_putc(out, ']');
}

void kube_kinds_render_api_versions(kube_buf_t *out, const char *server_address)
{
	kube_buf_puts(out, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
			   "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":");
	kube_buf_json_string(out, server_address);
	kube_buf_puts(out, "}]}");
}

/* Versions of a group in preference order; returns how many. */
static size_t group_versions_of(const char *group, const char **ret, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(group_versions) && n < max; i++)
		if (strcmp(group_versions[i].group, group) == 0)
			ret[n++] = group_versions[i].version;
	return n;
}

static void render_group(kube_buf_t *out, const char *group)
{
	const char *vers[4];
	size_t n = group_versions_of(group, vers, ARRAY_SIZE(vers));

	kube_buf_printf(out, "{\"name\":\"%s\",\"versions\":[", group);
	for (size_t i = 0; i < n; i++)
		kube_buf_printf(out, "%s{\"groupVersion\":\"%s/%s\",\"version\":\"%s\"}", i ? "," : "",
				group, vers[i], vers[i]);
	kube_buf_printf(out, "],\"preferredVersion\":{\"groupVersion\":\"%s/%s\",\"version\":\"%s\"}}",
			group, vers[0], vers[0]);
}

void kube_kinds_render_api_groups(kube_buf_t *out)
{
	bool first = true;

	kube_buf_puts(out, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
	for (size_t i = 0; i < ARRAY_SIZE(group_versions); i++) {
		const char *g = group_versions[i].group;
		bool seen = false;

		if (!g[0])
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(group_versions[j].group, g) == 0)
				seen = true;
		if (seen)
			continue;
		if (!first)
			kube_buf_putc(out, ',');
		render_group(out, g);
		first = false;
	}
	kube_buf_puts(out, "]}");
}

int kube_kinds_render_api_group(kube_buf_t *out, const char *group)
{
	const char *vers[4];

	if (!group[0] || group_versions_of(group, vers, ARRAY_SIZE(vers)) == 0)
		return -ENOENT;
	kube_buf_puts(out, "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",");
	/* render_group writes an object; splice its members in. */
	kube_buf_t g = KUBE_BUF_INIT;
	render_group(&g, group);
	kube_buf_append(out, g.data + 1, g.len - 1);
	kube_buf_clear(&g);
	return 0;
}

int kube_kinds_render_resource_list(kube_buf_t *out, const char *group, const char *version)
{
	bool first = true;

	if (!kube_kinds_group_version_served(group, version))
		return -ENOENT;
	kube_buf_printf(out, "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"%s%s%s\",\"resources\":[",
			group, group[0] ? "/" : "", version);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		const kube_kind_t *k = &kinds[i];

		if (strcmp(k->group, group) != 0 || strcmp(k->version, version) != 0)
			continue;
		if (!first)
			kube_buf_putc(out, ',');
		first = false;
		kube_buf_printf(out, "{\"name\":\"%s\",\"singularName\":\"%s\",\"namespaced\":%s,\"kind\":\"%s\",\"verbs\":",
				k->resource, k->singular, k->namespaced ? "true" : "false", k->kind);
		words_json(out, k->verbs);
		if (k->short_names[0]) {
			kube_buf_puts(out, ",\"shortNames\":");
			words_json(out, k->short_names);
		}
		if (k->categories[0]) {
			kube_buf_puts(out, ",\"categories\":");
			words_json(out, k->categories);
		}
		kube_buf_puts(out, "}");
		for (const kube_subresource_t *s = k->subresources; s->name; s++) {
			kube_buf_printf(out, ",{\"name\":\"%s/%s\",\"singularName\":\"\",\"namespaced\":%s,",
					k->resource, s->name, k->namespaced ? "true" : "false");
			if (s->group && (strcmp(s->group, k->group) != 0 || strcmp(s->version, k->version) != 0))
				kube_buf_printf(out, "\"group\":\"%s\",\"version\":\"%s\",", s->group, s->version);
			kube_buf_printf(out, "\"kind\":\"%s\",\"verbs\":", s->kind);
			words_json(out, s->verbs);
			kube_buf_putc(out, '}');
		}
	}
	kube_buf_puts(out, "]}");
	return 0;
}
