/* kubectl_get: `kubectl get`, printing the server's Tables as upstream. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"
#include "kubectl_jsonpath.h"
#include "kubectl_printer.h"

#define TABLE_ACCEPT "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

static struct {
	char *output, *selector, *field_selector, *raw, *sort_by;
	bool all_namespaces, show_labels, no_headers, watch, watch_only, ignore_not_found;
	kube_strv_t label_columns;
	int64_t chunk_size;
} gopt = { .chunk_size = 500 };

static void get_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "output", 'o', &gopt.output, "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide).");
	kube_flag_string(fs, "selector", 'l', &gopt.selector, "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.");
	kube_flag_string(fs, "field-selector", 0, &gopt.field_selector, "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.");
	kube_flag_string(fs, "raw", 0, &gopt.raw, "Raw URI to request from the server.  Uses the transport specified by the kubeconfig file.");
	kube_flag_string(fs, "sort-by", 0, &gopt.sort_by, "If non-empty, sort list types using this field specification.");
	kube_flag_bool(fs, "all-namespaces", 'A', &gopt.all_namespaces, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.");
	kube_flag_bool(fs, "show-labels", 0, &gopt.show_labels, "When printing, show all labels as the last column (default hide labels column)");
	kube_flag_bool(fs, "no-headers", 0, &gopt.no_headers, "When using the default or custom-column output format, don't print headers (default print headers).");
	kube_flag_bool(fs, "watch", 'w', &gopt.watch, "After listing/getting the requested object, watch for changes.");
	kube_flag_bool(fs, "watch-only", 0, &gopt.watch_only, "Watch for changes to the requested object(s), without listing/getting first.");
	kube_flag_bool(fs, "ignore-not-found", 0, &gopt.ignore_not_found, "If set to true, suppresses NotFound error for specific objects that do not exist.");
	kube_flag_list(fs, "label-columns", &gopt.label_columns, "Accepts a comma separated list of labels that are going to be presented as columns.");
	kube_flag_set_shorthand(fs, "label-columns", 'L');
	kube_flag_int64(fs, "chunk-size", &gopt.chunk_size, "Return large lists in chunks rather than all at once. Pass 0 to disable.");
	kube_flag_ignored(fs, "output-watch-events", true, "Output watch event objects when --watch or --watch-only is used.");
	kube_flag_ignored(fs, "server-print", true, "If true, have the server return the appropriate table output.");
	kube_flag_ignored(fs, "show-kind", true, "If present, list the resource type for the requested object(s).");
	kube_flag_ignored(fs, "show-managed-fields", true, "If true, keep the managedFields when printing objects in JSON or YAML format.");
	kube_flag_ignored(fs, "allow-missing-template-keys", true, "If true, ignore any errors in templates when a field or map key is missing in the template.");
	kube_flag_ignored(fs, "template", false, "Template string or path to template file to use.");
	kube_flag_ignored(fs, "subresource", false, "If specified, gets the subresource of the requested object.");
}

static bool sort_table;

/* Query string for a list. */
static char *list_query(int64_t limit, const char *cont)
{
	kube_buf_t b = KUBE_BUF_INIT;
	char *e;

	if (gopt.selector && *gopt.selector) {
		e = kube_client_query_escape(gopt.selector);
		kube_buf_printf(&b, "labelSelector=%s&", e);
		kube_free(e);
	}
	if (gopt.field_selector && *gopt.field_selector) {
		e = kube_client_query_escape(gopt.field_selector);
		kube_buf_printf(&b, "fieldSelector=%s&", e);
		kube_free(e);
	}
	if (gopt.sort_by && *gopt.sort_by && sort_table)
		kube_buf_puts(&b, "includeObject=Object&");
	if (limit > 0)
		kube_buf_printf(&b, "limit=%lld&", (long long)limit);
	if (cont && *cont) {
		e = kube_client_query_escape(cont);
		kube_buf_printf(&b, "continue=%s&", e);
		kube_free(e);
	}
	if (b.len)
		b.data[--b.len] = 0;
	return kube_buf_steal(&b);
}

