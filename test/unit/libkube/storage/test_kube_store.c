/* The embedded store: CRUD, CAS, paging, history, watch, compaction, group commit. */
#include "kube_test.h"
#include "storage/kube_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/kube-store-XXXXXX";
	char *d = mkdtemp(tmpl);

	return kube_strdup(d ? d : "/tmp/kube-store-fallback");
}

static void rmdir_all(const char *d)
{
	char *p;

	p = kube_asprintf("%s/kube.db", d);
	unlink(p);
	kube_free(p);
	p = kube_asprintf("%s/kube.db-wal", d);
	unlink(p);
	kube_free(p);
	p = kube_asprintf("%s/kube.db-shm", d);
	unlink(p);
	kube_free(p);
	rmdir(d);
}

static kube_store_t *open_store(const char *dir)
{
	kube_store_config_t cfg = { .data_dir = dir };
	kube_store_t *s = NULL;

	if (kube_store_open(&cfg, &s) < 0)
		return NULL;
	return s;
}

TEST(crud_and_cas)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);
	kube_kv_t kv = { 0 }, cur = { 0 };
	int64_t r1, r2, r3;

	ASSERT_NOT_NULL(s);
	ASSERT_EQ(kube_store_current_rev(s), 0);
	ASSERT_EQ(kube_store_get(s, "/registry/pods/default/a", &kv), -ENOENT);
	ASSERT_OK(kube_store_create(s, "/registry/pods/default/a", "{\"v\":1}", 7, &r1));
	ASSERT_EQ(r1, 1);
	ASSERT_EQ(kube_store_create(s, "/registry/pods/default/a", "x", 1, NULL), -EEXIST);
	ASSERT_OK(kube_store_get(s, "/registry/pods/default/a", &kv));
	ASSERT_STREQ(kv.value, "{\"v\":1}");
	ASSERT_EQ(kv.mod_rev, 1);
	ASSERT_EQ(kv.create_rev, 1);
	kube_kv_clear(&kv);
	ASSERT_OK(kube_store_update(s, "/registry/pods/default/a", "{\"v\":2}", 7, 1, &r2, NULL));
	ASSERT_EQ(r2, 2);
	ASSERT_EQ(kube_store_update(s, "/registry/pods/default/a", "{\"v\":3}", 7, 1, NULL, &cur),
		  -ECANCELED);
	ASSERT_STREQ(cur.value, "{\"v\":2}");
	ASSERT_EQ(cur.mod_rev, 2);
	kube_kv_clear(&cur);
	ASSERT_EQ(kube_store_update(s, "/registry/pods/default/zz", "x", 1, 0, NULL, NULL), -ENOENT);
	ASSERT_EQ(kube_store_delete(s, "/registry/pods/default/a", 1, NULL, NULL), -ECANCELED);
	ASSERT_OK(kube_store_delete(s, "/registry/pods/default/a", 2, &r3, &kv));
	ASSERT_EQ(r3, 3);
	ASSERT_STREQ(kv.value, "{\"v\":2}");
	kube_kv_clear(&kv);
	ASSERT_EQ(kube_store_get(s, "/registry/pods/default/a", &kv), -ENOENT);
	ASSERT_EQ(kube_store_current_rev(s), 3);
	ASSERT_OK(kube_store_health(s));
	kube_store_free(s);

	/* Reopen: data and revision counter persist. */
	s = open_store(dir);
	ASSERT_EQ(kube_store_current_rev(s), 3);
	ASSERT_OK(kube_store_create(s, "/registry/pods/default/a", "{}", 2, &r1));
	ASSERT_EQ(r1, 4);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}

