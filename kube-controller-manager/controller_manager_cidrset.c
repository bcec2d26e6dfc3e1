/* controller_manager_cidrset: node subnets of a cluster CIDR, see the header. */
#include "controller_manager_cidrset.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/kube_core.h"
#include "core/kube_flags.h"

struct controller_manager_cidrset {
	kube_cidr_t base;
	int mask;		/* node subnet prefix length */
	size_t count;		/* number of subnets */
	uint8_t *used;		/* one byte per subnet */
	size_t n_used;
	size_t next;		/* search from here (rotating, as upstream) */
};

static int bits_of(const kube_ip_t *ip)
{
	return ip->family == AF_INET ? 32 : 128;
}

/* Offset of the first byte of addr for the family (v4 may sit in 4 bytes). */
static uint8_t *addr_bytes(kube_ip_t *ip)
{
	return ip->addr;
}

static int get_bit(const uint8_t *a, int i)
{
	return a[i / 8] >> (7 - i % 8) & 1;
}

static void set_bit(uint8_t *a, int i, int v)
{
	if (v)
		a[i / 8] |= (uint8_t)(1 << (7 - i % 8));
	else
		a[i / 8] &= (uint8_t)~(1 << (7 - i % 8));
}

int controller_manager_cidrset_new(const char *cidr, int mask_size, controller_manager_cidrset_t **ret)
{
	kube_cidr_t c;
	if (!cidr || kube_parse_cidr(cidr, &c) < 0)
		return -EINVAL;
	int bits = bits_of(&c.ip);
	if (mask_size <= c.prefix || mask_size > bits || mask_size - c.prefix > 20)
		return -EINVAL;
	controller_manager_cidrset_t *s = kube_calloc(1, sizeof(*s));
	s->base = c;
	for (int i = c.prefix; i < bits; i++)
		set_bit(addr_bytes(&s->base.ip), i, 0);
	s->mask = mask_size;
	s->count = (size_t)1 << (mask_size - c.prefix);
	s->used = kube_calloc(s->count, 1);
	*ret = s;
	return 0;
}

void controller_manager_cidrset_free(controller_manager_cidrset_t *s)
{
	if (!s)
		return;
	kube_free(s->used);
	kube_free(s);
}

size_t controller_manager_cidrset_used(const controller_manager_cidrset_t *s)
{
	return s->n_used;
}

int controller_manager_cidrset_family(const controller_manager_cidrset_t *s)
{
	return s->base.ip.family;
}

static char *format_subnet(const controller_manager_cidrset_t *s, size_t idx)
{
	kube_ip_t ip = s->base.ip;
	int n = s->mask - s->base.prefix;
	for (int i = 0; i < n; i++)
		set_bit(addr_bytes(&ip), s->base.prefix + i, (int)(idx >> (n - 1 - i) & 1));
	char buf[64];
	kube_format_ip(&ip, buf, sizeof(buf));
	return kube_asprintf("%s/%d", buf, s->mask);
}

char *controller_manager_cidrset_allocate(controller_manager_cidrset_t *s)
{
	for (size_t k = 0; k < s->count; k++) {
		size_t i = (s->next + k) % s->count;
		if (s->used[i])
			continue;
		s->used[i] = 1;
		s->n_used++;
		s->next = (i + 1) % s->count;
		return format_subnet(s, i);
	}
	return NULL;
}

/* The range of subnet indexes cidr covers. */
static int range_of(const controller_manager_cidrset_t *s, const char *cidr, size_t *lo, size_t *hi)
{
	kube_cidr_t c;
	if (!cidr || kube_parse_cidr(cidr, &c) < 0 || c.ip.family != s->base.ip.family)
		return -EINVAL;
	int bits = bits_of(&c.ip);
	kube_ip_t ip = c.ip;
	/* the common prefix must match the set's */
	int common = KUBE_MIN(c.prefix, s->base.prefix);
	for (int i = 0; i < common; i++)
		if (get_bit(addr_bytes(&ip), i) != get_bit(s->base.ip.addr, i))
			return -ERANGE;
	(void)bits;
	if (c.prefix <= s->base.prefix) { /* covers the whole set */
		*lo = 0;
		*hi = s->count - 1;
		return 0;
	}
	int n = s->mask - s->base.prefix;
	int known = KUBE_MIN(c.prefix, s->mask) - s->base.prefix; /* fixed index bits */
	size_t idx = 0;
	for (int i = 0; i < known; i++)
		idx = idx << 1 | (size_t)get_bit(addr_bytes(&ip), s->base.prefix + i);
	*lo = idx << (n - known);
	*hi = *lo + ((size_t)1 << (n - known)) - 1;
	return 0;
}

static int mark(controller_manager_cidrset_t *s, const char *cidr, uint8_t v)
{
	size_t lo, hi;
	int r = range_of(s, cidr, &lo, &hi);
	if (r < 0)
		return r;
	for (size_t i = lo; i <= hi; i++) {
		if (s->used[i] != v)
			s->n_used += v ? 1 : (size_t)-1;
		s->used[i] = v;
	}
	return 0;
}

int controller_manager_cidrset_occupy(controller_manager_cidrset_t *s, const char *cidr)
{
	return mark(s, cidr, 1);
}

int controller_manager_cidrset_release(controller_manager_cidrset_t *s, const char *cidr)
{
	return mark(s, cidr, 0);
}
