/*
 * controller_manager_garbagecollector: upstream's garbage collector. It
 * watches every resource that can be listed, watched, patched and deleted
 * (events excepted) and keeps a graph of ownerReferences: a node per uid,
 * with its dependents. A node named by some dependent but not (yet) seen is
 * "virtual"; once the caches settle it is checked against the API server,
 * and if it does not exist its dependents are collected, which is also how
 * dependents whose owners went while nothing watched are found after a
 * restart.
 *
 * Work items (a queue of "<action>|<uid>" keys):
 *   d  attemptToDelete: an object whose owners may be gone; decided by
 *      controller_manager_gc_decide against live owner lookups
 *      (background deletion, or dropping refs to absent owners);
 *   f  an owner being deleted in the foreground: its dependents are
 *      deleted, and the foregroundDeletion finalizer removed once no
 *      dependent with blockOwnerDeletion remains;
 *   o  an owner with the orphan finalizer: its ref is removed from every
 *      dependent, then the finalizer;
 *   v  a virtual owner to verify.
 */
#include "controller_manager_garbagecollector.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_kinds.h"
#include "client/kube_strmap.h"
#include "core/kube_log.h"
#include "controller_manager_gcgraph.h"
#include "controller_manager_pods.h"
#include "controller_manager_worker.h"

#define NBUCKETS 16384
#define ABSENT_CACHE 512

typedef struct gnode {
	struct gnode *next;
	char *uid;
	const kube_kind_t *kind;	/* NULL while virtual */
	kube_informer_t *inf;
	char *ns, *name;
	char *api_version, *kind_name;	/* for virtual nodes: from the ref */
	cJSON *owners;			/* ownerReferences (dup) */
	kube_strmap_t deps;		/* dependents' uids (a set) */
	bool fg, orphan;		/* deleting with these finalizers */
} gnode_t;

typedef struct gcc gcc_t;

typedef struct gcinf {
	gcc_t *c;
	const kube_kind_t *kind;
	kube_informer_t *inf;
} gcinf_t;

struct gcc {
	controller_manager_ctx_t *ctx;
	pthread_mutex_t mu;
	gnode_t *buckets[NBUCKETS];
	gcinf_t *infs;
	size_t ninfs;
	kube_workqueue_t *q;
	controller_manager_workers_t *workers;
	/* upstream's absentOwnerCache: owner uids known not to exist (a ring) */
	char *absent[ABSENT_CACHE];
	size_t absent_next;
};

static bool absent_has(gcc_t *c, const char *uid)
{
	bool found = false;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < ABSENT_CACHE && !found; i++)
		found = c->absent[i] && strcmp(c->absent[i], uid) == 0;
	pthread_mutex_unlock(&c->mu);
	return found;
}

static void absent_add(gcc_t *c, const char *uid)
{
	pthread_mutex_lock(&c->mu);
	kube_free(c->absent[c->absent_next]);
	c->absent[c->absent_next] = kube_strdup(uid);
	c->absent_next = (c->absent_next + 1) % ABSENT_CACHE;
	pthread_mutex_unlock(&c->mu);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKETS;
}

static gnode_t *node_find(gcc_t *c, const char *uid)
{
	for (gnode_t *n = c->buckets[hash(uid)]; n; n = n->next)
		if (strcmp(n->uid, uid) == 0)
			return n;
	return NULL;
}

static gnode_t *node_get(gcc_t *c, const char *uid)
{
	gnode_t *n = node_find(c, uid);
	if (n)
		return n;
	n = kube_calloc(1, sizeof(*n));
	n->uid = kube_strdup(uid);
	unsigned h = hash(uid);
	n->next = c->buckets[h];
	c->buckets[h] = n;
	return n;
}

static void node_free(gnode_t *n)
{
	kube_free(n->uid);
	kube_free(n->ns);
	kube_free(n->name);
	kube_free(n->api_version);
	kube_free(n->kind_name);
	cJSON_Delete(n->owners);
	kube_strmap_clear(&n->deps);
	kube_free(n);
}

static void node_remove(gcc_t *c, const char *uid)
{
	for (gnode_t **pp = &c->buckets[hash(uid)]; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->uid, uid) == 0) {
			gnode_t *n = *pp;
			*pp = n->next;
			node_free(n);
			return;
		}
}

static void dep_add(gnode_t *owner, const char *uid)
{
	if (!kube_strmap_has(&owner->deps, uid))
		kube_strmap_put(&owner->deps, uid, owner);
}

static void dep_del(gnode_t *owner, const char *uid)
{
	kube_strmap_remove(&owner->deps, uid, NULL);
}

