/* kubectl_edit: `edit`: the object as YAML in a temporary file, opened
 * with $KUBE_EDITOR, $EDITOR or vi; the difference is sent as a merge
 * patch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/kube_json.h"
#include "api/kube_yaml.h"
#include "kubectl_apply.h"
#include "kubectl_args.h"

static struct {
	char *output;
} ed;

static void edit_setup(kubectl_ctx_t *ctx, kube_flagset_t *fs)
{
	(void)ctx;
	kube_flag_string(fs, "output", 'o', &ed.output, "Output format. One of: (json, yaml).");
	kube_flag_ignored(fs, "save-config", true, "If true, the configuration of current object will be saved in its annotation.");
	kube_flag_ignored(fs, "validate", false, "Must be one of: strict (or true), warn, ignore (or false).");
	kube_flag_ignored(fs, "windows-line-endings", true, "Defaults to the line ending native to your platform.");
	kube_flag_ignored(fs, "field-manager", false, "Name of the manager used to track field ownership.");
	kube_flag_ignored(fs, "subresource", false, "If specified, edit will operate on the subresource of the requested object.");
}

static int run_editor(kubectl_ctx_t *ctx, const char *file)
{
	const char *e = getenv("KUBE_EDITOR");
	char *cmd;
	int st;

	if (!e || !*e)
		e = getenv("EDITOR");
	if (!e || !*e)
		e = "vi";
	cmd = kube_asprintf("%s \"%s\"", e, file);
	st = system(cmd);
	kube_free(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return kubectl_errorf(ctx, "there was a problem with the editor \"%s\"", e);
	return 0;
}

static int edit_one(kubectl_ctx_t *ctx, const kube_kind_t *k, cJSON *obj, void *arg)
{
	char tmpl[] = "/tmp/kubectl-edit-XXXXXX.yaml";
	kube_buf_t b = KUBE_BUF_INIT, ref = KUBE_BUF_INIT;
	cJSON *edited = NULL, *patch;
	char *err = NULL, *body;
	FILE *f;
	int fd, rc = 0;

	(void)arg;
	fd = mkstemps(tmpl, 5);
	if (fd < 0)
		return kubectl_errorf(ctx, "cannot create a temporary file: %s", strerror(errno));
	kube_buf_puts(&b, "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
			  "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
			  "# reopened with the relevant failures.\n#\n");
	kubectl_json_sort(obj);
	kube_yaml_from_json(&b, obj);
	if (write(fd, b.data, b.len) != (ssize_t)b.len) {
		close(fd);
		unlink(tmpl);
		kube_buf_clear(&b);
		return kubectl_errorf(ctx, "cannot write %s", tmpl);
	}
	close(fd);
	kube_buf_reset(&b);
	if (run_editor(ctx, tmpl)) {
		unlink(tmpl);
		kube_buf_clear(&b);
		return 1;
	}
	f = fopen(tmpl, "r");
	if (f) {
		char chunk[8192];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			kube_buf_append(&b, chunk, n);
		fclose(f);
	}
	unlink(tmpl);
	edited = kube_yaml_parse(b.data ? b.data : "", b.len, &err);
	kube_buf_clear(&b);
	kubectl_obj_ref(k, obj, &ref);
	if (!edited) {
		if (err)
			rc = kubectl_errorf(ctx, "%s", err);
		else
			rc = kubectl_errorf(ctx, "Edit cancelled, saved file was empty.");
		kube_free(err);
		kube_buf_clear(&ref);
		return rc;
	}
	if (kube_json_equal(edited, obj)) {
		fprintf(ctx->out, "Edit cancelled, no changes made.\n");
		cJSON_Delete(edited);
		kube_buf_clear(&ref);
		return 0;
	}
	patch = kubectl_three_way_patch(obj, edited, obj);
	body = kube_json_compact(patch);
	rc = kubectl_patch_obj(ctx, k, obj, "application/merge-patch+json", body, NULL);
	if (rc == 0)
		fprintf(ctx->out, "%s edited\n", kube_buf_str(&ref));
	kube_free(body);
	cJSON_Delete(patch);
	cJSON_Delete(edited);
	kube_buf_clear(&ref);
	return rc;
}

static int edit_run(kubectl_ctx_t *ctx)
{
	if (!kubectl_ctx_client(ctx))
		return 1;
	return kubectl_visit_args(ctx, ctx->args, ctx->nargs, NULL, false, false, edit_one, NULL);
}

const kubectl_command_t kubectl_cmd_edit = {
	"edit", "Edit a resource on the server", edit_setup, edit_run,
};
