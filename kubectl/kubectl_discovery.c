/* kubectl_discovery: legacy discovery, its disk cache and name resolution. */
#include "kubectl_discovery.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"

#define DISCOVERY_TTL_SEC (6 * 3600)
#define DISCOVERY_MAX_RES 4096

static const char *dstr(kubectl_discovery_t *d, const char *s)
{
	if (d->nstrings == d->capstrings) {
		d->capstrings = d->capstrings ? d->capstrings * 2 : 64;
		d->strings = kube_realloc(d->strings, d->capstrings * sizeof(char *));
	}
	d->strings[d->nstrings] = kube_strdup(s ? s : "");
	return d->strings[d->nstrings++];
}

static void join_array(kube_buf_t *b, const cJSON *arr)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it))
			continue;
		if (b->len)
			kube_buf_putc(b, ' ');
		kube_buf_puts(b, it->valuestring);
	}
}

/* Is gv the preferred version of its group in groups? */
static bool gv_preferred(const cJSON *groups, const char *group, const char *version)
{
	const cJSON *g;

	cJSON_ArrayForEach(g, kube_json_get(groups, "groups")) {
		const char *name = kube_json_get_str(g, "name");
		const char *pv = kube_json_get_str(g, "preferredVersion.version");

		if (kube_streq(name ? name : "", group))
			return pv ? kube_streq(pv, version) : true;
	}
	return false;
}

static void add_list(kubectl_discovery_t *d, const cJSON *list)
{
	const char *gv = kube_json_get_str(list, "groupVersion");
	const char *slash;
	char group[256] = "", version[64];
	const cJSON *r;

	if (!gv)
		return;
	slash = strchr(gv, '/');
	if (slash) {
		snprintf(group, sizeof(group), "%.*s", (int)(slash - gv), gv);
		snprintf(version, sizeof(version), "%s", slash + 1);
	} else {
		snprintf(version, sizeof(version), "%s", gv);
	}
	cJSON_ArrayForEach(r, kube_json_get(list, "resources")) {
		const char *name = kube_json_get_str(r, "name");
		kubectl_resource_t *x;
		kube_buf_t b = KUBE_BUF_INIT;

		if (!name || strchr(name, '/') || d->nres >= DISCOVERY_MAX_RES)
			continue;
		d->res = kube_realloc(d->res, (d->nres + 1) * sizeof(*d->res));
		x = &d->res[d->nres];
		memset(x, 0, sizeof(*x));
		x->order = (int)d->nres;
		d->nres++;
		x->k.group = dstr(d, group);
		x->k.version = dstr(d, version);
		x->k.resource = dstr(d, name);
		x->k.singular = dstr(d, kube_json_get_str(r, "singularName"));
		x->k.kind = dstr(d, kube_json_get_str(r, "kind"));
		x->k.namespaced = kube_json_get_bool(r, "namespaced", false);
		join_array(&b, kube_json_get(r, "shortNames"));
		x->k.short_names = dstr(d, kube_buf_str(&b));
		kube_buf_reset(&b);
		join_array(&b, kube_json_get(r, "categories"));
		x->k.categories = dstr(d, kube_buf_str(&b));
		kube_buf_reset(&b);
		join_array(&b, kube_json_get(r, "verbs"));
		x->k.verbs = dstr(d, kube_buf_str(&b));
		kube_buf_clear(&b);
		x->k.storage = "";
		x->preferred = gv_preferred(d->groups, group, version);
	}
}

kubectl_discovery_t *kubectl_discovery_from_docs(const cJSON *groups, cJSON *const *lists,
						 size_t nlists)
{
	kubectl_discovery_t *d = kube_calloc(1, sizeof(*d));
	const cJSON *g, *v;

	d->groups = kube_json_dup(groups);
	/* Discovery order: groups in order, versions in order. */
	cJSON_ArrayForEach(g, kube_json_get(groups, "groups")) {
		cJSON_ArrayForEach(v, kube_json_get(g, "versions")) {
			const char *gv = kube_json_get_str(v, "groupVersion");

			for (size_t i = 0; gv && i < nlists; i++)
				if (kube_streq(kube_json_get_str(lists[i], "groupVersion"), gv))
					add_list(d, lists[i]);
		}
	}
	return d;
}

