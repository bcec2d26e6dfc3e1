/* controller_manager_tz: TZif and POSIX TZ rules, see the header. */
#include "controller_manager_tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kube_core.h"
#include "core/kube_time.h"

#define TZ_MAX_FILE (1 << 20)
#define TZ_MAX_TRANS 20000
#define TZ_MAX_TYPES 256

/* One POSIX rule date: Jn (julian, no Feb 29), n (zero-based, leap
 * counted) or Mm.w.d; secs is the local time of day it applies at. */
typedef struct tz_rule_date {
	char kind; /* 'J', 'D', 'M' */
	int n, m, w, d;
	int32_t secs;
} tz_rule_date_t;

typedef struct tz_posix {
	bool valid;
	int32_t std_off, dst_off; /* east of UTC */
	bool has_dst;
	tz_rule_date_t start, end;
} tz_posix_t;

struct controller_manager_tz {
	size_t n_trans;
	int64_t *trans;		/* ascending instants */
	int32_t *trans_off;	/* offset from each transition on */
	int32_t first_off;	/* before the first transition */
	tz_posix_t footer;
};

void controller_manager_tz_free(controller_manager_tz_t *tz)
{
	if (!tz)
		return;
	kube_free(tz->trans);
	kube_free(tz->trans_off);
	kube_free(tz);
}

/* ---- POSIX TZ strings ---- */