TEST(list_paging_and_history)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);
	kube_kv_list_t l = { 0 };
	char key[64], val[16];
	int64_t count;

	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "/registry/pods/ns/p%02d", i);
		snprintf(val, sizeof(val), "%d", i);
		ASSERT_OK(kube_store_create(s, key, val, strlen(val), NULL));
	}
	ASSERT_OK(kube_store_create(s, "/registry/pods/nt/x", "x", 1, NULL));
	ASSERT_OK(kube_store_create(s, "/registry/podsx/ns/y", "y", 1, NULL));
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 4, 0, &l));
	ASSERT_EQ(l.count, 4);
	ASSERT_TRUE(l.more);
	ASSERT_EQ(l.rev, 12);
	ASSERT_STREQ(l.items[3].key, "/registry/pods/ns/p03");
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", "/registry/pods/ns/p08", 4, 0, &l));
	ASSERT_EQ(l.count, 2);
	ASSERT_FALSE(l.more);
	ASSERT_STREQ(l.items[0].key, "/registry/pods/ns/p08");
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_list(s, "/registry/pods/", NULL, 0, 0, &l));
	ASSERT_EQ(l.count, 11);
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_count(s, "/registry/pods/", &count));
	ASSERT_EQ(count, 11);

	/* Change things, then read the past. */
	ASSERT_OK(kube_store_update(s, "/registry/pods/ns/p00", "changed", 7, 0, NULL, NULL));
	ASSERT_OK(kube_store_delete(s, "/registry/pods/ns/p01", 0, NULL, NULL));
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 5, &l));
	ASSERT_EQ(l.count, 5);
	ASSERT_STREQ(l.items[0].value, "0");
	ASSERT_EQ(l.rev, 5);
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 12, &l));
	ASSERT_EQ(l.count, 10);
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 0, &l));
	ASSERT_EQ(l.count, 9);
	ASSERT_STREQ(l.items[0].value, "changed");
	kube_kv_list_clear(&l);
	ASSERT_EQ(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 1000, &l), -EAGAIN);

	/* Compaction keeps what is visible at and after the compaction point. */
	ASSERT_OK(kube_store_update(s, "/registry/pods/ns/p02", "c2", 2, 0, NULL, NULL)); /* rev 15 */
	ASSERT_OK(kube_store_compact(s, 14));
	ASSERT_EQ(kube_store_compacted_rev(s), 14);
	ASSERT_EQ(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 5, &l), -KUBE_STORE_ECOMPACTED);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 14, &l));
	ASSERT_EQ(l.count, 9);
	ASSERT_STREQ(l.items[0].value, "changed");
	ASSERT_STREQ(l.items[1].value, "2"); /* p02 before its rev-15 update */
	kube_kv_list_clear(&l);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}

typedef struct collector {
	pthread_mutex_t lock;
	int n;
	int64_t revs[64];
	int types[64];
	char prev[64][16];
	int err;
} collector_t;

static void collect(const kube_store_event_t *ev, int err, void *arg)
{
	collector_t *c = arg;

	pthread_mutex_lock(&c->lock);
	if (!ev) {
		c->err = err;
	} else if (c->n < 64) {
		c->revs[c->n] = ev->kv.mod_rev;
		c->types[c->n] = ev->type;
		kube_strlcpy(c->prev[c->n], ev->has_prev ? ev->prev.value : "-", sizeof(c->prev[0]));
		c->n++;
	}
	pthread_mutex_unlock(&c->lock);
}

static int wait_n(collector_t *c, int n)
{
	for (int i = 0; i < 400; i++) {
		pthread_mutex_lock(&c->lock);
		int have = c->n;
		pthread_mutex_unlock(&c->lock);
		if (have >= n)
			return have;
		usleep(5000);
	}
	return c->n;
}

