/* kube_quantity: resource quantities as upstream (see kube_quantity.h). */
#include "api/kube_quantity.h"

#include <stdio.h>
#include <string.h>

typedef __int128 i128;

#define NANO ((i128)1000000000)
/* Keep well inside i128 so arithmetic cannot overflow: about 1.7e36 nanos. */
#define LIMIT ((i128)1 << 120)

static i128 pow10_128(int e)
{
	i128 v = 1;

	while (e-- > 0)
		v *= 10;
	return v;
}

int kube_quantity_parse(const char *s, kube_quantity_t *ret)
{
	const char *p = s;
	bool neg = false, digits = false, dot = false;
	i128 mant = 0;
	int frac = 0, exp10 = 0, exp2 = 0;
	kube_quantity_format_t fmt = KUBE_QTY_DECIMAL_SI;
	i128 v;

	if (!s || !*s)
		return -EINVAL;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
		if (*p == '.') {
			if (dot)
				return -EINVAL;
			dot = true;
			continue;
		}
		digits = true;
		if (mant > LIMIT / 10)
			return -ERANGE;
		mant = mant * 10 + (*p - '0');
		if (dot)
			frac++;
	}
	if (!digits)
		return -EINVAL;
	/* suffix */
	if ((*p == 'e' || *p == 'E') && strcmp(p, "Ei") != 0) {
		const char *q = p + 1;
		bool eneg = false;
		int e = 0;
		if (*q == '+' || *q == '-')
			eneg = *q++ == '-';
		if (!*q) {
			/* "1E" is the exa suffix; "1e" alone is not */
			if (*p == 'E' && q == p + 1) {
				exp10 = 18;
				p = q;
				goto done;
			}
			return -EINVAL;
		}
		for (; *q; q++) {
			if (*q < '0' || *q > '9' || e > 1000)
				return -EINVAL;
			e = e * 10 + (*q - '0');
		}
		exp10 = eneg ? -e : e;
		fmt = KUBE_QTY_DECIMAL_EXPONENT;
		p = q;
	} else if (*p) {
		static const struct {
			const char *sfx;
			int e10, e2;
		} sfx[] = {
			{ "Ki", 0, 10 }, { "Mi", 0, 20 }, { "Gi", 0, 30 }, { "Ti", 0, 40 }, { "Pi", 0, 50 },
			{ "Ei", 0, 60 }, { "n", -9, 0 },  { "u", -6, 0 },  { "m", -3, 0 },  { "k", 3, 0 },
			{ "M", 6, 0 },	 { "G", 9, 0 },	  { "T", 12, 0 },  { "P", 15, 0 },  { "E", 18, 0 },
		};
		size_t i;
		for (i = 0; i < ARRAY_SIZE(sfx); i++)
			if (strcmp(p, sfx[i].sfx) == 0)
				break;
		if (i == ARRAY_SIZE(sfx))
			return -EINVAL;
		exp10 = sfx[i].e10;
		exp2 = sfx[i].e2;
		if (exp2)
			fmt = KUBE_QTY_BINARY_SI;
		p += strlen(sfx[i].sfx);
	}
done:
	if (*p)
		return -EINVAL;
	/* nanos = mant * 2^exp2 * 10^(exp10 + 9 - frac), rounded up */
	v = mant;
	for (int i = 0; i < exp2; i++) {
		if (v > LIMIT / 2)
			return -ERANGE;
		v *= 2;
	}
	{
		int e = exp10 + 9 - frac;
		if (e >= 0) {
			for (int i = 0; i < e; i++) {
				if (v > LIMIT / 10)
					return -ERANGE;
				v *= 10;
			}
		} else {
			i128 d = e < -38 ? 0 : pow10_128(-e);
			if (d == 0 || v == 0) {
				v = v ? 1 : 0;
			} else {
				i128 q = v / d;
				v = q + (v % d ? 1 : 0); /* round up to a nano */
			}
		}
	}
	/* Upstream caps binary-suffixed values at the largest int64 of base units. */
	if (exp2 && v > (i128)INT64_MAX * NANO)
		v = (i128)INT64_MAX * NANO;
	ret->nanos = neg ? -v : v;
	ret->format = fmt;
	return 0;
}

static void fmt_i128(char *buf, size_t size, i128 v)
{
	char tmp[64];
	int n = 0;
	bool neg = v < 0;
	unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u && n < (int)sizeof(tmp) - 1);
	if (neg)
		tmp[n++] = '-';
	for (int i = 0; i < n && (size_t)i + 1 < size; i++)
		buf[i] = tmp[n - 1 - i];
	buf[(size_t)n < size ? (size_t)n : size - 1] = '\0';
}

void kube_quantity_format(const kube_quantity_t *q, char *buf, size_t size)
{
	static const char *const dsfx[] = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E" };
	static const char *const bsfx[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	kube_quantity_format_t fmt = q->format;
	i128 n = q->nanos, a = n < 0 ? -n : n;
	char num[64];

	if (n == 0) {
		kube_strlcpy(buf, "0", size);
		return;
	}
	if (fmt == KUBE_QTY_BINARY_SI && (a < 1024 * NANO || a % NANO != 0))
		fmt = KUBE_QTY_DECIMAL_SI;
	if (fmt == KUBE_QTY_BINARY_SI) {
		i128 v = n / NANO;
		int k = 0;
		while (k < 6 && v % 1024 == 0) {
			v /= 1024;
			k++;
		}
		fmt_i128(num, sizeof(num), v);
		snprintf(buf, size, "%s%s", num, bsfx[k]);
		return;
	}
	/* The largest exponent (a multiple of 3, -9..18) that keeps an integer. */
	{
		int e = -9;
		i128 v = n;
		while (v % 1000 == 0) {
			v /= 1000;
			e += 3;
		}
		fmt_i128(num, sizeof(num), v);
		/* DecimalSI has no suffix past E: larger exponents print as 1e21. */
		if (fmt == KUBE_QTY_DECIMAL_EXPONENT || e > 18) {
			if (e == 0)
				snprintf(buf, size, "%s", num);
			else
				snprintf(buf, size, "%se%d", num, e);
		} else {
			snprintf(buf, size, "%s%s", num, dsfx[(e + 9) / 3]);
		}
	}
}

static int64_t clamp_ceil_div(i128 n, i128 d)
{
	i128 q = n / d;

	if (n % d != 0 && n > 0)
		q++;
	if (q > INT64_MAX)
		return INT64_MAX;
	if (q < INT64_MIN)
		return INT64_MIN;
	return (int64_t)q;
}

int64_t kube_quantity_value(const kube_quantity_t *q)
{
	return clamp_ceil_div(q->nanos, NANO);
}

int64_t kube_quantity_milli_value(const kube_quantity_t *q)
{
	return clamp_ceil_div(q->nanos, 1000000);
}

int kube_quantity_cmp(const kube_quantity_t *a, const kube_quantity_t *b)
{
	return a->nanos < b->nanos ? -1 : a->nanos > b->nanos;
}

void kube_quantity_add(kube_quantity_t *q, const kube_quantity_t *b)
{
	q->nanos += b->nanos;
}

void kube_quantity_sub(kube_quantity_t *q, const kube_quantity_t *b)
{
	q->nanos -= b->nanos;
}

kube_quantity_t kube_quantity_from_milli(int64_t milli, kube_quantity_format_t format)
{
	kube_quantity_t q = { (i128)milli * 1000000, format };

	return q;
}