static void enqueue(gcc_t *c, char action, const char *uid, int64_t delay_ms)
{
	char key[160];
	snprintf(key, sizeof(key), "%c|%s", action, uid);
	if (delay_ms > 0)
		kube_workqueue_add_after(c->q, key, delay_ms);
	else
		kube_workqueue_add(c->q, key);
}

static bool has_fin(const cJSON *obj, const char *fin)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, kube_json_get(obj, "metadata.finalizers"))
		if (cJSON_IsString(f) && strcmp(f->valuestring, fin) == 0)
			return true;
	return false;
}

static bool ref_in(const cJSON *refs, const char *uid)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, refs)
		if (kube_streq(kube_json_get_str(r, "uid"), uid))
			return true;
	return false;
}

/* Record obj in the graph (called with c->mu held). */
static void observe(gcinf_t *gi, const kube_obj_t *obj)
{
	gcc_t *c = gi->c;
	if (!obj->uid || !*obj->uid)
		return;
	gnode_t *n = node_get(c, obj->uid);
	bool was_virtual = n->kind == NULL;
	n->kind = gi->kind;
	n->inf = gi->inf;
	if (!n->name) {
		n->ns = kube_strdup(obj->namespace_ ? obj->namespace_ : "");
		n->name = kube_strdup(obj->name);
	}
	const cJSON *refs = kube_json_get(obj->json, "metadata.ownerReferences");
	const cJSON *r;
	/* the usual update (a status change): same owners, nothing to redo */
	bool same = !was_virtual && (n->owners ? kube_json_equal(n->owners, refs) : !refs);
	if (same)
		goto flags;
	/* owners that went away from the refs */
	cJSON_ArrayForEach(r, n->owners) {
		const char *ou = kube_json_get_str(r, "uid");
		if (!ou || ref_in(refs, ou))
			continue;
		gnode_t *o = node_find(c, ou);
		if (o) {
			dep_del(o, obj->uid);
			if (o->fg)
				enqueue(c, 'f', ou, 0);
		}
	}
	cJSON_ArrayForEach(r, refs) {
		const char *ou = kube_json_get_str(r, "uid");
		if (!ou || !*ou)
			continue;
		gnode_t *o = node_get(c, ou);
		dep_add(o, obj->uid);
		if (!o->kind) {
			/* virtual: verify once the caches settle */
			if (!o->name) {
				const char *av = kube_json_get_str(r, "apiVersion");
				o->api_version = kube_strdup(av ? av : "");
				o->kind_name = kube_strdup(kube_json_get_str(r, "kind") ? kube_json_get_str(r, "kind") : "");
				o->ns = kube_strdup(obj->namespace_ ? obj->namespace_ : "");
				o->name = kube_strdup(kube_json_get_str(r, "name") ? kube_json_get_str(r, "name") : "");
				enqueue(c, 'v', ou, 2000);
			}
		} else if (o->fg) {
			enqueue(c, 'd', obj->uid, 0);
		}
	}
	cJSON_Delete(n->owners);
	n->owners = refs ? kube_json_dup(refs) : NULL;
flags:;
	bool deleting = kube_json_get(obj->json, "metadata.deletionTimestamp") != NULL;
	n->fg = deleting && has_fin(obj->json, CM_FINALIZER_FOREGROUND);
	n->orphan = deleting && has_fin(obj->json, CM_FINALIZER_ORPHAN);
	if (n->fg)
		enqueue(c, 'f', obj->uid, 0);
	if (n->orphan)
		enqueue(c, 'o', obj->uid, 0);
	if (was_virtual && n->deps.count && n->fg)
		for (kube_strmap_entry_t *e = kube_strmap_first(&n->deps); e;
		     e = kube_strmap_next(&n->deps, e))
			enqueue(c, 'd', e->key, 0);
}

static void on_add(kube_obj_t *obj, void *arg)
{
	gcinf_t *gi = arg;
	pthread_mutex_lock(&gi->c->mu);
	observe(gi, obj);
	pthread_mutex_unlock(&gi->c->mu);
}

static void on_update(kube_obj_t *old, kube_obj_t *new_, void *arg)
{
	if (kube_streq(old->resource_version, new_->resource_version))
		return;
	on_add(new_, arg);
}

