/*
 * kube_yaml: YAML <-> JSON through libyaml, with the typing rules of
 * sigs.k8s.io/yaml (yaml.v2 under it), so manifests mean what they mean to
 * upstream kubectl and the API server:
 *  - quoted and block scalars are strings; plain scalars resolve as yaml.v2
 *    does: null (~, null, empty), bool (true/false/yes/no/on/off/y/n in
 *    their case variants), int (decimal, 0x, 0o, 0b, leading-0 octal,
 *    underscores), float (incl. .inf, .nan), else string;
 *  - explicit tags (!!str, !!int, ...) win; mapping keys become strings;
 *    anchors, aliases and "<<" merge keys work;
 *  - a stream holds several documents separated by "---"; empty ones are
 *    skipped, as kubectl does.
 * Output (kube_yaml_from_json) is what `kubectl get -o yaml` prints: keys
 * sorted, two-space indent, sequences not indented under their key, strings
 * that would read back as another type double-quoted, multi-line strings as
 * literal blocks. Returned trees and strings belong to the caller. Pure
 * functions; thread-safe.
 */
#ifndef KUBE_YAML_H
#define KUBE_YAML_H

#include <cJSON.h>

#include "core/kube_buf.h"

/* Parse every document. On error returns -EINVAL with *ret_err (caller
 * frees) like upstream's "error converting YAML to JSON: yaml: line 3:
 * mapping values are not allowed in this context". */
int kube_yaml_to_json(const char *yaml, size_t len, cJSON ***ret_docs, size_t *ret_n,
		      char **ret_err);
/* The first document (NULL with *ret_err if none or on error). */
cJSON *kube_yaml_parse(const char *yaml, size_t len, char **ret_err);
void kube_yaml_docs_free(cJSON **docs, size_t n);
/* Append obj as YAML (one document, no "---"). */
int kube_yaml_from_json(kube_buf_t *out, const cJSON *obj);

#endif
