/*
 * apiserver_openapi_fields: server-side field validation, the other half of
 * what the OpenAPI documents promise kubectl. The `fieldValidation` query
 * parameter (Strict, Warn — the default — or Ignore) decides what unknown
 * and duplicate fields in a create, update or patch body do: a 400
 * `strict decoding error: unknown field "spec.foo"`, one `Warning: 299`
 * header each, or nothing. The fields are checked against the project's
 * schema (kube_schema); kinds without a schema are not checked.
 */
#ifndef APISERVER_OPENAPI_FIELDS_H
#define APISERVER_OPENAPI_FIELDS_H

#include "apiserver.h"

typedef enum apiserver_field_validation {
	APISERVER_FV_WARN = 0,
	APISERVER_FV_STRICT,
	APISERVER_FV_IGNORE,
} apiserver_field_validation_t;

/* The request's directive; -EINVAL (with *ret_st, a 400) when unknown. */
int apiserver_field_validation_parse(kube_http_req_t *req, apiserver_field_validation_t *ret,
				     kube_status_t **ret_st);

/*
 * Check obj, a whole object of kind k, under the directive. Duplicate keys
 * are removed (the last wins). Returns NULL, or under Strict the 400 Status
 * to answer with: for create/update (patch false) upstream's
 * `Deployment in version "v1" cannot be handled as a Deployment: strict
 * decoding error: ...`, for patches `strict decoding error: ...`. Under
 * Warn, appends one line per problem to *warnings (newline separated,
 * caller kube_free()s). Values of the wrong JSON type are a 400 whatever the
 * directive (`... cannot be handled as a Deployment: json: cannot unmarshal
 * string into Go struct field DeploymentSpec.spec.replicas of type int32`).
 */
kube_status_t *apiserver_field_validation_check(const kube_kind_t *k, cJSON *obj,
						apiserver_field_validation_t fv, bool patch,
						char **warnings);

#endif
