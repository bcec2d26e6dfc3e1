/* kubectl_run: `run` (a Pod from an image) and `expose` (a Service for a
 * pod, deployment, replica set, replication controller or service), built
 * as upstream's generators build them and sent as JSON. */
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"

static struct {
	char *image, *restart, *port, *target_port, *protocol, *name, *type, *output;
	kube_strv_t labels, env;
	bool command;
} uopt = { .protocol = "TCP" };

static void run_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "image", 0, &uopt.image, "The image for the container to run.");
	kube_flag_string(fs, "restart", 0, &uopt.restart, "The restart policy for this Pod.  Legal values [Always, OnFailure, Never].");
	kube_flag_string(fs, "port", 0, &uopt.port, "The port that this container exposes.");
	kube_flag_list(fs, "labels", &uopt.labels, "Comma separated labels to apply to the pod. Will override previous values.");
	kube_flag_set_shorthand(fs, "labels", 'l');
	kube_flag_list(fs, "env", &uopt.env, "Environment variables to set in the container.");
	kube_flag_bool(fs, "command", 0, &uopt.command, "If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default.");
	kube_flag_string(fs, "output", 'o', &uopt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "image-pull-policy", false, "The image pull policy for the container.");
	kube_flag_ignored(fs, "stdin", true, "Keep stdin open on the container in the pod.");
	kube_flag_ignored(fs, "tty", true, "Allocate a TTY for the container in the pod.");
	kube_flag_ignored(fs, "rm", true, "If true, delete the pod after it exits.");
}

static void say(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *obj, const char *verb)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kubectl_obj_ref(k, obj, &b);
	if (kube_streq(uopt.output, "name"))
		fprintf(ctx->out, "%s\n", kube_buf_str(&b));
	else
		fprintf(ctx->out, "%s %s\n", kube_buf_str(&b), verb);
	kube_buf_clear(&b);
}

static int post(kubectl_ctx_t *ctx, const char *res, cJSON *obj, const char *verb)
{
	const kube_kind_t *k = kubectl_discovery_resolve(ctx->disc, res);
	kube_client_status_t st = { 0 };
	cJSON *ret = NULL;
	int r;

	if (!k)
		return kubectl_errorf(ctx, "the server doesn't have a resource type \"%s\"", res);
	r = kube_client_create(ctx->client, k, ctx->ns, obj, &ret, &st);
	if (r < 0) {
		kubectl_report(ctx, r, &st, NULL);
		kube_client_status_clear(&st);
		return 1;
	}
	say(ctx, k, ret, verb);
	cJSON_Delete(ret);
	return 0;
}

static int run_run(kubectl_ctx_t *ctx)
{
	const char *name = ctx->nargs ? ctx->args[0] : NULL;
	cJSON *pod, *c, *labels;
	int rc;

	if (!uopt.image || !*uopt.image)
		return kubectl_errorf(ctx, "required flag(s) \"image\" not set");
	if (!name)
		return kubectl_usage_error(ctx, "NAME is required for run");
	if (!kubectl_ctx_discovery(ctx))
		return 1;
	pod = cJSON_CreateObject();
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	cJSON_AddStringToObject(pod, "kind", "Pod");
	kube_json_set_str(pod, "metadata.name", name);
	labels = cJSON_CreateObject();
	if (uopt.labels) {
		for (size_t i = 0; uopt.labels[i]; i++) {
			char *eq = strchr(uopt.labels[i], '=');

			if (!eq) {
				cJSON_Delete(labels);
				cJSON_Delete(pod);
				return kubectl_errorf(ctx, "invalid label spec: %s", uopt.labels[i]);
			}
			*eq = 0;
			cJSON_AddStringToObject(labels, uopt.labels[i], eq + 1);
			*eq = '=';
		}
	} else {
		cJSON_AddStringToObject(labels, "run", name);
	}
	kube_json_set(pod, "metadata.labels", labels);
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "image", uopt.image);
	if (ctx->nargs > 1) {
		cJSON *a = cJSON_CreateArray();

		for (int i = 1; i < ctx->nargs; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(ctx->args[i]));
		cJSON_AddItemToObject(c, uopt.command ? "command" : "args", a);
	}
	if (uopt.port && *uopt.port) {
		cJSON *ports = cJSON_AddArrayToObject(c, "ports"), *p = cJSON_CreateObject();

		cJSON_AddNumberToObject(p, "containerPort", atoi(uopt.port));
		cJSON_AddItemToArray(ports, p);
	}
	if (uopt.env) {
		cJSON *env = cJSON_AddArrayToObject(c, "env");

		for (size_t i = 0; uopt.env[i]; i++) {
			cJSON *e = cJSON_CreateObject();
			char *eq = strchr(uopt.env[i], '=');

			if (eq) {
				*eq = 0;
				cJSON_AddStringToObject(e, "name", uopt.env[i]);
				cJSON_AddStringToObject(e, "value", eq + 1);
				*eq = '=';
			} else {
				cJSON_AddStringToObject(e, "name", uopt.env[i]);
			}
			cJSON_AddItemToArray(env, e);
		}
	}
	cJSON_AddItemToObject(c, "resources", cJSON_CreateObject());
	kube_json_set(pod, "spec.containers", cJSON_CreateArray());
	cJSON_AddItemToArray(kube_json_get(pod, "spec.containers"), c);
	kube_json_set_str(pod, "spec.dnsPolicy", "ClusterFirst");
	kube_json_set_str(pod, "spec.restartPolicy", uopt.restart && *uopt.restart ? uopt.restart : "Always");
	rc = post(ctx, "pods", pod, "created");
	cJSON_Delete(pod);
	return rc;
}

