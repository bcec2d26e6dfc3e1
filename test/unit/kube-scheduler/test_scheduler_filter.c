/* Tests for kube-scheduler/scheduler_filter.c: one table per plugin. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "core/kube_buf.h"
#include "scheduler_filter.h"

#define NODE(extra) "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"zone\":\"a\",\"kubernetes.io/hostname\":\"n1\",\"num\":\"5\"}}," \
	"\"status\":{\"allocatable\":{\"cpu\":\"2\",\"memory\":\"4Gi\",\"pods\":\"3\",\"ephemeral-storage\":\"10Gi\"," \
	"\"example.com/gpu\":\"1\"}}" extra "}"
#define POD(spec) "{\"metadata\":{\"name\":\"p\",\"namespace\":\"default\",\"uid\":\"up\",\"labels\":{\"app\":\"web\"}}," \
	"\"spec\":" spec "}"

typedef struct fcase {
	const char *name;
	const char *node;
	const char *pod;
	const char *const *existing;	/* pods already on the node, NULL-terminated */
	scheduler_code_t want;
	const char *reasons;		/* joined with "; " */
} fcase_t;

static char *joined(const scheduler_status_t *st)
{
	kube_buf_t b = { 0 };
	kube_buf_puts(&b, "");
	for (size_t i = 0; i < st->nreasons; i++)
		kube_buf_printf(&b, "%s%s", i ? "; " : "", st->reasons[i]);
	return kube_buf_steal(&b);
}

static void run_cases(const fcase_t *cases, size_t n, int line)
{
	for (size_t i = 0; i < n; i++) {
		const fcase_t *c = &cases[i];
		scheduler_nodeinfo_t *ni = scheduler_nodeinfo_parse(c->node);
		scheduler_pod_t *p = scheduler_pod_parse(c->pod);
		if (!ni || !p)
			kube_test_fail(__FILE__, line, "%s: bad JSON", c->name);
		for (size_t k = 0; c->existing && c->existing[k]; k++) {
			scheduler_pod_t *e = scheduler_pod_parse(c->existing[k]);
			if (!e)
				kube_test_fail(__FILE__, line, "%s: bad existing %zu", c->name, k);
			scheduler_nodeinfo_add_pod(ni, e);
			scheduler_pod_unref(e);
		}
		scheduler_prefilter_t pf;
		scheduler_status_t st = { 0 };
		scheduler_prefilter_init(&pf, p, &ni, 1);
		scheduler_code_t code = scheduler_filter_node(&pf, ni, &st);
		char *got = joined(&st);
		bool ok = code == c->want && strcmp(got, c->reasons) == 0;
		char msg[512];
		snprintf(msg, sizeof(msg), "%s: code %d want %d, reasons \"%s\" want \"%s\"", c->name, code, c->want,
			 got, c->reasons);
		kube_free(got);
		scheduler_status_clear(&st);
		scheduler_prefilter_clear(&pf);
		scheduler_pod_unref(p);
		scheduler_nodeinfo_free(ni);
		if (!ok)
			kube_test_fail(__FILE__, line, "%s", msg);
	}
}

#define RUN(cases) run_cases(cases, ARRAY_SIZE(cases), __LINE__)
#define OK SCHEDULER_SUCCESS
#define UNS SCHEDULER_UNSCHEDULABLE
#define UNR SCHEDULER_UNRESOLVABLE

TEST(node_unschedulable)
{
	static const fcase_t cases[] = {
		{ "schedulable", NODE(""), POD("{}"), NULL, OK, "" },
		{ "unschedulable", NODE(",\"spec\":{\"unschedulable\":true}"), POD("{}"), NULL, UNR,
		  "node(s) were unschedulable" },
		{ "tolerated", NODE(",\"spec\":{\"unschedulable\":true}"),
		  POD("{\"tolerations\":[{\"key\":\"node.kubernetes.io/unschedulable\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]}"),
		  NULL, OK, "" },
	};
	RUN(cases);
}

