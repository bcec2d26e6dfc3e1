/* kubectl_describe: `describe` for pods, deployments, nodes, namespaces,
 * configmaps, and a generic fallback, in upstream's layout: "Key:\tvalue"
 * lines aligned as Go's text/tabwriter (padding 2) aligns them, a line
 * without a tab ending the column block. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "core/kube_time.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"
#include "kubectl_jsonpath.h"

/* ---- a Go text/tabwriter (minwidth 0, padding 2, no flags) --------------- */

typedef struct dw {
	char **lines;
	size_t n;
} dw_t;

static void KUBE_PRINTF(3, 4) dw_line(dw_t *w, int level, const char *fmt, ...)
{
	kube_buf_t b = KUBE_BUF_INIT;
	va_list ap;

	for (int i = 0; i < level; i++)
		kube_buf_puts(&b, "  ");
	va_start(ap, fmt);
	kube_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* split on newlines: each is a line */
	for (char *s = b.data, *nl; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		w->lines = kube_realloc(w->lines, (w->n + 1) * sizeof(char *));
		w->lines[w->n++] = nl ? kube_strndup(s, (size_t)(nl - s)) : kube_strdup(s);
		if (!nl)
			break;
	}
	kube_buf_clear(&b);
}

static size_t ncells(const char *l)
{
	size_t n = 1;

	for (; *l; l++)
		n += *l == '\t';
	return n;
}

static const char *cell(const char *l, size_t i, size_t *len)
{
	for (; i > 0; i--)
		l = strchr(l, '\t') + 1;
	*len = strchr(l, '\t') ? (size_t)(strchr(l, '\t') - l) : strlen(l);
	return l;
}

static void fmt_block(dw_t *w, size_t *widths, size_t col, size_t l0, size_t l1)
{
	size_t this = l0;

	while (this < l1) {
		if (col + 1 >= ncells(w->lines[this])) {
			this++;
			continue;
		}
		{
			size_t start = this, width = 0;

			for (; this < l1 && col + 1 < ncells(w->lines[this]); this++) {
				size_t len;

				cell(w->lines[this], col, &len);
				if (len + 2 > width)
					width = len + 2;
			}
			widths[start * 16 + col] = width;
			for (size_t k = start + 1; k < this; k++)
				widths[k * 16 + col] = width;
			if (col + 1 < 16)
				fmt_block(w, widths, col + 1, start, this);
		}
	}
}

static void dw_flush(dw_t *w, FILE *out)
{
	size_t *widths = kube_calloc(w->n * 16 + 1, sizeof(size_t));

	fmt_block(w, widths, 0, 0, w->n);
	for (size_t i = 0; i < w->n; i++) {
		size_t nc = ncells(w->lines[i]);

		for (size_t c = 0; c < nc; c++) {
			size_t len;
			const char *s = cell(w->lines[i], c, &len);

			fwrite(s, 1, len, out);
			if (c + 1 < nc && c < 16)
				for (size_t k = len; k < widths[i * 16 + c]; k++)
					fputc(' ', out);
		}
		fputc('\n', out);
		kube_free(w->lines[i]);
	}
	kube_free(w->lines);
	kube_free(widths);
	w->lines = NULL;
	w->n = 0;
}

/* ---- helpers ------------------------------------------------------------ */

