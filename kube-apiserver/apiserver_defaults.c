/* apiserver_defaults: per-kind defaulting as upstream (see apiserver_defaults.h). */
#include "apiserver_defaults.h"

#include "api/kube_json.h"

#include <string.h>

static void set_str(cJSON *obj, const char *path, const char *v)
{
	if (!kube_json_get(obj, path))
		kube_json_set_str(obj, path, v);
}

static void set_int(cJSON *obj, const char *path, int64_t v)
{
	if (!kube_json_get(obj, path))
		kube_json_set_int64(obj, path, v);
}

static void set_bool(cJSON *obj, const char *path, bool v)
{
	if (!kube_json_get(obj, path))
		kube_json_set_bool(obj, path, v);
}

static void set_obj(cJSON *obj, const char *path)
{
	if (!kube_json_get(obj, path))
		kube_json_set(obj, path, cJSON_CreateObject());
}

static bool image_is_latest(const char *image)
{
	const char *slash, *colon;

	if (!image)
		return true;
	if (strchr(image, '@'))
		return false;
	slash = strrchr(image, '/');
	colon = strrchr(slash ? slash : image, ':');
	return !colon || strcmp(colon, ":latest") == 0;
}

static void default_containers(cJSON *spec, const char *field)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(spec, field);

	for (cJSON *c = list ? list->child : NULL; c; c = c->next) {
		const char *image = kube_json_get_str(c, "image");
		cJSON *ports = cJSON_GetObjectItemCaseSensitive(c, "ports");

		set_str(c, "imagePullPolicy", image_is_latest(image) ? "Always" : "IfNotPresent");
		set_str(c, "terminationMessagePath", "/dev/termination-log");
		set_str(c, "terminationMessagePolicy", "File");
		set_obj(c, "resources");
		for (cJSON *p = ports ? ports->child : NULL; p; p = p->next)
			set_str(p, "protocol", "TCP");
		/* limits without requests: requests = limits */
		cJSON *limits = (cJSON *)kube_json_get(c, "resources.limits");
		if (limits && !kube_json_get(c, "resources.requests") && limits->child)
			kube_json_set(c, "resources.requests", kube_json_dup(limits));
	}
}

static void default_pod_spec(cJSON *spec)
{
	if (!spec)
		return;
	set_str(spec, "restartPolicy", "Always");
	set_str(spec, "dnsPolicy", "ClusterFirst");
	set_str(spec, "schedulerName", "default-scheduler");
	set_int(spec, "terminationGracePeriodSeconds", 30);
	set_obj(spec, "securityContext");
	default_containers(spec, "containers");
	default_containers(spec, "initContainers");
	cJSON *vols = cJSON_GetObjectItemCaseSensitive(spec, "volumes");
	for (cJSON *v = vols ? vols->child : NULL; v; v = v->next) {
		cJSON *cm = cJSON_GetObjectItemCaseSensitive(v, "configMap");
		cJSON *sec = cJSON_GetObjectItemCaseSensitive(v, "secret");
		if (cm)
			set_int(cm, "defaultMode", 420);
		if (sec)
			set_int(sec, "defaultMode", 420);
		if (!cm && !sec && !cJSON_GetObjectItemCaseSensitive(v, "hostPath") &&
		    !cJSON_GetObjectItemCaseSensitive(v, "persistentVolumeClaim") &&
		    !cJSON_GetObjectItemCaseSensitive(v, "projected") &&
		    !cJSON_GetObjectItemCaseSensitive(v, "downwardAPI") &&
		    !cJSON_GetObjectItemCaseSensitive(v, "emptyDir"))
			set_obj(v, "emptyDir");
	}
}

static bool has_toleration(const cJSON *tols, const char *key)
{
	for (const cJSON *t = tols ? tols->child : NULL; t; t = t->next)
		if (kube_streq(kube_json_get_str(t, "key"), key))
			return true;
	return false;
}

/* The pod's QoS class, as upstream's GetPodQOS. */
static const char *qos_class(const cJSON *spec)
{
	bool any = false, guaranteed = true;
	static const char *const res[] = { "cpu", "memory" };
	const cJSON *cs = kube_json_get(spec, "containers");

	for (const cJSON *c = cs ? cs->child : NULL; c; c = c->next) {
		for (size_t i = 0; i < 2; i++) {
			const cJSON *req = kube_json_get(c, "resources.requests");
			const cJSON *lim = kube_json_get(c, "resources.limits");
			const cJSON *r = req ? cJSON_GetObjectItemCaseSensitive(req, res[i]) : NULL;
			const cJSON *l = lim ? cJSON_GetObjectItemCaseSensitive(lim, res[i]) : NULL;
			if (r || l)
				any = true;
			if (!l || !r || !kube_json_equal(r, l))
				guaranteed = false;
		}
	}
	if (!any)
		return "BestEffort";
	return guaranteed ? "Guaranteed" : "Burstable";
}

