/*
 * apiserver_openapi: the OpenAPI v3 documents, rendered from the project's
 * schema (kube_schema over kube_protobuf's descriptors) and the served-kinds
 * registry (kube_kinds). `/openapi/v3` is the index of group/versions with
 * content hashes; `/openapi/v3/api/v1`, `/openapi/v3/apis/<g>/<v>` are the
 * per group/version documents (openapi 3.0.0): one path per resource whose
 * PATCH operation carries `x-kubernetes-group-version-kind` and the
 * `fieldValidation` parameter (kubectl then leaves validation to the server),
 * and `components.schemas` named as upstream (io.k8s.api.core.v1.Pod, ...)
 * with descriptions, required fields, enums and the strategic-merge
 * extensions kubectl's client-side apply reads. `/openapi/v2` is the
 * Swagger 2.0 view of the same (JSON, or gnostic protobuf; kubectl 1.27
 * validates with it). Documents are rendered once per process
 * and served with ETag and immutable caching for hashed URLs.
 */
#ifndef APISERVER_OPENAPI_H
#define APISERVER_OPENAPI_H

#include "apiserver.h"

/* Render the document of one group/version ("" for core) into out.
 * Returns -ENOENT when the group/version is not served. Pure. */
int apiserver_openapi_render_gv(kube_buf_t *out, const char *group, const char *version);

/* Render /openapi/v2 (apiserver_openapi_v2.c): the Swagger 2.0 JSON and
 * the same document as gnostic openapi_v2.Document protobuf. Pure. */
int apiserver_openapi_render_v2(kube_buf_t *json_out, kube_buf_t *pb_out);

/* Answer a GET under /openapi/ (path already stripped of trailing slashes). */
void apiserver_openapi_serve(apiserver_t *s, kube_http_req_t *req, const char *path);

#endif