/* One GET; 0, or the errno with st filled. */
static int do_get(kubectl_ctx_t *ctx, const char *path, const char *accept, cJSON **ret,
		  kube_client_status_t *st)
{
	kube_client_raw_t req = { .method = "GET", .path = path, .accept = accept };
	char *body = NULL;
	size_t len = 0;
	int code = 0, r;

	r = kube_client_raw(ctx->client, &req, &code, &body, &len);
	if (r < 0)
		return r;
	if (code / 100 != 2) {
		cJSON *j = kube_json_parse(body, len);

		st->code = code;
		st->reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st->message = kube_strdup(kube_json_get_str(j, "message") ?: "the server could not find the requested resource");
		cJSON_Delete(j);
		kube_free(body);
		return kube_client_errno(code, st->reason);
	}
	*ret = kube_json_parse(body, len);
	kube_free(body);
	return *ret ? 0 : -EPROTO;
}

/* Table rows can go straight into a tab page by page (no --sort-by), so
 * a long list is never held as JSON whole. */
typedef struct table_sink {
	kubectl_tab_t *tab;
	const kubectl_table_opts_t *to;
	size_t rows;
	bool header;
} table_sink_t;

static table_sink_t *sink;

/* -o json of a whole list streams item by item as kubectl prints it. */
typedef struct json_stream {
	FILE *f;
	size_t n;
} json_stream_t;

static json_stream_t *jstream;

static void jstream_item(cJSON *it)
{
	char *s;

	kubectl_json_sort(it);
	s = kube_json_pretty(it);
	fputs(jstream->n++ ? ",\n        " : "\n        ", jstream->f);
	for (const char *p = s; *p; p++) {
		fputc(*p, jstream->f);
		if (*p == '\n')
			fputs("        ", jstream->f);
	}
	kube_free(s);
}

static void sink_page(cJSON *page)
{
	int n = cJSON_GetArraySize(cJSON_GetObjectItem(page, "rows"));

	if (n <= 0)
		return;
	sink->rows += kubectl_table_rows(sink->tab, page, sink->to, !sink->header);
	sink->header = true;
}

/* Fetch every object of a target: plain objects (items) or Table rows
 * appended to *acc (a Table or a List), or to the sink. Returns 0 or 1
 * after reporting. */
