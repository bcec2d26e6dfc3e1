/*
 * kube_store_contract: the checks every store backend passes (CRUD and CAS,
 * paging and reads of the past, compaction, watches from the past and from
 * now, many concurrent writers), shared by the backends' unit tests.
 *
 * Each check takes an open, empty store and its base revision (the current
 * revision before the first write: 0 for the embedded store, 1 for a fresh
 * etcd), and expects revisions to count up from there. Included by one test
 * file each; everything here is static.
 */
#ifndef KUBE_STORE_CONTRACT_H
#define KUBE_STORE_CONTRACT_H

#include "kube_test.h"
#include "storage/kube_store.h"

#include <pthread.h>
#include <unistd.h>

static void contract_crud_and_cas(kube_store_t *s, int64_t B)
{
	kube_kv_t kv = { 0 }, cur = { 0 };
	int64_t r1, r2, r3;

	ASSERT_NOT_NULL(s);
	ASSERT_EQ(kube_store_current_rev(s), B);
	ASSERT_EQ(kube_store_get(s, "/registry/pods/default/a", &kv), -ENOENT);
	ASSERT_OK(kube_store_create(s, "/registry/pods/default/a", "{\"v\":1}", 7, &r1));
	ASSERT_EQ(r1, B + 1);
	ASSERT_EQ(kube_store_create(s, "/registry/pods/default/a", "x", 1, NULL), -EEXIST);
	ASSERT_OK(kube_store_get(s, "/registry/pods/default/a", &kv));
	ASSERT_STREQ(kv.value, "{\"v\":1}");
	ASSERT_EQ(kv.mod_rev, B + 1);
	ASSERT_EQ(kv.create_rev, B + 1);
	kube_kv_clear(&kv);
	ASSERT_OK(kube_store_update(s, "/registry/pods/default/a", "{\"v\":2}", 7, B + 1, &r2, NULL));
	ASSERT_EQ(r2, B + 2);
	ASSERT_EQ(kube_store_update(s, "/registry/pods/default/a", "{\"v\":3}", 7, B + 1, NULL, &cur),
		  -ECANCELED);
	ASSERT_STREQ(cur.value, "{\"v\":2}");
	ASSERT_EQ(cur.mod_rev, B + 2);
	kube_kv_clear(&cur);
	ASSERT_EQ(kube_store_update(s, "/registry/pods/default/zz", "x", 1, 0, NULL, NULL), -ENOENT);
	ASSERT_EQ(kube_store_update(s, "/registry/pods/default/zz", "x", 1, B + 1, NULL, NULL), -ENOENT);
	ASSERT_EQ(kube_store_delete(s, "/registry/pods/default/a", B + 1, NULL, NULL), -ECANCELED);
	ASSERT_OK(kube_store_delete(s, "/registry/pods/default/a", B + 2, &r3, &kv));
	ASSERT_EQ(r3, B + 3);
	ASSERT_STREQ(kv.value, "{\"v\":2}");
	kube_kv_clear(&kv);
	ASSERT_EQ(kube_store_get(s, "/registry/pods/default/a", &kv), -ENOENT);
	ASSERT_EQ(kube_store_delete(s, "/registry/pods/default/a", 0, NULL, NULL), -ENOENT);
	ASSERT_EQ(kube_store_current_rev(s), B + 3);
	ASSERT_OK(kube_store_health(s));
}

static void contract_list_paging_and_history(kube_store_t *s, int64_t B)
{
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
	ASSERT_EQ(l.rev, B + 12);
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
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, B + 5, &l));
	ASSERT_EQ(l.count, 5);
	ASSERT_STREQ(l.items[0].value, "0");
	ASSERT_EQ(l.rev, B + 5);
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, B + 12, &l));
	ASSERT_EQ(l.count, 10);
	kube_kv_list_clear(&l);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, 0, &l));
	ASSERT_EQ(l.count, 9);
	ASSERT_STREQ(l.items[0].value, "changed");
	kube_kv_list_clear(&l);
	ASSERT_EQ(kube_store_list(s, "/registry/pods/ns/", NULL, 0, B + 1000, &l), -EAGAIN);

	/* Compaction keeps what is visible at and after the compaction point. */
	ASSERT_OK(kube_store_update(s, "/registry/pods/ns/p02", "c2", 2, 0, NULL, NULL)); /* B+15 */
	ASSERT_OK(kube_store_compact(s, B + 14));
	ASSERT_EQ(kube_store_compacted_rev(s), B + 14);
	ASSERT_EQ(kube_store_list(s, "/registry/pods/ns/", NULL, 0, B + 5, &l), -KUBE_STORE_ECOMPACTED);
	ASSERT_OK(kube_store_list(s, "/registry/pods/ns/", NULL, 0, B + 14, &l));
	ASSERT_EQ(l.count, 9);
	ASSERT_STREQ(l.items[0].value, "changed");
	ASSERT_STREQ(l.items[1].value, "2"); /* p02 before its B+15 update */
	kube_kv_list_clear(&l);
}

typedef struct contract_collector {
	pthread_mutex_t lock;
	int n;
	int64_t revs[64];
	int types[64];
	char prev[64][16];
	int err;
} contract_collector_t;

