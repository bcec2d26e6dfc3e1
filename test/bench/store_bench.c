/*
 * store_bench: the embedded store under load. Prints creates/s with p50/p99
 * latency at 1, 8 and 64 writer threads (group commit), GET/s, LIST of
 * 10,000 keys, and peak RSS. Figures only; it never fails on speed.
 * Usage: store_bench [DIR] (default: a new directory under /tmp).
 */
#include "storage/kube_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct worker {
	kube_store_t *s;
	int id, n, round;
	int64_t *lat;
} worker_t;

static const char value[] =
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"bench\","
	"\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";

static void *writer(void *arg)
{
	worker_t *w = arg;
	char key[128];

	for (int i = 0; i < w->n; i++) {
		int64_t t0 = kube_now_ns();
		snprintf(key, sizeof(key), "/registry/pods/bench/r%d-w%d-%d", w->round, w->id, i);
		if (kube_store_create(w->s, key, value, sizeof(value) - 1, NULL) < 0)
			fprintf(stderr, "create failed\n");
		w->lat[i] = kube_now_ns() - t0;
	}
	return NULL;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void run_creates(kube_store_t *s, int threads, int total, int round)
{
	worker_t *ws = calloc((size_t)threads, sizeof(*ws));
	pthread_t *th = calloc((size_t)threads, sizeof(*th));
	int64_t *all = calloc((size_t)total, sizeof(int64_t));
	int per = total / threads;
	int64_t t0 = kube_now_ns(), dt;

	for (int i = 0; i < threads; i++) {
		ws[i] = (worker_t){ .s = s, .id = i, .n = per, .round = round, .lat = all + (size_t)i * per };
		pthread_create(&th[i], NULL, writer, &ws[i]);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	dt = kube_now_ns() - t0;
	qsort(all, (size_t)(per * threads), sizeof(int64_t), cmp64);
	printf("creates, %2d threads: %8.0f/s   p50 %6.2f ms   p99 %6.2f ms   (%d writes)\n", threads,
	       per * threads / (dt / 1e9), all[per * threads / 2] / 1e6,
	       all[(size_t)(per * threads * 0.99)] / 1e6, per * threads);
	free(ws);
	free(th);
	free(all);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/kube-store-bench-XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	kube_store_config_t cfg = { .data_dir = dir };
	kube_store_t *s;
	kube_kv_list_t l = { 0 };
	struct rusage ru;
	int64_t t0;
	int n = 0;

	if (!dir || kube_store_open(&cfg, &s) < 0) {
		fprintf(stderr, "store_bench: cannot open a store\n");
		return 1;
	}
	printf("store_bench: embedded SQLite store in %s\n", dir);
	run_creates(s, 1, 1000, 1);
	run_creates(s, 8, 8000, 2);
	run_creates(s, 64, 12800, 3);
	t0 = kube_now_ns();
	for (int i = 0; i < 20000; i++) {
		kube_kv_t kv = { 0 };
		char key[128];
		snprintf(key, sizeof(key), "/registry/pods/bench/r2-w%d-%d", i % 8, i % 1000);
		if (kube_store_get(s, key, &kv) == 0)
			n++;
		kube_kv_clear(&kv);
	}
	printf("gets: %.0f/s (%d found)\n", 20000 / ((kube_now_ns() - t0) / 1e9), n);
	t0 = kube_now_ns();
	kube_store_list(s, "/registry/pods/bench/r3", NULL, 10000, 0, &l);
	printf("list of %zu keys: %.1f ms\n", l.count, (kube_now_ns() - t0) / 1e6);
	kube_kv_list_clear(&l);
	kube_store_free(s);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
	if (argc <= 1) {
		char path[512];
		const char *const sfx[] = { "kube.db", "kube.db-wal", "kube.db-shm" };
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, sfx[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return 0;
}