void kubectl_discovery_free(kubectl_discovery_t *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nstrings; i++)
		kube_free(d->strings[i]);
	kube_free(d->strings);
	kube_free(d->res);
	cJSON_Delete(d->groups);
	kube_free(d->cache_dir);
	kube_free(d);
}

char *kubectl_discovery_cache_path(const char *root, const char *server)
{
	kube_buf_t b = KUBE_BUF_INIT;
	const char *h = server;

	if (kube_startswith(h, "https://"))
		h += 8;
	else if (kube_startswith(h, "http://"))
		h += 7;
	kube_buf_printf(&b, "%s/discovery/", root);
	for (; *h; h++)
		kube_buf_putc(&b, (isalnum((unsigned char)*h) || strchr("_/.()", *h)) ? *h : '_');
	while (b.len && b.data[b.len - 1] == '/')
		b.len--, b.data[b.len] = 0;
	return kube_buf_steal(&b);
}

/* ---- fetching ---------------------------------------------------------- */

static int fetch(kube_client_t *c, const char *path, cJSON **ret, kube_client_status_t *st)
{
	kube_client_raw_t req = { .method = "GET", .path = path };
	char *body = NULL;
	size_t len = 0;
	int code = 0, r;

	r = kube_client_raw(c, &req, &code, &body, &len);
	if (r < 0)
		return r;
	if (code / 100 != 2) {
		cJSON *j = kube_json_parse(body, len);

		if (st) {
			st->code = code;
			st->reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
			st->message = kube_strdup(kube_json_get_str(j, "message") ?: body);
		}
		cJSON_Delete(j);
		kube_free(body);
		return kube_client_errno(code, st ? st->reason : "");
	}
	*ret = kube_json_parse(body, len);
	kube_free(body);
	return *ret ? 0 : -EPROTO;
}

static void mkdirs(const char *path)
{
	char *p = kube_strdup(path);

	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0750);
			*s = '/';
		}
	mkdir(p, 0750);
	kube_free(p);
}

