/* kubectl_manifest: -f files to mapped objects. */
#include "kubectl_manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"
#include "kubectl_discovery.h"

#define MANIFEST_MAX_BYTES (64 << 20)

static void add_obj(kubectl_manifest_t *m, cJSON *obj, const char *source)
{
	const char *kind = kube_json_get_str(obj, "kind");
	cJSON *items = kube_json_get(obj, "items");

	if (kind && kube_endswith(kind, "List") && cJSON_IsArray(items)) {
		cJSON *it;

		while ((it = cJSON_DetachItemFromArray(items, 0)))
			add_obj(m, it, source);
		cJSON_Delete(obj);
		return;
	}
	m->o = kube_realloc(m->o, (m->n + 1) * sizeof(*m->o));
	memset(&m->o[m->n], 0, sizeof(m->o[0]));
	m->o[m->n].obj = obj;
	m->o[m->n].source = kube_strdup(source);
	m->n++;
}

int kubectl_manifest_parse(const char *text, size_t len, const char *source,
			   kubectl_manifest_t *m, char **ret_err)
{
	cJSON **docs = NULL;
	size_t n = 0;
	char *err = NULL;
	const char *p = text;

	while (p < text + len && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	if (p < text + len && (*p == '{' || *p == '[')) {
		cJSON *j = kube_json_parse(text, len);

		if (j) {
			add_obj(m, j, source);
			return 0;
		}
	}
	if (kube_yaml_to_json(text, len, &docs, &n, &err) < 0) {
		*ret_err = kube_asprintf("error parsing %s: %s", source, err ? err : "invalid YAML");
		kube_free(err);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (cJSON_IsObject(docs[i]))
			add_obj(m, docs[i], source);
		else
			cJSON_Delete(docs[i]);
		docs[i] = NULL;
	}
	kube_free(docs);
	return 0;
}

static int read_stream(FILE *f, kube_buf_t *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		kube_buf_append(b, chunk, n);
		if (b->len > MANIFEST_MAX_BYTES)
			return -EFBIG;
	}
	return ferror(f) ? -EIO : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_path(kubectl_ctx_t *ctx, const char *path, bool recursive, bool top,
		     kubectl_manifest_t *m)
{
	struct stat sb;
	kube_buf_t b = KUBE_BUF_INIT;
	char *err = NULL;
	int r;

	if (strcmp(path, "-") == 0) {
		read_stream(stdin, &b);
		r = kubectl_manifest_parse(b.data ? b.data : "", b.len, "STDIN", m, &err);
		kube_buf_clear(&b);
		goto parsed;
	}
	if (stat(path, &sb) < 0)
		return kubectl_errorf(ctx, "the path \"%s\" does not exist", path);
	if (S_ISDIR(sb.st_mode)) {
		DIR *d;
		struct dirent *de;
		char **names = NULL;
		size_t n = 0;
		int rc = 0;

		if (!top && !recursive)
			return 0;
		d = opendir(path);
		if (!d)
			return kubectl_errorf(ctx, "the path \"%s\" cannot be read", path);
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			names = kube_realloc(names, (n + 1) * sizeof(char *));
			names[n++] = kube_asprintf("%s%s%s", path,
						   kube_endswith(path, "/") ? "" : "/", de->d_name);
		}
		closedir(d);
		if (n)
			qsort(names, n, sizeof(char *), cmp_str);
		for (size_t i = 0; i < n; i++) {
			struct stat s2;

			if (rc == 0 && stat(names[i], &s2) == 0) {
				if (S_ISDIR(s2.st_mode))
					rc = read_path(ctx, names[i], recursive, false, m);
				else if (kube_endswith(names[i], ".yaml") || kube_endswith(names[i], ".yml") ||
					 kube_endswith(names[i], ".json"))
					rc = read_path(ctx, names[i], recursive, false, m);
			}
			kube_free(names[i]);
		}
		kube_free(names);
		return rc;
	}
	{
		FILE *f = fopen(path, "r");

		if (!f)
			return kubectl_errorf(ctx, "open %s: %s", path, strerror(errno));
		read_stream(f, &b);
		fclose(f);
	}
	r = kubectl_manifest_parse(b.data ? b.data : "", b.len, path, m, &err);
	kube_buf_clear(&b);
parsed:
	if (r < 0) {
		kubectl_errorf(ctx, "%s", err);
		kube_free(err);
		return 1;
	}
	return 0;
}

int kubectl_manifest_read(kubectl_ctx_t *ctx, kube_strv_t files, bool recursive,
			  kubectl_manifest_t *ret)
{
	kubectl_manifest_t m = { 0 };
	struct kubectl_discovery *d;

	memset(ret, 0, sizeof(*ret));
	if (!files || !files[0])
		return kubectl_errorf(ctx, "must specify one of -f and -k");
	for (size_t i = 0; files[i]; i++)
		if (read_path(ctx, files[i], recursive, true, &m)) {
			kubectl_manifest_free(&m);
			return 1;
		}
	d = kubectl_ctx_discovery(ctx);
	if (!d) {
		kubectl_manifest_free(&m);
		return 1;
	}
	for (size_t i = 0; i < m.n; i++) {
		kubectl_mobj_t *o = &m.o[i];
		const char *av = kube_json_get_str(o->obj, "apiVersion");
		const char *kind = kube_json_get_str(o->obj, "kind");
		const char *ons = kube_json_get_str(o->obj, "metadata.namespace");

		if (!kind || !*kind) {
			kubectl_errorf(ctx, "error validating data: [apiVersion not set, kind not set]");
			kubectl_manifest_free(&m);
			return 1;
		}
		o->k = kubectl_discovery_by_kind(d, av ? av : "", kind);
		if (!o->k && d->from_cache && kubectl_discovery_refresh(d, ctx->client, NULL) == 0)
			o->k = kubectl_discovery_by_kind(d, av ? av : "", kind);
		if (!o->k) {
			fprintf(ctx->err, "error: resource mapping not found for name: \"%s\" namespace: \"%s\" from \"%s\": no matches for kind \"%s\" in version \"%s\"\nensure CRDs are installed first\n",
				kube_json_get_str(o->obj, "metadata.name") ?: "", ons ? ons : "",
				o->source, kind, av ? av : "");
			kubectl_manifest_free(&m);
			return 1;
		}
		if (o->k->namespaced) {
			if (ons && *ons && ctx->ns_explicit && strcmp(ons, ctx->ns) != 0) {
				kubectl_errorf(ctx, "the namespace from the provided object \"%s\" does not match the namespace \"%s\". You must pass '--namespace=%s' to perform this operation.",
					       ons, ctx->ns, ons);
				kubectl_manifest_free(&m);
				return 1;
			}
			o->ns = ons && *ons ? ons : ctx->ns;
		}
	}
	*ret = m;
	return 0;
}

void kubectl_manifest_free(kubectl_manifest_t *m)
{
	for (size_t i = 0; i < m->n; i++) {
		cJSON_Delete(m->o[i].obj);
		kube_free(m->o[i].source);
	}
	kube_free(m->o);
	memset(m, 0, sizeof(*m));
}

void kubectl_mobj_ref(const kubectl_mobj_t *o, kube_buf_t *out)
{
	kubectl_kind_prefix(o->k, out);
}
