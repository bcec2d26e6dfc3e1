/*
 * apiserver_defaults: upstream's SetDefaults_* (pkg/apis/<group>/v1/defaults.go),
 * the strategies' PrepareForCreate additions (Namespace finalizers, Job
 * selector, Pod status) and DefaultTolerationSeconds admission.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apiserver_defaults.h"

#include "api/kube_json.h"
#include "core/kube_core.h"

/* Child object named key of o, created when missing (replaces a non-object). */
static cJSON *obj_child(cJSON *o, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsObject(c))
		return c;
	if (c)
		cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	return cJSON_AddObjectToObject(o, key);
}

static bool missing(const cJSON *o, const char *key)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
	return !c || cJSON_IsNull(c) || (cJSON_IsString(c) && c->valuestring[0] == '\0');
}

static void put(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static void def_str(cJSON *o, const char *key, const char *v)
{
	if (missing(o, key))
		put(o, key, cJSON_CreateString(v));
}

static void def_num(cJSON *o, const char *key, double v)
{
	if (missing(o, key))
		put(o, key, cJSON_CreateNumber(v));
}

static void def_bool(cJSON *o, const char *key, bool v)
{
	if (missing(o, key))
		put(o, key, cJSON_CreateBool(v));
}

static void def_obj(cJSON *o, const char *key)
{
	if (missing(o, key))
		put(o, key, cJSON_CreateObject());
}

/* ---- pods ---- */

static bool image_needs_always(const char *image)
{
	if (!image)
		return true;
	/* Strip the digest: an image pinned by digest is IfNotPresent. */
	if (strchr(image, '@'))
		return false;
	const char *slash = strrchr(image, '/');
	const char *last = slash ? slash + 1 : image;
	const char *colon = strrchr(last, ':');
	if (!colon)
		return true;
	return strcmp(colon + 1, "latest") == 0;
}

static void defaults_probe(cJSON *p)
{
	if (!cJSON_IsObject(p))
		return;
	def_num(p, "timeoutSeconds", 1);
	def_num(p, "periodSeconds", 10);
	def_num(p, "successThreshold", 1);
	def_num(p, "failureThreshold", 3);
	cJSON *hg = cJSON_GetObjectItemCaseSensitive(p, "httpGet");
	if (cJSON_IsObject(hg)) {
		def_str(hg, "path", "/");
		def_str(hg, "scheme", "HTTP");
	}
	cJSON *g = cJSON_GetObjectItemCaseSensitive(p, "grpc");
	if (cJSON_IsObject(g))
		def_str(g, "service", "");
}

static void defaults_container(cJSON *c, bool host_network)
{
	if (!cJSON_IsObject(c))
		return;
	if (missing(c, "imagePullPolicy")) {
		const char *img = kube_json_get_str(c, "image");
		def_str(c, "imagePullPolicy", image_needs_always(img) ? "Always" : "IfNotPresent");
	}
	def_str(c, "terminationMessagePath", "/dev/termination-log");
	def_str(c, "terminationMessagePolicy", "File");
	def_obj(c, "resources");
	cJSON *port;
	cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(c, "ports")) {
		if (!cJSON_IsObject(port))
			continue;
		def_str(port, "protocol", "TCP");
		if (host_network && missing(port, "hostPort")) {
			cJSON *cp = cJSON_GetObjectItemCaseSensitive(port, "containerPort");
			if (cJSON_IsNumber(cp))
				put(port, "hostPort", cJSON_CreateNumber(cp->valuedouble));
		}
	}
	cJSON *env;
	cJSON_ArrayForEach(env, cJSON_GetObjectItemCaseSensitive(c, "env")) {
		cJSON *fr = kube_json_get(env, "valueFrom.fieldRef");
		if (cJSON_IsObject(fr))
			def_str(fr, "apiVersion", "v1");
	}
	defaults_probe(cJSON_GetObjectItemCaseSensitive(c, "livenessProbe"));
	defaults_probe(cJSON_GetObjectItemCaseSensitive(c, "readinessProbe"));
	defaults_probe(cJSON_GetObjectItemCaseSensitive(c, "startupProbe"));
}

