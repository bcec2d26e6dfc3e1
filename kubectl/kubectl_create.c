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
} copt = { .replicas = 1 };

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
	kube_flag_ignored(fs, "selector", false, "Selector (label query) to filter on.");
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

/* How upstream's generators wrap an API error, per kind (NULL: the plain
 * "Error from server" form, as namespace prints it). */
static const char *generator_wrap(const kube_kind_t *k)
{
	if (*k->group && strcmp(k->kind, "Deployment") == 0)
		return "deployment: ";
	if (*k->group)
		return NULL;
	if (strcmp(k->kind, "ConfigMap") == 0)
		return "configmap: ";
	if (strcmp(k->kind, "Secret") == 0)
		return "secret ";
	if (strcmp(k->kind, "ServiceAccount") == 0)
		return "serviceaccount: ";
	if (strcmp(k->kind, "Service") == 0)
		return "ClusterIP service: ";
	return NULL;
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
	} else if (strcmp(what, "serviceaccount") == 0 || strcmp(what, "sa") == 0) {
		o = new_obj("v1", "ServiceAccount", name);
		*ret_resource = "serviceaccounts";
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
	} else if ((strcmp(what, "service") == 0 || strcmp(what, "svc") == 0) &&
		   strcmp(ctx->args[1], "clusterip") == 0) {
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
		kube_json_set_str(o, "spec.type", "ClusterIP");
		*ret_resource = "services";
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