static int fetch_target(kubectl_ctx_t *ctx, const kubectl_target_t *t, bool table, cJSON *acc,
			int *rc)
{
	const char *ns = kubectl_ns_for(ctx, t->k, gopt.all_namespaces);
	const char *accept = table ? TABLE_ACCEPT : NULL;
	cJSON *items = cJSON_GetObjectItem(acc, table ? "rows" : "items");
	kube_buf_t api = KUBE_BUF_INIT;

	kube_kinds_api_version(t->k, &api);
	if (t->nnames) {
		for (size_t i = 0; i < t->nnames; i++) {
			kube_client_status_t st = { 0 };
			char *path = kube_client_path(t->k, ns, t->names[i], NULL, NULL);
			cJSON *obj = NULL;
			int r = do_get(ctx, path, accept, &obj, &st);

			kube_free(path);
			if (r < 0) {
				if (!(r == -ENOENT && gopt.ignore_not_found)) {
					kubectl_report(ctx, r, &st, NULL);
					*rc = 1;
				}
				kube_client_status_clear(&st);
				if (!st.code && r != -ENOENT) {
					kube_buf_clear(&api);
					return 1;
				}
				continue;
			}
			if (table && sink) {
				sink_page(obj);
				cJSON_Delete(obj);
			} else if (table) {
				cJSON *row;

				if (!cJSON_GetObjectItem(acc, "columnDefinitions"))
					cJSON_AddItemToObject(acc, "columnDefinitions",
							      cJSON_DetachItemFromObject(obj, "columnDefinitions"));
				while ((row = cJSON_DetachItemFromArray(cJSON_GetObjectItem(obj, "rows"), 0)))
					cJSON_AddItemToArray(items, row);
				cJSON_Delete(obj);
			} else {
				cJSON_AddItemToArray(items, obj);
			}
		}
		kube_buf_clear(&api);
		return 0;
	}
	{
		char *cont = NULL;

		do {
			kube_client_status_t st = { 0 };
			char *q = list_query(gopt.chunk_size, cont);
			char *path = kube_client_path(t->k, ns, NULL, NULL, q);
			cJSON *list = NULL, *it;
			int r = do_get(ctx, path, accept, &list, &st);

			kube_free(q);
			kube_free(path);
			kube_free(cont);
			cont = NULL;
			if (r < 0) {
				kubectl_report(ctx, r, &st, NULL);
				kube_client_status_clear(&st);
				kube_buf_clear(&api);
				*rc = 1;
				return 1;
			}
			if (!cJSON_GetObjectItem(acc, "metadata"))
				cJSON_AddItemToObject(acc, "metadata", kube_json_dup(kube_json_get(list, "metadata")));
			if (table && sink) {
				sink_page(list);
			} else if (table) {
				if (!cJSON_GetObjectItem(acc, "columnDefinitions"))
					cJSON_AddItemToObject(acc, "columnDefinitions",
							      cJSON_DetachItemFromObject(list, "columnDefinitions"));
				while ((it = cJSON_DetachItemFromArray(cJSON_GetObjectItem(list, "rows"), 0)))
					cJSON_AddItemToArray(items, it);
			} else {
				while ((it = cJSON_DetachItemFromArray(cJSON_GetObjectItem(list, "items"), 0))) {
					/* items of a list carry no kind: add it as kubectl does */
					cJSON_DeleteItemFromObject(it, "apiVersion");
					cJSON_DeleteItemFromObject(it, "kind");
					cJSON_AddItemToObject(it, "apiVersion", cJSON_CreateString(kube_buf_str(&api)));
					cJSON_AddItemToObject(it, "kind", cJSON_CreateString(t->k->kind));
					if (jstream) {
						jstream_item(it);
						cJSON_Delete(it);
						continue;
					}
					cJSON_AddItemToArray(items, it);
				}
			}
			if (kube_json_get_str(list, "metadata.continue") && *kube_json_get_str(list, "metadata.continue"))
				cont = kube_strdup(kube_json_get_str(list, "metadata.continue"));
			cJSON_Delete(list);
		} while (cont);
	}
	kube_buf_clear(&api);
	return 0;
}

typedef struct sort_item {
	cJSON *item;
	cJSON *key;	/* first jsonpath result or NULL */
	size_t idx;
} sort_item_t;

static int cmp_sort(const void *a, const void *b)
{
	const sort_item_t *x = a, *y = b;
	int c = 0;

	if (!x->key || !y->key)
		c = !x->key && y->key ? -1 : x->key && !y->key ? 1 : 0;
	else if (cJSON_IsNumber(x->key) && cJSON_IsNumber(y->key))
		c = x->key->valuedouble < y->key->valuedouble ? -1 : x->key->valuedouble > y->key->valuedouble;
	else if (cJSON_IsString(x->key) && cJSON_IsString(y->key))
		c = strcmp(x->key->valuestring, y->key->valuestring);
	else {
		char *sx = kube_json_canonical(x->key), *sy = kube_json_canonical(y->key);

		c = strcmp(sx, sy);
		kube_free(sx);
		kube_free(sy);
	}
	return c ? c : (x->idx < y->idx ? -1 : 1);
}

/* Sort arr (items, or Table rows by their object) by --sort-by, stably. */
static int sort_array(kubectl_ctx_t *ctx, cJSON *arr, bool rows)
{
	char *expr, *err = NULL;
	size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
	sort_item_t *v;
	cJSON *it;
	int rc = 0;

	if (!gopt.sort_by || !*gopt.sort_by || n < 2)
		return 0;
	expr = gopt.sort_by[0] == '{' ? kube_strndup(gopt.sort_by + 1, strlen(gopt.sort_by) - 2)
				      : kube_strdup(gopt.sort_by);
	v = kube_calloc(n, sizeof(*v));
	while ((it = cJSON_DetachItemFromArray(arr, 0))) {
		cJSON *res = NULL;

		if (kubectl_jsonpath_eval(expr, rows ? kube_json_get(it, "object") : it, &res, &err) < 0) {
			rc = kubectl_errorf(ctx, "couldn't find any field with path \"%s\" in the list of objects", expr);
			kube_free(err);
			err = NULL;
		}
		v[i].item = it;
		v[i].key = res && res->child ? cJSON_DetachItemFromArray(res, 0) : NULL;
		v[i].idx = i;
		cJSON_Delete(res);
		i++;
	}
	qsort(v, i, sizeof(*v), cmp_sort);
	for (size_t k = 0; k < i; k++) {
		cJSON_AddItemToArray(arr, v[k].item);
		cJSON_Delete(v[k].key);
	}
	kube_free(v);
	kube_free(expr);
	return rc;
}

