/*
 * apiserver_watch_bench: watch delivery latency of kube-apiserver on the
 * embedded store. Starts $KUBE_BUILD/bin/kube-apiserver on a free port with
 * a temporary data dir, opens N watchers (default 1000) on the ConfigMaps of
 * "default", then creates M ConfigMaps one at a time at a steady rate from a
 * writer thread. Each watcher timestamps the ADDED event of every object;
 * the latency is measured from the moment the writer sent the POST (commit +
 * fsync + fan-out + delivery) and, separately, from the moment the writer got
 * its 201 (fan-out + delivery only). Prints p50/p99/max, the server's RSS
 * idle and with the watchers, and the time from exec to /readyz.
 *
 * Figures only: it never fails on speed. Env: KUBE_BUILD (default _output),
 * WATCHERS, EVENTS, EVENT_INTERVAL_MS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 100000

static int port;
static int nevents = 200;
static int interval_ms = 10;
static int64_t *t_sent, *t_acked; /* per object, ns; 0 until known */
static atomic_int writer_done;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : def;
}

static int connect_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One blocking request on fd with a Content-Length response; returns the
 * status and copies up to cap-1 bytes of body into body. */
static int request(int fd, const char *method, const char *path, const char *json, char *body, size_t cap)
{
	char head[1024], buf[1 << 16];
	size_t have = 0;
	int n = snprintf(head, sizeof(head),
			 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n", method, path, json ? strlen(json) : 0);

	if (send_all(fd, head, (size_t)n) < 0 || (json && send_all(fd, json, strlen(json)) < 0))
		return -1;
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *end, *cl;
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		cl = strcasestr(buf, "Content-Length:");
		size_t len = cl ? strtoul(cl + 15, NULL, 10) : 0;
		size_t hlen = (size_t)(end + 4 - buf);
		if (have < hlen + len && have < sizeof(buf) - 1)
			continue;
		if (body && cap) {
			size_t c = len < cap - 1 ? len : cap - 1;
			memcpy(body, end + 4, c);
			body[c] = '\0';
		}
		return atoi(buf + 9);
	}
}

static void *writer(void *arg)
{
	int fd = connect_port();
	char json[512];
	(void)arg;

	if (fd < 0) {
		fprintf(stderr, "writer: connect: %s\n", strerror(-fd));
		atomic_store(&writer_done, 1);
		return NULL;
	}
	for (int i = 0; i < nevents; i++) {
		int64_t next = now_ns() + (int64_t)interval_ms * 1000000;
		snprintf(json, sizeof(json),
			 "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w-%d\"},\"data\":{\"k\":\"v\"}}", i);
		t_sent[i] = now_ns();
		int st = request(fd, "POST", "/api/v1/namespaces/default/configmaps", json, NULL, 0);
		t_acked[i] = now_ns();
		if (st != 201)
			fprintf(stderr, "writer: create %d: status %d\n", i, st);
		while (now_ns() < next)
			usleep(200);
	}
	close(fd);
	atomic_store(&writer_done, 1);
	return NULL;
}

