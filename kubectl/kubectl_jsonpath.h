/*
 * kubectl_jsonpath: kubectl's JSONPath templates (k8s.io/client-go/util/
 * jsonpath) as `get -o jsonpath=...`, custom-columns and `wait
 * --for=jsonpath=` use them: text with {actions}; fields (.a.b, ['a.b']),
 * indexes and slices ([0], [-1], [1:3], [*]), .* and recursive ..name,
 * filters [?(@.a=="x")], [?(@.a)], {range ...}{end}, quoted literals
 * ("\n", "\t") and $. Several results of one action are joined by a space;
 * strings print raw, numbers as Go prints them, objects and arrays as
 * compact JSON with sorted keys. Missing keys print nothing (kubectl's
 * --allow-missing-template-keys=true).
 *
 * Pure; the caller owns what it passes and gets back.
 */
#ifndef KUBECTL_JSONPATH_H
#define KUBECTL_JSONPATH_H

#include <cJSON.h>

#include "core/kube_buf.h"

/* Execute template on obj into out. Returns 0, or -EINVAL with *ret_err
 * (kube_malloc'd, upstream's wording where known) for a bad template. */
int kubectl_jsonpath_exec(const char *tmpl, const cJSON *obj, kube_buf_t *out, char **ret_err);

/* Evaluate one path expression (no braces, e.g. ".spec.containers[*].image")
 * on obj: *ret is a new array holding copies of every result (caller
 * cJSON_Delete()s). -EINVAL with *ret_err for a bad expression. */
int kubectl_jsonpath_eval(const char *expr, const cJSON *obj, cJSON **ret, char **ret_err);

/* Print one value as jsonpath prints it. */
void kubectl_jsonpath_value(const cJSON *v, kube_buf_t *out);

#endif