static void no_resources(kubectl_ctx_t *ctx, const kubectl_targets_t *ts)
{
	bool namespaced = true;

	for (size_t i = 0; i < ts->n; i++)
		if (!ts->t[i].k->namespaced)
			namespaced = false;
	if (gopt.all_namespaces || !namespaced)
		fprintf(ctx->err, "No resources found\n");
	else
		fprintf(ctx->err, "No resources found in %s namespace.\n", ctx->ns);
}

/* custom-columns=H:path,... */
static int print_custom_columns(kubectl_ctx_t *ctx, const char *spec, cJSON *items, kube_buf_t *out)
{
	char *s = kube_strdup(spec), *save = NULL;
	char *heads[64], *paths[64];
	size_t n = 0;
	kubectl_tab_t t = { 0 };
	const cJSON *it;
	int rc = 0;

	for (char *tok = strtok_r(s, ",", &save); tok && n < 64; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');

		if (!colon) {
			kube_free(s);
			return kubectl_errorf(ctx, "unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", tok);
		}
		*colon = 0;
		heads[n] = tok;
		paths[n] = colon + 1;
		/* "{.a}" and ".a" and "a" are the same */
		if (*paths[n] == '{') {
			paths[n]++;
			if (*paths[n] && paths[n][strlen(paths[n]) - 1] == '}')
				paths[n][strlen(paths[n]) - 1] = 0;
		}
		n++;
	}
	if (!gopt.no_headers)
		kubectl_tab_row(&t, (const char *const *)heads, n);
	cJSON_ArrayForEach(it, items) {
		char *cells[64];

		for (size_t i = 0; i < n; i++) {
			cJSON *res = NULL;
			char *err = NULL, *p = paths[i];
			kube_buf_t b = KUBE_BUF_INIT;
			char *expr = *p == '.' || *p == '[' ? kube_strdup(p) : kube_asprintf(".%s", p);

			if (kubectl_jsonpath_eval(expr, it, &res, &err) < 0) {
				kube_free(err);
				rc = 1;
			}
			if (!res || cJSON_GetArraySize(res) == 0) {
				kube_buf_puts(&b, "<none>");
			} else {
				const cJSON *v;
				bool first = true;

				cJSON_ArrayForEach(v, res) {
					if (!first)
						kube_buf_putc(&b, ',');
					first = false;
					kubectl_jsonpath_value(v, &b);
				}
			}
			cJSON_Delete(res);
			kube_free(expr);
			cells[i] = kube_buf_steal(&b);
		}
		kubectl_tab_row(&t, (const char *const *)cells, n);
		for (size_t i = 0; i < n; i++)
			kube_free(cells[i]);
	}
	kubectl_tab_flush(&t, out);
	kubectl_tab_clear(&t);
	kube_free(s);
	return rc;
}

typedef struct watch_state {
	kubectl_ctx_t *ctx;
	kubectl_tab_t *tab;
	kubectl_table_opts_t *o;
	bool header_done;
} watch_state_t;

static int on_watch_event(const char *type, cJSON *obj, void *arg)
{
	watch_state_t *w = arg;
	kube_buf_t out = KUBE_BUF_INIT;

	if (strcmp(type, "ERROR") == 0 || strcmp(type, "BOOKMARK") == 0 ||
	    cJSON_GetArraySize(kube_json_get(obj, "rows")) == 0)
		return 0;
	kubectl_table_rows(w->tab, obj, w->o, !w->header_done);
	w->header_done = true;
	kubectl_tab_flush(w->tab, &out);
	fputs(kube_buf_str(&out), w->ctx->out);
	fflush(w->ctx->out);
	kube_buf_clear(&out);
	return 0;
}