static void default_pod(cJSON *pod)
{
	cJSON *spec = (cJSON *)kube_json_get(pod, "spec");
	cJSON *tols;

	if (!spec)
		return;
	default_pod_spec(spec);
	set_bool(spec, "enableServiceLinks", true);
	set_str(spec, "serviceAccountName", "default");
	set_str(spec, "serviceAccount", kube_json_get_str(spec, "serviceAccountName"));
	set_int(spec, "priority", 0);
	set_str(spec, "preemptionPolicy", "PreemptLowerPriority");
	tols = (cJSON *)kube_json_get(spec, "tolerations");
	static const char *const keys[] = { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" };
	for (size_t i = 0; i < 2; i++) {
		if (has_toleration(tols, keys[i]))
			continue;
		if (!tols) {
			tols = cJSON_CreateArray();
			cJSON_AddItemToObject(spec, "tolerations", tols);
		}
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "key", keys[i]);
		cJSON_AddStringToObject(t, "operator", "Exists");
		cJSON_AddStringToObject(t, "effect", "NoExecute");
		cJSON_AddNumberToObject(t, "tolerationSeconds", 300);
		cJSON_AddItemToArray(tols, t);
	}
	set_str(pod, "status.phase", "Pending");
	set_str(pod, "status.qosClass", qos_class(spec));
}

static void default_template(cJSON *obj, const char *path)
{
	cJSON *tpl = (cJSON *)kube_json_get(obj, path);

	if (tpl)
		default_pod_spec(cJSON_GetObjectItemCaseSensitive(tpl, "spec"));
}