TEST(node_name)
{
	static const fcase_t cases[] = {
		{ "none", NODE(""), POD("{}"), NULL, OK, "" },
		{ "same", NODE(""), POD("{\"nodeName\":\"n1\"}"), NULL, OK, "" },
		{ "other", NODE(""), POD("{\"nodeName\":\"n2\"}"), NULL, UNR,
		  "node(s) didn't match the requested node name" },
	};
	RUN(cases);
}

#define TAINTS(t) NODE(",\"spec\":{\"taints\":" t "}")
TEST(taint_toleration)
{
	static const fcase_t cases[] = {
		{ "no taints", NODE(""), POD("{}"), NULL, OK, "" },
		{ "master", TAINTS("[{\"key\":\"node-role.kubernetes.io/master\",\"effect\":\"NoSchedule\"}]"), POD("{}"),
		  NULL, UNR, "node(s) had untolerated taint {node-role.kubernetes.io/master: }" },
		{ "value", TAINTS("[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoExecute\"}]"), POD("{}"), NULL,
		  UNR, "node(s) had untolerated taint {dedicated: gpu}" },
		{ "prefer ignored", TAINTS("[{\"key\":\"a\",\"effect\":\"PreferNoSchedule\"}]"), POD("{}"), NULL, OK, "" },
		{ "equal", TAINTS("[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]"),
		  POD("{\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]}"),
		  NULL, OK, "" },
		{ "equal wrong value", TAINTS("[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}]"),
		  POD("{\"tolerations\":[{\"key\":\"dedicated\",\"value\":\"cpu\"}]}"), NULL, UNR,
		  "node(s) had untolerated taint {dedicated: gpu}" },
		{ "wrong effect", TAINTS("[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]"),
		  POD("{\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]}"), NULL, UNR,
		  "node(s) had untolerated taint {k: }" },
		{ "exists all", TAINTS("[{\"key\":\"k\",\"effect\":\"NoSchedule\"},{\"key\":\"j\",\"effect\":\"NoExecute\"}]"),
		  POD("{\"tolerations\":[{\"operator\":\"Exists\"}]}"), NULL, OK, "" },
		{ "not-ready", TAINTS("[{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoSchedule\"}]"),
		  POD("{\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]}"),
		  NULL, UNR, "node(s) had untolerated taint {node.kubernetes.io/not-ready: }" },
		{ "unreachable tolerated", TAINTS("[{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoExecute\"}]"),
		  POD("{\"tolerations\":[{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]}"),
		  NULL, OK, "" },
		{ "first untolerated", TAINTS("[{\"key\":\"a\",\"effect\":\"NoSchedule\"},{\"key\":\"b\",\"value\":\"1\",\"effect\":\"NoSchedule\"}]"),
		  POD("{\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}"), NULL, UNR,
		  "node(s) had untolerated taint {b: 1}" },
	};
	RUN(cases);
}

#define REQ(terms) POD("{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":" \
	"{\"nodeSelectorTerms\":" terms "}}}}")