static int cmp_key(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* "Labels:\tk=v" and "\tk2=v2" continuation lines, or <none>. */
static void multiline(dw_t *w, int level, const char *title, const cJSON *map, const char *sep)
{
	const cJSON *c, **v;
	size_t n = 0, i = 0;

	cJSON_ArrayForEach(c, map)
		n++;
	if (!n) {
		dw_line(w, level, "%s:\t<none>\n", title);
		return;
	}
	v = kube_calloc(n, sizeof(*v));
	cJSON_ArrayForEach(c, map)
		v[i++] = c;
	qsort(v, n, sizeof(*v), cmp_key);
	for (i = 0; i < n; i++) {
		const char *val = cJSON_IsString(v[i]) ? v[i]->valuestring : "";

		if (strcmp(sep, ": ") == 0 && strcmp(v[i]->string, "kubectl.kubernetes.io/last-applied-configuration") == 0)
			continue;
		if (i == 0 || (i == 1 && strcmp(v[0]->string, "kubectl.kubernetes.io/last-applied-configuration") == 0 && strcmp(sep, ": ") == 0))
			dw_line(w, level, "%s:\t%s%s%s\n", title, v[i]->string, sep, val);
		else
			dw_line(w, level, "\t%s%s%s\n", v[i]->string, sep, val);
	}
	if (n == 1 && strcmp(sep, ": ") == 0 && strcmp(v[0]->string, "kubectl.kubernetes.io/last-applied-configuration") == 0)
		dw_line(w, level, "%s:\t<none>\n", title);
	kube_free(v);
}

static void time_line(dw_t *w, int level, const char *title, const char *rfc)
{
	int64_t ns;
	char buf[64];
	static const char *const days[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	if (!rfc || kube_time_parse_rfc3339(rfc, &ns) < 0)
		return;
	{
		int64_t secs = ns / KUBE_NS_PER_SEC, days_n = secs / 86400, rem = secs % 86400;
		int64_t y;
		unsigned m, d;

		kube_time_civil_from_days(days_n, &y, &m, &d);
		snprintf(buf, sizeof(buf), "%s, %02u %s %04lld %02lld:%02lld:%02lld +0000",
			 days[((days_n % 7) + 7) % 7], d, mons[m - 1], (long long)y,
			 (long long)(rem / 3600), (long long)(rem / 60 % 60), (long long)(rem % 60));
	}
	dw_line(w, level, "%s:\t%s\n", title, buf);
}

static void tolerations(dw_t *w, int level, const char *title, const cJSON *tols)
{
	const cJSON *t;
	int i = 0;

	if (!cJSON_GetArraySize(tols)) {
		dw_line(w, level, "%s:\t<none>\n", title);
		return;
	}
	cJSON_ArrayForEach(t, tols) {
		kube_buf_t b = KUBE_BUF_INIT;
		const char *key = kube_json_get_str(t, "key"), *val = kube_json_get_str(t, "value");
		const char *eff = kube_json_get_str(t, "effect"), *op = kube_json_get_str(t, "operator");
		const cJSON *secs = kube_json_get(t, "tolerationSeconds");

		kube_buf_puts(&b, key ? key : "");
		if (val && *val)
			kube_buf_printf(&b, "=%s", val);
		if (eff && *eff)
			kube_buf_printf(&b, ":%s", eff);
		if (op && strcmp(op, "Exists") == 0 && (!val || !*val)) {
			if (key && *key)
				kube_buf_puts(&b, " op=Exists");
			else
				kube_buf_puts(&b, "op=Exists");
		}
		if (cJSON_IsNumber(secs))
			kube_buf_printf(&b, " for %llds", (long long)secs->valuedouble);
		if (i++ == 0)
			dw_line(w, level, "%s:\t%s\n", title, kube_buf_str(&b));
		else
			dw_line(w, level, "\t%s\n", kube_buf_str(&b));
		kube_buf_clear(&b);
	}
}

static void events(kubectl_ctx_t *ctx, dw_t *w, const cJSON *obj)
{
	const kube_kind_t *ek = kubectl_discovery_resolve(ctx->disc, "events");
	kube_client_list_opts_t lo = { 0 };
	char *fs;
	cJSON *list = NULL;
	const cJSON *e;
	int n = 0;

	fs = kube_asprintf("involvedObject.name=%s,involvedObject.uid=%s",
			   kube_json_get_str(obj, "metadata.name") ?: "",
			   kube_json_get_str(obj, "metadata.uid") ?: "");
	lo.field_selector = fs;
	if (ek)
		kube_client_list_all(ctx->client, ek, kube_json_get_str(obj, "metadata.namespace"), &lo, &list, NULL);
	kube_free(fs);
	n = cJSON_GetArraySize(kube_json_get(list, "items"));
	if (!n) {
		dw_line(w, 0, "Events:\t<none>\n");
	} else {
		dw_line(w, 0, "Events:\n");
		dw_line(w, 1, "Type\tReason\tAge\tFrom\tMessage\n");
		dw_line(w, 1, "----\t------\t----\t----\t-------\n");
		cJSON_ArrayForEach(e, kube_json_get(list, "items")) {
			int64_t t = 0;
			char age[KUBE_TIME_HUMAN_SIZE] = "<unknown>";
			const char *ts = kube_json_get_str(e, "lastTimestamp") ?: kube_json_get_str(e, "eventTime");

			if (ts && kube_time_parse_rfc3339(ts, &t) == 0)
				kube_time_short_human_duration(kube_wall_ns() - t, age, sizeof(age));
			dw_line(w, 1, "%s\t%s\t%s\t%s\t%s\n", kube_json_get_str(e, "type") ?: "",
				kube_json_get_str(e, "reason") ?: "", age,
				kube_json_get_str(e, "source.component") ?: kube_json_get_str(e, "reportingComponent") ?: "",
				kube_json_get_str(e, "message") ?: "");
		}
	}
	cJSON_Delete(list);
}

static void containers(dw_t *w, int level, const cJSON *list, const cJSON *statuses, bool tmpl)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, list) {
		const cJSON *ports = kube_json_get(c, "ports"), *env = kube_json_get(c, "env");
		const cJSON *mounts = kube_json_get(c, "volumeMounts");
		const cJSON *p;
		kube_buf_t b = KUBE_BUF_INIT, h = KUBE_BUF_INIT;

		(void)statuses;
		dw_line(w, level, "%s%s:\n", tmpl ? " " : "", kube_json_get_str(c, "name") ?: "");
		dw_line(w, level + 1, "Image:\t%s\n", kube_json_get_str(c, "image") ?: "");
		cJSON_ArrayForEach(p, ports) {
			kube_buf_printf(&b, "%s%lld/%s", b.len ? ", " : "", (long long)kube_json_get_int64(p, "containerPort", 0),
					kube_json_get_str(p, "protocol") ?: "TCP");
			kube_buf_printf(&h, "%s%lld/%s", h.len ? ", " : "", (long long)kube_json_get_int64(p, "hostPort", 0),
					kube_json_get_str(p, "protocol") ?: "TCP");
		}
		dw_line(w, level + 1, "Port:\t%s\n", b.len ? kube_buf_str(&b) : "<none>");
		dw_line(w, level + 1, "Host Port:\t%s\n", h.len ? kube_buf_str(&h) : "<none>");
		kube_buf_clear(&b);
		kube_buf_clear(&h);
		if (!cJSON_GetArraySize(env)) {
			dw_line(w, level + 1, "Environment:\t<none>\n");
		} else {
			dw_line(w, level + 1, "Environment:\n");
			cJSON_ArrayForEach(p, env)
				dw_line(w, level + 2, "%s:\t%s\n", kube_json_get_str(p, "name") ?: "",
					kube_json_get_str(p, "value") ?: "");
		}
		if (!cJSON_GetArraySize(mounts)) {
			dw_line(w, level + 1, "Mounts:\t<none>\n");
		} else {
			dw_line(w, level + 1, "Mounts:\n");
			cJSON_ArrayForEach(p, mounts)
				dw_line(w, level + 2, "%s from %s (%s)\n", kube_json_get_str(p, "mountPath") ?: "",
					kube_json_get_str(p, "name") ?: "",
					kube_json_get_bool(p, "readOnly", false) ? "ro" : "rw");
		}
	}
}

