/*
 * kubectl_args: the resource arguments most commands take, resolved through
 * discovery: "TYPE[,TYPE...] [NAME...]" or "TYPE/NAME ...", with categories
 * ("all") expanded, as upstream's resource.Builder reads them.
 *
 * Ownership: targets and their name arrays are owned by the caller
 * (kubectl_targets_free); kinds are borrowed from the discovery.
 */
#ifndef KUBECTL_ARGS_H
#define KUBECTL_ARGS_H

#include "kubectl_cmd.h"

typedef struct kubectl_target {
	const kube_kind_t *k;
	char **names;		/* empty: every object (list) */
	size_t nnames;
} kubectl_target_t;

typedef struct kubectl_targets {
	kubectl_target_t *t;
	size_t n;
	bool slash_form;	/* TYPE/NAME given */
	bool multi;		/* several types, a category or TYPE/NAME: print kinds */
	size_t total_names;
} kubectl_targets_t;

/* Resolve args. Prints upstream's error and returns 1 on an unknown type. */
int kubectl_targets_resolve(kubectl_ctx_t *ctx, char **args, int nargs, kubectl_targets_t *ret);
void kubectl_targets_free(kubectl_targets_t *t);

/* "pods" or "deployments.apps" as messages name a resource. */
void kubectl_qualified(const kube_kind_t *k, kube_buf_t *out);
/* The namespace a kind lives in for this run: NULL for cluster-scoped
 * kinds and for all-namespaces. */
const char *kubectl_ns_for(kubectl_ctx_t *ctx, const kube_kind_t *k, bool all_namespaces);

#endif
