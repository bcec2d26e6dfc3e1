#include "kube_test.h"
#include "core/kube_log.h"

#include <stdlib.h>
#include <unistd.h>

TEST(log_header_format)
{
	char buf[128];
	/* 2026-11-22T18:00:00.123456Z */
	int64_t t = 1795370400LL * 1000000000LL + 123456789LL;
	size_t n = kube_log_header(buf, sizeof(buf), KUBE_LOG_INFO, t, 1234,
				   "libkube/core/file.c", 42);

	ASSERT_STREQ(buf, "I1122 18:00:00.123456    1234 file.c:42] ");
	ASSERT_EQ(n, strlen(buf));
	kube_log_header(buf, sizeof(buf), KUBE_LOG_ERROR, t, 7, "x.c", 1);
	ASSERT_TRUE(buf[0] == 'E');
}

TEST(log_verbosity_and_sink)
{
	int fds[2];
	char out[512] = { 0 };
	ssize_t n;

	ASSERT_OK(pipe(fds));
	kube_log_set_fd(fds[1]);
	kube_log_set_verbosity(2);
	klog_v(3, "hidden %d", 3);
	klog_v(2, "shown %d", 2);
	klog_warn("careful");
	kube_log_set_fd(-1);
	kube_log_set_verbosity(0);
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	ASSERT_GT(n, 0);
	ASSERT_NULL(strstr(out, "hidden"));
	ASSERT_NOT_NULL(strstr(out, "test_kube_log.c:"));
	ASSERT_NOT_NULL(strstr(out, "] shown 2\n"));
	ASSERT_TRUE(out[0] == 'I');
	ASSERT_NOT_NULL(strstr(out, "\nW"));
}
