/*
 * store_etcd_bench: the embedded store vs a single-member etcd vs a
 * 3-member etcd (real /usr/bin/etcd on 127.0.0.1, free ports, temp dirs),
 * through the same kube_store interface. For each: creates/s with 8
 * writer threads and its p50/p99 latency, and watch delivery latency (from
 * the create call to the watch callback, one writer). Prints the ratios to
 * the embedded store. Figures only; it never fails on speed.
 * Usage: store_etcd_bench [WRITES] (default 4000).
 */
#include "storage/kube_store.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ETCD_BIN "/usr/bin/etcd"
#define WATCH_N 500

static const char value[] =
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"bench\","
	"\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";

typedef struct result {
	const char *name;
	double creates_per_s, p50_ms, p99_ms, watch_p50_ms, watch_p99_ms;
	bool ok;
} result_t;

/* ---- etcd members ---- */

typedef struct member {
	pid_t pid;
	char dir[64], client[64], peer[64], name[8];
} member_t;

static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void rm_rf(const char *dir)
{
	pid_t p = fork();

	if (p == 0) {
		execl("/bin/rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, NULL, 0);
}

static void members_start(member_t *m, int n)
{
	char cluster[256] = "";
	size_t off = 0;

	for (int i = 0; i < n; i++) {
		snprintf(m[i].name, sizeof(m[i].name), "m%d", i);
		snprintf(m[i].dir, sizeof(m[i].dir), "/tmp/kube-etcd-bench-XXXXXX");
		if (!mkdtemp(m[i].dir))
			abort();
		snprintf(m[i].client, sizeof(m[i].client), "http://127.0.0.1:%d", free_port());
		snprintf(m[i].peer, sizeof(m[i].peer), "http://127.0.0.1:%d", free_port());
		off += (size_t)snprintf(cluster + off, sizeof(cluster) - off, "%s%s=%s", i ? "," : "",
					m[i].name, m[i].peer);
	}
	for (int i = 0; i < n; i++) {
		char data[96], log[96];

		snprintf(data, sizeof(data), "%s/data", m[i].dir);
		snprintf(log, sizeof(log), "%s/etcd.log", m[i].dir);
		m[i].pid = fork();
		if (m[i].pid == 0) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execl(ETCD_BIN, "etcd", "--name", m[i].name, "--data-dir", data,
			      "--listen-client-urls", m[i].client, "--advertise-client-urls", m[i].client,
			      "--listen-peer-urls", m[i].peer, "--initial-advertise-peer-urls", m[i].peer,
			      "--initial-cluster", cluster, "--initial-cluster-state", "new",
			      "--log-level", "warn", (char *)NULL);
			_exit(127);
		}
	}
}

static void members_stop(member_t *m, int n)
{
	for (int i = 0; i < n; i++) {
		if (m[i].pid > 0) {
			kill(m[i].pid, SIGTERM);
			waitpid(m[i].pid, NULL, 0);
		}
		rm_rf(m[i].dir);
	}
}

/* ---- measures ---- */

typedef struct worker {
	kube_store_t *s;
	int id, n;
	int64_t *lat;
	int failed;
} worker_t;

static void *writer(void *arg)
{
	worker_t *w = arg;
	char key[128];

	for (int i = 0; i < w->n; i++) {
		int64_t t0 = kube_now_ns();

		snprintf(key, sizeof(key), "/registry/pods/bench/w%d-%d", w->id, i);
		if (kube_store_create(w->s, key, value, sizeof(value) - 1, NULL) < 0)
			w->failed++;
		w->lat[i] = kube_now_ns() - t0;
	}
	return NULL;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

typedef struct watch_lat {
	pthread_mutex_t lock;
	int64_t sent[WATCH_N], got[WATCH_N];
	int n;
} watch_lat_t;

static void on_event(const kube_store_event_t *ev, int err, void *arg)
{
	watch_lat_t *wl = arg;
	const char *p;
	int i;

	if (!ev || ev->type != KUBE_STORE_EVENT_PUT || !(p = strrchr(ev->kv.key, '-')))
		return;
	i = atoi(p + 1);
	if (i < 0 || i >= WATCH_N)
		return;
	pthread_mutex_lock(&wl->lock);
	wl->got[i] = kube_now_ns();
	wl->n++;
	pthread_mutex_unlock(&wl->lock);
}

static void measure(kube_store_t *s, int writes, result_t *r)
{
	const int threads = 8;
	int per = writes / threads, failed = 0;
	worker_t ws[8];
	pthread_t th[8];
	int64_t *all = calloc((size_t)per * threads, sizeof(int64_t)), t0, dt;
	static watch_lat_t wl;
	kube_store_watch_t *w;
	int64_t lat[WATCH_N];

	for (int i = 0; i < threads; i++) {
		ws[i] = (worker_t){ .s = s, .id = i, .n = per, .lat = all + (size_t)i * per };
	}
	t0 = kube_now_ns();
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, writer, &ws[i]);
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		failed += ws[i].failed;
	}
	dt = kube_now_ns() - t0;
	qsort(all, (size_t)per * threads, sizeof(int64_t), cmp64);
	r->creates_per_s = per * threads / (dt / 1e9);
	r->p50_ms = all[per * threads / 2] / 1e6;
	r->p99_ms = all[(size_t)(per * threads * 0.99)] / 1e6;
	free(all);

	memset(&wl, 0, sizeof(wl));
	pthread_mutex_init(&wl.lock, NULL);
	if (kube_store_watch(s, "/registry/pods/watch/", kube_store_current_rev(s), on_event, &wl, &w) < 0) {
		printf("  %s: watch failed\n", r->name);
		return;
	}
	for (int i = 0; i < WATCH_N; i++) {
		char key[64];

		snprintf(key, sizeof(key), "/registry/pods/watch/p-%d", i);
		wl.sent[i] = kube_now_ns();
		kube_store_create(s, key, value, sizeof(value) - 1, NULL);
	}
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&wl.lock);
		int n = wl.n;
		pthread_mutex_unlock(&wl.lock);
		if (n >= WATCH_N)
			break;
		usleep(10000);
	}
	kube_store_watch_cancel(w);
	for (int i = 0; i < WATCH_N; i++)
		lat[i] = wl.got[i] ? wl.got[i] - wl.sent[i] : 0;
	qsort(lat, WATCH_N, sizeof(int64_t), cmp64);
	r->watch_p50_ms = lat[WATCH_N / 2] / 1e6;
	r->watch_p99_ms = lat[(int)(WATCH_N * 0.99)] / 1e6;
	r->ok = failed == 0 && wl.n >= WATCH_N;
	printf("%-16s creates (8 threads): %7.0f/s  p50 %6.2f ms  p99 %6.2f ms   watch delivery p50 %6.2f ms  p99 %6.2f ms%s\n",
	       r->name, r->creates_per_s, r->p50_ms, r->p99_ms, r->watch_p50_ms, r->watch_p99_ms,
	       r->ok ? "" : "  (errors)");
	fflush(stdout);
}

