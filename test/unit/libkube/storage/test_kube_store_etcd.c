/*
 * The etcd3 store backend against a real etcd (/usr/bin/etcd): the shared
 * store contract (kube_store_contract.h) on a fresh single member per case,
 * then what only a remote store has: failover across endpoints, a watch
 * that survives its endpoint going away, and an unreachable etcd.
 */
#include "kube_test.h"
#include "storage/kube_store.h"
#include "kube_store_contract.h"
#include "net/kube_grpc.h"

#include "etcdserverpb.pb-c.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define ETCD_BIN "/usr/bin/etcd"

typedef struct etcd_member {
	pid_t pid;
	char name[16];
	char dir[64];
	char client[64], peer[64];
} etcd_member_t;

typedef struct etcd_cluster {
	etcd_member_t m[3];
	int n;
	char cluster[256];
	char *servers[4]; /* client URLs, NULL-terminated */
} etcd_cluster_t;

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

static void member_spawn(etcd_cluster_t *c, etcd_member_t *m)
{
	char data[96], log[96];

	snprintf(data, sizeof(data), "%s/data", m->dir);
	snprintf(log, sizeof(log), "%s/etcd.log", m->dir);
	m->pid = fork();
	if (m->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(ETCD_BIN, "etcd", "--name", m->name, "--data-dir", data,
		      "--listen-client-urls", m->client, "--advertise-client-urls", m->client,
		      "--listen-peer-urls", m->peer, "--initial-advertise-peer-urls", m->peer,
		      "--initial-cluster", c->cluster, "--initial-cluster-state", "new",
		      "--heartbeat-interval", "50", "--election-timeout", "500",
		      "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
}

static void member_kill(etcd_member_t *m)
{
	if (m->pid > 0) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, NULL, 0);
		m->pid = 0;
	}
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

static void cluster_stop(etcd_cluster_t *c)
{
	for (int i = 0; i < c->n; i++) {
		member_kill(&c->m[i]);
		rm_rf(c->m[i].dir);
	}
}

/* Start n members; wait until a store on them answers health. */
static void cluster_start(etcd_cluster_t *c, int n)
{
	size_t off = 0;

	if (access(ETCD_BIN, X_OK) != 0)
		kube_test_fail(__FILE__, __LINE__, "etcd not installed at %s", ETCD_BIN);
	memset(c, 0, sizeof(*c));
	c->n = n;
	for (int i = 0; i < n; i++) {
		etcd_member_t *m = &c->m[i];

		snprintf(m->name, sizeof(m->name), "m%d", i);
		snprintf(m->dir, sizeof(m->dir), "/tmp/kube-store-etcd-XXXXXX");
		if (!mkdtemp(m->dir))
			kube_test_fail(__FILE__, __LINE__, "mkdtemp");
		snprintf(m->client, sizeof(m->client), "http://127.0.0.1:%d", free_port());
		snprintf(m->peer, sizeof(m->peer), "http://127.0.0.1:%d", free_port());
		off += (size_t)snprintf(c->cluster + off, sizeof(c->cluster) - off, "%s%s=%s",
					i ? "," : "", m->name, m->peer);
		c->servers[i] = m->client;
	}
	for (int i = 0; i < n; i++)
		member_spawn(c, &c->m[i]);
}

static kube_store_t *open_store(etcd_cluster_t *c)
{
	kube_store_config_t cfg = { .backend = "etcd3", .servers = (const char *const *)c->servers };
	kube_store_t *s = NULL;

	if (kube_store_open(&cfg, &s) < 0)
		return NULL;
	for (int i = 0; i < 200; i++) {
		if (kube_store_health(s) == 0)
			return s;
		usleep(50 * 1000);
	}
	kube_store_free(s);
	return NULL;
}

/* A fresh single member and a store on it (revision 1, no keys). */
#define WITH_ETCD(c, s)                                             \
	etcd_cluster_t c;                                           \
	kube_store_t *s;                                            \
	cluster_start(&c, 1);                                       \
	s = open_store(&c);                                         \
	if (!s) {                                                   \
		cluster_stop(&c);                                   \
		kube_test_fail(__FILE__, __LINE__, "etcd did not start"); \
	}

TEST(etcd_crud_and_cas)
{
	WITH_ETCD(c, s);
	contract_crud_and_cas(s, 1);
	kube_store_free(s);
	cluster_stop(&c);
}

TEST(etcd_list_paging_and_history)
{
	WITH_ETCD(c, s);
	contract_list_paging_and_history(s, 1);
	kube_store_free(s);
	cluster_stop(&c);
}

TEST(etcd_watch_history_and_live)
{
	WITH_ETCD(c, s);
	contract_watch_history_and_live(s, 1);
	kube_store_free(s);
	cluster_stop(&c);
}

TEST(etcd_many_writers)
{
	WITH_ETCD(c, s);
	contract_many_writers(s, 1, 50);
	kube_store_free(s);
	cluster_stop(&c);
}

TEST(etcd_values_and_limits)
{
	kube_kv_t kv = { 0 };
	size_t big = 2u << 20;
	char *v = kube_malloc(big);

	WITH_ETCD(c, s);
	memset(v, 'x', big);
	ASSERT_EQ(kube_store_create(s, "/registry/configmaps/a/big", v, big, NULL), -EMSGSIZE);
	/* Binary-safe values, empty values. */
	ASSERT_OK(kube_store_create(s, "/registry/configmaps/a/empty", "", 0, NULL));
	ASSERT_OK(kube_store_get(s, "/registry/configmaps/a/empty", &kv));
	ASSERT_EQ(kv.value_len, 0);
	ASSERT_STREQ(kv.value, "");
	kube_kv_clear(&kv);
	ASSERT_OK(kube_store_create(s, "/registry/configmaps/a/mid", v, 1u << 20, NULL));
	ASSERT_OK(kube_store_get(s, "/registry/configmaps/a/mid", &kv));
	ASSERT_EQ(kv.value_len, 1u << 20);
	kube_kv_clear(&kv);
	kube_free(v);
	kube_store_free(s);
	cluster_stop(&c);
}

TEST(etcd_unreachable)
{
	char *dead = kube_asprintf("http://127.0.0.1:%d", free_port());
	const char *servers[] = { dead, NULL };
	kube_store_config_t cfg = { .backend = "etcd3", .servers = servers };
	kube_store_t *s = NULL;
	kube_kv_t kv = { 0 };
	int64_t t0 = kube_now_ns();

	ASSERT_OK(kube_store_open(&cfg, &s)); /* opening does not need etcd */
	ASSERT_NE(kube_store_health(s), 0);
	ASSERT_EQ(kube_store_get(s, "/registry/x", &kv), -ENOTCONN);
	ASSERT_LT(kube_now_ns() - t0, 20LL * 1000000000);
	kube_store_free(s);
	kube_free(dead);
}

typedef struct progress_seen {
	pthread_mutex_t lock;
	int64_t progress_rev;
	int puts;
} progress_seen_t;

static void on_progress(const kube_store_event_t *ev, int err, void *arg)
{
	progress_seen_t *p = arg;

	pthread_mutex_lock(&p->lock);
	if (ev && ev->type == KUBE_STORE_EVENT_PROGRESS && ev->kv.mod_rev > p->progress_rev)
		p->progress_rev = ev->kv.mod_rev;
	else if (ev)
		p->puts++;
	pthread_mutex_unlock(&p->lock);
}

/* Writes outside a watch's prefix move etcd's revision; after
 * kube_store_current_rev() the watch reports progress up to it, so a
 * watch cache knows it is not behind. */
TEST(etcd_progress_past_writes_elsewhere)
{
	progress_seen_t p = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_store_watch_t *w;
	int64_t rev = 0, have = 0;

	WITH_ETCD(c, s);
	ASSERT_OK(kube_store_create(s, "/registry/pods/a/1", "{}", 2, NULL));
	ASSERT_OK(kube_store_watch(s, "/registry/pods/", kube_store_current_rev(s), on_progress, &p, &w));
	ASSERT_OK(kube_store_create(s, "/elsewhere/x", "{}", 2, &rev));
	ASSERT_EQ(kube_store_current_rev(s), rev);
	for (int i = 0; i < 200 && have < rev; i++) {
		usleep(10 * 1000);
		pthread_mutex_lock(&p.lock);
		have = p.progress_rev;
		pthread_mutex_unlock(&p.lock);
	}
	kube_store_watch_cancel(w);
	ASSERT_EQ(have, rev);
	ASSERT_EQ(p.puts, 0);
	kube_store_free(s);
	cluster_stop(&c);
}

typedef struct load {
	kube_store_t *s;
	int id;
	volatile bool *stop;
	int acked;
	int failed;
	char acked_keys[4000][48];
} load_t;

static void *load_main(void *arg)
{
	load_t *l = arg;

	for (int i = 0; !*l->stop && l->acked < 4000; i++) {
		char key[48];

		snprintf(key, sizeof(key), "/registry/configmaps/w%d/k%05d", l->id, i);
		if (kube_store_create(l->s, key, "{}", 2, NULL) == 0)
			kube_strlcpy(l->acked_keys[l->acked++], key, sizeof(l->acked_keys[0]));
		else
			l->failed++;
	}
	return NULL;
}

typedef struct seen_set {
	pthread_mutex_t lock;
	int64_t last;
	int n;
	bool out_of_order;
	int err;
} seen_set_t;

static void count_events(const kube_store_event_t *ev, int err, void *arg)
{
	seen_set_t *c = arg;

	pthread_mutex_lock(&c->lock);
	if (!ev) {
		c->err = err;
	} else if (ev->type != KUBE_STORE_EVENT_PROGRESS) {
		if (ev->kv.mod_rev <= c->last)
			c->out_of_order = true;
		c->last = ev->kv.mod_rev;
		c->n++;
	}
	pthread_mutex_unlock(&c->lock);
}

/* The member that is the raft leader (Maintenance Status: leader == own id), or -1. */
static int find_leader(etcd_cluster_t *c)
{
	for (int i = 0; i < c->n; i++) {
		kube_grpc_config_t cfg = { .target = c->m[i].client, .connect_timeout_ms = 500 };
		int err = 0, leader = -1;
		kube_grpc_channel_t *ch = kube_grpc_channel_new(NULL, &cfg, &err);
		Etcdserverpb__StatusRequest req = ETCDSERVERPB__STATUS_REQUEST__INIT;
		Etcdserverpb__StatusResponse *resp = NULL;

		if (c->m[i].pid > 0 &&
		    kube_grpc_unary_pb(ch, "/etcdserverpb.Maintenance/Status", &req.base,
				       &etcdserverpb__status_response__descriptor, 1000,
				       (ProtobufCMessage **)&resp, NULL) == KUBE_GRPC_OK &&
		    resp->header && resp->leader && resp->leader == resp->header->member_id)
			leader = i;
		if (resp)
			protobuf_c_message_free_unpacked(&resp->base, NULL);
		kube_grpc_channel_free(ch);
		if (leader >= 0)
			return leader;
	}
	return -1;
}

/* The acceptance: kill the leader of a 3-member cluster under a
 * write load from 8 clients; writes resume within a few seconds (etcd fails
 * the proposals caught by the election after its request timeout, 5 s + 2
 * election timeouts), every acknowledged write is there, and a watch sees
 * every event in order across the failover. */
TEST(etcd_cluster_member_kill_under_load)
{
	etcd_cluster_t c;
	kube_store_t *s;
	load_t *loads = kube_calloc(8, sizeof(load_t));
	pthread_t th[8];
	volatile bool stop = false;
	seen_set_t seen = { .lock = PTHREAD_MUTEX_INITIALIZER };
	kube_store_watch_t *w;
	int64_t start_rev, t_kill, t_resume = 0;
	int total = 0, failed = 0, before, leader;
	int64_t count;

	cluster_start(&c, 3);
	s = open_store(&c);
	if (!s) {
		cluster_stop(&c);
		kube_free(loads);
		kube_test_fail(__FILE__, __LINE__, "etcd cluster did not start");
	}
	start_rev = kube_store_current_rev(s);
	ASSERT_OK(kube_store_watch(s, "/registry/configmaps/", start_rev, count_events, &seen, &w));
	for (int i = 0; i < 8; i++) {
		loads[i] = (load_t){ .s = s, .id = i, .stop = &stop };
		pthread_create(&th[i], NULL, load_main, &loads[i]);
	}
	usleep(500 * 1000);
	leader = find_leader(&c);
	ASSERT_GE(leader, 0);
	member_kill(&c.m[leader]);
	t_kill = kube_now_ns();
	before = 0;
	for (int i = 0; i < 8; i++)
		before += loads[i].acked;
	for (int i = 0; i < 200 && !t_resume; i++) {
		int now = 0;

		usleep(50 * 1000);
		for (int j = 0; j < 8; j++)
			now += loads[j].acked;
		if (now > before + 16)
			t_resume = kube_now_ns();
	}
	usleep(300 * 1000);
	stop = true;
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	ASSERT_GT(t_resume, 0);
	ASSERT_LT(t_resume - t_kill, 9LL * 1000000000);
	/* Every acknowledged write is there. */
	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < loads[i].acked; j++) {
			kube_kv_t kv = { 0 };

			ASSERT_OK(kube_store_get(s, loads[i].acked_keys[j], &kv));
			kube_kv_clear(&kv);
		}
		total += loads[i].acked;
		failed += loads[i].failed;
	}
	ASSERT_OK(kube_store_count(s, "/registry/configmaps/", &count));
	ASSERT_GE(count, total);
	/* The watch saw every event, in order, across the failover. */
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&seen.lock);
		int n = seen.n;
		pthread_mutex_unlock(&seen.lock);
		if (n >= count)
			break;
		usleep(20 * 1000);
	}
	kube_store_watch_cancel(w);
	ASSERT_EQ(seen.n, count);
	ASSERT_FALSE(seen.out_of_order);
	ASSERT_EQ(seen.err, 0);
	fprintf(stderr, "    leader m%d killed: %d acked writes, %d failed, resumed after %lld ms\n", leader, total, failed,
		(long long)((t_resume - t_kill) / 1000000));
	kube_store_free(s);
	cluster_stop(&c);
	kube_free(loads);
}
