/* kube_flags: pflag-compatible command-line flags (see kube_flags.h). */
#include "core/kube_flags.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum ftype {
	F_BOOL,
	F_STRING,
	F_INT,
	F_INT64,
	F_FLOAT,
	F_DURATION,
	F_LIST,
	F_MAP,
	F_IP,
	F_CIDR,
	F_PORT_RANGE,
	F_IGNORED,
	F_IGNORED_BOOL,
	F_HELP,
	F_VERSION,
};

struct flag {
	char *name; /* normalized: dashes */
	char shorthand;
	enum ftype type;
	void *p;
	char *help;
	char *defval;	   /* default as text, for usage */
	char *deprecated;  /* message, or NULL */
	char *type_name;   /* overrides the usage type word */
	bool hidden;
	bool changed;	   /* set on the target of an alias */
	bool warned;
	bool list_set;	   /* lists/maps: the first set replaces the default */
	struct flag *target; /* alias: the flag it stands for */
	char *ignored;	   /* value store of ignored flags */
};

#define MAX_FLAGS 4096
#define MAX_ARGS 65536

struct kube_flagset {
	char *program;
	char *short_help;
	struct flag **flags;
	size_t n, cap;
	char **args;
	size_t nargs, capargs;
	char *error;
	bool version_raw;
};

/* ---- small helpers ---- */

static char *normalize(const char *name)
{
	char *s = kube_strdup(name);

	for (char *c = s; *c; c++)
		if (*c == '_')
			*c = '-';
	return s;
}

/* Go's %q for the common cases: quotes, escapes \ " and controls. */
static void quote(kube_buf_t *b, const char *s)
{
	kube_buf_putc(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': kube_buf_puts(b, "\\\""); break;
		case '\\': kube_buf_puts(b, "\\\\"); break;
		case '\n': kube_buf_puts(b, "\\n"); break;
		case '\t': kube_buf_puts(b, "\\t"); break;
		case '\r': kube_buf_puts(b, "\\r"); break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				kube_buf_printf(b, "\\x%02x", *c);
			else
				kube_buf_putc(b, (char)*c);
		}
	}
	kube_buf_putc(b, '"');
}

static char *quoted(const char *s)
{
	kube_buf_t b = KUBE_BUF_INIT;

	quote(&b, s);
	return kube_buf_steal(&b);
}

void kube_strv_free(kube_strv_t v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		kube_free(*p);
	kube_free(v);
}

size_t kube_strv_len(const kube_strv_t v)
{
	size_t n = 0;

	if (v)
		while (v[n])
			n++;
	return n;
}

static kube_strv_t strv_copy(const kube_strv_t v)
{
	size_t n = kube_strv_len(v);
	kube_strv_t r;

	if (!v)
		return NULL;
	r = kube_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r[i] = kube_strdup(v[i]);
	return r;
}

static void strv_push(kube_strv_t *v, char *owned)
{
	size_t n = kube_strv_len(*v);

	*v = kube_realloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = owned;
	(*v)[n + 1] = NULL;
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return kube_strndup(s, n);
}

/* ---- value parsers ---- */