static void defaults_volume(cJSON *v)
{
	if (!cJSON_IsObject(v))
		return;
	static const char *const sources[] = {
		"hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo",
		"secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd",
		"flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
		"configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
		"projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
	};
	bool any = false;
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (cJSON_GetObjectItemCaseSensitive(v, sources[i]))
			any = true;
	if (!any)
		put(v, "emptyDir", cJSON_CreateObject());
	static const char *const moded[] = { "secret", "configMap", "projected", "downwardAPI" };
	for (size_t i = 0; i < sizeof(moded) / sizeof(moded[0]); i++) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(v, moded[i]);
		if (cJSON_IsObject(s))
			def_num(s, "defaultMode", 420);
	}
	cJSON *hp = cJSON_GetObjectItemCaseSensitive(v, "hostPath");
	if (cJSON_IsObject(hp) && !cJSON_GetObjectItemCaseSensitive(hp, "type"))
		put(hp, "type", cJSON_CreateString(""));
}

/* SetDefaults_PodSpec and the containers/volumes inside it. */
static void defaults_pod_spec(cJSON *spec)
{
	if (!cJSON_IsObject(spec))
		return;
	def_str(spec, "dnsPolicy", "ClusterFirst");
	def_str(spec, "restartPolicy", "Always");
	def_obj(spec, "securityContext");
	def_num(spec, "terminationGracePeriodSeconds", 30);
	def_str(spec, "schedulerName", "default-scheduler");
	bool host_network = kube_json_get_bool(spec, "hostNetwork", false);
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "containers"))
		defaults_container(c, host_network);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "initContainers"))
		defaults_container(c, host_network);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "ephemeralContainers"))
		defaults_container(c, host_network);
	cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "volumes"))
		defaults_volume(v);
}

static void defaults_pod_template(cJSON *tmpl)
{
	if (!cJSON_IsObject(tmpl))
		return;
	defaults_pod_spec(obj_child(tmpl, "spec"));
}

/* SetDefaults_Pod: requests default to limits. */
static void requests_from_limits(cJSON *c)
{
	cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resources");
	cJSON *lim = cJSON_GetObjectItemCaseSensitive(res, "limits");
	if (!cJSON_IsObject(lim) || !lim->child)
		return;
	cJSON *req = obj_child(res, "requests");
	cJSON *q;
	cJSON_ArrayForEach(q, lim) {
		if (!cJSON_GetObjectItemCaseSensitive(req, q->string))
			cJSON_AddItemToObject(req, q->string, cJSON_Duplicate(q, true));
	}
}

/* Quantity to a double (good enough to compare requests and limits). */
static bool quantity_value(const cJSON *q, double *ret)
{
	if (cJSON_IsNumber(q)) {
		*ret = q->valuedouble;
		return true;
	}
	if (!cJSON_IsString(q))
		return false;
	const char *s = q->valuestring;
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s)
		return false;
	static const struct {
		const char *suf;
		double mul;
	} sufs[] = {
		{ "", 1 }, { "m", 1e-3 }, { "u", 1e-6 }, { "n", 1e-9 }, { "k", 1e3 }, { "M", 1e6 },
		{ "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 }, { "Ki", 1024.0 },
		{ "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 }, { "Ei", 1152921504606846976.0 },
	};
	for (size_t i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++) {
		if (strcmp(end, sufs[i].suf) == 0) {
			*ret = v * sufs[i].mul;
			return true;
		}
	}
	return false;
}

static bool qos_resource(const char *name)
{
	return strcmp(name, "cpu") == 0 || strcmp(name, "memory") == 0;
}

const char *apiserver_defaults_pod_qos(const cJSON *pod_spec)
{
	double req[2] = { 0, 0 }, lim[2] = { 0, 0 };
	bool has_req[2] = { false, false }, has_lim[2] = { false, false };
	bool guaranteed = true;
	static const char *const lists[] = { "containers", "initContainers" };
	for (size_t l = 0; l < 2; l++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pod_spec, lists[l])) {
			const cJSON *q;
			cJSON_ArrayForEach(q, kube_json_get(c, "resources.requests")) {
				double v;
				if (!q->string || !qos_resource(q->string) || !quantity_value(q, &v) || v <= 0)
					continue;
				int i = strcmp(q->string, "cpu") == 0 ? 0 : 1;
				req[i] += v;
				has_req[i] = true;
			}
			bool found[2] = { false, false };
			cJSON_ArrayForEach(q, kube_json_get(c, "resources.limits")) {
				double v;
				if (!q->string || !qos_resource(q->string) || !quantity_value(q, &v) || v <= 0)
					continue;
				int i = strcmp(q->string, "cpu") == 0 ? 0 : 1;
				lim[i] += v;
				has_lim[i] = true;
				found[i] = true;
			}
			if (!found[0] || !found[1])
				guaranteed = false;
		}
	}
	if (!has_req[0] && !has_req[1] && !has_lim[0] && !has_lim[1])
		return "BestEffort";
	if (guaranteed) {
		for (int i = 0; i < 2; i++) {
			if (!has_req[i])
				continue;
			if (!has_lim[i] || fabs(lim[i] - req[i]) > 1e-9 * fmax(fabs(lim[i]), 1))
				guaranteed = false;
		}
	}
	if (guaranteed && has_req[0] == has_lim[0] && has_req[1] == has_lim[1])
		return "Guaranteed";
	return "Burstable";
}