#define EXPR(k, op, v) "[{\"matchExpressions\":[{\"key\":\"" k "\",\"operator\":\"" op "\"" v "}]}]"
#define AFF_ERR "node(s) didn't match Pod's node affinity/selector"
TEST(node_affinity)
{
	static const fcase_t cases[] = {
		{ "selector match", NODE(""), POD("{\"nodeSelector\":{\"zone\":\"a\"}}"), NULL, OK, "" },
		{ "selector mismatch", NODE(""), POD("{\"nodeSelector\":{\"zone\":\"b\"}}"), NULL, UNR, AFF_ERR },
		{ "selector missing", NODE(""), POD("{\"nodeSelector\":{\"disk\":\"ssd\"}}"), NULL, UNR, AFF_ERR },
		{ "In", NODE(""), REQ(EXPR("zone", "In", ",\"values\":[\"b\",\"a\"]")), NULL, OK, "" },
		{ "In no", NODE(""), REQ(EXPR("zone", "In", ",\"values\":[\"b\"]")), NULL, UNR, AFF_ERR },
		{ "NotIn", NODE(""), REQ(EXPR("zone", "NotIn", ",\"values\":[\"b\"]")), NULL, OK, "" },
		{ "NotIn no", NODE(""), REQ(EXPR("zone", "NotIn", ",\"values\":[\"a\"]")), NULL, UNR, AFF_ERR },
		{ "NotIn absent", NODE(""), REQ(EXPR("disk", "NotIn", ",\"values\":[\"a\"]")), NULL, OK, "" },
		{ "Exists", NODE(""), REQ(EXPR("zone", "Exists", "")), NULL, OK, "" },
		{ "Exists no", NODE(""), REQ(EXPR("disk", "Exists", "")), NULL, UNR, AFF_ERR },
		{ "DoesNotExist", NODE(""), REQ(EXPR("disk", "DoesNotExist", "")), NULL, OK, "" },
		{ "DoesNotExist no", NODE(""), REQ(EXPR("zone", "DoesNotExist", "")), NULL, UNR, AFF_ERR },
		{ "Gt", NODE(""), REQ(EXPR("num", "Gt", ",\"values\":[\"4\"]")), NULL, OK, "" },
		{ "Gt no", NODE(""), REQ(EXPR("num", "Gt", ",\"values\":[\"5\"]")), NULL, UNR, AFF_ERR },
		{ "Lt", NODE(""), REQ(EXPR("num", "Lt", ",\"values\":[\"6\"]")), NULL, OK, "" },
		{ "Lt not int", NODE(""), REQ(EXPR("zone", "Lt", ",\"values\":[\"6\"]")), NULL, UNR, AFF_ERR },
		{ "fields name", NODE(""), REQ("[{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n1\"]}]}]"),
		  NULL, OK, "" },
		{ "fields other", NODE(""), REQ("[{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n2\"]}]}]"),
		  NULL, UNR, AFF_ERR },
		{ "terms ORed", NODE(""), REQ("[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"x\"]}]},"
					      "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]"),
		  NULL, OK, "" },
		{ "exprs ANDed", NODE(""), REQ("[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]},"
					       "{\"key\":\"num\",\"operator\":\"In\",\"values\":[\"4\"]}]}]"),
		  NULL, UNR, AFF_ERR },
		{ "empty term", NODE(""), REQ("[{}]"), NULL, UNR, AFF_ERR },
		{ "no terms", NODE(""), REQ("[]"), NULL, UNR, AFF_ERR },
	};
	RUN(cases);
}

#define PORT_POD(p) "{\"metadata\":{\"name\":\"e\",\"namespace\":\"default\",\"uid\":\"ue\"},\"spec\":{\"containers\":[{\"ports\":[" p "]}]}}"
TEST(node_ports)
{
	static const char *const used[] = { PORT_POD("{\"containerPort\":80,\"hostPort\":80}"), NULL };
	static const char *const used_ip[] = { PORT_POD("{\"containerPort\":80,\"hostPort\":80,\"hostIP\":\"10.0.0.1\"}"), NULL };
	static const fcase_t cases[] = {
		{ "free", NODE(""), POD("{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":80}]}]}"), NULL, OK, "" },
		{ "conflict", NODE(""), POD("{\"containers\":[{\"ports\":[{\"containerPort\":8080,\"hostPort\":80}]}]}"), used,
		  UNS, "node(s) didn't have free ports for the requested pod ports" },
		{ "udp ok", NODE(""), POD("{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":80,\"protocol\":\"UDP\"}]}]}"),
		  used, OK, "" },
		{ "no hostPort", NODE(""), POD("{\"containers\":[{\"ports\":[{\"containerPort\":80}]}]}"), used, OK, "" },
		{ "other ip ok", NODE(""), POD("{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":80,\"hostIP\":\"10.0.0.2\"}]}]}"),
		  used_ip, OK, "" },
		{ "any vs ip", NODE(""), POD("{\"containers\":[{\"ports\":[{\"containerPort\":80,\"hostPort\":80}]}]}"), used_ip,
		  UNS, "node(s) didn't have free ports for the requested pod ports" },
	};
	RUN(cases);
}

#define RES_POD(n, r) "{\"metadata\":{\"name\":\"" n "\",\"namespace\":\"default\",\"uid\":\"u" n "\"},\"spec\":" \
	"{\"containers\":[{\"resources\":{\"requests\":" r "}}]}}"