int kube_parse_bool(const char *s, bool *ret)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (strcmp(s, t[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcmp(s, f[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* strconv.ParseInt(s, 0, bits): sign, base prefixes, underscores only with
 * a prefix. Returns 0, -EINVAL (syntax) or -ERANGE. */
static int parse_int(const char *s, int bits, int64_t *ret)
{
	const char *p = s;
	bool neg = false, prefixed = false, any = false, last_us = false;
	unsigned base = 10;
	uint64_t v = 0, limit;

	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (p[0] == '0' && p[1]) {
		char c = (char)tolower((unsigned char)p[1]);
		if (c == 'x')
			base = 16;
		else if (c == 'o')
			base = 8;
		else if (c == 'b')
			base = 2;
		if (base != 10) {
			p += 2;
			prefixed = true;
			last_us = false; /* an underscore may follow the prefix */
		} else {
			base = 8;
			p += 1;
			prefixed = true;
			any = true;
			last_us = false;
		}
	}
	if (!*p && !any)
		return -EINVAL;
	limit = bits == 64 ? (uint64_t)INT64_MAX + (neg ? 1 : 0)
			   : ((uint64_t)1 << (bits - 1)) - (neg ? 0 : 1);
	bool range = false;
	for (; *p; p++) {
		unsigned d;
		if (*p == '_') {
			if (!prefixed || last_us)
				return -EINVAL;
			last_us = true;
			continue;
		}
		last_us = false;
		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (isalpha((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		any = true;
		if (v > (UINT64_MAX - d) / base)
			range = true;
		else
			v = v * base + d;
		if (v > limit)
			range = true;
	}
	if (!any || (last_us && prefixed && p[-1] == '_'))
		return -EINVAL;
	if (range)
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int parse_float(const char *s, double *ret)
{
	char *end;
	double d;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL))
		return -ERANGE;
	*ret = d;
	return 0;
}

/* Go's time.ParseDuration. */
int kube_parse_duration(const char *s, int64_t *ret_ns)
{
	static const struct {
		const char *u;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	const char *p = s;
	bool neg = false;
	uint64_t d = 0;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (strcmp(p, "0") == 0) {
		*ret_ns = 0;
		return 0;
	}
	if (!*p)
		return -EINVAL;
	while (*p) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		bool pre = false, post = false;
		size_t ul;
		uint64_t unit = 0;

		if (!(*p == '.' || isdigit((unsigned char)*p)))
			return -EINVAL;
		while (isdigit((unsigned char)*p)) {
			if (v > (UINT64_MAX / 10) || v * 10 > (uint64_t)1 << 63)
				return -EINVAL;
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > (uint64_t)1 << 63)
				return -EINVAL;
			p++;
			pre = true;
		}
		if (*p == '.') {
			p++;
			bool overflow = false;
			while (isdigit((unsigned char)*p)) {
				if (!overflow) {
					if (f > (UINT64_MAX / 10) / 2) {
						overflow = true;
					} else {
						f = f * 10 + (uint64_t)(*p - '0');
						scale *= 10;
					}
				}
				p++;
				post = true;
			}
		}
		if (!pre && !post)
			return -EINVAL;
		ul = 0;
		while (p[ul] && p[ul] != '.' && !isdigit((unsigned char)p[ul]))
			ul++;
		if (ul == 0)
			return -EINVAL; /* missing unit */
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			if (strlen(units[i].u) == ul && strncmp(p, units[i].u, ul) == 0) {
				unit = units[i].ns;
				break;
			}
		}
		if (!unit)
			return -EINVAL;
		p += ul;
		if (v > ((uint64_t)1 << 63) / unit)
			return -EINVAL;
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > (uint64_t)1 << 63)
				return -EINVAL;
		}
		d += v;
		if (d > (uint64_t)1 << 63)
			return -EINVAL;
	}
	if (neg) {
		*ret_ns = (int64_t)(0 - d);
		return 0;
	}
	if (d > (uint64_t)INT64_MAX)
		return -EINVAL;
	*ret_ns = (int64_t)d;
	return 0;
}

/* Go's fmtFrac: v/10^prec with trailing zeros dropped; returns digits of the
 * integer part in *ret_int. */
static void fmt_frac(kube_buf_t *out, uint64_t *v, int prec)
{
	char digits[32];
	int n = 0;
	bool print = false;

	for (int i = 0; i < prec; i++) {
		unsigned d = (unsigned)(*v % 10);
		print = print || d != 0;
		if (print)
			digits[n++] = (char)('0' + d);
		*v /= 10;
	}
	if (print) {
		kube_buf_putc(out, '.');
		while (n > 0)
			kube_buf_putc(out, digits[--n]);
	}
}

void kube_format_duration(int64_t ns, kube_buf_t *out)
{
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	kube_buf_t frac = KUBE_BUF_INIT;

	if (ns < 0)
		kube_buf_putc(out, '-');
	if (u < 1000000000ULL) {
		int prec;
		const char *unit;

		if (u == 0) {
			kube_buf_puts(out, "0s");
			return;
		} else if (u < 1000) {
			kube_buf_printf(out, "%lluns", (unsigned long long)u);
			return;
		} else if (u < 1000000) {
			prec = 3;
			unit = "\xc2\xb5s";
		} else {
			prec = 6;
			unit = "ms";
		}
		fmt_frac(&frac, &u, prec);
		kube_buf_printf(out, "%llu%s%s", (unsigned long long)u, kube_buf_str(&frac), unit);
		kube_buf_clear(&frac);
		return;
	}
	fmt_frac(&frac, &u, 9);
	uint64_t secs = u % 60, mins, hours;
	u /= 60;
	if (u > 0) {
		mins = u % 60;
		hours = u / 60;
		if (hours > 0)
			kube_buf_printf(out, "%lluh", (unsigned long long)hours);
		kube_buf_printf(out, "%llum", (unsigned long long)mins);
	}
	kube_buf_printf(out, "%llu%ss", (unsigned long long)secs, kube_buf_str(&frac));
	kube_buf_clear(&frac);
}

int kube_parse_ip(const char *s, kube_ip_t *ret)
{
	kube_ip_t ip = { 0 };

	if (!s)
		return -EINVAL;
	if (strchr(s, ':')) {
		if (strchr(s, '%') || inet_pton(AF_INET6, s, ip.addr) != 1)
			return -EINVAL;
		ip.family = AF_INET6;
	} else {
		/* Go rejects leading zeros ("010.0.0.1"); inet_pton does too. */
		if (inet_pton(AF_INET, s, ip.addr) != 1)
			return -EINVAL;
		ip.family = AF_INET;
	}
	*ret = ip;
	return 0;
}

void kube_format_ip(const kube_ip_t *ip, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	if (!ip || (ip->family != AF_INET && ip->family != AF_INET6))
		return;
	if (!inet_ntop(ip->family, ip->addr, buf, (socklen_t)size))
		buf[0] = '\0';
}

int kube_parse_cidr(const char *s, kube_cidr_t *ret)
{
	const char *slash;
	char addr[INET6_ADDRSTRLEN + 1];
	kube_cidr_t c = { 0 };
	int64_t prefix;
	int maxbits;

	if (!s || !(slash = strchr(s, '/')))
		return -EINVAL;
	if ((size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (kube_parse_ip(addr, &c.ip) < 0)
		return -EINVAL;
	maxbits = c.ip.family == AF_INET ? 32 : 128;
	/* Go's dtoi: decimal digits only, no sign. */
	if (!slash[1] || strlen(slash + 1) > 3)
		return -EINVAL;
	for (const char *p = slash + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	prefix = strtol(slash + 1, NULL, 10);
	if (prefix > maxbits)
		return -EINVAL;
	c.prefix = (int)prefix;
	for (int bit = c.prefix; bit < maxbits; bit++)
		c.ip.addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	*ret = c;
	return 0;
}

int kube_parse_port_range(const char *s, kube_port_range_t *ret)
{
	int64_t low, high;
	const char *sep;
	char buf[32];

	if (!s)
		return -EINVAL;
	if (!*s) {
		ret->base = 0;
		ret->size = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	kube_strlcpy(buf, s, sizeof(buf));
	sep = strpbrk(buf, "-+");
	if (sep == buf) /* a sign is not a separator */
		sep = NULL;
	if (!sep) {
		if (parse_int(buf, 64, &low) < 0 || strpbrk(buf, "xXoObB_"))
			return -EINVAL;
		high = low;
	} else {
		char *b = buf + (sep - buf);
		char op = *b;
		*b = '\0';
		for (const char *p = buf; *p; p++)
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
		for (const char *p = b + 1; *p; p++)
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
		if (!buf[0] || !b[1] || strlen(buf) > 6 || strlen(b + 1) > 6)
			return -EINVAL;
		low = strtol(buf, NULL, 10);
		high = strtol(b + 1, NULL, 10);
		if (op == '+')
			high = low + high;
	}
	if (low < 0 || low > 65535 || high > 65535 || high < low)
		return -EINVAL;
	ret->base = (int)low;
	ret->size = (int)(high - low + 1);
	return 0;
}

/* ---- registration ---- */

kube_flagset_t *kube_flagset_new(const char *program, const char *short_help)
{
	kube_flagset_t *fs = kube_calloc(1, sizeof(*fs));

	fs->program = kube_strdup(program ? program : "");
	fs->short_help = short_help ? kube_strdup(short_help) : NULL;
	return fs;
}

static void free_value(struct flag *f)
{
	switch (f->type) {
	case F_STRING:
		KUBE_FREE(*(char **)f->p);
		break;
	case F_LIST:
	case F_MAP:
		kube_strv_free(*(kube_strv_t *)f->p);
		*(kube_strv_t *)f->p = NULL;
		break;
	default:
		break;
	}
}

void kube_flagset_free(kube_flagset_t *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++) {
		struct flag *f = fs->flags[i];
		if (!f->target)
			free_value(f);
		kube_free(f->name);
		kube_free(f->help);
		kube_free(f->defval);
		kube_free(f->deprecated);
		kube_free(f->type_name);
		kube_free(f->ignored);
		kube_free(f);
	}
	for (size_t i = 0; i < fs->nargs; i++)
		kube_free(fs->args[i]);
	kube_free(fs->args);
	kube_free(fs->flags);
	kube_free(fs->error);
	kube_free(fs->program);
	kube_free(fs->short_help);
	kube_free(fs);
}

static struct flag *lookup_raw(const kube_flagset_t *fs, const char *name)
{
	_cleanup_free_ char *n = normalize(name);

	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->flags[i]->name, n) == 0)
			return fs->flags[i];
	return NULL;
}

static struct flag *lookup_short(const kube_flagset_t *fs, char c)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->flags[i]->shorthand == c && c)
			return fs->flags[i];
	return NULL;
}

static const char *type_word(const struct flag *f)
{
	if (f->type_name)
		return f->type_name;
	switch (f->type) {
	case F_BOOL: case F_IGNORED_BOOL: case F_HELP: return "";
	case F_STRING: case F_IGNORED: return "string";
	case F_INT: return "int";
	case F_INT64: return "int";
	case F_FLOAT: return "float";
	case F_DURATION: return "duration";
	case F_LIST: return "strings";
	case F_MAP: return "mapStringString";
	case F_IP: return "ip";
	case F_CIDR: return "ipNet";
	case F_PORT_RANGE: return "port-range";
	case F_VERSION: return "version[=true]";
	}
	return "";
}

/* The current value as text (pflag's Value.String()). */
static char *value_string(const struct flag *f)
{
	kube_buf_t b = KUBE_BUF_INIT;
	char ip[INET6_ADDRSTRLEN];

	switch (f->type) {
	case F_BOOL:
		return kube_strdup(*(bool *)f->p ? "true" : "false");
	case F_STRING: {
		const char *s = *(char **)f->p;
		return kube_strdup(s ? s : "");
	}
	case F_INT:
		return kube_asprintf("%d", *(int *)f->p);
	case F_INT64:
		return kube_asprintf("%lld", (long long)*(int64_t *)f->p);
	case F_FLOAT:
		return kube_asprintf("%g", *(double *)f->p);
	case F_DURATION:
		kube_format_duration(*(int64_t *)f->p, &b);
		return kube_buf_steal(&b);
	case F_LIST: {
		kube_strv_t v = *(kube_strv_t *)f->p;
		kube_buf_putc(&b, '[');
		for (size_t i = 0; v && v[i]; i++)
			kube_buf_printf(&b, "%s%s", i ? "," : "", v[i]);
		kube_buf_putc(&b, ']');
		return kube_buf_steal(&b);
	}
	case F_MAP: {
		kube_strv_t v = *(kube_strv_t *)f->p;
		for (size_t i = 0; v && v[i] && v[i + 1]; i += 2)
			kube_buf_printf(&b, "%s%s=%s", i ? "," : "", v[i], v[i + 1]);
		return kube_buf_steal(&b);
	}
	case F_IP:
		kube_format_ip(f->p, ip, sizeof(ip));
		return kube_strdup(ip);
	case F_CIDR: {
		const kube_cidr_t *c = f->p;
		if (!c->ip.family)
			return kube_strdup("");
		kube_format_ip(&c->ip, ip, sizeof(ip));
		return kube_asprintf("%s/%d", ip, c->prefix);
	}
	case F_PORT_RANGE: {
		const kube_port_range_t *r = f->p;
		if (r->size == 0)
			return kube_strdup("");
		return kube_asprintf("%d-%d", r->base, r->base + r->size - 1);
	}
	case F_IGNORED:
	case F_IGNORED_BOOL:
		return kube_strdup(f->ignored ? f->ignored : "");
	case F_HELP:
	case F_VERSION:
		return kube_strdup("false");
	}
	return kube_strdup("");
}

static struct flag *add(kube_flagset_t *fs, const char *name, char shorthand,
			enum ftype type, void *p, const char *help)
{
	struct flag *f;

	if (lookup_raw(fs, name)) {
		/* A programming error, as pflag panics: "flag redefined". */
		fprintf(stderr, "%s flag redefined: %s\n", fs->program, name);
		abort();
	}
	if (fs->n >= MAX_FLAGS)
		abort();
	f = kube_calloc(1, sizeof(*f));
	f->name = normalize(name);
	f->shorthand = shorthand;
	f->type = type;
	f->p = p;
	f->help = kube_strdup(help ? help : "");
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 32;
		fs->flags = kube_realloc(fs->flags, fs->cap * sizeof(*fs->flags));
	}
	fs->flags[fs->n++] = f;
	/* Copy caller defaults so the flagset owns what it stores. */
	if (type == F_STRING && *(char **)p)
		*(char **)p = kube_strdup(*(char **)p);
	else if ((type == F_LIST || type == F_MAP) && *(kube_strv_t *)p)
		*(kube_strv_t *)p = strv_copy(*(kube_strv_t *)p);
	f->defval = p || type == F_IGNORED || type == F_IGNORED_BOOL ? value_string(f) : kube_strdup("");
	return f;
}

void kube_flag_bool(kube_flagset_t *fs, const char *name, char shorthand, bool *p, const char *help)
{
	add(fs, name, shorthand, F_BOOL, p, help);
}

void kube_flag_string(kube_flagset_t *fs, const char *name, char shorthand, char **p, const char *help)
{
	add(fs, name, shorthand, F_STRING, p, help);
}

void kube_flag_int(kube_flagset_t *fs, const char *name, char shorthand, int *p, const char *help)
{
	add(fs, name, shorthand, F_INT, p, help);
}

void kube_flag_int64(kube_flagset_t *fs, const char *name, int64_t *p, const char *help)
{
	add(fs, name, 0, F_INT64, p, help);
}

void kube_flag_float(kube_flagset_t *fs, const char *name, double *p, const char *help)
{
	add(fs, name, 0, F_FLOAT, p, help);
}

void kube_flag_duration(kube_flagset_t *fs, const char *name, int64_t *p_ns, const char *help)
{
	add(fs, name, 0, F_DURATION, p_ns, help);
}

void kube_flag_list(kube_flagset_t *fs, const char *name, kube_strv_t *p, const char *help)
{
	add(fs, name, 0, F_LIST, p, help);
}

void kube_flag_map(kube_flagset_t *fs, const char *name, kube_strv_t *p, const char *help)
{
	add(fs, name, 0, F_MAP, p, help);
}

void kube_flag_ip(kube_flagset_t *fs, const char *name, kube_ip_t *p, const char *help)
{
	add(fs, name, 0, F_IP, p, help);
}

void kube_flag_cidr(kube_flagset_t *fs, const char *name, kube_cidr_t *p, const char *help)
{
	add(fs, name, 0, F_CIDR, p, help);
}

void kube_flag_port_range(kube_flagset_t *fs, const char *name, kube_port_range_t *p, const char *help)
{
	add(fs, name, 0, F_PORT_RANGE, p, help);
}

void kube_flag_ignored(kube_flagset_t *fs, const char *name, bool is_bool, const char *help)
{
	add(fs, name, 0, is_bool ? F_IGNORED_BOOL : F_IGNORED, NULL, help);
}

void kube_flag_ignored_default(kube_flagset_t *fs, const char *name, const char *type_name,
			       const char *def, const char *help)
{
	struct flag *f = add(fs, name, 0, F_IGNORED, NULL, help);

	if (def) {
		f->ignored = kube_strdup(def);
		kube_free(f->defval);
		f->defval = kube_strdup(def);
	}
	if (type_name)
		f->type_name = kube_strdup(type_name);
}

static struct flag *must(kube_flagset_t *fs, const char *name)
{
	struct flag *f = lookup_raw(fs, name);

	if (!f) {
		fprintf(stderr, "%s: no such flag registered: %s\n", fs->program, name);
		abort();
	}
	return f;
}

void kube_flag_set_shorthand(kube_flagset_t *fs, const char *name, char shorthand)
{
	must(fs, name)->shorthand = shorthand;
}

void kube_flag_deprecate(kube_flagset_t *fs, const char *name, const char *message)
{
	struct flag *f = must(fs, name);

	kube_free(f->deprecated);
	f->deprecated = kube_strdup(message ? message : "");
	f->hidden = true;
}

void kube_flag_alias(kube_flagset_t *fs, const char *alias, const char *name, const char *deprecation)
{
	struct flag *t = must(fs, name), *f;

	while (t->target)
		t = t->target;
	f = add(fs, alias, 0, F_IGNORED, NULL, t->help);
	f->type = t->type;
	f->p = t->p;
	f->target = t;
	kube_free(f->defval);
	f->defval = kube_strdup(t->defval);
	if (t->type_name)
		f->type_name = kube_strdup(t->type_name);
	if (deprecation) {
		f->deprecated = kube_strdup(deprecation);
		f->hidden = true;
	}
}

void kube_flag_hide(kube_flagset_t *fs, const char *name)
{
	must(fs, name)->hidden = true;
}

void kube_flag_set_type_name(kube_flagset_t *fs, const char *name, const char *type_name)
{
	struct flag *f = must(fs, name);

	kube_free(f->type_name);
	f->type_name = kube_strdup(type_name);
}

void kube_flagset_add_log_flags(kube_flagset_t *fs, kube_log_config_t *cfg)
{
	kube_flag_int(fs, "v", 'v', &cfg->verbosity, "number for the log level verbosity");
	kube_flag_set_type_name(fs, "v", "Level");
	kube_flag_bool(fs, "logtostderr", 0, &cfg->logtostderr,
		       "log to standard error instead of files");
	kube_flag_bool(fs, "alsologtostderr", 0, &cfg->alsologtostderr,
		       "log to standard error as well as files (no effect when -logtostderr=true)");
	kube_flag_string(fs, "log-file", 0, (char **)&cfg->log_file,
			 "If non-empty, use this log file (no effect when -logtostderr=true)");
	kube_flag_ignored_default(fs, "vmodule", "pattern", NULL,
				  "comma-separated list of pattern=N settings for file-filtered logging (only works for text log format)");
	kube_flag_ignored_default(fs, "log-dir", NULL, NULL,
				  "If non-empty, write log files in this directory (no effect when -logtostderr=true)");
	kube_flag_ignored_default(fs, "stderrthreshold", "severity", "2",
				  "logs at or above this threshold go to stderr when writing to files and stderr (no effect when -logtostderr=true or -alsologtostderr=true)");
	kube_flag_ignored_default(fs, "log-file-max-size", "uint", "1800",
				  "Defines the maximum size a log file can grow to (no effect when -logtostderr=true). Unit is megabytes. If the value is 0, the maximum file size is unlimited.");
	kube_flag_ignored(fs, "skip-headers", true,
			  "If true, avoid header prefixes in the log messages");
	kube_flag_ignored(fs, "one-output", true,
			  "If true, only write logs to their native severity level (vs also writing to each lower severity level; no effect when -logtostderr=true)");
	kube_flag_ignored(fs, "add-dir-header", true,
			  "If true, adds the file directory to the header of the log messages");
	kube_flag_ignored(fs, "skip-log-headers", true,
			  "If true, avoid headers when opening log files (no effect when -logtostderr=true)");
	kube_flag_ignored_default(fs, "logging-format", NULL, "text",
				  "Sets the log format. Permitted formats: \"text\".");
}

/* ---- parsing ---- */

static void set_error(kube_flagset_t *fs, const char *fmt, ...) KUBE_PRINTF(2, 3);
static void set_error(kube_flagset_t *fs, const char *fmt, ...)
{
	va_list ap;

	kube_free(fs->error);
	va_start(ap, fmt);
	fs->error = kube_vasprintf(fmt, ap);
	va_end(ap);
}

/* Set a value; on failure, *ret_why is an owned Go-worded reason. */
static int set_value(struct flag *f, const char *val, char **ret_why)
{
	_cleanup_free_ char *q = quoted(val);
	int r;

	switch (f->type) {
	case F_BOOL: {
		bool b;
		if (kube_parse_bool(val, &b) < 0) {
			*ret_why = kube_asprintf("strconv.ParseBool: parsing %s: invalid syntax", q);
			return -EINVAL;
		}
		*(bool *)f->p = b;
		return 0;
	}
	case F_STRING:
		kube_free(*(char **)f->p);
		*(char **)f->p = kube_strdup(val);
		return 0;
	case F_INT:
	case F_INT64: {
		int64_t v;
		r = parse_int(val, f->type == F_INT ? 32 : 64, &v);
		if (r < 0) {
			*ret_why = kube_asprintf("strconv.ParseInt: parsing %s: %s", q,
						 r == -ERANGE ? "value out of range" : "invalid syntax");
			return -EINVAL;
		}
		if (f->type == F_INT)
			*(int *)f->p = (int)v;
		else
			*(int64_t *)f->p = v;
		return 0;
	}
	case F_FLOAT: {
		double d;
		r = parse_float(val, &d);
		if (r < 0) {
			*ret_why = kube_asprintf("strconv.ParseFloat: parsing %s: %s", q,
						 r == -ERANGE ? "value out of range" : "invalid syntax");
			return -EINVAL;
		}
		*(double *)f->p = d;
		return 0;
	}
	case F_DURATION: {
		int64_t ns;
		if (kube_parse_duration(val, &ns) < 0) {
			*ret_why = kube_asprintf("time: invalid duration %s", q);
			return -EINVAL;
		}
		*(int64_t *)f->p = ns;
		return 0;
	}
	case F_LIST: {
		kube_strv_t *v = f->p;
		if (!f->list_set) {
			kube_strv_free(*v);
			*v = kube_calloc(1, sizeof(char *));
			f->list_set = true;
		}
		if (!*val)
			return 0;
		for (const char *s = val;;) {
			const char *c = strchr(s, ',');
			size_t n = c ? (size_t)(c - s) : strlen(s);
			strv_push(v, kube_strndup(s, n));
			if (!c)
				break;
			s = c + 1;
		}
		return 0;
	}
	case F_MAP: {
		kube_strv_t *v = f->p;
		kube_strv_t add_kv = NULL;
		for (const char *s = val; *val;) {
			const char *c = strchr(s, ',');
			size_t n = c ? (size_t)(c - s) : strlen(s);
			const char *eq = memchr(s, '=', n);
			if (!eq) {
				kube_strv_free(add_kv);
				*ret_why = kube_strdup("malformed pair, expect string=string");
				return -EINVAL;
			}
			strv_push(&add_kv, trim_dup(s, (size_t)(eq - s)));
			strv_push(&add_kv, trim_dup(eq + 1, n - (size_t)(eq - s) - 1));
			if (!c)
				break;
			s = c + 1;
		}
		if (!f->list_set) {
			kube_strv_free(*v);
			*v = kube_calloc(1, sizeof(char *));
			f->list_set = true;
		}
		for (size_t i = 0; add_kv && add_kv[i]; i += 2) {
			bool found = false;
			for (size_t j = 0; (*v)[j]; j += 2) {
				if (strcmp((*v)[j], add_kv[i]) == 0) {
					kube_free((*v)[j + 1]);
					(*v)[j + 1] = add_kv[i + 1];
					add_kv[i + 1] = NULL;
					kube_free(add_kv[i]);
					found = true;
					break;
				}
			}
			if (!found) {
				strv_push(v, add_kv[i]);
				strv_push(v, add_kv[i + 1]);
			}
		}
		kube_free(add_kv);
		return 0;
	}
	case F_IP: {
		_cleanup_free_ char *t = trim_dup(val, strlen(val));
		if (kube_parse_ip(t, f->p) < 0) {
			*ret_why = kube_asprintf("failed to parse IP: %s", q);
			return -EINVAL;
		}
		return 0;
	}
	case F_CIDR: {
		_cleanup_free_ char *t = trim_dup(val, strlen(val));
		if (kube_parse_cidr(t, f->p) < 0) {
			*ret_why = kube_asprintf("invalid CIDR address: %s", t);
			return -EINVAL;
		}
		return 0;
	}
	case F_PORT_RANGE:
		if (kube_parse_port_range(val, f->p) < 0) {
			*ret_why = kube_asprintf("unable to parse port range: %s", val);
			return -EINVAL;
		}
		return 0;
	case F_IGNORED_BOOL: {
		bool b;
		if (kube_parse_bool(val, &b) < 0) {
			*ret_why = kube_asprintf("strconv.ParseBool: parsing %s: invalid syntax", q);
			return -EINVAL;
		}
		kube_free(f->ignored);
		f->ignored = kube_strdup(b ? "true" : "false");
		return 0;
	}
	case F_IGNORED:
		kube_free(f->ignored);
		f->ignored = kube_strdup(val);
		return 0;
	case F_HELP:
	case F_VERSION:
		return 0;
	}
	return 0;
}

static bool takes_no_value(const struct flag *f)
{
	return f->type == F_BOOL || f->type == F_IGNORED_BOOL || f->type == F_HELP ||
	       f->type == F_VERSION;
}

/* Apply one occurrence. Returns 0, 1 (help), 2 (version) or -EINVAL. */
static int apply(kube_flagset_t *fs, struct flag *f, const char *val, const char *shown_name)
{
	struct flag *t = f->target ? f->target : f;
	char *why = NULL;

	if (f->deprecated && !f->warned) {
		klog_warn("Flag --%s has been deprecated, %s", f->name, f->deprecated);
		f->warned = true;
	}
	if (t->deprecated && t != f && !t->warned) {
		klog_warn("Flag --%s has been deprecated, %s", t->name, t->deprecated);
		t->warned = true;
	}
	if (t->type == F_HELP) {
		bool b = true;
		if (kube_parse_bool(val, &b) < 0) {
			_cleanup_free_ char *q = quoted(val);
			set_error(fs, "invalid argument %s for \"%s\" flag: strconv.ParseBool: parsing %s: invalid syntax",
				  q, shown_name, q);
			return -EINVAL;
		}
		return b ? 1 : 0;
	}
	if (t->type == F_VERSION) {
		bool b = true;
		if (strcmp(val, "raw") == 0) {
			fs->version_raw = true;
			return 2;
		}
		if (kube_parse_bool(val, &b) < 0) {
			_cleanup_free_ char *q = quoted(val);
			set_error(fs, "invalid argument %s for \"%s\" flag: strconv.ParseBool: parsing %s: invalid syntax",
				  q, shown_name, q);
			return -EINVAL;
		}
		return b ? 2 : 0;
	}
	if (set_value(t, val, &why) < 0) {
		_cleanup_free_ char *q = quoted(val);
		set_error(fs, "invalid argument %s for \"%s\" flag: %s", q, shown_name, why);
		kube_free(why);
		return -EINVAL;
	}
	t->changed = true;
	f->changed = true;
	return 0;
}

static const char *shown(kube_buf_t *b, const struct flag *f)
{
	kube_buf_reset(b);
	if (f->shorthand)
		kube_buf_printf(b, "-%c, --%s", f->shorthand, f->name);
	else
		kube_buf_printf(b, "--%s", f->name);
	return kube_buf_str(b);
}

static void push_arg(kube_flagset_t *fs, const char *a)
{
	if (fs->nargs + 1 >= fs->capargs) {
		fs->capargs = fs->capargs ? fs->capargs * 2 : 8;
		fs->args = kube_realloc(fs->args, fs->capargs * sizeof(char *));
	}
	fs->args[fs->nargs++] = kube_strdup(a);
	fs->args[fs->nargs] = NULL;
}

static void ensure_builtin(kube_flagset_t *fs)
{
	if (!lookup_raw(fs, "help")) {
		_cleanup_free_ char *h = kube_asprintf("help for %s", fs->program);
		add(fs, "help", lookup_short(fs, 'h') ? 0 : 'h', F_HELP, NULL, h);
	}
	if (!lookup_raw(fs, "version")) {
		struct flag *f = add(fs, "version", 0, F_VERSION, NULL,
				     "--version, --version=raw prints version information and quits; --version=vX.Y.Z... sets the reported version");
		(void)f;
	}
}

static int parse_long(kube_flagset_t *fs, int argc, char **argv, int *i)
{
	const char *a = argv[*i] + 2;
	const char *eq = strchr(a, '=');
	_cleanup_free_ char *name = eq ? kube_strndup(a, (size_t)(eq - a)) : kube_strdup(a);
	_cleanup_(kube_buf_clear) kube_buf_t sb = KUBE_BUF_INIT;
	struct flag *f;

	if (!*name || name[0] == '-' || name[0] == '=') {
		set_error(fs, "bad flag syntax: %s", argv[*i]);
		return -EINVAL;
	}
	f = lookup_raw(fs, name);
	if (!f) {
		set_error(fs, "unknown flag: --%s", name);
		return -EINVAL;
	}
	if (eq)
		return apply(fs, f, eq + 1, shown(&sb, f->target ? f->target : f));
	if (takes_no_value(f->target ? f->target : f))
		return apply(fs, f, "true", shown(&sb, f));
	if (*i + 1 >= argc) {
		set_error(fs, "flag needs an argument: --%s", name);
		return -EINVAL;
	}
	(*i)++;
	return apply(fs, f, argv[*i], shown(&sb, f->target ? f->target : f));
}

static int parse_short(kube_flagset_t *fs, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *s = arg + 1;
	_cleanup_(kube_buf_clear) kube_buf_t sb = KUBE_BUF_INIT;

	while (*s) {
		struct flag *f = lookup_short(fs, *s);
		int r;

		if (!f) {
			set_error(fs, "unknown shorthand flag: '%c' in %s", *s, arg);
			return -EINVAL;
		}
		if (s[1] == '=') {
			return apply(fs, f, s + 2, shown(&sb, f));
		} else if (takes_no_value(f)) {
			r = apply(fs, f, "true", shown(&sb, f));
			if (r != 0)
				return r;
			s++;
			continue;
		} else if (s[1]) {
			return apply(fs, f, s + 1, shown(&sb, f));
		} else if (*i + 1 < argc) {
			(*i)++;
			return apply(fs, f, argv[*i], shown(&sb, f));
		} else {
			set_error(fs, "flag needs an argument: '%c' in %s", *s, arg);
			return -EINVAL;
		}
	}
	return 0;
}

int kube_flagset_parse(kube_flagset_t *fs, int argc, char **argv, const char **ret_error)
{
	int result = 0;

	ensure_builtin(fs);
	if (argc > MAX_ARGS) {
		set_error(fs, "too many arguments");
		if (ret_error)
			*ret_error = fs->error;
		return -EINVAL;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				push_arg(fs, argv[i]);
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			push_arg(fs, a);
			continue;
		}
		r = a[1] == '-' ? parse_long(fs, argc, argv, &i) : parse_short(fs, argc, argv, &i);
		if (r < 0) {
			if (ret_error)
				*ret_error = fs->error;
			return r;
		}
		/* Help wins over version, as cobra checks help first. */
		if (r == 1 || (r == 2 && result == 0))
			result = r;
	}
	if (result == 1) {
		_cleanup_(kube_buf_clear) kube_buf_t b = KUBE_BUF_INIT;
		kube_flagset_usage(fs, &b);
		fputs(kube_buf_str(&b), stdout);
		fflush(stdout);
	} else if (result == 2) {
		if (fs->version_raw)
			printf("version.Info{Major:\"%s\", Minor:\"%s\", GitVersion:\"%s\", GitCommit:\"%s\", GitTreeState:\"clean\"}\n",
			       KUBE_VERSION_MAJOR, KUBE_VERSION_MINOR, KUBE_GIT_VERSION, KUBE_GIT_COMMIT);
		else
			printf("Kubernetes %s\n", KUBE_GIT_VERSION);
		fflush(stdout);
	}
	return result;
}

