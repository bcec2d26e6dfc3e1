/* kubectl_config: `kubectl config` view, get-contexts, current-context,
 * use-context, set-context, set-cluster, set-credentials, delete-context.
 * Reads the merged kubeconfig; edits go to the first file of the load
 * order (--kubeconfig, the first $KUBECONFIG entry, ~/.kube/config). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"
#include "kubectl_cmd.h"
#include "kubectl_printer.h"

static struct {
	bool minify, raw, flatten, current, no_headers, embed_certs;
	char *output, *cluster, *user, *namespace_, *server, *token, *username, *password;
	char *certificate_authority, *client_certificate, *client_key, *tls_server_name;
	char *insecure;
} cfg;

static void config_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "minify", 0, &cfg.minify, "Remove all information not used by current-context from the output");
	kube_flag_bool(fs, "raw", 0, &cfg.raw, "Display raw byte data and sensitive data");
	kube_flag_bool(fs, "flatten", 0, &cfg.flatten, "Flatten the resulting kubeconfig file into self-contained output");
	kube_flag_bool(fs, "current", 0, &cfg.current, "Modify the current context");
	kube_flag_bool(fs, "no-headers", 0, &cfg.no_headers, "When using the default or custom-column output format, don't print headers.");
	kube_flag_bool(fs, "embed-certs", 0, &cfg.embed_certs, "Embed certificates in the kubeconfig");
	kube_flag_string(fs, "output", 'o', &cfg.output, "Output format. One of: (json, yaml, name).");
	/* --cluster, --user, --namespace, --server, --token, --username,
	 * --password, --certificate-authority, --client-* are global flags:
	 * read from ctx->g. */
	kube_flag_string(fs, "insecure-skip-tls-verify-value", 0, &cfg.insecure, "");
	kube_flag_hide(fs, "insecure-skip-tls-verify-value");
}

static void nulls(cJSON *d);

static char *target_file(kubectl_ctx_t *ctx)
{
	const char *env = getenv("KUBECONFIG");

	if (ctx->g.kubeconfig && *ctx->g.kubeconfig)
		return kube_strdup(ctx->g.kubeconfig);
	if (env && *env) {
		const char *c = strchr(env, ':');

		return c ? kube_strndup(env, (size_t)(c - env)) : kube_strdup(env);
	}
	return kube_asprintf("%s/.kube/config", getenv("HOME") ?: "");
}

static void ensure_shape(cJSON *d)
{
	static const char *const arrays[] = { "clusters", "contexts", "users" };

	if (!cJSON_GetObjectItem(d, "apiVersion"))
		cJSON_AddStringToObject(d, "apiVersion", "v1");
	if (!cJSON_GetObjectItem(d, "kind"))
		cJSON_AddStringToObject(d, "kind", "Config");
	if (!cJSON_GetObjectItem(d, "preferences"))
		cJSON_AddItemToObject(d, "preferences", cJSON_CreateObject());
	if (!cJSON_GetObjectItem(d, "current-context"))
		cJSON_AddStringToObject(d, "current-context", "");
	for (size_t i = 0; i < 3; i++)
		if (!cJSON_IsArray(cJSON_GetObjectItem(d, arrays[i]))) {
			cJSON_DeleteItemFromObject(d, arrays[i]);
			cJSON_AddItemToObject(d, arrays[i], cJSON_CreateArray());
		}
}

static cJSON *read_target(const char *path)
{
	FILE *f = fopen(path, "r");
	kube_buf_t b = KUBE_BUF_INIT;
	char chunk[8192], *err = NULL;
	size_t n;
	cJSON *d = NULL;

	if (f) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			kube_buf_append(&b, chunk, n);
		fclose(f);
		d = kube_yaml_parse(b.data ? b.data : "", b.len, &err);
		kube_free(err);
	}
	kube_buf_clear(&b);
	if (!cJSON_IsObject(d)) {
		cJSON_Delete(d);
		d = cJSON_CreateObject();
	}
	ensure_shape(d);
	return d;
}

