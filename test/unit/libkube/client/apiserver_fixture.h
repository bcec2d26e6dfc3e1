/*
 * apiserver_fixture: the client tests' real API server. Forks the
 * kube-apiserver built next to the test binary (<build>/bin, found from
 * /proc/self/exe, or $KUBE_BUILD/bin) on a free 127.0.0.1 port with --secure-port=0 and a
 * mkdtemp data dir, waits for /readyz, and stops it by PID. restart()
 * keeps the port and data dir. Header-only, static functions.
 */
#ifndef APISERVER_FIXTURE_H
#define APISERVER_FIXTURE_H

#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/kube_http_client.h"

typedef struct apiserver_fixture {
	pid_t pid;
	int port;
	char dir[256];
	char url[64];
	char bin[4096];
	const char *extra[8];
} apiserver_fixture_t;

static int fixture_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void fixture_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool fixture_ready(const char *url)
{
	kube_http_client_config_t cfg = { .connect_timeout_ms = 500, .timeout_ms = 1000,
					  .max_idle_per_host = -1 };
	kube_http_client_t *h = kube_http_client_new(NULL, &cfg);
	char u[128];
	kube_http_request_t req = { .url = u };
	kube_http_response_t resp = { 0 };
	bool ok = false;

	snprintf(u, sizeof(u), "%s/readyz", url);
	if (kube_http_client_do(h, &req, &resp) == 0) {
		ok = resp.status == 200;
		kube_http_response_clear(&resp);
	}
	kube_http_client_free(h);
	return ok;
}

/* Start (or start again) the server; returns 0 or -1. */
static int fixture_spawn(apiserver_fixture_t *f)
{
	char port_arg[64], dir_arg[320], log[300];
	const char *argv[20];
	int n = 0;
	int64_t deadline;

	snprintf(port_arg, sizeof(port_arg), "--insecure-port=%d", f->port);
	snprintf(dir_arg, sizeof(dir_arg), "--data-dir=%s/data", f->dir);
	snprintf(log, sizeof(log), "%s/apiserver.log", f->dir);
	argv[n++] = f->bin;
	argv[n++] = port_arg;
	argv[n++] = "--secure-port=0";
	argv[n++] = dir_arg;
	argv[n++] = "--etcd-compaction-interval=0";
	for (size_t i = 0; i < 8 && f->extra[i]; i++)
		argv[n++] = f->extra[i];
	argv[n] = NULL;
	f->pid = fork();
	if (f->pid < 0)
		return -1;
	if (f->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(f->bin, (char *const *)argv);
		_exit(127);
	}
	deadline = kube_now_ns() + 15000000000LL;
	while (kube_now_ns() < deadline) {
		int st;

		if (waitpid(f->pid, &st, WNOHANG) == f->pid) {
			f->pid = 0;
			fprintf(stderr, "kube-apiserver exited; see %s\n", log);
			return -1;
		}
		if (fixture_ready(f->url))
			return 0;
		fixture_sleep_ms(20);
	}
	return -1;
}

/* extra: up to 7 extra flags, NULL-terminated (may be NULL). */
static int fixture_start(apiserver_fixture_t *f, const char *const *extra)
{
	char self[3800];
	ssize_t n;
	char *p;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; extra && extra[i] && i < 7; i++)
		f->extra[i] = extra[i];
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	/* <build>/test/{unit,bench}/...: the last "/test/" */
	p = NULL;
	for (char *q = strstr(self, "/test/"); q; q = strstr(q + 1, "/test/"))
		p = q;
	if (!p)
		return -1;
	*p = '\0';
	if (getenv("KUBE_BUILD") && *getenv("KUBE_BUILD"))
		snprintf(f->bin, sizeof(f->bin), "%.3000s/bin/kube-apiserver", getenv("KUBE_BUILD"));
	else
		snprintf(f->bin, sizeof(f->bin), "%s/bin/kube-apiserver", self);
	snprintf(f->dir, sizeof(f->dir), "/tmp/kube-client-test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->port = fixture_free_port();
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->port);
	return fixture_spawn(f);
}

/* Stop the server (SIGTERM, then SIGKILL after 10 s). */
static void fixture_kill(apiserver_fixture_t *f, int sig)
{
	int64_t deadline = kube_now_ns() + 10000000000LL;
	int st;

	if (f->pid <= 0)
		return;
	kill(f->pid, sig);
	while (waitpid(f->pid, &st, WNOHANG) == 0) {
		if (kube_now_ns() > deadline) {
			kill(f->pid, SIGKILL);
			waitpid(f->pid, &st, 0);
			break;
		}
		fixture_sleep_ms(5);
	}
	f->pid = 0;
}

static int fixture_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Print the server log when it holds a sanitizer report (the e2e
 * fixtures' check_log); returns false then. */
static bool fixture_log_clean(const apiserver_fixture_t *f)
{
	char path[300], line[1024];
	bool clean = true;
	FILE *in;

	snprintf(path, sizeof(path), "%s/apiserver.log", f->dir);
	in = fopen(path, "r");
	if (!in)
		return true;
	while (fgets(line, sizeof(line), in)) {
		if (strstr(line, "AddressSanitizer") || strstr(line, "runtime error:") ||
		    strstr(line, "LeakSanitizer"))
			clean = false;
		if (!clean)
			fputs(line, stderr);
	}
	fclose(in);
	return clean;
}

static void fixture_stop(apiserver_fixture_t *f)
{
	fixture_kill(f, SIGTERM);
	if (f->dir[0] && !fixture_log_clean(f))
		fprintf(stderr, "kube-apiserver log above holds a sanitizer report\n");
	if (f->dir[0] && !getenv("KEEP_FIXTURE_DIR"))
		nftw(f->dir, fixture_rm, 16, FTW_DEPTH | FTW_PHYS);
	f->dir[0] = '\0';
}

#endif