static const char *qos(const cJSON *pod)
{
	const char *q = kube_json_get_str(pod, "status.qosClass");
	const cJSON *c;
	bool any = false;

	if (q)
		return q;
	cJSON_ArrayForEach(c, kube_json_get(pod, "spec.containers"))
		if (kube_json_get(c, "resources.requests") || kube_json_get(c, "resources.limits"))
			any = true;
	return any ? "Burstable" : "BestEffort";
}

static void volumes(dw_t *w, int level, const cJSON *vols)
{
	const cJSON *v;

	if (!cJSON_GetArraySize(vols)) {
		dw_line(w, level, "Volumes:\t<none>\n");
		return;
	}
	dw_line(w, level, "Volumes:\n");
	cJSON_ArrayForEach(v, vols) {
		const cJSON *c;

		dw_line(w, level + 1, "%s:\n", kube_json_get_str(v, "name") ?: "");
		cJSON_ArrayForEach(c, v)
			if (strcmp(c->string, "name") != 0)
				dw_line(w, level + 2, "Type:\t%c%s\n", toupper((unsigned char)c->string[0]), c->string + 1);
	}
}

/* ---- describers --------------------------------------------------------- */

static void describe_pod(kubectl_ctx_t *ctx, dw_t *w, const cJSON *p)
{
	const cJSON *o;
	const char *node = kube_json_get_str(p, "spec.nodeName");

	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(p, "metadata.name") ?: "");
	dw_line(w, 0, "Namespace:\t%s\n", kube_json_get_str(p, "metadata.namespace") ?: "");
	if (kube_json_get(p, "spec.priority"))
		dw_line(w, 0, "Priority:\t%lld\n", (long long)kube_json_get_int64(p, "spec.priority", 0));
	if (kube_json_get_str(p, "spec.priorityClassName"))
		dw_line(w, 0, "Priority Class Name:\t%s\n", kube_json_get_str(p, "spec.priorityClassName"));
	dw_line(w, 0, "Service Account:\t%s\n", kube_json_get_str(p, "spec.serviceAccountName") ?: "");
	if (node && *node)
		dw_line(w, 0, "Node:\t%s/%s\n", node, kube_json_get_str(p, "status.hostIP") ?: "");
	else
		dw_line(w, 0, "Node:\t<none>\n");
	time_line(w, 0, "Start Time", kube_json_get_str(p, "status.startTime"));
	multiline(w, 0, "Labels", kube_json_get(p, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(p, "metadata.annotations"), ": ");
	if (kube_json_get_str(p, "metadata.deletionTimestamp"))
		dw_line(w, 0, "Status:\tTerminating\n");
	else
		dw_line(w, 0, "Status:\t%s\n", kube_json_get_str(p, "status.phase") ?: "");
	dw_line(w, 0, "IP:\t%s\n", kube_json_get_str(p, "status.podIP") ?: "");
	if (!cJSON_GetArraySize(kube_json_get(p, "status.podIPs")))
		dw_line(w, 0, "IPs:\t<none>\n");
	else {
		dw_line(w, 0, "IPs:\n");
		cJSON_ArrayForEach(o, kube_json_get(p, "status.podIPs"))
			dw_line(w, 1, "IP:\t%s\n", kube_json_get_str(o, "ip") ?: "");
	}
	cJSON_ArrayForEach(o, kube_json_get(p, "metadata.ownerReferences"))
		if (kube_json_get_bool(o, "controller", false))
			dw_line(w, 0, "Controlled By:\t%s/%s\n", kube_json_get_str(o, "kind") ?: "",
				kube_json_get_str(o, "name") ?: "");
	if (cJSON_GetArraySize(kube_json_get(p, "spec.initContainers"))) {
		dw_line(w, 0, "Init Containers:\n");
		containers(w, 1, kube_json_get(p, "spec.initContainers"), NULL, false);
	}
	dw_line(w, 0, "Containers:\n");
	containers(w, 1, kube_json_get(p, "spec.containers"), kube_json_get(p, "status.containerStatuses"), false);
	if (cJSON_GetArraySize(kube_json_get(p, "status.conditions"))) {
		dw_line(w, 0, "Conditions:\n");
		dw_line(w, 1, "Type\tStatus\n");
		cJSON_ArrayForEach(o, kube_json_get(p, "status.conditions"))
			dw_line(w, 1, "%s \t%s \n", kube_json_get_str(o, "type") ?: "", kube_json_get_str(o, "status") ?: "");
	}
	volumes(w, 0, kube_json_get(p, "spec.volumes"));
	dw_line(w, 0, "QoS Class:\t%s\n", qos(p));
	multiline(w, 0, "Node-Selectors", kube_json_get(p, "spec.nodeSelector"), "=");
	tolerations(w, 0, "Tolerations", kube_json_get(p, "spec.tolerations"));
	events(ctx, w, p);
}