static bool tolerates(const cJSON *tols, const char *key)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, tols) {
		const char *k = kube_json_get_str(t, "key");
		const char *e = kube_json_get_str(t, "effect");
		if ((!k || !*k || strcmp(k, key) == 0) && (!e || !*e || strcmp(e, "NoExecute") == 0))
			return true;
	}
	return false;
}

static void add_toleration(cJSON *spec, const char *key)
{
	cJSON *tols = cJSON_GetObjectItemCaseSensitive(spec, "tolerations");
	if (!cJSON_IsArray(tols)) {
		if (tols)
			cJSON_DeleteItemFromObjectCaseSensitive(spec, "tolerations");
		tols = cJSON_AddArrayToObject(spec, "tolerations");
	}
	if (tolerates(tols, key))
		return;
	cJSON *t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "key", key);
	cJSON_AddStringToObject(t, "operator", "Exists");
	cJSON_AddStringToObject(t, "effect", "NoExecute");
	cJSON_AddNumberToObject(t, "tolerationSeconds", 300);
	cJSON_AddItemToArray(tols, t);
}

static void defaults_pod(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	defaults_pod_spec(spec);
	def_bool(spec, "enableServiceLinks", true);
	cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "containers"))
		requests_from_limits(c);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "initContainers"))
		requests_from_limits(c);
	/* ServiceAccount admission and the deprecated serviceAccount alias. */
	if (missing(spec, "serviceAccountName")) {
		const char *sa = kube_json_get_str(spec, "serviceAccount");
		def_str(spec, "serviceAccountName", sa && *sa ? sa : "default");
	}
	def_str(spec, "serviceAccount", kube_json_get_str(spec, "serviceAccountName"));
	/* Priority admission. */
	def_num(spec, "priority", 0);
	def_str(spec, "preemptionPolicy", "PreemptLowerPriority");
	/* DefaultTolerationSeconds admission. */
	add_toleration(spec, "node.kubernetes.io/not-ready");
	add_toleration(spec, "node.kubernetes.io/unreachable");
	cJSON *status = obj_child(obj, "status");
	def_str(status, "phase", "Pending");
	def_str(status, "qosClass", apiserver_defaults_pod_qos(spec));
}

/* ---- workloads ---- */

static void defaults_deployment(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	def_num(spec, "replicas", 1);
	cJSON *strat = obj_child(spec, "strategy");
	def_str(strat, "type", "RollingUpdate");
	if (strcmp(kube_json_get_str(strat, "type"), "RollingUpdate") == 0) {
		cJSON *ru = obj_child(strat, "rollingUpdate");
		def_str(ru, "maxUnavailable", "25%");
		def_str(ru, "maxSurge", "25%");
	}
	def_num(spec, "revisionHistoryLimit", 10);
	def_num(spec, "progressDeadlineSeconds", 600);
	defaults_pod_template(obj_child(spec, "template"));
}

static void defaults_replicaset(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	def_num(spec, "replicas", 1);
	defaults_pod_template(obj_child(spec, "template"));
}

static void defaults_rc(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	cJSON *tl = kube_json_get(spec, "template.metadata.labels");
	if (cJSON_IsObject(tl) && tl->child) {
		cJSON *sel = cJSON_GetObjectItemCaseSensitive(spec, "selector");
		if (!cJSON_IsObject(sel) || !sel->child)
			put(spec, "selector", cJSON_Duplicate(tl, true));
		cJSON *md = obj_child(obj, "metadata");
		cJSON *l = cJSON_GetObjectItemCaseSensitive(md, "labels");
		if (!cJSON_IsObject(l) || !l->child)
			put(md, "labels", cJSON_Duplicate(tl, true));
	}
	def_num(spec, "replicas", 1);
	defaults_pod_template(obj_child(spec, "template"));
}

static void defaults_pvc_spec(cJSON *spec)
{
	if (cJSON_IsObject(spec))
		def_str(spec, "volumeMode", "Filesystem");
}

