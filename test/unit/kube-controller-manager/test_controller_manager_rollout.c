/* Tests for kube-controller-manager/controller_manager_rollout.c. */
#include "kube_test.h"

#include <errno.h>

#include "api/kube_json.h"
#include "controller_manager_rollout.h"

static cJSON *J(const char *s)
{
	return kube_json_parse(s, strlen(s));
}

TEST(safe_encode_alphabet)
{
	char out[16];
	controller_manager_rollout_safe_encode("1234567890", out, sizeof(out));
	ASSERT_STREQ(out, "56789bcdf4");
	controller_manager_rollout_safe_encode("", out, sizeof(out));
	ASSERT_STREQ(out, "");
}

TEST(hash_properties)
{
	cJSON *a = J("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"busybox\",\"image\":\"busybox\"}]}}");
	cJSON *b = J("{\"spec\":{\"containers\":[{\"image\":\"busybox\",\"name\":\"busybox\"}]},\"metadata\":{\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"xyz\"}}}");
	cJSON *c = J("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"busybox\",\"image\":\"nginx\"}]}}");
	char ha[16], hb[16], hc[16], h1[16], h2[16];
	controller_manager_rollout_hash(a, -1, ha);
	controller_manager_rollout_hash(b, -1, hb);
	controller_manager_rollout_hash(c, -1, hc);
	controller_manager_rollout_hash(a, 1, h1);
	controller_manager_rollout_hash(a, 2, h2);
	/* key order and an existing hash label do not matter */
	ASSERT_STREQ(ha, hb);
	ASSERT_TRUE(strcmp(ha, hc) != 0);
	ASSERT_TRUE(strcmp(ha, h1) != 0);
	ASSERT_TRUE(strcmp(h1, h2) != 0);
	ASSERT_GE(strlen(ha), 1);
	ASSERT_LE(strlen(ha), 10);
	for (const char *p = ha; *p; p++)
		ASSERT_TRUE(strchr("bcdfghjklmnpqrstvwxz2456789", *p) != NULL);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}

TEST(template_equal_semantic)
{
	static const struct {
		const char *a, *b;
		bool eq;
	} cases[] = {
		/* nil and empty, null and absent, patch directives */
		{ "{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}}}",
		  "{\"metadata\":{\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"abc\"}}}", true },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{}}],\"volumes\":[]}}",
		  "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}", true },
		{ "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"}],\"containers\":[{\"name\":\"c\"}]}}",
		  "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}", true },
		{ "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"a\"}]}}",
		  "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"b\"}]}}", false },
		{ "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}",
		  "{\"metadata\":{\"labels\":{\"app\":\"web\"},\"annotations\":{\"x\":\"y\"}}}", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *a = J(cases[i].a), *b = J(cases[i].b);
		bool eq = controller_manager_rollout_template_equal(a, b);
		char ha[16], hb[16];
		controller_manager_rollout_hash(a, -1, ha);
		controller_manager_rollout_hash(b, -1, hb);
		cJSON_Delete(a);
		cJSON_Delete(b);
		if (eq != cases[i].eq || (strcmp(ha, hb) == 0) != cases[i].eq)
			kube_test_fail(__FILE__, __LINE__, "case %zu: equal %d hashes %s %s", i, eq, ha, hb);
	}
}