void apiserver_defaults_apply(const kube_kind_t *k, cJSON *obj)
{
	const char *r = k->resource;

	if (!cJSON_IsObject(obj))
		return;
	if (strcmp(r, "pods") == 0) {
		default_pod(obj);
	} else if (strcmp(r, "podtemplates") == 0) {
		default_template(obj, "template");
	} else if (strcmp(r, "deployments") == 0) {
		set_int(obj, "spec.replicas", 1);
		set_str(obj, "spec.strategy.type", "RollingUpdate");
		if (kube_streq(kube_json_get_str(obj, "spec.strategy.type"), "RollingUpdate")) {
			set_str(obj, "spec.strategy.rollingUpdate.maxUnavailable", "25%");
			set_str(obj, "spec.strategy.rollingUpdate.maxSurge", "25%");
		}
		set_int(obj, "spec.revisionHistoryLimit", 10);
		set_int(obj, "spec.progressDeadlineSeconds", 600);
		default_template(obj, "spec.template");
	} else if (strcmp(r, "replicasets") == 0 || strcmp(r, "replicationcontrollers") == 0) {
		set_int(obj, "spec.replicas", 1);
		if (strcmp(r, "replicationcontrollers") == 0 && !kube_json_get(obj, "spec.selector")) {
			const cJSON *labels = kube_json_get(obj, "spec.template.metadata.labels");
			if (labels)
				kube_json_set(obj, "spec.selector", kube_json_dup(labels));
		}
		default_template(obj, "spec.template");
	} else if (strcmp(r, "statefulsets") == 0) {
		set_int(obj, "spec.replicas", 1);
		set_str(obj, "spec.podManagementPolicy", "OrderedReady");
		set_str(obj, "spec.updateStrategy.type", "RollingUpdate");
		if (kube_streq(kube_json_get_str(obj, "spec.updateStrategy.type"), "RollingUpdate"))
			set_int(obj, "spec.updateStrategy.rollingUpdate.partition", 0);
		set_int(obj, "spec.revisionHistoryLimit", 10);
		set_str(obj, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "Retain");
		set_str(obj, "spec.persistentVolumeClaimRetentionPolicy.whenScaled", "Retain");
		default_template(obj, "spec.template");
	} else if (strcmp(r, "daemonsets") == 0) {
		set_str(obj, "spec.updateStrategy.type", "RollingUpdate");
		if (kube_streq(kube_json_get_str(obj, "spec.updateStrategy.type"), "RollingUpdate")) {
			set_int(obj, "spec.updateStrategy.rollingUpdate.maxUnavailable", 1);
			set_int(obj, "spec.updateStrategy.rollingUpdate.maxSurge", 0);
		}
		set_int(obj, "spec.revisionHistoryLimit", 10);
		default_template(obj, "spec.template");
	} else if (strcmp(r, "jobs") == 0) {
		const char *uid = kube_json_get_str(obj, "metadata.uid");
		const char *name = kube_json_get_str(obj, "metadata.name");
		set_int(obj, "spec.parallelism", 1);
		set_int(obj, "spec.completions", 1);
		set_int(obj, "spec.backoffLimit", 6);
		set_str(obj, "spec.completionMode", "NonIndexed");
		set_bool(obj, "spec.suspend", false);
		set_str(obj, "spec.podReplacementPolicy", "TerminatingOrFailed");
		if (uid && name && !kube_json_get_bool(obj, "spec.manualSelector", false) &&
		    !kube_json_get(obj, "spec.selector")) {
			kube_json_set_str(obj, "spec.selector.matchLabels.batch\\.kubernetes\\.io/controller-uid", uid);
			set_str(obj, "spec.template.metadata.labels.batch\\.kubernetes\\.io/controller-uid", uid);
			set_str(obj, "spec.template.metadata.labels.controller-uid", uid);
			set_str(obj, "spec.template.metadata.labels.batch\\.kubernetes\\.io/job-name", name);
			set_str(obj, "spec.template.metadata.labels.job-name", name);
		}
		default_template(obj, "spec.template");
	} else if (strcmp(r, "cronjobs") == 0) {
		set_str(obj, "spec.concurrencyPolicy", "Allow");
		set_bool(obj, "spec.suspend", false);
		set_int(obj, "spec.successfulJobsHistoryLimit", 3);
		set_int(obj, "spec.failedJobsHistoryLimit", 1);
		default_template(obj, "spec.jobTemplate.spec.template");
	} else if (strcmp(r, "services") == 0) {
		const char *type;
		cJSON *ports;
		set_str(obj, "spec.type", "ClusterIP");
		type = kube_json_get_str(obj, "spec.type");
		if (!kube_streq(type, "ExternalName")) {
			set_str(obj, "spec.sessionAffinity", "None");
			if (!kube_json_get(obj, "spec.ipFamilies")) {
				cJSON *fam = cJSON_CreateArray();
				cJSON_AddItemToArray(fam, cJSON_CreateString("IPv4"));
				kube_json_set(obj, "spec.ipFamilies", fam);
			}
			set_str(obj, "spec.ipFamilyPolicy", "SingleStack");
			set_str(obj, "spec.internalTrafficPolicy", "Cluster");
		}
		if (kube_streq(type, "NodePort") || kube_streq(type, "LoadBalancer"))
			set_str(obj, "spec.externalTrafficPolicy", "Cluster");
		ports = (cJSON *)kube_json_get(obj, "spec.ports");
		for (cJSON *p = ports ? ports->child : NULL; p; p = p->next) {
			set_str(p, "protocol", "TCP");
			if (!cJSON_GetObjectItemCaseSensitive(p, "targetPort")) {
				cJSON *port = cJSON_GetObjectItemCaseSensitive(p, "port");
				if (port)
					cJSON_AddItemToObject(p, "targetPort", kube_json_dup(port));
			}
		}
		set_obj(obj, "status.loadBalancer");
	} else if (strcmp(r, "namespaces") == 0) {
		const char *name = kube_json_get_str(obj, "metadata.name");
		if (!kube_json_get(obj, "spec.finalizers")) {
			cJSON *f = cJSON_CreateArray();
			cJSON_AddItemToArray(f, cJSON_CreateString("kubernetes"));
			kube_json_set(obj, "spec.finalizers", f);
		}
		set_str(obj, "status.phase", "Active");
		if (name)
			kube_json_set_str(obj, "metadata.labels.kubernetes\\.io/metadata\\.name", name);
	} else if (strcmp(r, "secrets") == 0) {
		set_str(obj, "type", "Opaque");
	} else if (strcmp(r, "priorityclasses") == 0) {
		set_str(obj, "preemptionPolicy", "PreemptLowerPriority");
	} else if (strcmp(r, "nodes") == 0) {
		set_obj(obj, "spec");
	} else if (strcmp(r, "poddisruptionbudgets") == 0) {
		if (!kube_json_get(obj, "spec.minAvailable") && !kube_json_get(obj, "spec.maxUnavailable"))
			set_int(obj, "spec.minAvailable", 1);
	}
}
