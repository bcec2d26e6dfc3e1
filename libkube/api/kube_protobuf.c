/* kube_protobuf: schema-driven protobuf -> JSON (see kube_protobuf.h). */
#include "api/kube_protobuf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/kube_json.h"
#include "core/kube_buf.h"

#define MAX_DEPTH 64

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

typedef struct reader {
	const uint8_t *p;
	const uint8_t *end;
} reader_t;

typedef struct dec {
	char *err; /* first error, kube_malloc'd */
	const char *path[MAX_DEPTH + 1];
	int depth;
} dec_t;

static int fail(dec_t *d, const char *fmt, ...) KUBE_PRINTF(2, 3);

static int fail(dec_t *d, const char *fmt, ...)
{
	kube_buf_t b = KUBE_BUF_INIT;
	va_list ap;

	if (d->err)
		return -EINVAL;
	for (int i = 0; i <= d->depth && i <= MAX_DEPTH; i++) {
		if (!d->path[i])
			continue;
		if (b.len)
			kube_buf_putc(&b, '.');
		kube_buf_puts(&b, d->path[i]);
	}
	if (b.len)
		kube_buf_puts(&b, ": ");
	va_start(ap, fmt);
	kube_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	d->err = kube_buf_steal(&b);
	return -EINVAL;
}

/* ---- wire primitives ---- */

static int read_varint(reader_t *r, uint64_t *ret)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t c;
		if (r->p >= r->end)
			return -1;
		c = *r->p++;
		if (shift == 63 && (c & 0x7e))
			return -1; /* more than 64 bits */
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return -1;
}