static int write_target(kubectl_ctx_t *ctx, const char *path, cJSON *d)
{
	kube_buf_t b = KUBE_BUF_INIT;
	char *tmp = kube_asprintf("%s.tmp", path);
	FILE *f;
	int rc = 0;

	{
		cJSON *w = kube_json_dup(d);

		nulls(w);
		kube_yaml_from_json(&b, w);
		cJSON_Delete(w);
	}
	f = fopen(tmp, "w");
	if (!f || fputs(kube_buf_str(&b), f) < 0) {
		rc = kubectl_errorf(ctx, "open %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
	} else if (fclose(f) != 0 || rename(tmp, path) != 0) {
		rc = kubectl_errorf(ctx, "write %s: %s", path, strerror(errno));
	}
	kube_free(tmp);
	kube_buf_clear(&b);
	return rc;
}

static cJSON *find_named(cJSON *arr, const char *name)
{
	cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (kube_streq(kube_json_get_str(it, "name"), name))
			return it;
	return NULL;
}

/* The entry <list>[name=name].<inner>, created when absent. */
static cJSON *entry(cJSON *d, const char *list, const char *inner, const char *name, bool *created)
{
	cJSON *arr = cJSON_GetObjectItem(d, list), *e = find_named(arr, name);

	*created = !e;
	if (!e) {
		e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, inner, cJSON_CreateObject());
		cJSON_AddStringToObject(e, "name", name);
		cJSON_AddItemToArray(arr, e);
	}
	if (!cJSON_IsObject(cJSON_GetObjectItem(e, inner))) {
		cJSON_DeleteItemFromObject(e, inner);
		cJSON_AddItemToObject(e, inner, cJSON_CreateObject());
	}
	return cJSON_GetObjectItem(e, inner);
}

static void set_str(cJSON *o, const char *key, const char *v)
{
	if (!v)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	if (*v || strcmp(key, "cluster") == 0 || strcmp(key, "user") == 0)
		cJSON_AddStringToObject(o, key, v);
}

/* Empty lists print as null, as Go's nil slices do. */
static void nulls(cJSON *d)
{
	static const char *const arrays[] = { "clusters", "contexts", "users" };

	for (size_t i = 0; i < 3; i++) {
		cJSON *a = cJSON_GetObjectItem(d, arrays[i]);

		if (cJSON_IsArray(a) && !a->child)
			cJSON_ReplaceItemInObject(d, arrays[i], cJSON_CreateNull());
	}
}

/* Move the keys of o into Go struct order (names listed first, in order). */
static void order(cJSON *o, const char *const *keys)
{
	cJSON *head = NULL, **tail = &head, *c;

	if (!cJSON_IsObject(o))
		return;
	for (size_t i = 0; keys[i]; i++) {
		c = cJSON_DetachItemFromObjectCaseSensitive(o, keys[i]);
		if (c) {
			*tail = c;
			c->next = NULL;
			tail = &c->next;
		}
	}
	while ((c = o->child)) {
		cJSON_DetachItemViaPointer(o, c);
		*tail = c;
		c->next = NULL;
		tail = &c->next;
	}
	for (c = head; c; c = head) {
		head = c->next;
		c->next = c->prev = NULL;
		cJSON_AddItemToObject(o, c->string, c);
	}
}

static void struct_order(cJSON *d)
{
	static const char *const top[] = { "kind", "apiVersion", "preferences", "clusters", "users", "contexts", "current-context", NULL };
	static const char *const named[] = { "name", "cluster", "user", "context", NULL };
	static const char *const cluster[] = { "server", "tls-server-name", "insecure-skip-tls-verify", "certificate-authority", "certificate-authority-data", "proxy-url", "disable-compression", NULL };
	static const char *const user[] = { "client-certificate", "client-certificate-data", "client-key", "client-key-data", "token", "tokenFile", "as", "as-uid", "as-groups", "username", "password", "exec", NULL };
	static const char *const context[] = { "cluster", "user", "namespace", NULL };
	static const char *const lists[] = { "clusters", "users", "contexts" };
	cJSON *it;

	order(d, top);
	for (size_t i = 0; i < 3; i++)
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, lists[i])) {
			order(it, named);
			order(cJSON_GetObjectItem(it, "cluster"), cluster);
			order(cJSON_GetObjectItem(it, "user"), user);
			order(cJSON_GetObjectItem(it, "context"), context);
		}
}

