/* Tests for kube-controller-manager/controller_manager_controllers.c:
 * --controllers matching with upstream's names and aliases. */
#include "kube_test.h"

#include "controller_manager_controllers.h"

static bool on(const char *const *words, const char *name, bool default_on)
{
	controller_manager_options_t o = { 0 };
	o.controllers = (kube_strv_t)words;
	controller_manager_controller_t c = { .name = name, .default_on = default_on };
	return controller_manager_controllers_enabled(&o, &c);
}

TEST(canonical_names)
{
	ASSERT_STREQ(controller_manager_controllers_canonical("deployment"), "deployment-controller");
	ASSERT_STREQ(controller_manager_controllers_canonical("garbagecollector"), "garbage-collector-controller");
	ASSERT_STREQ(controller_manager_controllers_canonical("garbage-collector"), "garbage-collector-controller");
	ASSERT_STREQ(controller_manager_controllers_canonical("endpoint"), "endpoints-controller");
	ASSERT_STREQ(controller_manager_controllers_canonical("podgc"), "pod-garbage-collector-controller");
	ASSERT_STREQ(controller_manager_controllers_canonical("replicationcontroller"),
		     "replicationcontroller-controller");
	ASSERT_STREQ(controller_manager_controllers_canonical("nosuch"), "nosuch");
}

TEST(known_words)
{
	ASSERT_TRUE(controller_manager_controllers_known("*"));
	ASSERT_TRUE(controller_manager_controllers_known("deployment"));
	ASSERT_TRUE(controller_manager_controllers_known("-ttl"));
	ASSERT_TRUE(controller_manager_controllers_known("bootstrapsigner"));
	ASSERT_TRUE(controller_manager_controllers_known("garbage-collector-controller"));
	ASSERT_FALSE(controller_manager_controllers_known("nosuch"));
	ASSERT_FALSE(controller_manager_controllers_known("-nosuch"));
}

TEST(enabled_table)
{
	static const char *const star[] = { "*", NULL };
	static const char *const no_dep[] = { "*", "-deployment", NULL };
	static const char *const no_dep_canon[] = { "*", "-deployment-controller", NULL };
	static const char *const no_gc[] = { "-garbagecollector", "*", NULL };
	static const char *const only_rs[] = { "replicaset", NULL };
	static const char *const opt_in[] = { "*", "bootstrapsigner", NULL };
	static const char *const none[] = { NULL };
	ASSERT_TRUE(on(star, "deployment", true));
	ASSERT_FALSE(on(star, "bootstrapsigner", false));
	ASSERT_TRUE(on(opt_in, "bootstrapsigner", false));
	ASSERT_FALSE(on(no_dep, "deployment", true));
	ASSERT_TRUE(on(no_dep, "replicaset", true));
	ASSERT_FALSE(on(no_dep_canon, "deployment", true));
	ASSERT_FALSE(on(no_gc, "garbage-collector", true));
	ASSERT_TRUE(on(only_rs, "replicaset", true));
	ASSERT_FALSE(on(only_rs, "deployment", true));
	ASSERT_FALSE(on(none, "deployment", true));
}

TEST(table_is_well_formed)
{
	size_t n = 0;
	for (; controller_manager_controllers[n]; n++) {
		const controller_manager_controller_t *c = controller_manager_controllers[n];
		ASSERT_NOT_NULL(c->name);
		ASSERT_NOT_NULL(c->start);
		ASSERT_NOT_NULL(c->stop);
		/* every entry has an upstream canonical name */
		ASSERT_TRUE(kube_endswith(controller_manager_controllers_canonical(c->name), "-controller"));
	}
	ASSERT_GE(n, 6);
}
