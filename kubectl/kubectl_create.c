/* kubectl_create: `create -f`, the create generators, and `replace -f`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"
#include "kubectl_apply.h"
#include "kubectl_args.h"
#include "kubectl_discovery.h"
#include "kubectl_manifest.h"

static struct {
	kube_strv_t filename;
	bool recursive, save_config;
	char *output, *dry_run;
	/* generators */
	char *image, *type, *tcp;
	kube_strv_t from_literal, from_file, images;
	int replicas;
	char *hard, *role, *clusterrole, *group_s, *description, *preemption, *selector;
	char *min_available, *max_unavailable, *schedule, *docker_server, *docker_username;
	char *docker_password, *docker_email, *restart, *cert, *key;
	kube_strv_t verbs, resources, groups, serviceaccounts;
	int64_t value;
	bool global_default;
} copt = { .replicas = 1, .docker_server = "https://index.docker.io/v1/",
	   .preemption = "PreemptLowerPriority" };

static void create_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_list(fs, "filename", &copt.filename, "Filename, directory, or URL to files to use to create the resource");
	kube_flag_set_shorthand(fs, "filename", 'f');
	kube_flag_bool(fs, "recursive", 'R', &copt.recursive, "Process the directory used in -f, --filename recursively.");
	kube_flag_bool(fs, "save-config", 0, &copt.save_config, "If true, the configuration of current object will be saved in its annotation.");
	kube_flag_string(fs, "output", 'o', &copt.output, "Output format. One of: (json, yaml, name).");
	kube_flag_string(fs, "dry-run", 0, &copt.dry_run, "Must be \"none\", \"server\", or \"client\".");
	kube_flag_ignored_default(fs, "validate", NULL, "strict", "Must be one of: strict (or true), warn, ignore (or false).");
	kube_flag_ignored(fs, "field-manager", false, "Name of the manager used to track field ownership.");
	kube_flag_ignored(fs, "edit", true, "Edit the API resource before creating");
	kube_flag_ignored(fs, "windows-line-endings", true, "Only relevant if --edit=true.");
	kube_flag_string(fs, "selector", 0, &copt.selector, "A label selector to use for this budget.");
	kube_flag_string(fs, "hard", 0, &copt.hard, "A comma-delimited set of resource=quantity pairs that define a hard limit.");
	kube_flag_list(fs, "verb", &copt.verbs, "Verb that applies to the resources contained in the rule");
	kube_flag_list(fs, "resource", &copt.resources, "Resource that the rule applies to");
	kube_flag_string(fs, "role", 0, &copt.role, "Role this RoleBinding should reference");
	kube_flag_string(fs, "clusterrole", 0, &copt.clusterrole, "ClusterRole this binding should reference");
	kube_flag_list(fs, "group", &copt.groups, "Groups to bind to the role.");
	kube_flag_list(fs, "serviceaccount", &copt.serviceaccounts, "Service accounts to bind to the role, in the format <namespace>:<name>.");
	kube_flag_int64(fs, "value", &copt.value, "the value of this priority class.");
	kube_flag_string(fs, "description", 0, &copt.description, "description is an arbitrary string that usually provides guidelines on when this priority class should be used.");
	kube_flag_string(fs, "preemption-policy", 0, &copt.preemption, "preemption-policy is the policy for preempting pods with lower priority.");
	kube_flag_bool(fs, "global-default", 0, &copt.global_default, "global-default specifies whether this PriorityClass should be considered as the default priority.");
	kube_flag_string(fs, "min-available", 0, &copt.min_available, "The minimum number or percentage of available pods this budget requires.");
	kube_flag_string(fs, "max-unavailable", 0, &copt.max_unavailable, "The maximum number or percentage of unavailable pods this budget requires.");
	kube_flag_string(fs, "schedule", 0, &copt.schedule, "A schedule in the Cron format the job should be run with.");
	kube_flag_string(fs, "restart", 0, &copt.restart, "job's restart policy. supported values: OnFailure, Never");
	kube_flag_string(fs, "docker-server", 0, &copt.docker_server, "Server location for Docker registry");
	kube_flag_string(fs, "docker-username", 0, &copt.docker_username, "Username for Docker registry authentication");
	kube_flag_string(fs, "docker-password", 0, &copt.docker_password, "Password for Docker registry authentication");
	kube_flag_string(fs, "docker-email", 0, &copt.docker_email, "Email for Docker registry");
	kube_flag_string(fs, "cert", 0, &copt.cert, "Path to PEM encoded public key certificate.");
	kube_flag_string(fs, "key", 0, &copt.key, "Path to private key associated with given certificate.");
	kube_flag_string(fs, "image", 0, &copt.image, "Image names to run.");
	kube_flag_int(fs, "replicas", 'r', &copt.replicas, "Number of replicas to create. Default is 1.");
	kube_flag_string(fs, "type", 0, &copt.type, "The type of secret to create");
	kube_flag_string(fs, "tcp", 0, &copt.tcp, "Port pairs can be specified as '<port>:<targetPort>'.");
	kube_flag_list(fs, "from-literal", &copt.from_literal, "Specify a key and literal value to insert (i.e. mykey=somevalue)");
	kube_flag_list(fs, "from-file", &copt.from_file, "Key file can be specified using its file path.");
}