static const char *posix_name(const char *p)
{
	if (*p == '<') {
		const char *e = strchr(p, '>');
		if (!e || e - p < 4)
			return NULL;
		return e + 1;
	}
	const char *s = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to max_h; result in seconds (sign applied). */
static const char *posix_time(const char *p, int max_h, int32_t *ret)
{
	int sign = 1, h = 0, m = 0, s = 0, nd = 0;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (*p >= '0' && *p <= '9' && nd < 3) {
		h = h * 10 + (*p++ - '0');
		nd++;
	}
	if (!nd || h > max_h)
		return NULL;
	for (int part = 0; part < 2 && *p == ':'; part++) {
		p++;
		if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9'))
			return NULL;
		int v = (p[0] - '0') * 10 + (p[1] - '0');
		if (v > 59)
			return NULL;
		if (part == 0)
			m = v;
		else
			s = v;
		p += 2;
	}
	*ret = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *posix_num(const char *p, int lo, int hi, int *ret)
{
	int v = 0, nd = 0;
	while (*p >= '0' && *p <= '9' && nd < 4) {
		v = v * 10 + (*p++ - '0');
		nd++;
	}
	if (!nd || v < lo || v > hi)
		return NULL;
	*ret = v;
	return p;
}

static const char *posix_date(const char *p, tz_rule_date_t *d)
{
	d->secs = 7200;
	if (*p == 'J') {
		d->kind = 'J';
		p = posix_num(p + 1, 1, 365, &d->n);
	} else if (*p == 'M') {
		d->kind = 'M';
		p = posix_num(p + 1, 1, 12, &d->m);
		if (!p || *p != '.')
			return NULL;
		p = posix_num(p + 1, 1, 5, &d->w);
		if (!p || *p != '.')
			return NULL;
		p = posix_num(p + 1, 0, 6, &d->d);
	} else {
		d->kind = 'D';
		p = posix_num(p, 0, 365, &d->n);
	}
	if (p && *p == '/')
		p = posix_time(p + 1, 167, &d->secs);
	return p;
}

static int posix_parse(const char *s, tz_posix_t *ret)
{
	tz_posix_t z = { 0 };
	int32_t off;
	const char *p = posix_name(s);
	if (!p || !(p = posix_time(p, 24, &off)))
		return -EINVAL;
	z.std_off = -off;
	if (*p) {
		p = posix_name(p);
		if (!p)
			return -EINVAL;
		z.has_dst = true;
		z.dst_off = z.std_off + 3600;
		if (*p && *p != ',') {
			if (!(p = posix_time(p, 24, &off)))
				return -EINVAL;
			z.dst_off = -off;
		}
		if (*p == ',') {
			if (!(p = posix_date(p + 1, &z.start)) || *p != ',' ||
			    !(p = posix_date(p + 1, &z.end)))
				return -EINVAL;
		} else {
			/* the US rules, as Go and glibc default */
			z.start = (tz_rule_date_t){ .kind = 'M', .m = 3, .w = 2, .d = 0, .secs = 7200 };
			z.end = (tz_rule_date_t){ .kind = 'M', .m = 11, .w = 1, .d = 0, .secs = 7200 };
		}
		if (*p)
			return -EINVAL;
	}
	z.valid = true;
	*ret = z;
	return 0;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds from the start of year y (local) to the rule date's day. */
static int64_t rule_day(int64_t y, const tz_rule_date_t *d)
{
	switch (d->kind) {
	case 'J': {
		int n = d->n - 1;
		if (is_leap(y) && n >= 59)
			n++;
		return n;
	}
	case 'D':
		return d->n;
	default: {
		int64_t jan1 = kube_time_days_from_civil(y, 1, 1);
		int64_t first = kube_time_days_from_civil(y, (unsigned)d->m, 1);
		/* 1970-01-01 was a Thursday (4) */
		int wd = (int)(((first % 7) + 7 + 4) % 7);
		int64_t day = first + ((d->d - wd + 7) % 7) + (int64_t)(d->w - 1) * 7;
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int len = mdays[d->m - 1] + (d->m == 2 && is_leap(y));
		while (day - first >= len)
			day -= 7;
		return day - jan1;
	}
	}
}

static int32_t posix_offset(const tz_posix_t *z, int64_t t)
{
	if (!z->has_dst)
		return z->std_off;
	int64_t y;
	unsigned mo, d;
	int64_t days = t / 86400 - (t % 86400 < 0);
	kube_time_civil_from_days(days, &y, &mo, &d);
	int64_t jan1 = kube_time_days_from_civil(y, 1, 1) * 86400;
	/* start is given in standard time, end in daylight time */
	int64_t start = jan1 + rule_day(y, &z->start) * 86400 + z->start.secs - z->std_off;
	int64_t end = jan1 + rule_day(y, &z->end) * 86400 + z->end.secs - z->dst_off;
	bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return dst ? z->dst_off : z->std_off;
}

int controller_manager_tz_from_posix(const char *rule, controller_manager_tz_t **ret)
{
	tz_posix_t z;
	int r = posix_parse(rule, &z);
	if (r < 0)
		return r;
	controller_manager_tz_t *tz = kube_calloc(1, sizeof(*tz));
	tz->footer = z;
	tz->first_off = z.std_off;
	*ret = tz;
	return 0;
}

/* ---- TZif ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts_t;

static int tzif_header(const uint8_t *p, size_t len, tzif_counts_t *c, char *version)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return -EINVAL;
	*version = (char)p[4];
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->time > TZ_MAX_TRANS || c->type == 0 || c->type > TZ_MAX_TYPES || c->chars > 4096 ||
	    c->leap > 1000 || (c->isut && c->isut != c->type) || (c->isstd && c->isstd != c->type))
		return -EINVAL;
	return 0;
}

static size_t tzif_body_len(const tzif_counts_t *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) +
	       c->isstd + c->isut;
}

int controller_manager_tz_from_data(const uint8_t *data, size_t len, controller_manager_tz_t **ret)
{
	tzif_counts_t c;
	char version;
	size_t tsize = 4;
	int r = tzif_header(data, len, &c, &version);
	if (r < 0)
		return r;
	size_t body = tzif_body_len(&c, 4);
	if (len - 44 < body)
		return -EINVAL;
	if (version >= '2') {
		data += 44 + body;
		len -= 44 + body;
		if ((r = tzif_header(data, len, &c, &version)) < 0)
			return r;
		tsize = 8;
		body = tzif_body_len(&c, 8);
		if (len - 44 < body)
			return -EINVAL;
	}
	const uint8_t *p = data + 44;
	const uint8_t *idx = p + c.time * tsize;
	const uint8_t *types = idx + c.time;
	controller_manager_tz_t *tz = kube_calloc(1, sizeof(*tz));
	tz->n_trans = c.time;
	tz->trans = kube_calloc(c.time ? c.time : 1, sizeof(int64_t));
	tz->trans_off = kube_calloc(c.time ? c.time : 1, sizeof(int32_t));
	for (uint32_t i = 0; i < c.time; i++) {
		int64_t t = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		if (idx[i] >= c.type || (i && t <= tz->trans[i - 1])) {
			controller_manager_tz_free(tz);
			return -EINVAL;
		}
		tz->trans[i] = t;
		tz->trans_off[i] = (int32_t)be32(types + idx[i] * 6);
	}
	/* before the first transition: the first standard-time type, else type 0 */
	tz->first_off = (int32_t)be32(types);
	for (uint32_t i = 0; i < c.type; i++) {
		if (!types[i * 6 + 4]) {
			tz->first_off = (int32_t)be32(types + i * 6);
			break;
		}
	}
	if (version >= '2') {
		const uint8_t *f = data + 44 + body, *end = data + len;
		if (f < end && *f == '\n') {
			const uint8_t *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
			if (nl && nl > f + 1) {
				char *s = kube_strndup((const char *)f + 1, (size_t)(nl - f - 1));
				if (posix_parse(s, &tz->footer) < 0)
					tz->footer.valid = false;
				kube_free(s);
			}
		}
	}
	*ret = tz;
	return 0;
}

static bool name_ok(const char *name)
{
	if (!*name || *name == '/' || strstr(name, "..") || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return false;
	return true;
}

static int load_file(const char *path, controller_manager_tz_t **ret)
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return -ENOENT;
	}
	uint8_t *buf = kube_malloc(TZ_MAX_FILE);
	size_t n = fread(buf, 1, TZ_MAX_FILE, f);
	fclose(f);
	int r = controller_manager_tz_from_data(buf, n, ret);
	kube_free(buf);
	return r;
}

int controller_manager_tz_load(const char *name, controller_manager_tz_t **ret)
{
	if (!name || !*name || strcmp(name, "UTC") == 0) {
		*ret = kube_calloc(1, sizeof(**ret));
		return 0;
	}
	if (strcmp(name, "Local") == 0) {
		if (load_file("/etc/localtime", ret) == 0)
			return 0;
		*ret = kube_calloc(1, sizeof(**ret));
		return 0;
	}
	if (!name_ok(name))
		return -EINVAL;
	const char *dir = getenv("ZONEINFO");
	_cleanup_free_ char *path = kube_asprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	return load_file(path, ret);
}

int32_t controller_manager_tz_offset(const controller_manager_tz_t *tz, int64_t t)
{
	if (!tz)
		return 0;
	if (tz->n_trans == 0)
		return tz->footer.valid ? posix_offset(&tz->footer, t) : tz->first_off;
	if (t < tz->trans[0])
		return tz->first_off;
	if (t >= tz->trans[tz->n_trans - 1] && tz->footer.valid)
		return posix_offset(&tz->footer, t);
	size_t lo = 0, hi = tz->n_trans; /* trans[lo] <= t < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->trans_off[lo];
}
