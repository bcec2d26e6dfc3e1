/* kube_strmap: string-keyed hash map (see header). */
#include "client/kube_strmap.h"

#include <string.h>

#include "core/kube_core.h"

static unsigned str_hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void kube_strmap_clear(kube_strmap_t *m)
{
	for (size_t i = 0; i < m->nbuckets; i++) {
		kube_strmap_entry_t *e = m->buckets[i];

		while (e) {
			kube_strmap_entry_t *next = e->next;

			kube_free(e->key);
			kube_free(e);
			e = next;
		}
	}
	kube_free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = 0;
	m->count = 0;
}

kube_strmap_entry_t *kube_strmap_find(const kube_strmap_t *m, const char *key)
{
	unsigned h;

	if (!m->nbuckets)
		return NULL;
	h = str_hash(key);
	for (kube_strmap_entry_t *e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

void *kube_strmap_get(const kube_strmap_t *m, const char *key)
{
	kube_strmap_entry_t *e = kube_strmap_find(m, key);

	return e ? e->value : NULL;
}

bool kube_strmap_has(const kube_strmap_t *m, const char *key)
{
	return kube_strmap_find(m, key) != NULL;
}

static void grow(kube_strmap_t *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : 16;
	kube_strmap_entry_t **b = kube_calloc(n, sizeof(*b));

	for (size_t i = 0; i < m->nbuckets; i++) {
		kube_strmap_entry_t *e = m->buckets[i];

		while (e) {
			kube_strmap_entry_t *next = e->next;

			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	kube_free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
}

void *kube_strmap_put(kube_strmap_t *m, const char *key, void *value)
{
	kube_strmap_entry_t *e = kube_strmap_find(m, key);
	void *old;

	if (e) {
		old = e->value;
		e->value = value;
		return old;
	}
	if (m->count >= m->nbuckets)
		grow(m);
	e = kube_malloc(sizeof(*e));
	e->key = kube_strdup(key);
	e->value = value;
	e->hash = str_hash(key);
	e->next = m->buckets[e->hash & (m->nbuckets - 1)];
	m->buckets[e->hash & (m->nbuckets - 1)] = e;
	m->count++;
	return NULL;
}

void *kube_strmap_remove(kube_strmap_t *m, const char *key, bool *ret_found)
{
	unsigned h;

	if (ret_found)
		*ret_found = false;
	if (!m->nbuckets)
		return NULL;
	h = str_hash(key);
	for (kube_strmap_entry_t **p = &m->buckets[h & (m->nbuckets - 1)]; *p; p = &(*p)->next) {
		kube_strmap_entry_t *e = *p;
		void *v;

		if (e->hash != h || strcmp(e->key, key) != 0)
			continue;
		*p = e->next;
		v = e->value;
		kube_free(e->key);
		kube_free(e);
		m->count--;
		if (ret_found)
			*ret_found = true;
		return v;
	}
	return NULL;
}

kube_strmap_entry_t *kube_strmap_first(const kube_strmap_t *m)
{
	for (size_t i = 0; i < m->nbuckets; i++)
		if (m->buckets[i])
			return m->buckets[i];
	return NULL;
}

kube_strmap_entry_t *kube_strmap_next(const kube_strmap_t *m, const kube_strmap_entry_t *e)
{
	if (e->next)
		return e->next;
	for (size_t i = (e->hash & (m->nbuckets - 1)) + 1; i < m->nbuckets; i++)
		if (m->buckets[i])
			return m->buckets[i];
	return NULL;
}