#define PREQ(r) POD("{\"containers\":[{\"resources\":{\"requests\":" r "}}]}")
TEST(node_resources_fit)
{
	static const char *const half[] = { RES_POD("a", "{\"cpu\":\"1500m\",\"memory\":\"3Gi\"}"), NULL };
	static const char *const three[] = { RES_POD("a", "{}"), RES_POD("b", "{}"), RES_POD("c", "{}"), NULL };
	static const char *const gpu[] = { RES_POD("a", "{\"example.com/gpu\":\"1\"}"), NULL };
	static const fcase_t cases[] = {
		{ "fits", NODE(""), PREQ("{\"cpu\":\"2\",\"memory\":\"4Gi\"}"), NULL, OK, "" },
		{ "best effort", NODE(""), POD("{\"containers\":[{}]}"), half, OK, "" },
		{ "cpu", NODE(""), PREQ("{\"cpu\":\"1\"}"), half, UNS, "Insufficient cpu" },
		{ "cpu and memory", NODE(""), PREQ("{\"cpu\":\"1\",\"memory\":\"2Gi\"}"), half, UNS,
		  "Insufficient cpu; Insufficient memory" },
		{ "beyond capacity", NODE(""), PREQ("{\"cpu\":\"3\"}"), NULL, UNR, "Insufficient cpu" },
		{ "ephemeral", NODE(""), PREQ("{\"ephemeral-storage\":\"11Gi\"}"), NULL, UNR,
		  "Insufficient ephemeral-storage" },
		{ "pods", NODE(""), POD("{\"containers\":[{}]}"), three, UNS, "Too many pods" },
		{ "pods and cpu", NODE(""), PREQ("{\"cpu\":\"3\"}"), three, UNR, "Too many pods; Insufficient cpu" },
		{ "extended", NODE(""), PREQ("{\"example.com/gpu\":\"1\"}"), gpu, UNS, "Insufficient example.com/gpu" },
		{ "extended absent", NODE(""), PREQ("{\"example.com/fpga\":\"1\"}"), NULL, UNR,
		  "Insufficient example.com/fpga" },
		{ "extended fits", NODE(""), PREQ("{\"example.com/gpu\":\"1\"}"), NULL, OK, "" },
	};
	RUN(cases);
}

#define LPOD(n, labels, node_extra) "{\"metadata\":{\"name\":\"" n "\",\"namespace\":\"default\",\"uid\":\"u" n "\"," \
	"\"labels\":" labels "},\"spec\":{" node_extra "}}"
#define ANTI(sel, key) "\"affinity\":{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":" \
	"[{\"labelSelector\":" sel ",\"topologyKey\":\"" key "\"}]}}"
#define AFF(sel, key) "\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":" \
	"[{\"labelSelector\":" sel ",\"topologyKey\":\"" key "\"}]}}"
