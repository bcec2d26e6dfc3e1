/* Tests for kube-controller-manager/controller_manager_gcgraph.c. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "controller_manager_gcgraph.h"

static cJSON *J(const char *s)
{
	return kube_json_parse(s, strlen(s));
}

/* owner uids: "s*" solid, "d*" dangling, "w*" waiting */
static controller_manager_gc_owner_t lookup(const cJSON *ref, void *arg)
{
	const char *uid = kube_json_get_str(ref, "uid");
	switch (uid ? uid[0] : 'd') {
	case 's': return CM_GC_OWNER_SOLID;
	case 'w': return CM_GC_OWNER_WAITING;
	default: return CM_GC_OWNER_DANGLING;
	}
}

TEST(decide_table)
{
	static const struct {
		const char *item;
		bool has_dependents;
		controller_manager_gc_action_t want;
		const char *policy, *patch;
	} cases[] = {
		{ "{\"metadata\":{}}", false, CM_GC_KEEP, NULL, NULL },
		{ "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"s1\"}]}}", false, CM_GC_KEEP, NULL, NULL },
		{ "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"d1\"}]}}", false, CM_GC_DELETE, "Background", NULL },
		{ "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"d1\"}],\"finalizers\":[\"orphan\"]}}", false, CM_GC_DELETE, "Orphan", NULL },
		{ "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"d1\"}],\"finalizers\":[\"foregroundDeletion\"]}}", false, CM_GC_DELETE, "Foreground", NULL },
		{ "{\"metadata\":{\"uid\":\"me\",\"ownerReferences\":[{\"uid\":\"s1\"},{\"uid\":\"d1\"},{\"uid\":\"w1\"}]}}", false, CM_GC_REMOVE_REFS, NULL,
		  "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"s1\"}],\"uid\":\"me\"}}" },
		/* waiting owner, no dependents of our own: plain delete */
		{ "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"w1\",\"blockOwnerDeletion\":true}]}}", false, CM_GC_DELETE, "Background", NULL },
		/* waiting owner and our own dependents: unblock, delete in the foreground */
		{ "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"w1\",\"blockOwnerDeletion\":true}]}}", true, CM_GC_UNBLOCK_DELETE, "Foreground",
		  "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"w1\",\"blockOwnerDeletion\":false}]}}" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *item = J(cases[i].item);
		const char *policy = NULL;
		char *patch = NULL;
		controller_manager_gc_action_t a = controller_manager_gc_decide(item, cases[i].has_dependents,
										 lookup, NULL, &policy, &patch);
		cJSON_Delete(item);
		bool ok = a == cases[i].want && kube_streq(policy, cases[i].policy) &&
			  kube_streq(patch, cases[i].patch);
		if (!ok) {
			char msg[512];
			snprintf(msg, sizeof(msg), "case %zu: action %d policy %s patch %s", i, a,
				 policy ? policy : "-", patch ? patch : "-");
			kube_free(patch);
			kube_test_fail(__FILE__, __LINE__, "%s", msg);
		}
		kube_free(patch);
	}
}

TEST(blocks_and_finalizers)
{
	cJSON *dep = J("{\"metadata\":{\"ownerReferences\":[{\"uid\":\"a\",\"blockOwnerDeletion\":true},{\"uid\":\"b\"}]}}");
	ASSERT_TRUE(controller_manager_gc_blocks(dep, "a"));
	ASSERT_FALSE(controller_manager_gc_blocks(dep, "b"));
	ASSERT_FALSE(controller_manager_gc_blocks(dep, "c"));
	cJSON_Delete(dep);
	cJSON *o = J("{\"metadata\":{\"uid\":\"u\",\"resourceVersion\":\"3\",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\",\"finalizers\":[\"orphan\",\"x/y\"]}}");
	ASSERT_TRUE(controller_manager_gc_deleting_with(o, "orphan"));
	ASSERT_FALSE(controller_manager_gc_deleting_with(o, "foregroundDeletion"));
	char *p = controller_manager_gc_remove_finalizer_patch(o, "orphan");
	ASSERT_STREQ(p, "{\"metadata\":{\"finalizers\":[\"x/y\"],\"uid\":\"u\",\"resourceVersion\":\"3\"}}");
	kube_free(p);
	cJSON_Delete(o);
}
