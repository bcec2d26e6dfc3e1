/* kube_status: metav1.Status errors with upstream's messages. */
#include "api/kube_status.h"

#include <stdarg.h>
#include <string.h>

static char *vfmt(const char *fmt, va_list ap)
{
	return kube_vasprintf(fmt, ap);
}

kube_status_t *kube_status_new(int code, const char *reason, const char *fmt, ...)
{
	kube_status_t *st = kube_calloc(1, sizeof(*st));
	va_list ap;

	st->code = code;
	st->reason = reason ? kube_strdup(reason) : NULL;
	va_start(ap, fmt);
	st->message = vfmt(fmt, ap);
	va_end(ap);
	return st;
}

void kube_status_free(kube_status_t *st)
{
	if (!st)
		return;
	kube_free(st->reason);
	kube_free(st->message);
	kube_free(st->name);
	kube_free(st->group);
	kube_free(st->kind);
	for (size_t i = 0; i < st->ncauses; i++) {
		kube_free(st->causes[i].reason);
		kube_free(st->causes[i].message);
		kube_free(st->causes[i].field);
	}
	kube_free(st->causes);
	kube_free(st);
}

static char *dup_or_null(const char *s)
{
	return s ? kube_strdup(s) : NULL;
}

void kube_status_set_details(kube_status_t *st, const char *name, const char *group,
			     const char *kind)
{
	kube_free(st->name);
	kube_free(st->group);
	kube_free(st->kind);
	st->name = dup_or_null(name);
	st->group = dup_or_null(group);
	st->kind = dup_or_null(kind);
}

void kube_status_add_cause(kube_status_t *st, const char *reason, const char *field,
			   const char *fmt, ...)
{
	va_list ap;
	kube_status_cause_t *c;

	st->causes = kube_realloc(st->causes, (st->ncauses + 1) * sizeof(*st->causes));
	c = &st->causes[st->ncauses++];
	c->reason = dup_or_null(reason);
	c->field = dup_or_null(field);
	va_start(ap, fmt);
	c->message = vfmt(fmt, ap);
	va_end(ap);
}

void kube_status_render(const kube_status_t *st, kube_buf_t *out)
{
	bool details = st->name || st->group || st->kind || st->ncauses || st->retry_after_seconds;

	kube_buf_puts(out, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":");
	kube_buf_puts(out, st->code >= 200 && st->code < 300 ? "\"Success\"" : "\"Failure\"");
	if (st->message && st->message[0]) {
		kube_buf_puts(out, ",\"message\":");
		kube_buf_json_string(out, st->message);
	}
	if (st->reason) {
		kube_buf_puts(out, ",\"reason\":");
		kube_buf_json_string(out, st->reason);
	}
	if (details) {
		bool first = true;
		kube_buf_puts(out, ",\"details\":{");
#define FIELD(k, v)                                             \
	do {                                                    \
		if (v) {                                        \
			kube_buf_puts(out, first ? "\"" k "\":" : ",\"" k "\":"); \
			kube_buf_json_string(out, v);           \
			first = false;                          \
		}                                               \
	} while (0)
		FIELD("name", st->name);
		FIELD("group", st->group);
		FIELD("kind", st->kind);
#undef FIELD
		if (st->ncauses) {
			kube_buf_puts(out, first ? "\"causes\":[" : ",\"causes\":[");
			first = false;
			for (size_t i = 0; i < st->ncauses; i++) {
				const kube_status_cause_t *c = &st->causes[i];
				bool cf = true;
				kube_buf_puts(out, i ? ",{" : "{");
				if (c->reason) {
					kube_buf_puts(out, "\"reason\":");
					kube_buf_json_string(out, c->reason);
					cf = false;
				}
				if (c->message) {
					kube_buf_puts(out, cf ? "\"message\":" : ",\"message\":");
					kube_buf_json_string(out, c->message);
					cf = false;
				}
				if (c->field) {
					kube_buf_puts(out, cf ? "\"field\":" : ",\"field\":");
					kube_buf_json_string(out, c->field);
				}
				kube_buf_putc(out, '}');
			}
			kube_buf_putc(out, ']');
		}
		if (st->retry_after_seconds)
			kube_buf_printf(out, "%s\"retryAfterSeconds\":%d", first ? "" : ",",
					st->retry_after_seconds);
		kube_buf_putc(out, '}');
	}
	kube_buf_printf(out, ",\"code\":%d}", st->code);
}

