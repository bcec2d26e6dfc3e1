/* kube_store: backend-neutral front of the store; dispatches to a backend. */
#include "storage/kube_store_impl.h"

#include <string.h>

struct kube_store {
	const kube_store_ops_t *ops;
	void *impl;
};

int kube_store_open(const kube_store_config_t *cfg, kube_store_t **ret)
{
	const char *backend = cfg->backend && *cfg->backend ? cfg->backend : "sqlite";
	const kube_store_ops_t *ops;
	kube_store_t *s;
	void *impl;
	int r;

	if (strcmp(backend, "sqlite") == 0 || strcmp(backend, "embedded") == 0)
		ops = &kube_store_sqlite_ops;
	else if (strcmp(backend, "etcd3") == 0)
		ops = &kube_store_etcd_ops;
	else
		return -EPROTONOSUPPORT;
	r = ops->open(cfg, &impl);
	if (r < 0)
		return r;
	s = kube_calloc(1, sizeof(*s));
	s->ops = ops;
	s->impl = impl;
	*ret = s;
	return 0;
}

void kube_store_free(kube_store_t *s)
{
	if (!s)
		return;
	s->ops->free(s->impl);
	kube_free(s);
}

int kube_store_get(kube_store_t *s, const char *key, kube_kv_t *ret)
{
	return s->ops->get(s->impl, key, ret);
}

int kube_store_list(kube_store_t *s, const char *prefix, const char *start_key, size_t limit,
		    int64_t rev, kube_kv_list_t *ret)
{
	return s->ops->list(s->impl, prefix, start_key, limit, rev, ret);
}

int kube_store_count(kube_store_t *s, const char *prefix, int64_t *ret)
{
	return s->ops->count(s->impl, prefix, ret);
}

int kube_store_create(kube_store_t *s, const char *key, const char *value, size_t len,
		      int64_t *ret_rev)
{
	return s->ops->create(s->impl, key, value, len, ret_rev);
}

int kube_store_update(kube_store_t *s, const char *key, const char *value, size_t len,
		      int64_t expected_mod_rev, int64_t *ret_rev, kube_kv_t *ret_current)
{
	return s->ops->update(s->impl, key, value, len, expected_mod_rev, ret_rev, ret_current);
}

int kube_store_delete(kube_store_t *s, const char *key, int64_t expected_mod_rev,
		      int64_t *ret_rev, kube_kv_t *ret_prev)
{
	return s->ops->delete(s->impl, key, expected_mod_rev, ret_rev, ret_prev);
}

int64_t kube_store_current_rev(kube_store_t *s)
{
	return s->ops->current_rev(s->impl);
}

int64_t kube_store_compacted_rev(kube_store_t *s)
{
	return s->ops->compacted_rev(s->impl);
}

int kube_store_compact(kube_store_t *s, int64_t rev)
{
	return s->ops->compact(s->impl, rev);
}

int kube_store_health(kube_store_t *s)
{
	return s->ops->health(s->impl);
}

int kube_store_watch(kube_store_t *s, const char *prefix, int64_t from_rev,
		     kube_store_watch_fn fn, void *arg, kube_store_watch_t **ret)
{
	return s->ops->watch(s->impl, prefix, from_rev, fn, arg, ret);
}

/* Every backend's watch handle starts with its ops pointer. */
typedef struct watch_head {
	const kube_store_ops_t *ops;
} watch_head_t;

void kube_store_watch_cancel(kube_store_watch_t *w)
{
	if (!w)
		return;
	((watch_head_t *)w)->ops->watch_cancel(w);
}

void kube_kv_clear(kube_kv_t *kv)
{
	if (!kv)
		return;
	kube_free(kv->key);
	kube_free(kv->value);
	memset(kv, 0, sizeof(*kv));
}

void kube_kv_list_clear(kube_kv_list_t *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		kube_kv_clear(&l->items[i]);
	kube_free(l->items);
	memset(l, 0, sizeof(*l));
}

void kube_kv_copy(kube_kv_t *dst, const kube_kv_t *src)
{
	dst->key = kube_strdup(src->key ? src->key : "");
	dst->value = kube_memdup(src->value ? src->value : "", src->value_len + 1);
	dst->value[src->value_len] = '\0';
	dst->value_len = src->value_len;
	dst->create_rev = src->create_rev;
	dst->mod_rev = src->mod_rev;
}
