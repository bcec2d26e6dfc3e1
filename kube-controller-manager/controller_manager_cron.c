/* controller_manager_cron: cron parsing and next-activation, see the header. */
#include "controller_manager_cron.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kube_core.h"
#include "core/kube_time.h"
#include "controller_manager_tz.h"

#define STAR_BIT (1ULL << 63)

struct controller_manager_cron {
	uint64_t minute, hour, dom, month, dow;
	int64_t every;	/* @every: the delay in seconds; 0 otherwise */
	controller_manager_tz_t *tz;
};

typedef struct cron_bounds {
	int min, max;
	const char *const *names; /* index = value - name_base */
	int name_base;
} cron_bounds_t;

static const char *const month_names[] = { "jan", "feb", "mar", "apr", "may", "jun",
					   "jul", "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const dow_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };

static const cron_bounds_t b_minute = { 0, 59, NULL, 0 };
static const cron_bounds_t b_hour = { 0, 23, NULL, 0 };
static const cron_bounds_t b_dom = { 1, 31, NULL, 0 };
static const cron_bounds_t b_month = { 1, 12, month_names, 1 };
static const cron_bounds_t b_dow = { 0, 6, dow_names, 0 };

void controller_manager_cron_free(controller_manager_cron_t *c)
{
	if (!c)
		return;
	controller_manager_tz_free(c->tz);
	kube_free(c);
}

static int fail(char **ret_err, int r, const char *fmt, const char *arg)
{
	if (ret_err)
		*ret_err = kube_asprintf(fmt, arg);
	return r;
}

/* A non-negative decimal integer (Go's strconv.Atoi, '+' allowed). */
static int parse_uint(const char *s, size_t n, int *ret)
{
	long v = 0;
	size_t i = 0;
	if (n && s[0] == '+')
		i++;
	if (i == n)
		return -EINVAL;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
		if (v > 1000000)
			return -ERANGE;
	}
	*ret = (int)v;
	return 0;
}

static int parse_int_or_name(const char *s, size_t n, const cron_bounds_t *b, int *ret)
{
	if (b->names) {
		for (int i = 0; b->names[i]; i++)
			if (strlen(b->names[i]) == n && strncasecmp(b->names[i], s, n) == 0) {
				*ret = i + b->name_base;
				return 0;
			}
	}
	return parse_uint(s, n, ret);
}

/* One range expression: "*", "?", "a", "a-b", each with an optional "/step". */
static int parse_range(const char *e, size_t n, const cron_bounds_t *b, uint64_t *bits, char **ret_err)
{
	_cleanup_free_ char *expr = kube_strndup(e, n);
	const char *slash = strchr(expr, '/');
	size_t rlen = slash ? (size_t)(slash - expr) : n;
	int start, end, step = 1;
	uint64_t extra = 0;
	bool single = !memchr(expr, '-', rlen);

	if (slash && strchr(slash + 1, '/'))
		return fail(ret_err, -EINVAL, "too many slashes: %s", expr);
	const char *dash = memchr(expr, '-', rlen);
	size_t lowlen = dash ? (size_t)(dash - expr) : rlen;
	if ((lowlen == 1 && (expr[0] == '*' || expr[0] == '?'))) {
		start = b->min;
		end = b->max;
		extra = STAR_BIT;
	} else {
		if (parse_int_or_name(expr, lowlen, b, &start) < 0)
			return fail(ret_err, -EINVAL, "failed to parse int from %s", expr);
		if (!dash) {
			end = start;
		} else {
			const char *hi = dash + 1;
			size_t hilen = rlen - lowlen - 1;
			if (memchr(hi, '-', hilen))
				return fail(ret_err, -EINVAL, "too many hyphens: %s", expr);
			if (parse_int_or_name(hi, hilen, b, &end) < 0)
				return fail(ret_err, -EINVAL, "failed to parse int from %s", expr);
		}
	}
	if (slash) {
		if (parse_uint(slash + 1, strlen(slash + 1), &step) < 0)
			return fail(ret_err, -EINVAL, "failed to parse int from %s", expr);
		if (single)
			end = b->max;
		if (step > 1)
			extra = 0;
	}
	if (start < b->min)
		return fail(ret_err, -EINVAL, "beginning of range below minimum: %s", expr);
	if (end > b->max)
		return fail(ret_err, -EINVAL, "end of range above maximum: %s", expr);
	if (start > end)
		return fail(ret_err, -EINVAL, "beginning of range after end: %s", expr);
	if (step == 0)
		return fail(ret_err, -EINVAL, "step of range should be a positive number: %s", expr);
	for (int v = start; v <= end; v += step)
		*bits |= 1ULL << v;
	*bits |= extra;
	return 0;
}

