/* kubectl_args: TYPE NAME / TYPE/NAME arguments to resolved targets. */
#include "kubectl_args.h"

#include <string.h>

#include "kubectl_discovery.h"

#define MAX_CATEGORY 64

static kubectl_target_t *add_target(kubectl_targets_t *ts, const kube_kind_t *k)
{
	kubectl_target_t *t;

	ts->t = kube_realloc(ts->t, (ts->n + 1) * sizeof(*ts->t));
	t = &ts->t[ts->n++];
	memset(t, 0, sizeof(*t));
	t->k = k;
	return t;
}

static void add_name(kubectl_targets_t *ts, kubectl_target_t *t, const char *name)
{
	t->names = kube_realloc(t->names, (t->nnames + 1) * sizeof(char *));
	t->names[t->nnames++] = kube_strdup(name);
	ts->total_names++;
}

static const kube_kind_t *resolve(kubectl_ctx_t *ctx, const char *name)
{
	kubectl_discovery_t *d = ctx->disc;
	const kube_kind_t *k = kubectl_discovery_resolve(d, name);

	if (!k && d->from_cache && kubectl_discovery_refresh(d, ctx->client, NULL) == 0)
		k = kubectl_discovery_resolve(d, name);
	return k;
}

static int unknown(kubectl_ctx_t *ctx, const char *name)
{
	return kubectl_errorf(ctx, "the server doesn't have a resource type \"%s\"", name);
}

int kubectl_targets_resolve(kubectl_ctx_t *ctx, char **args, int nargs, kubectl_targets_t *ret)
{
	kubectl_targets_t ts = { 0 };

	memset(ret, 0, sizeof(*ret));
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	for (int i = 0; i < nargs; i++)
		if (strchr(args[i], '/'))
			ts.slash_form = true;
	if (ts.slash_form) {
		for (int i = 0; i < nargs; i++) {
			char *slash = strchr(args[i], '/'), *type;
			const kube_kind_t *k;
			kubectl_target_t *t = NULL;

			if (!slash) {
				kubectl_targets_free(&ts);
				return kubectl_errorf(ctx, "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
			}
			type = kube_strndup(args[i], (size_t)(slash - args[i]));
			k = resolve(ctx, type);
			if (!k) {
				unknown(ctx, type);
				kube_free(type);
				kubectl_targets_free(&ts);
				return 1;
			}
			kube_free(type);
			if (ts.n && ts.t[ts.n - 1].k == k)
				t = &ts.t[ts.n - 1];
			if (!t)
				t = add_target(&ts, k);
			add_name(&ts, t, slash + 1);
		}
		ts.multi = true;
		*ret = ts;
		return 0;
	}
	if (nargs == 0) {
		*ret = ts;
		return 0;
	}
	{
		char *types = kube_strdup(args[0]), *save = NULL;
		int ntypes = 0;

		for (char *tok = strtok_r(types, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const kube_kind_t *cat[MAX_CATEGORY];
			size_t nc = 0;
			const kube_kind_t *k = resolve(ctx, tok);

			ntypes++;
			if (!k)
				nc = kubectl_discovery_category(ctx->disc, tok, cat, MAX_CATEGORY);
			if (!k && !nc) {
				unknown(ctx, tok);
				kube_free(types);
				kubectl_targets_free(&ts);
				return 1;
			}
			if (k) {
				add_target(&ts, k);
			} else {
				for (size_t c = 0; c < nc; c++)
					add_target(&ts, cat[c]);
				ts.multi = true;
			}
		}
		kube_free(types);
		if (ntypes > 1)
			ts.multi = true;
		for (size_t j = 0; j < ts.n; j++)
			for (int i = 1; i < nargs; i++)
				add_name(&ts, &ts.t[j], args[i]);
		if (ts.n)
			ts.total_names /= ts.n;
	}
	*ret = ts;
	return 0;
}

void kubectl_targets_free(kubectl_targets_t *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		for (size_t j = 0; j < ts->t[i].nnames; j++)
			kube_free(ts->t[i].names[j]);
		kube_free(ts->t[i].names);
	}
	kube_free(ts->t);
	memset(ts, 0, sizeof(*ts));
}

void kubectl_qualified(const kube_kind_t *k, kube_buf_t *out)
{
	kube_buf_puts(out, k->resource);
	if (*k->group)
		kube_buf_printf(out, ".%s", k->group);
}

const char *kubectl_ns_for(kubectl_ctx_t *ctx, const kube_kind_t *k, bool all_namespaces)
{
	if (!k->namespaced || all_namespaces)
		return NULL;
	return ctx->ns;
}
