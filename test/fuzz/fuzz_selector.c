/* fuzz_selector: the input is parsed as a label selector and as a field
 * selector; what parses is printed, re-parsed (String() must be stable) and
 * matched. */
#include <string.h>

#include "api/kube_json.h"
#include "api/kube_selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *get_any(const char *key, void *ud)
{
	return strlen(key) % 2 ? (const char *)ud : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = kube_strndup((const char *)data, size);
	kube_selector_t *ls = NULL, *ls2 = NULL;
	kube_fieldsel_t *fs = NULL, *fs2 = NULL;
	char *err = NULL;

	if (kube_selector_parse(s, &ls, &err) == 0) {
		char *str = kube_selector_string(ls);
		(void)kube_selector_matches_fn(ls, get_any, "a");
		if (kube_selector_parse(str, &ls2, NULL) == 0) {
			char *str2 = kube_selector_string(ls2);
			if (strcmp(str, str2) != 0)
				__builtin_trap();
			kube_free(str2);
		}
		kube_free(str);
	}
	kube_free(err);
	err = NULL;
	if (kube_fieldsel_parse(s, &fs, &err) == 0) {
		char *str = kube_fieldsel_string(fs);
		(void)kube_fieldsel_matches(fs, get_any, "x");
		if (kube_fieldsel_parse(str, &fs2, NULL) != 0)
			__builtin_trap();
		kube_free(str);
	}
	kube_free(err);
	kube_selector_free(ls);
	kube_selector_free(ls2);
	kube_fieldsel_free(fs);
	kube_fieldsel_free(fs2);
	kube_free(s);
	return 0;
}