void kube_flagset_parse_or_exit(kube_flagset_t *fs, int argc, char **argv)
{
	const char *err = NULL;
	int r = kube_flagset_parse(fs, argc, argv, &err);

	if (r < 0) {
		fprintf(stderr, "Error: %s\n", err ? err : "invalid flags");
		kube_flagset_free(fs);
		exit(2);
	}
	if (r > 0) {
		kube_flagset_free(fs);
		exit(0);
	}
}

void kube_flagset_parse_noargs_or_exit(kube_flagset_t *fs, int argc, char **argv)
{
	kube_buf_t b = KUBE_BUF_INIT;
	size_t given = 0;

	kube_flagset_parse_or_exit(fs, argc, argv);
	for (size_t i = 0; i < fs->nargs; i++)
		given += fs->args[i][0] != '\0';
	if (!given)
		return;
	/* cobra's message for commands that take no arguments. */
	kube_buf_putc(&b, '[');
	for (size_t i = 0; i < fs->nargs; i++) {
		if (i)
			kube_buf_putc(&b, ' ');
		quote(&b, fs->args[i]);
	}
	kube_buf_putc(&b, ']');
	fprintf(stderr, "Error: \"%s\" does not take any arguments, got %s\n", fs->program,
		kube_buf_str(&b));
	kube_buf_clear(&b);
	kube_flagset_free(fs);
	exit(2);
}

