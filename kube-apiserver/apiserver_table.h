/*
 * apiserver_table: server-side Tables (meta.k8s.io/v1 Table) for kubectl get:
 * upstream's columns, wide priorities and cell formats per resource, and a
 * NAME/AGE table for the rest. Pure functions; thread-safe.
 */
#ifndef APISERVER_TABLE_H
#define APISERVER_TABLE_H

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "core/kube_buf.h"

/* include_object: 0 None, 1 Metadata (PartialObjectMetadata), 2 Object. */
void apiserver_table_render(kube_buf_t *out, const kube_kind_t *k, cJSON *const *objs, size_t n,
			    int include_object, const char *resource_version, const char *cont,
			    bool with_columns, int64_t now_ns);

#endif