static void describe_deployment(kubectl_ctx_t *ctx, dw_t *w, const cJSON *d)
{
	const cJSON *sel = kube_json_get(d, "spec.selector.matchLabels"), *c;
	const char *strategy = kube_json_get_str(d, "spec.strategy.type") ?: "RollingUpdate";
	kube_buf_t b = KUBE_BUF_INIT;
	int64_t want = kube_json_get_int64(d, "spec.replicas", 1);

	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(d, "metadata.name") ?: "");
	dw_line(w, 0, "Namespace:\t%s\n", kube_json_get_str(d, "metadata.namespace") ?: "");
	time_line(w, 0, "CreationTimestamp", kube_json_get_str(d, "metadata.creationTimestamp"));
	multiline(w, 0, "Labels", kube_json_get(d, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(d, "metadata.annotations"), ": ");
	cJSON_ArrayForEach(c, sel)
		kube_buf_printf(&b, "%s%s=%s", b.len ? "," : "", c->string, cJSON_IsString(c) ? c->valuestring : "");
	dw_line(w, 0, "Selector:\t%s\n", kube_buf_str(&b));
	kube_buf_clear(&b);
	dw_line(w, 0, "Replicas:\t%lld desired | %lld updated | %lld total | %lld available | %lld unavailable\n",
		(long long)want, (long long)kube_json_get_int64(d, "status.updatedReplicas", 0),
		(long long)kube_json_get_int64(d, "status.replicas", 0),
		(long long)kube_json_get_int64(d, "status.availableReplicas", 0),
		(long long)kube_json_get_int64(d, "status.unavailableReplicas", 0));
	dw_line(w, 0, "StrategyType:\t%s\n", strategy);
	dw_line(w, 0, "MinReadySeconds:\t%lld\n", (long long)kube_json_get_int64(d, "spec.minReadySeconds", 0));
	if (strcmp(strategy, "RollingUpdate") == 0) {
		const cJSON *mu = kube_json_get(d, "spec.strategy.rollingUpdate.maxUnavailable");
		const cJSON *ms = kube_json_get(d, "spec.strategy.rollingUpdate.maxSurge");
		kube_buf_t u = KUBE_BUF_INIT, s = KUBE_BUF_INIT;

		if (mu)
			kubectl_jsonpath_value(mu, &u);
		else
			kube_buf_puts(&u, "25%");
		if (ms)
			kubectl_jsonpath_value(ms, &s);
		else
			kube_buf_puts(&s, "25%");
		dw_line(w, 0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", kube_buf_str(&u), kube_buf_str(&s));
		kube_buf_clear(&u);
		kube_buf_clear(&s);
	}
	dw_line(w, 0, "Pod Template:\n");
	multiline(w, 1, "Labels", kube_json_get(d, "spec.template.metadata.labels"), "=");
	if (cJSON_GetArraySize(kube_json_get(d, "spec.template.metadata.annotations")))
		multiline(w, 1, "Annotations", kube_json_get(d, "spec.template.metadata.annotations"), ": ");
	dw_line(w, 1, "Containers:\n");
	containers(w, 1, kube_json_get(d, "spec.template.spec.containers"), NULL, true);
	volumes(w, 1, kube_json_get(d, "spec.template.spec.volumes"));
	multiline(w, 1, "Node-Selectors", kube_json_get(d, "spec.template.spec.nodeSelector"), "=");
	tolerations(w, 1, "Tolerations", kube_json_get(d, "spec.template.spec.tolerations"));
	if (cJSON_GetArraySize(kube_json_get(d, "status.conditions"))) {
		dw_line(w, 0, "Conditions:\n");
		dw_line(w, 1, "Type\tStatus\tReason\n");
		dw_line(w, 1, "----\t------\t------\n");
		cJSON_ArrayForEach(c, kube_json_get(d, "status.conditions"))
			dw_line(w, 1, "%s \t%s\t%s\n", kube_json_get_str(c, "type") ?: "",
				kube_json_get_str(c, "status") ?: "", kube_json_get_str(c, "reason") ?: "");
	}
	events(ctx, w, d);
}

static void describe_node(kubectl_ctx_t *ctx, dw_t *w, const cJSON *n)
{
	const cJSON *labels = kube_json_get(n, "metadata.labels"), *c;
	kube_buf_t roles = KUBE_BUF_INIT;
	static const char *const info[][2] = {
		{ "Machine ID", "machineID" }, { "System UUID", "systemUUID" }, { "Boot ID", "bootID" },
		{ "Kernel Version", "kernelVersion" }, { "OS Image", "osImage" },
		{ "Operating System", "operatingSystem" }, { "Architecture", "architecture" },
		{ "Container Runtime Version", "containerRuntimeVersion" },
		{ "Kubelet Version", "kubeletVersion" }, { "Kube-Proxy Version", "kubeProxyVersion" },
	};

	cJSON_ArrayForEach(c, labels)
		if (kube_startswith(c->string, "node-role.kubernetes.io/"))
			kube_buf_printf(&roles, "%s%s", roles.len ? "," : "", c->string + 24);
	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(n, "metadata.name") ?: "");
	dw_line(w, 0, "Roles:\t%s\n", roles.len ? kube_buf_str(&roles) : "<none>");
	kube_buf_clear(&roles);
	multiline(w, 0, "Labels", labels, "=");
	multiline(w, 0, "Annotations", kube_json_get(n, "metadata.annotations"), ": ");
	time_line(w, 0, "CreationTimestamp", kube_json_get_str(n, "metadata.creationTimestamp"));
	if (!cJSON_GetArraySize(kube_json_get(n, "spec.taints")))
		dw_line(w, 0, "Taints:\t<none>\n");
	else {
		int i = 0;

		cJSON_ArrayForEach(c, kube_json_get(n, "spec.taints")) {
			const char *v = kube_json_get_str(c, "value");

			dw_line(w, 0, "%s\t%s%s%s:%s\n", i++ ? "" : "Taints:", kube_json_get_str(c, "key") ?: "",
				v && *v ? "=" : "", v && *v ? v : "", kube_json_get_str(c, "effect") ?: "");
		}
	}
	dw_line(w, 0, "Unschedulable:\t%s\n", kube_json_get_bool(n, "spec.unschedulable", false) ? "true" : "false");
	{
		const kube_kind_t *lk = kubectl_discovery_resolve(ctx->disc, "leases.coordination.k8s.io");
		cJSON *lease = NULL;
		kube_client_status_t st = { 0 };

		if (lk && kube_client_get(ctx->client, lk, "kube-node-lease", kube_json_get_str(n, "metadata.name"),
					  &lease, &st) == 0) {
			dw_line(w, 0, "Lease:\n");
			dw_line(w, 1, "HolderIdentity:\t%s\n", kube_json_get_str(lease, "spec.holderIdentity") ?: "<unset>");
			dw_line(w, 1, "AcquireTime:\t%s\n", kube_json_get_str(lease, "spec.acquireTime") ?: "<unset>");
			dw_line(w, 1, "RenewTime:\t%s\n", kube_json_get_str(lease, "spec.renewTime") ?: "<unset>");
		} else {
			dw_line(w, 0, "Lease:\tFailed to get lease: %s\n", st.message ? st.message : "");
		}
		kube_client_status_clear(&st);
		cJSON_Delete(lease);
	}
	if (cJSON_GetArraySize(kube_json_get(n, "status.conditions"))) {
		dw_line(w, 0, "Conditions:\n");
		dw_line(w, 1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
		dw_line(w, 1, "----\t------\t-----------------\t------------------\t------\t-------\n");
		cJSON_ArrayForEach(c, kube_json_get(n, "status.conditions"))
			dw_line(w, 1, "%s \t%s \t%s \t%s \t%s \t%s\n", kube_json_get_str(c, "type") ?: "",
				kube_json_get_str(c, "status") ?: "", kube_json_get_str(c, "lastHeartbeatTime") ?: "",
				kube_json_get_str(c, "lastTransitionTime") ?: "", kube_json_get_str(c, "reason") ?: "",
				kube_json_get_str(c, "message") ?: "");
	}
	dw_line(w, 0, "Addresses:\n");
	cJSON_ArrayForEach(c, kube_json_get(n, "status.addresses"))
		dw_line(w, 1, "%s:\t%s\n", kube_json_get_str(c, "type") ?: "", kube_json_get_str(c, "address") ?: "");
	dw_line(w, 0, "System Info:\n");
	for (size_t i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), "status.nodeInfo.%s", info[i][1]);
		dw_line(w, 1, "%s:\t%s\n", info[i][0], kube_json_get_str(n, path) ?: "");
	}
	if (kube_json_get_str(n, "spec.podCIDR"))
		dw_line(w, 0, "PodCIDR:\t%s\n", kube_json_get_str(n, "spec.podCIDR"));
	{
		const kube_kind_t *pk = kubectl_discovery_resolve(ctx->disc, "pods");
		char *fs = kube_asprintf("spec.nodeName=%s,status.phase!=Failed,status.phase!=Succeeded",
					 kube_json_get_str(n, "metadata.name") ?: "");
		kube_client_list_opts_t lo = { .field_selector = fs };
		cJSON *pods = NULL;
		const cJSON *p;

		if (pk)
			kube_client_list_all(ctx->client, pk, NULL, &lo, &pods, NULL);
		kube_free(fs);
		dw_line(w, 0, "Non-terminated Pods:\t(%d in total)\n", cJSON_GetArraySize(kube_json_get(pods, "items")));
		dw_line(w, 1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
		dw_line(w, 1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
		cJSON_ArrayForEach(p, kube_json_get(pods, "items")) {
			int64_t t = 0;
			char age[KUBE_TIME_HUMAN_SIZE] = "<unknown>";

			if (kube_time_parse_rfc3339(kube_json_get_str(p, "metadata.creationTimestamp") ?: "", &t) == 0)
				kube_time_human_duration(kube_wall_ns() - t, age, sizeof(age));
			dw_line(w, 1, "%s\t%s\t\t0 (0%%)\t0 (0%%)\t0 (0%%)\t0 (0%%)\t%s\n",
				kube_json_get_str(p, "metadata.namespace") ?: "", kube_json_get_str(p, "metadata.name") ?: "", age);
		}
		cJSON_Delete(pods);
		dw_line(w, 0, "Allocated resources:\n");
		dw_line(w, 1, "(Total limits may be over 100 percent, i.e., overcommitted.)\n");
		dw_line(w, 1, "Resource\tRequests\tLimits\n");
		dw_line(w, 1, "--------\t--------\t------\n");
		dw_line(w, 1, "cpu\t0 (0%%)\t0 (0%%)\n");
		dw_line(w, 1, "memory\t0 (0%%)\t0 (0%%)\n");
		dw_line(w, 1, "ephemeral-storage\t0 (0%%)\t0 (0%%)\n");
	}
	events(ctx, w, n);
}

static void describe_namespace(kubectl_ctx_t *ctx, dw_t *w, const cJSON *n)
{
	(void)ctx;
	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(n, "metadata.name") ?: "");
	multiline(w, 0, "Labels", kube_json_get(n, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(n, "metadata.annotations"), ": ");
	dw_line(w, 0, "Status:\t%s\n", kube_json_get_str(n, "status.phase") ?: "");
	dw_line(w, 0, "\n");
	dw_line(w, 0, "No resource quota.\n");
	dw_line(w, 0, "\n");
	dw_line(w, 0, "No LimitRange resource.\n");
}

static void describe_configmap(kubectl_ctx_t *ctx, dw_t *w, const cJSON *cm)
{
	const cJSON *c;

	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(cm, "metadata.name") ?: "");
	dw_line(w, 0, "Namespace:\t%s\n", kube_json_get_str(cm, "metadata.namespace") ?: "");
	multiline(w, 0, "Labels", kube_json_get(cm, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(cm, "metadata.annotations"), ": ");
	dw_line(w, 0, "\n");
	dw_line(w, 0, "Data\n====\n");
	cJSON_ArrayForEach(c, kube_json_get(cm, "data"))
		dw_line(w, 0, "%s:\n----\n%s\n\n", c->string, cJSON_IsString(c) ? c->valuestring : "");
	dw_line(w, 0, "\n");
	dw_line(w, 0, "BinaryData\n====\n");
	cJSON_ArrayForEach(c, kube_json_get(cm, "binaryData"))
		dw_line(w, 0, "%s: %zu bytes\n", c->string, cJSON_IsString(c) ? strlen(c->valuestring) * 3 / 4 : 0);
	dw_line(w, 0, "\n");
	events(ctx, w, cm);
}

static void selector_str(const cJSON *sel, kube_buf_t *b)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, sel)
		kube_buf_printf(b, "%s%s=%s", b->len ? "," : "", c->string, cJSON_IsString(c) ? c->valuestring : "");
}

