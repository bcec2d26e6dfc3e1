/* Fuzz the label and field selector parsers. */
#include "api/kube_selector.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = kube_strndup((const char *)data, size);
	kube_selector_t *ls = NULL;
	kube_fieldsel_t *fs = NULL;
	char *err = NULL;

	if (kube_selector_parse(s, &ls, &err) == 0) {
		char *str = kube_selector_string(ls);
		kube_free(str);
		kube_selector_matches(ls, NULL);
		kube_selector_free(ls);
	}
	kube_free(err);
	err = NULL;
	if (kube_fieldsel_parse(s, &fs, &err) == 0) {
		char *str = kube_fieldsel_string(fs);
		kube_free(str);
		kube_fieldsel_free(fs);
	}
	kube_free(err);
	kube_free(s);
	return 0;
}
