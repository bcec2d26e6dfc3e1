/* kube_obj: immutable reference-counted cached objects (see kube_informer.h). */
#include "client/kube_informer.h"

#include <string.h>


static const char *member(const cJSON *md, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(md, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

kube_obj_t *kube_obj_new(cJSON *json)
{
	kube_obj_t *o = kube_calloc(1, sizeof(*o));
	const cJSON *md = cJSON_GetObjectItemCaseSensitive(json, "metadata");

	atomic_init(&o->refs, 1);
	o->json = json;
	o->namespace_ = member(md, "namespace");
	o->name = member(md, "name");
	o->uid = member(md, "uid");
	o->resource_version = member(md, "resourceVersion");
	return o;
}

kube_obj_t *kube_obj_ref(kube_obj_t *o)
{
	if (o)
		atomic_fetch_add(&o->refs, 1);
	return o;
}

void kube_obj_unref(kube_obj_t *o)
{
	if (!o || atomic_fetch_sub(&o->refs, 1) != 1)
		return;
	cJSON_Delete(o->json);
	kube_free(o);
}

char *kube_obj_key(const kube_obj_t *o)
{
	if (o->namespace_[0])
		return kube_asprintf("%s/%s", o->namespace_, o->name);
	return kube_strdup(o->name);
}

void kube_obj_split_key(const char *key, char **ret_ns, char **ret_name)
{
	const char *slash = strchr(key, '/');

	if (slash) {
		*ret_ns = kube_strndup(key, (size_t)(slash - key));
		*ret_name = kube_strdup(slash + 1);
	} else {
		*ret_ns = kube_strdup("");
		*ret_name = kube_strdup(key);
	}
}

void kube_obj_list_clear(kube_obj_list_t *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		kube_obj_unref(l->items[i]);
	kube_free(l->items);
	l->items = NULL;
	l->n = 0;
}
