/* Tests for kube-controller-manager/controller_manager_worker.c
 * (expectations; the worker pools run in the e2e suite). */
#include "kube_test.h"

#include "controller_manager_worker.h"

TEST(expectations)
{
	controller_manager_expect_t *e = controller_manager_expect_new();
	ASSERT_TRUE(controller_manager_expect_satisfied(e, "ns/a"));
	controller_manager_expect_set(e, "ns/a", 2, 0);
	controller_manager_expect_set(e, "ns/b", 0, 1);
	ASSERT_FALSE(controller_manager_expect_satisfied(e, "ns/a"));
	controller_manager_expect_add_seen(e, "ns/a");
	ASSERT_FALSE(controller_manager_expect_satisfied(e, "ns/a"));
	controller_manager_expect_add_seen(e, "ns/a");
	ASSERT_TRUE(controller_manager_expect_satisfied(e, "ns/a"));
	/* over-observing stays satisfied */
	controller_manager_expect_add_seen(e, "ns/a");
	ASSERT_TRUE(controller_manager_expect_satisfied(e, "ns/a"));
	ASSERT_FALSE(controller_manager_expect_satisfied(e, "ns/b"));
	controller_manager_expect_del_seen(e, "ns/b");
	ASSERT_TRUE(controller_manager_expect_satisfied(e, "ns/b"));
	controller_manager_expect_set(e, "ns/b", 1, 1);
	controller_manager_expect_forget(e, "ns/b");
	ASSERT_TRUE(controller_manager_expect_satisfied(e, "ns/b"));
	/* unknown keys are no-ops */
	controller_manager_expect_add_seen(e, "ns/zzz");
	controller_manager_expect_forget(e, "ns/zzz");
	controller_manager_expect_free(e);
}