static void on_delete(kube_obj_t *obj, bool unknown, void *arg)
{
	gcinf_t *gi = arg;
	gcc_t *c = gi->c;
	pthread_mutex_lock(&c->mu);
	gnode_t *n = node_find(c, obj->uid);
	if (n) {
		const cJSON *r;
		cJSON_ArrayForEach(r, n->owners) {
			gnode_t *o = node_find(c, kube_json_get_str(r, "uid"));
			if (o) {
				dep_del(o, n->uid);
				if (o->fg)
					enqueue(c, 'f', o->uid, 0);
				if (!o->kind && !o->deps.count)
					node_remove(c, o->uid);
			}
		}
		for (kube_strmap_entry_t *e = kube_strmap_first(&n->deps); e;
		     e = kube_strmap_next(&n->deps, e))
			enqueue(c, 'd', e->key, 0);
		node_remove(c, obj->uid);
	}
	pthread_mutex_unlock(&c->mu);
}

/* ---- workers ---- */

typedef struct where {
	const kube_kind_t *kind;
	kube_informer_t *inf;
	char *ns, *name;
	char **deps;
	size_t ndeps;
	bool virtual_;
	char *api_version, *kind_name;
} where_t;

static void where_clear(where_t *w)
{
	kube_free(w->ns);
	kube_free(w->name);
	kube_free(w->api_version);
	kube_free(w->kind_name);
	for (size_t i = 0; i < w->ndeps; i++)
		kube_free(w->deps[i]);
	kube_free(w->deps);
}

static bool where_of(gcc_t *c, const char *uid, where_t *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_lock(&c->mu);
	gnode_t *n = node_find(c, uid);
	if (n) {
		w->kind = n->kind;
		w->inf = n->inf;
		w->virtual_ = !n->kind;
		w->ns = kube_strdup(n->ns ? n->ns : "");
		w->name = kube_strdup(n->name ? n->name : "");
		w->api_version = kube_strdup(n->api_version ? n->api_version : "");
		w->kind_name = kube_strdup(n->kind_name ? n->kind_name : "");
		w->deps = kube_calloc(n->deps.count ? n->deps.count : 1, sizeof(char *));
		for (kube_strmap_entry_t *e = kube_strmap_first(&n->deps); e;
		     e = kube_strmap_next(&n->deps, e))
			w->deps[w->ndeps++] = kube_strdup(e->key);
	}
	pthread_mutex_unlock(&c->mu);
	return n != NULL;
}

static const kube_kind_t *kind_of_ref(const char *api_version, const char *kind)
{
	char group[128] = "";
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	if (slash)
		snprintf(group, sizeof(group), "%.*s", (int)(slash - api_version), api_version);
	return kube_kinds_by_kind(group, kind);
}

typedef struct lookup_ctx {
	gcc_t *c;
	const char *ns;
} lookup_ctx_t;

/* The live state of the owner ref names (from the API server). */
static controller_manager_gc_owner_t lookup_owner(const cJSON *ref, void *arg)
{
	lookup_ctx_t *lc = arg;
	const kube_kind_t *k = kind_of_ref(kube_json_get_str(ref, "apiVersion"),
					   kube_json_get_str(ref, "kind"));
	const char *ref_uid = kube_json_get_str(ref, "uid");
	if (!k)
		return CM_GC_OWNER_SOLID; /* unknown kinds are never collected */
	if (ref_uid && absent_has(lc->c, ref_uid))
		return CM_GC_OWNER_DANGLING;
	cJSON *o = NULL;
	int r = kube_client_get(lc->c->ctx->client, k, k->namespaced ? lc->ns : NULL,
				kube_json_get_str(ref, "name"), &o, NULL);
	if (r == -ENOENT) {
		if (ref_uid)
			absent_add(lc->c, ref_uid);
		return CM_GC_OWNER_DANGLING;
	}
	if (r < 0)
		return CM_GC_OWNER_SOLID; /* in doubt, keep */
	controller_manager_gc_owner_t st = CM_GC_OWNER_SOLID;
	if (!kube_streq(kube_json_get_str(o, "metadata.uid"), ref_uid)) {
		st = CM_GC_OWNER_DANGLING;
		if (ref_uid)
			absent_add(lc->c, ref_uid);
	}
	else if (controller_manager_gc_deleting_with(o, CM_FINALIZER_FOREGROUND))
		st = CM_GC_OWNER_WAITING;
	cJSON_Delete(o);
	return st;
}

static int patch_obj(gcc_t *c, const kube_kind_t *k, const char *ns, const char *name, const char *p)
{
	int r = kube_client_patch(c->ctx->client, k, ns, name, NULL, "application/merge-patch+json", p,
				  NULL, NULL, NULL);
	return r == -ENOENT ? 0 : r;
}

