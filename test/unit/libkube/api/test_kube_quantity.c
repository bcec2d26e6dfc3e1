#include "kube_test.h"
#include "api/kube_quantity.h"

TEST(quantity_canonical_forms)
{
	/* input -> canonical String(), as upstream's quantity tests. */
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "0", "0" },		{ "100m", "100m" },	{ "0.5", "500m" },
		{ "0.1", "100m" },	{ "1", "1" },		{ "1000", "1k" },
		{ "1Gi", "1Gi" },	{ "1024Mi", "1Gi" },	{ "1536Mi", "1536Mi" },
		{ "1.5Gi", "1536Mi" },	{ "0.5Gi", "512Mi" },	{ "1.5Ki", "1536" },
		{ "128974848", "128974848" }, { "129e6", "129e6" }, { "1e3", "1e3" },
		{ "1.5G", "1500M" },	{ "12E", "12E" },	{ "+1", "1" },
		{ "-5", "-5" },		{ "-100m", "-100m" },	{ "1n", "1n" },
		{ "0.0000000001", "1n" }, { "1Ki", "1Ki" },	{ "1023", "1023" },
		{ "5000m", "5" },	{ "1e-3", "1e-3" },	{ "100Mi", "100Mi" },
		{ "0.1Gi", "107374182400m" }, { "1000E", "1e21" }, { "100.035k", "100035" },
		{ "0.0005k", "500m" },	{ "1.01E", "1010P" },	{ "40.1T", "40100G" },
		{ "1.2e3", "1200" },	{ "80e-3", "80e-3" },	{ "3.001n", "4n" },
		{ "0.000000000001Ki", "2n" }, { "0.5Mi", "512Ki" }, { "1.", "1" },
		{ ".001", "1m" },	{ "1.G", "1G" },	{ "9Ei", "9223372036854775807" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_quantity_t q;
		char buf[64];
		if (kube_quantity_parse(cases[i].in, &q) < 0)
			kube_test_fail(__FILE__, __LINE__, "parse %s", cases[i].in);
		kube_quantity_format(&q, buf, sizeof(buf));
		if (strcmp(buf, cases[i].out) != 0)
			kube_test_fail(__FILE__, __LINE__, "%s -> %s, want %s", cases[i].in, buf, cases[i].out);
	}
}

TEST(quantity_errors)
{
	static const char *const bad[] = { "", "abc", "1.2.3", "1Gb", "1 Gi", "--1", "1e", ".", "1KI", "e3",
					   "1.1.M", "1+1.0M", "0.1mi", "0.1am", ".5i", "1i", "-3.01e-", " 1", "1 " };
	kube_quantity_t q;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (kube_quantity_parse(bad[i], &q) >= 0)
			kube_test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
	ASSERT_EQ(kube_quantity_parse("99999999999999999999999999999999999999999999Ei", &q), -ERANGE);
}

TEST(quantity_values_and_arithmetic)
{
	kube_quantity_t a, b;

	ASSERT_OK(kube_quantity_parse("100m", &a));
	ASSERT_EQ(kube_quantity_milli_value(&a), 100);
	ASSERT_EQ(kube_quantity_value(&a), 1); /* rounded up */
	ASSERT_OK(kube_quantity_parse("1Gi", &b));
	ASSERT_EQ(kube_quantity_value(&b), 1073741824);
	ASSERT_OK(kube_quantity_parse("1.5", &b));
	ASSERT_EQ(kube_quantity_cmp(&a, &b), -1);
	kube_quantity_add(&a, &b);
	ASSERT_EQ(kube_quantity_milli_value(&a), 1600);
	kube_quantity_sub(&a, &b);
	kube_quantity_sub(&a, &b);
	char buf[32];
	kube_quantity_format(&a, buf, sizeof(buf));
	ASSERT_STREQ(buf, "-1400m");
	kube_quantity_t m = kube_quantity_from_milli(2500, KUBE_QTY_DECIMAL_SI);
	kube_quantity_format(&m, buf, sizeof(buf));
	ASSERT_STREQ(buf, "2500m");
}
