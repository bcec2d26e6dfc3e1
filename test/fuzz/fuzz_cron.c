/* Fuzz the CronJob schedule parser and next-time calculator (and the TZif
 * reader for inputs starting with "TZif"): every activation is after the
 * time it was asked from, and activations strictly increase. */
#include "controller_manager_cron.h"
#include "controller_manager_tz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kube_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 4 && memcmp(data, "TZif", 4) == 0) {
		controller_manager_tz_t *tz;
		if (controller_manager_tz_from_data(data, size, &tz) == 0) {
			for (int64_t t = -4000000000LL; t < 8000000000LL; t += 123456789)
				controller_manager_tz_offset(tz, t);
			controller_manager_tz_free(tz);
		}
		return 0;
	}
	if (size > 256)
		return 0;
	char *s = kube_strndup((const char *)data, size);
	controller_manager_cron_t *c = NULL;
	char *err = NULL;
	if (controller_manager_cron_parse(s, "UTC", &c, &err) == 0) {
		int64_t t = 1796256000; /* 2026-12-03 */
		for (int i = 0; i < 8; i++) {
			int64_t n = controller_manager_cron_next(c, t);
			if (n < 0)
				break;
			if (n <= t)
				abort();
			t = n;
		}
		controller_manager_cron_free(c);
	} else if (!err) {
		abort();
	}
	kube_free(err);
	kube_free(s);
	return 0;
}
