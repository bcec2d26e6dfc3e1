/* apiserver_route: request paths to resources (see apiserver_route.h). */
#include "apiserver_route.h"

#include <string.h>

#define MAX_PARTS 12

static size_t split(char *path, char **parts)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(path, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (n == MAX_PARTS)
			return MAX_PARTS + 1;
		parts[n++] = t;
	}
	return n;
}

static char *dup(const char *s)
{
	return s ? kube_strdup(s) : NULL;
}

int apiserver_route_parse(const char *path, apiserver_route_t *ret)
{
	apiserver_route_t r = { 0 };
	char *copy, *parts[MAX_PARTS + 1], **p;
	size_t n;

	if (strstr(path, "//"))
		return -ENOENT;
	copy = kube_strdup(path);
	n = split(copy, parts);
	if (n == 0 || n > MAX_PARTS || (strcmp(parts[0], "api") != 0 && strcmp(parts[0], "apis") != 0)) {
		kube_free(copy);
		*ret = r;
		return 0; /* APISERVER_ROUTE_OTHER */
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(parts[i], ".") == 0 || strcmp(parts[i], "..") == 0)
			goto bad;
	p = parts + 1;
	n--;
	if (strcmp(parts[0], "api") == 0) {
		if (n == 0) {
			r.kind = APISERVER_ROUTE_API;
			goto ok;
		}
		r.group = kube_strdup("");
		r.version = dup(p[0]);
		p++, n--;
	} else {
		if (n == 0) {
			r.kind = APISERVER_ROUTE_APIS;
			goto ok;
		}
		r.group = dup(p[0]);
		if (n == 1) {
			r.kind = APISERVER_ROUTE_GROUP;
			goto ok;
		}
		r.version = dup(p[1]);
		p += 2, n -= 2;
	}
	if (n == 0) {
		r.kind = APISERVER_ROUTE_GROUP_VERSION;
		goto ok;
	}
	r.kind = APISERVER_ROUTE_RESOURCE;
	if (strcmp(p[0], "watch") == 0) {
		r.watch_path = true;
		p++, n--;
		if (n == 0)
			goto bad;
	}
	if (strcmp(p[0], "namespaces") == 0 && n > 1) {
		r.namespace = dup(p[1]);
		if (n > 2 && strcmp(p[2], "status") != 0 && strcmp(p[2], "finalize") != 0) {
			p += 2;
			n -= 2;
		}
	}
	if (n > 3)
		goto bad;
	r.resource = dup(p[0]);
	if (n > 1)
		r.name = dup(p[1]);
	if (n > 2)
		r.subresource = dup(p[2]);
	if (r.watch_path && r.subresource)
		goto bad;
ok:
	kube_free(copy);
	*ret = r;
	return 0;
bad:
	kube_free(copy);
	apiserver_route_clear(&r);
	return -ENOENT;
}

void apiserver_route_clear(apiserver_route_t *r)
{
	kube_free(r->group);
	kube_free(r->version);
	kube_free(r->namespace);
	kube_free(r->resource);
	kube_free(r->name);
	kube_free(r->subresource);
	memset(r, 0, sizeof(*r));
}

const char *apiserver_route_verb(const apiserver_route_t *r, const char *method, bool watch_param)
{
	bool named = r->name != NULL;

	if (r->watch_path)
		return strcmp(method, "GET") == 0 ? "watch" : NULL;
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		if (named)
			return watch_param && !r->subresource ? "watch" : "get";
		return watch_param ? "watch" : "list";
	}
	if (strcmp(method, "POST") == 0)
		return !named || r->subresource ? "create" : NULL;
	if (strcmp(method, "PUT") == 0)
		return named ? "update" : NULL;
	if (strcmp(method, "PATCH") == 0)
		return named ? "patch" : NULL;
	if (strcmp(method, "DELETE") == 0)
		return named ? "delete" : "deletecollection";
	return NULL;
}