static void describe_replicaset(kubectl_ctx_t *ctx, dw_t *w, const cJSON *rs)
{
	const kube_kind_t *pk = kubectl_discovery_resolve(ctx->disc, "pods");
	kube_buf_t sel = KUBE_BUF_INIT;
	kube_client_list_opts_t lo = { 0 };
	cJSON *pods = NULL;
	const cJSON *p, *c;
	int running = 0, waiting = 0, succeeded = 0, failed = 0;

	selector_str(kube_json_get(rs, "spec.selector.matchLabels"), &sel);
	lo.label_selector = kube_buf_str(&sel);
	if (pk && sel.len)
		kube_client_list_all(ctx->client, pk, kube_json_get_str(rs, "metadata.namespace"), &lo, &pods, NULL);
	cJSON_ArrayForEach(p, kube_json_get(pods, "items")) {
		const char *ph = kube_json_get_str(p, "status.phase") ?: "";
		bool owned = false;

		cJSON_ArrayForEach(c, kube_json_get(p, "metadata.ownerReferences"))
			if (kube_streq(kube_json_get_str(c, "uid"), kube_json_get_str(rs, "metadata.uid")))
				owned = true;
		if (!owned)
			continue;
		if (!strcmp(ph, "Running"))
			running++;
		else if (!strcmp(ph, "Pending"))
			waiting++;
		else if (!strcmp(ph, "Succeeded"))
			succeeded++;
		else if (!strcmp(ph, "Failed"))
			failed++;
	}
	cJSON_Delete(pods);
	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(rs, "metadata.name") ?: "");
	dw_line(w, 0, "Namespace:\t%s\n", kube_json_get_str(rs, "metadata.namespace") ?: "");
	dw_line(w, 0, "Selector:\t%s\n", kube_buf_str(&sel));
	kube_buf_clear(&sel);
	multiline(w, 0, "Labels", kube_json_get(rs, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(rs, "metadata.annotations"), ": ");
	cJSON_ArrayForEach(c, kube_json_get(rs, "metadata.ownerReferences"))
		if (kube_json_get_bool(c, "controller", false))
			dw_line(w, 0, "Controlled By:\t%s/%s\n", kube_json_get_str(c, "kind") ?: "", kube_json_get_str(c, "name") ?: "");
	dw_line(w, 0, "Replicas:\t%lld current / %lld desired\n", (long long)kube_json_get_int64(rs, "status.replicas", 0),
		(long long)kube_json_get_int64(rs, "spec.replicas", 1));
	dw_line(w, 0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", running, waiting, succeeded, failed);
	dw_line(w, 0, "Pod Template:\n");
	multiline(w, 1, "Labels", kube_json_get(rs, "spec.template.metadata.labels"), "=");
	if (cJSON_GetArraySize(kube_json_get(rs, "spec.template.metadata.annotations")))
		multiline(w, 1, "Annotations", kube_json_get(rs, "spec.template.metadata.annotations"), ": ");
	dw_line(w, 1, "Containers:\n");
	containers(w, 1, kube_json_get(rs, "spec.template.spec.containers"), NULL, true);
	volumes(w, 1, kube_json_get(rs, "spec.template.spec.volumes"));
	multiline(w, 1, "Node-Selectors", kube_json_get(rs, "spec.template.spec.nodeSelector"), "=");
	tolerations(w, 1, "Tolerations", kube_json_get(rs, "spec.template.spec.tolerations"));
	events(ctx, w, rs);
}

static void describe_service(kubectl_ctx_t *ctx, dw_t *w, const cJSON *svc)
{
	const kube_kind_t *ek = kubectl_discovery_resolve(ctx->disc, "endpoints");
	const char *type = kube_json_get_str(svc, "spec.type") ?: "ClusterIP";
	kube_buf_t b = KUBE_BUF_INIT;
	cJSON *ep = NULL;
	const cJSON *c, *p;

	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(svc, "metadata.name") ?: "");
	dw_line(w, 0, "Namespace:\t%s\n", kube_json_get_str(svc, "metadata.namespace") ?: "");
	multiline(w, 0, "Labels", kube_json_get(svc, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(svc, "metadata.annotations"), ": ");
	selector_str(kube_json_get(svc, "spec.selector"), &b);
	dw_line(w, 0, "Selector:\t%s\n", b.len ? kube_buf_str(&b) : "<none>");
	kube_buf_reset(&b);
	dw_line(w, 0, "Type:\t%s\n", type);
	if (kube_json_get_str(svc, "spec.ipFamilyPolicy"))
		dw_line(w, 0, "IP Family Policy:\t%s\n", kube_json_get_str(svc, "spec.ipFamilyPolicy"));
	cJSON_ArrayForEach(c, kube_json_get(svc, "spec.ipFamilies"))
		kube_buf_printf(&b, "%s%s", b.len ? "," : "", cJSON_IsString(c) ? c->valuestring : "");
	if (b.len)
		dw_line(w, 0, "IP Families:\t%s\n", kube_buf_str(&b));
	kube_buf_reset(&b);
	dw_line(w, 0, "IP:\t%s\n", kube_json_get_str(svc, "spec.clusterIP") ?: "");
	cJSON_ArrayForEach(c, kube_json_get(svc, "spec.clusterIPs"))
		kube_buf_printf(&b, "%s%s", b.len ? "," : "", cJSON_IsString(c) ? c->valuestring : "");
	if (b.len)
		dw_line(w, 0, "IPs:\t%s\n", kube_buf_str(&b));
	kube_buf_reset(&b);
	if (ek) {
		kube_client_get(ctx->client, ek, kube_json_get_str(svc, "metadata.namespace"),
				kube_json_get_str(svc, "metadata.name"), &ep, NULL);
	}
	cJSON_ArrayForEach(p, kube_json_get(svc, "spec.ports")) {
		const char *pn = kube_json_get_str(p, "name");
		const char *proto = kube_json_get_str(p, "protocol") ?: "TCP";
		const cJSON *tp = kube_json_get(p, "targetPort");
		const cJSON *ss;

		dw_line(w, 0, "Port:\t%s\t%lld/%s\n", pn && *pn ? pn : "<unset>",
			(long long)kube_json_get_int64(p, "port", 0), proto);
		if (cJSON_IsString(tp))
			dw_line(w, 0, "TargetPort:\t%s/%s\n", tp->valuestring, proto);
		else
			dw_line(w, 0, "TargetPort:\t%lld/%s\n", (long long)kube_json_get_int64(p, "targetPort", 0), proto);
		if (kube_json_get(p, "nodePort"))
			dw_line(w, 0, "NodePort:\t%s\t%lld/%s\n", pn && *pn ? pn : "<unset>",
				(long long)kube_json_get_int64(p, "nodePort", 0), proto);
		kube_buf_reset(&b);
		cJSON_ArrayForEach(ss, kube_json_get(ep, "subsets")) {
			const cJSON *a, *eport;

			cJSON_ArrayForEach(eport, kube_json_get(ss, "ports")) {
				if (pn && *pn && !kube_streq(kube_json_get_str(eport, "name"), pn))
					continue;
				cJSON_ArrayForEach(a, kube_json_get(ss, "addresses"))
					kube_buf_printf(&b, "%s%s:%lld", b.len ? "," : "", kube_json_get_str(a, "ip") ?: "",
							(long long)kube_json_get_int64(eport, "port", 0));
			}
		}
		dw_line(w, 0, "Endpoints:\t%s\n", b.len ? kube_buf_str(&b) : "<none>");
	}
	kube_buf_clear(&b);
	cJSON_Delete(ep);
	dw_line(w, 0, "Session Affinity:\t%s\n", kube_json_get_str(svc, "spec.sessionAffinity") ?: "None");
	if (strcmp(type, "NodePort") == 0 || strcmp(type, "LoadBalancer") == 0)
		dw_line(w, 0, "External Traffic Policy:\t%s\n", kube_json_get_str(svc, "spec.externalTrafficPolicy") ?: "Cluster");
	if (kube_json_get_str(svc, "spec.internalTrafficPolicy"))
		dw_line(w, 0, "Internal Traffic Policy:\t%s\n", kube_json_get_str(svc, "spec.internalTrafficPolicy"));
	events(ctx, w, svc);
}

/* upstream's printUnstructuredContent: "Field Name:\tvalue", nested. */
static void title_case(const char *s, kube_buf_t *b)
{
	kube_buf_putc(b, (char)toupper((unsigned char)*s));
	for (s++; *s; s++) {
		if (isupper((unsigned char)*s) && !isupper((unsigned char)s[-1]))
			kube_buf_putc(b, ' ');
		kube_buf_putc(b, *s);
	}
}

static void generic_content(dw_t *w, int level, const cJSON *o, bool top)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, o) {
		kube_buf_t t = KUBE_BUF_INIT;

		if (top && (!strcmp(c->string, "apiVersion") || !strcmp(c->string, "kind")))
			continue;
		if (top && !strcmp(c->string, "metadata"))
			continue;
		title_case(c->string, &t);
		if (cJSON_IsObject(c)) {
			dw_line(w, level, "%s:\n", kube_buf_str(&t));
			generic_content(w, level + 1, c, false);
		} else if (cJSON_IsArray(c)) {
			const cJSON *it;

			dw_line(w, level, "%s:\n", kube_buf_str(&t));
			cJSON_ArrayForEach(it, c) {
				if (cJSON_IsObject(it))
					generic_content(w, level + 1, it, false);
				else {
					kube_buf_t v = KUBE_BUF_INIT;

					kubectl_jsonpath_value(it, &v);
					dw_line(w, level + 1, "%s\n", kube_buf_str(&v));
					kube_buf_clear(&v);
				}
			}
		} else {
			kube_buf_t v = KUBE_BUF_INIT;

			kubectl_jsonpath_value(c, &v);
			dw_line(w, level, "%s:\t%s\n", kube_buf_str(&t), kube_buf_str(&v));
			kube_buf_clear(&v);
		}
		kube_buf_clear(&t);
	}
}

