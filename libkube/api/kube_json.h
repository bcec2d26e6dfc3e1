/*
 * kube_json: helpers over cJSON for objects held as JSON trees (upstream's
 * "unstructured"): field-path get/set/delete, typed getters with defaults,
 * deep copy, semantic equality, Go-compatible output (canonical compact and
 * kubectl's 4-space pretty form), and JSON Merge Patch (RFC 7386) and JSON
 * Patch (RFC 6902).
 *
 * Memory: cJSON allocations go through kube_malloc/kube_free. A constructor
 * in kube_json.c installs the cJSON hooks before main() in every program that
 * links this module; kube_json_init() does the same explicitly and is
 * idempotent (call it if you use cJSON without any kube_json function).
 * So free cJSON trees with cJSON_Delete() and cJSON_Print* strings with
 * kube_free() (or cJSON_free()).
 *
 * Ownership: getters return borrowed pointers into the tree (valid while the
 * tree is unchanged). Functions named *_dup, *_print*, *_canonical, *_pretty,
 * merge_patch and patch_apply return new memory the caller frees (trees with
 * cJSON_Delete, strings with kube_free). Setters take ownership of the value
 * they are given, also on failure.
 *
 * Numbers: cJSON keeps numbers as double, so integers are exact up to 2^53
 * (JSON integers beyond that are rounded by the parser). Output prints every
 * integral value below 2^63 in magnitude as a plain integer, and others as
 * Go's encoding/json would print a float64.
 *
 * Paths: upstream field-path syntax, e.g. "spec.template.spec.containers[0].image".
 * A key holding '.' or '[' is written escaped ("metadata.labels.app\.kubernetes\.io/name")
 * or bracket-quoted ("metadata.annotations['kubernetes.io/foo']"). An empty path
 * is the root. At most KUBE_JSON_PATH_MAX segments.
 *
 * Thread-safety: none beyond cJSON's (one tree, one thread at a time).
 */
#ifndef KUBE_JSON_H
#define KUBE_JSON_H

#include <cJSON.h>

#include "core/kube_buf.h"
#include "core/kube_core.h"

#define KUBE_JSON_PATH_MAX 128

/* Install the cJSON allocation hooks (idempotent; also run by a constructor). */
void kube_json_init(void);

KUBE_DEFINE_CLEANUP(cJSON, cJSON_Delete)
#define _cleanup_json_ _cleanup_(cJSON_Deletep)

/* Parse len bytes (need not be NUL-terminated). NULL on invalid JSON or
 * trailing garbage. Caller frees with cJSON_Delete. */
cJSON *kube_json_parse(const char *s, size_t len);

/* Validate a path. 0 if valid, -EINVAL otherwise. */
int kube_json_path_check(const char *path);

/* Borrowed node at path, or NULL if missing, of the wrong shape, or a bad path. */
cJSON *kube_json_get(const cJSON *obj, const char *path);
/* Borrowed string at path; NULL when missing or not a string. */
const char *kube_json_get_str(const cJSON *obj, const char *path);
/* Integral number at path (exact within ±2^53; values beyond int64 clamp) or def. */
int64_t kube_json_get_int64(const cJSON *obj, const char *path, int64_t def);
/* Boolean at path, or def when missing or not a bool. */
bool kube_json_get_bool(const cJSON *obj, const char *path, bool def);

/*
 * Set path to value, taking ownership of value (freed on failure). Missing
 * intermediate objects are created; an index equal to an array's size
 * appends (a missing array is created for index 0). Returns 0, -EINVAL for a
 * bad or empty path, -ENOTDIR when an intermediate node is not an
 * object/array, -ERANGE for an index past the end.
 */
int kube_json_set(cJSON *obj, const char *path, cJSON *value);
int kube_json_set_str(cJSON *obj, const char *path, const char *s);
int kube_json_set_int64(cJSON *obj, const char *path, int64_t v);
int kube_json_set_bool(cJSON *obj, const char *path, bool v);
/* Remove and free the node at path. 0, or -ENOENT when it is absent, -EINVAL bad path. */
int kube_json_delete(cJSON *obj, const char *path);

/* Deep copy (NULL in, NULL out). Caller frees. */
cJSON *kube_json_dup(const cJSON *obj);
/* Semantic equality: object key order ignored, numbers compared exactly. */
bool kube_json_equal(const cJSON *a, const cJSON *b);

/* Compact output as Go's encoding/json prints an unstructured map: keys
 * sorted bytewise, no spaces, <>& escaped as \u003c \u003e \u0026. */
void kube_json_canonical_buf(kube_buf_t *b, const cJSON *obj);
char *kube_json_canonical(const cJSON *obj); /* caller kube_free()s */
/* Compact output with keys in their given order (Go escaping). */
void kube_json_compact_buf(kube_buf_t *b, const cJSON *obj);
char *kube_json_compact(const cJSON *obj);
/* Pretty output as `kubectl -o json` (json.MarshalIndent with 4 spaces),
 * keys in their given order, no trailing newline. Caller kube_free()s. */
void kube_json_pretty_buf(kube_buf_t *b, const cJSON *obj);
char *kube_json_pretty(const cJSON *obj);
/* Append one number / string exactly as Go's encoding/json would. */
void kube_json_number_buf(kube_buf_t *b, double d);
void kube_json_string_buf(kube_buf_t *b, const char *s);

/* RFC 7386 JSON Merge Patch: a new tree = doc with patch applied (doc may be
 * NULL). Never fails. Caller frees. */
cJSON *kube_json_merge_patch(const cJSON *doc, const cJSON *patch);

/*
 * RFC 6902 JSON Patch: apply the operations array patch to a copy of doc.
 * On success *ret_doc is the new tree (caller frees) and 0 is returned. On
 * failure returns -EINVAL (malformed patch or failed operation, including a
 * failed "test"), and when ret_err is non-NULL sets *ret_err to a message the
 * caller kube_free()s. Limit: at most 10000 operations.
 */
int kube_json_patch_apply(const cJSON *doc, const cJSON *patch, cJSON **ret_doc, char **ret_err);

#endif
