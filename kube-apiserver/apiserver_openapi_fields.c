/* apiserver_openapi_fields: fieldValidation over the schema (see apiserver_openapi_fields.h). */
#include "apiserver_openapi_fields.h"

#include <string.h>

#include "api/kube_schema.h"

int apiserver_field_validation_parse(kube_http_req_t *req, apiserver_field_validation_t *ret,
				     kube_status_t **ret_st)
{
	const char *v = kube_http_req_query_param(req, "fieldValidation");

	if (!v || !*v || strcmp(v, "Warn") == 0)
		*ret = APISERVER_FV_WARN;
	else if (strcmp(v, "Strict") == 0)
		*ret = APISERVER_FV_STRICT;
	else if (strcmp(v, "Ignore") == 0)
		*ret = APISERVER_FV_IGNORE;
	else {
		*ret_st = kube_status_bad_request("fieldValidation parameter unsupported: %s. Supported values are Ignore, Warn and Strict", v);
		return -EINVAL;
	}
	return 0;
}

kube_status_t *apiserver_field_validation_check(const kube_kind_t *k, cJSON *obj,
						apiserver_field_validation_t fv, bool patch,
						char **warnings)
{
	kube_buf_t av = KUBE_BUF_INIT, msg = KUBE_BUF_INIT;
	const kube_protobuf_message_t *m;
	char **probs = NULL;
	size_t n;
	kube_status_t *st = NULL;

	kube_kinds_api_version(k, &av);
	m = kube_schema_for(av.data, k->kind);
	kube_buf_clear(&av);
	if (!m)
		return NULL;
	{
		/* type errors fail whatever the directive, as Go's decoder does */
		char *err = NULL;
		if (kube_schema_check_types(m, obj, &err) < 0) {
			if (patch)
				st = kube_status_bad_request("%s", err);
			else
				st = kube_status_bad_request("%s in version \"%s\" cannot be handled as a %s: %s",
							     k->kind, k->version, k->kind, err);
			kube_free(err);
			return st;
		}
	}
	n = kube_schema_check_fields(m, obj, &probs);
	if (n == 0 || fv == APISERVER_FV_IGNORE) {
		kube_schema_problems_free(probs, n);
		return NULL;
	}
	if (fv == APISERVER_FV_WARN) {
		if (*warnings)
			kube_buf_puts(&msg, *warnings);
		for (size_t i = 0; i < n; i++)
			kube_buf_printf(&msg, "%s%s", msg.len ? "\n" : "", probs[i]);
		kube_free(*warnings);
		*warnings = kube_buf_steal(&msg);
		kube_schema_problems_free(probs, n);
		return NULL;
	}
	if (!patch)
		kube_buf_printf(&msg, "%s in version \"%s\" cannot be handled as a %s: ", k->kind, k->version, k->kind);
	kube_buf_puts(&msg, "strict decoding error: ");
	for (size_t i = 0; i < n; i++)
		kube_buf_printf(&msg, "%s%s", i ? ", " : "", probs[i]);
	st = kube_status_bad_request("%s", msg.data);
	kube_buf_clear(&msg);
	kube_schema_problems_free(probs, n);
	return st;
}