/* Print "kind.group/name <verb>" or the object in -o form. */
static void print_result(kubectl_ctx_t *ctx, const kube_kind_t *k, const cJSON *obj,
			 const char *name, const char *verb)
{
	kube_buf_t b = KUBE_BUF_INIT;

	if (kube_streq(copt.output, "json")) {
		cJSON *d = kube_json_dup(obj);

		kubectl_print_json(ctx->out, d);
		cJSON_Delete(d);
		return;
	}
	if (kube_streq(copt.output, "yaml")) {
		cJSON *d = kube_json_dup(obj);

		kubectl_json_sort(d);
		kubectl_print_yaml(ctx->out, d);
		cJSON_Delete(d);
		return;
	}
	kubectl_kind_prefix(k, &b);
	if (kube_streq(copt.output, "name"))
		fprintf(ctx->out, "%s/%s\n", kube_buf_str(&b), name);
	else
		fprintf(ctx->out, "%s/%s %s%s\n", kube_buf_str(&b), name, verb,
			copt.dry_run && strcmp(copt.dry_run, "none") ? (strcmp(copt.dry_run, "server") ? " (dry run)" : " (server dry run)") : "");
	kube_buf_clear(&b);
}

/* How upstream's generators wrap an API error ("failed to create <what>"),
 * set by generate(); NULL: the plain "Error from server" form, as the
 * namespace and role generators print it. */
static const char *gen_wrap;

static const char *generator_wrap(const kube_kind_t *k)
{
	(void)k;
	return gen_wrap;
}

static int create_one(kubectl_ctx_t *ctx, const kube_kind_t *k, const char *ns, cJSON *obj,
		      const char *source)
{
	kube_client_status_t st = { 0 };
	cJSON *ret = NULL;
	int r;
	char *prefix;

	if (copt.dry_run && strcmp(copt.dry_run, "client") == 0) {
		print_result(ctx, k, obj, kube_json_get_str(obj, "metadata.name") ?: "", "created");
		return 0;
	}
	if (copt.dry_run && strcmp(copt.dry_run, "server") == 0) {
		char *path = kube_client_path(k, ns, NULL, NULL, "dryRun=All");
		char *body = kube_json_compact(obj), *rb = NULL;
		kube_client_raw_t req = { .method = "POST", .path = path, .body = body };
		int code = 0;

		r = kube_client_raw(ctx->client, &req, &code, &rb, NULL);
		kube_free(path);
		kube_free(body);
		if (r == 0 && code / 100 == 2) {
			ret = kube_json_parse(rb, strlen(rb));
			print_result(ctx, k, ret ? ret : obj, kube_json_get_str(ret ? ret : obj, "metadata.name") ?: "", "created");
			cJSON_Delete(ret);
			kube_free(rb);
			return 0;
		}
		if (r == 0) {
			cJSON *j = kube_json_parse(rb, strlen(rb));

			st.code = code;
			st.reason = kube_strdup(kube_json_get_str(j, "reason") ?: "");
			st.message = kube_strdup(kube_json_get_str(j, "message") ?: "");
			cJSON_Delete(j);
		}
		kube_free(rb);
	} else {
		r = kube_client_create(ctx->client, k, ns, obj, &ret, &st);
		if (r == 0) {
			print_result(ctx, k, ret, kube_json_get_str(ret, "metadata.name") ?: "", "created");
			cJSON_Delete(ret);
			return 0;
		}
	}
	prefix = source ? kube_asprintf("error when creating \"%s\": ", source) : NULL;
	if (!source && st.code && generator_wrap(k)) {
		/* generators: upstream's "failed to create" wrapping */
		fprintf(ctx->err, "error: failed to create %s%s\n", generator_wrap(k), st.message ? st.message : "");
		kube_client_status_clear(&st);
		return 1;
	}
	kubectl_report(ctx, r, &st, prefix);
	kube_free(prefix);
	kube_client_status_clear(&st);
	return 1;
}