bool kube_flag_changed(const kube_flagset_t *fs, const char *name)
{
	struct flag *f = lookup_raw(fs, name);

	if (!f)
		return false;
	if (f->target)
		f = f->target;
	return f->changed;
}

const char *kube_flag_ignored_value(const kube_flagset_t *fs, const char *name)
{
	struct flag *f = lookup_raw(fs, name);

	if (f && f->target)
		f = f->target;
	if (!f || (f->type != F_IGNORED && f->type != F_IGNORED_BOOL))
		return NULL;
	return f->ignored;
}

char **kube_flagset_args(const kube_flagset_t *fs, int *ret_count)
{
	static char *empty[1] = { NULL };

	if (ret_count)
		*ret_count = (int)fs->nargs;
	return fs->args ? fs->args : empty;
}

/* ---- usage ---- */

static bool default_is_zero(const struct flag *f)
{
	const char *d = f->defval;

	switch (f->type) {
	case F_BOOL: case F_IGNORED_BOOL: return strcmp(d, "false") == 0 || !*d;
	case F_DURATION: return strcmp(d, "0s") == 0;
	case F_INT: case F_INT64: case F_FLOAT: return strcmp(d, "0") == 0;
	case F_LIST: return strcmp(d, "[]") == 0;
	case F_HELP: case F_VERSION: return true;
	default: return !*d;
	}
}

