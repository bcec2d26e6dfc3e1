/*
 * net_client_bench: figures for the libkube network clients.
 *  - gRPC unary Put/Range against a real etcd (one connection): sequential
 *    latency p50/p99 and throughput with 64 calls in flight;
 *  - HTTP client GET against nginx: HTTP/1.1 keep-alive and h2c, sequential.
 * Prints figures; never fails on speed.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "etcdserverpb.pb-c.h"
#include "net/kube_grpc.h"
#include "net/kube_http_client.h"

static char dir[64];
static pid_t etcd_pid, nginx_pid;

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

static pid_t spawn(char *const argv[], const char *cwd)
{
	pid_t p = fork();

	if (p == 0) {
		int nul = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 1);
		dup2(nul, 2);
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	return p;
}

static void cleanup(void)
{
	char *rm[] = { "/bin/rm", "-rf", dir, NULL };

	if (etcd_pid > 0)
		kill(etcd_pid, SIGTERM), waitpid(etcd_pid, NULL, 0);
	if (nginx_pid > 0)
		kill(nginx_pid, SIGTERM), waitpid(nginx_pid, NULL, 0);
	waitpid(spawn(rm, NULL), NULL, 0);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *lat, int n, int64_t total_ns)
{
	qsort(lat, (size_t)n, sizeof(*lat), cmp_i64);
	printf("%-34s %8.0f ops/s  p50 %6.1f us  p99 %6.1f us\n", what,
	       n / (total_ns / 1e9), lat[n / 2] / 1e3, lat[n * 99 / 100] / 1e3);
}

#include "core/kube_buf.h"

static size_t pack_put(uint8_t *buf, int i)
{
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	char key[32];

	snprintf(key, sizeof(key), "/bench/%06d", i);
	req.key.data = (uint8_t *)key;
	req.key.len = strlen(key);
	req.value.data = (uint8_t *)"{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}";
	req.value.len = strlen((char *)req.value.data);
	return etcdserverpb__put_request__pack(&req, buf);
}

struct inflight {
	int started, done, ok, total;
	kube_grpc_channel_t *ch;
};

static void put_done(kube_grpc_call_t *call, int code, const char *msg, void *arg);

static void start_put(struct inflight *f)
{
	uint8_t buf[128];
	size_t n = pack_put(buf, f->started++);
	kube_grpc_call_t *call = kube_grpc_call_start(f->ch, "/etcdserverpb.KV/Put", 10000, NULL,
						      NULL, put_done, f);

	kube_grpc_call_send(call, buf, n);
	kube_grpc_call_close_send(call);
}

static void put_done(kube_grpc_call_t *call, int code, const char *msg, void *arg)
{
	struct inflight *f = arg;

	f->done++;
	f->ok += code == KUBE_GRPC_OK;
	if (f->started < f->total)
		start_put(f);
}

static void bench_etcd(void)
{
	char client[64], peer[64], cluster[96], data[96], target[64];
	char *argv[] = { "/usr/bin/etcd", "--data-dir", data, "--listen-client-urls", client,
			 "--advertise-client-urls", client, "--listen-peer-urls", peer,
			 "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
			 "--log-level", "warn", NULL };
	kube_grpc_config_t cfg = { .target = target };
	kube_grpc_channel_t *ch;
	int err = 0, n = 2000;
	int64_t *lat = calloc((size_t)n, sizeof(*lat)), t0, t1;
	uint8_t buf[128];

	snprintf(client, sizeof(client), "http://127.0.0.1:%d", free_port());
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", free_port());
	snprintf(cluster, sizeof(cluster), "default=%s", peer);
	snprintf(data, sizeof(data), "%s/etcd", dir);
	snprintf(target, sizeof(target), "%s", client + 7);
	etcd_pid = spawn(argv, dir);
	ch = kube_grpc_channel_new(NULL, &cfg, &err);
	for (int i = 0; i < 100; i++) {
		kube_buf_t r = KUBE_BUF_INIT;
		if (kube_grpc_unary(ch, "/etcdserverpb.Maintenance/Status", "", 0, 1000, &r, NULL) == 0) {
			kube_buf_clear(&r);
			break;
		}
		usleep(100000);
	}
	t0 = kube_now_ns();
	for (int i = 0; i < n; i++) {
		kube_buf_t r = KUBE_BUF_INIT;
		size_t len = pack_put(buf, i);
		int64_t s = kube_now_ns();

		if (kube_grpc_unary(ch, "/etcdserverpb.KV/Put", buf, len, 10000, &r, NULL) != 0)
			fprintf(stderr, "put failed\n");
		lat[i] = kube_now_ns() - s;
		kube_buf_clear(&r);
	}
	t1 = kube_now_ns();
	report("grpc etcd Put, sequential", lat, n, t1 - t0);

	Etcdserverpb__RangeRequest rr = ETCDSERVERPB__RANGE_REQUEST__INIT;
	rr.key.data = (uint8_t *)"/bench/000001";
	rr.key.len = strlen("/bench/000001");
	size_t rlen = etcdserverpb__range_request__pack(&rr, buf);
	t0 = kube_now_ns();
	for (int i = 0; i < n; i++) {
		kube_buf_t r = KUBE_BUF_INIT;
		int64_t s = kube_now_ns();

		kube_grpc_unary(ch, "/etcdserverpb.KV/Range", buf, rlen, 10000, &r, NULL);
		lat[i] = kube_now_ns() - s;
		kube_buf_clear(&r);
	}
	t1 = kube_now_ns();
	report("grpc etcd Range, sequential", lat, n, t1 - t0);

	struct inflight f = { .total = 10000, .ch = ch };
	t0 = kube_now_ns();
	for (int i = 0; i < 64; i++)
		start_put(&f);
	while (f.done < f.total)
		event_base_loop(kube_grpc_channel_base(ch), EVLOOP_ONCE);
	t1 = kube_now_ns();
	printf("%-34s %8.0f ops/s  (%d ok of %d)\n", "grpc etcd Put, 64 in flight, 1 conn",
	       f.total / ((t1 - t0) / 1e9), f.ok, f.total);
	kube_grpc_channel_free(ch);
	free(lat);
}

static void bench_nginx(void)
{
	char conf[1024], path[128];
	int port1 = free_port(), port2 = free_port(), n = 5000;
	int64_t *lat = calloc((size_t)n, sizeof(*lat)), t0, t1;
	char *argv[] = { "/usr/sbin/nginx", "-p", dir, "-c", path, NULL };
	FILE *f;

	snprintf(conf, sizeof(conf),
		 "master_process off; daemon off; error_log %1$s/error.log; pid %1$s/nginx.pid;\n"
		 "events { worker_connections 64; }\n"
		 "http { access_log off; client_body_temp_path %1$s; proxy_temp_path %1$s;\n"
		 " fastcgi_temp_path %1$s; uwsgi_temp_path %1$s; scgi_temp_path %1$s;\n"
		 " keepalive_requests 1000000;\n"
		 " server { listen 127.0.0.1:%2$d; location / { return 200 \"ok\"; } }\n"
		 " server { listen 127.0.0.1:%3$d http2; location / { return 200 \"ok\"; } } }\n",
		 dir, port1, port2);
	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	f = fopen(path, "we");
	fputs(conf, f);
	fclose(f);
	nginx_pid = spawn(argv, NULL);
	usleep(300000);
	for (int h2 = 0; h2 < 2; h2++) {
		kube_http_client_config_t cfg = { .http2_prior_knowledge = h2 };
		kube_http_client_t *c = kube_http_client_new(NULL, &cfg);
		char *url = kube_asprintf("http://127.0.0.1:%d/", h2 ? port2 : port1);
		kube_http_request_t req = { .url = url };

		t0 = kube_now_ns();
		for (int i = 0; i < n; i++) {
			kube_http_response_t r = { 0 };
			int64_t s = kube_now_ns();

			if (kube_http_client_do(c, &req, &r) < 0 || r.status != 200)
				fprintf(stderr, "GET failed\n");
			lat[i] = kube_now_ns() - s;
			kube_http_response_clear(&r);
		}
		t1 = kube_now_ns();
		report(h2 ? "http client GET nginx, h2c" : "http client GET nginx, HTTP/1.1 ka",
		       lat, n, t1 - t0);
		kube_free(url);
		kube_http_client_free(c);
	}
	free(lat);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/kube-net-bench-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	atexit(cleanup);
	bench_etcd();
	bench_nginx();
	return 0;
}