TEST(fenceposts_table)
{
	static const struct {
		const char *surge, *unavail;
		int64_t desired, want_s, want_u;
		int rc;
	} cases[] = {
		{ "\"25%\"", "\"25%\"", 10, 3, 2, 0 },
		{ "\"25%\"", "\"25%\"", 4, 1, 1, 0 },
		{ "\"25%\"", "\"25%\"", 1, 1, 0, 0 },
		{ "0", "0", 5, 0, 1, 0 },
		{ "\"0%\"", "\"0%\"", 5, 0, 1, 0 },
		{ "\"50%\"", "1", 3, 2, 1, 0 },
		{ "1", "\"10%\"", 5, 1, 0, 0 },
		{ "\"100%\"", "\"100%\"", 7, 7, 7, 0 },
		{ "\"abc\"", "1", 5, 0, 0, -EINVAL },
		{ "1", "\"5\"", 5, 0, 0, -EINVAL },
		{ "\"x%\"", "1", 5, 0, 0, -EINVAL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cJSON *s = J(cases[i].surge), *u = J(cases[i].unavail);
		int64_t gs = -1, gu = -1;
		int rc = controller_manager_rollout_fenceposts(s, u, cases[i].desired, &gs, &gu);
		cJSON_Delete(s);
		cJSON_Delete(u);
		ASSERT_EQ(rc, cases[i].rc);
		if (rc == 0) {
			ASSERT_EQ(gs, cases[i].want_s);
			ASSERT_EQ(gu, cases[i].want_u);
		}
	}
}

TEST(from_deployment_defaults)
{
	cJSON *d = J("{\"spec\":{\"replicas\":10}}");
	controller_manager_rollout_t r;
	ASSERT_OK(controller_manager_rollout_from_deployment(d, &r));
	ASSERT_EQ(r.max_surge, 3);
	ASSERT_EQ(r.max_unavailable, 2);
	ASSERT_FALSE(r.recreate);
	cJSON_Delete(d);
	d = J("{\"spec\":{\"replicas\":2,\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":0,\"maxUnavailable\":5}}}}");
	ASSERT_OK(controller_manager_rollout_from_deployment(d, &r));
	ASSERT_EQ(r.max_surge, 0);
	ASSERT_EQ(r.max_unavailable, 2); /* capped at replicas */
	cJSON_Delete(d);
	d = J("{\"spec\":{\"replicas\":3,\"strategy\":{\"type\":\"Recreate\"}}}");
	ASSERT_OK(controller_manager_rollout_from_deployment(d, &r));
	ASSERT_TRUE(r.recreate);
	ASSERT_EQ(r.max_unavailable, 0);
	cJSON_Delete(d);
}

TEST(new_rs_replicas_table)
{
	static const struct {
		int64_t replicas, surge, old, cur_new, want;
		bool recreate;
	} cases[] = {
		{ 10, 3, 10, 0, 3, false },
		{ 10, 3, 10, 3, 3, false },
		{ 10, 3, 8, 3, 5, false },
		{ 10, 3, 0, 7, 10, false },
		{ 10, 0, 10, 0, 0, false },
		{ 5, 1, 5, 0, 5, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		controller_manager_rollout_t d = { .replicas = cases[i].replicas,
						   .max_surge = cases[i].surge,
						   .recreate = cases[i].recreate };
		controller_manager_rs_t rs[2] = {
			{ .name = "old", .replicas = cases[i].old },
			{ .name = "new", .replicas = cases[i].cur_new },
		};
		ASSERT_EQ(controller_manager_rollout_new_rs_replicas(&d, rs, 2, 1), cases[i].want);
	}
}

TEST(scale_down_old)
{
	controller_manager_rollout_t d = { .replicas = 10, .max_surge = 3, .max_unavailable = 2 };
	controller_manager_rs_t rs[2] = {
		{ .name = "old", .created_ns = 1, .replicas = 10, .available = 10 },
		{ .name = "new", .created_ns = 2, .replicas = 3, .available = 0 },
	};
	ASSERT_EQ(controller_manager_rollout_scale_down_old(&d, rs, 2, 1), 2);
	ASSERT_EQ(rs[0].target, 8);
	ASSERT_EQ(rs[1].target, 3);

	/* unhealthy old replicas go first, regardless of minAvailable */
	controller_manager_rs_t rs2[3] = {
		{ .name = "a", .created_ns = 1, .replicas = 4, .available = 2 },
		{ .name = "b", .created_ns = 2, .replicas = 6, .available = 6 },
		{ .name = "new", .created_ns = 3, .replicas = 3, .available = 3 },
	};
	/* all 13, minAvailable 8, new unavailable 0: may scale down 5 */
	ASSERT_EQ(controller_manager_rollout_scale_down_old(&d, rs2, 3, 2), 5);
	ASSERT_EQ(rs2[0].target, 0); /* 2 unhealthy, then 2 by age */
	ASSERT_EQ(rs2[1].target, 5);
	ASSERT_EQ(rs2[2].target, 3);

	/* no room: nothing */
	controller_manager_rs_t rs3[2] = {
		{ .name = "old", .created_ns = 1, .replicas = 8, .available = 8 },
		{ .name = "new", .created_ns = 2, .replicas = 5, .available = 0 },
	};
	ASSERT_EQ(controller_manager_rollout_scale_down_old(&d, rs3, 2, 1), 0);
	ASSERT_EQ(rs3[0].target, 8);
}

TEST(proportional_scaling)
{
	/* 10 -> 20 mid-rollout: sizes follow max-replicas (13) */
	controller_manager_rollout_t d = { .replicas = 20, .max_surge = 5, .max_unavailable = 5,
					   .status_replicas = 13 };
	controller_manager_rs_t rs[2] = {
		{ .name = "old", .created_ns = 1, .replicas = 8, .max_replicas = 13, .desired = 10 },
		{ .name = "new", .created_ns = 2, .replicas = 5, .max_replicas = 13, .desired = 10 },
	};
	ASSERT_TRUE(controller_manager_rollout_scale(&d, rs, 2, 1));
	ASSERT_EQ(rs[0].target, 15);
	ASSERT_EQ(rs[1].target, 10);

	/* 10 -> 5: scale down, leftovers to the largest */
	controller_manager_rollout_t d2 = { .replicas = 5, .max_surge = 2, .max_unavailable = 1,
					    .status_replicas = 13 };
	controller_manager_rs_t rs2[2] = {
		{ .name = "old", .created_ns = 1, .replicas = 8, .max_replicas = 13 },
		{ .name = "new", .created_ns = 2, .replicas = 5, .max_replicas = 13 },
	};
	ASSERT_TRUE(controller_manager_rollout_scale(&d2, rs2, 2, 1));
	ASSERT_EQ(rs2[0].target + rs2[1].target, 7);
	ASSERT_EQ(rs2[0].target, 4);
	ASSERT_EQ(rs2[1].target, 3);

	/* one active replica set takes the whole size */
	controller_manager_rs_t rs3[2] = {
		{ .name = "old", .created_ns = 1, .replicas = 0 },
		{ .name = "new", .created_ns = 2, .replicas = 5 },
	};
	controller_manager_rollout_t d3 = { .replicas = 20, .max_surge = 5 };
	ASSERT_TRUE(controller_manager_rollout_scale(&d3, rs3, 2, 1));
	ASSERT_EQ(rs3[1].target, 20);
	ASSERT_EQ(rs3[0].target, 0);
	d3.replicas = 5;
	ASSERT_FALSE(controller_manager_rollout_scale(&d3, rs3, 2, 1));

	/* saturated new: old ones go to 0 */
	controller_manager_rs_t rs4[2] = {
		{ .name = "old", .created_ns = 1, .replicas = 2 },
		{ .name = "new", .created_ns = 2, .replicas = 5, .available = 5, .desired = 5 },
	};
	ASSERT_TRUE(controller_manager_rollout_scale(&d3, rs4, 2, 1));
	ASSERT_EQ(rs4[0].target, 0);
	ASSERT_EQ(rs4[1].target, 5);
}