static int get_raw(kubectl_ctx_t *ctx)
{
	kube_client_t *c = kubectl_ctx_client(ctx);
	kube_client_raw_t req = { .method = "GET", .path = gopt.raw };
	char *body = NULL;
	size_t len = 0;
	int code = 0, r;

	if (!c)
		return 1;
	r = kube_client_raw(c, &req, &code, &body, &len);
	if (r < 0)
		return kubectl_report(ctx, r, NULL, NULL);
	if (code / 100 != 2) {
		kube_client_status_t st = { .code = code };
		cJSON *j = kube_json_parse(body, len);

		st.reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
		st.message = kube_strdup(kube_json_get_str(j, "message") ?: "the server could not find the requested resource");
		cJSON_Delete(j);
		kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		kube_free(body);
		return 1;
	}
	fwrite(body, 1, len, ctx->out);
	kube_free(body);
	return 0;
}

/* "{{.a.b}}", "{{range .items}}...{{end}}", "{{"\n"}}" as a jsonpath
 * template ("jsonpath=..."); kube_malloc'd. */
static char *go_template_to_jsonpath(const char *t)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_puts(&b, "jsonpath=");
	while (*t) {
		const char *open = strstr(t, "{{"), *close;

		if (!open) {
			kube_buf_puts(&b, t);
			break;
		}
		kube_buf_append(&b, t, (size_t)(open - t));
		close = strstr(open + 2, "}}");
		if (!close) {
			kube_buf_puts(&b, open);
			break;
		}
		{
			const char *a = open + 2, *e = close;

			while (a < e && (*a == ' ' || *a == '-'))
				a++;
			while (e > a && (e[-1] == ' ' || e[-1] == '-'))
				e--;
			kube_buf_putc(&b, '{');
			if (e - a > 6 && strncmp(a, "range ", 6) == 0) {
				kube_buf_append(&b, a, (size_t)(e - a));
				kube_buf_puts(&b, "[*]");
			} else {
				kube_buf_append(&b, a, (size_t)(e - a));
			}
			kube_buf_putc(&b, '}');
		}
		t = close + 2;
	}
	return kube_buf_steal(&b);
}