static kube_status_t *for_object(int code, const char *reason, const kube_kind_t *k,
				 const char *name, const char *suffix)
{
	kube_buf_t q = KUBE_BUF_INIT;
	kube_status_t *st;

	kube_kinds_qualified_resource(k, &q);
	st = kube_status_new(code, reason, "%s \"%s\" %s", kube_buf_str(&q), name ? name : "", suffix);
	kube_status_set_details(st, name, k->group[0] ? k->group : NULL, k->resource);
	kube_buf_clear(&q);
	return st;
}

kube_status_t *kube_status_not_found(const kube_kind_t *k, const char *name)
{
	return for_object(404, "NotFound", k, name, "not found");
}

kube_status_t *kube_status_already_exists(const kube_kind_t *k, const char *name)
{
	return for_object(409, "AlreadyExists", k, name, "already exists");
}

kube_status_t *kube_status_conflict(const kube_kind_t *k, const char *name, const char *why)
{
	kube_buf_t q = KUBE_BUF_INIT;
	kube_status_t *st;

	kube_kinds_qualified_resource(k, &q);
	st = kube_status_new(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": %s",
			     kube_buf_str(&q), name, why);
	kube_status_set_details(st, name, k->group[0] ? k->group : NULL, k->resource);
	kube_buf_clear(&q);
	return st;
}

kube_status_t *kube_status_invalid_new(void)
{
	return kube_status_new(422, "Invalid", "%s", "");
}

void kube_status_invalid_finish(kube_status_t *st, const kube_kind_t *k, const char *name)
{
	kube_buf_t m = KUBE_BUF_INIT;

	kube_kinds_qualified_kind(k, &m);
	kube_buf_printf(&m, " \"%s\" is invalid: ", name ? name : "");
	if (st->ncauses > 1)
		kube_buf_putc(&m, '[');
	for (size_t i = 0; i < st->ncauses; i++) {
		if (i)
			kube_buf_puts(&m, ", ");
		if (st->causes[i].field && st->causes[i].field[0])
			kube_buf_printf(&m, "%s: ", st->causes[i].field);
		kube_buf_puts(&m, st->causes[i].message);
	}
	if (st->ncauses > 1)
		kube_buf_putc(&m, ']');
	kube_free(st->message);
	st->message = kube_buf_steal(&m);
	kube_status_set_details(st, name, k->group[0] ? k->group : NULL, k->kind);
}

#define VSTATUS(code_, reason_)                                   \
	va_list ap;                                             \
	kube_status_t *st = kube_calloc(1, sizeof(*st));        \
	st->code = code_;                                       \
	st->reason = kube_strdup(reason_);                      \
	va_start(ap, fmt);                                      \
	st->message = vfmt(fmt, ap);                            \
	va_end(ap);                                             \
	return st

kube_status_t *kube_status_bad_request(const char *fmt, ...)
{
	VSTATUS(400, "BadRequest");
}

kube_status_t *kube_status_internal(const char *fmt, ...)
{
	VSTATUS(500, "InternalError");
}

kube_status_t *kube_status_unavailable(const char *fmt, ...)
{
	VSTATUS(503, "ServiceUnavailable");
}

kube_status_t *kube_status_forbidden(const char *fmt, ...)
{
	VSTATUS(403, "Forbidden");
}

kube_status_t *kube_status_method_not_allowed(void)
{
	return kube_status_new(405, "MethodNotAllowed",
			       "the server does not allow this method on the requested resource");
}

kube_status_t *kube_status_path_not_found(void)
{
	return kube_status_new(404, "NotFound", "the server could not find the requested resource");
}

kube_status_t *kube_status_gone(int64_t requested, int64_t oldest)
{
	return kube_status_new(410, "Expired", "too old resource version: %lld (%lld)",
			       (long long)requested, (long long)oldest);
}

kube_status_t *kube_status_unsupported_media(const char *content_type)
{
	return kube_status_new(415, "UnsupportedMediaType",
			       "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
}

kube_status_t *kube_status_too_large(void)
{
	return kube_status_new(413, "RequestEntityTooLarge", "the request is too large");
}
