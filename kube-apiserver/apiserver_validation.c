/* apiserver_validation: validation with upstream's causes (see apiserver_validation.h). */
#include "apiserver_validation.h"

#include "api/kube_json.h"
#include "api/kube_selector.h"

#include <stdio.h>
#include <string.h>

#define SUBDOMAIN_MSG "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_MSG "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035_MSG "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

const char *apiserver_validate_dns1123_label(const char *s)
{
	if (strlen(s) > 63)
		return "must be no more than 63 characters";
	return label_ok(s, strlen(s)) ? NULL : LABEL_MSG;
}

const char *apiserver_validate_dns1035_label(const char *s)
{
	if (strlen(s) > 63)
		return "must be no more than 63 characters";
	if (!label_ok(s, strlen(s)) || !(s[0] >= 'a' && s[0] <= 'z'))
		return DNS1035_MSG;
	return NULL;
}

const char *apiserver_validate_dns1123_subdomain(const char *s)
{
	const char *p = s;

	if (strlen(s) > 253)
		return "must be no more than 253 characters";
	if (!*s)
		return SUBDOMAIN_MSG;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || !lower_alnum(p[0]) || !lower_alnum(p[n - 1]))
			return SUBDOMAIN_MSG;
		for (size_t i = 0; i < n; i++)
			if (!lower_alnum(p[i]) && p[i] != '-')
				return SUBDOMAIN_MSG;
		if (!dot)
			break;
		p = dot + 1;
		if (!*p)
			return SUBDOMAIN_MSG;
	}
	return NULL;
}

static void invalid(kube_status_t *st, const char *field, const char *value, const char *detail)
{
	kube_status_add_cause(st, "FieldValueInvalid", field, "Invalid value: \"%s\": %s", value, detail);
}

static void required(kube_status_t *st, const char *field)
{
	kube_status_add_cause(st, "FieldValueRequired", field, "Required value");
}

static bool qualified_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && !((c == '-' || c == '_' || c == '.') && i > 0 && i < n - 1))
			return false;
	}
	return true;
}