static int get_run(kubectl_ctx_t *ctx)
{
	const char *o = gopt.output ? gopt.output : "";
	bool table = !*o || strcmp(o, "wide") == 0;
	_cleanup_free_ char *gotmpl = NULL;
	kubectl_targets_t ts;
	kube_buf_t out = KUBE_BUF_INIT;
	size_t total = 0;
	int rc = 0;

	if (gopt.raw)
		return get_raw(ctx);
	if (kube_startswith(o, "go-template=") || kube_startswith(o, "template=")) {
		/* the common subset of Go templates maps onto jsonpath */
		gotmpl = go_template_to_jsonpath(strchr(o, '=') + 1);
		o = gotmpl;
	}
	if (*o && !table && strcmp(o, "json") && strcmp(o, "yaml") && strcmp(o, "name") &&
	    !kube_startswith(o, "jsonpath=") && !kube_startswith(o, "custom-columns=") &&
	    !kube_startswith(o, "jsonpath-as-json="))
		return kubectl_errorf(ctx, "unable to match a printer suitable for the output format \"%s\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml", o);
	sort_table = table;
	if (ctx->nargs == 0) {
		fprintf(ctx->err, "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
		fprintf(ctx->err, "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n");
		return 1;
	}
	if (kubectl_ctx_config(ctx) || !kubectl_ctx_client(ctx))
		return 1;
	if (kubectl_targets_resolve(ctx, ctx->args, ctx->nargs, &ts))
		return 1;
	if (table && gopt.sort_by && *gopt.sort_by && ts.n > 1) {
		/* upstream cannot sort the Tables of several types */
		rc = kubectl_errorf(ctx, "couldn't find any field with path \"%s%s%s\" in the list of objects",
				    gopt.sort_by[0] == '{' ? "" : "{", gopt.sort_by, gopt.sort_by[0] == '{' ? "" : "}");
		kubectl_targets_free(&ts);
		return rc;
	}
	if (table) {
		kubectl_tab_t tab = { 0 };
		kubectl_table_opts_t to = {
			.wide = *o != 0,
			.no_headers = gopt.no_headers,
			.show_labels = gopt.show_labels,
			.label_columns = gopt.label_columns,
		};
		bool printed = false;
		char *watch_rv = NULL;

		for (size_t i = 0; i < ts.n; i++) {
			cJSON *acc = cJSON_CreateObject();
			kube_buf_t kp = KUBE_BUF_INIT;
			size_t n;

			cJSON_AddArrayToObject(acc, "rows");
			if (gopt.watch_only) {
				cJSON_Delete(acc);
				break;
			}
			if (ts.multi)
				kubectl_kind_prefix(ts.t[i].k, &kp);
			to.kind_prefix = ts.multi ? kube_buf_str(&kp) : NULL;
			to.with_namespace = gopt.all_namespaces && ts.t[i].k->namespaced;
			{
				table_sink_t ts_sink = { .tab = &tab, .to = &to };
				bool stream = !(gopt.sort_by && *gopt.sort_by);

				sink = stream ? &ts_sink : NULL;
				if (fetch_target(ctx, &ts.t[i], true, acc, &rc)) {
					sink = NULL;
					cJSON_Delete(acc);
					kube_buf_clear(&kp);
					break;
				}
				sink = NULL;
				if (i == 0 && kube_json_get_str(acc, "metadata.resourceVersion"))
					watch_rv = kube_strdup(kube_json_get_str(acc, "metadata.resourceVersion"));
				if (!stream) {
					rc |= sort_array(ctx, cJSON_GetObjectItem(acc, "rows"), true);
					if (cJSON_GetArraySize(cJSON_GetObjectItem(acc, "rows")) > 0)
						ts_sink.rows = kubectl_table_rows(&tab, acc, &to, true);
				}
				n = ts_sink.rows;
			}
			if (n > 0) {
				if (printed && !gopt.no_headers)
					kube_buf_putc(&out, '\n');
				kubectl_tab_flush(&tab, &out);
				if (!gopt.watch) {
					kube_free(tab.widths);
					tab.widths = NULL;
					tab.nwidths = 0;
				}
				total += n;
				printed = true;
			}
			cJSON_Delete(acc);
			kube_buf_clear(&kp);
		}
		fputs(kube_buf_str(&out), ctx->out);
		fflush(ctx->out);
		if (!total && !rc && ts.total_names == 0 && !gopt.watch_only)
			no_resources(ctx, &ts);
		if ((gopt.watch || gopt.watch_only) && ts.n >= 1 && rc == 0) {
			kube_client_list_opts_t lo = {
				.label_selector = gopt.selector,
				.field_selector = gopt.field_selector,
				.accept = TABLE_ACCEPT,
				.resource_version = watch_rv,
			};
			watch_state_t w = { .ctx = ctx, .tab = &tab, .o = &to, .header_done = printed };
			kube_client_status_t st = { 0 };
			int r;

			to.with_namespace = gopt.all_namespaces && ts.t[0].k->namespaced;
			to.kind_prefix = NULL;
			r = kube_client_watch(ctx->client, ts.t[0].k,
					      kubectl_ns_for(ctx, ts.t[0].k, gopt.all_namespaces),
					      &lo, on_watch_event, &w, &st);
			if (r < 0 && r != -ECANCELED)
				rc = kubectl_report(ctx, r, &st, NULL);
			kube_client_status_clear(&st);
		}
		kubectl_tab_clear(&tab);
		kube_free(watch_rv);
	} else {
		cJSON *list = cJSON_CreateObject(), *items;
		bool single;

		cJSON_AddStringToObject(list, "apiVersion", "v1");
		items = cJSON_AddArrayToObject(list, "items");
		cJSON_AddStringToObject(list, "kind", "List");
		if (strcmp(o, "json") == 0 && ts.total_names == 0 && !(gopt.sort_by && *gopt.sort_by)) {
			json_stream_t js = { .f = ctx->out };

			jstream = &js;
			fputs("{\n    \"apiVersion\": \"v1\",\n    \"items\": [", ctx->out);
			for (size_t i = 0; i < ts.n; i++)
				if (fetch_target(ctx, &ts.t[i], false, list, &rc))
					break;
			jstream = NULL;
			fputs(js.n ? "\n    ],\n" : "],\n", ctx->out);
			fputs("    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", ctx->out);
			cJSON_Delete(list);
			kube_buf_clear(&out);
			kubectl_targets_free(&ts);
			return rc;
		}
		for (size_t i = 0; i < ts.n; i++)
			if (fetch_target(ctx, &ts.t[i], false, list, &rc))
				break;
		rc |= sort_array(ctx, items, false);
		cJSON_DeleteItemFromObject(list, "metadata");
		cJSON_AddItemToObject(list, "metadata", cJSON_CreateObject());
		cJSON_AddStringToObject(cJSON_GetObjectItem(list, "metadata"), "resourceVersion", "");
		total = (size_t)cJSON_GetArraySize(items);
		single = ts.n == 1 && ts.total_names == 1 && total == 1;
		if (strcmp(o, "json") == 0) {
			if (single)
				kubectl_print_json(ctx->out, cJSON_GetArrayItem(items, 0));
			else if (total || ts.total_names == 0)
				kubectl_print_json(ctx->out, list);
		} else if (strcmp(o, "yaml") == 0) {
			if (single) {
				kubectl_print_yaml(ctx->out, cJSON_GetArrayItem(items, 0));
			} else if (total || ts.total_names == 0) {
				kubectl_json_sort(list);
				kubectl_print_yaml(ctx->out, list);
			}
		} else if (strcmp(o, "name") == 0) {
			const cJSON *it;

			cJSON_ArrayForEach(it, items) {
				const char *av = kube_json_get_str(it, "apiVersion") ?: "";
				const char *slash = strchr(av, '/');
				kube_buf_t kp = KUBE_BUF_INIT;
				kube_kind_t k = { .kind = kube_json_get_str(it, "kind") ?: "", .group = "" };
				char group[256] = "";

				if (slash)
					snprintf(group, sizeof(group), "%.*s", (int)(slash - av), av);
				k.group = group;
				kubectl_kind_prefix(&k, &kp);
				fprintf(ctx->out, "%s/%s\n", kube_buf_str(&kp),
					kube_json_get_str(it, "metadata.name") ?: "");
				kube_buf_clear(&kp);
			}
			if (!total && !rc && ts.total_names == 0)
				no_resources(ctx, &ts);
		} else if (kube_startswith(o, "jsonpath=") || kube_startswith(o, "jsonpath-as-json=")) {
			const char *tmpl = strchr(o, '=') + 1;
			char *err = NULL;
			kube_buf_t b = KUBE_BUF_INIT;

			if (kubectl_jsonpath_exec(tmpl, single ? cJSON_GetArrayItem(items, 0) : list, &b, &err) < 0) {
				rc = kubectl_errorf(ctx, "error parsing jsonpath %s, %s", tmpl, err);
				kube_free(err);
			} else {
				fputs(kube_buf_str(&b), ctx->out);
			}
			kube_buf_clear(&b);
		} else if (kube_startswith(o, "custom-columns=")) {
			kube_buf_t b = KUBE_BUF_INIT;

			if (total)
				rc |= print_custom_columns(ctx, o + 15, items, &b);
			fputs(kube_buf_str(&b), ctx->out);
			kube_buf_clear(&b);
			if (!total && !rc && ts.total_names == 0)
				no_resources(ctx, &ts);
		}
		cJSON_Delete(list);
	}
	kube_buf_clear(&out);
	kubectl_targets_free(&ts);
	return rc;
}

const kubectl_command_t kubectl_cmd_get = {
	"get", "Display one or many resources", get_setup, get_run,
};
