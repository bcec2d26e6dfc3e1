/* Tests for kube-scheduler/scheduler_queue.c (with a fake clock). */
#include "kube_test.h"

#include "scheduler_queue.h"

static int64_t fake_now;
static int64_t now_fn(void)
{
	return fake_now;
}

#define S 1000000000LL

static scheduler_pod_t *mkpod(const char *name, int prio)
{
	char *js = kube_asprintf("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"d\",\"uid\":\"u%s\"},"
				 "\"spec\":{\"priority\":%d}}", name, name, prio);
	scheduler_pod_t *p = scheduler_pod_parse(js);
	kube_free(js);
	return p;
}

static void add(scheduler_queue_t *q, const char *name, int prio)
{
	scheduler_pod_t *p = mkpod(name, prio);
	scheduler_queue_add(q, p);
	scheduler_pod_unref(p);
}

static void lens(scheduler_queue_t *q, size_t a, size_t b, size_t u, int line)
{
	size_t x, y, z;
	scheduler_queue_lengths(q, &x, &y, &z);
	if (x != a || y != b || z != u)
		kube_test_fail(__FILE__, line, "lengths %zu/%zu/%zu want %zu/%zu/%zu", x, y, z, a, b, u);
}
#define LENS(q, a, b, u) lens(q, a, b, u, __LINE__)

TEST(backoff_durations)
{
	static const int64_t want[] = { 1 * S, 2 * S, 4 * S, 8 * S, 10 * S, 10 * S, 10 * S };
	for (int i = 0; i < (int)ARRAY_SIZE(want); i++)
		ASSERT_EQ(scheduler_queue_backoff_ns(i + 1), want[i]);
	ASSERT_EQ(scheduler_queue_backoff_ns(100), 10 * S);
}

TEST(priority_then_fifo)
{
	fake_now = 100 * S;
	scheduler_queue_t *q = scheduler_queue_new(now_fn, 0);
	add(q, "low", 0);
	fake_now += 1;
	add(q, "high", 100);
	fake_now += 1;
	add(q, "low2", 0);
	fake_now += 1;
	add(q, "high2", 100);
	static const char *order[] = { "high", "high2", "low", "low2" };
	for (size_t i = 0; i < 4; i++) {
		scheduler_qitem_t it;
		ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
		ASSERT_STREQ(it.pod->name, order[i]);
		ASSERT_EQ(it.attempts, 1);
		scheduler_queue_done(q, &it);
		scheduler_qitem_clear(&it);
	}
	scheduler_qitem_t it;
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), -ETIMEDOUT);
	LENS(q, 0, 0, 0);
	scheduler_queue_free(q);
}

TEST(unschedulable_then_move)
{
	fake_now = 100 * S;
	scheduler_queue_t *q = scheduler_queue_new(now_fn, 0);
	scheduler_qitem_t it;
	add(q, "p", 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	LENS(q, 0, 0, 1);
	/* nothing moves it without an event, even after backoff */
	fake_now += 20 * S;
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), -ETIMEDOUT);
	/* a node added: straight to active (backoff of 1s is over) */
	ASSERT_EQ(scheduler_queue_move_all(q, false), 1);
	LENS(q, 1, 0, 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	ASSERT_EQ(it.attempts, 2);
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	/* moved right away: still backing off (2s) -> backoff, then active */
	scheduler_queue_move_all(q, false);
	LENS(q, 0, 1, 0);
	fake_now += 1 * S;
	scheduler_queue_flush(q);
	LENS(q, 0, 1, 0);
	fake_now += 1 * S;
	scheduler_queue_flush(q);
	LENS(q, 1, 0, 0);
	scheduler_queue_free(q);
}