static int read_fixed(reader_t *r, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if ((size_t)(r->end - r->p) < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	*ret = v;
	return 0;
}

static int read_len(reader_t *r, const uint8_t **ret_p, size_t *ret_n)
{
	uint64_t n;

	if (read_varint(r, &n) < 0 || n > (uint64_t)(r->end - r->p))
		return -1;
	*ret_p = r->p;
	*ret_n = (size_t)n;
	r->p += n;
	return 0;
}

static int skip_field(dec_t *d, reader_t *r, uint32_t num, unsigned wt)
{
	uint64_t v;
	const uint8_t *p;
	size_t n;

	switch (wt) {
	case WT_VARINT:
		if (read_varint(r, &v) < 0)
			return fail(d, "truncated varint in field %" PRIu32, num);
		return 0;
	case WT_I64:
		if (read_fixed(r, 8, &v) < 0)
			return fail(d, "truncated 64-bit field %" PRIu32, num);
		return 0;
	case WT_LEN:
		if (read_len(r, &p, &n) < 0)
			return fail(d, "truncated length-delimited field %" PRIu32, num);
		return 0;
	case WT_I32:
		if (read_fixed(r, 4, &v) < 0)
			return fail(d, "truncated 32-bit field %" PRIu32, num);
		return 0;
	default:
		return fail(d, "unsupported wire type %u in field %" PRIu32, wt, num);
	}
}

/* ---- helpers for special types ---- */

static char *base64(const uint8_t *p, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = kube_malloc((n + 2) / 3 * 4 + 1);
	char *o = out;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = tbl[(v >> 6) & 63];
		*o++ = tbl[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*o++ = tbl[v >> 18];
		*o++ = tbl[(v >> 12) & 63];
		*o++ = tbl[(v >> 6) & 63];
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* A JSON string from protobuf bytes: stops at NUL as C strings do, and
 * replaces invalid UTF-8 with U+FFFD as Go's encoding/json does. */
static cJSON *make_string(const uint8_t *p, size_t n)
{
	kube_buf_t b = KUBE_BUF_INIT;
	cJSON *s;
	size_t i = 0;

	while (i < n && p[i]) {
		uint8_t c = p[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		bool ok = len > 0 && i + len <= n;
		uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);

		for (size_t k = 1; ok && k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				ok = false;
			else
				cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (ok && ((len == 2 && cp < 0x80) || (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
			   (len == 4 && (cp < 0x10000 || cp > 0x10ffff))))
			ok = false;
		if (ok) {
			kube_buf_append(&b, p + i, len);
			i += len;
		} else {
			kube_buf_puts(&b, "\xef\xbf\xbd");
			i++;
		}
	}
	s = cJSON_CreateString(kube_buf_str(&b));
	kube_buf_clear(&b);
	return s;
}

/* Time/MicroTime {1 seconds, 2 nanos}; NULL item with 0 for the zero time. */
static int decode_time(dec_t *d, const uint8_t *p, size_t n, bool micro, cJSON **ret)
{
	reader_t r = { p, p + n };
	int64_t secs = 0;
	int32_t nanos = 0;
	struct tm tm;
	char buf[64];
	time_t t;

	*ret = NULL;
	while (r.p < r.end) {
		uint64_t tag, v;
		if (read_varint(&r, &tag) < 0)
			return fail(d, "truncated tag");
		if ((tag >> 3) == 1 && (tag & 7) == WT_VARINT) {
			if (read_varint(&r, &v) < 0)
				return fail(d, "truncated seconds");
			secs = (int64_t)v;
		} else if ((tag >> 3) == 2 && (tag & 7) == WT_VARINT) {
			if (read_varint(&r, &v) < 0)
				return fail(d, "truncated nanos");
			nanos = (int32_t)v;
		} else if (skip_field(d, &r, (uint32_t)(tag >> 3), tag & 7) < 0) {
			return -EINVAL;
		}
	}
	if (n == 0)
		return 0; /* Go's zero time: null, omitted */
	/* 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, as the proto says. */
	if (secs < -62135596800LL || secs > 253402300799LL)
		return fail(d, "timestamp %" PRId64 " out of range", secs);
	if (nanos < 0 || nanos > 999999999)
		return fail(d, "timestamp nanos %" PRId32 " out of range", nanos);
	t = (time_t)secs;
	if (!gmtime_r(&t, &tm))
		return fail(d, "timestamp %" PRId64 " out of range", secs);
	if (micro)
		snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(nanos / 1000));
	else
		snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	*ret = cJSON_CreateString(buf);
	return 0;
}

/* Quantity {1 string}: its canonical string; "0" for the zero Quantity. */
static int decode_quantity(dec_t *d, const uint8_t *p, size_t n, cJSON **ret)
{
	reader_t r = { p, p + n };
	cJSON *s = NULL;

	while (r.p < r.end) {
		uint64_t tag;
		if (read_varint(&r, &tag) < 0) {
			cJSON_Delete(s);
			return fail(d, "truncated tag");
		}
		if ((tag >> 3) == 1 && (tag & 7) == WT_LEN) {
			const uint8_t *sp;
			size_t sn;
			if (read_len(&r, &sp, &sn) < 0) {
				cJSON_Delete(s);
				return fail(d, "truncated quantity string");
			}
			cJSON_Delete(s);
			s = make_string(sp, sn);
		} else if (skip_field(d, &r, (uint32_t)(tag >> 3), tag & 7) < 0) {
			cJSON_Delete(s);
			return -EINVAL;
		}
	}
	if (s && cJSON_GetStringValue(s)[0] == '\0') {
		cJSON_Delete(s);
		s = NULL;
	}
	*ret = s ? s : cJSON_CreateString("0");
	return 0;
}

/* IntOrString {1 type, 2 intVal, 3 strVal}. */
static int decode_intorstring(dec_t *d, const uint8_t *p, size_t n, cJSON **ret)
{
	reader_t r = { p, p + n };
	int64_t type = 0;
	int32_t ival = 0;
	const uint8_t *sp = NULL;
	size_t sn = 0;

	while (r.p < r.end) {
		uint64_t tag, v;
		if (read_varint(&r, &tag) < 0)
			return fail(d, "truncated tag");
		if ((tag >> 3) == 1 && (tag & 7) == WT_VARINT) {
			if (read_varint(&r, &v) < 0)
				return fail(d, "truncated IntOrString type");
			type = (int64_t)v;
		} else if ((tag >> 3) == 2 && (tag & 7) == WT_VARINT) {
			if (read_varint(&r, &v) < 0)
				return fail(d, "truncated IntOrString intVal");
			ival = (int32_t)v;
		} else if ((tag >> 3) == 3 && (tag & 7) == WT_LEN) {
			if (read_len(&r, &sp, &sn) < 0)
				return fail(d, "truncated IntOrString strVal");
		} else if (skip_field(d, &r, (uint32_t)(tag >> 3), tag & 7) < 0) {
			return -EINVAL;
		}
	}
	if (type == 0)
		*ret = cJSON_CreateNumber(ival);
	else if (type == 1)
		*ret = sp ? make_string(sp, sn) : cJSON_CreateString("");
	else
		return fail(d, "impossible IntOrString.Type %" PRId64, type);
	return 0;
}

/* RawExtension / FieldsV1 {1 raw}: the JSON it holds; NULL when empty. */
static int decode_raw(dec_t *d, const uint8_t *p, size_t n, cJSON **ret)
{
	reader_t r = { p, p + n };
	const uint8_t *rp = NULL;
	size_t rn = 0;

	*ret = NULL;
	while (r.p < r.end) {
		uint64_t tag;
		if (read_varint(&r, &tag) < 0)
			return fail(d, "truncated tag");
		if ((tag >> 3) == 1 && (tag & 7) == WT_LEN) {
			if (read_len(&r, &rp, &rn) < 0)
				return fail(d, "truncated raw bytes");
		} else if (skip_field(d, &r, (uint32_t)(tag >> 3), tag & 7) < 0) {
			return -EINVAL;
		}
	}
	if (!rp || rn == 0)
		return 0;
	*ret = kube_json_parse((const char *)rp, rn);
	if (!*ret)
		return fail(d, "embedded object is not JSON");
	return 0;
}

/* Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
static void format_duration(int64_t ns, char *buf, size_t size)
{
	kube_buf_t b = KUBE_BUF_INIT;
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	if (ns < 0)
		kube_buf_putc(&b, '-');
	if (u == 0) {
		kube_buf_puts(&b, "0s");
	} else if (u < 1000000000ULL) {
		/* ns, µs or ms with a trimmed fraction */
		uint64_t unit = u < 1000ULL ? 1 : u < 1000000ULL ? 1000ULL : 1000000ULL;
		const char *suffix = unit == 1 ? "ns" : unit == 1000ULL ? "µs" : "ms";
		kube_buf_printf(&b, "%" PRIu64, u / unit);
		if (u % unit) {
			char frac[16];
			int digits = unit == 1000ULL ? 3 : 6;
			int len;
			snprintf(frac, sizeof(frac), "%0*" PRIu64, digits, u % unit);
			len = (int)strlen(frac);
			while (len > 0 && frac[len - 1] == '0')
				frac[--len] = '\0';
			kube_buf_printf(&b, ".%s", frac);
		}
		kube_buf_puts(&b, suffix);
	} else {
		uint64_t secs = u / 1000000000ULL, frac_ns = u % 1000000000ULL;
		uint64_t h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
		if (h)
			kube_buf_printf(&b, "%" PRIu64 "h", h);
		if (h || m)
			kube_buf_printf(&b, "%" PRIu64 "m", m);
		kube_buf_printf(&b, "%" PRIu64, s);
		if (frac_ns) {
			char frac[16];
			int len;
			snprintf(frac, sizeof(frac), "%09" PRIu64, frac_ns);
			len = (int)strlen(frac);
			while (len > 0 && frac[len - 1] == '0')
				frac[--len] = '\0';
			kube_buf_printf(&b, ".%s", frac);
		}
		kube_buf_putc(&b, 's');
	}
	kube_strlcpy(buf, kube_buf_str(&b), size);
	kube_buf_clear(&b);
}

static int decode_duration(dec_t *d, const uint8_t *p, size_t n, cJSON **ret)
{
	reader_t r = { p, p + n };
	int64_t ns = 0;
	char buf[64];

	while (r.p < r.end) {
		uint64_t tag, v;
		if (read_varint(&r, &tag) < 0)
			return fail(d, "truncated tag");
		if ((tag >> 3) == 1 && (tag & 7) == WT_VARINT) {
			if (read_varint(&r, &v) < 0)
				return fail(d, "truncated duration");
			ns = (int64_t)v;
		} else if (skip_field(d, &r, (uint32_t)(tag >> 3), tag & 7) < 0) {
			return -EINVAL;
		}
	}
	format_duration(ns, buf, sizeof(buf));
	*ret = cJSON_CreateString(buf);
	return 0;
}

/* ---- messages ---- */

static int decode_into(dec_t *d, const kube_protobuf_message_t *m, const uint8_t *p, size_t n, cJSON *obj);

static const kube_protobuf_field_t *find_field(const kube_protobuf_message_t *m, uint32_t num)
{
	for (size_t i = 0; i < m->n_fields; i++)
		if (m->fields[i].number == num)
			return &m->fields[i];
	return NULL;
}

static bool is_scalar_zero(const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring[0] == '\0';
	if (cJSON_IsNumber(v))
		return v->valuedouble == 0;
	if (cJSON_IsFalse(v))
		return true;
	return false;
}

/* Decode one scalar value (varint or fixed64 already read into v). */
static cJSON *scalar_from_bits(uint8_t type, uint64_t v)
{
	switch (type) {
	case KUBE_PB_INT32:
		return cJSON_CreateNumber((int32_t)(uint32_t)v);
	case KUBE_PB_INT64:
		return cJSON_CreateNumber((double)(int64_t)v);
	case KUBE_PB_BOOL:
		return cJSON_CreateBool(v != 0);
	case KUBE_PB_DOUBLE: {
		double dv;
		memcpy(&dv, &v, sizeof(dv));
		return cJSON_CreateNumber(dv);
	}
	default:
		return NULL;
	}
}

static bool is_varint_type(uint8_t t)
{
	return t == KUBE_PB_INT32 || t == KUBE_PB_INT64 || t == KUBE_PB_BOOL;
}

/*
 * Decode the value of field f from a length-delimited payload (or NULL for
 * "present but zero" specials). *ret may be NULL for values that print as
 * nothing (zero Time, empty RawExtension).
 */
static int decode_len_value(dec_t *d, const kube_protobuf_field_t *f, const uint8_t *p, size_t n, cJSON **ret)
{
	*ret = NULL;
	switch (f->type) {
	case KUBE_PB_STRING:
		*ret = make_string(p, n);
		return 0;
	case KUBE_PB_BYTES: {
		char *s = base64(p, n);
		*ret = cJSON_CreateString(s);
		kube_free(s);
		return 0;
	}
	case KUBE_PB_MESSAGE: {
		cJSON *o = cJSON_CreateObject();
		if (decode_into(d, f->message, p, n, o) < 0) {
			cJSON_Delete(o);
			return -EINVAL;
		}
		*ret = o;
		return 0;
	}
	case KUBE_PB_TIME:
		return decode_time(d, p, n, false, ret);
	case KUBE_PB_MICROTIME:
		return decode_time(d, p, n, true, ret);
	case KUBE_PB_QUANTITY:
		return decode_quantity(d, p, n, ret);
	case KUBE_PB_INTORSTRING:
		return decode_intorstring(d, p, n, ret);
	case KUBE_PB_RAWEXTENSION:
		return decode_raw(d, p, n, ret);
	case KUBE_PB_DURATION:
		return decode_duration(d, p, n, ret);
	default:
		return fail(d, "field %" PRIu32 ": wrong wire type 2", f->number);
	}
}

/* Set obj[name] = v, replacing an earlier value (last one wins). */
static void put(cJSON *obj, const char *name, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, name))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, name, v);
	else
		cJSON_AddItemToObject(obj, name, v);
}

