/*
 * kube_schema: the project's one schema of the served kinds, seen as data
 * for OpenAPI, field validation and strategic merge patch. The field names,
 * types and nesting are kube_protobuf's message descriptors
 * (kube_protobuf_schema.c); this module adds what protobuf does not carry,
 * as a side table keyed by message and JSON field (kube_schema_notes.c):
 * descriptions (for `kubectl explain`), required fields, enums, and the
 * strategic-merge keys and strategies of lists. It also owns the unknown-
 * and duplicate-field check behind `fieldValidation=Strict|Warn|Ignore`.
 * Static, read-only data; every function is thread-safe.
 */
#ifndef KUBE_SCHEMA_H
#define KUBE_SCHEMA_H

#include <cJSON.h>

#include "api/kube_protobuf.h"
#include "core/kube_buf.h"

#define KUBE_SCHEMA_REQUIRED 0x01

typedef struct kube_schema_note {
	const char *message;	 /* kube_protobuf message name ("Container") */
	const char *field;	 /* JSON field name; NULL describes the message */
	unsigned flags;		 /* KUBE_SCHEMA_REQUIRED */
	const char *merge_key;	 /* x-kubernetes-patch-merge-key, or NULL */
	const char *strategy;	 /* x-kubernetes-patch-strategy ("merge", "retainKeys", ...) */
	const char *enums;	 /* space separated allowed values, or NULL */
	const char *description;
} kube_schema_note_t;

/* The schema of a served kind ("apps/v1", "Deployment"), or NULL. */
const kube_protobuf_message_t *kube_schema_for(const char *api_version, const char *kind);

/* The note for (m, field) (field NULL: for m itself), or NULL. */
const kube_schema_note_t *kube_schema_note(const kube_protobuf_message_t *m, const char *field);

/* The field of m with JSON name json, looking through inlined messages;
 * *ret_owner (if given) is the message that declares it (for notes). */
const kube_protobuf_field_t *kube_schema_field(const kube_protobuf_message_t *m, const char *json,
					       const kube_protobuf_message_t **ret_owner);

/* The upstream definition name of m ("io.k8s.api.core.v1.Container") or NULL. */
const char *kube_schema_definition(const kube_protobuf_message_t *m);

/* Field validation. Walks obj (a whole object of the kind m describes; its
 * top-level apiVersion, kind and status are accepted as they are) and
 * appends one problem per unknown field and per duplicate key, as upstream
 * words them: `unknown field "spec.foo"`, `duplicate field "spec.replicas"`.
 * Duplicate keys are removed from obj, keeping the last (as Go's decoder).
 * Unknown fields are left in place. Returns the number of problems. */
size_t kube_schema_check_fields(const kube_protobuf_message_t *m, cJSON *obj, char ***ret_problems);
void kube_schema_problems_free(char **problems, size_t n);

/* Type check, as Go's decoder does whatever the field validation: the
 * first value whose JSON type the field cannot hold, as upstream words it:
 * `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas
 * of type int32`. Returns 0, or -EINVAL with *ret_err (caller kube_free()s).
 * null is accepted anywhere (it decodes to the zero value). Unknown fields
 * and the top-level status are not checked. */
int kube_schema_check_types(const kube_protobuf_message_t *m, const cJSON *obj, char **ret_err);

#endif