static int attempt_delete(gcc_t *c, const char *uid)
{
	where_t w;
	if (!where_of(c, uid, &w) || w.virtual_) {
		if (w.virtual_)
			where_clear(&w);
		return 0;
	}
	cJSON *obj = NULL;
	int r = kube_client_get(c->ctx->client, w.kind, w.ns, w.name, &obj, NULL);
	if (r < 0) {
		where_clear(&w);
		return r == -ENOENT ? 0 : r;
	}
	if (!kube_streq(kube_json_get_str(obj, "metadata.uid"), uid) ||
	    (kube_json_get(obj, "metadata.deletionTimestamp") &&
	     !has_fin(obj, CM_FINALIZER_FOREGROUND))) {
		cJSON_Delete(obj);
		where_clear(&w);
		return 0;
	}
	if (kube_json_get(obj, "metadata.deletionTimestamp")) {
		/* deleting its own dependents in the foreground */
		enqueue(c, 'f', uid, 0);
		cJSON_Delete(obj);
		where_clear(&w);
		return 0;
	}
	lookup_ctx_t lc = { c, w.ns };
	const char *policy = NULL;
	char *patch = NULL;
	controller_manager_gc_action_t a = controller_manager_gc_decide(obj, w.ndeps > 0, lookup_owner,
									 &lc, &policy, &patch);
	kube_client_delete_opts_t o = KUBE_CLIENT_DELETE_OPTS_INIT;
	o.precondition_uid = uid;
	o.propagation_policy = policy;
	switch (a) {
	case CM_GC_KEEP:
		break;
	case CM_GC_REMOVE_REFS:
		klog_v(2, "garbage collector: dropping dangling owner refs of %s %s/%s", w.kind->kind,
		       w.ns, w.name);
		r = patch_obj(c, w.kind, w.ns, w.name, patch);
		break;
	case CM_GC_UNBLOCK_DELETE:
		r = patch_obj(c, w.kind, w.ns, w.name, patch);
		if (r == 0)
			r = kube_client_delete(c->ctx->client, w.kind, w.ns, w.name, &o, NULL, NULL);
		break;
	case CM_GC_DELETE:
		klog_v(2, "garbage collector: deleting %s %s/%s (%s)", w.kind->kind, w.ns, w.name, policy);
		r = kube_client_delete(c->ctx->client, w.kind, w.ns, w.name, &o, NULL, NULL);
		break;
	}
	kube_free(patch);
	cJSON_Delete(obj);
	where_clear(&w);
	if (r == -ENOENT || r == -ESTALE)
		return 0;
	return r < 0 ? r : 0;
}

/* A cached dependent (new reference) or NULL. */
static kube_obj_t *cached(gcc_t *c, const char *uid)
{
	where_t w;
	if (!where_of(c, uid, &w))
		return NULL;
	kube_obj_t *o = w.inf ? kube_informer_get(w.inf, w.ns, w.name) : NULL;
	if (o && !kube_streq(o->uid, uid)) {
		kube_obj_unref(o);
		o = NULL;
	}
	where_clear(&w);
	return o;
}

static int remove_finalizer(gcc_t *c, const where_t *w, const char *uid, const char *fin)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		cJSON *obj = NULL;
		int r = kube_client_get(c->ctx->client, w->kind, w->ns, w->name, &obj, NULL);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		if (!kube_streq(kube_json_get_str(obj, "metadata.uid"), uid) || !has_fin(obj, fin)) {
			cJSON_Delete(obj);
			return 0;
		}
		char *p = controller_manager_gc_remove_finalizer_patch(obj, fin);
		cJSON_Delete(obj);
		r = patch_obj(c, w->kind, w->ns, w->name, p);
		kube_free(p);
		if (r != -ESTALE)
			return r;
	}
	return -ESTALE;
}

static int process_foreground(gcc_t *c, const char *uid)
{
	where_t w;
	if (!where_of(c, uid, &w) || w.virtual_) {
		where_clear(&w);
		return 0;
	}
	bool blocked = false;
	for (size_t i = 0; i < w.ndeps; i++) {
		kube_obj_t *d = cached(c, w.deps[i]);
		if (!d)
			continue;
		if (controller_manager_gc_blocks(d->json, uid))
			blocked = true;
		enqueue(c, 'd', w.deps[i], 0);
		kube_obj_unref(d);
	}
	int r = 0;
	if (!blocked)
		r = remove_finalizer(c, &w, uid, CM_FINALIZER_FOREGROUND);
	where_clear(&w);
	return r;
}