typedef struct watcher {
	int fd;
	char carry[64];
	size_t ncarry;
	int seen;
} watcher_t;

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *v, size_t n)
{
	if (!n) {
		printf("%s: no samples\n", what);
		return;
	}
	qsort(v, n, sizeof(*v), cmp64);
	printf("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu deliveries)\n", what,
	       v[n / 2] / 1e6, v[(n * 99) / 100] / 1e6, v[n - 1] / 1e6, n);
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

int main(void)
{
	const char *build = getenv("KUBE_BUILD") ? getenv("KUBE_BUILD") : "_output";
	int nwatchers = env_int("WATCHERS", 1000);
	char exe[512], dir[] = "/tmp/watchbench.XXXXXX", portarg[64], dataarg[600], logp[600];
	char body[1 << 16];
	struct rlimit rl;
	pid_t pid;
	int64_t t0, t_ready;

	nevents = env_int("EVENTS", 200);
	interval_ms = env_int("EVENT_INTERVAL_MS", 10);
	if (nevents > MAX_EVENTS)
		nevents = MAX_EVENTS;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)nwatchers + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(exe, sizeof(exe), "%s/bin/kube-apiserver", build);
	if (access(exe, X_OK) != 0) {
		printf("apiserver_watch_bench: %s not built\n", exe);
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	{
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sa);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(s, (struct sockaddr *)&sa, sizeof(sa));
		getsockname(s, (struct sockaddr *)&sa, &sl);
		port = ntohs(sa.sin_port);
		close(s);
	}
	snprintf(portarg, sizeof(portarg), "--insecure-port=%d", port);
	snprintf(dataarg, sizeof(dataarg), "--data-dir=%s/data", dir);
	snprintf(logp, sizeof(logp), "%s/log", dir);

	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		int lf = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (lf >= 0) {
			dup2(lf, 1);
			dup2(lf, 2);
		}
		execl(exe, exe, portarg, "--secure-port=0", dataarg, "--etcd-compaction-interval=0",
		      (char *)NULL);
		_exit(127);
	}
	for (;;) {
		int fd = connect_port();
		if (fd >= 0) {
			int st = request(fd, "GET", "/readyz", NULL, NULL, 0);
			close(fd);
			if (st == 200)
				break;
		}
		if (now_ns() - t0 > 10 * INT64_C(1000000000)) {
			printf("apiserver_watch_bench: server not ready\n");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 1;
		}
		usleep(1000);
	}
	t_ready = now_ns();
	printf("exec to /readyz ok: %.1f ms\n", (t_ready - t0) / 1e6);
	printf("idle RSS: %.1f MB\n", rss_kb(pid) / 1024.0);

	/* The current revision, so watchers see only the new objects. */
	long long rv = 0;
	{
		int fd = connect_port();
		if (fd >= 0 && request(fd, "GET", "/api/v1/namespaces/default/configmaps", NULL, body, sizeof(body)) == 200) {
			char *p = strstr(body, "\"resourceVersion\":\"");
			if (p)
				rv = atoll(p + 19);
		}
		if (fd >= 0)
			close(fd);
	}

	int ep = epoll_create1(EPOLL_CLOEXEC);
	watcher_t *ws = calloc((size_t)nwatchers, sizeof(*ws));
	int opened = 0;
	char req[256];
	int rn = snprintf(req, sizeof(req),
			  "GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion=%lld HTTP/1.1\r\n"
			  "Host: 127.0.0.1\r\n\r\n", rv);
	for (int i = 0; i < nwatchers; i++) {
		int fd = connect_port();
		if (fd < 0) {
			fprintf(stderr, "watcher %d: connect: %s\n", i, strerror(-fd));
			break;
		}
		if (send_all(fd, req, (size_t)rn) < 0) {
			close(fd);
			break;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		ws[i].fd = fd;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ws[i] };
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		opened++;
	}
	usleep(300000); /* let every watch register */
	printf("watchers: %d open, server RSS %.1f MB\n", opened, rss_kb(pid) / 1024.0);

	t_sent = calloc((size_t)nevents, sizeof(int64_t));
	t_acked = calloc((size_t)nevents, sizeof(int64_t));
	size_t cap = (size_t)nevents * (size_t)opened, n_e2e = 0, n_fan = 0;
	int64_t *lat_e2e = malloc((cap ? cap : 1) * sizeof(int64_t));
	int64_t *lat_fan = malloc((cap ? cap : 1) * sizeof(int64_t));
	pthread_t wt;
	pthread_create(&wt, NULL, writer, NULL);

	int64_t deadline = 0;
	static char buf[1 << 16];
	for (;;) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 100);
		for (int e = 0; e < n; e++) {
			watcher_t *w = evs[e].data.ptr;
			for (;;) {
				ssize_t r = read(w->fd, buf + w->ncarry, sizeof(buf) - 1 - w->ncarry);
				if (r <= 0) {
					if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
						epoll_ctl(ep, EPOLL_CTL_DEL, w->fd, NULL);
						close(w->fd);
						w->fd = -1;
					}
					break;
				}
				int64_t t = now_ns();
				memcpy(buf, w->carry, w->ncarry);
				size_t len = w->ncarry + (size_t)r;
				buf[len] = '\0';
				const char *p = buf, *split = NULL;
				while ((p = strstr(p, "\"name\":\"w-"))) {
					const char *d = p + 10;
					char *end;
					long idx = strtol(d, &end, 10);
					if (*end == '\0') {
						split = p; /* the number runs past the read */
						break;
					}
					if (idx >= 0 && idx < nevents && *end == '"' && t_sent[idx]) {
						lat_e2e[n_e2e++] = t - t_sent[idx];
						if (t_acked[idx] && t >= t_acked[idx])
							lat_fan[n_fan++] = t - t_acked[idx];
						w->seen++;
					}
					p = end;
				}
				/* Carry what may be a match cut by the read: from a split
				 * match, else the last 9 bytes (one short of the pattern,
				 * so nothing is counted twice). */
				size_t keep = split ? (size_t)(buf + len - split) : (len < 9 ? len : 9);
				if (keep > sizeof(w->carry))
					keep = 0;
				memmove(w->carry, buf + len - keep, keep);
				w->ncarry = keep;
			}
		}
		if (atomic_load(&writer_done)) {
			if (!deadline)
				deadline = now_ns() + 2 * INT64_C(1000000000);
			if (now_ns() > deadline || n_e2e >= cap)
				break;
		}
	}
	pthread_join(wt, NULL);
	printf("%d events x %d watchers, one create every %d ms:\n", nevents, opened, interval_ms);
	report("  delivery latency from POST sent", lat_e2e, n_e2e);
	report("  delivery latency from 201 received", lat_fan, n_fan);
	if (n_e2e < cap)
		printf("  missing deliveries: %zu of %zu\n", cap - n_e2e, cap);
	printf("server RSS after: %.1f MB\n", rss_kb(pid) / 1024.0);

	for (int i = 0; i < nwatchers; i++)
		if (ws[i].fd > 0)
			close(ws[i].fd);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	{
		char cmd[700];
		snprintf(cmd, sizeof(cmd), "%s/data", dir);
		/* best-effort cleanup of the temp dir (no shell) */
		unlink(logp);
		const char *files[] = { "kube.db", "kube.db-wal", "kube.db-shm" };
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			char f[800];
			snprintf(f, sizeof(f), "%s/%s", cmd, files[i]);
			unlink(f);
		}
		rmdir(cmd);
		rmdir(dir);
	}
	free(ws);
	free(t_sent);
	free(t_acked);
	free(lat_e2e);
	free(lat_fan);
	close(ep);
	return 0;
}