static void redact(cJSON *d)
{
	cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "clusters")) {
		cJSON *c = cJSON_GetObjectItem(it, "cluster");

		if (cJSON_GetObjectItem(c, "certificate-authority-data"))
			cJSON_ReplaceItemInObject(c, "certificate-authority-data", cJSON_CreateString("DATA+OMITTED"));
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "users")) {
		cJSON *u = cJSON_GetObjectItem(it, "user");

		if (cJSON_GetObjectItem(u, "client-certificate-data"))
			cJSON_ReplaceItemInObject(u, "client-certificate-data", cJSON_CreateString("DATA+OMITTED"));
		if (cJSON_GetObjectItem(u, "client-key-data"))
			cJSON_ReplaceItemInObject(u, "client-key-data", cJSON_CreateString("DATA+OMITTED"));
		if (cJSON_GetObjectItem(u, "token"))
			cJSON_ReplaceItemInObject(u, "token", cJSON_CreateString("REDACTED"));
		if (cJSON_GetObjectItem(u, "password"))
			cJSON_ReplaceItemInObject(u, "password", cJSON_CreateString("REDACTED"));
	}
}

static void keep_only(cJSON *arr, const char *name)
{
	cJSON *it, *next;

	for (it = arr ? arr->child : NULL; it; it = next) {
		next = it->next;
		if (!kube_streq(kube_json_get_str(it, "name"), name))
			cJSON_Delete(cJSON_DetachItemViaPointer(arr, it));
	}
}

static int load_merged(kubectl_ctx_t *ctx)
{
	char *err = NULL;
	int r;

	if (ctx->kc_loaded)
		return 0;
	r = kube_kubeconfig_load(ctx->g.kubeconfig && *ctx->g.kubeconfig ? ctx->g.kubeconfig : NULL, &ctx->kc, &err);
	if (r < 0) {
		if (r == -ENOENT)
			fprintf(ctx->err, "error: stat %s: no such file or directory\n", ctx->g.kubeconfig);
		else
			fprintf(ctx->err, "error: %s\n", err ? err : strerror(-r));
		kube_free(err);
		return 1;
	}
	ctx->kc_loaded = true;
	return 0;
}

static int config_view(kubectl_ctx_t *ctx)
{
	cJSON *d;
	char *cur;
	int rc = 0;

	if (load_merged(ctx))
		return 1;
	d = kube_json_dup(ctx->kc.doc);
	ensure_shape(d);
	cur = kube_strdup(ctx->g.context && *ctx->g.context ? ctx->g.context
							     : kube_json_get_str(d, "current-context") ?: "");
	if (cfg.minify) {
		cJSON *c = find_named(cJSON_GetObjectItem(d, "contexts"), cur ? cur : "");
		char *cl = kube_strdup(kube_json_get_str(c, "context.cluster") ?: "");
		char *us = kube_strdup(kube_json_get_str(c, "context.user") ?: "");

		if (!*cur || !c) {
			kube_free(cl);
			kube_free(us);
			kube_free(cur);
			cJSON_Delete(d);
			return kubectl_errorf(ctx, "current-context must exist in order to minify");
		}
		cJSON_ReplaceItemInObject(d, "current-context", cJSON_CreateString(cur));
		keep_only(cJSON_GetObjectItem(d, "contexts"), cur);
		keep_only(cJSON_GetObjectItem(d, "clusters"), cl);
		keep_only(cJSON_GetObjectItem(d, "users"), us);
		kube_free(cl);
		kube_free(us);
	}
	if (!cfg.raw)
		redact(d);
	nulls(d);
	if (kube_streq(cfg.output, "json")) {
		char *s;

		struct_order(d);
		s = kube_json_pretty(d);
		fprintf(ctx->out, "%s\n", s);
		kube_free(s);
	} else {
		kubectl_print_yaml(ctx->out, d);
	}
	cJSON_Delete(d);
	kube_free(cur);
	return rc;
}

