#include "kube_test.h"

#include <pthread.h>

#include "api/kube_json.h"
#include "client/kube_informer.h"
#include "apiserver_fixture.h"

typedef struct rec {
	pthread_mutex_t lock;
	int adds, updates, same_updates, deletes, deletes_unknown;
	char last_deleted[64];
} rec_t;

static void on_add(kube_obj_t *o, void *arg)
{
	rec_t *r = arg;

	pthread_mutex_lock(&r->lock);
	r->adds++;
	pthread_mutex_unlock(&r->lock);
	(void)o;
}

static void on_update(kube_obj_t *old, kube_obj_t *o, void *arg)
{
	rec_t *r = arg;

	pthread_mutex_lock(&r->lock);
	if (old == o)
		r->same_updates++;
	else
		r->updates++;
	pthread_mutex_unlock(&r->lock);
}

static void on_delete(kube_obj_t *o, bool unknown, void *arg)
{
	rec_t *r = arg;

	pthread_mutex_lock(&r->lock);
	r->deletes++;
	if (unknown)
		r->deletes_unknown++;
	kube_strlcpy(r->last_deleted, o->name, sizeof(r->last_deleted));
	pthread_mutex_unlock(&r->lock);
}

static int get(rec_t *r, int *field)
{
	int v;

	pthread_mutex_lock(&r->lock);
	v = *field;
	pthread_mutex_unlock(&r->lock);
	return v;
}

/* Poll until *field >= want (up to ms). */
static bool wait_for(rec_t *r, int *field, int want, int ms)
{
	int64_t until = kube_now_ns() + (int64_t)ms * 1000000;

	while (kube_now_ns() < until) {
		if (get(r, field) >= want)
			return true;
		fixture_sleep_ms(5);
	}
	return get(r, field) >= want;
}

static void value_index(const kube_obj_t *o, void (*emit)(const char *, void *), void *ctx)
{
	const char *v = kube_json_get_str(o->json, "data.v");

	if (v)
		emit(v, ctx);
}

static const kube_kind_t *cm_kind(void)
{
	return kube_kinds_lookup("", "v1", "configmaps");
}

static void put_cm(kube_client_t *c, const char *ns, const char *name, const char *v)
{
	cJSON *o = cJSON_CreateObject();
	kube_client_status_t st = { 0 };

	kube_json_set_str(o, "metadata.name", name);
	kube_json_set_str(o, "data.v", v);
	if (kube_client_create(c, cm_kind(), ns, o, NULL, &st) == -EEXIST) {
		char patch[128];

		snprintf(patch, sizeof(patch), "{\"data\":{\"v\":\"%s\"}}", v);
		kube_client_patch(c, cm_kind(), ns, name, NULL, NULL, patch, NULL, NULL, NULL);
	}
	kube_client_status_clear(&st);
	cJSON_Delete(o);
}

static kube_client_t *client_for(const apiserver_fixture_t *f)
{
	kube_client_config_t cfg = { .server = f->url, .qps = -1 };
	kube_client_t *c = NULL;

	kube_client_new(&cfg, &c);
	return c;
}

static kube_informer_t *start_informer(kube_client_t *c, rec_t *r, int64_t resync_ms)
{
	kube_informer_config_t cfg = { .kind = cm_kind(), .resync_ms = resync_ms, .page_size = 2 };
	kube_informer_handlers_t h = { on_add, on_update, on_delete, r };
	kube_informer_t *inf = kube_informer_new(c, &cfg);

	kube_informer_add_handlers(inf, &h);
	kube_informer_add_index(inf, "v", value_index);
	kube_informer_start(inf);
	return inf;
}