static void validate_labels(const cJSON *labels, const char *field, kube_status_t *st)
{
	for (const cJSON *e = labels ? labels->child : NULL; e; e = e->next) {
		const char *key = e->string, *slash = strrchr(key, '/');
		const char *name = slash ? slash + 1 : key;
		char path[512];

		snprintf(path, sizeof(path), "%s", field);
		if (!qualified_name_ok(name) ||
		    (slash && (slash == key || apiserver_validate_dns1123_subdomain(
							 strndupa(key, (size_t)(slash - key))))))
			invalid(st, path, key,
				"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
		if (!cJSON_IsString(e)) {
			invalid(st, path, "", "label values must be strings");
			continue;
		}
		if (e->valuestring[0] && !qualified_name_ok(e->valuestring))
			invalid(st, path, e->valuestring,
				"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	}
}

static void validate_meta(const kube_kind_t *k, const cJSON *obj, kube_status_t *st)
{
	const char *name = kube_json_get_str(obj, "metadata.name");
	const char *msg;

	if (!name || !*name) {
		required(st, "metadata.name");
		return;
	}
	if (strcmp(k->resource, "namespaces") == 0)
		msg = apiserver_validate_dns1123_label(name);
	else if (strcmp(k->resource, "services") == 0)
		msg = apiserver_validate_dns1035_label(name);
	else if (strcmp(k->resource, "roles") == 0 || strcmp(k->resource, "clusterroles") == 0 ||
		 strcmp(k->resource, "rolebindings") == 0 || strcmp(k->resource, "clusterrolebindings") == 0)
		msg = strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0
			      ? "may not contain '/'" : NULL;
	else
		msg = apiserver_validate_dns1123_subdomain(name);
	if (msg)
		invalid(st, "metadata.name", name, msg);
	validate_labels(kube_json_get(obj, "metadata.labels"), "metadata.labels", st);
}

static void validate_containers(const cJSON *spec, const char *base, kube_status_t *st)
{
	const cJSON *cs = kube_json_get(spec, "containers");
	char field[256];
	int i = 0;

	if (!cs || cJSON_GetArraySize(cs) == 0) {
		snprintf(field, sizeof(field), "%s.containers", base);
		required(st, field);
		return;
	}
	for (const cJSON *c = cs->child; c; c = c->next, i++) {
		const char *name = kube_json_get_str(c, "name");
		const char *image = kube_json_get_str(c, "image");
		const cJSON *ports = kube_json_get(c, "ports");
		int j = 0;

		snprintf(field, sizeof(field), "%s.containers[%d].name", base, i);
		if (!name || !*name)
			required(st, field);
		else if (apiserver_validate_dns1123_label(name))
			invalid(st, field, name, apiserver_validate_dns1123_label(name));
		for (const cJSON *d = cs->child; name && d != c; d = d->next)
			if (kube_streq(kube_json_get_str(d, "name"), name))
				kube_status_add_cause(st, "FieldValueDuplicate", field, "Duplicate value: \"%s\"", name);
		snprintf(field, sizeof(field), "%s.containers[%d].image", base, i);
		if (!image || !*image)
			required(st, field);
		for (const cJSON *p = ports ? ports->child : NULL; p; p = p->next, j++) {
			int64_t port = kube_json_get_int64(p, "containerPort", 0);
			snprintf(field, sizeof(field), "%s.containers[%d].ports[%d].containerPort", base, i, j);
			if (port < 1 || port > 65535)
				kube_status_add_cause(st, "FieldValueInvalid", field,
						      "Invalid value: %lld: must be between 1 and 65535, inclusive", (long long)port);
		}
	}
}

static void validate_pod_spec(const cJSON *spec, const char *base, kube_status_t *st,
			      const char *const *restart_allowed)
{
	const char *rp = kube_json_get_str(spec, "restartPolicy");
	char field[256];

	if (!spec) {
		snprintf(field, sizeof(field), "%s", base);
		required(st, field);
		return;
	}
	validate_containers(spec, base, st);
	if (rp && restart_allowed) {
		bool ok = false;
		for (const char *const *a = restart_allowed; *a; a++)
			if (strcmp(*a, rp) == 0)
				ok = true;
		if (!ok) {
			kube_buf_t b = KUBE_BUF_INIT;
			for (const char *const *a = restart_allowed; *a; a++)
				kube_buf_printf(&b, "%s\"%s\"", a == restart_allowed ? "" : ", ", *a);
			snprintf(field, sizeof(field), "%s.restartPolicy", base);
			kube_status_add_cause(st, "FieldValueNotSupported", field,
					      "Unsupported value: \"%s\": supported values: %s", rp, b.data);
			kube_buf_clear(&b);
		}
	}
}

static void validate_workload(const cJSON *obj, const cJSON *old, kube_status_t *st, bool require_selector)
{
	const cJSON *sel = kube_json_get(obj, "spec.selector");
	const cJSON *labels = kube_json_get(obj, "spec.template.metadata.labels");
	static const char *const always[] = { "Always", NULL };

	if (kube_json_get_int64(obj, "spec.replicas", 0) < 0)
		kube_status_add_cause(st, "FieldValueInvalid", "spec.replicas",
				      "Invalid value: %lld: must be greater than or equal to 0",
				      (long long)kube_json_get_int64(obj, "spec.replicas", 0));
	if (require_selector && !sel) {
		required(st, "spec.selector");
	} else if (sel) {
		kube_selector_t *ks = NULL;
		char *err = NULL;
		if (kube_selector_from_json(sel, &ks, &err) == 0) {
			if (kube_selector_empty(ks))
				kube_status_add_cause(st, "FieldValueInvalid", "spec.selector",
						      "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment");
			else if (!kube_selector_matches(ks, labels)) {
				char *str = kube_json_compact(labels ? labels : kube_json_get(obj, "spec.template.metadata"));
				kube_status_add_cause(st, "FieldValueInvalid", "spec.template.metadata.labels",
						      "Invalid value: %s: `selector` does not match template `labels`",
						      str ? str : "null");
				kube_free(str);
			}
		} else {
			invalid(st, "spec.selector", "", err ? err : "invalid selector");
		}
		kube_free(err);
		kube_selector_free(ks);
		if (old && !kube_json_equal(sel, kube_json_get(old, "spec.selector")))
			kube_status_add_cause(st, "FieldValueInvalid", "spec.selector",
					      "Invalid value: %s: field is immutable", "selector");
	}
	validate_pod_spec(kube_json_get(obj, "spec.template.spec"), "spec.template.spec", st, always);
}

static void validate_service(const cJSON *obj, kube_status_t *st)
{
	const char *type = kube_json_get_str(obj, "spec.type");
	const char *cip = kube_json_get_str(obj, "spec.clusterIP");
	const cJSON *ports = kube_json_get(obj, "spec.ports");
	static const char *const types[] = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName" };
	bool type_ok = !type;
	int i = 0;

	for (size_t t = 0; type && t < ARRAY_SIZE(types); t++)
		if (strcmp(types[t], type) == 0)
			type_ok = true;
	if (!type_ok)
		kube_status_add_cause(st, "FieldValueNotSupported", "spec.type",
				      "Unsupported value: \"%s\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"", type);
	if (kube_streq(type, "ExternalName")) {
		if (!kube_json_get_str(obj, "spec.externalName"))
			required(st, "spec.externalName");
		return;
	}
	if ((!ports || cJSON_GetArraySize(ports) == 0) && !kube_streq(cip, "None"))
		required(st, "spec.ports");
	for (const cJSON *p = ports ? ports->child : NULL; p; p = p->next, i++) {
		int64_t port = kube_json_get_int64(p, "port", 0);
		const char *proto = kube_json_get_str(p, "protocol");
		char field[64];

		snprintf(field, sizeof(field), "spec.ports[%d].port", i);
		if (port < 1 || port > 65535)
			kube_status_add_cause(st, "FieldValueInvalid", field,
					      "Invalid value: %lld: must be between 1 and 65535, inclusive", (long long)port);
		snprintf(field, sizeof(field), "spec.ports[%d].protocol", i);
		if (proto && strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP"))
			kube_status_add_cause(st, "FieldValueNotSupported", field,
					      "Unsupported value: \"%s\": supported values: \"SCTP\", \"TCP\", \"UDP\"", proto);
		if (cJSON_GetArraySize(ports) > 1 && !kube_json_get_str(p, "name")) {
			snprintf(field, sizeof(field), "spec.ports[%d].name", i);
			required(st, field);
		}
	}
}

static void validate_data_keys(const cJSON *obj, const char *field, kube_status_t *st)
{
	const cJSON *data = kube_json_get(obj, field);

	for (const cJSON *e = data ? data->child : NULL; e; e = e->next) {
		bool ok = e->string[0] != '\0';
		for (const char *c = e->string; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
				ok = false;
		if (!ok) {
			char path[256];
			snprintf(path, sizeof(path), "%s", field);
			invalid(st, path, e->string,
				"a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
		}
	}
}

void apiserver_validate(const kube_kind_t *k, const cJSON *obj, const cJSON *old, kube_status_t *st)
{
	const char *r = k->resource;
	static const char *const pod_restart[] = { "Always", "OnFailure", "Never", NULL };
	static const char *const job_restart[] = { "OnFailure", "Never", NULL };

	validate_meta(k, obj, st);
	if (strcmp(r, "pods") == 0) {
		validate_pod_spec(kube_json_get(obj, "spec"), "spec", st, pod_restart);
	} else if (strcmp(r, "deployments") == 0 || strcmp(r, "replicasets") == 0 ||
		   strcmp(r, "statefulsets") == 0 || strcmp(r, "daemonsets") == 0) {
		validate_workload(obj, old, st, true);
	} else if (strcmp(r, "replicationcontrollers") == 0) {
		static const char *const always[] = { "Always", NULL };
		if (kube_json_get(obj, "spec.template"))
			validate_pod_spec(kube_json_get(obj, "spec.template.spec"), "spec.template.spec", st, always);
	} else if (strcmp(r, "jobs") == 0) {
		validate_pod_spec(kube_json_get(obj, "spec.template.spec"), "spec.template.spec", st, job_restart);
	} else if (strcmp(r, "cronjobs") == 0) {
		if (!kube_json_get_str(obj, "spec.schedule"))
			required(st, "spec.schedule");
		validate_pod_spec(kube_json_get(obj, "spec.jobTemplate.spec.template.spec"),
				  "spec.jobTemplate.spec.template.spec", st, job_restart);
	} else if (strcmp(r, "services") == 0) {
		validate_service(obj, st);
	} else if (strcmp(r, "configmaps") == 0) {
		validate_data_keys(obj, "data", st);
		validate_data_keys(obj, "binaryData", st);
	} else if (strcmp(r, "secrets") == 0) {
		validate_data_keys(obj, "data", st);
		validate_data_keys(obj, "stringData", st);
	} else if (strcmp(r, "podtemplates") == 0) {
		validate_pod_spec(kube_json_get(obj, "template.spec"), "template.spec", st, pod_restart);
	}
}