static int process_orphan(gcc_t *c, const char *uid)
{
	where_t w;
	if (!where_of(c, uid, &w) || w.virtual_) {
		where_clear(&w);
		return 0;
	}
	int err = 0;
	for (size_t i = 0; i < w.ndeps; i++) {
		kube_obj_t *d = cached(c, w.deps[i]);
		if (!d)
			continue;
		where_t dw;
		if (where_of(c, w.deps[i], &dw) && dw.kind) {
			char *p = controller_manager_release_patch(d->json, uid);
			/* no resourceVersion precondition: refs are re-read on conflict */
			cJSON *pj = kube_json_parse(p, strlen(p));
			kube_json_delete(pj, "metadata.resourceVersion");
			char *p2 = kube_json_compact(pj);
			int r = patch_obj(c, dw.kind, dw.ns, dw.name, p2);
			if (r < 0)
				err = r;
			kube_free(p2);
			cJSON_Delete(pj);
			kube_free(p);
		}
		where_clear(&dw);
		kube_obj_unref(d);
	}
	if (!err)
		err = remove_finalizer(c, &w, uid, CM_FINALIZER_ORPHAN);
	where_clear(&w);
	return err;
}

static int verify_virtual(gcc_t *c, const char *uid)
{
	where_t w;
	if (!where_of(c, uid, &w) || !w.virtual_) {
		where_clear(&w);
		return 0;
	}
	const kube_kind_t *k = kind_of_ref(w.api_version, w.kind_name);
	int r = 0;
	if (k) {
		cJSON *o = NULL;
		r = kube_client_get(c->ctx->client, k, k->namespaced ? w.ns : NULL, w.name, &o, NULL);
		bool absent = r == -ENOENT || (r == 0 && !kube_streq(kube_json_get_str(o, "metadata.uid"), uid));
		cJSON_Delete(o);
		if (absent) {
			r = 0;
			for (size_t i = 0; i < w.ndeps; i++)
				enqueue(c, 'd', w.deps[i], 0);
		}
	}
	where_clear(&w);
	return r == -ENOENT ? 0 : r;
}

static int sync_item(void *arg, const char *key)
{
	gcc_t *c = arg;
	if (strlen(key) < 3 || key[1] != '|')
		return 0;
	const char *uid = key + 2;
	switch (key[0]) {
	case 'd': return attempt_delete(c, uid);
	case 'f': return process_foreground(c, uid);
	case 'o': return process_orphan(c, uid);
	case 'v': return verify_virtual(c, uid);
	}
	return 0;
}

static bool ignored(const kube_kind_t *k)
{
	if (strcmp(k->resource, "events") == 0)
		return true;
	return !kube_kinds_has_verb(k, "list") || !kube_kinds_has_verb(k, "watch") ||
	       !kube_kinds_has_verb(k, "delete") || !kube_kinds_has_verb(k, "patch");
}

static int start(controller_manager_ctx_t *ctx, void **ret_state)
{
	gcc_t *c = kube_calloc(1, sizeof(*c));
	c->ctx = ctx;
	pthread_mutex_init(&c->mu, NULL);
	kube_workqueue_config_t qc = { .name = "garbage_collector_attempt_to_delete" };
	c->q = kube_workqueue_new(&qc);
	size_t nk = 0;
	const kube_kind_t *kinds = kube_kinds_all(&nk);
	c->infs = kube_calloc(nk, sizeof(*c->infs));
	for (size_t i = 0; i < nk; i++) {
		if (ignored(&kinds[i]))
			continue;
		gcinf_t *gi = &c->infs[c->ninfs++];
		gi->c = c;
		gi->kind = &kinds[i];
		gi->inf = kube_informer_factory_get(ctx->informers, &kinds[i]);
		kube_informer_handlers_t h = { on_add, on_update, on_delete, gi };
		kube_informer_add_handlers(gi->inf, &h);
	}
	c->workers = controller_manager_workers_start(ctx, c->q, ctx->opts->concurrent_gc_syncs,
						      "garbage-collector-controller", sync_item, c);
	*ret_state = c;
	return 0;
}

static void stop(void *state)
{
	gcc_t *c = state;
	for (size_t i = 0; i < c->ninfs; i++)
		kube_informer_stop(c->infs[i].inf);
	controller_manager_workers_stop(c->workers);
	kube_workqueue_free(c->q);
	for (size_t i = 0; i < NBUCKETS; i++)
		for (gnode_t *n = c->buckets[i], *nx; n; n = nx) {
			nx = n->next;
			node_free(n);
		}
	for (size_t i = 0; i < ABSENT_CACHE; i++)
		kube_free(c->absent[i]);
	kube_free(c->infs);
	pthread_mutex_destroy(&c->mu);
	kube_free(c);
}

const controller_manager_controller_t controller_manager_garbagecollector_controller = {
	.name = "garbage-collector", .default_on = true, .start = start, .stop = stop,
};
