/* kube_test: the runner for the TEST() cases linked into one test program. */
#include "kube_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

typedef struct {
	const char *name;
	kube_test_fn fn;
	const char *file;
} test_case_t;

static test_case_t cases[512];
static size_t ncases;
static jmp_buf fail_jmp;
static bool allow_leaks;

void kube_test_register(const char *name, kube_test_fn fn, const char *file)
{
	if (ncases >= ARRAY_SIZE(cases)) {
		fprintf(stderr, "kube_test: too many cases\n");
		abort();
	}
	cases[ncases++] = (test_case_t){ name, fn, file };
}

void kube_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	longjmp(fail_jmp, 1);
}

void kube_test_allow_leaks(void)
{
	allow_leaks = true;
}

/* Run one case; false when an assertion failed. Kept apart from main so no
 * local of the loop lives across setjmp. */
static bool run_case(test_case_t *c)
{
	if (setjmp(fail_jmp) == 0) {
		c->fn();
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ncases; i++) {
		test_case_t *c = &cases[i];
		long before;
		bool ok;

		if (argc > 1) {
			bool want = false;
			for (int a = 1; a < argc; a++)
				if (strcmp(argv[a], c->name) == 0)
					want = true;
			if (!want)
				continue;
		}
		allow_leaks = false;
		before = kube_alloc_live();
		ok = run_case(c);
		if (ok && !allow_leaks && kube_alloc_live() != before) {
			printf("  leak: %ld allocation(s) left live\n", kube_alloc_live() - before);
			ok = false;
		}
		printf("%s %s\n", ok ? "ok" : "FAIL", c->name);
		if (ok)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