static void describe_generic(kubectl_ctx_t *ctx, dw_t *w, const cJSON *o)
{
	const char *ns = kube_json_get_str(o, "metadata.namespace");

	dw_line(w, 0, "Name:\t%s\n", kube_json_get_str(o, "metadata.name") ?: "");
	dw_line(w, 0, "Namespace:\t%s\n", ns ? ns : "");
	multiline(w, 0, "Labels", kube_json_get(o, "metadata.labels"), "=");
	multiline(w, 0, "Annotations", kube_json_get(o, "metadata.annotations"), ": ");
	dw_line(w, 0, "API Version:\t%s\n", kube_json_get_str(o, "apiVersion") ?: "");
	dw_line(w, 0, "Kind:\t%s\n", kube_json_get_str(o, "kind") ?: "");
	generic_content(w, 0, o, true);
	events(ctx, w, o);
}

static struct {
	char *selector;
	bool all_namespaces;
} xopt;

static int describe_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	dw_t w = { 0 };
	bool *first = arg;

	if (!*first)
		fputs("\n\n", ctx->out);
	*first = false;
	if (!strcmp(k->kind, "Pod") && !*k->group)
		describe_pod(ctx, &w, obj);
	else if (!strcmp(k->kind, "Deployment"))
		describe_deployment(ctx, &w, obj);
	else if (!strcmp(k->kind, "Node") && !*k->group)
		describe_node(ctx, &w, obj);
	else if (!strcmp(k->kind, "Namespace") && !*k->group)
		describe_namespace(ctx, &w, obj);
	else if (!strcmp(k->kind, "ConfigMap") && !*k->group)
		describe_configmap(ctx, &w, obj);
	else if (!strcmp(k->kind, "ReplicaSet"))
		describe_replicaset(ctx, &w, obj);
	else if (!strcmp(k->kind, "Service") && !*k->group)
		describe_service(ctx, &w, obj);
	else
		describe_generic(ctx, &w, obj);
	dw_flush(&w, ctx->out);
	return 0;
}

static void describe_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "selector", 'l', &xopt.selector, "Selector (label query) to filter on.");
	kube_flag_bool(fs, "all-namespaces", 'A', &xopt.all_namespaces, "If present, list the requested object(s) across all namespaces.");
	kube_flag_ignored(fs, "show-events", true, "If true, display events related to the described object.");
	kube_flag_ignored(fs, "filename", false, "Filename, directory, or URL to files containing the resource to describe");
	kube_flag_ignored(fs, "chunk-size", false, "Return large lists in chunks rather than all at once.");
}

static int describe_run(kubectl_ctx_t *ctx)
{
	bool first = true;

	if (ctx->nargs == 0)
		return kubectl_errorf(ctx, "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
	if (!kubectl_ctx_client(ctx))
		return 1;
	return kubectl_visit_args(ctx, ctx->args, ctx->nargs, xopt.selector, true, xopt.all_namespaces,
				  describe_one, &first);
}

const kubectl_command_t kubectl_cmd_describe = {
	"describe", "Show details of a specific resource or group of resources", describe_setup, describe_run,
};