/* ---- generators --------------------------------------------------------- */

static cJSON *new_obj(const char *api_version, const char *kind, const char *name)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "apiVersion", api_version);
	cJSON_AddStringToObject(o, "kind", kind);
	kube_json_set_str(o, "metadata.name", name);
	return o;
}

static void b64_buf(kube_buf_t *b, const unsigned char *s, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t j = 0; j < n; j += 3) {
		unsigned v = (unsigned)s[j] << 16 | (j + 1 < n ? (unsigned)s[j + 1] << 8 : 0) |
			     (j + 2 < n ? s[j + 2] : 0);

		kube_buf_putc(b, tbl[v >> 18 & 63]);
		kube_buf_putc(b, tbl[v >> 12 & 63]);
		kube_buf_putc(b, j + 1 < n ? tbl[v >> 6 & 63] : '=');
		kube_buf_putc(b, j + 2 < n ? tbl[v & 63] : '=');
	}
}

/* A numeric string becomes a number, else kept a string (IntOrString). */
static cJSON *int_or_string(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	return *v && !*end ? cJSON_CreateNumber((double)n) : cJSON_CreateString(v);
}

/* containers: [{name, image, command?, resources: {}}] from the args after NAME. */
static cJSON *job_pod_spec(kubectl_ctx_t *ctx, const char *name, int first_arg, const char *restart)
{
	cJSON *spec = cJSON_CreateObject(), *c = cJSON_CreateObject(), *cs = cJSON_AddArrayToObject(spec, "containers");

	if (ctx->nargs > first_arg) {
		cJSON *cmd = cJSON_CreateArray();

		for (int i = first_arg; i < ctx->nargs; i++)
			cJSON_AddItemToArray(cmd, cJSON_CreateString(ctx->args[i]));
		cJSON_AddItemToObject(c, "command", cmd);
	}
	cJSON_AddStringToObject(c, "image", copt.image ? copt.image : "");
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddItemToObject(c, "resources", cJSON_CreateObject());
	cJSON_AddItemToArray(cs, c);
	cJSON_AddStringToObject(spec, "restartPolicy", restart);
	return spec;
}

static int add_literals(kubectl_ctx_t *ctx, cJSON *data, bool b64)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; copt.from_literal && copt.from_literal[i]; i++) {
		const char *kv = copt.from_literal[i], *eq = strchr(kv, '=');
		char *key;

		if (!eq || eq == kv)
			return kubectl_errorf(ctx, "invalid literal source %s, expected key=value", kv);
		key = kube_strndup(kv, (size_t)(eq - kv));
		if (b64) {
			const unsigned char *s = (const unsigned char *)eq + 1;
			size_t n = strlen((const char *)s);
			kube_buf_t b = KUBE_BUF_INIT;

			for (size_t j = 0; j < n; j += 3) {
				unsigned v = (unsigned)s[j] << 16 | (j + 1 < n ? (unsigned)s[j + 1] << 8 : 0) |
					     (j + 2 < n ? s[j + 2] : 0);

				kube_buf_putc(&b, tbl[v >> 18 & 63]);
				kube_buf_putc(&b, tbl[v >> 12 & 63]);
				kube_buf_putc(&b, j + 1 < n ? tbl[v >> 6 & 63] : '=');
				kube_buf_putc(&b, j + 2 < n ? tbl[v & 63] : '=');
			}
			cJSON_AddItemToObject(data, key, cJSON_CreateString(kube_buf_str(&b)));
			kube_buf_clear(&b);
		} else {
			cJSON_AddItemToObject(data, key, cJSON_CreateString(eq + 1));
		}
		kube_free(key);
	}
	return 0;
}

