/* kube_time: RFC 3339 times and human durations (see kube_time.h). */
#include "core/kube_time.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t kube_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

void kube_time_civil_from_days(int64_t z, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	*ret_y = y + (m <= 2);
	*ret_m = m;
	*ret_d = d;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int format(int64_t ns, bool micro, char *buf, size_t size)
{
	int64_t secs = floor_div(ns, KUBE_NS_PER_SEC);
	int64_t frac = ns - secs * KUBE_NS_PER_SEC;
	int64_t days = floor_div(secs, 86400), rem = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	int n;

	if (size)
		buf[0] = '\0';
	if (size < (micro ? KUBE_TIME_RFC3339_MICRO_SIZE : KUBE_TIME_RFC3339_SIZE))
		return -ERANGE;
	kube_time_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -ERANGE;
	if (micro)
		n = snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", (int)y, m, d,
			     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
			     (int)(frac / 1000));
	else
		n = snprintf(buf, size, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
			     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return n;
}

int kube_time_format_rfc3339(int64_t ns, char *buf, size_t size)
{
	return format(ns, false, buf, size);
}

int kube_time_format_rfc3339_micro(int64_t ns, char *buf, size_t size)
{
	return format(ns, true, buf, size);
}

static int digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int kube_time_parse_rfc3339(const char *s, int64_t *ret_ns)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t frac = 0, ns;

	if (!s)
		return -EINVAL;
	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0 || *p++ != 'T' || digits(&p, 2, &h) < 0 || *p++ != ':' ||
	    digits(&p, 2, &mi) < 0 || *p++ != ':' || digits(&p, 2, &sec) < 0)
		return -EINVAL;
	if (*p == '.' || *p == ',') {
		int n = 0;
		int64_t scale = KUBE_NS_PER_SEC;
		p++;
		while (isdigit((unsigned char)*p)) {
			if (n < 9) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			n++;
			p++;
		}
		if (n == 0)
			return -EINVAL;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0)
			return -EINVAL;
		if (oh > 23 || om > 59)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59)
		return -EINVAL;
	if (d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return -EINVAL;
	ns = kube_time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	     mi * 60 + sec;
	ns -= (int64_t)sign * (oh * 3600 + om * 60);
	/* int64 nanoseconds span 1677-09-21 to 2262-04-11. */
	if (ns < INT64_MIN / KUBE_NS_PER_SEC + 1 || ns > INT64_MAX / KUBE_NS_PER_SEC - 1)
		return -ERANGE;
	*ret_ns = ns * KUBE_NS_PER_SEC + frac;
	return 0;
}

void kube_time_human_duration(int64_t ns, char *buf, size_t size)
{
	int64_t seconds = ns / KUBE_NS_PER_SEC; /* Go's int(d.Seconds()) truncates */
	int64_t minutes, hours;

	if (seconds < -1) {
		snprintf(buf, size, "<invalid>");
		return;
	} else if (seconds < 0) {
		snprintf(buf, size, "0s");
		return;
	} else if (seconds < 60 * 2) {
		snprintf(buf, size, "%llds", (long long)seconds);
		return;
	}
	minutes = ns / (60 * KUBE_NS_PER_SEC);
	if (minutes < 10) {
		int64_t s = seconds % 60;
		if (s == 0)
			snprintf(buf, size, "%lldm", (long long)minutes);
		else
			snprintf(buf, size, "%lldm%llds", (long long)minutes, (long long)s);
		return;
	} else if (minutes < 60 * 3) {
		snprintf(buf, size, "%lldm", (long long)minutes);
		return;
	}
	hours = ns / (3600 * KUBE_NS_PER_SEC);
	if (hours < 8) {
		int64_t m = minutes % 60;
		if (m == 0)
			snprintf(buf, size, "%lldh", (long long)hours);
		else
			snprintf(buf, size, "%lldh%lldm", (long long)hours, (long long)m);
	} else if (hours < 48) {
		snprintf(buf, size, "%lldh", (long long)hours);
	} else if (hours < 24 * 8) {
		int64_t h = hours % 24;
		if (h == 0)
			snprintf(buf, size, "%lldd", (long long)(hours / 24));
		else
			snprintf(buf, size, "%lldd%lldh", (long long)(hours / 24), (long long)h);
	} else if (hours < 24 * 365 * 2) {
		snprintf(buf, size, "%lldd", (long long)(hours / 24));
	} else if (hours < 24 * 365 * 8) {
		int64_t dy = (hours / 24) % 365;
		if (dy == 0)
			snprintf(buf, size, "%lldy", (long long)(hours / 24 / 365));
		else
			snprintf(buf, size, "%lldy%lldd", (long long)(hours / 24 / 365), (long long)dy);
	} else {
		snprintf(buf, size, "%lldy", (long long)(hours / 24 / 365));
	}
}

void kube_time_short_human_duration(int64_t ns, char *buf, size_t size)
{
	int64_t seconds = ns / KUBE_NS_PER_SEC;

	if (seconds < -1)
		snprintf(buf, size, "<invalid>");
	else if (seconds < 0)
		snprintf(buf, size, "0s");
	else if (seconds < 60)
		snprintf(buf, size, "%llds", (long long)seconds);
	else if (seconds / 60 < 60)
		snprintf(buf, size, "%lldm", (long long)(seconds / 60));
	else if (seconds / 3600 < 24)
		snprintf(buf, size, "%lldh", (long long)(seconds / 3600));
	else if (seconds / 3600 < 24 * 365)
		snprintf(buf, size, "%lldd", (long long)(seconds / 3600 / 24));
	else
		snprintf(buf, size, "%lldy", (long long)(seconds / 3600 / 24 / 365));
}