static void defaults_statefulset(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	def_str(spec, "podManagementPolicy", "OrderedReady");
	cJSON *us = obj_child(spec, "updateStrategy");
	def_str(us, "type", "RollingUpdate");
	if (strcmp(kube_json_get_str(us, "type"), "RollingUpdate") == 0)
		def_num(obj_child(us, "rollingUpdate"), "partition", 0);
	cJSON *pr = obj_child(spec, "persistentVolumeClaimRetentionPolicy");
	def_str(pr, "whenDeleted", "Retain");
	def_str(pr, "whenScaled", "Retain");
	def_num(spec, "replicas", 1);
	def_num(spec, "revisionHistoryLimit", 10);
	cJSON *vct;
	cJSON_ArrayForEach(vct, cJSON_GetObjectItemCaseSensitive(spec, "volumeClaimTemplates")) {
		defaults_pvc_spec(cJSON_GetObjectItemCaseSensitive(vct, "spec"));
		if (cJSON_IsObject(vct))
			def_str(obj_child(vct, "status"), "phase", "Pending");
	}
	defaults_pod_template(obj_child(spec, "template"));
}

static void defaults_daemonset(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	cJSON *us = obj_child(spec, "updateStrategy");
	def_str(us, "type", "RollingUpdate");
	if (strcmp(kube_json_get_str(us, "type"), "RollingUpdate") == 0) {
		cJSON *ru = obj_child(us, "rollingUpdate");
		def_num(ru, "maxUnavailable", 1);
		def_num(ru, "maxSurge", 0);
	}
	def_num(spec, "revisionHistoryLimit", 10);
	defaults_pod_template(obj_child(spec, "template"));
}

static void set_label_if_absent(cJSON *labels, const char *k, const char *v)
{
	if (!cJSON_GetObjectItemCaseSensitive(labels, k))
		cJSON_AddStringToObject(labels, k, v);
}

static void defaults_job(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	if (missing(spec, "completions") && missing(spec, "parallelism")) {
		put(spec, "completions", cJSON_CreateNumber(1));
		put(spec, "parallelism", cJSON_CreateNumber(1));
	}
	def_num(spec, "parallelism", 1);
	if (missing(spec, "backoffLimit"))
		def_num(spec, "backoffLimit", missing(spec, "backoffLimitPerIndex") ? 6 : 2147483647);
	def_str(spec, "completionMode", "NonIndexed");
	def_bool(spec, "suspend", false);
	def_str(spec, "podReplacementPolicy",
		missing(spec, "podFailurePolicy") ? "TerminatingOrFailed" : "Failed");
	cJSON *tmpl = obj_child(spec, "template");
	cJSON *md = obj_child(obj, "metadata");
	const char *uid = kube_json_get_str(md, "uid");
	const char *name = kube_json_get_str(md, "name");
	if (!kube_json_get_bool(spec, "manualSelector", false) && uid && *uid) {
		cJSON *tl = obj_child(obj_child(tmpl, "metadata"), "labels");
		set_label_if_absent(tl, "batch.kubernetes.io/controller-uid", uid);
		set_label_if_absent(tl, "batch.kubernetes.io/job-name", name ? name : "");
		set_label_if_absent(tl, "controller-uid", uid);
		set_label_if_absent(tl, "job-name", name ? name : "");
		cJSON *ml = obj_child(obj_child(spec, "selector"), "matchLabels");
		set_label_if_absent(ml, "batch.kubernetes.io/controller-uid", uid);
	}
	cJSON *tl = kube_json_get(tmpl, "metadata.labels");
	cJSON *l = cJSON_GetObjectItemCaseSensitive(md, "labels");
	if (cJSON_IsObject(tl) && tl->child && (!cJSON_IsObject(l) || !l->child))
		put(md, "labels", cJSON_Duplicate(tl, true));
	defaults_pod_template(tmpl);
}

static void defaults_cronjob(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	def_str(spec, "concurrencyPolicy", "Allow");
	def_bool(spec, "suspend", false);
	def_num(spec, "successfulJobsHistoryLimit", 3);
	def_num(spec, "failedJobsHistoryLimit", 1);
	cJSON *jt = obj_child(spec, "jobTemplate");
	defaults_pod_template(obj_child(obj_child(jt, "spec"), "template"));
}

/* ---- core ---- */