static int cmp_flags(const void *a, const void *b)
{
	const struct flag *x = *(const struct flag *const *)a;
	const struct flag *y = *(const struct flag *const *)b;

	return strcmp(x->name, y->name);
}

void kube_flagset_usage(const kube_flagset_t *fs, kube_buf_t *out)
{
	struct flag **sorted;
	char **lines;
	size_t *seps, n = 0, maxlen = 0;

	ensure_builtin((kube_flagset_t *)fs);
	sorted = kube_calloc(fs->n + 1, sizeof(*sorted));
	lines = kube_calloc(fs->n + 1, sizeof(*lines));
	seps = kube_calloc(fs->n + 1, sizeof(*seps));
	for (size_t i = 0; i < fs->n; i++)
		if (!fs->flags[i]->hidden)
			sorted[n++] = fs->flags[i];
	qsort(sorted, n, sizeof(*sorted), cmp_flags);

	if (fs->short_help && *fs->short_help)
		kube_buf_printf(out, "%s\n\n", fs->short_help);
	kube_buf_printf(out, "Usage:\n  %s [flags]\n\nFlags:\n", fs->program);
	for (size_t i = 0; i < n; i++) {
		const struct flag *f = sorted[i];
		kube_buf_t l = KUBE_BUF_INIT;
		const char *tw = type_word(f);

		if (f->shorthand)
			kube_buf_printf(&l, "  -%c, --%s", f->shorthand, f->name);
		else
			kube_buf_printf(&l, "      --%s", f->name);
		if (*tw)
			kube_buf_printf(&l, " %s", tw);
		seps[i] = l.len;
		if (l.len > maxlen)
			maxlen = l.len;
		kube_buf_puts(&l, f->help);
		if (!default_is_zero(f)) {
			if (f->type == F_STRING || (f->type == F_IGNORED && !f->type_name)) {
				kube_buf_puts(&l, " (default ");
				quote(&l, f->defval);
				kube_buf_putc(&l, ')');
			} else {
				kube_buf_printf(&l, " (default %s)", f->defval);
			}
		}
		if (f->deprecated)
			kube_buf_printf(&l, " (DEPRECATED: %s)", f->deprecated);
		lines[i] = kube_buf_steal(&l);
	}
	for (size_t i = 0; i < n; i++) {
		kube_buf_append(out, lines[i], seps[i]);
		kube_buf_printf(out, " %*s %s\n", (int)(maxlen - seps[i]), "", lines[i] + seps[i]);
		kube_free(lines[i]);
	}
	kube_free(lines);
	kube_free(seps);
	kube_free(sorted);
}
