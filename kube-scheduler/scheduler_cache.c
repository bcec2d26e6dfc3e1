/* scheduler_cache: node infos, bound and assumed pods (see header). */
#include "scheduler_cache.h"

#include <stdio.h>
#include <string.h>

#include "api/kube_json.h"

typedef struct pod_state {
	scheduler_pod_t *pod;	/* reference */
	char *node;
	bool assumed;
} pod_state_t;

scheduler_cache_t *scheduler_cache_new(void)
{
	scheduler_cache_t *c = kube_calloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void scheduler_cache_free(scheduler_cache_t *c)
{
	kube_strmap_entry_t *e;
	if (!c)
		return;
	for (e = kube_strmap_first(&c->infos); e; e = kube_strmap_next(&c->infos, e))
		scheduler_nodeinfo_free(e->value);
	for (e = kube_strmap_first(&c->pods); e; e = kube_strmap_next(&c->pods, e)) {
		pod_state_t *s = e->value;
		scheduler_pod_unref(s->pod);
		kube_free(s->node);
		kube_free(s);
	}
	for (e = kube_strmap_first(&c->nominated); e; e = kube_strmap_next(&c->nominated, e))
		scheduler_pod_unref(e->value);
	kube_strmap_clear(&c->infos);
	kube_strmap_clear(&c->pods);
	kube_strmap_clear(&c->nominated);
	kube_free(c->nodes);
	kube_free(c->nom);
	pthread_mutex_destroy(&c->lock);
	kube_free(c);
}

void scheduler_cache_lock(scheduler_cache_t *c)
{
	pthread_mutex_lock(&c->lock);
}

void scheduler_cache_unlock(scheduler_cache_t *c)
{
	pthread_mutex_unlock(&c->lock);
}

scheduler_nodeinfo_t *const *scheduler_cache_nodes_locked(scheduler_cache_t *c, size_t *ret_n)
{
	if (c->dirty) {
		size_t n = 0;
		c->nodes = kube_realloc(c->nodes, (c->infos.count + 1) * sizeof(*c->nodes));
		for (kube_strmap_entry_t *e = kube_strmap_first(&c->infos); e; e = kube_strmap_next(&c->infos, e)) {
			scheduler_nodeinfo_t *ni = e->value;
			if (ni->node)
				c->nodes[n++] = ni;
		}
		c->nnodes = n;
		c->dirty = false;
	}
	*ret_n = c->nnodes;
	return c->nodes;
}

scheduler_pod_t *const *scheduler_cache_nominated_locked(scheduler_cache_t *c, size_t *ret_n)
{
	if (c->nom_dirty) {
		size_t n = 0;
		c->nom = kube_realloc(c->nom, (c->nominated.count + 1) * sizeof(*c->nom));
		for (kube_strmap_entry_t *e = kube_strmap_first(&c->nominated); e;
		     e = kube_strmap_next(&c->nominated, e))
			c->nom[n++] = e->value;
		c->nnom = n;
		c->nom_dirty = false;
	}
	*ret_n = c->nnom;
	return c->nom;
}

static scheduler_nodeinfo_t *info(scheduler_cache_t *c, const char *name, bool create)
{
	scheduler_nodeinfo_t *ni = kube_strmap_get(&c->infos, name);
	if (!ni && create) {
		ni = scheduler_nodeinfo_new(NULL);
		kube_strmap_put(&c->infos, name, ni);
	}
	return ni;
}

/* drop a node-less info once its last pod is gone */
static void maybe_drop(scheduler_cache_t *c, const char *name, scheduler_nodeinfo_t *ni)
{
	if (ni && !ni->node && !ni->npods) {
		kube_strmap_remove(&c->infos, name, NULL);
		scheduler_nodeinfo_free(ni);
		c->dirty = true;
	}
}

void scheduler_cache_set_node(scheduler_cache_t *c, cJSON *node)
{
	scheduler_cache_set_node_shared(c, node, NULL, NULL);
}

void scheduler_cache_set_node_shared(scheduler_cache_t *c, cJSON *node, void *owner,
				     void (*release)(void *owner))
{
	const char *name = kube_json_get_str(node, "metadata.name");
	if (!name) {
		if (release)
			release(owner);
		else
			cJSON_Delete(node);
		return;
	}
	pthread_mutex_lock(&c->lock);
	scheduler_nodeinfo_t *ni = info(c, name, true);
	if (!ni->node)
		c->dirty = true;
	scheduler_nodeinfo_set_node_shared(ni, node, owner, release);
	pthread_mutex_unlock(&c->lock);
}

void scheduler_cache_remove_node(scheduler_cache_t *c, const char *name)
{
	pthread_mutex_lock(&c->lock);
	scheduler_nodeinfo_t *ni = info(c, name, false);
	if (ni) {
		/* keep the name valid: it points into the node object */
		char *keep = kube_strdup(name);
		scheduler_nodeinfo_set_node(ni, NULL);
		c->dirty = true;
		maybe_drop(c, keep, ni);
		kube_free(keep);
	}
	pthread_mutex_unlock(&c->lock);
}

static void remove_locked(scheduler_cache_t *c, const char *key)
{
	pod_state_t *s = kube_strmap_remove(&c->pods, key, NULL);
	if (!s)
		return;
	scheduler_nodeinfo_t *ni = info(c, s->node, false);
	if (ni) {
		scheduler_nodeinfo_remove_pod(ni, s->pod);
		maybe_drop(c, s->node, ni);
	}
	scheduler_pod_unref(s->pod);
	kube_free(s->node);
	kube_free(s);
}

static void add_locked(scheduler_cache_t *c, const char *key, scheduler_pod_t *pod, const char *node,
		       bool assumed)
{
	pod_state_t *s = kube_calloc(1, sizeof(*s));
	s->pod = scheduler_pod_ref(pod);
	s->node = kube_strdup(node);
	s->assumed = assumed;
	kube_strmap_put(&c->pods, key, s);
	scheduler_nodeinfo_add_pod(info(c, node, true), pod);
}

void scheduler_cache_add_pod(scheduler_cache_t *c, scheduler_pod_t *pod)
{
	char key[512];
	if (!*pod->node_name)
		return;
	scheduler_pod_key(pod, key, sizeof(key));
	pthread_mutex_lock(&c->lock);
	remove_locked(c, key);
	add_locked(c, key, pod, pod->node_name, false);
	/* a bound pod is no longer nominated */
	scheduler_pod_t *nom = kube_strmap_remove(&c->nominated, key, NULL);
	if (nom) {
		scheduler_pod_unref(nom);
		c->nom_dirty = true;
	}
	pthread_mutex_unlock(&c->lock);
}

void scheduler_cache_remove_pod(scheduler_cache_t *c, const char *ns, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s/%s", ns, name);
	pthread_mutex_lock(&c->lock);
	remove_locked(c, key);
	scheduler_pod_t *nom = kube_strmap_remove(&c->nominated, key, NULL);
	if (nom) {
		scheduler_pod_unref(nom);
		c->nom_dirty = true;
	}
	pthread_mutex_unlock(&c->lock);
}

int scheduler_cache_assume_locked(scheduler_cache_t *c, scheduler_pod_t *pod, const char *node)
{
	char key[512];
	scheduler_pod_key(pod, key, sizeof(key));
	if (kube_strmap_has(&c->pods, key))
		return -EEXIST;
	add_locked(c, key, pod, node, true);
	return 0;
}

void scheduler_cache_forget(scheduler_cache_t *c, const char *ns, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s/%s", ns, name);
	pthread_mutex_lock(&c->lock);
	pod_state_t *s = kube_strmap_get(&c->pods, key);
	if (s && s->assumed)
		remove_locked(c, key);
	pthread_mutex_unlock(&c->lock);
}

bool scheduler_cache_has_pod(scheduler_cache_t *c, const char *ns, const char *name)
{
	char key[512];
	snprintf(key, sizeof(key), "%s/%s", ns, name);
	pthread_mutex_lock(&c->lock);
	bool r = kube_strmap_has(&c->pods, key);
	pthread_mutex_unlock(&c->lock);
	return r;
}

void scheduler_cache_nominate(scheduler_cache_t *c, scheduler_pod_t *pod, const char *node)
{
	char key[512];
	scheduler_pod_key(pod, key, sizeof(key));
	pthread_mutex_lock(&c->lock);
	scheduler_pod_t *old = kube_strmap_remove(&c->nominated, key, NULL);
	scheduler_pod_unref(old);
	if (node && *node) {
		/* the nominated copy carries status.nominatedNodeName */
		cJSON *j = kube_json_dup(pod->json);
		kube_json_set_str(j, "status.nominatedNodeName", node);
		scheduler_pod_t *copy = scheduler_pod_new(j);
		copy->priority = pod->priority;
		kube_strmap_put(&c->nominated, key, copy);
	}
	c->nom_dirty = true;
	pthread_mutex_unlock(&c->lock);
}

size_t scheduler_cache_node_count(scheduler_cache_t *c)
{
	size_t n;
	pthread_mutex_lock(&c->lock);
	scheduler_cache_nodes_locked(c, &n);
	pthread_mutex_unlock(&c->lock);
	return n;
}

size_t scheduler_cache_pod_count(scheduler_cache_t *c)
{
	pthread_mutex_lock(&c->lock);
	size_t n = c->pods.count;
	pthread_mutex_unlock(&c->lock);
	return n;
}