static void contract_collect(const kube_store_event_t *ev, int err, void *arg)
{
	contract_collector_t *c = arg;

	pthread_mutex_lock(&c->lock);
	if (!ev) {
		c->err = err;
	} else if (ev->type == KUBE_STORE_EVENT_PROGRESS) {
		/* not a change */
	} else if (c->n < 64) {
		c->revs[c->n] = ev->kv.mod_rev;
		c->types[c->n] = ev->type;
		kube_strlcpy(c->prev[c->n], ev->has_prev ? ev->prev.value : "-", sizeof(c->prev[0]));
		c->n++;
	}
	pthread_mutex_unlock(&c->lock);
}

static int contract_wait_n(contract_collector_t *c, int n)
{
	int have = 0;

	for (int i = 0; i < 400; i++) {
		pthread_mutex_lock(&c->lock);
		have = c->n;
		pthread_mutex_unlock(&c->lock);
		if (have >= n)
			return have;
		usleep(5000);
	}
	return have;
}

static void contract_watch_history_and_live(kube_store_t *s, int64_t B)
{
	contract_collector_t past = { .lock = PTHREAD_MUTEX_INITIALIZER };
	contract_collector_t live = { .lock = PTHREAD_MUTEX_INITIALIZER };
	contract_collector_t old = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_store_watch_t *w1, *w2, *w3;

	ASSERT_OK(kube_store_create(s, "/registry/pods/a/1", "v1", 2, NULL));	       /* B+1 */
	ASSERT_OK(kube_store_create(s, "/registry/services/a/1", "s", 1, NULL));      /* B+2 */
	ASSERT_OK(kube_store_update(s, "/registry/pods/a/1", "v2", 2, 0, NULL, NULL)); /* B+3 */
	ASSERT_OK(kube_store_watch(s, "/registry/pods/", kube_store_current_rev(s), contract_collect,
				   &live, &w2));
	ASSERT_OK(kube_store_watch(s, "/registry/pods/", B + 1, contract_collect, &past, &w1));
	ASSERT_OK(kube_store_delete(s, "/registry/pods/a/1", 0, NULL, NULL)); /* B+4 */
	ASSERT_OK(kube_store_create(s, "/registry/pods/a/2", "x", 1, NULL));  /* B+5 */
	ASSERT_EQ(contract_wait_n(&past, 3), 3);
	ASSERT_EQ(contract_wait_n(&live, 2), 2);
	kube_store_watch_cancel(w1);
	kube_store_watch_cancel(w2);
	/* past: B+3 (update, prev v1), B+4 (delete, prev v2), B+5 (create). */
	ASSERT_EQ(past.revs[0], B + 3);
	ASSERT_EQ(past.types[0], KUBE_STORE_EVENT_PUT);
	ASSERT_STREQ(past.prev[0], "v1");
	ASSERT_EQ(past.revs[1], B + 4);
	ASSERT_EQ(past.types[1], KUBE_STORE_EVENT_DELETE);
	ASSERT_STREQ(past.prev[1], "v2");
	ASSERT_EQ(past.revs[2], B + 5);
	ASSERT_STREQ(past.prev[2], "-");
	ASSERT_EQ(live.revs[0], B + 4);
	ASSERT_EQ(live.revs[1], B + 5);

	/* From 0: the whole history, in order. */
	{
		contract_collector_t all = { .lock = PTHREAD_MUTEX_INITIALIZER };
		kube_store_watch_t *w4;
		ASSERT_OK(kube_store_watch(s, "/registry/", 0, contract_collect, &all, &w4));
		ASSERT_EQ(contract_wait_n(&all, 5), 5);
		kube_store_watch_cancel(w4);
		for (int i = 0; i < 5; i++)
			ASSERT_EQ(all.revs[i], B + i + 1);
	}
	/* A watch from before the compaction point fails. */
	ASSERT_OK(kube_store_compact(s, B + 4));
	ASSERT_EQ(kube_store_watch(s, "/registry/pods/", B + 2, contract_collect, &old, &w3),
		  -KUBE_STORE_ECOMPACTED);
}

typedef struct contract_writer {
	kube_store_t *s;
	int id;
	int n;
	int64_t revs[200];
} contract_writer_t;

static void *contract_writer_main(void *arg)
{
	contract_writer_t *w = arg;
	char key[64];

	for (int i = 0; i < w->n; i++) {
		snprintf(key, sizeof(key), "/registry/configmaps/t%d/k%03d", w->id, i);
		if (kube_store_create(w->s, key, "{}", 2, &w->revs[i]) < 0)
			w->revs[i] = -1;
	}
	return NULL;
}

/* 8 writers x n creates (n <= 200): unique, monotonic per writer, all there. */
static void contract_many_writers(kube_store_t *s, int64_t B, int n)
{
	contract_writer_t args[8];
	pthread_t th[8];
	kube_kv_list_t l = { 0 };
	static char seen[8 * 200 + 1];

	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 8; i++) {
		args[i] = (contract_writer_t){ .s = s, .id = i, .n = n };
		pthread_create(&th[i], NULL, contract_writer_main, &args[i]);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < n; j++) {
			int64_t r = args[i].revs[j];
			ASSERT_GE(r, B + 1);
			ASSERT_LE(r, B + 8 * n);
			ASSERT_EQ(seen[r - B], 0); /* unique */
			seen[r - B] = 1;
			if (j)
				ASSERT_GT(r, args[i].revs[j - 1]); /* monotonic per writer */
		}
	}
	ASSERT_EQ(kube_store_current_rev(s), B + 8 * n);
	ASSERT_OK(kube_store_list(s, "/registry/configmaps/", NULL, 0, 0, &l));
	ASSERT_EQ(l.count, 8 * n);
	kube_kv_list_clear(&l);
}

#endif
