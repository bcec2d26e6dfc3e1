/*
 * kube_selector: label selectors and field selectors as upstream
 * (k8s.io/apimachinery pkg/labels and pkg/fields): parsing of the string
 * forms with upstream's error messages, building a label selector from a
 * metav1.LabelSelector JSON object, matching, and canonical String().
 *
 * Ownership: a parsed selector is a kube_selector_t / kube_fieldsel_t the
 * caller frees with kube_selector_free / kube_fieldsel_free (both accept
 * NULL). Error messages returned through ret_err and strings returned by the
 * *_string functions are kube_malloc'd; the caller kube_free()s them.
 * Selectors are immutable after parsing, so one selector may be matched from
 * many threads at once.
 */
#ifndef KUBE_SELECTOR_H
#define KUBE_SELECTOR_H

#include <cJSON.h>

#include "core/kube_core.h"

typedef enum kube_selector_op {
	KUBE_SEL_IN,
	KUBE_SEL_NOT_IN,
	KUBE_SEL_EQUALS,	/* "=" */
	KUBE_SEL_DOUBLE_EQUALS, /* "==" */
	KUBE_SEL_NOT_EQUALS,	/* "!=" */
	KUBE_SEL_EXISTS,
	KUBE_SEL_DOES_NOT_EXIST,
	KUBE_SEL_GT,
	KUBE_SEL_LT,
} kube_selector_op_t;

typedef struct kube_selector_req {
	char *key;
	kube_selector_op_t op;
	char **values;
	size_t nvalues;
} kube_selector_req_t;

typedef struct kube_selector {
	kube_selector_req_t *reqs; /* sorted by key, as upstream */
	size_t n;
	bool nothing; /* matches nothing (a null metav1.LabelSelector) */
} kube_selector_t;

/* Looks a label (or field) up by name: its value, or NULL when absent. */
typedef const char *(*kube_selector_get_fn)(const char *key, void *userdata);

/*
 * Parse a label selector string ("a=b,c in (d,e),!f"). An empty string
 * parses to the empty selector, which matches everything. On error returns
 * -EINVAL and, when ret_err is non-NULL, upstream's message, e.g.
 * "unable to parse requirement: <nil>: Invalid value: \"a$\": name part must ...".
 */
int kube_selector_parse(const char *s, kube_selector_t **ret, char **ret_err);
/*
 * Build from a metav1.LabelSelector object (matchLabels, matchExpressions with
 * In/NotIn/Exists/DoesNotExist). NULL or JSON null gives a selector that
 * matches nothing; {} matches everything. -EINVAL with a message on error.
 */
int kube_selector_from_json(const cJSON *ls, kube_selector_t **ret, char **ret_err);
void kube_selector_free(kube_selector_t *s);
KUBE_DEFINE_CLEANUP(kube_selector_t, kube_selector_free)

/* True when the selector has no requirements (matches everything). */
bool kube_selector_empty(const kube_selector_t *s);
/* Match against a labels object ({"k":"v",...}); NULL labels = no labels. */
bool kube_selector_matches(const kube_selector_t *s, const cJSON *labels);
/* Match through a lookup callback (for compact label tables). */
bool kube_selector_matches_fn(const kube_selector_t *s, kube_selector_get_fn get, void *userdata);
/* Canonical string as upstream's Selector.String(). Caller frees. */
char *kube_selector_string(const kube_selector_t *s);

/* ---- field selectors ---- */

typedef struct kube_fieldsel_term {
	char *field;
	char *value; /* unescaped */
	bool not_equal;
} kube_fieldsel_term_t;

typedef struct kube_fieldsel {
	kube_fieldsel_term_t *terms; /* sorted as upstream */
	size_t n;
} kube_fieldsel_t;

/*
 * Parse a field selector ("metadata.name=x,status.phase!=Running"); values
 * may escape '\\', ',' and '=' with a backslash. -EINVAL with upstream's
 * message on error, e.g. "invalid selector: 'x'; can't understand 'x'".
 */
int kube_fieldsel_parse(const char *s, kube_fieldsel_t **ret, char **ret_err);
void kube_fieldsel_free(kube_fieldsel_t *s);
KUBE_DEFINE_CLEANUP(kube_fieldsel_t, kube_fieldsel_free)
bool kube_fieldsel_empty(const kube_fieldsel_t *s);
/* Match: get() returns the field's value for the object, NULL = "". */
bool kube_fieldsel_matches(const kube_fieldsel_t *s, kube_selector_get_fn get, void *userdata);
/* The first field not in the NULL-terminated list allowed, or NULL if all
 * are supported (for the apiserver's "field label not supported: X"). Borrowed. */
const char *kube_fieldsel_unsupported(const kube_fieldsel_t *s, const char *const *allowed);
/* The value a term requires for field with "=" / "==", or NULL. Borrowed. */
const char *kube_fieldsel_requires_exact(const kube_fieldsel_t *s, const char *field);
/* Canonical string as upstream's fields.Selector.String(). Caller frees. */
char *kube_fieldsel_string(const kube_fieldsel_t *s);

#endif
