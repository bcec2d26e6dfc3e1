#include "kube_test.h"

#include "api/kube_json.h"
#include "client/kube_events.h"
#include "apiserver_fixture.h"

static kube_client_t *client_for(const char *url, int max_retries)
{
	kube_client_config_t cfg = { .server = url, .qps = -1, .max_retries = max_retries };
	kube_client_t *c = NULL;

	kube_client_new(&cfg, &c);
	return c;
}

static const kube_kind_t *events_kind(void)
{
	return kube_kinds_lookup("", "v1", "events");
}

/* The Event with this reason in default (there must be exactly one). */
static cJSON *find_event(cJSON *list, const char *reason, int *ret_n)
{
	cJSON *it, *found = NULL;

	*ret_n = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
		if (kube_streq(kube_json_get_str(it, "reason"), reason)) {
			found = it;
			(*ret_n)++;
		}
	}
	return found;
}

TEST(events_aggregate_counts)
{
	apiserver_fixture_t f;
	kube_client_t *c;
	kube_events_t *ev;
	cJSON *pod, *list = NULL, *e;
	int n;

	ASSERT_EQ(fixture_start(&f, NULL), 0);
	c = client_for(f.url, 0);
	{
		cJSON *nsobj = cJSON_CreateObject();

		kube_json_set_str(nsobj, "metadata.name", "team");
		ASSERT_EQ(kube_client_create(c, kube_kinds_lookup("", "v1", "namespaces"), NULL,
					     nsobj, NULL, NULL), 0);
		cJSON_Delete(nsobj);
	}
	ev = kube_events_new(c, "default-scheduler", "node-1");
	pod = cJSON_CreateObject();
	kube_json_set_str(pod, "metadata.name", "web-1");
	kube_json_set_str(pod, "metadata.namespace", "team");
	kube_json_set_str(pod, "metadata.uid", "1234");
	kube_json_set_str(pod, "metadata.resourceVersion", "42");

	for (int i = 0; i < 3; i++)
		kube_events_eventf_kind(ev, pod, "v1", "Pod", "Warning", "FailedScheduling",
					"0/%d nodes are available", 3);
	kube_events_eventf_kind(ev, pod, "v1", "Pod", "Normal", "Scheduled",
				"Successfully assigned team/web-1 to %s", "node-1");
	ASSERT_EQ(kube_events_flush(ev, 5000), 0);

	ASSERT_EQ(kube_client_list(c, events_kind(), "team", NULL, &list, NULL), 0);
	e = find_event(list, "FailedScheduling", &n);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(kube_json_get_int64(e, "count", 0), 3);
	ASSERT_STREQ(kube_json_get_str(e, "type"), "Warning");
	ASSERT_STREQ(kube_json_get_str(e, "message"), "0/3 nodes are available");
	ASSERT_STREQ(kube_json_get_str(e, "involvedObject.kind"), "Pod");
	ASSERT_STREQ(kube_json_get_str(e, "involvedObject.uid"), "1234");
	ASSERT_STREQ(kube_json_get_str(e, "involvedObject.resourceVersion"), "42");
	ASSERT_STREQ(kube_json_get_str(e, "source.component"), "default-scheduler");
	ASSERT_STREQ(kube_json_get_str(e, "source.host"), "node-1");
	ASSERT_TRUE(kube_startswith(kube_json_get_str(e, "metadata.name"), "web-1."));
	ASSERT_NOT_NULL(kube_json_get_str(e, "firstTimestamp"));
	e = find_event(list, "Scheduled", &n);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(kube_json_get_int64(e, "count", 0), 1);
	cJSON_Delete(list);

	/* an object with kind and apiVersion of its own, cluster-scoped: default ns */
	{
		cJSON *node = cJSON_CreateObject();

		kube_json_set_str(node, "kind", "Node");
		kube_json_set_str(node, "apiVersion", "v1");
		kube_json_set_str(node, "metadata.name", "node-1");
		kube_events_eventf(ev, node, "Normal", "NodeReady", "Node %s status is now: %s",
				   "node-1", "NodeReady");
		cJSON_Delete(node);
	}
	ASSERT_EQ(kube_events_flush(ev, 5000), 0);
	ASSERT_EQ(kube_client_list(c, events_kind(), "default", NULL, &list, NULL), 0);
	e = find_event(list, "NodeReady", &n);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(kube_json_get_str(e, "involvedObject.kind"), "Node");
	cJSON_Delete(list);
	ASSERT_EQ(kube_events_dropped(ev), 0);

	/* 12 distinct messages, same reason: 9 events, then one combined event
	 * counted 3 times (client-go's EventAggregator) */
	for (int i = 0; i < 12; i++)
		kube_events_eventf_kind(ev, pod, "v1", "Pod", "Normal", "Pulling",
					"Pulling image \"img:%d\"", i);
	ASSERT_EQ(kube_events_flush(ev, 5000), 0);
	ASSERT_EQ(kube_client_list(c, events_kind(), "team", NULL, &list, NULL), 0);
	find_event(list, "Pulling", &n);
	ASSERT_EQ(n, 10);
	{
		cJSON *it;
		int combined = 0;

		cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
			const char *m = kube_json_get_str(it, "message");

			if (kube_startswith(m, "(combined from similar events): Pulling image")) {
				combined++;
				ASSERT_EQ(kube_json_get_int64(it, "count", 0), 3);
				ASSERT_STREQ(m, "(combined from similar events): Pulling image \"img:11\"");
			}
		}
		ASSERT_EQ(combined, 1);
	}
	cJSON_Delete(list);

	cJSON_Delete(pod);
	kube_events_free(ev);
	kube_client_free(c);
	fixture_stop(&f);
}

TEST(events_never_block_and_drop_beyond_queue)
{
	char url[64];
	kube_client_t *c;
	kube_events_t *ev;
	cJSON *pod = cJSON_CreateObject();
	int64_t t0;

	/* nothing listens there; the client retries with backoff */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", fixture_free_port());
	c = client_for(url, 3);
	ev = kube_events_new(c, "test", NULL);
	kube_json_set_str(pod, "metadata.name", "p");
	kube_json_set_str(pod, "metadata.namespace", "default");
	t0 = kube_now_ns();
	for (int i = 0; i < 1500; i++)
		kube_events_eventf_kind(ev, pod, "v1", "Pod", "Normal", "R", "message %d", i);
	ASSERT_LT(kube_now_ns() - t0, 500000000LL);
	ASSERT_GE(kube_events_dropped(ev), 400);
	ASSERT_EQ(kube_events_flush(ev, 100), -ETIMEDOUT);
	cJSON_Delete(pod);
	t0 = kube_now_ns();
	kube_events_free(ev); /* gives up after 5 s and cancels the write in flight */
	ASSERT_LT(kube_now_ns() - t0, 7000000000LL);
	kube_client_free(c);
}