TEST(inter_pod_affinity)
{
	static const char *const web[] = { LPOD("w", "{\"app\":\"web\"}", ""), NULL };
	static const char *const db[] = { LPOD("d", "{\"app\":\"db\"}", ""), NULL };
	static const char *const hates_web[] = {
		LPOD("h", "{\"app\":\"x\"}", ANTI("{\"matchLabels\":{\"app\":\"web\"}}", "zone")), NULL };
	static const char *const other_ns[] = {
		"{\"metadata\":{\"name\":\"o\",\"namespace\":\"other\",\"uid\":\"uo\",\"labels\":{\"app\":\"db\"}},\"spec\":{}}", NULL };
	static const fcase_t cases[] = {
		{ "anti ok", NODE(""), LPOD("p", "{\"app\":\"web\"}", ANTI("{\"matchLabels\":{\"app\":\"web\"}}", "zone")), db, OK, "" },
		{ "anti conflict", NODE(""), LPOD("p", "{\"app\":\"web\"}", ANTI("{\"matchLabels\":{\"app\":\"web\"}}", "zone")), web,
		  UNS, "node(s) didn't match pod anti-affinity rules" },
		{ "anti no key", NODE(""), LPOD("p", "{\"app\":\"web\"}", ANTI("{\"matchLabels\":{\"app\":\"web\"}}", "rack")), web,
		  OK, "" },
		{ "existing anti", NODE(""), LPOD("p", "{\"app\":\"web\"}", ""), hates_web, UNS,
		  "node(s) didn't satisfy existing pods anti-affinity rules" },
		{ "existing anti other", NODE(""), LPOD("p", "{\"app\":\"api\"}", ""), hates_web, OK, "" },
		{ "affinity ok", NODE(""), LPOD("p", "{\"app\":\"api\"}", AFF("{\"matchLabels\":{\"app\":\"db\"}}", "zone")), db, OK, "" },
		{ "affinity none", NODE(""), LPOD("p", "{\"app\":\"api\"}", AFF("{\"matchLabels\":{\"app\":\"db\"}}", "zone")), web,
		  UNR, "node(s) didn't match pod affinity rules" },
		{ "affinity self", NODE(""), LPOD("p", "{\"app\":\"db\"}", AFF("{\"matchLabels\":{\"app\":\"db\"}}", "zone")), NULL,
		  OK, "" },
		{ "affinity missing key", NODE(""), LPOD("p", "{\"app\":\"db\"}", AFF("{\"matchLabels\":{\"app\":\"db\"}}", "rack")),
		  db, UNR, "node(s) didn't match pod affinity rules" },
		{ "affinity other namespace", NODE(""), LPOD("p", "{\"app\":\"api\"}", AFF("{\"matchLabels\":{\"app\":\"db\"}}", "zone")),
		  other_ns, UNR, "node(s) didn't match pod affinity rules" },
		{ "affinity expressions", NODE(""),
		  LPOD("p", "{\"app\":\"api\"}", AFF("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\",\"values\":[\"db\",\"x\"]}]}", "zone")),
		  db, OK, "" },
	};
	RUN(cases);
}

#define SPREAD(skew, key, when) "\"topologySpreadConstraints\":[{\"maxSkew\":" #skew ",\"topologyKey\":\"" key "\"," \
	"\"whenUnsatisfiable\":\"" when "\",\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"}}}]"
TEST(pod_topology_spread_single_node)
{
	static const char *const web[] = { LPOD("w", "{\"app\":\"web\"}", ""), NULL };
	static const fcase_t cases[] = {
		{ "missing label", NODE(""), LPOD("p", "{\"app\":\"web\"}", SPREAD(1, "rack", "DoNotSchedule")), NULL, UNR,
		  "node(s) didn't match pod topology spread constraints (missing required label)" },
		{ "soft ignored", NODE(""), LPOD("p", "{\"app\":\"web\"}", SPREAD(1, "rack", "ScheduleAnyway")), NULL, OK, "" },
		{ "one domain", NODE(""), LPOD("p", "{\"app\":\"web\"}", SPREAD(1, "zone", "DoNotSchedule")), web, OK, "" },
	};
	RUN(cases);
}