static void write_file(const char *dir, const char *rel, const cJSON *j)
{
	char *path = kube_asprintf("%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	char *text = kube_json_compact(j);
	char *tmp;
	FILE *f;

	*slash = 0;
	mkdirs(path);
	*slash = '/';
	tmp = kube_asprintf("%s.tmp%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (f) {
		fputs(text, f);
		if (fclose(f) == 0)
			rename(tmp, path);
		else
			unlink(tmp);
	}
	kube_free(tmp);
	kube_free(text);
	kube_free(path);
}

static cJSON *read_json(const char *path)
{
	FILE *f = fopen(path, "r");
	kube_buf_t b = KUBE_BUF_INIT;
	char chunk[8192];
	size_t n;
	cJSON *j;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kube_buf_append(&b, chunk, n);
	fclose(f);
	j = kube_json_parse(b.data ? b.data : "", b.len);
	kube_buf_clear(&b);
	return j;
}

static char *gv_rel(const char *gv)
{
	return kube_asprintf("%s/serverresources.json", gv);
}

/* Load groups and lists; from disk when dir holds a fresh copy. */
static int load_docs(kube_client_t *c, const char *dir, bool use_cache, cJSON **ret_groups,
		     cJSON ***ret_lists, size_t *ret_n, bool *ret_cached, kube_client_status_t *st)
{
	cJSON *groups = NULL, *api = NULL, *apis = NULL, **lists = NULL;
	size_t n = 0;
	const cJSON *g, *v;
	struct stat sb;
	int r;

	*ret_cached = false;
	if (dir && use_cache) {
		char *p = kube_asprintf("%s/servergroups.json", dir);

		if (stat(p, &sb) == 0 && time(NULL) - sb.st_mtime < DISCOVERY_TTL_SEC)
			groups = read_json(p);
		kube_free(p);
		if (groups) {
			bool ok = true;

			cJSON_ArrayForEach(g, kube_json_get(groups, "groups"))
				cJSON_ArrayForEach(v, kube_json_get(g, "versions")) {
					const char *gv = kube_json_get_str(v, "groupVersion");
					char *rel = gv_rel(gv ? gv : "x");
					char *path = kube_asprintf("%s/%s", dir, rel);
					cJSON *l = read_json(path);

					kube_free(rel);
					kube_free(path);
					if (!l) {
						ok = false;
						continue;
					}
					lists = kube_realloc(lists, (n + 1) * sizeof(*lists));
					lists[n++] = l;
				}
			if (ok) {
				*ret_groups = groups;
				*ret_lists = lists;
				*ret_n = n;
				*ret_cached = true;
				return 0;
			}
			for (size_t i = 0; i < n; i++)
				cJSON_Delete(lists[i]);
			kube_free(lists);
			lists = NULL;
			n = 0;
			cJSON_Delete(groups);
			groups = NULL;
		}
	}
	r = fetch(c, "/api", &api, st);
	if (r < 0)
		return r;
	r = fetch(c, "/apis", &apis, st);
	if (r < 0) {
		cJSON_Delete(api);
		return r;
	}
	/* servergroups.json: the legacy group first, as upstream caches it. */
	groups = cJSON_CreateObject();
	cJSON_AddStringToObject(groups, "kind", "APIGroupList");
	cJSON_AddStringToObject(groups, "apiVersion", "v1");
	{
		cJSON *arr = cJSON_AddArrayToObject(groups, "groups");
		cJSON *core = cJSON_CreateObject(), *vers = cJSON_CreateArray();
		const cJSON *x;

		cJSON_AddStringToObject(core, "name", "");
		cJSON_ArrayForEach(x, kube_json_get(api, "versions")) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "groupVersion", x->valuestring);
			cJSON_AddStringToObject(o, "version", x->valuestring);
			cJSON_AddItemToArray(vers, o);
		}
		cJSON_AddItemToObject(core, "versions", vers);
		if (cJSON_GetArraySize(vers) > 0)
			cJSON_AddItemToObject(core, "preferredVersion",
					      kube_json_dup(cJSON_GetArrayItem(vers, 0)));
		cJSON_AddItemToArray(arr, core);
		cJSON_ArrayForEach(x, kube_json_get(apis, "groups"))
			cJSON_AddItemToArray(arr, kube_json_dup(x));
	}
	cJSON_Delete(api);
	cJSON_Delete(apis);
	cJSON_ArrayForEach(g, kube_json_get(groups, "groups"))
		cJSON_ArrayForEach(v, kube_json_get(g, "versions")) {
			const char *gv = kube_json_get_str(v, "groupVersion");
			char *path;
			cJSON *l = NULL;

			if (!gv)
				continue;
			path = strchr(gv, '/') ? kube_asprintf("/apis/%s", gv)
					       : kube_asprintf("/api/%s", gv);
			r = fetch(c, path, &l, NULL);
			kube_free(path);
			if (r < 0)
				continue; /* upstream tolerates a failing group */
			lists = kube_realloc(lists, (n + 1) * sizeof(*lists));
			lists[n++] = l;
			if (dir) {
				char *rel = gv_rel(gv);

				write_file(dir, rel, l);
				kube_free(rel);
			}
		}
	if (dir)
		write_file(dir, "servergroups.json", groups);
	*ret_groups = groups;
	*ret_lists = lists;
	*ret_n = n;
	return 0;
}

static int load_into(kubectl_discovery_t **ret, kube_client_t *c, const char *dir,
		     bool use_cache, kube_client_status_t *st)
{
	cJSON *groups = NULL, **lists = NULL;
	size_t n = 0;
	bool cached;
	int r = load_docs(c, dir, use_cache, &groups, &lists, &n, &cached, st);

	if (r < 0)
		return r;
	*ret = kubectl_discovery_from_docs(groups, lists, n);
	(*ret)->from_cache = cached;
	(*ret)->cache_dir = dir ? kube_strdup(dir) : NULL;
	cJSON_Delete(groups);
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(lists[i]);
	kube_free(lists);
	return 0;
}

