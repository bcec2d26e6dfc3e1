/*
 * kubectl_manifest: the objects named by -f (files, directories with -R or
 * one level, "-" for stdin; YAML with several documents or JSON; v1 List
 * objects flattened), each mapped through discovery to its resource, with
 * upstream's messages for a missing path, a parse error (file and line)
 * and an unknown kind.
 *
 * Ownership: the manifest owns its objects and source names; kinds are
 * borrowed from the discovery.
 */
#ifndef KUBECTL_MANIFEST_H
#define KUBECTL_MANIFEST_H

#include "kubectl_cmd.h"

typedef struct kubectl_mobj {
	cJSON *obj;
	char *source;		/* file name as given, or "STDIN" */
	const kube_kind_t *k;
	const char *ns;		/* effective namespace (NULL: cluster-scoped); borrowed */
} kubectl_mobj_t;

typedef struct kubectl_manifest {
	kubectl_mobj_t *o;
	size_t n;
} kubectl_manifest_t;

/* Read and map. Returns 0, or 1 after printing the error (a partial
 * manifest is freed). */
int kubectl_manifest_read(kubectl_ctx_t *ctx, kube_strv_t files, bool recursive,
			  kubectl_manifest_t *ret);
/* Only parse (no discovery): for tests and `create --dry-run`. */
int kubectl_manifest_parse(const char *text, size_t len, const char *source,
			   kubectl_manifest_t *m, char **ret_err);
void kubectl_manifest_free(kubectl_manifest_t *m);

/* "pod/x" style prefix for messages: kind lowercased with group. */
void kubectl_mobj_ref(const kubectl_mobj_t *o, kube_buf_t *out);

#endif
