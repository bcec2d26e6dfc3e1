/* kubectl_args: TYPE NAME / TYPE/NAME arguments to resolved targets. */
#include "kubectl_args.h"

#include <errno.h>
#include <string.h>

#include "api/kube_json.h"

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

int kubectl_targets_visit(kubectl_ctx_t *ctx, const kubectl_targets_t *ts, const char *selector,
			  bool all, bool all_namespaces, kubectl_visit_fn fn, void *arg)
{
	int rc = 0;

	for (size_t i = 0; i < ts->n; i++) {
		const kubectl_target_t *t = &ts->t[i];
		const char *ns = kubectl_ns_for(ctx, t->k, all_namespaces);

		if (t->nnames) {
			for (size_t j = 0; j < t->nnames; j++) {
				kube_client_status_t st = { 0 };
				cJSON *obj = NULL;
				int r = kube_client_get(ctx->client, t->k, ns, t->names[j], &obj, &st);

				if (r < 0) {
					rc = kubectl_report(ctx, r, &st, NULL);
					kube_client_status_clear(&st);
					if (!st.code && r != -ENOENT)
						return 1;
					continue;
				}
				rc |= fn(ctx, t->k, obj, arg);
				cJSON_Delete(obj);
			}
			continue;
		}
		if (!all && !(selector && *selector)) {
			fprintf(ctx->err, "error: resource(s) were provided, but no name was specified\n");
			return 1;
		}
		{
			kube_client_list_opts_t lo = { .label_selector = selector, .limit = 500 };
			kube_client_status_t st = { 0 };
			cJSON *list = NULL, *it;
			kube_buf_t api = KUBE_BUF_INIT;
			int r = kube_client_list_all(ctx->client, t->k, ns, &lo, &list, &st);

			if (r < 0) {
				rc = kubectl_report(ctx, r, &st, NULL);
				kube_client_status_clear(&st);
				return rc;
			}
			kube_kinds_api_version(t->k, &api);
			cJSON_ArrayForEach(it, kube_json_get(list, "items")) {
				if (!kube_json_get_str(it, "kind")) {
					cJSON_AddStringToObject(it, "kind", t->k->kind);
					cJSON_AddStringToObject(it, "apiVersion", kube_buf_str(&api));
				}
				rc |= fn(ctx, t->k, it, arg);
			}
			kube_buf_clear(&api);
			cJSON_Delete(list);
		}
	}
	return rc;
}

int kubectl_visit_args(kubectl_ctx_t *ctx, char **args, int nargs, const char *selector, bool all,
		       bool all_namespaces, kubectl_visit_fn fn, void *arg)
{
	kubectl_targets_t ts;
	int rc;

	if (kubectl_targets_resolve(ctx, args, nargs, &ts))
		return 1;
	if (ts.n == 0) {
		kubectl_targets_free(&ts);
		fprintf(ctx->err, "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
		return 1;
	}
	rc = kubectl_targets_visit(ctx, &ts, selector, all, all_namespaces, fn, arg);
	kubectl_targets_free(&ts);
	return rc;
}

int kubectl_patch_obj(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *obj, const char *type,
		      const char *patch, cJSON **ret_obj)
{
	kube_client_status_t st = { 0 };
	cJSON *ret = NULL;
	int r = kube_client_patch(ctx->client, k, kube_json_get_str(obj, "metadata.namespace"),
				  kube_json_get_str(obj, "metadata.name"), NULL, type, patch, NULL,
				  &ret, &st);

	if (r < 0) {
		kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return 1;
	}
	if (ret_obj)
		*ret_obj = ret;
	else
		cJSON_Delete(ret);
	return 0;
}

void kubectl_obj_ref(const kube_kind_t *k, const cJSON *obj, kube_buf_t *out)
{
	kubectl_kind_prefix(k, out);
	kube_buf_printf(out, "/%s", kube_json_get_str(obj, "metadata.name") ?: "");
}
