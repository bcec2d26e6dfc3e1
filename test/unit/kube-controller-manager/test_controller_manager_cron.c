/* Tests for kube-controller-manager/controller_manager_cron.c and _tz.c. */
#include "kube_test.h"

#include <errno.h>

#include "core/kube_time.h"
#include "controller_manager_cron.h"
#include "controller_manager_tz.h"

static int64_t ts(const char *s)
{
	int64_t ns;
	if (kube_time_parse_rfc3339(s, &ns) < 0)
		kube_test_fail(__FILE__, __LINE__, "bad time %s", s);
	return ns / KUBE_NS_PER_SEC;
}

static const struct {
	const char *spec, *tz, *from, *want;
} next_cases[] = {
	{ "* * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z" },
	{ "* * * * *", "UTC", "2026-01-01T00:00:59Z", "2026-01-01T00:01:00Z" },
	{ "*/1 * * * *", "UTC", "2026-12-31T23:59:30Z", "2027-01-01T00:00:00Z" },
	{ "*/15 * * * *", "UTC", "2026-01-01T00:14:00Z", "2026-01-01T00:15:00Z" },
	{ "5/20 * * * *", "UTC", "2026-01-01T00:26:00Z", "2026-01-01T00:45:00Z" },
	{ "0 9-17/4 * * *", "UTC", "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z" },
	{ "0 9-17/4 * * *", "UTC", "2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z" },
	{ "30 1,13 * * *", "UTC", "2026-01-01T02:00:00Z", "2026-01-01T13:30:00Z" },
	{ "0 0 1 * *", "UTC", "2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z" },
	{ "0 0 31 * *", "UTC", "2026-02-01T00:00:00Z", "2026-03-31T00:00:00Z" },
	{ "0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z" },
	{ "0 0 30 2 *", "UTC", "2026-01-01T00:00:00Z", NULL },
	{ "0 0 * jan,JUL sun", "UTC", "2026-02-01T00:00:00Z", "2026-07-05T00:00:00Z" },
	{ "0 12 * * MON-FRI", "UTC", "2026-12-04T12:00:00Z", "2026-12-07T12:00:00Z" },
	/* day-of-month OR day-of-week when neither is '*' */
	{ "0 0 13 * 5", "UTC", "2026-12-01T00:00:00Z", "2026-12-04T00:00:00Z" },
	{ "0 0 13 * 5", "UTC", "2026-12-12T00:00:00Z", "2026-12-13T00:00:00Z" },
	/* '?' is '*'; "*\/1" keeps the star, so AND */
	{ "0 0 13 * ?", "UTC", "2026-12-01T00:00:00Z", "2026-12-13T00:00:00Z" },
	{ "0 0 13 * */1", "UTC", "2026-12-01T00:00:00Z", "2026-12-13T00:00:00Z" },
	{ "@hourly", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z" },
	{ "@daily", "UTC", "2026-01-01T10:00:00Z", "2026-01-02T00:00:00Z" },
	{ "@midnight", "UTC", "2026-01-01T10:00:00Z", "2026-01-02T00:00:00Z" },
	{ "@weekly", "UTC", "2026-12-03T10:00:00Z", "2026-12-06T00:00:00Z" },
	{ "@monthly", "UTC", "2026-12-03T10:00:00Z", "2027-01-01T00:00:00Z" },
	{ "@yearly", "UTC", "2026-12-03T10:00:00Z", "2027-01-01T00:00:00Z" },
	{ "@annually", "UTC", "2026-12-03T10:00:00Z", "2027-01-01T00:00:00Z" },
	{ "@every 1h30m", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T01:30:00Z" },
	{ "@every 10ms", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z" },
	{ "@every 2.5s", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z" },
	/* time zones */
	{ "0 9 * * *", "Europe/Berlin", "2026-01-01T00:00:00Z", "2026-01-01T08:00:00Z" },
	{ "0 9 * * *", "Europe/Berlin", "2026-07-01T00:00:00Z", "2026-07-01T07:00:00Z" },
	{ "CRON_TZ=America/New_York 0 9 * * *", NULL, "2026-01-01T00:00:00Z", "2026-01-01T14:00:00Z" },
	{ "TZ=Asia/Tokyo 0 9 * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z" },
	{ "TZ=UTC 0 9 * * *", NULL, "2026-01-01T00:00:00Z", "2026-01-01T09:00:00Z" },
	/* Berlin springs forward on 2026-03-29 at 02:00: 02:30 does not exist */
	{ "30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-30T00:30:00Z" },
	{ "0 3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z" },
	/* far beyond the last transition (the POSIX footer rules) */
	{ "0 12 * * *", "Europe/Berlin", "2090-07-01T00:00:00Z", "2090-07-01T10:00:00Z" },
	{ "0 12 * * *", "America/New_York", "2090-12-01T00:00:00Z", "2090-12-01T17:00:00Z" },
};

TEST(next)
{
	for (size_t i = 0; i < ARRAY_SIZE(next_cases); i++) {
		controller_manager_cron_t *c = NULL;
		char *err = NULL;
		int r = controller_manager_cron_parse(next_cases[i].spec, next_cases[i].tz, &c, &err);
		if (r < 0) {
			printf("parse %s: %s\n", next_cases[i].spec, err ? err : "?");
			kube_free(err);
			ASSERT_OK(r);
		}
		int64_t got = controller_manager_cron_next(c, ts(next_cases[i].from));
		controller_manager_cron_free(c);
		int64_t want = next_cases[i].want ? ts(next_cases[i].want) : -1;
		if (got != want) {
			char buf[KUBE_TIME_RFC3339_SIZE] = "none";
			if (got >= 0)
				kube_time_format_rfc3339(got * KUBE_NS_PER_SEC, buf, sizeof(buf));
			kube_test_fail(__FILE__, __LINE__, "%s from %s: got %s want %s", next_cases[i].spec,
				       next_cases[i].from, buf, next_cases[i].want ? next_cases[i].want : "none");
		}
	}
}

TEST(sequence_every_minute)
{
	controller_manager_cron_t *c;
	ASSERT_OK(controller_manager_cron_parse("*/1 * * * *", "UTC", &c, NULL));
	int64_t t = ts("2026-12-03T17:00:30Z");
	for (int i = 1; i <= 120; i++) {
		t = controller_manager_cron_next(c, t);
		ASSERT_EQ(t, ts("2026-12-03T17:00:00Z") + i * 60);
	}
	controller_manager_cron_free(c);
}

static const struct {
	const char *spec, *tz, *err;
} bad_cases[] = {
	{ "", NULL, "empty spec string" },
	{ "* * * *", "UTC", "expected exactly 5 fields, found 4: * * * *" },
	{ "* * * * * *", "UTC", "expected exactly 5 fields, found 6: * * * * * *" },
	{ "60 * * * *", "UTC", "end of range above maximum: 60" },
	{ "* 24 * * *", "UTC", "end of range above maximum: 24" },
	{ "* * 0 * *", "UTC", "beginning of range below minimum: 0" },
	{ "* * * 13 *", "UTC", "end of range above maximum: 13" },
	{ "* * * * 7", "UTC", "end of range above maximum: 7" },
	{ "5-1 * * * *", "UTC", "beginning of range after end: 5-1" },
	{ "*/0 * * * *", "UTC", "step of range should be a positive number: */0" },
	{ "1-2-3 * * * *", "UTC", "too many hyphens: 1-2-3" },
	{ "*/2/3 * * * *", "UTC", "too many slashes: */2/3" },
	{ "x * * * *", "UTC", "failed to parse int from x" },
	{ "1,,2 * * * *", "UTC", "failed to parse int from " },
	{ "* * * foo *", "UTC", "failed to parse int from foo" },
	{ "@often", "UTC", "unrecognized descriptor: @often" },
	{ "@every x", "UTC", "failed to parse duration @every x" },
	{ "* * * * *", "Mars/Olympus", "unknown time zone Mars/Olympus" },
	{ "* * * * *", "../../etc/passwd", "unknown time zone ../../etc/passwd" },
	{ "CRON_TZ=Nowhere/None * * * * *", NULL, "unknown time zone Nowhere/None" },
	{ "TZ=UTC", NULL, "provided bad location TZ=UTC" },
};

TEST(errors)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		controller_manager_cron_t *c = NULL;
		char *err = NULL;
		int r = controller_manager_cron_parse(bad_cases[i].spec, bad_cases[i].tz, &c, &err);
		ASSERT_LT(r, 0);
		ASSERT_NULL(c);
		bool same = err && strcmp(err, bad_cases[i].err) == 0;
		if (!same) {
			printf("%s: got \"%s\"\n", bad_cases[i].spec, err ? err : "(null)");
			kube_free(err);
		}
		ASSERT_TRUE(same);
		kube_free(err);
	}
}

static const struct {
	const char *rule, *at;
	int32_t off;
} posix_cases[] = {
	{ "UTC0", "2026-07-01T00:00:00Z", 0 },
	{ "JST-9", "2026-07-01T00:00:00Z", 9 * 3600 },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", "2026-03-29T00:59:59Z", 3600 },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", "2026-03-29T01:00:00Z", 7200 },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", "2026-10-25T00:59:59Z", 7200 },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", "2026-10-25T01:00:00Z", 3600 },
	{ "EST5EDT", "2026-03-08T06:59:59Z", -5 * 3600 },
	{ "EST5EDT", "2026-03-08T07:00:00Z", -4 * 3600 },
	{ "<-03>3", "2026-01-01T00:00:00Z", -3 * 3600 },
	/* southern hemisphere: DST across the new year */
	{ "AEST-10AEDT,M10.1.0,M4.1.0/3", "2026-01-15T00:00:00Z", 11 * 3600 },
	{ "AEST-10AEDT,M10.1.0,M4.1.0/3", "2026-06-15T00:00:00Z", 10 * 3600 },
	{ "XXX3YYY,J60/0,J300", "2026-03-01T03:00:00Z", -2 * 3600 },
	{ "XXX3YYY,59/0,300", "2028-02-29T03:00:00Z", -2 * 3600 },
};

