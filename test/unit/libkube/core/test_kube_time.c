/* Tests for libkube/core/kube_time.c. */
#include "kube_test.h"

#include "core/kube_time.h"

#define S KUBE_NS_PER_SEC

static const struct {
	const char *in;
	int64_t ns;
	int ok;
} parse_cases[] = {
	{ "1970-01-01T00:00:00Z", 0, 1 },
	{ "2026-11-22T18:00:00Z", 1795370400LL * S, 1 },
	{ "2026-11-22T18:00:00.123456Z", 1795370400LL * S + 123456000, 1 },
	{ "2026-11-22T20:00:00+02:00", 1795370400LL * S, 1 },
	{ "2026-11-22T13:30:00-04:30", 1795370400LL * S, 1 },
	{ "2026-11-22T18:00:00.5Z", 1795370400LL * S + 500000000, 1 },
	{ "2026-11-22T18:00:00.1234567891Z", 1795370400LL * S + 123456789, 1 },
	{ "1969-12-31T23:59:59Z", -S, 1 },
	{ "2024-02-29T00:00:00Z", 1709164800LL * S, 1 },
	{ "2000-01-01T00:00:00Z", 946684800LL * S, 1 },
	{ "2023-02-29T00:00:00Z", 0, 0 },
	{ "2026-11-22 18:00:00Z", 0, 0 },
	{ "2026-11-22T18:00:00", 0, 0 },
	{ "2026-11-22T18:00:00.Z", 0, 0 },
	{ "2026-11-22T24:00:00Z", 0, 0 },
	{ "2026-11-22T18:60:00Z", 0, 0 },
	{ "2026-13-22T18:00:00Z", 0, 0 },
	{ "2026-11-22T18:00:00+0200", 0, 0 },
	{ "2026-11-22T18:00:00Zx", 0, 0 },
	{ "", 0, 0 },
	{ "26-11-22T18:00:00Z", 0, 0 },
};

TEST(time_parse)
{
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		int64_t ns = 42;
		int r = kube_time_parse_rfc3339(parse_cases[i].in, &ns);
		if (parse_cases[i].ok ? (r != 0 || ns != parse_cases[i].ns) : (r != -EINVAL || ns != 42))
			kube_test_fail(__FILE__, __LINE__, "%s: r=%d ns=%" PRId64, parse_cases[i].in, r, ns);
	}
}

TEST(time_format)
{
	char buf[64];

	ASSERT_EQ(kube_time_format_rfc3339(1795370400LL * S + 999999999, buf, sizeof(buf)), 20);
	ASSERT_STREQ(buf, "2026-11-22T18:00:00Z");
	ASSERT_EQ(kube_time_format_rfc3339_micro(1795370400LL * S + 123456789, buf, sizeof(buf)), 27);
	ASSERT_STREQ(buf, "2026-11-22T18:00:00.123456Z");
	ASSERT_OK(kube_time_format_rfc3339(-1, buf, sizeof(buf)));
	ASSERT_STREQ(buf, "1969-12-31T23:59:59Z");
	ASSERT_OK(kube_time_format_rfc3339_micro(0, buf, sizeof(buf)));
	ASSERT_STREQ(buf, "1970-01-01T00:00:00.000000Z");
	ASSERT_EQ(kube_time_format_rfc3339(0, buf, 20), -ERANGE);
	ASSERT_STREQ(buf, "");
	ASSERT_EQ(kube_time_format_rfc3339(INT64_MAX, buf, sizeof(buf)), 20); /* year 2262 */
	ASSERT_STREQ(buf, "2262-04-11T23:47:16Z");
}

TEST(time_roundtrip)
{
	int64_t t = -9000000000LL; /* 1684 */
	char buf[64];

	for (int i = 0; i < 2000; i++, t += 8000000LL + 12345) { /* to 2191 */
		int64_t back, ns = t * S + 123456000;
		ASSERT_OK(kube_time_format_rfc3339_micro(ns, buf, sizeof(buf)));
		ASSERT_OK(kube_time_parse_rfc3339(buf, &back));
		ASSERT_EQ(back, ns);
	}
	ASSERT_OK(kube_time_format_rfc3339(-9000000000LL * S, buf, sizeof(buf)));
	ASSERT_STREQ(buf, "1684-10-19T08:00:00Z");
}

static const struct {
	int64_t secs;
	const char *human, *shorth;
} human_cases[] = {
	{ -3, "<invalid>", "<invalid>" },
	{ -1, "0s", "0s" },
	{ 0, "0s", "0s" },
	{ 5, "5s", "5s" },
	{ 119, "119s", "1m" },
	{ 120, "2m", "2m" },
	{ 150, "2m30s", "2m" },
	{ 599, "9m59s", "9m" },
	{ 600, "10m", "10m" },
	{ 3 * 3600 - 1, "179m", "2h" },
	{ 3 * 3600, "3h", "3h" },
	{ 3 * 3600 + 20 * 60, "3h20m", "3h" },
	{ 8 * 3600, "8h", "8h" },
	{ 47 * 3600 + 59 * 60, "47h", "1d" },
	{ 48 * 3600, "2d", "2d" },
	{ 3 * 86400 + 4 * 3600, "3d4h", "3d" },
	{ 8 * 86400, "8d", "8d" },
	{ 729 * 86400, "729d", "1y" },
	{ 730 * 86400, "2y", "2y" },
	{ (3 * 365 + 40) * 86400LL, "3y40d", "3y" },
	{ 8 * 365 * 86400LL, "8y", "8y" },
	{ 10 * 365 * 86400LL + 86400 * 100, "10y", "10y" },
};

TEST(time_human_duration)
{
	char buf[KUBE_TIME_HUMAN_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(human_cases); i++) {
		kube_time_human_duration(human_cases[i].secs * S, buf, sizeof(buf));
		ASSERT_STREQ(buf, human_cases[i].human);
		kube_time_short_human_duration(human_cases[i].secs * S, buf, sizeof(buf));
		ASSERT_STREQ(buf, human_cases[i].shorth);
	}
	kube_time_human_duration(-1500000000LL, buf, sizeof(buf)); /* -1.5s: int() truncates to -1 */
	ASSERT_STREQ(buf, "0s");
}

TEST(time_parse_range)
{
	int64_t ns = 42;

	ASSERT_EQ(kube_time_parse_rfc3339("9999-12-31T23:59:59Z", &ns), -ERANGE);
	ASSERT_EQ(kube_time_parse_rfc3339("0001-01-01T00:00:00Z", &ns), -ERANGE);
	ASSERT_EQ(ns, 42);
	ASSERT_OK(kube_time_parse_rfc3339("2262-01-01T00:00:00Z", &ns));
}