TEST(watch_history_and_live)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);
	collector_t past = { .lock = PTHREAD_MUTEX_INITIALIZER };
	collector_t live = { .lock = PTHREAD_MUTEX_INITIALIZER };
	collector_t old = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_store_watch_t *w1, *w2, *w3;

	ASSERT_OK(kube_store_create(s, "/registry/pods/a/1", "v1", 2, NULL));	   /* 1 */
	ASSERT_OK(kube_store_create(s, "/registry/services/a/1", "s", 1, NULL));   /* 2 */
	ASSERT_OK(kube_store_update(s, "/registry/pods/a/1", "v2", 2, 0, NULL, NULL)); /* 3 */
	ASSERT_OK(kube_store_watch(s, "/registry/pods/", kube_store_current_rev(s), collect, &live, &w2));
	ASSERT_OK(kube_store_watch(s, "/registry/pods/", 1, collect, &past, &w1));
	ASSERT_OK(kube_store_delete(s, "/registry/pods/a/1", 0, NULL, NULL));	   /* 4 */
	ASSERT_OK(kube_store_create(s, "/registry/pods/a/2", "x", 1, NULL));	   /* 5 */
	ASSERT_EQ(wait_n(&past, 3), 3);
	ASSERT_EQ(wait_n(&live, 2), 2);
	kube_store_watch_cancel(w1);
	kube_store_watch_cancel(w2);
	/* past: rev 3 (update, prev v1), 4 (delete, prev v2), 5 (create). */
	ASSERT_EQ(past.revs[0], 3);
	ASSERT_EQ(past.types[0], KUBE_STORE_EVENT_PUT);
	ASSERT_STREQ(past.prev[0], "v1");
	ASSERT_EQ(past.revs[1], 4);
	ASSERT_EQ(past.types[1], KUBE_STORE_EVENT_DELETE);
	ASSERT_STREQ(past.prev[1], "v2");
	ASSERT_EQ(past.revs[2], 5);
	ASSERT_STREQ(past.prev[2], "-");
	ASSERT_EQ(live.revs[0], 4);
	ASSERT_EQ(live.revs[1], 5);

	/* From 0: the whole history, in order. */
	{
		collector_t all = { .lock = PTHREAD_MUTEX_INITIALIZER };
		kube_store_watch_t *w4;
		ASSERT_OK(kube_store_watch(s, "/registry/", 0, collect, &all, &w4));
		ASSERT_EQ(wait_n(&all, 5), 5);
		kube_store_watch_cancel(w4);
		for (int i = 0; i < 5; i++)
			ASSERT_EQ(all.revs[i], i + 1);
	}
	/* A watch from before the compaction point fails. */
	ASSERT_OK(kube_store_compact(s, 4));
	ASSERT_EQ(kube_store_watch(s, "/registry/pods/", 2, collect, &old, &w3), -KUBE_STORE_ECOMPACTED);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}

typedef struct writer_arg {
	kube_store_t *s;
	int id;
	int n;
	int64_t revs[200];
} writer_arg_t;

static void *writer(void *arg)
{
	writer_arg_t *w = arg;
	char key[64];

	for (int i = 0; i < w->n; i++) {
		snprintf(key, sizeof(key), "/registry/configmaps/t%d/k%03d", w->id, i);
		if (kube_store_create(w->s, key, "{}", 2, &w->revs[i]) < 0)
			w->revs[i] = -1;
	}
	return NULL;
}

TEST(group_commit_many_writers)
{
	char *dir = tmpdir();
	kube_store_t *s = open_store(dir);
	writer_arg_t args[8];
	pthread_t th[8];
	kube_kv_list_t l = { 0 };
	static char seen[8 * 200 + 1];

	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 8; i++) {
		args[i] = (writer_arg_t){ .s = s, .id = i, .n = 200 };
		pthread_create(&th[i], NULL, writer, &args[i]);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < 200; j++) {
			int64_t r = args[i].revs[j];
			ASSERT_GE(r, 1);
			ASSERT_LE(r, 1600);
			ASSERT_EQ(seen[r], 0); /* unique */
			seen[r] = 1;
			if (j)
				ASSERT_GT(r, args[i].revs[j - 1]); /* monotonic per writer */
		}
	}
	ASSERT_EQ(kube_store_current_rev(s), 1600);
	ASSERT_OK(kube_store_list(s, "/registry/configmaps/", NULL, 0, 0, &l));
	ASSERT_EQ(l.count, 1600);
	kube_kv_list_clear(&l);
	kube_store_free(s);
	rmdir_all(dir);
	kube_free(dir);
}