const kubectl_command_t kubectl_cmd_run = {
	"run", "Run a particular image on the cluster", run_setup, run_run,
};

/* ---- expose ------------------------------------------------------------- */

static void expose_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "port", 0, &uopt.port, "The port that the service should serve on.");
	kube_flag_string(fs, "target-port", 0, &uopt.target_port, "Name or number for the port on the container that the service should direct traffic to.");
	kube_flag_string(fs, "protocol", 0, &uopt.protocol, "The network protocol for the service to be created. Default is 'TCP'.");
	kube_flag_string(fs, "name", 0, &uopt.name, "The name for the newly created object.");
	kube_flag_string(fs, "type", 0, &uopt.type, "Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName.");
	kube_flag_string(fs, "output", 'o', &uopt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_ignored(fs, "selector", false, "A label selector to use for this service.");
	kube_flag_ignored(fs, "dry-run", false, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored(fs, "labels", false, "Labels to apply to the service created by this call.");
}

static int expose_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	const cJSON *sel = NULL, *c, *cports = NULL;
	cJSON *svc, *ports, *p;
	const char *kind = k->kind;
	int rc;

	(void)arg;
	if (!strcmp(kind, "Deployment") || !strcmp(kind, "ReplicaSet")) {
		sel = kube_json_get(obj, "spec.selector.matchLabels");
		cports = kube_json_get(obj, "spec.template.spec.containers");
	} else if (!strcmp(kind, "ReplicationController")) {
		sel = kube_json_get(obj, "spec.selector");
		cports = kube_json_get(obj, "spec.template.spec.containers");
	} else if (!strcmp(kind, "Pod")) {
		sel = kube_json_get(obj, "metadata.labels");
		cports = kube_json_get(obj, "spec.containers");
	} else if (!strcmp(kind, "Service")) {
		sel = kube_json_get(obj, "spec.selector");
	} else {
		return kubectl_errorf(ctx, "cannot expose a %s", kind);
	}
	if (!cJSON_GetArraySize(sel))
		return kubectl_errorf(ctx, "couldn't retrieve selectors via --selector flag or introspection: the %s has no selector", kind);
	ports = cJSON_CreateArray();
	if (uopt.port && *uopt.port) {
		p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "port", atoi(uopt.port));
		cJSON_AddStringToObject(p, "protocol", uopt.protocol);
		if (uopt.target_port && *uopt.target_port) {
			char *end;
			long t = strtol(uopt.target_port, &end, 10);

			if (*end)
				cJSON_AddStringToObject(p, "targetPort", uopt.target_port);
			else
				cJSON_AddNumberToObject(p, "targetPort", (double)t);
		} else {
			cJSON_AddNumberToObject(p, "targetPort", atoi(uopt.port));
		}
		cJSON_AddItemToArray(ports, p);
	} else if (!strcmp(kind, "Service")) {
		cJSON_ArrayForEach(c, kube_json_get(obj, "spec.ports")) {
			int port = (int)kube_json_get_int64(c, "port", 0);

			p = cJSON_CreateObject();
			cJSON_AddNumberToObject(p, "port", port);
			cJSON_AddStringToObject(p, "protocol", kube_json_get_str(c, "protocol") ?: "TCP");
			cJSON_AddNumberToObject(p, "targetPort", port);
			cJSON_AddItemToArray(ports, p);
		}
	} else {
		cJSON_ArrayForEach(c, cports) {
			const cJSON *cp;

			cJSON_ArrayForEach(cp, kube_json_get(c, "ports")) {
				int port = (int)kube_json_get_int64(cp, "containerPort", 0);

				p = cJSON_CreateObject();
				cJSON_AddNumberToObject(p, "port", port);
				cJSON_AddStringToObject(p, "protocol", kube_json_get_str(cp, "protocol") ?: "TCP");
				cJSON_AddNumberToObject(p, "targetPort", port);
				cJSON_AddItemToArray(ports, p);
			}
		}
		if (cJSON_GetArraySize(ports) > 1) {
			int i = 1;

			cJSON_ArrayForEach(p, ports) {
				char pname[32];

				snprintf(pname, sizeof(pname), "port-%d", i++);
				cJSON_AddStringToObject(p, "name", pname);
			}
		}
	}
	if (!cJSON_GetArraySize(ports)) {
		cJSON_Delete(ports);
		return kubectl_errorf(ctx, "couldn't find port via --port flag or introspection");
	}
	svc = cJSON_CreateObject();
	cJSON_AddStringToObject(svc, "apiVersion", "v1");
	cJSON_AddStringToObject(svc, "kind", "Service");
	kube_json_set_str(svc, "metadata.name", uopt.name && *uopt.name ? uopt.name : kube_json_get_str(obj, "metadata.name"));
	if (kube_json_get(obj, "metadata.labels"))
		kube_json_set(svc, "metadata.labels", kube_json_dup(kube_json_get(obj, "metadata.labels")));
	kube_json_set(svc, "spec.ports", ports);
	kube_json_set(svc, "spec.selector", kube_json_dup(sel));
	if (uopt.type && *uopt.type)
		kube_json_set_str(svc, "spec.type", uopt.type);
	rc = post(ctx, "services", svc, "exposed");
	cJSON_Delete(svc);
	return rc;
}

static int expose_run(kubectl_ctx_t *ctx)
{
	if (ctx->nargs == 0)
		return kubectl_errorf(ctx, "You must provide one or more resources by argument or filename.");
	if (!kubectl_ctx_client(ctx))
		return 1;
	return kubectl_visit_args(ctx, ctx->args, ctx->nargs, NULL, false, false, expose_one, NULL);
}

const kubectl_command_t kubectl_cmd_expose = {
	"expose", "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
	expose_setup, expose_run,
};
