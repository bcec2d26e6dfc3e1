/*
 * kube_grpc against a real etcd 3.4 (/usr/bin/etcd), started once on free
 * 127.0.0.1 ports and a unix socket in a temp dir, killed by PID at exit.
 */
#include "kube_test.h"
#include "net/kube_grpc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "etcdserverpb.pb-c.h"

#define ETCD_BIN "/usr/bin/etcd"

static pid_t etcd_pid;
static char etcd_dir[64];
static char etcd_target[64];
static char etcd_unix_target[128];

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

static void etcd_stop(void)
{
	char cmd[128];

	if (etcd_pid > 0) {
		kill(etcd_pid, SIGTERM);
		waitpid(etcd_pid, NULL, 0);
		etcd_pid = 0;
	}
	if (etcd_dir[0]) {
		/* remove the temp dir without system(): fork rm */
		pid_t p = fork();

		snprintf(cmd, sizeof(cmd), "%s", etcd_dir);
		if (p == 0) {
			execl("/bin/rm", "rm", "-rf", cmd, (char *)NULL);
			_exit(127);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
		etcd_dir[0] = 0;
	}
}

static int status_ok(const char *target)
{
	kube_grpc_config_t cfg = { .target = target, .connect_timeout_ms = 500 };
	int err = 0, code;
	kube_grpc_channel_t *ch = kube_grpc_channel_new(NULL, &cfg, &err);
	Etcdserverpb__StatusRequest req = ETCDSERVERPB__STATUS_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;

	code = kube_grpc_unary_pb(ch, "/etcdserverpb.Maintenance/Status", &req.base,
				  &etcdserverpb__status_response__descriptor, 1000, &resp, NULL);
	if (resp)
		protobuf_c_message_free_unpacked(resp, NULL);
	kube_grpc_channel_free(ch);
	return code;
}

static char etcd_client[64], etcd_peer[64], etcd_cluster[96], etcd_listen[160], etcd_data[96],
	etcd_log[96];

static void etcd_spawn(void)
{
	etcd_pid = fork();
	if (etcd_pid == 0) {
		int fd = open(etcd_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (chdir(etcd_dir) != 0)
			_exit(126);
		execl(ETCD_BIN, "etcd", "--name", "default", "--data-dir", etcd_data,
		      "--listen-client-urls", etcd_listen, "--advertise-client-urls", etcd_client,
		      "--listen-peer-urls", etcd_peer, "--initial-advertise-peer-urls", etcd_peer,
		      "--initial-cluster", etcd_cluster, "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 150; i++) {
		if (status_ok(etcd_target) == KUBE_GRPC_OK)
			return;
		usleep(100 * 1000);
	}
	kube_test_fail(__FILE__, __LINE__, "etcd did not become ready (see %s)", etcd_log);
}

/* Start etcd once per process; later cases reuse it. */
static void etcd_ensure(void)
{
	int cport, pport, uport;

	if (etcd_pid > 0)
		return;
	if (access(ETCD_BIN, X_OK) != 0)
		kube_test_fail(__FILE__, __LINE__, "etcd not installed at %s", ETCD_BIN);
	snprintf(etcd_dir, sizeof(etcd_dir), "/tmp/kube-grpc-etcd-XXXXXX");
	if (!mkdtemp(etcd_dir))
		kube_test_fail(__FILE__, __LINE__, "mkdtemp");
	cport = free_port();
	pport = free_port();
	uport = free_port();
	snprintf(etcd_client, sizeof(etcd_client), "http://127.0.0.1:%d", cport);
	snprintf(etcd_peer, sizeof(etcd_peer), "http://127.0.0.1:%d", pport);
	snprintf(etcd_cluster, sizeof(etcd_cluster), "default=%s", etcd_peer);
	/* "unix://localhost:N" makes a socket file "localhost:N" in etcd's cwd */
	snprintf(etcd_listen, sizeof(etcd_listen), "%s,unix://localhost:%d", etcd_client, uport);
	snprintf(etcd_data, sizeof(etcd_data), "%s/data", etcd_dir);
	snprintf(etcd_log, sizeof(etcd_log), "%s/etcd.log", etcd_dir);
	snprintf(etcd_target, sizeof(etcd_target), "127.0.0.1:%d", cport);
	snprintf(etcd_unix_target, sizeof(etcd_unix_target), "unix://%s/localhost:%d", etcd_dir,
		 uport);
	atexit(etcd_stop);
	etcd_spawn();
}

static kube_grpc_channel_t *channel(const char *target)
{
	kube_grpc_config_t cfg = { .target = target };
	int err = 0;

	return kube_grpc_channel_new(NULL, &cfg, &err);
}

static int put(kube_grpc_channel_t *ch, const char *key, const char *value, int64_t *ret_rev)
{
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	Etcdserverpb__PutResponse *resp = NULL;
	int code;

	req.key.data = (uint8_t *)key;
	req.key.len = strlen(key);
	req.value.data = (uint8_t *)value;
	req.value.len = strlen(value);
	code = kube_grpc_unary_pb(ch, "/etcdserverpb.KV/Put", &req.base,
				  &etcdserverpb__put_response__descriptor, 5000,
				  (ProtobufCMessage **)&resp, NULL);
	if (code == KUBE_GRPC_OK) {
		if (ret_rev)
			*ret_rev = resp->header ? resp->header->revision : 0;
		protobuf_c_message_free_unpacked(&resp->base, NULL);
	}
	return code;
}

TEST(grpc_helpers)
{
	char b[16];

	kube_grpc_timeout_format(250, b, sizeof(b));
	ASSERT_STREQ(b, "250m");
	kube_grpc_timeout_format(99999999, b, sizeof(b));
	ASSERT_STREQ(b, "99999999m");
	kube_grpc_timeout_format(100000000, b, sizeof(b));
	ASSERT_STREQ(b, "100000S");
	ASSERT_STREQ(kube_grpc_code_name(12), "UNIMPLEMENTED");
	ASSERT_STREQ(kube_grpc_code_name(0), "OK");
	ASSERT_STREQ(kube_grpc_code_name(99), "UNKNOWN");

	static const char *const bad[] = { "", "nohost", ":80", "h:0", "h:70000", "h:x",
					   "unix:relative", "[::1]80" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		kube_grpc_config_t cfg = { .target = bad[i] };
		int err = 0;

		ASSERT_NULL(kube_grpc_channel_new(NULL, &cfg, &err));
		ASSERT_EQ(err, -EINVAL);
	}
}

TEST(grpc_unavailable)
{
	_cleanup_free_ char *target = kube_asprintf("127.0.0.1:%d", free_port());
	kube_grpc_channel_t *ch = channel(target);
	kube_buf_t resp = KUBE_BUF_INIT;
	char *msg = NULL;

	ASSERT_EQ(kube_grpc_unary(ch, "/x.Y/Z", "", 0, 1000, &resp, &msg), KUBE_GRPC_UNAVAILABLE);
	ASSERT_TRUE(strstr(msg, "connection") != NULL);
	kube_free(msg);
	kube_grpc_channel_free(ch);

	ch = channel("unix:///nonexistent/sock");
	ASSERT_EQ(kube_grpc_unary(ch, "/x.Y/Z", "", 0, 1000, &resp, NULL), KUBE_GRPC_UNAVAILABLE);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_put_range_status)
{
	kube_grpc_channel_t *ch;
	int64_t rev1 = 0, rev2 = 0;
	Etcdserverpb__RangeRequest rreq = ETCDSERVERPB__RANGE_REQUEST__INIT;
	Etcdserverpb__RangeResponse *rresp = NULL;
	Etcdserverpb__StatusRequest sreq = ETCDSERVERPB__STATUS_REQUEST__INIT;
	Etcdserverpb__StatusResponse *sresp = NULL;
	char *msg = NULL;

	etcd_ensure();
	ch = channel(etcd_target);
	ASSERT_EQ(put(ch, "/registry/pods/default/a", "{\"a\":1}", &rev1), KUBE_GRPC_OK);
	ASSERT_EQ(put(ch, "/registry/pods/default/b", "{\"b\":2}", &rev2), KUBE_GRPC_OK);
	ASSERT_GT(rev1, 0);
	ASSERT_EQ(rev2, rev1 + 1);

	/* prefix range [/registry/pods/, /registry/pods0) */
	rreq.key.data = (uint8_t *)"/registry/pods/";
	rreq.key.len = strlen("/registry/pods/");
	rreq.range_end.data = (uint8_t *)"/registry/pods0";
	rreq.range_end.len = strlen("/registry/pods0");
	ASSERT_EQ(kube_grpc_unary_pb(ch, "/etcdserverpb.KV/Range", &rreq.base,
				     &etcdserverpb__range_response__descriptor, 5000,
				     (ProtobufCMessage **)&rresp, &msg),
		  KUBE_GRPC_OK);
	ASSERT_STREQ(msg, "");
	kube_free(msg);
	ASSERT_GE(rresp->n_kvs, 2);
	ASSERT_EQ(rresp->count, (int64_t)rresp->n_kvs);
	ASSERT_EQ(rresp->kvs[0]->key.len, strlen("/registry/pods/default/a"));
	ASSERT_MEMEQ(rresp->kvs[0]->key.data, "/registry/pods/default/a", rresp->kvs[0]->key.len);
	ASSERT_MEMEQ(rresp->kvs[0]->value.data, "{\"a\":1}", 7);
	ASSERT_EQ(rresp->kvs[0]->mod_revision, rev1);
	ASSERT_EQ(rresp->kvs[1]->mod_revision, rev2);
	ASSERT_GE(rresp->header->revision, rev2);
	protobuf_c_message_free_unpacked(&rresp->base, NULL);

	ASSERT_EQ(kube_grpc_unary_pb(ch, "/etcdserverpb.Maintenance/Status", &sreq.base,
				     &etcdserverpb__status_response__descriptor, 5000,
				     (ProtobufCMessage **)&sresp, NULL),
		  KUBE_GRPC_OK);
	ASSERT_TRUE(kube_startswith(sresp->version, "3."));
	ASSERT_NE(sresp->leader, 0);
	ASSERT_GT(sresp->dbsize, 0);
	protobuf_c_message_free_unpacked(&sresp->base, NULL);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_unix_socket)
{
	kube_grpc_channel_t *ch;
	int64_t rev = 0;

	etcd_ensure();
	ch = channel(etcd_unix_target);
	ASSERT_EQ(put(ch, "/unix/k", "v", &rev), KUBE_GRPC_OK);
	ASSERT_GT(rev, 0);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_unimplemented_and_errors)
{
	kube_grpc_channel_t *ch;
	kube_buf_t resp = KUBE_BUF_INIT;
	char *msg = NULL;
	Etcdserverpb__RangeRequest rreq = ETCDSERVERPB__RANGE_REQUEST__INIT;
	ProtobufCMessage *r = NULL;

	etcd_ensure();
	ch = channel(etcd_target);
	ASSERT_EQ(kube_grpc_unary(ch, "/etcdserverpb.KV/NoSuchMethod", "", 0, 5000, &resp, &msg),
		  KUBE_GRPC_UNIMPLEMENTED);
	ASSERT_TRUE(strstr(msg, "NoSuchMethod") != NULL || strstr(msg, "unknown") != NULL);
	kube_free(msg);
	ASSERT_EQ(kube_grpc_unary(ch, "/no.Such/Service", "", 0, 5000, &resp, NULL),
		  KUBE_GRPC_UNIMPLEMENTED);
	/* an empty key is etcd's INVALID_ARGUMENT, message from grpc-message */
	ASSERT_EQ(kube_grpc_unary_pb(ch, "/etcdserverpb.KV/Range", &rreq.base,
				     &etcdserverpb__range_response__descriptor, 5000, &r, &msg),
		  KUBE_GRPC_INVALID_ARGUMENT);
	ASSERT_STREQ(msg, "etcdserver: key is not provided");
	kube_free(msg);
	/* the channel is still fine afterwards */
	ASSERT_EQ(put(ch, "/after/error", "x", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
}

/* ---- watch: a bidirectional stream multiplexed with unary calls ---- */

struct watch_state {
	int responses;
	bool created;
	int64_t watch_id;
	int events;
	char last_key[64];
	char last_value[64];
	int last_type;
	int done_code;
	bool done;
};

static void watch_msg(kube_grpc_call_t *call, const uint8_t *data, size_t len, void *arg)
{
	struct watch_state *st = arg;
	Etcdserverpb__WatchResponse *w = etcdserverpb__watch_response__unpack(NULL, len, data);

	if (!w)
		return;
	st->responses++;
	if (w->created) {
		st->created = true;
		st->watch_id = w->watch_id;
	}
	for (size_t i = 0; i < w->n_events; i++) {
		Etcdserverpb__Event *e = w->events[i];

		st->events++;
		st->last_type = e->type;
		snprintf(st->last_key, sizeof(st->last_key), "%.*s", (int)e->kv->key.len,
			 e->kv->key.data);
		snprintf(st->last_value, sizeof(st->last_value), "%.*s", (int)e->kv->value.len,
			 e->kv->value.data);
	}
	etcdserverpb__watch_response__free_unpacked(w, NULL);
}

static void watch_done(kube_grpc_call_t *call, int code, const char *message, void *arg)
{
	struct watch_state *st = arg;

	st->done = true;
	st->done_code = code;
}

static void send_watch_create(kube_grpc_call_t *call, const char *prefix, const char *end)
{
	Etcdserverpb__WatchRequest req = ETCDSERVERPB__WATCH_REQUEST__INIT;
	Etcdserverpb__WatchCreateRequest cr = ETCDSERVERPB__WATCH_CREATE_REQUEST__INIT;

	cr.key.data = (uint8_t *)prefix;
	cr.key.len = strlen(prefix);
	cr.range_end.data = (uint8_t *)end;
	cr.range_end.len = strlen(end);
	req.request_union_case = ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_CREATE_REQUEST;
	req.create_request = &cr;
	kube_grpc_call_send_pb(call, &req.base);
}

static void run_until(kube_grpc_channel_t *ch, bool *flag, int *counter, int want, int ms)
{
	int64_t end = kube_now_ns() + (int64_t)ms * 1000000;

	while (kube_now_ns() < end && !(flag && *flag) && !(counter && *counter >= want))
		event_base_loop(kube_grpc_channel_base(ch), EVLOOP_ONCE | EVLOOP_NONBLOCK),
			usleep(1000);
}

TEST(grpc_etcd_watch_bidi)
{
	kube_grpc_channel_t *ch;
	kube_grpc_call_t *call;
	struct watch_state st = { 0 };

	etcd_ensure();
	ch = channel(etcd_target);
	call = kube_grpc_call_start(ch, "/etcdserverpb.Watch/Watch", 0, NULL, watch_msg,
				    watch_done, &st);
	send_watch_create(call, "/watch/", "/watch0");
	run_until(ch, &st.created, NULL, 0, 5000);
	ASSERT_TRUE(st.created);
	ASSERT_FALSE(st.done);

	/* unary puts on the same connection while the watch stream is open */
	ASSERT_EQ(put(ch, "/watch/x", "one", NULL), KUBE_GRPC_OK);
	ASSERT_EQ(put(ch, "/watch/y", "two", NULL), KUBE_GRPC_OK);
	ASSERT_EQ(put(ch, "/other/z", "no", NULL), KUBE_GRPC_OK);
	run_until(ch, NULL, &st.events, 2, 5000);
	ASSERT_EQ(st.events, 2);
	ASSERT_STREQ(st.last_key, "/watch/y");
	ASSERT_STREQ(st.last_value, "two");
	ASSERT_EQ(st.last_type, ETCDSERVERPB__EVENT__EVENT_TYPE__PUT);

	/* cancelling ends the stream with no callback */
	kube_grpc_call_cancel(call);
	ASSERT_FALSE(st.done);
	/* and the connection still serves calls */
	ASSERT_EQ(put(ch, "/watch/after", "x", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_deadline)
{
	kube_grpc_channel_t *ch;
	struct watch_state st = { 0 };
	kube_grpc_call_t *call;
	int64_t t0;

	etcd_ensure();
	ch = channel(etcd_target);
	t0 = kube_now_ns();
	/* a watch never ends by itself: its 300 ms deadline ends it */
	call = kube_grpc_call_start(ch, "/etcdserverpb.Watch/Watch", 300, NULL, watch_msg,
				    watch_done, &st);
	send_watch_create(call, "/deadline/", "/deadline0");
	run_until(ch, &st.done, NULL, 0, 5000);
	ASSERT_TRUE(st.done);
	ASSERT_TRUE(st.created);
	/* Our deadline or etcd's own (it sent grpc-timeout): grpc-go reports a
	 * handler that returned ctx.Err() as UNKNOWN "context deadline exceeded". */
	ASSERT_TRUE(st.done_code == KUBE_GRPC_DEADLINE_EXCEEDED || st.done_code == 2);
	ASSERT_LT(kube_now_ns() - t0, 2000 * 1000000LL);
	ASSERT_EQ(put(ch, "/deadline/after", "x", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
}

/* Many unary calls in flight at once on one connection. */
struct multi_state {
	int done;
	int ok;
};

static void multi_done(kube_grpc_call_t *call, int code, const char *message, void *arg)
{
	struct multi_state *st = arg;

	st->done++;
	if (code != KUBE_GRPC_OK)
		fprintf(stderr, "call ended %s: %s\n", kube_grpc_code_name(code), message);
	if (code == KUBE_GRPC_OK)
		st->ok++;
}

TEST(grpc_etcd_multiplexed)
{
	kube_grpc_channel_t *ch;
	struct multi_state st = { 0 };
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	uint8_t buf[128];
	size_t n;

	etcd_ensure();
	ch = channel(etcd_target);
	for (int i = 0; i < 20; i++) {
		char key[32];
		kube_grpc_call_t *call;

		snprintf(key, sizeof(key), "/multi/%02d", i);
		req.key.data = (uint8_t *)key;
		req.key.len = strlen(key);
		req.value.data = (uint8_t *)"v";
		req.value.len = 1;
		n = etcdserverpb__put_request__pack(&req, buf);
		call = kube_grpc_call_start(ch, "/etcdserverpb.KV/Put", 5000, NULL, NULL,
					    multi_done, &st);
		ASSERT_OK(kube_grpc_call_send(call, buf, n));
		ASSERT_OK(kube_grpc_call_close_send(call));
		ASSERT_EQ(kube_grpc_call_send(call, buf, n), -EPIPE);
	}
	ASSERT_EQ(kube_grpc_channel_connections(ch), 1); /* 20 streams, one connection */
	run_until(ch, NULL, &st.done, 20, 10000);
	ASSERT_EQ(st.done, 20);
	ASSERT_EQ(st.ok, 20);
	ASSERT_EQ(kube_grpc_channel_connections(ch), 1);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_restart_reconnects)
{
	kube_grpc_channel_t *ch;
	struct watch_state st = { 0 };
	kube_grpc_call_t *call;
	char sock[160];

	etcd_ensure();
	ch = channel(etcd_target);
	ASSERT_EQ(put(ch, "/restart/a", "1", NULL), KUBE_GRPC_OK);
	call = kube_grpc_call_start(ch, "/etcdserverpb.Watch/Watch", 0, NULL, watch_msg,
				    watch_done, &st);
	send_watch_create(call, "/restart/", "/restart0");
	run_until(ch, &st.created, NULL, 0, 5000);
	ASSERT_TRUE(st.created);

	/* etcd dies: the open watch and new calls end UNAVAILABLE */
	kill(etcd_pid, SIGKILL);
	waitpid(etcd_pid, NULL, 0);
	etcd_pid = 0;
	run_until(ch, &st.done, NULL, 0, 5000);
	ASSERT_TRUE(st.done);
	ASSERT_EQ(st.done_code, KUBE_GRPC_UNAVAILABLE);
	ASSERT_EQ(put(ch, "/restart/b", "2", NULL), KUBE_GRPC_UNAVAILABLE);

	/* back on the same ports and data: the same channel reconnects */
	snprintf(sock, sizeof(sock), "%s", etcd_unix_target + strlen("unix://"));
	unlink(sock);
	etcd_spawn();
	ASSERT_EQ(put(ch, "/restart/c", "3", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
}

/* ---- server streaming: Maintenance/Snapshot sends the db in chunks ---- */

struct snap_state {
	int msgs;
	size_t bytes;
	uint64_t last_remaining;
	bool done;
	int code;
};

static void snap_msg(kube_grpc_call_t *call, const uint8_t *data, size_t len, void *arg)
{
	struct snap_state *st = arg;
	Etcdserverpb__SnapshotResponse *r = etcdserverpb__snapshot_response__unpack(NULL, len, data);

	if (!r)
		return;
	st->msgs++;
	st->bytes += r->blob.len;
	st->last_remaining = r->remaining_bytes;
	etcdserverpb__snapshot_response__free_unpacked(r, NULL);
}

static void snap_done(kube_grpc_call_t *call, int code, const char *message, void *arg)
{
	struct snap_state *st = arg;

	st->done = true;
	st->code = code;
}

TEST(grpc_etcd_server_streaming)
{
	kube_grpc_channel_t *ch;
	struct snap_state st = { 0 };
	kube_grpc_call_t *call;

	etcd_ensure();
	ch = channel(etcd_target);
	call = kube_grpc_call_start(ch, "/etcdserverpb.Maintenance/Snapshot", 10000, NULL, snap_msg,
				    snap_done, &st);
	ASSERT_OK(kube_grpc_call_send(call, "", 0)); /* empty SnapshotRequest */
	ASSERT_OK(kube_grpc_call_close_send(call));
	run_until(ch, &st.done, NULL, 0, 10000);
	ASSERT_TRUE(st.done);
	ASSERT_EQ(st.code, KUBE_GRPC_OK);
	ASSERT_GE(st.msgs, 2); /* the db (>= 20 KiB) comes in several messages */
	ASSERT_GE(st.bytes, 16384);
	ASSERT_EQ(st.last_remaining, 0);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_limits_and_metadata)
{
	kube_grpc_config_t cfg = { .max_message = 100 };
	kube_grpc_channel_t *ch;
	int err = 0;
	char big[300];
	Etcdserverpb__RangeRequest rreq = ETCDSERVERPB__RANGE_REQUEST__INIT;
	ProtobufCMessage *r = NULL;
	char *msg = NULL;
	struct watch_state st = { 0 };
	static const char *const bad_md[] = { "Bad Name", "x", NULL };
	static const char *const good_md[] = { "x-kube-test", "1", NULL };

	etcd_ensure();
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	cfg.target = etcd_target;
	ch = kube_grpc_channel_new(NULL, &cfg, &err);
	ASSERT_EQ(put(ch, "/limits/big", big, NULL), KUBE_GRPC_OK);
	rreq.key.data = (uint8_t *)"/limits/big";
	rreq.key.len = strlen("/limits/big");
	/* the response is over the 100-byte limit */
	ASSERT_EQ(kube_grpc_unary_pb(ch, "/etcdserverpb.KV/Range", &rreq.base,
				     &etcdserverpb__range_response__descriptor, 5000, &r, &msg),
		  KUBE_GRPC_RESOURCE_EXHAUSTED);
	kube_free(msg);
	ASSERT_NULL(r);
	/* malformed metadata and method names fail locally */
	kube_grpc_call_start(ch, "/etcdserverpb.Watch/Watch", 0, bad_md, NULL, watch_done, &st);
	run_until(ch, &st.done, NULL, 0, 1000);
	ASSERT_EQ(st.done_code, KUBE_GRPC_INTERNAL);
	st.done = false;
	kube_grpc_call_start(ch, "no-slash", 0, NULL, NULL, watch_done, &st);
	run_until(ch, &st.done, NULL, 0, 1000);
	ASSERT_EQ(st.done_code, KUBE_GRPC_INTERNAL);
	kube_grpc_channel_free(ch);

	/* well-formed metadata is sent along */
	ch = channel(etcd_target);
	st.done = false;
	kube_grpc_call_t *call = kube_grpc_call_start(ch, "/etcdserverpb.Maintenance/Status", 5000,
						      good_md, NULL, watch_done, &st);
	kube_grpc_call_send(call, "", 0);
	kube_grpc_call_close_send(call);
	run_until(ch, &st.done, NULL, 0, 5000);
	ASSERT_EQ(st.done_code, KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
}

/* ---- through nginx's grpc_pass, which ends each connection after 3
 * requests (GOAWAY): refused streams are sent again transparently ---- */

static pid_t nginx_grpc_start(int port)
{
	char conf[1024], path[160];
	pid_t pid;
	FILE *f;

	snprintf(conf, sizeof(conf),
		 "master_process off; daemon off; error_log %1$s/nginx-error.log; pid %1$s/nginx.pid;\n"
		 "events { worker_connections 64; }\n"
		 "http { access_log off; client_body_temp_path %1$s; proxy_temp_path %1$s;\n"
		 " fastcgi_temp_path %1$s; uwsgi_temp_path %1$s; scgi_temp_path %1$s;\n"
		 " server { listen 127.0.0.1:%2$d http2; keepalive_requests 3;\n"
		 "  location / { grpc_pass grpc://%3$s; } } }\n",
		 etcd_dir, port, etcd_target);
	snprintf(path, sizeof(path), "%s/nginx.conf", etcd_dir);
	f = fopen(path, "we");
	fputs(conf, f);
	fclose(f);
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(nul, 1);
		dup2(nul, 2);
		execl("/usr/sbin/nginx", "nginx", "-p", etcd_dir, "-c", path, (char *)NULL);
		_exit(127);
	}
	return pid;
}

TEST(grpc_goaway_retry_through_nginx)
{
	int port = free_port();
	pid_t ng;
	_cleanup_free_ char *target = kube_asprintf("127.0.0.1:%d", port);
	kube_grpc_channel_t *ch;
	struct multi_state st = { 0 };
	Etcdserverpb__PutRequest req = ETCDSERVERPB__PUT_REQUEST__INIT;
	uint8_t buf[128];
	size_t n;
	int code = -1;

	etcd_ensure();
	ng = nginx_grpc_start(port);
	ch = channel(target);
	for (int i = 0; i < 100 && code != KUBE_GRPC_OK; i++) {
		code = put(ch, "/nginx/probe", "x", NULL);
		if (code != KUBE_GRPC_OK)
			usleep(20 * 1000);
	}
	ASSERT_EQ(code, KUBE_GRPC_OK);
	for (int round = 0; round < 3; round++) {
		memset(&st, 0, sizeof(st));
		for (int i = 0; i < 8; i++) {
			char key[32];
			kube_grpc_call_t *call;

			snprintf(key, sizeof(key), "/nginx/%d/%d", round, i);
			req.key.data = (uint8_t *)key;
			req.key.len = strlen(key);
			req.value.data = (uint8_t *)"v";
			req.value.len = 1;
			n = etcdserverpb__put_request__pack(&req, buf);
			call = kube_grpc_call_start(ch, "/etcdserverpb.KV/Put", 5000, NULL, NULL,
						    multi_done, &st);
			kube_grpc_call_send(call, buf, n);
			kube_grpc_call_close_send(call);
		}
		run_until(ch, NULL, &st.done, 8, 10000);
		ASSERT_EQ(st.done, 8);
		ASSERT_EQ(st.ok, 8);
	}
	kube_grpc_channel_free(ch);
	kill(ng, SIGTERM);
	waitpid(ng, NULL, 0);
}

TEST(grpc_etcd_keepalive_detects_stopped_server)
{
	kube_grpc_config_t cfg = { .keepalive_time_ms = 300, .keepalive_timeout_ms = 300 };
	kube_grpc_channel_t *ch;
	struct watch_state st = { 0 };
	kube_grpc_call_t *call;
	int err = 0;
	int64_t t0;

	etcd_ensure();
	cfg.target = etcd_target;
	ch = kube_grpc_channel_new(NULL, &cfg, &err);
	call = kube_grpc_call_start(ch, "/etcdserverpb.Watch/Watch", 0, NULL, watch_msg,
				    watch_done, &st);
	send_watch_create(call, "/ka/", "/ka0");
	run_until(ch, &st.created, NULL, 0, 5000);
	ASSERT_TRUE(st.created);
	/* a frozen server keeps the TCP connection open but answers nothing */
	kill(etcd_pid, SIGSTOP);
	t0 = kube_now_ns();
	run_until(ch, &st.done, NULL, 0, 5000);
	kill(etcd_pid, SIGCONT);
	ASSERT_TRUE(st.done);
	ASSERT_EQ(st.done_code, KUBE_GRPC_UNAVAILABLE);
	ASSERT_LT(kube_now_ns() - t0, 2000 * 1000000LL);
	/* the channel reconnects for the next call */
	ASSERT_EQ(put(ch, "/ka/after", "x", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
}

TEST(grpc_etcd_endpoint_failover)
{
	int dead = free_port();
	_cleanup_free_ char *t1 = NULL, *t2 = NULL;
	kube_grpc_channel_t *ch;

	etcd_ensure();
	t1 = kube_asprintf("127.0.0.1:%d,http://%s", dead, etcd_target);
	t2 = kube_asprintf("%s,127.0.0.1:%d", etcd_target, dead);
	/* the first endpoint refuses: the channel goes on to the next */
	ch = channel(t1);
	ASSERT_NOT_NULL(ch);
	ASSERT_EQ(put(ch, "/failover/a", "1", NULL), KUBE_GRPC_OK);
	ASSERT_EQ(put(ch, "/failover/b", "2", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);
	ch = channel(t2);
	ASSERT_EQ(put(ch, "/failover/c", "3", NULL), KUBE_GRPC_OK);
	kube_grpc_channel_free(ch);

	static const char *const bad[] = { "a:1,unix:/x", "https://a:1,http://b:2", ",a:1", "a:1,,b:2" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		kube_grpc_config_t cfg = { .target = bad[i] };
		int err = 0;

		ASSERT_NULL(kube_grpc_channel_new(NULL, &cfg, &err));
	}
}

/* gRPC over TLS: an etcd serving https with the test PKI; verification by
 * CA and IP address, a wrong CA refused, client certificates offered. */
static int tls_status(const char *target, const char *ca, bool insecure)
{
	kube_grpc_config_t cfg = { .target = target, .connect_timeout_ms = 1000, .ca_file = ca,
				   .insecure_skip_verify = insecure };
	int err = 0, code;
	kube_grpc_channel_t *ch = kube_grpc_channel_new(NULL, &cfg, &err);
	Etcdserverpb__StatusRequest req = ETCDSERVERPB__STATUS_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;

	if (!ch)
		return -1;
	code = kube_grpc_unary_pb(ch, "/etcdserverpb.Maintenance/Status", &req.base,
				  &etcdserverpb__status_response__descriptor, 2000, &resp, NULL);
	if (resp)
		protobuf_c_message_free_unpacked(resp, NULL);
	kube_grpc_channel_free(ch);
	return code;
}

TEST(grpc_tls_to_etcd)
{
	char dir[] = "/tmp/kube-grpc-tls-XXXXXX", url[64], peer[64], cluster[96], data[128],
	     target[80], logp[128], cwd[512];
	char ca[600], crt[600], key[600], other[600];
	int cport = free_port(), pport = free_port(), code = -1;
	pid_t pid;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
	snprintf(ca, sizeof(ca), "%s/test/unit/testdata/tls/ca.crt", cwd);
	snprintf(crt, sizeof(crt), "%s/test/unit/testdata/tls/server.crt", cwd);
	snprintf(key, sizeof(key), "%s/test/unit/testdata/tls/server.key", cwd);
	snprintf(other, sizeof(other), "%s/test/unit/testdata/tls/other-ca.crt", cwd);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", cport);
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", pport);
	snprintf(cluster, sizeof(cluster), "default=%s", peer);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(logp, sizeof(logp), "%s/etcd.log", dir);
	pid = fork();
	if (pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(ETCD_BIN, "etcd", "--name", "default", "--data-dir", data, "--listen-client-urls",
		      url, "--advertise-client-urls", url, "--cert-file", crt, "--key-file", key,
		      "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		      "--initial-cluster", cluster, "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	snprintf(target, sizeof(target), "https://127.0.0.1:%d", cport);
	for (int i = 0; i < 100 && code != KUBE_GRPC_OK; i++) {
		code = tls_status(target, ca, false);
		if (code != KUBE_GRPC_OK)
			usleep(100 * 1000);
	}
	int wrong_ca = tls_status(target, other, false);
	int insecure = tls_status(target, NULL, true);
	int plain;
	{
		char t2[80];
		snprintf(t2, sizeof(t2), "127.0.0.1:%d", cport);
		plain = status_ok(t2); /* h2c to a TLS port */
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	{
		pid_t rm = fork(); /* no system(): fork rm */
		if (rm == 0) {
			execl("/bin/rm", "rm", "-rf", dir, (char *)NULL);
			_exit(127);
		}
		if (rm > 0)
			waitpid(rm, NULL, 0);
	}
	ASSERT_EQ(code, KUBE_GRPC_OK);
	ASSERT_EQ(wrong_ca, KUBE_GRPC_UNAVAILABLE);
	ASSERT_EQ(insecure, KUBE_GRPC_OK);
	ASSERT_NE(plain, KUBE_GRPC_OK);
}