TEST(posix_rules)
{
	for (size_t i = 0; i < ARRAY_SIZE(posix_cases); i++) {
		controller_manager_tz_t *tz;
		ASSERT_OK(controller_manager_tz_from_posix(posix_cases[i].rule, &tz));
		int32_t got = controller_manager_tz_offset(tz, ts(posix_cases[i].at));
		controller_manager_tz_free(tz);
		if (got != posix_cases[i].off)
			printf("%s at %s: %d\n", posix_cases[i].rule, posix_cases[i].at, got);
		ASSERT_EQ(got, posix_cases[i].off);
	}
	const char *bad[] = { "", "C", "CET", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
			      "CET-1CEST,M3.5.0,M10.5.0x", "CET99" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		controller_manager_tz_t *tz = NULL;
		ASSERT_EQ(controller_manager_tz_from_posix(bad[i], &tz), -EINVAL);
	}
}

TEST(tzif_files)
{
	controller_manager_tz_t *tz;
	ASSERT_OK(controller_manager_tz_load("Europe/Berlin", &tz));
	ASSERT_EQ(controller_manager_tz_offset(tz, ts("2026-01-01T00:00:00Z")), 3600);
	ASSERT_EQ(controller_manager_tz_offset(tz, ts("2026-07-01T00:00:00Z")), 7200);
	ASSERT_EQ(controller_manager_tz_offset(tz, ts("1990-07-01T00:00:00Z")), 7200);
	controller_manager_tz_free(tz);
	ASSERT_EQ(controller_manager_tz_load("Nowhere/None", &tz), -ENOENT);
	ASSERT_EQ(controller_manager_tz_load("/etc/passwd", &tz), -EINVAL);
	ASSERT_EQ(controller_manager_tz_load("Europe", &tz), -ENOENT);
	ASSERT_OK(controller_manager_tz_load("Local", &tz));
	controller_manager_tz_free(tz);
	const uint8_t junk[] = "TZif2 not really";
	ASSERT_EQ(controller_manager_tz_from_data(junk, sizeof(junk), &tz), -EINVAL);
}

TEST(most_recent)
{
	controller_manager_cron_t *c;
	int missed;
	ASSERT_OK(controller_manager_cron_parse("*/5 * * * *", "UTC", &c, NULL));
	int64_t base = ts("2026-12-03T10:00:00Z");
	ASSERT_EQ(controller_manager_cron_most_recent(c, base, base + 299, &missed), -1);
	ASSERT_EQ(missed, 0);
	ASSERT_EQ(controller_manager_cron_most_recent(c, base, base + 300, &missed), base + 300);
	ASSERT_EQ(missed, 1);
	ASSERT_EQ(controller_manager_cron_most_recent(c, base, base + 1000, &missed), base + 900);
	ASSERT_EQ(missed, 3);
	/* a year late: more than 100 missed, still the latest */
	ASSERT_EQ(controller_manager_cron_most_recent(c, base - 365 * 86400, base + 1000, &missed), base + 900);
	ASSERT_EQ(missed, 101);
	controller_manager_cron_free(c);
}