int kubectl_discovery_load(kube_client_t *c, const char *cache_root, kubectl_discovery_t **ret,
			   kube_client_status_t *ret_status)
{
	char *dir = cache_root && *cache_root
			    ? kubectl_discovery_cache_path(cache_root, kube_client_server(c))
			    : NULL;
	int r = load_into(ret, c, dir, true, ret_status);

	kube_free(dir);
	return r;
}

int kubectl_discovery_refresh(kubectl_discovery_t *d, kube_client_t *c,
			      kube_client_status_t *ret_status)
{
	kubectl_discovery_t *nd = NULL;
	int r = load_into(&nd, c, d->cache_dir, false, ret_status);

	if (r < 0)
		return r;
	/* swap contents, free the old */
	{
		kubectl_discovery_t tmp = *d;

		*d = *nd;
		*nd = tmp;
	}
	kubectl_discovery_free(nd);
	return 0;
}

/* ---- resolution -------------------------------------------------------- */

static bool word_in(const char *list, const char *w)
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

static bool name_matches(const kube_kind_t *k, const char *res)
{
	return strcmp(k->resource, res) == 0 || strcmp(k->singular, res) == 0 ||
	       strcasecmp(k->kind, res) == 0 || word_in(k->short_names, res);
}

static const kube_kind_t *find(const kubectl_discovery_t *d, const char *res, const char *group,
			       const char *version)
{
	const kube_kind_t *best = NULL;

	/* Short names first, as upstream's shortcut expander rewrites them. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < d->nres; i++) {
			const kubectl_resource_t *x = &d->res[i];

			if (group && strcmp(x->k.group, group) != 0)
				continue;
			if (version && strcmp(x->k.version, version) != 0)
				continue;
			if (!version && !x->preferred)
				continue;
			if (pass == 0 ? !word_in(x->k.short_names, res) : !name_matches(&x->k, res))
				continue;
			if (!best)
				best = &x->k;
		}
	return best;
}

const kube_kind_t *kubectl_discovery_resolve(const kubectl_discovery_t *d, const char *name)
{
	char buf[512], *dot, *dot2;
	const kube_kind_t *k;

	if (strlen(name) >= sizeof(buf))
		return NULL;
	for (size_t i = 0; (buf[i] = (char)tolower((unsigned char)name[i])); i++)
		;
	dot = strchr(buf, '.');
	if (!dot)
		return find(d, buf, NULL, NULL);
	*dot = 0;
	dot2 = strchr(dot + 1, '.');
	if (dot2) { /* resource.version.group */
		*dot2 = 0;
		k = find(d, buf, dot2 + 1, dot + 1);
		*dot2 = '.';
		if (k)
			return k;
	}
	return find(d, buf, dot + 1, NULL);
}

size_t kubectl_discovery_category(const kubectl_discovery_t *d, const char *name,
				  const kube_kind_t **ret, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nres && n < max; i++) {
		const kubectl_resource_t *x = &d->res[i];
		bool dup = false;

		if (!x->preferred || !word_in(x->k.categories, name))
			continue;
		for (size_t j = 0; j < n; j++)
			if (strcmp(ret[j]->resource, x->k.resource) == 0)
				dup = true;
		if (!dup)
			ret[n++] = &x->k;
	}
	return n;
}

void kubectl_kind_prefix(const kube_kind_t *k, kube_buf_t *out)
{
	for (const char *p = k->kind; *p; p++)
		kube_buf_putc(out, (char)tolower((unsigned char)*p));
	if (*k->group)
		kube_buf_printf(out, ".%s", k->group);
}

const kube_kind_t *kubectl_discovery_by_kind(const kubectl_discovery_t *d, const char *api_version,
					     const char *kind)
{
	const char *slash = strchr(api_version, '/');
	size_t glen = slash ? (size_t)(slash - api_version) : 0;
	const char *version = slash ? slash + 1 : api_version;

	for (size_t i = 0; i < d->nres; i++) {
		const kube_kind_t *k = &d->res[i].k;

		if (strlen(k->group) == glen && strncmp(k->group, api_version, glen) == 0 &&
		    strcmp(k->version, version) == 0 && strcmp(k->kind, kind) == 0)
			return k;
	}
	return NULL;
}