static int cmp_ctx(const void *a, const void *b)
{
	return strcmp(kube_json_get_str(*(cJSON *const *)a, "name") ?: "",
		      kube_json_get_str(*(cJSON *const *)b, "name") ?: "");
}

static int config_get_contexts(kubectl_ctx_t *ctx)
{
	cJSON *arr, *it, **v = NULL;
	const char *cur;
	size_t n = 0;
	kubectl_tab_t t = { 0 };
	kube_buf_t out = KUBE_BUF_INIT;
	int rc = 0;

	if (load_merged(ctx))
		return 1;
	arr = cJSON_GetObjectItem(ctx->kc.doc, "contexts");
	cur = kube_json_get_str(ctx->kc.doc, "current-context") ?: "";
	cJSON_ArrayForEach(it, arr) {
		bool want = ctx->nargs <= 1;

		for (int i = 1; i < ctx->nargs; i++)
			if (kube_streq(kube_json_get_str(it, "name"), ctx->args[i]))
				want = true;
		if (!want)
			continue;
		v = kube_realloc(v, (n + 1) * sizeof(*v));
		v[n++] = it;
	}
	for (int i = 1; i < ctx->nargs; i++)
		if (!find_named(arr, ctx->args[i])) {
			fprintf(ctx->err, "error: context %s not found\n", ctx->args[i]);
			rc = 1;
		}
	if (n)
		qsort(v, n, sizeof(*v), cmp_ctx);
	if (kube_streq(cfg.output, "name")) {
		for (size_t i = 0; i < n; i++)
			fprintf(ctx->out, "%s\n", kube_json_get_str(v[i], "name") ?: "");
	} else {
		if (!cfg.no_headers) {
			const char *h[] = { "CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE" };

			kubectl_tab_row(&t, h, 5);
		}
		for (size_t i = 0; i < n; i++) {
			const char *name = kube_json_get_str(v[i], "name") ?: "";
			const char *row[5] = {
				strcmp(name, cur) == 0 ? "*" : "", name,
				kube_json_get_str(v[i], "context.cluster") ?: "",
				kube_json_get_str(v[i], "context.user") ?: "",
				kube_json_get_str(v[i], "context.namespace") ?: "",
			};

			kubectl_tab_row(&t, row, 5);
		}
		kubectl_tab_flush(&t, &out);
		fputs(kube_buf_str(&out), ctx->out);
	}
	kube_buf_clear(&out);
	kubectl_tab_clear(&t);
	kube_free(v);
	return rc;
}