static cJSON *child(cJSON *obj, const char *name, bool array)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (c && (array ? cJSON_IsArray(c) : cJSON_IsObject(c)))
		return c;
	c = array ? cJSON_CreateArray() : cJSON_CreateObject();
	put(obj, name, c);
	return c;
}

/* A map entry {1 key, 2 value}. */
static int decode_map_entry(dec_t *d, const kube_protobuf_field_t *f, const uint8_t *p, size_t n, cJSON *map)
{
	reader_t r = { p, p + n };
	cJSON *key = NULL, *val = NULL;
	int ret = 0;

	while (r.p < r.end && ret == 0) {
		uint64_t tag, v;
		unsigned wt;
		const uint8_t *sp;
		size_t sn;

		if (read_varint(&r, &tag) < 0) {
			ret = fail(d, "truncated tag in map entry");
			break;
		}
		wt = tag & 7;
		if ((tag >> 3) == 1 && wt == WT_LEN) {
			if (read_len(&r, &sp, &sn) < 0) {
				ret = fail(d, "truncated map key");
				break;
			}
			cJSON_Delete(key);
			key = make_string(sp, sn);
		} else if ((tag >> 3) == 2) {
			cJSON_Delete(val);
			val = NULL;
			if (wt == WT_LEN) {
				if (read_len(&r, &sp, &sn) < 0) {
					ret = fail(d, "truncated map value");
					break;
				}
				ret = decode_len_value(d, f, sp, sn, &val);
			} else if (wt == WT_VARINT && is_varint_type(f->type)) {
				if (read_varint(&r, &v) < 0)
					ret = fail(d, "truncated map value");
				else
					val = scalar_from_bits(f->type, v);
			} else {
				ret = fail(d, "map value: wrong wire type %u", wt);
			}
		} else {
			ret = skip_field(d, &r, (uint32_t)(tag >> 3), wt);
		}
	}
	if (ret == 0) {
		const char *k = key ? cJSON_GetStringValue(key) : "";
		if (!val) {
			/* absent value: the type's zero */
			switch (f->type) {
			case KUBE_PB_STRING:
			case KUBE_PB_BYTES:
				val = cJSON_CreateString("");
				break;
			case KUBE_PB_QUANTITY:
				val = cJSON_CreateString("0");
				break;
			case KUBE_PB_MESSAGE:
				val = cJSON_CreateObject();
				break;
			case KUBE_PB_INT32:
			case KUBE_PB_INT64:
			case KUBE_PB_DOUBLE:
				val = cJSON_CreateNumber(0);
				break;
			case KUBE_PB_BOOL:
				val = cJSON_CreateFalse();
				break;
			default:
				val = cJSON_CreateNull();
				break;
			}
		}
		put(map, k, val);
		val = NULL;
	}
	cJSON_Delete(key);
	cJSON_Delete(val);
	return ret;
}

