/*
 * client_bench: libkube's REST client and informer against a real
 * kube-apiserver (forked on a free port with a temporary data dir, as the
 * client unit tests do). Prints, for N ConfigMaps (default 2000):
 *   creates/s from one thread and from 4 threads sharing one client,
 *   GET latency p50/p99 (one thread, keep-alive),
 *   LIST of everything (paged by 500) and an informer's initial sync, in objects/s,
 * and, when /usr/bin/python3 has the `kubernetes` package, the same GET,
 * create and list figures from the official Python client in the same run.
 * Figures only: it never fails on speed. Env: KUBE_BUILD, OBJECTS.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "client/kube_client.h"
#include "client/kube_informer.h"
#include "unit/libkube/client/apiserver_fixture.h"

static int nobj = 2000;

static const kube_kind_t *cm_kind(void)
{
	return kube_kinds_lookup("", "v1", "configmaps");
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int create_cm(kube_client_t *c, const char *ns, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	int r;

	kube_json_set_str(o, "metadata.name", name);
	kube_json_set_str(o, "data.key", "value");
	r = kube_client_create(c, cm_kind(), ns, o, NULL, NULL);
	cJSON_Delete(o);
	return r;
}

typedef struct worker {
	kube_client_t *c;
	int id, from, to, errors;
} worker_t;

static void *create_worker(void *arg)
{
	worker_t *w = arg;
	char name[64];

	for (int i = w->from; i < w->to; i++) {
		snprintf(name, sizeof(name), "par-%d", i);
		if (create_cm(w->c, "default", name) < 0)
			w->errors++;
	}
	return NULL;
}

static void make_ns(kube_client_t *c, const char *name)
{
	cJSON *o = cJSON_CreateObject();

	kube_json_set_str(o, "metadata.name", name);
	kube_client_create(c, kube_kinds_lookup("", "v1", "namespaces"), NULL, o, NULL, NULL);
	cJSON_Delete(o);
}

static void python_compare(const char *url, int n)
{
	char cmd[4096];
	FILE *p;
	char line[512];

	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 - <<'EOF' 2>&1\n"
		 "import time\n"
		 "try:\n"
		 "    import kubernetes.client as k\n"
		 "except Exception as e:\n"
		 "    print('python kubernetes client not available:', e); raise SystemExit(0)\n"
		 "cfg = k.Configuration(); cfg.host = '%s'\n"
		 "api = k.CoreV1Api(k.ApiClient(cfg))\n"
		 "api.create_namespace({'metadata': {'name': 'py'}})\n"
		 "n = %d\n"
		 "t = time.monotonic()\n"
		 "for i in range(n):\n"
		 "    api.create_namespaced_config_map('py', {'metadata': {'name': 'py-%%d' %% i}, 'data': {'key': 'value'}})\n"
		 "d = time.monotonic() - t\n"
		 "print('python: creates/s (1 thread):          %%8.0f' %% (n / d))\n"
		 "lat = []\n"
		 "for i in range(n):\n"
		 "    t = time.monotonic(); api.read_namespaced_config_map('py-%%d' %% (i %% n), 'py'); lat.append(time.monotonic() - t)\n"
		 "lat.sort()\n"
		 "print('python: GET p50 %%.3f ms, p99 %%.3f ms' %% (lat[len(lat)//2]*1e3, lat[len(lat)*99//100]*1e3))\n"
		 "t = time.monotonic()\n"
		 "cont = None; got = 0\n"
		 "while True:\n"
		 "    l = api.list_namespaced_config_map('py', limit=500, _continue=cont)\n"
		 "    got += len(l.items); cont = l.metadata._continue\n"
		 "    if not cont: break\n"
		 "d = time.monotonic() - t\n"
		 "print('python: LIST (typed models) objects/s:  %%8.0f (%%d objects)' %% (got / d, got))\n"
		 "import json\n"
		 "best = 1e9\n"
		 "for k in range(3):\n"
		 "    t = time.monotonic(); cont = None; got = 0\n"
		 "    while True:\n"
		 "        l = api.list_namespaced_config_map('py', limit=500, _continue=cont, _preload_content=False)\n"
		 "        j = json.loads(l.data); got += len(j['items']); cont = j['metadata'].get('continue')\n"
		 "        if not cont: break\n"
		 "    best = min(best, time.monotonic() - t)\n"
		 "print('python: LIST (raw JSON, best of 3) obj/s: %%6.0f' %% (got / best))\n"
		 "EOF",
		 url, n);
	p = popen(cmd, "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		fputs(line, stdout);
	pclose(p);
}

int main(void)
{
	apiserver_fixture_t f;
	kube_client_config_t cfg = { .qps = -1, .max_retries = 3 };
	kube_client_t *c = NULL;
	int64_t t0, *lat;
	char name[64];
	int errors = 0;

	if (getenv("OBJECTS") && atoi(getenv("OBJECTS")) > 0)
		nobj = atoi(getenv("OBJECTS"));
	if (fixture_start(&f, NULL) < 0) {
		fprintf(stderr, "cannot start kube-apiserver\n");
		return 1;
	}
	cfg.server = f.url;
	kube_client_new(&cfg, &c);
	make_ns(c, "bench");
	printf("objects: %d ConfigMaps, server %s\n", nobj, f.url);

	t0 = kube_now_ns();
	for (int i = 0; i < nobj; i++) {
		snprintf(name, sizeof(name), "cm-%d", i);
		if (create_cm(c, "bench", name) < 0)
			errors++;
	}
	printf("C: creates/s (1 thread):               %8.0f%s\n", nobj / secs(kube_now_ns() - t0),
	       errors ? " (errors!)" : "");

	{
		pthread_t th[4];
		worker_t w[4];

		t0 = kube_now_ns();
		for (int i = 0; i < 4; i++) {
			w[i] = (worker_t){ .c = c, .id = i, .from = i * nobj / 4,
					   .to = (i + 1) * nobj / 4 };
			pthread_create(&th[i], NULL, create_worker, &w[i]);
		}
		for (int i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		printf("C: creates/s (4 threads, one client):  %8.0f\n",
		       nobj / secs(kube_now_ns() - t0));
	}

	lat = calloc((size_t)nobj, sizeof(*lat));
	for (int i = 0; i < nobj; i++) {
		int64_t t = kube_now_ns();

		snprintf(name, sizeof(name), "cm-%d", i);
		if (kube_client_get(c, cm_kind(), "bench", name, NULL, NULL) < 0)
			errors++;
		lat[i] = kube_now_ns() - t;
	}
	qsort(lat, (size_t)nobj, sizeof(*lat), cmp_i64);
	printf("C: GET p50 %.3f ms, p99 %.3f ms\n", (double)lat[nobj / 2] / 1e6,
	       (double)lat[nobj * 99 / 100] / 1e6);
	free(lat);

	{
		kube_client_list_opts_t lo = { .limit = 500 };
		int64_t best = INT64_MAX;
		int n = 0;

		/* best of 3: the first paged LIST reads a cold store */
		for (int k = 0; k < 3; k++) {
			cJSON *list = NULL;

			t0 = kube_now_ns();
			kube_client_list_all(c, cm_kind(), "bench", &lo, &list, NULL);
			best = KUBE_MIN(best, kube_now_ns() - t0);
			n = cJSON_GetArraySize(cJSON_GetObjectItem(list, "items"));
			cJSON_Delete(list);
		}
		printf("C: LIST (paged 500, best of 3) obj/s:  %8.0f (%d objects)\n", n / secs(best), n);
	}

	{
		kube_informer_config_t ic = { .kind = cm_kind() };
		kube_informer_t *inf = kube_informer_new(c, &ic);

		t0 = kube_now_ns();
		kube_informer_start(inf);
		kube_informer_wait_synced(inf, 60000);
		printf("C: informer initial sync objects/s:    %8.0f (%zu objects, all namespaces)\n",
		       (double)kube_informer_count(inf) / secs(kube_now_ns() - t0),
		       kube_informer_count(inf));
		kube_informer_free(inf);
	}
	kube_client_free(c);
	python_compare(f.url, nobj);
	fixture_stop(&f);
	return errors ? 1 : 0;
}