static int config_edit(kubectl_ctx_t *ctx, const char *sub)
{
	char *path = target_file(ctx);
	cJSON *d = read_target(path);
	const char *name = ctx->nargs > 1 ? ctx->args[1] : NULL;
	bool created = false;
	int rc = 0;

	if (strcmp(sub, "use-context") == 0) {
		if (!name) {
			rc = kubectl_usage_error(ctx, "Unexpected args: []");
		} else if (load_merged(ctx) == 0 && !find_named(cJSON_GetObjectItem(ctx->kc.doc, "contexts"), name)) {
			rc = kubectl_errorf(ctx, "no context exists with the name: \"%s\"", name);
		} else {
			cJSON_ReplaceItemInObject(d, "current-context", cJSON_CreateString(name));
			rc = write_target(ctx, path, d);
			if (!rc)
				fprintf(ctx->out, "Switched to context \"%s\".\n", name);
		}
	} else if (strcmp(sub, "set-context") == 0) {
		cJSON *c;

		if (cfg.current) {
			name = kube_json_get_str(d, "current-context");
			if (!name || !*name) {
				rc = kubectl_errorf(ctx, "no current context is set");
				goto out;
			}
		}
		if (!name) {
			rc = kubectl_usage_error(ctx, "you must specify a non-empty context name or --current");
			goto out;
		}
		{
			char *nm = kube_strdup(name);

			c = entry(d, "contexts", "context", nm, &created);
			set_str(c, "cluster", ctx->g.cluster);
			set_str(c, "user", ctx->g.user);
			/* upstream's Context always carries cluster and user */
			if (!cJSON_GetObjectItem(c, "cluster"))
				cJSON_AddStringToObject(c, "cluster", "");
			if (!cJSON_GetObjectItem(c, "user"))
				cJSON_AddStringToObject(c, "user", "");
			set_str(c, "namespace", ctx->g.namespace_);
			rc = write_target(ctx, path, d);
			if (!rc)
				fprintf(ctx->out, "Context \"%s\" %s.\n", nm, created ? "created" : "modified");
			kube_free(nm);
		}
	} else if (strcmp(sub, "set-cluster") == 0) {
		cJSON *c;

		if (!name) {
			rc = kubectl_usage_error(ctx, "Unexpected args: []");
			goto out;
		}
		c = entry(d, "clusters", "cluster", name, &created);
		set_str(c, "server", ctx->g.server);
		set_str(c, "certificate-authority", ctx->g.certificate_authority);
		set_str(c, "tls-server-name", ctx->g.tls_server_name);
		if (kube_flag_changed(ctx->fs, "insecure-skip-tls-verify")) {
			cJSON_DeleteItemFromObject(c, "insecure-skip-tls-verify");
			if (ctx->g.insecure_skip_tls_verify)
				cJSON_AddBoolToObject(c, "insecure-skip-tls-verify", true);
		}
		rc = write_target(ctx, path, d);
		if (!rc)
			fprintf(ctx->out, "Cluster \"%s\" set.\n", name);
	} else if (strcmp(sub, "set-credentials") == 0) {
		cJSON *u;

		if (!name) {
			rc = kubectl_usage_error(ctx, "Unexpected args: []");
			goto out;
		}
		u = entry(d, "users", "user", name, &created);
		set_str(u, "token", ctx->g.token);
		set_str(u, "username", ctx->g.username);
		set_str(u, "password", ctx->g.password);
		set_str(u, "client-certificate", ctx->g.client_certificate);
		set_str(u, "client-key", ctx->g.client_key);
		rc = write_target(ctx, path, d);
		if (!rc)
			fprintf(ctx->out, "User \"%s\" set.\n", name);
	} else if (strcmp(sub, "delete-context") == 0) {
		cJSON *arr = cJSON_GetObjectItem(d, "contexts"), *c = name ? find_named(arr, name) : NULL;

		if (!c) {
			rc = kubectl_errorf(ctx, "cannot delete context %s, not in %s", name ? name : "", path);
			goto out;
		}
		if (kube_streq(kube_json_get_str(d, "current-context"), name))
			fprintf(ctx->err, "warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n");
		cJSON_Delete(cJSON_DetachItemViaPointer(arr, c));
		rc = write_target(ctx, path, d);
		if (!rc)
			fprintf(ctx->out, "deleted context %s from %s\n", name, path);
	}
out:
	cJSON_Delete(d);
	kube_free(path);
	return rc;
}

static int config_run(kubectl_ctx_t *ctx)
{
	const char *sub = ctx->nargs ? ctx->args[0] : "";

	if (strcmp(sub, "view") == 0)
		return config_view(ctx);
	if (strcmp(sub, "get-contexts") == 0)
		return config_get_contexts(ctx);
	if (strcmp(sub, "current-context") == 0) {
		const char *cur;

		if (load_merged(ctx))
			return 1;
		cur = kube_json_get_str(ctx->kc.doc, "current-context");
		if (!cur || !*cur)
			return kubectl_errorf(ctx, "current-context is not set");
		fprintf(ctx->out, "%s\n", cur);
		return 0;
	}
	if (!strcmp(sub, "use-context") || !strcmp(sub, "use") || !strcmp(sub, "set-context") ||
	    !strcmp(sub, "set-cluster") || !strcmp(sub, "set-credentials") || !strcmp(sub, "delete-context"))
		return config_edit(ctx, strcmp(sub, "use") == 0 ? "use-context" : sub);
	if (!*sub) {
		fprintf(ctx->out, "Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".\n");
		return 0;
	}
	return kubectl_errorf(ctx, "unknown command \"%s\" for \"kubectl config\"", sub);
}

const kubectl_command_t kubectl_cmd_config = {
	"config", "Modify kubeconfig files", config_setup, config_run,
};
