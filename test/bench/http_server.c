/*
 * http_server: a trivial kube_http server for benchmarks. Answers every
 * request with 200 "ok" (text/plain); /big streams 1 MiB.
 *   http_server PORT [CERT KEY]   (with CERT and KEY: TLS, ALPN h2,http/1.1)
 * Prints "listening on PORT" once ready; runs until killed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/kube_core.h"
#include "net/kube_http.h"
#include "net/kube_tls.h"

static void handler(kube_http_req_t *req, void *arg)
{
	static char chunk[16384];
	(void)arg;
	if (strcmp(kube_http_req_path(req), "/big") == 0) {
		memset(chunk, 'b', sizeof(chunk));
		kube_http_stream_start(req, 200, "application/octet-stream");
		for (int i = 0; i < 64; i++)
			kube_http_stream_write(req, chunk, sizeof(chunk));
		kube_http_stream_end(req);
		return;
	}
	kube_http_respond(req, 200, "text/plain", "ok", 2);
}

int main(int argc, char **argv)
{
	static const char *const alpn[] = { "h2", "http/1.1", NULL };
	kube_http_server_config_t cfg = { 0 };
	kube_tls_config_t *tls = NULL;
	struct event_base *base;
	kube_http_server_t *srv;
	int port = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [CERT KEY]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 4) {
		kube_tls_options_t o = { .server = true, .cert_file = argv[2],
					 .key_file = argv[3], .alpn = alpn };
		char *err = NULL;
		if (kube_tls_config_new(&o, &tls, &err) < 0) {
			fprintf(stderr, "tls: %s\n", err);
			return 1;
		}
		cfg.tls = tls;
	}
	base = event_base_new();
	srv = kube_http_server_new(base, &cfg, handler, NULL);
	if (kube_http_server_listen(srv, "127.0.0.1", atoi(argv[1]), &port) < 0) {
		fprintf(stderr, "cannot listen on %s\n", argv[1]);
		return 1;
	}
	printf("listening on %d\n", port);
	fflush(stdout);
	event_base_dispatch(base);
	kube_http_server_free(srv);
	kube_tls_config_free(tls);
	event_base_free(base);
	return 0;
}