TEST(move_during_flight_goes_to_backoff)
{
	fake_now = 100 * S;
	scheduler_queue_t *q = scheduler_queue_new(now_fn, 0);
	scheduler_qitem_t it;
	add(q, "p", 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_move_all(q, false); /* a node appeared while we were scheduling */
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	LENS(q, 0, 1, 0);
	fake_now += 1 * S;
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_done(q, &it);
	scheduler_qitem_clear(&it);
	scheduler_queue_free(q);
}

TEST(errors_back_off_and_leftovers_flush)
{
	fake_now = 100 * S;
	scheduler_queue_t *q = scheduler_queue_new(now_fn, 60 * S);
	scheduler_qitem_t it;
	add(q, "e", 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_unschedulable(q, &it, true);
	scheduler_qitem_clear(&it);
	LENS(q, 0, 1, 0);
	fake_now += S;
	scheduler_queue_flush(q);
	LENS(q, 1, 0, 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	LENS(q, 0, 0, 1);
	fake_now += 61 * S;
	scheduler_queue_flush(q);
	LENS(q, 1, 0, 0);
	scheduler_queue_free(q);
}

TEST(update_delete)
{
	fake_now = 100 * S;
	scheduler_queue_t *q = scheduler_queue_new(now_fn, 0);
	scheduler_qitem_t it;
	add(q, "a", 0);
	add(q, "b", 0);
	add(q, "a", 0); /* duplicate: one entry */
	LENS(q, 2, 0, 0);
	scheduler_queue_delete(q, "d", "b");
	LENS(q, 1, 0, 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	/* an update of an unschedulable pod moves it (after its backoff) */
	fake_now += 5 * S;
	scheduler_pod_t *p = mkpod("a", 5);
	scheduler_queue_update(q, p);
	scheduler_pod_unref(p);
	LENS(q, 1, 0, 0);
	/* deleted while in flight: dropped on return */
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	ASSERT_EQ(it.pod->priority, 5);
	scheduler_queue_delete(q, "d", "a");
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	LENS(q, 0, 0, 0);
	/* only_affinity moves only pods with required pod affinity */
	p = scheduler_pod_parse("{\"metadata\":{\"name\":\"aff\",\"namespace\":\"d\"},\"spec\":{\"affinity\":{\"podAffinity\":"
				"{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{},\"topologyKey\":\"z\"}]}}}}");
	scheduler_queue_add(q, p);
	scheduler_pod_unref(p);
	add(q, "plain", 0);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
		scheduler_queue_unschedulable(q, &it, false);
		scheduler_qitem_clear(&it);
	}
	fake_now += 5 * S;
	ASSERT_EQ(scheduler_queue_move_all(q, true), 1);
	LENS(q, 1, 0, 1);
	scheduler_queue_close(q);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), -ESHUTDOWN);
	scheduler_queue_free(q);
}

TEST(pop_waits_real_time)
{
	scheduler_queue_t *q = scheduler_queue_new(NULL, 0);
	scheduler_qitem_t it;
	int64_t t0 = kube_now_ns();
	ASSERT_EQ(scheduler_queue_pop(q, 50, &it), -ETIMEDOUT);
	ASSERT_GE(kube_now_ns() - t0, 45000000LL);
	scheduler_queue_free(q);
}

TEST(refresh_keeps_place)
{
	fake_now = 100 * S;
	scheduler_queue_t *q = scheduler_queue_new(now_fn, 0);
	scheduler_qitem_t it;
	add(q, "p", 0);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	scheduler_queue_unschedulable(q, &it, false);
	scheduler_qitem_clear(&it);
	scheduler_pod_t *p = scheduler_pod_parse("{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"uid\":\"up\"},"
						 "\"status\":{\"nominatedNodeName\":\"n1\"}}");
	scheduler_queue_refresh(q, p);
	scheduler_pod_unref(p);
	LENS(q, 0, 0, 1);
	fake_now += 5 * S;
	scheduler_queue_move_all(q, false);
	ASSERT_EQ(scheduler_queue_pop(q, 0, &it), 0);
	ASSERT_STREQ(it.pod->nominated_node, "n1");
	scheduler_queue_done(q, &it);
	scheduler_qitem_clear(&it);
	p = scheduler_pod_parse("{\"metadata\":{\"name\":\"other\",\"namespace\":\"d\"}}");
	scheduler_queue_refresh(q, p);	/* not queued: no-op */
	scheduler_pod_unref(p);
	LENS(q, 0, 0, 0);
	scheduler_queue_free(q);
}