static void defaults_service(cJSON *obj)
{
	cJSON *spec = obj_child(obj, "spec");
	def_str(spec, "sessionAffinity", "None");
	def_str(spec, "type", "ClusterIP");
	const char *type = kube_json_get_str(spec, "type");
	cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports")) {
		if (!cJSON_IsObject(p))
			continue;
		def_str(p, "protocol", "TCP");
		cJSON *tp = cJSON_GetObjectItemCaseSensitive(p, "targetPort");
		bool unset = !tp || cJSON_IsNull(tp) || (cJSON_IsNumber(tp) && tp->valuedouble == 0) ||
			     (cJSON_IsString(tp) && !tp->valuestring[0]);
		cJSON *port = cJSON_GetObjectItemCaseSensitive(p, "port");
		if (unset && cJSON_IsNumber(port))
			put(p, "targetPort", cJSON_CreateNumber(port->valuedouble));
	}
	if (strcmp(type, "NodePort") == 0 || strcmp(type, "LoadBalancer") == 0)
		def_str(spec, "externalTrafficPolicy", "Cluster");
	if (strcmp(type, "LoadBalancer") == 0)
		def_bool(spec, "allocateLoadBalancerNodePorts", true);
	if (strcmp(type, "ExternalName") != 0) {
		def_str(spec, "internalTrafficPolicy", "Cluster");
		cJSON *fams = cJSON_GetObjectItemCaseSensitive(spec, "ipFamilies");
		if (!cJSON_IsArray(fams) || !fams->child) {
			cJSON *a = cJSON_CreateArray();
			cJSON_AddItemToArray(a, cJSON_CreateString("IPv4"));
			put(spec, "ipFamilies", a);
		}
		def_str(spec, "ipFamilyPolicy", "SingleStack");
	}
	if (strcmp(kube_json_get_str(spec, "sessionAffinity"), "ClientIP") == 0) {
		cJSON *cip = obj_child(obj_child(spec, "sessionAffinityConfig"), "clientIP");
		def_num(cip, "timeoutSeconds", 10800);
	}
	def_obj(obj_child(obj, "status"), "loadBalancer");
}

static void defaults_namespace(cJSON *obj)
{
	cJSON *md = obj_child(obj, "metadata");
	const char *name = kube_json_get_str(md, "name");
	if (name && *name) {
		cJSON *l = obj_child(md, "labels");
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(l, "kubernetes.io/metadata.name");
		if (!cJSON_IsString(cur) || strcmp(cur->valuestring, name) != 0)
			put(l, "kubernetes.io/metadata.name", cJSON_CreateString(name));
	}
	cJSON *spec = obj_child(obj, "spec");
	cJSON *fin = cJSON_GetObjectItemCaseSensitive(spec, "finalizers");
	if (!cJSON_IsArray(fin)) {
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateString("kubernetes"));
		put(spec, "finalizers", a);
	}
	def_str(obj_child(obj, "status"), "phase", "Active");
}

void apiserver_defaults_apply(const kube_kind_t *k, cJSON *obj)
{
	if (!k || !cJSON_IsObject(obj))
		return;
	const char *g = k->group, *r = k->resource;
	if (!*g) {
		if (!strcmp(r, "pods"))
			defaults_pod(obj);
		else if (!strcmp(r, "podtemplates"))
			defaults_pod_template(obj_child(obj, "template"));
		else if (!strcmp(r, "replicationcontrollers"))
			defaults_rc(obj);
		else if (!strcmp(r, "services"))
			defaults_service(obj);
		else if (!strcmp(r, "namespaces"))
			defaults_namespace(obj);
		else if (!strcmp(r, "secrets"))
			def_str(obj, "type", "Opaque");
		else if (!strcmp(r, "persistentvolumeclaims"))
			defaults_pvc_spec(obj_child(obj, "spec"));
	} else if (!strcmp(g, "apps")) {
		if (!strcmp(r, "deployments"))
			defaults_deployment(obj);
		else if (!strcmp(r, "replicasets"))
			defaults_replicaset(obj);
		else if (!strcmp(r, "statefulsets"))
			defaults_statefulset(obj);
		else if (!strcmp(r, "daemonsets"))
			defaults_daemonset(obj);
	} else if (!strcmp(g, "batch")) {
		if (!strcmp(r, "jobs"))
			defaults_job(obj);
		else if (!strcmp(r, "cronjobs"))
			defaults_cronjob(obj);
	} else if (!strcmp(g, "scheduling.k8s.io")) {
		if (!strcmp(r, "priorityclasses"))
			def_str(obj, "preemptionPolicy", "PreemptLowerPriority");
	}
}
