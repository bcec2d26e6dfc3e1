/*
 * kube_test: the unit-test harness. A test file defines cases with TEST(name)
 * and checks with ASSERT_* macros; a failed assertion ends its case (longjmp)
 * and the runner goes on with the next one. The runner (kube_test.c) prints
 * "ok"/"FAIL" per case and a final "N passed, N failed" line, and exits 1 on
 * any failure. A case that leaves allocations made through kube_malloc live
 * is reported as a leak and fails. Run one case with: ./test_x NAME.
 */
#ifndef KUBE_TEST_H
#define KUBE_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/kube_core.h"

typedef void (*kube_test_fn)(void);

void kube_test_register(const char *name, kube_test_fn fn, const char *file);
void kube_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* Allow the current case to end with live allocations (e.g. global caches). */
void kube_test_allow_leaks(void);

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	__attribute__((constructor)) static void test_reg_##name(void)    \
	{                                                                 \
		kube_test_register(#name, test_##name, __FILE__);         \
	}                                                                 \
	static void test_##name(void)

#define ASSERT_TRUE(x)                                                          \
	do {                                                                    \
		if (!(x))                                                       \
			kube_test_fail(__FILE__, __LINE__, "ASSERT_TRUE(%s)", #x); \
	} while (0)
#define ASSERT_FALSE(x) ASSERT_TRUE(!(x))

#define ASSERT_INT_OP(a, op, b)                                                   \
	do {                                                                      \
		long long _a = (long long)(a), _b = (long long)(b);               \
		if (!(_a op _b))                                                  \
			kube_test_fail(__FILE__, __LINE__, "%s %s %s: %lld vs %lld", \
				       #a, #op, #b, _a, _b);                      \
	} while (0)
#define ASSERT_EQ(a, b) ASSERT_INT_OP(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_INT_OP(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_INT_OP(a, <, b)
#define ASSERT_LE(a, b) ASSERT_INT_OP(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_INT_OP(a, >, b)
#define ASSERT_GE(a, b) ASSERT_INT_OP(a, >=, b)
#define ASSERT_OK(x) ASSERT_INT_OP(x, >=, 0)

#define ASSERT_STREQ(a, b)                                                        \
	do {                                                                      \
		const char *_a = (a), *_b = (b);                                  \
		if (!_a || !_b || strcmp(_a, _b) != 0)                            \
			kube_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" vs \"%s\"", \
				       #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
	} while (0)
#define ASSERT_NULL(x) ASSERT_TRUE((x) == NULL)
#define ASSERT_NOT_NULL(x) ASSERT_TRUE((x) != NULL)
#define ASSERT_MEMEQ(a, b, n) ASSERT_TRUE(memcmp((a), (b), (n)) == 0)

#endif
