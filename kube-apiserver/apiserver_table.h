/*
 * apiserver_table: server-side printing (meta.k8s.io/v1 Table) for every
 * resource in kube_kinds, with the columns, priorities and cell formats of
 * upstream's printers (pkg/printers/internalversion); resources without a
 * printer get NAME and AGE (custom resources' default). Pure: appends JSON
 * to a buffer; thread-safe on distinct buffers.
 */
#ifndef APISERVER_TABLE_H
#define APISERVER_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <cJSON.h>

#include "core/kube_buf.h"
#include "api/kube_kinds.h"

enum {
	APISERVER_TABLE_INCLUDE_NONE = 0,
	APISERVER_TABLE_INCLUDE_METADATA = 1, /* PartialObjectMetadata (default) */
	APISERVER_TABLE_INCLUDE_OBJECT = 2,
};

/*
 * Append a whole Table for n objects of kind k to out:
 * {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{...},
 *  "columnDefinitions":[...],"rows":[{"cells":[...],"object":{...}}]}.
 * resource_version / cont go in metadata when non-NULL and non-empty.
 * with_columns false omits columnDefinitions (watch events after the first
 * carry none: upstream then sends "columnDefinitions":null). include_object
 * is one of APISERVER_TABLE_INCLUDE_*. now_ns is the wall clock for AGE.
 */
void apiserver_table_render(kube_buf_t *out, const kube_kind_t *k, cJSON *const *objs,
			    size_t n, int include_object, const char *resource_version,
			    const char *cont, bool with_columns, int64_t now_ns);

/* The cells of one object's row as a new JSON array (caller cJSON_Delete()s). */
cJSON *apiserver_table_cells(const kube_kind_t *k, const cJSON *obj, int64_t now_ns);

/* The columnDefinitions array for k (caller cJSON_Delete()s). */
cJSON *apiserver_table_columns(const kube_kind_t *k);

/* Parse an includeObject query value ("None", "Metadata", "Object"; ""
 * means Metadata). Returns the APISERVER_TABLE_INCLUDE_* value or -EINVAL. */
int apiserver_table_include_parse(const char *s);

#endif