static int decode_field(dec_t *d, const kube_protobuf_field_t *f, reader_t *r, unsigned wt, cJSON *obj)
{
	cJSON *v = NULL;
	uint64_t bits;
	const uint8_t *p;
	size_t n;

	if (f->flags & KUBE_PB_MAP) {
		if (wt != WT_LEN)
			return fail(d, "wrong wire type %u for map", wt);
		if (read_len(r, &p, &n) < 0)
			return fail(d, "truncated map entry");
		return decode_map_entry(d, f, p, n, child(obj, f->json, false));
	}
	if (f->flags & KUBE_PB_INLINE) {
		if (wt != WT_LEN || f->type != KUBE_PB_MESSAGE)
			return fail(d, "wrong wire type %u for embedded message", wt);
		if (read_len(r, &p, &n) < 0)
			return fail(d, "truncated embedded message");
		return decode_into(d, f->message, p, n, obj);
	}
	if (wt == WT_LEN && (f->flags & KUBE_PB_REPEATED) &&
	    (is_varint_type(f->type) || f->type == KUBE_PB_DOUBLE)) {
		/* packed repeated scalars */
		reader_t pr;
		cJSON *arr;
		if (read_len(r, &p, &n) < 0)
			return fail(d, "truncated packed field");
		pr = (reader_t){ p, p + n };
		arr = child(obj, f->json, true);
		while (pr.p < pr.end) {
			int rc = f->type == KUBE_PB_DOUBLE ? read_fixed(&pr, 8, &bits) : read_varint(&pr, &bits);
			if (rc < 0)
				return fail(d, "truncated packed value");
			cJSON_AddItemToArray(arr, scalar_from_bits(f->type, bits));
		}
		return 0;
	}
	switch (wt) {
	case WT_VARINT:
		if (!is_varint_type(f->type))
			return fail(d, "wrong wire type 0");
		if (read_varint(r, &bits) < 0)
			return fail(d, "truncated varint");
		v = scalar_from_bits(f->type, bits);
		break;
	case WT_I64:
		if (f->type != KUBE_PB_DOUBLE)
			return fail(d, "wrong wire type 1");
		if (read_fixed(r, 8, &bits) < 0)
			return fail(d, "truncated 64-bit value");
		v = scalar_from_bits(f->type, bits);
		break;
	case WT_LEN:
		if (read_len(r, &p, &n) < 0)
			return fail(d, "truncated length-delimited value");
		if (f->type == KUBE_PB_MESSAGE && !(f->flags & KUBE_PB_REPEATED)) {
			/* a message seen twice merges, as protobuf does */
			return decode_into(d, f->message, p, n, child(obj, f->json, false));
		}
		if (decode_len_value(d, f, p, n, &v) < 0)
			return -EINVAL;
		break;
	default:
		return fail(d, "wrong wire type %u", wt);
	}
	if (f->flags & KUBE_PB_REPEATED) {
		cJSON_AddItemToArray(child(obj, f->json, true), v ? v : cJSON_CreateNull());
		return 0;
	}
	if (!v || (!(f->flags & KUBE_PB_KEEP) && is_scalar_zero(v) && f->type != KUBE_PB_QUANTITY &&
		   f->type != KUBE_PB_INTORSTRING)) {
		/* omitempty: a zero value clears an earlier one */
		cJSON_Delete(v);
		cJSON_DeleteItemFromObjectCaseSensitive(obj, f->json);
		return 0;
	}
	put(obj, f->json, v);
	return 0;
}

