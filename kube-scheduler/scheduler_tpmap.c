/* scheduler_tpmap: (topology key, value) -> count (see header). */
#include "scheduler_tpmap.h"

#include <string.h>

static uint64_t hash(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return h;
}

void scheduler_tpmap_clear(scheduler_tpmap_t *m)
{
	for (size_t i = 0; i < m->cap; i++)
		kube_free(m->slots[i].key);
	kube_free(m->slots);
	memset(m, 0, sizeof(*m));
}

static char *make_key(const char *key, const char *value, size_t *ret_len)
{
	size_t a = strlen(key), b = strlen(value);
	char *k = kube_malloc(a + b + 2);
	memcpy(k, key, a + 1);
	memcpy(k + a + 1, value, b + 1);
	*ret_len = a + b + 1;
	return k;
}

static scheduler_tpmap_entry_t *find(const scheduler_tpmap_t *m, const char *k, size_t n)
{
	if (!m->cap)
		return NULL;
	size_t i = hash(k, n) & (m->cap - 1);
	while (m->slots[i].used) {
		if (m->slots[i].klen == n && memcmp(m->slots[i].key, k, n) == 0)
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return &m->slots[i];
}

static void grow(scheduler_tpmap_t *m)
{
	scheduler_tpmap_t n = { .cap = m->cap ? m->cap * 2 : 16 };
	n.slots = kube_calloc(n.cap, sizeof(*n.slots));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].used)
			continue;
		scheduler_tpmap_entry_t *e = find(&n, m->slots[i].key, m->slots[i].klen);
		*e = m->slots[i];
		n.n++;
	}
	kube_free(m->slots);
	*m = n;
}

void scheduler_tpmap_add(scheduler_tpmap_t *m, const char *key, const char *value, int64_t delta)
{
	size_t n;
	char *k = make_key(key, value, &n);
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	scheduler_tpmap_entry_t *e = find(m, k, n);
	if (e->used) {
		e->value += delta;
		kube_free(k);
		return;
	}
	e->used = true;
	e->key = k;
	e->klen = n;
	e->value = delta;
	m->n++;
}

int64_t scheduler_tpmap_get(const scheduler_tpmap_t *m, const char *key, const char *value, bool *found)
{
	char buf[512];
	size_t a = strlen(key), b = strlen(value);
	scheduler_tpmap_entry_t *e;
	if (a + b + 2 <= sizeof(buf)) {
		memcpy(buf, key, a + 1);
		memcpy(buf + a + 1, value, b + 1);
		e = find(m, buf, a + b + 1);
	} else {
		size_t n;
		char *k = make_key(key, value, &n);
		e = find(m, k, n);
		kube_free(k);
	}
	if (found)
		*found = e && e->used;
	return e && e->used ? e->value : 0;
}