/* Spread over three zones: a has 2 web pods, b has 1, c none. */
TEST(pod_topology_spread_zones)
{
	const char *zones[] = { "a", "b", "c", "d" };
	scheduler_nodeinfo_t *nodes[4];
	for (int i = 0; i < 4; i++) {
		char *js = kube_asprintf("{\"metadata\":{\"name\":\"n%d\",\"labels\":{\"zone\":\"%s\"%s}},"
					 "\"status\":{\"allocatable\":{\"cpu\":\"4\",\"memory\":\"4Gi\",\"pods\":\"10\"}}}",
					 i, zones[i], i == 3 ? ",\"gpu\":\"y\"" : "");
		nodes[i] = scheduler_nodeinfo_parse(js);
		kube_free(js);
	}
	scheduler_pod_t *w[3];
	for (int i = 0; i < 3; i++) {
		char *js = kube_asprintf("{\"metadata\":{\"name\":\"w%d\",\"namespace\":\"default\",\"uid\":\"w%d\","
					 "\"labels\":{\"app\":\"web\"}},\"spec\":{}}", i, i);
		w[i] = scheduler_pod_parse(js);
		kube_free(js);
	}
	scheduler_nodeinfo_add_pod(nodes[0], w[0]);
	scheduler_nodeinfo_add_pod(nodes[0], w[1]);
	scheduler_nodeinfo_add_pod(nodes[1], w[2]);
	/* the pod only fits nodes without gpu (nodeAffinity honoured: zone d is not a domain) */
	scheduler_pod_t *p = scheduler_pod_parse(LPOD("p", "{\"app\":\"web\"}", SPREAD(1, "zone", "DoNotSchedule")
		",\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":"
		"[{\"matchExpressions\":[{\"key\":\"gpu\",\"operator\":\"DoesNotExist\"}]}]}}}"));
	scheduler_prefilter_t pf;
	scheduler_prefilter_init(&pf, p, nodes, 4);
	ASSERT_EQ(pf.nspread, 1);
	ASSERT_EQ(pf.spread[0].min_match, 0);
	ASSERT_EQ(pf.spread[0].ndomains, 3);
	static const scheduler_code_t want[] = { UNS, UNS, OK, UNR };
	for (int i = 0; i < 4; i++) {
		scheduler_status_t st = { 0 };
		scheduler_code_t c = scheduler_filter_node(&pf, nodes[i], &st);
		if (i == 0)
			ASSERT_STREQ(st.reasons[0], "node(s) didn't match pod topology spread constraints");
		scheduler_status_clear(&st);
		ASSERT_EQ(c, want[i]);
	}
	scheduler_prefilter_clear(&pf);
	scheduler_pod_unref(p);
	/* maxSkew 2: zone b (1+1-0) is fine, zone a (2+1-0) is not */
	p = scheduler_pod_parse(LPOD("p", "{\"app\":\"web\"}", SPREAD(2, "zone", "DoNotSchedule")));
	scheduler_prefilter_init(&pf, p, nodes, 4);
	scheduler_status_t st = { 0 };
	ASSERT_EQ(scheduler_filter_spread(&pf, nodes[0], &st), UNS);
	scheduler_status_clear(&st);
	ASSERT_EQ(scheduler_filter_spread(&pf, nodes[1], &st), OK);
	ASSERT_EQ(scheduler_filter_spread(&pf, nodes[3], &st), OK);
	scheduler_prefilter_clear(&pf);
	scheduler_pod_unref(p);
	/* minDomains 5 > 4 domains: min counts as 0 anyway; with a pod everywhere it still matters */
	for (int i = 0; i < 3; i++)
		scheduler_pod_unref(w[i]);
	for (int i = 0; i < 4; i++)
		scheduler_nodeinfo_free(nodes[i]);
}

TEST(fit_error_message)
{
	scheduler_diagnosis_t d = { .nnodes = 5 };
	scheduler_status_t st = { 0 };
	for (int i = 0; i < 3; i++) {
		scheduler_status_add(&st, UNS, "NodeResourcesFit", "Insufficient cpu");
		scheduler_diagnosis_add(&d, &st);
		scheduler_status_clear(&st);
	}
	for (int i = 0; i < 2; i++) {
		scheduler_status_add(&st, UNR, "TaintToleration",
				     "node(s) had untolerated taint {node-role.kubernetes.io/master: }");
		scheduler_diagnosis_add(&d, &st);
		scheduler_status_clear(&st);
	}
	char *m = scheduler_fit_error(&d, "preemption: 0/5 nodes are available: 2 Preemption is not helpful for "
					  "scheduling, 3 No preemption victims found for incoming pod.");
	ASSERT_STREQ(m, "0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/master: }, "
			"3 Insufficient cpu. preemption: 0/5 nodes are available: 2 Preemption is not helpful for "
			"scheduling, 3 No preemption victims found for incoming pod.");
	kube_free(m);
	m = scheduler_fit_error(&d, NULL);
	ASSERT_STREQ(m, "0/5 nodes are available: 2 node(s) had untolerated taint {node-role.kubernetes.io/master: }, "
			"3 Insufficient cpu.");
	kube_free(m);
	scheduler_diagnosis_clear(&d);
	d.nnodes = 0;
	m = scheduler_fit_error(&d, NULL);
	ASSERT_STREQ(m, "0/0 nodes are available:");
	kube_free(m);
}