static int parse_field(const char *f, size_t n, const cron_bounds_t *b, uint64_t *bits, char **ret_err)
{
	*bits = 0;
	size_t i = 0;
	for (;;) {
		const char *comma = memchr(f + i, ',', n - i);
		size_t len = comma ? (size_t)(comma - (f + i)) : n - i;
		int r = parse_range(f + i, len, b, bits, ret_err);
		if (r < 0)
			return r;
		if (!comma)
			return 0;
		i += len + 1;
	}
}

/* Go's time.ParseDuration, in nanoseconds. */
static int parse_go_duration(const char *s, int64_t *ret)
{
	static const struct { const char *u; uint64_t ns; } units[] = {
		{ "ns", 1ULL }, { "us", 1000ULL }, { "\xc2\xb5s", 1000ULL }, { "\xce\xbcs", 1000ULL },
		{ "ms", 1000000ULL }, { "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	bool neg = false;
	uint64_t total = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*ret = 0;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	while (*s) {
		uint64_t v = 0;
		double frac = 0, scale = 1;
		bool digits = false;
		while (*s >= '0' && *s <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return -ERANGE;
			v = v * 10 + (uint64_t)(*s++ - '0');
			digits = true;
		}
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9') {
				scale /= 10;
				frac += (*s++ - '0') * scale;
				digits = true;
			}
		}
		if (!digits)
			return -EINVAL;
		size_t ulen = 0;
		while (s[ulen] && s[ulen] != '.' && !(s[ulen] >= '0' && s[ulen] <= '9'))
			ulen++;
		uint64_t unit = 0;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++)
			if (strlen(units[i].u) == ulen && strncmp(units[i].u, s, ulen) == 0)
				unit = units[i].ns;
		if (!unit)
			return -EINVAL;
		s += ulen;
		if (v > (1ULL << 63) / unit)
			return -ERANGE;
		v = v * unit + (uint64_t)(frac * (double)unit);
		total += v;
		if (total > (1ULL << 63))
			return -ERANGE;
	}
	if (!neg && total == (1ULL << 63))
		return -ERANGE;
	*ret = neg ? -(int64_t)(total - 1) - 1 : (int64_t)total;
	return 0;
}