static int decode_into(dec_t *d, const kube_protobuf_message_t *m, const uint8_t *p, size_t n, cJSON *obj)
{
	reader_t r = { p, p + n };
	int ret = 0;

	if (d->depth >= MAX_DEPTH)
		return fail(d, "nesting too deep");
	d->depth++;
	d->path[d->depth] = NULL;
	while (r.p < r.end) {
		uint64_t tag;
		uint32_t num;
		unsigned wt;
		const kube_protobuf_field_t *f;

		if (read_varint(&r, &tag) < 0) {
			ret = fail(d, "%s: truncated tag", m->name);
			break;
		}
		num = (uint32_t)(tag >> 3);
		wt = tag & 7;
		if (num == 0 || (tag >> 3) > 0x1fffffff) {
			ret = fail(d, "%s: invalid field number %" PRIu64, m->name, tag >> 3);
			break;
		}
		f = find_field(m, num);
		if (!f) {
			if ((ret = skip_field(d, &r, num, wt)) < 0)
				break;
			continue;
		}
		d->path[d->depth] = (f->flags & KUBE_PB_INLINE) ? NULL : f->json;
		ret = decode_field(d, f, &r, wt, obj);
		d->path[d->depth] = NULL;
		if (ret < 0) {
			if (!d->err)
				ret = fail(d, "%s: bad field %" PRIu32, m->name, num);
			break;
		}
	}
	d->depth--;
	return ret < 0 ? -EINVAL : 0;
}