static int generate(kubectl_ctx_t *ctx, cJSON **ret, const char **ret_resource)
{
	const char *what = ctx->args[0], *name;
	int need = 2;
	cJSON *o = NULL;

	if (strcmp(what, "secret") == 0 || strcmp(what, "service") == 0 || strcmp(what, "svc") == 0)
		need = 3;
	if (ctx->nargs < need) {
		fprintf(ctx->err, "error: exactly one NAME is required, got 0\nSee 'kubectl create %s%s%s -h' for help and examples\n",
			what, need == 3 && ctx->nargs > 1 ? " " : "", need == 3 && ctx->nargs > 1 ? ctx->args[1] : "");
		return 1;
	}
	name = ctx->args[need - 1];
	if (strcmp(what, "namespace") == 0 || strcmp(what, "ns") == 0) {
		o = new_obj("v1", "Namespace", name);
		*ret_resource = "namespaces";
	} else if (strcmp(what, "configmap") == 0 || strcmp(what, "cm") == 0) {
		o = new_obj("v1", "ConfigMap", name);
		if (copt.from_literal) {
			cJSON *data = cJSON_AddObjectToObject(o, "data");

			if (add_literals(ctx, data, false)) {
				cJSON_Delete(o);
				return 1;
			}
		}
		*ret_resource = "configmaps";
		gen_wrap = "configmap: ";
	} else if (strcmp(what, "secret") == 0 && strcmp(ctx->args[1], "generic") == 0) {
		o = new_obj("v1", "Secret", name);
		cJSON_AddStringToObject(o, "type", copt.type && *copt.type ? copt.type : "Opaque");
		if (copt.from_literal) {
			cJSON *data = cJSON_AddObjectToObject(o, "data");

			if (add_literals(ctx, data, true)) {
				cJSON_Delete(o);
				return 1;
			}
		}
		*ret_resource = "secrets";
		gen_wrap = "secret ";
	} else if (strcmp(what, "serviceaccount") == 0 || strcmp(what, "sa") == 0) {
		o = new_obj("v1", "ServiceAccount", name);
		*ret_resource = "serviceaccounts";
		gen_wrap = "serviceaccount: ";
	} else if (strcmp(what, "deployment") == 0 || strcmp(what, "deploy") == 0) {
		cJSON *c;
		const char *img = copt.image;
		char cname[256];

		if (!img || !*img) {
			kubectl_errorf(ctx, "required flag(s) \"image\" not set");
			return 1;
		}
		o = new_obj("apps/v1", "Deployment", name);
		kube_json_set_str(o, "metadata.labels.app", name);
		kube_json_set_int64(o, "spec.replicas", copt.replicas);
		kube_json_set_str(o, "spec.selector.matchLabels.app", name);
		kube_json_set_str(o, "spec.template.metadata.labels.app", name);
		c = cJSON_CreateObject();
		/* upstream names the container after the image's last path part */
		{
			const char *base = strrchr(img, '/') ? strrchr(img, '/') + 1 : img;
			size_t n = strcspn(base, ":@");

			snprintf(cname, sizeof(cname), "%.*s", (int)n, base);
		}
		cJSON_AddStringToObject(c, "name", cname);
		cJSON_AddStringToObject(c, "image", img);
		cJSON_AddItemToObject(c, "resources", cJSON_CreateObject());
		kube_json_set(o, "spec.template.spec.containers", cJSON_CreateArray());
		cJSON_AddItemToArray(kube_json_get(o, "spec.template.spec.containers"), c);
		kube_json_set(o, "spec.strategy", cJSON_CreateObject());
		*ret_resource = "deployments.apps";
		gen_wrap = "deployment: ";
	} else if ((strcmp(what, "service") == 0 || strcmp(what, "svc") == 0) &&
		   (strcmp(ctx->args[1], "clusterip") == 0 || strcmp(ctx->args[1], "nodeport") == 0)) {
		cJSON *ports;

		if (!copt.tcp || !*copt.tcp) {
			kubectl_errorf(ctx, "at least one tcp port specifier must be provided");
			return 1;
		}
		ports = cJSON_CreateArray();
		o = new_obj("v1", "Service", name);
		kube_json_set_str(o, "metadata.labels.app", name);
		for (char *save = NULL, *s = kube_strdup(copt.tcp ? copt.tcp : ""), *tok = strtok_r(s, ",", &save), *orig = s;
		     ; tok = strtok_r(NULL, ",", &save)) {
			cJSON *p;
			char *colon, pname[64];
			int port, target;

			if (!tok) {
				kube_free(orig);
				break;
			}
			colon = strchr(tok, ':');
			port = atoi(tok);
			target = colon ? atoi(colon + 1) : port;
			p = cJSON_CreateObject();
			snprintf(pname, sizeof(pname), "%s", tok);
			for (char *q = pname; *q; q++)
				if (*q == ':')
					*q = '-';
			cJSON_AddStringToObject(p, "name", pname);
			cJSON_AddStringToObject(p, "protocol", "TCP");
			cJSON_AddNumberToObject(p, "port", port);
			cJSON_AddNumberToObject(p, "targetPort", target);
			cJSON_AddItemToArray(ports, p);
		}
		kube_json_set(o, "spec.ports", ports);
		kube_json_set_str(o, "spec.selector.app", name);
		kube_json_set_str(o, "spec.type", strcmp(ctx->args[1], "nodeport") == 0 ? "NodePort" : "ClusterIP");
		*ret_resource = "services";
		gen_wrap = strcmp(ctx->args[1], "nodeport") == 0 ? "NodePort service: " : "ClusterIP service: ";
	} else if (strcmp(what, "job") == 0) {
		cJSON *t;

		if (!copt.image || !*copt.image) {
			kubectl_errorf(ctx, "--image must be specified");
			return 1;
		}
		o = new_obj("batch/v1", "Job", name);
		t = cJSON_CreateObject();
		cJSON_AddItemToObject(t, "metadata", cJSON_CreateObject());
		cJSON_AddItemToObject(t, "spec", job_pod_spec(ctx, name, 2, copt.restart && *copt.restart ? copt.restart : "Never"));
		kube_json_set(o, "spec.template", t);
		*ret_resource = "jobs.batch";
		gen_wrap = "job: ";
	} else if (strcmp(what, "cronjob") == 0 || strcmp(what, "cj") == 0) {
		cJSON *t, *jt;

		if (!copt.image || !*copt.image) {
			kubectl_errorf(ctx, "required flag(s) \"image\" not set");
			return 1;
		}
		o = new_obj("batch/v1", "CronJob", name);
		t = cJSON_CreateObject();
		cJSON_AddItemToObject(t, "metadata", cJSON_CreateObject());
		cJSON_AddItemToObject(t, "spec", job_pod_spec(ctx, name, 2, copt.restart && *copt.restart ? copt.restart : "OnFailure"));
		jt = cJSON_CreateObject();
		kube_json_set_str(jt, "metadata.name", name);
		kube_json_set(jt, "spec.template", t);
		kube_json_set(o, "spec.jobTemplate", jt);
		kube_json_set_str(o, "spec.schedule", copt.schedule ? copt.schedule : "");
		*ret_resource = "cronjobs.batch";
		gen_wrap = "cronjob: ";
	} else if (strcmp(what, "quota") == 0 || strcmp(what, "resourcequota") == 0) {
		cJSON *hard = cJSON_CreateObject();
		char *h = kube_strdup(copt.hard ? copt.hard : ""), *save = NULL;

		for (char *tok = strtok_r(h, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');

			if (eq) {
				*eq = 0;
				cJSON_AddStringToObject(hard, tok, eq + 1);
			}
		}
		kube_free(h);
		o = new_obj("v1", "ResourceQuota", name);
		kube_json_set(o, "spec.hard", hard);
		*ret_resource = "resourcequotas";
		gen_wrap = "quota: ";
	} else if (strcmp(what, "role") == 0 || strcmp(what, "clusterrole") == 0) {
		cJSON *rules = cJSON_CreateArray();
		bool cluster = strcmp(what, "clusterrole") == 0;

		if (!copt.verbs) {
			kubectl_errorf(ctx, "at least one verb must be specified");
			return 1;
		}
		for (size_t i = 0; copt.resources && copt.resources[i]; i++) {
			const char *r = copt.resources[i], *dot = strchr(r, '.');
			char *res = dot ? kube_strndup(r, (size_t)(dot - r)) : kube_strdup(r);
			const char *grp = dot ? dot + 1 : "";
			cJSON *rule = NULL, *it;

			cJSON_ArrayForEach(it, rules)
				if (kube_streq(cJSON_GetArrayItem(kube_json_get(it, "apiGroups"), 0)->valuestring, grp))
					rule = it;
			if (!rule) {
				cJSON *verbs = cJSON_CreateArray();

				rule = cJSON_CreateObject();
				cJSON_AddItemToObject(rule, "apiGroups", cJSON_CreateArray());
				cJSON_AddItemToArray(kube_json_get(rule, "apiGroups"), cJSON_CreateString(grp));
				cJSON_AddItemToObject(rule, "resources", cJSON_CreateArray());
				for (size_t v = 0; copt.verbs[v]; v++)
					cJSON_AddItemToArray(verbs, cJSON_CreateString(copt.verbs[v]));
				cJSON_AddItemToObject(rule, "verbs", verbs);
				cJSON_AddItemToArray(rules, rule);
			}
			cJSON_AddItemToArray(kube_json_get(rule, "resources"), cJSON_CreateString(res));
			kube_free(res);
		}
		o = new_obj("rbac.authorization.k8s.io/v1", cluster ? "ClusterRole" : "Role", name);
		cJSON_AddItemToObject(o, "rules", rules);
		*ret_resource = cluster ? "clusterroles.rbac.authorization.k8s.io" : "roles.rbac.authorization.k8s.io";
	} else if (strcmp(what, "rolebinding") == 0 || strcmp(what, "clusterrolebinding") == 0) {
		bool cluster = strcmp(what, "clusterrolebinding") == 0;
		cJSON *subjects = cJSON_CreateArray(), *ref = cJSON_CreateObject();
		const char *user = ctx->g.user;

		cJSON_AddStringToObject(ref, "apiGroup", "rbac.authorization.k8s.io");
		cJSON_AddStringToObject(ref, "kind", copt.clusterrole && *copt.clusterrole ? "ClusterRole" : "Role");
		cJSON_AddStringToObject(ref, "name", copt.clusterrole && *copt.clusterrole ? copt.clusterrole : copt.role ? copt.role : "");
		if (user && *user) {
			cJSON *sj = cJSON_CreateObject();

			cJSON_AddStringToObject(sj, "apiGroup", "rbac.authorization.k8s.io");
			cJSON_AddStringToObject(sj, "kind", "User");
			cJSON_AddStringToObject(sj, "name", user);
			cJSON_AddItemToArray(subjects, sj);
		}
		for (size_t i = 0; copt.groups && copt.groups[i]; i++) {
			cJSON *sj = cJSON_CreateObject();

			cJSON_AddStringToObject(sj, "apiGroup", "rbac.authorization.k8s.io");
			cJSON_AddStringToObject(sj, "kind", "Group");
			cJSON_AddStringToObject(sj, "name", copt.groups[i]);
			cJSON_AddItemToArray(subjects, sj);
		}
		for (size_t i = 0; copt.serviceaccounts && copt.serviceaccounts[i]; i++) {
			const char *sa = copt.serviceaccounts[i], *colon = strchr(sa, ':');
			cJSON *sj = cJSON_CreateObject();
			char *sns = colon ? kube_strndup(sa, (size_t)(colon - sa)) : kube_strdup("");

			cJSON_AddStringToObject(sj, "kind", "ServiceAccount");
			cJSON_AddStringToObject(sj, "name", colon ? colon + 1 : sa);
			cJSON_AddStringToObject(sj, "namespace", sns);
			kube_free(sns);
			cJSON_AddItemToArray(subjects, sj);
		}
		/* --user named a subject, not a kubeconfig user */
		ctx->user_is_subject = true;
		o = new_obj("rbac.authorization.k8s.io/v1", cluster ? "ClusterRoleBinding" : "RoleBinding", name);
		cJSON_AddItemToObject(o, "roleRef", ref);
		cJSON_AddItemToObject(o, "subjects", subjects);
		*ret_resource = cluster ? "clusterrolebindings.rbac.authorization.k8s.io" : "rolebindings.rbac.authorization.k8s.io";
		gen_wrap = cluster ? "clusterrolebinding: " : "rolebinding: ";
	} else if (strcmp(what, "priorityclass") == 0 || strcmp(what, "pc") == 0) {
		o = new_obj("scheduling.k8s.io/v1", "PriorityClass", name);
		if (copt.description && *copt.description)
			cJSON_AddStringToObject(o, "description", copt.description);
		if (copt.global_default)
			cJSON_AddBoolToObject(o, "globalDefault", true);
		cJSON_AddStringToObject(o, "preemptionPolicy", copt.preemption);
		cJSON_AddNumberToObject(o, "value", (double)copt.value);
		*ret_resource = "priorityclasses.scheduling.k8s.io";
		gen_wrap = "priorityclass: ";
	} else if (strcmp(what, "poddisruptionbudget") == 0 || strcmp(what, "pdb") == 0) {
		cJSON *sel = cJSON_CreateObject();
		char *sl = kube_strdup(copt.selector ? copt.selector : ""), *save = NULL;

		for (char *tok = strtok_r(sl, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');

			if (eq) {
				*eq = 0;
				cJSON_AddStringToObject(sel, tok, eq + 1);
			}
		}
		kube_free(sl);
		o = new_obj("policy/v1", "PodDisruptionBudget", name);
		if (copt.min_available && *copt.min_available)
			kube_json_set(o, "spec.minAvailable", int_or_string(copt.min_available));
		if (copt.max_unavailable && *copt.max_unavailable)
			kube_json_set(o, "spec.maxUnavailable", int_or_string(copt.max_unavailable));
		kube_json_set(o, "spec.selector.matchLabels", sel);
		*ret_resource = "poddisruptionbudgets.policy";
		gen_wrap = "poddisruptionbudgets: ";
	} else if (strcmp(what, "secret") == 0 && strcmp(ctx->args[1], "tls") == 0) {
		const char *files[2] = { copt.cert, copt.key }, *keys[2] = { "tls.crt", "tls.key" };
		cJSON *data;

		if (!copt.cert || !*copt.cert || !copt.key || !*copt.key) {
			kubectl_errorf(ctx, "key and cert must be specified");
			return 1;
		}
		data = cJSON_CreateObject();

		for (int i = 0; i < 2; i++) {
			kube_buf_t raw = KUBE_BUF_INIT, b = KUBE_BUF_INIT;
			FILE *f = files[i] ? fopen(files[i], "r") : NULL;
			char chunk[4096];
			size_t n;

			if (!f) {
				cJSON_Delete(data);
				if (!files[0] || !files[1])
					kubectl_errorf(ctx, "key and cert must be specified");
				else
					kubectl_errorf(ctx, "Cannot read file %s, open %s: no such file or directory",
						       files[i], files[i]);
				return 1;
			}
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
				kube_buf_append(&raw, chunk, n);
			fclose(f);
			b64_buf(&b, (const unsigned char *)(raw.data ? raw.data : ""), raw.len);
			cJSON_AddStringToObject(data, keys[i], kube_buf_str(&b));
			kube_buf_clear(&raw);
			kube_buf_clear(&b);
		}
		o = new_obj("v1", "Secret", name);
		cJSON_AddItemToObject(o, "data", data);
		cJSON_AddStringToObject(o, "type", "kubernetes.io/tls");
		*ret_resource = "secrets";
		gen_wrap = "secret ";
	} else if (strcmp(what, "secret") == 0 && strcmp(ctx->args[1], "docker-registry") == 0) {
		kube_buf_t auth = KUBE_BUF_INIT, b = KUBE_BUF_INIT, cfgj = KUBE_BUF_INIT;
		char *up = kube_asprintf("%s:%s", copt.docker_username ? copt.docker_username : "",
					 copt.docker_password ? copt.docker_password : "");

		b64_buf(&auth, (const unsigned char *)up, strlen(up));
		kube_free(up);
		kube_buf_puts(&cfgj, "{\"auths\":{");
		kube_json_string_buf(&cfgj, copt.docker_server);
		kube_buf_puts(&cfgj, ":{\"username\":");
		kube_json_string_buf(&cfgj, copt.docker_username ? copt.docker_username : "");
		kube_buf_puts(&cfgj, ",\"password\":");
		kube_json_string_buf(&cfgj, copt.docker_password ? copt.docker_password : "");
		if (copt.docker_email && *copt.docker_email) {
			kube_buf_puts(&cfgj, ",\"email\":");
			kube_json_string_buf(&cfgj, copt.docker_email);
		}
		kube_buf_printf(&cfgj, ",\"auth\":\"%s\"}}}", kube_buf_str(&auth));
		b64_buf(&b, (const unsigned char *)cfgj.data, cfgj.len);
		o = new_obj("v1", "Secret", name);
		kube_json_set(o, "data", cJSON_CreateObject());
		cJSON_AddStringToObject(kube_json_get(o, "data"), ".dockerconfigjson", kube_buf_str(&b));
		cJSON_AddStringToObject(o, "type", "kubernetes.io/dockerconfigjson");
		kube_buf_clear(&auth);
		kube_buf_clear(&b);
		kube_buf_clear(&cfgj);
		*ret_resource = "secrets";
		gen_wrap = "secret ";
	} else {
		kube_buf_t b = KUBE_BUF_INIT;

		for (int i = 0; i < ctx->nargs; i++)
			kube_buf_printf(&b, "%s%s", i ? " " : "", ctx->args[i]);
		fprintf(ctx->err, "error: Unexpected args: [%s]\nSee 'kubectl create -h' for help and examples\n", kube_buf_str(&b));
		kube_buf_clear(&b);
		return 1;
	}
	*ret = o;
	return 0;
}

static int create_run(kubectl_ctx_t *ctx)
{
	kubectl_manifest_t m;
	int rc = 0;

	if (ctx->nargs > 0) {
		cJSON *o = NULL;
		const char *res = NULL;
		const kube_kind_t *k;

		if (generate(ctx, &o, &res))
			return 1;
		if (!kubectl_ctx_discovery(ctx)) {
			cJSON_Delete(o);
			return 1;
		}
		k = kubectl_discovery_resolve(ctx->disc, res);
		if (!k) {
			cJSON_Delete(o);
			return kubectl_errorf(ctx, "the server doesn't have a resource type \"%s\"", res);
		}
		if (k->namespaced && ctx->ns_explicit)
			kube_json_set_str(o, "metadata.namespace", ctx->ns);
		if (copt.save_config)
			kubectl_set_last_applied(o);
		if (kube_streq(copt.output, "") || !copt.output || !copt.dry_run || strcmp(copt.dry_run, "client"))
			rc = create_one(ctx, k, k->namespaced ? ctx->ns : NULL, o, NULL);
		else
			rc = create_one(ctx, k, NULL, o, NULL);
		cJSON_Delete(o);
		return rc;
	}
	if (!copt.filename)
		return kubectl_errorf(ctx, "must specify one of -f and -k");
	if (kubectl_manifest_read(ctx, copt.filename, copt.recursive, &m))
		return 1;
	for (size_t i = 0; i < m.n; i++) {
		if (copt.save_config)
			kubectl_set_last_applied(m.o[i].obj);
		rc |= create_one(ctx, m.o[i].k, m.o[i].ns, m.o[i].obj, m.o[i].source);
	}
	kubectl_manifest_free(&m);
	return rc;
}

const kubectl_command_t kubectl_cmd_create = {
	"create", "Create a resource from a file or from stdin", create_setup, create_run,
};

/* ---- replace ------------------------------------------------------------ */

static int replace_run(kubectl_ctx_t *ctx)
{
	kubectl_manifest_t m;
	int rc = 0;

	if (!copt.filename)
		return kubectl_errorf(ctx, "must specify --filename to replace");
	if (kubectl_manifest_read(ctx, copt.filename, copt.recursive, &m))
		return 1;
	for (size_t i = 0; i < m.n; i++) {
		kubectl_mobj_t *o = &m.o[i];
		kube_client_status_t st = { 0 };
		cJSON *ret = NULL;
		int r;

		if (copt.save_config)
			kubectl_set_last_applied(o->obj);
		if (o->ns && !kube_json_get_str(o->obj, "metadata.namespace"))
			kube_json_set_str(o->obj, "metadata.namespace", o->ns);
		r = kube_client_update(ctx->client, o->k, o->ns, NULL, o->obj, &ret, &st);
		if (r == 0) {
			print_result(ctx, o->k, ret, kube_json_get_str(ret, "metadata.name") ?: "", "replaced");
			cJSON_Delete(ret);
		} else {
			char *prefix = kube_asprintf("error when replacing \"%s\": ", o->source);

			kubectl_report(ctx, r, &st, prefix);
			kube_free(prefix);
			rc = 1;
		}
		kube_client_status_clear(&st);
	}
	kubectl_manifest_free(&m);
	return rc;
}

const kubectl_command_t kubectl_cmd_replace = {
	"replace", "Replace a resource by filename or stdin", create_setup, replace_run,
};