static const struct {
	const char *name;
	const char *spec;
} descriptors[] = {
	{ "@yearly", "0 0 1 1 *" },  { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" },  { "@daily", "0 0 * * *" },	    { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

static int parse_fields(controller_manager_cron_t *c, const char *spec, char **ret_err)
{
	const char *fs[5];
	size_t fl[5];
	int nf = 0;
	const char *p = spec;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f'))
			p++;
		if (nf < 5) {
			fs[nf] = s;
			fl[nf] = (size_t)(p - s);
		}
		nf++;
	}
	if (nf != 5) {
		if (ret_err)
			*ret_err = kube_asprintf("expected exactly 5 fields, found %d: %s", nf, spec);
		return -EINVAL;
	}
	const cron_bounds_t *bounds[5] = { &b_minute, &b_hour, &b_dom, &b_month, &b_dow };
	uint64_t *bits[5] = { &c->minute, &c->hour, &c->dom, &c->month, &c->dow };
	for (int i = 0; i < 5; i++) {
		int r = parse_field(fs[i], fl[i], bounds[i], bits[i], ret_err);
		if (r < 0)
			return r;
	}
	return 0;
}

int controller_manager_cron_parse(const char *spec, const char *time_zone,
				  controller_manager_cron_t **ret, char **ret_err)
{
	if (ret_err)
		*ret_err = NULL;
	if (!spec || !*spec)
		return fail(ret_err, -EINVAL, "empty spec string%s", "");
	_cleanup_free_ char *zone = NULL;
	if (kube_startswith(spec, "TZ=") || kube_startswith(spec, "CRON_TZ=")) {
		const char *eq = strchr(spec, '=');
		const char *sp = strchr(spec, ' ');
		if (!sp)
			return fail(ret_err, -EINVAL, "provided bad location %s", spec);
		zone = kube_strndup(eq + 1, (size_t)(sp - eq - 1));
		spec = sp;
		while (*spec == ' ' || *spec == '\t')
			spec++;
	}
	const char *tzname = zone ? zone : time_zone ? time_zone : "Local";
	controller_manager_cron_t *c = kube_calloc(1, sizeof(*c));
	int r = controller_manager_tz_load(tzname, &c->tz);
	if (r < 0) {
		kube_free(c);
		return fail(ret_err, r, "unknown time zone %s", tzname);
	}
	if (spec[0] == '@') {
		r = -EINVAL;
		for (size_t i = 0; i < ARRAY_SIZE(descriptors); i++)
			if (strcmp(spec, descriptors[i].name) == 0)
				r = parse_fields(c, descriptors[i].spec, ret_err);
		if (kube_startswith(spec, "@every ")) {
			int64_t ns;
			if (parse_go_duration(spec + 7, &ns) < 0) {
				controller_manager_cron_free(c);
				return fail(ret_err, -EINVAL, "failed to parse duration %s", spec);
			}
			c->every = ns < KUBE_NS_PER_SEC ? 1 : ns / KUBE_NS_PER_SEC;
			r = 0;
		} else if (r < 0 && ret_err && !*ret_err) {
			*ret_err = kube_asprintf("unrecognized descriptor: %s", spec);
		}
	} else {
		r = parse_fields(c, spec, ret_err);
	}
	if (r < 0) {
		controller_manager_cron_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

static bool day_matches(const controller_manager_cron_t *c, unsigned d, int wd)
{
	bool dom = c->dom & (1ULL << d), dow = c->dow & (1ULL << wd);
	if ((c->dom & STAR_BIT) || (c->dow & STAR_BIT))
		return dom && dow;
	return dom || dow;
}

/* The earliest instant after t whose local time is the civil second u
 * (seconds since the epoch as if UTC), or -1 if u falls in a gap. */
static int64_t resolve(const controller_manager_cron_t *c, int64_t u, int64_t t)
{
	int32_t offs[3] = { controller_manager_tz_offset(c->tz, u - 86400),
			    controller_manager_tz_offset(c->tz, u),
			    controller_manager_tz_offset(c->tz, u + 86400) };
	int64_t best = -1;
	for (int i = 0; i < 3; i++) {
		int64_t inst = u - offs[i];
		if (controller_manager_tz_offset(c->tz, inst) == offs[i] && inst > t &&
		    (best < 0 || inst < best))
			best = inst;
	}
	return best;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t controller_manager_cron_next(const controller_manager_cron_t *c, int64_t t)
{
	if (c->every)
		return t + c->every;
	/* civil minutes from the one after t's local minute */
	int64_t cm = floor_div(t + controller_manager_tz_offset(c->tz, t), 60) + 1;
	int64_t days = floor_div(cm, 1440);
	int mod = (int)(cm - days * 1440);
	int64_t y0;
	unsigned m0, d0;
	kube_time_civil_from_days(days, &y0, &m0, &d0);
	int64_t limit = kube_time_days_from_civil(y0 + 6, 1, 1);

	while (days < limit) {
		int64_t y;
		unsigned mo, d;
		kube_time_civil_from_days(days, &y, &mo, &d);
		if (!(c->month & (1ULL << mo))) {
			days = mo == 12 ? kube_time_days_from_civil(y + 1, 1, 1)
					: kube_time_days_from_civil(y, mo + 1, 1);
			mod = 0;
			continue;
		}
		int wd = (int)(((days % 7) + 7 + 4) % 7);
		if (!day_matches(c, d, wd)) {
			days++;
			mod = 0;
			continue;
		}
		int h = mod / 60, mi = mod % 60;
		if (!(c->hour & (1ULL << h))) {
			mod = (h + 1) * 60;
		} else if (!(c->minute & (1ULL << mi))) {
			mod++;
		} else {
			int64_t inst = resolve(c, days * 86400 + (int64_t)mod * 60, t);
			if (inst >= 0)
				return inst;
			mod++;
		}
		if (mod >= 1440) {
			days++;
			mod = 0;
		}
	}
	return -1;
}

int64_t controller_manager_cron_most_recent(const controller_manager_cron_t *c, int64_t after,
					    int64_t now, int *ret_missed)
{
	int missed = 0;
	int64_t t = after, last = -1;
	for (;;) {
		int64_t n = controller_manager_cron_next(c, t);
		if (n < 0 || n > now)
			break;
		last = t = n;
		if (++missed > 100)
			break;
	}
	if (ret_missed)
		*ret_missed = missed;
	if (missed <= 100)
		return last;
	/* many missed: look back from now over growing windows */
	static const int64_t windows[] = { 3600, 86400, 32 * 86400, 367 * 86400, 6 * 367 * 86400LL };
	for (size_t i = 0; i < ARRAY_SIZE(windows); i++) {
		int64_t s = KUBE_MAX(after, now - windows[i]);
		int64_t found = -1;
		for (int64_t n = controller_manager_cron_next(c, s); n >= 0 && n <= now;
		     n = controller_manager_cron_next(c, n))
			found = n;
		if (found >= 0)
			return found;
	}
	return last;
}