TEST(informer_list_watch_cache_and_indexes)
{
	apiserver_fixture_t f;
	rec_t r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_obj_list_t l;
	kube_informer_t *inf;
	kube_client_t *c;
	kube_obj_t *o;
	char *rv;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f);
	put_cm(c, "default", "a", "x");
	put_cm(c, "default", "b", "y");
	put_cm(c, "kube-system", "c", "x");
	inf = start_informer(c, &r, 0);
	ASSERT_TRUE(kube_informer_wait_synced(inf, 5000));
	ASSERT_TRUE(kube_informer_has_synced(inf));
	/* the server may bootstrap configmaps of its own */
	ASSERT_GE(kube_informer_count(inf), 3);
	ASSERT_EQ(get(&r, &r.adds), (int)kube_informer_count(inf));

	o = kube_informer_get(inf, "default", "a");
	ASSERT_NOT_NULL(o);
	ASSERT_STREQ(o->name, "a");
	ASSERT_STREQ(o->namespace_, "default");
	ASSERT_TRUE(o->uid[0] != '\0');
	{
		char *key = kube_obj_key(o);

		ASSERT_STREQ(key, "default/a");
		kube_free(key);
	}
	kube_obj_unref(o);
	ASSERT_NULL(kube_informer_get_key(inf, "default/zzz"));

	ASSERT_EQ(kube_informer_by_index(inf, "v", "x", &l), 0);
	ASSERT_EQ(l.n, 2);
	kube_obj_list_clear(&l);
	ASSERT_EQ(kube_informer_by_index(inf, "nope", "x", &l), -ENOENT);
	kube_informer_list(inf, "default", &l);
	ASSERT_GE(l.n, 2);
	kube_obj_list_clear(&l);

	/* watch: add, update (index moves), delete */
	int adds0 = get(&r, &r.adds);
	put_cm(c, "default", "d", "z");
	ASSERT_TRUE(wait_for(&r, &r.adds, adds0 + 1, 3000));
	put_cm(c, "default", "a", "z");
	ASSERT_TRUE(wait_for(&r, &r.updates, 1, 3000));
	ASSERT_EQ(kube_informer_by_index(inf, "v", "z", &l), 0);
	ASSERT_EQ(l.n, 2);
	kube_obj_list_clear(&l);
	ASSERT_EQ(kube_informer_by_index(inf, "v", "x", &l), 0);
	ASSERT_EQ(l.n, 1);
	kube_obj_list_clear(&l);
	ASSERT_EQ(kube_client_delete(c, cm_kind(), "default", "b", NULL, NULL, NULL), 0);
	ASSERT_TRUE(wait_for(&r, &r.deletes, 1, 3000));
	ASSERT_EQ(get(&r, &r.deletes_unknown), 0);
	ASSERT_STREQ(r.last_deleted, "b");
	ASSERT_NULL(kube_informer_get(inf, "default", "b"));
	rv = kube_informer_last_rv(inf);
	ASSERT_TRUE(rv[0] != '\0');
	kube_free(rv);

	kube_informer_free(inf);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(informer_catches_up_after_apiserver_restart)
{
	apiserver_fixture_t f;
	rec_t r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_informer_t *inf;
	kube_client_t *c;
	int64_t t0;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f);
	put_cm(c, "default", "a", "1");
	inf = start_informer(c, &r, 0);
	ASSERT_TRUE(kube_informer_wait_synced(inf, 5000));
	fixture_kill(&f, SIGTERM);
	ASSERT_EQ(fixture_spawn(&f), 0);
	t0 = kube_now_ns();
	put_cm(c, "default", "after-restart", "2");
	put_cm(c, "default", "a", "3");
	ASSERT_TRUE(wait_for(&r, &r.updates, 1, 8000));
	for (int i = 0; i < 400; i++) {
		kube_obj_t *o = kube_informer_get(inf, "default", "after-restart");

		kube_obj_unref(o);
		if (o)
			break;
		fixture_sleep_ms(10);
	}
	{
		kube_obj_t *o = kube_informer_get(inf, "default", "after-restart");

		ASSERT_NOT_NULL(o);
		kube_obj_unref(o);
		o = kube_informer_get(inf, "default", "a");
		ASSERT_STREQ(kube_json_get_str(o->json, "data.v"), "3");
		kube_obj_unref(o);
	}
	printf("  informer caught up %.0f ms after the restarted apiserver was ready\n",
	       (double)(kube_now_ns() - t0) / 1e6);
	kube_informer_free(inf);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(informer_relists_on_410_with_diffed_handlers)
{
	const char *extra[] = { "--watch-cache-size=5", NULL };
	apiserver_fixture_t f;
	rec_t r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_informer_t *inf;
	kube_client_t *c;
	int adds0, updates0;

	ASSERT_EQ(fixture_start(&f, extra), 0);
	c = client_for(&f);
	put_cm(c, "default", "keep", "1");
	put_cm(c, "default", "change", "1");
	put_cm(c, "default", "gone", "1");
	inf = start_informer(c, &r, 0);
	ASSERT_TRUE(kube_informer_wait_synced(inf, 5000));
	adds0 = get(&r, &r.adds);
	updates0 = get(&r, &r.updates);

	/* Stop the server; the informer's watch drops and it backs off:
	 * attempts at 0.8 s and 2.4 s fail, the next comes at 5.6 s.
	 * Meanwhile the server comes back and more than 5 changes push the
	 * informer's resourceVersion out of the watch window. */
	fixture_kill(&f, SIGTERM);
	fixture_sleep_ms(2500);
	ASSERT_EQ(fixture_spawn(&f), 0);
	for (int i = 0; i < 8; i++) {
		char v[16];

		snprintf(v, sizeof(v), "%d", i + 2);
		put_cm(c, "default", "change", v);
	}
	ASSERT_EQ(kube_client_delete(c, cm_kind(), "default", "gone", NULL, NULL, NULL), 0);
	put_cm(c, "default", "new", "1");

	ASSERT_TRUE(wait_for(&r, &r.deletes, 1, 8000));
	ASSERT_TRUE(wait_for(&r, &r.adds, adds0 + 1, 3000));
	ASSERT_EQ(get(&r, &r.deletes_unknown), 1); /* seen by the re-list, not a watch */
	ASSERT_STREQ(r.last_deleted, "gone");
	ASSERT_EQ(get(&r, &r.updates), updates0 + 1); /* "change" once, "keep" not at all */
	{
		kube_obj_t *o = kube_informer_get(inf, "default", "change");

		ASSERT_STREQ(kube_json_get_str(o->json, "data.v"), "9");
		kube_obj_unref(o);
	}
	kube_informer_free(inf);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(informer_resync_and_factory)
{
	apiserver_fixture_t f;
	rec_t r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_informer_handlers_t h = { on_add, on_update, on_delete, &r };
	rec_t r2 = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_informer_handlers_t h2 = { on_add, NULL, NULL, &r2 };
	kube_informer_factory_t *fac;
	kube_informer_t *inf;
	kube_client_t *c;
	int n;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(&f);
	put_cm(c, "default", "a", "1");
	fac = kube_informer_factory_new(c, 1000);
	inf = kube_informer_factory_get(fac, cm_kind());
	ASSERT_TRUE(inf == kube_informer_factory_get(fac, cm_kind()));
	kube_informer_add_handlers(inf, &h);
	kube_informer_factory_get(fac, kube_kinds_lookup("", "v1", "namespaces"));
	ASSERT_EQ(kube_informer_factory_start(fac), 0);
	ASSERT_TRUE(kube_informer_factory_wait_synced(fac, 5000));
	n = (int)kube_informer_count(inf);
	ASSERT_GE(n, 1);
	/* a handler set added to the running informer sees the cache as adds */
	kube_informer_add_handlers(inf, &h2);
	ASSERT_EQ(get(&r2, &r2.adds), n);
	/* the resync after 1 s calls update(old == new) for every object */
	ASSERT_TRUE(wait_for(&r, &r.same_updates, n, 3000));
	ASSERT_EQ(get(&r, &r.updates), 0);
	kube_informer_factory_free(fac);
	kube_client_free(c);
	fixture_stop(&f);
}
