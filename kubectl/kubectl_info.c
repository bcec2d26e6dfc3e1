/* kubectl_info: version, api-versions, api-resources, cluster-info. */
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_cmd.h"
#include "kubectl_discovery.h"
#include "kubectl_printer.h"

#define KUBECTL_PLATFORM "linux/amd64"
#define KUSTOMIZE_VERSION "v5.5.0"

/* ---- version ------------------------------------------------------------ */

static struct {
	bool client;
	char *output;
} ver;

static void version_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_bool(fs, "client", 0, &ver.client, "If true, shows client version only (no server required).");
	kube_flag_string(fs, "output", 'o', &ver.output, "One of 'yaml' or 'json'.");
}

static cJSON *client_version(void)
{
	cJSON *v = cJSON_CreateObject();

	cJSON_AddStringToObject(v, "major", KUBE_VERSION_MAJOR);
	cJSON_AddStringToObject(v, "minor", KUBE_VERSION_MINOR);
	cJSON_AddStringToObject(v, "gitVersion", KUBE_GIT_VERSION);
	cJSON_AddStringToObject(v, "gitCommit", KUBE_GIT_COMMIT);
	cJSON_AddStringToObject(v, "gitTreeState", "clean");
	cJSON_AddStringToObject(v, "buildDate", "1970-01-01T00:00:00Z");
	cJSON_AddStringToObject(v, "goVersion", "c");
	cJSON_AddStringToObject(v, "compiler", "gcc");
	cJSON_AddStringToObject(v, "platform", KUBECTL_PLATFORM);
	return v;
}

static int version_run(kubectl_ctx_t *ctx)
{
	const char *o = ver.output ? ver.output : "";
	cJSON *doc = cJSON_CreateObject(), *server = NULL;
	int rc = 0;

	if (*o && strcmp(o, "json") != 0 && strcmp(o, "yaml") != 0) {
		cJSON_Delete(doc);
		return kubectl_errorf(ctx, "--output must be 'yaml' or 'json'");
	}
	cJSON_AddItemToObject(doc, "clientVersion", client_version());
	cJSON_AddStringToObject(doc, "kustomizeVersion", KUSTOMIZE_VERSION);
	if (!ver.client) {
		if (kubectl_get_json(ctx, "/version?timeout=32s", NULL, &server) == 0)
			cJSON_AddItemToObject(doc, "serverVersion", server);
		else
			rc = 1;
	}
	if (strcmp(o, "json") == 0) {
		char *s = cJSON_Print(doc);
		/* kubectl indents version JSON with two spaces */
		kube_buf_t b = KUBE_BUF_INIT;

		for (const char *p = s; *p; p++) {
			if (*p == '\t')
				kube_buf_puts(&b, "  ");
			else if (*p == ':' && p[1] == '\t') {
				kube_buf_puts(&b, ": ");
				p++;
			} else
				kube_buf_putc(&b, *p);
		}
		fprintf(ctx->out, "%s\n", kube_buf_str(&b));
		kube_buf_clear(&b);
		kube_free(s);
	} else if (strcmp(o, "yaml") == 0) {
		kubectl_print_yaml(ctx->out, doc);
	} else {
		fprintf(ctx->out, "Client Version: %s\nKustomize Version: %s\n", KUBE_GIT_VERSION,
			KUSTOMIZE_VERSION);
		if (server)
			fprintf(ctx->out, "Server Version: %s\n",
				kube_json_get_str(server, "gitVersion") ?: "");
	}
	cJSON_Delete(doc);
	return rc;
}

const kubectl_command_t kubectl_cmd_version = {
	"version", "Print the client and server version information", version_setup, version_run,
};

/* ---- api-versions ------------------------------------------------------- */

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int api_versions_run(kubectl_ctx_t *ctx)
{
	kubectl_discovery_t *d = kubectl_ctx_discovery(ctx);
	const cJSON *g, *v;
	const char **gvs = NULL;
	size_t n = 0;

	if (!d)
		return 1;
	cJSON_ArrayForEach(g, kube_json_get(d->groups, "groups"))
		cJSON_ArrayForEach(v, kube_json_get(g, "versions")) {
			gvs = kube_realloc(gvs, (n + 1) * sizeof(*gvs));
			gvs[n++] = kube_json_get_str(v, "groupVersion") ?: "";
		}
	if (n)
		qsort(gvs, n, sizeof(*gvs), cmp_strp);
	for (size_t i = 0; i < n; i++)
		fprintf(ctx->out, "%s\n", gvs[i]);
	kube_free(gvs);
	return 0;
}

const kubectl_command_t kubectl_cmd_api_versions = {
	"api-versions", "Print the supported API versions on the server, in the form of \"group/version\"",
	NULL, api_versions_run,
};

/* ---- api-resources ------------------------------------------------------ */