static int run_etcd(int members, int writes, result_t *r)
{
	member_t m[3];
	const char *servers[4] = { 0 };
	kube_store_config_t cfg = { .backend = "etcd3", .servers = servers };
	kube_store_t *s = NULL;
	int ok = -1;

	members_start(m, members);
	for (int i = 0; i < members; i++)
		servers[i] = m[i].client;
	if (kube_store_open(&cfg, &s) == 0) {
		for (int i = 0; i < 200 && kube_store_health(s) != 0; i++)
			usleep(50000);
		if (kube_store_health(s) == 0) {
			measure(s, writes, r);
			ok = 0;
		} else {
			printf("%s: etcd did not become healthy\n", r->name);
		}
		kube_store_free(s);
	}
	members_stop(m, members);
	return ok;
}

int main(int argc, char **argv)
{
	int writes = argc > 1 ? atoi(argv[1]) : 4000;
	char tmpl[] = "/tmp/kube-store-bench-XXXXXX";
	char *dir = mkdtemp(tmpl);
	kube_store_config_t cfg = { .data_dir = dir };
	kube_store_t *s;
	result_t r[3] = { { .name = "embedded" }, { .name = "etcd 1 member" }, { .name = "etcd 3 members" } };

	if (writes < 8)
		writes = 8;
	printf("store_etcd_bench: %d creates from 8 threads, %d watched creates, per backend\n",
	       writes, WATCH_N);
	if (!dir || kube_store_open(&cfg, &s) < 0) {
		fprintf(stderr, "cannot open the embedded store\n");
		return 1;
	}
	measure(s, writes, &r[0]);
	kube_store_free(s);
	rm_rf(dir);
	if (access(ETCD_BIN, X_OK) != 0) {
		printf("etcd not installed at %s: etcd figures skipped\n", ETCD_BIN);
		return 0;
	}
	run_etcd(1, writes, &r[1]);
	run_etcd(3, writes, &r[2]);
	for (int i = 1; i < 3; i++) {
		if (!r[i].creates_per_s)
			continue;
		printf("ratio %s / embedded: creates/s %.2fx, p99 %.2fx, watch p99 %.2fx\n", r[i].name,
		       r[i].creates_per_s / r[0].creates_per_s, r[i].p99_ms / r[0].p99_ms,
		       r[0].watch_p99_ms > 0 ? r[i].watch_p99_ms / r[0].watch_p99_ms : 0);
	}
	return 0;
}
