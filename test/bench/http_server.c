/* http_server PORT: a kube_http server answering every request with 200 "ok",
 * for test/bench/http_bench.sh. */
#include "net/kube_http.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>

static void handler(kube_http_req_t *req, void *arg)
{
	kube_http_respond(req, 200, "text/plain", "ok", 2);
}

int main(int argc, char **argv)
{
	struct event_base *base;
	kube_http_server_t *srv;
	int port = argc > 1 ? atoi(argv[1]) : 0;

	kube_loop_init();
	base = event_base_new();
	srv = kube_http_server_new(base, NULL, handler, NULL);
	if (kube_http_server_listen(srv, "127.0.0.1", port, &port) < 0) {
		fprintf(stderr, "http_server: cannot listen\n");
		return 1;
	}
	printf("%d\n", port);
	fflush(stdout);
	event_base_dispatch(base);
	kube_http_server_free(srv);
	event_base_free(base);
	return 0;
}
