#include "kube_test.h"
#include "apiserver_route.h"

static const char *s(const char *x)
{
	return x ? x : "-";
}

TEST(route_table)
{
	static const struct {
		const char *path;
		int kind;
		const char *g, *v, *ns, *res, *name, *sub;
		bool watch;
	} cases[] = {
		{ "/healthz", APISERVER_ROUTE_OTHER, "-", "-", "-", "-", "-", "-", false },
		{ "/api", APISERVER_ROUTE_API, "-", "-", "-", "-", "-", "-", false },
		{ "/api/", APISERVER_ROUTE_API, "-", "-", "-", "-", "-", "-", false },
		{ "/apis", APISERVER_ROUTE_APIS, "-", "-", "-", "-", "-", "-", false },
		{ "/apis/apps", APISERVER_ROUTE_GROUP, "apps", "-", "-", "-", "-", "-", false },
		{ "/api/v1/", APISERVER_ROUTE_GROUP_VERSION, "", "v1", "-", "-", "-", "-", false },
		{ "/apis/apps/v1", APISERVER_ROUTE_GROUP_VERSION, "apps", "v1", "-", "-", "-", "-", false },
		{ "/api/v1/pods", APISERVER_ROUTE_RESOURCE, "", "v1", "-", "pods", "-", "-", false },
		{ "/api/v1/namespaces/default/pods/web-1/status", APISERVER_ROUTE_RESOURCE, "", "v1", "default", "pods", "web-1", "status", false },
		{ "/api/v1/namespaces", APISERVER_ROUTE_RESOURCE, "", "v1", "-", "namespaces", "-", "-", false },
		{ "/api/v1/namespaces/kube-system", APISERVER_ROUTE_RESOURCE, "", "v1", "kube-system", "namespaces", "kube-system", "-", false },
		{ "/api/v1/namespaces/x/finalize", APISERVER_ROUTE_RESOURCE, "", "v1", "x", "namespaces", "x", "finalize", false },
		{ "/api/v1/watch/namespaces/a/pods/p", APISERVER_ROUTE_RESOURCE, "", "v1", "a", "pods", "p", "-", true },
		{ "/apis/apps/v1/namespaces/a/deployments/d/scale", APISERVER_ROUTE_RESOURCE, "apps", "v1", "a", "deployments", "d", "scale", false },
		{ "/api/v1/nodes/n1", APISERVER_ROUTE_RESOURCE, "", "v1", "-", "nodes", "n1", "-", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		apiserver_route_t r;
		ASSERT_OK(apiserver_route_parse(cases[i].path, &r));
		ASSERT_EQ(r.kind, cases[i].kind);
		ASSERT_STREQ(s(r.group), cases[i].g);
		ASSERT_STREQ(s(r.version), cases[i].v);
		ASSERT_STREQ(s(r.namespace), cases[i].ns);
		ASSERT_STREQ(s(r.resource), cases[i].res);
		ASSERT_STREQ(s(r.name), cases[i].name);
		ASSERT_STREQ(s(r.subresource), cases[i].sub);
		ASSERT_EQ(r.watch_path, cases[i].watch);
		apiserver_route_clear(&r);
	}
}

TEST(route_bad)
{
	apiserver_route_t r;

	ASSERT_EQ(apiserver_route_parse("/api/v1/namespaces/a/pods/p/status/extra", &r), -ENOENT);
	ASSERT_EQ(apiserver_route_parse("/api/v1/watch", &r), -ENOENT);
	ASSERT_EQ(apiserver_route_parse("/api//v1", &r), -ENOENT);
	ASSERT_EQ(apiserver_route_parse("/api/v1/../x", &r), -ENOENT);
}

TEST(route_verbs)
{
	apiserver_route_t r;

	ASSERT_OK(apiserver_route_parse("/api/v1/namespaces/a/pods", &r));
	ASSERT_STREQ(apiserver_route_verb(&r, "GET", false), "list");
	ASSERT_STREQ(apiserver_route_verb(&r, "GET", true), "watch");
	ASSERT_STREQ(apiserver_route_verb(&r, "POST", false), "create");
	ASSERT_STREQ(apiserver_route_verb(&r, "DELETE", false), "deletecollection");
	ASSERT_NULL(apiserver_route_verb(&r, "PUT", false));
	ASSERT_NULL(apiserver_route_verb(&r, "BREW", false));
	apiserver_route_clear(&r);
	ASSERT_OK(apiserver_route_parse("/api/v1/namespaces/a/pods/p", &r));
	ASSERT_STREQ(apiserver_route_verb(&r, "GET", false), "get");
	ASSERT_STREQ(apiserver_route_verb(&r, "PUT", false), "update");
	ASSERT_STREQ(apiserver_route_verb(&r, "PATCH", false), "patch");
	ASSERT_STREQ(apiserver_route_verb(&r, "DELETE", false), "delete");
	ASSERT_NULL(apiserver_route_verb(&r, "POST", false));
	apiserver_route_clear(&r);
}
