/* scheduler_config: KubeSchedulerConfiguration files (see header). */
#include "scheduler_config.h"

#include <stdio.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"

static int duration(const cJSON *doc, const char *path, int64_t *ret, char **ret_err)
{
	const cJSON *v = kube_json_get(doc, path);
	if (!v)
		return 0;
	if (!cJSON_IsString(v)) {
		char *t = kube_json_compact(v);
		*ret_err = kube_asprintf("%s: invalid duration \"%s\"", path, t);
		kube_free(t);
		return -EINVAL;
	}
	const char *s = v->valuestring;
	if (kube_parse_duration(s, ret) < 0) {
		*ret_err = kube_asprintf("%s: invalid duration \"%s\"", path, s);
		return -EINVAL;
	}
	return 0;
}

int scheduler_config_apply(const cJSON *doc, scheduler_options_t *o, char **ret_err)
{
	const char *s;
	const cJSON *v;

	s = kube_json_get_str(doc, "kind");
	if (!kube_streq(s, "KubeSchedulerConfiguration")) {
		*ret_err = kube_asprintf("no kind \"%s\" is registered for version \"%s\"", s ? s : "",
					 kube_json_get_str(doc, "apiVersion") ? kube_json_get_str(doc, "apiVersion") : "");
		return -EINVAL;
	}
	if ((s = kube_json_get_str(doc, "clientConnection.kubeconfig")) && *s)
		o->kubeconfig = (char *)s;
	if ((v = kube_json_get(doc, "clientConnection.qps")) && cJSON_IsNumber(v))
		o->kube_api_qps = v->valuedouble;
	if ((v = kube_json_get(doc, "clientConnection.burst")) && cJSON_IsNumber(v))
		o->kube_api_burst = (int)v->valuedouble;
	if ((v = kube_json_get(doc, "leaderElection.leaderElect")) && cJSON_IsBool(v))
		o->le.leader_elect = cJSON_IsTrue(v);
	if (duration(doc, "leaderElection.leaseDuration", &o->le.lease_duration_ns, ret_err) < 0 ||
	    duration(doc, "leaderElection.renewDeadline", &o->le.renew_deadline_ns, ret_err) < 0 ||
	    duration(doc, "leaderElection.retryPeriod", &o->le.retry_period_ns, ret_err) < 0)
		return -EINVAL;
	if ((s = kube_json_get_str(doc, "leaderElection.resourceName")) && *s)
		o->le.resource_name = (char *)s;
	if ((s = kube_json_get_str(doc, "leaderElection.resourceNamespace")) && *s)
		o->le.resource_namespace = (char *)s;
	if ((v = kube_json_get(doc, "percentageOfNodesToScore")) && cJSON_IsNumber(v)) {
		if (v->valuedouble < 0 || v->valuedouble > 100) {
			*ret_err = kube_asprintf("percentageOfNodesToScore: Invalid value: %g: not in valid range [0-100]",
						 v->valuedouble);
			return -EINVAL;
		}
		o->percentage_of_nodes_to_score = (int)v->valuedouble;
	}
	if ((s = kube_json_get_str(doc, "profiles[0].schedulerName")) && *s)
		o->scheduler_name = (char *)s;
	return 0;
}

int scheduler_config_load(const char *path, scheduler_options_t *o, cJSON **ret_doc, char **ret_err)
{
	FILE *f = fopen(path, "re");
	char buf[65536];
	size_t n;
	char *err = NULL;

	if (!f) {
		*ret_err = kube_asprintf("open %s: %s", path, strerror(errno));
		return -errno;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	cJSON *doc = kube_yaml_parse(buf, n, &err);
	if (!doc) {
		*ret_err = kube_asprintf("%s: %s", path, err ? err : "invalid YAML");
		kube_free(err);
		return -EINVAL;
	}
	kube_free(err);
	if (scheduler_config_apply(doc, o, ret_err) < 0) {
		cJSON_Delete(doc);
		return -EINVAL;
	}
	*ret_doc = doc;
	return 0;
}