static struct {
	char *output, *api_group, *verbs_s;
	bool no_headers, namespaced, cached;
	kube_strv_t verbs;
} ar = { .namespaced = true };

static void api_resources_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "output", 'o', &ar.output, "Output format. One of: (wide, name).");
	kube_flag_string(fs, "api-group", 0, &ar.api_group, "Limit to resources in the specified API group.");
	kube_flag_bool(fs, "no-headers", 0, &ar.no_headers, "When using the default or custom-column output format, don't print headers (default print headers).");
	kube_flag_bool(fs, "namespaced", 0, &ar.namespaced, "If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.");
	kube_flag_bool(fs, "cached", 0, &ar.cached, "Use the cached list of resources if available.");
	kube_flag_list(fs, "verbs", &ar.verbs, "Limit to resources that support the specified verbs.");
	kube_flag_ignored(fs, "sort-by", false, "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.");
	kube_flag_ignored(fs, "categories", false, "Limit to resources that belong to the specified categories.");
}

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && strncmp(p, w, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static int api_resources_run(kubectl_ctx_t *ctx)
{
	kubectl_discovery_t *d = kubectl_ctx_discovery(ctx);
	kubectl_tab_t t = { 0 };
	kube_buf_t out = KUBE_BUF_INIT, b = KUBE_BUF_INIT;
	bool wide = kube_streq(ar.output, "wide"), name = kube_streq(ar.output, "name");
	bool ns_filter = kube_flag_changed(ctx->fs, "namespaced");

	if (!d)
		return 1;
	if (!name && !ar.no_headers) {
		const char *h[] = { "NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES" };

		kubectl_tab_row(&t, h, wide ? 7 : 5);
	}
	for (size_t i = 0; i < d->nres; i++) {
		const kubectl_resource_t *x = &d->res[i];
		const kube_kind_t *k = &x->k;
		char *cells[7];
		bool ok = true;

		if (!x->preferred)
			continue;
		if (ar.api_group && strcmp(ar.api_group, k->group) != 0)
			continue;
		if (ns_filter && k->namespaced != ar.namespaced)
			continue;
		for (size_t v = 0; ar.verbs && ar.verbs[v]; v++)
			if (!has_word(k->verbs, ar.verbs[v]))
				ok = false;
		if (!ok)
			continue;
		if (name) {
			kube_buf_printf(&out, "%s%s%s\n", k->resource, *k->group ? "." : "", k->group);
			continue;
		}
		cells[0] = kube_strdup(k->resource);
		for (const char *p = k->short_names; *p; p++)
			kube_buf_putc(&b, *p == ' ' ? ',' : *p);
		cells[1] = kube_buf_steal(&b);
		cells[2] = *k->group ? kube_asprintf("%s/%s", k->group, k->version) : kube_strdup(k->version);
		cells[3] = kube_strdup(k->namespaced ? "true" : "false");
		cells[4] = kube_strdup(k->kind);
		for (const char *p = k->verbs; *p; p++)
			kube_buf_putc(&b, *p == ' ' ? ',' : *p);
		cells[5] = kube_buf_steal(&b);
		for (const char *p = k->categories; *p; p++)
			kube_buf_putc(&b, *p == ' ' ? ',' : *p);
		cells[6] = kube_buf_steal(&b);
		kubectl_tab_row(&t, (const char *const *)cells, wide ? 7 : 5);
		for (int j = 0; j < 7; j++)
			kube_free(cells[j]);
	}
	kubectl_tab_flush(&t, &out);
	fputs(kube_buf_str(&out), ctx->out);
	kube_buf_clear(&out);
	kube_buf_clear(&b);
	kubectl_tab_clear(&t);
	return 0;
}

const kubectl_command_t kubectl_cmd_api_resources = {
	"api-resources", "Print the supported API resources on the server", api_resources_setup,
	api_resources_run,
};

/* ---- cluster-info ------------------------------------------------------- */

static int cluster_info_run(kubectl_ctx_t *ctx)
{
	kube_client_t *c = kubectl_ctx_client(ctx);
	cJSON *v = NULL;

	if (!c)
		return 1;
	if (ctx->nargs > 0 && strcmp(ctx->args[0], "dump") == 0)
		return kubectl_errorf(ctx, "cluster-info dump is not supported");
	/* upstream lists kube-system services labelled kubernetes.io/cluster-service */
	if (kubectl_get_json(ctx, "/api/v1/namespaces/kube-system/services?labelSelector=kubernetes.io%2Fcluster-service%3Dtrue", NULL, &v))
		return 1;
	cJSON_Delete(v);
	fprintf(ctx->out, "Kubernetes control plane is running at %s\n",
		kube_client_server(c));
	fprintf(ctx->out, "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
	return 0;
}

const kubectl_command_t kubectl_cmd_cluster_info = {
	"cluster-info", "Display cluster information", NULL, cluster_info_run,
};
