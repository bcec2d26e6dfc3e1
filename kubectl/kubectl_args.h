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

/* Visit every object the targets name: a GET per name, else a LIST with
 * selector (NULL for none; required unless all). fn returns 0 or 1 (its
 * error printed); the visit goes on and the worst result is returned. A
 * GET or LIST error is printed as upstream does. */
typedef int (*kubectl_visit_fn)(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg);
int kubectl_targets_visit(kubectl_ctx_t *ctx, const kubectl_targets_t *ts, const char *selector,
			  bool all, bool all_namespaces, kubectl_visit_fn fn, void *arg);
/* The same from argument words directly (resolve + visit). */
int kubectl_visit_args(kubectl_ctx_t *ctx, char **args, int nargs, const char *selector, bool all,
		       bool all_namespaces, kubectl_visit_fn fn, void *arg);
/* PATCH obj's object (name and namespace from obj) and print errors;
 * *ret_obj gets the answer when non-NULL. Returns 0 or 1. */
int kubectl_patch_obj(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *obj, const char *type,
		      const char *patch, cJSON **ret_obj);
/* "kind.group/name" of an object. */
void kubectl_obj_ref(const kube_kind_t *k, const cJSON *obj, kube_buf_t *out);

/* "pods" or "deployments.apps" as messages name a resource. */
void kubectl_qualified(const kube_kind_t *k, kube_buf_t *out);
/* The namespace a kind lives in for this run: NULL for cluster-scoped
 * kinds and for all-namespaces. */
const char *kubectl_ns_for(kubectl_ctx_t *ctx, const kube_kind_t *k, bool all_namespaces);

#endif