int kube_protobuf_decode_message(const kube_protobuf_message_t *m, const void *data, size_t len,
				 cJSON **ret_obj, char **ret_err)
{
	dec_t d = { 0 };
	cJSON *obj = cJSON_CreateObject();

	if (decode_into(&d, m, data, len, obj) < 0) {
		cJSON_Delete(obj);
		if (ret_err)
			*ret_err = d.err;
		else
			kube_free(d.err);
		return -EINVAL;
	}
	*ret_obj = obj;
	return 0;
}

/* ---- the runtime.Unknown envelope ---- */

typedef struct unknown {
	const uint8_t *api_version, *kind, *raw, *encoding;
	size_t api_version_len, kind_len, raw_len, encoding_len;
} unknown_t;

static int parse_type_meta(const uint8_t *p, size_t n, unknown_t *u)
{
	reader_t r = { p, p + n };

	while (r.p < r.end) {
		uint64_t tag, v;
		const uint8_t *sp;
		size_t sn;
		if (read_varint(&r, &tag) < 0)
			return -1;
		switch (tag & 7) {
		case WT_LEN:
			if (read_len(&r, &sp, &sn) < 0)
				return -1;
			if ((tag >> 3) == 1) {
				u->api_version = sp;
				u->api_version_len = sn;
			} else if ((tag >> 3) == 2) {
				u->kind = sp;
				u->kind_len = sn;
			}
			break;
		case WT_VARINT:
			if (read_varint(&r, &v) < 0)
				return -1;
			break;
		case WT_I64:
			if (read_fixed(&r, 8, &v) < 0)
				return -1;
			break;
		case WT_I32:
			if (read_fixed(&r, 4, &v) < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static int parse_unknown(const uint8_t *p, size_t n, unknown_t *u)
{
	reader_t r = { p, p + n };

	while (r.p < r.end) {
		uint64_t tag, v;
		const uint8_t *sp;
		size_t sn;
		if (read_varint(&r, &tag) < 0)
			return -1;
		switch (tag & 7) {
		case WT_LEN:
			if (read_len(&r, &sp, &sn) < 0)
				return -1;
			switch (tag >> 3) {
			case 1:
				if (parse_type_meta(sp, sn, u) < 0)
					return -1;
				break;
			case 2:
				u->raw = sp;
				u->raw_len = sn;
				break;
			case 3:
				u->encoding = sp;
				u->encoding_len = sn;
				break;
			default:
				break; /* 4 contentType and unknown fields */
			}
			break;
		case WT_VARINT:
			if (read_varint(&r, &v) < 0)
				return -1;
			break;
		case WT_I64:
			if (read_fixed(&r, 8, &v) < 0)
				return -1;
			break;
		case WT_I32:
			if (read_fixed(&r, 4, &v) < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

int kube_protobuf_decode(const void *data, size_t len, cJSON **ret_obj, char **ret_err)
{
	const uint8_t *p = data;
	unknown_t u = { 0 };
	const kube_protobuf_message_t *m;
	char *api_version, *kind;
	cJSON *obj;
	dec_t d = { 0 };
	int ret;

	if (len < KUBE_PROTOBUF_MAGIC_LEN || memcmp(p, KUBE_PROTOBUF_MAGIC, KUBE_PROTOBUF_MAGIC_LEN) != 0) {
		*ret_err = kube_strdup("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
		return -EINVAL;
	}
	if (parse_unknown(p + KUBE_PROTOBUF_MAGIC_LEN, len - KUBE_PROTOBUF_MAGIC_LEN, &u) < 0) {
		*ret_err = kube_strdup("malformed runtime.Unknown envelope");
		return -EINVAL;
	}
	if (u.encoding_len) {
		*ret_err = kube_strdup("unsupported contentEncoding in runtime.Unknown");
		return -EINVAL;
	}
	api_version = kube_strndup(u.api_version ? (const char *)u.api_version : "", u.api_version_len);
	kind = kube_strndup(u.kind ? (const char *)u.kind : "", u.kind_len);
	if (!*kind) {
		*ret_err = kube_strdup("Object 'Kind' is missing in the protobuf envelope");
		ret = -EINVAL;
		goto out;
	}
	m = kube_protobuf_schema_lookup(api_version, kind);
	if (!m) {
		*ret_err = kube_asprintf("no protobuf schema for %s, Kind=%s", api_version, kind);
		ret = -ENOTSUP;
		goto out;
	}
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "kind", kind);
	cJSON_AddStringToObject(obj, "apiVersion", api_version);
	d.path[0] = NULL;
	if (decode_into(&d, m, u.raw ? u.raw : (const uint8_t *)"", u.raw_len, obj) < 0) {
		cJSON_Delete(obj);
		*ret_err = d.err;
		ret = -EINVAL;
		goto out;
	}
	/* the object's own TypeMeta (never on the wire) comes from the envelope */
	*ret_obj = obj;
	ret = 0;
out:
	kube_free(api_version);
	kube_free(kind);
	return ret;
}
