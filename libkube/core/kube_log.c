/* kube_log: klog-format log lines to stderr and/or a file. */
#include "core/kube_log.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int verbosity;
static bool to_stderr = true;
static bool also_stderr;
static int file_fd = -1;
static int override_fd = -1;

int kube_log_configure(const kube_log_config_t *cfg)
{
	atomic_store(&verbosity, cfg->verbosity);
	to_stderr = cfg->logtostderr;
	also_stderr = cfg->alsologtostderr;
	if (file_fd >= 0) {
		close(file_fd);
		file_fd = -1;
	}
	if (cfg->log_file && cfg->log_file[0]) {
		file_fd = open(cfg->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (file_fd < 0)
			return -errno;
	}
	return 0;
}

int kube_log_verbosity(void)
{
	return atomic_load_explicit(&verbosity, memory_order_relaxed);
}

void kube_log_set_verbosity(int v)
{
	atomic_store(&verbosity, v);
}

void kube_log_set_fd(int fd)
{
	override_fd = fd;
}

static const char *base_name(const char *file)
{
	const char *s = strrchr(file, '/');

	return s ? s + 1 : file;
}

size_t kube_log_header(char *buf, size_t size, kube_log_severity_t sev,
		       int64_t wall_ns, int tid, const char *file, int line)
{
	static const char letters[] = "IWEF";
	time_t secs = (time_t)(wall_ns / 1000000000LL);
	long usec = (long)((wall_ns % 1000000000LL) / 1000);
	struct tm tm;
	int n;

	gmtime_r(&secs, &tm);
	n = snprintf(buf, size, "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s:%d] ",
		     letters[sev & 3], tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, usec, tid, base_name(file), line);
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

void kube_log_vwrite(kube_log_severity_t sev, const char *file, int line,
		     const char *fmt, va_list ap)
{
	char stackbuf[1024];
	char *buf = stackbuf;
	size_t hlen, cap = sizeof(stackbuf);
	int n;
	va_list ap2;

	hlen = kube_log_header(buf, cap, sev, kube_wall_ns(),
			       (int)syscall(SYS_gettid), file, line);
	va_copy(ap2, ap);
	n = vsnprintf(buf + hlen, cap - hlen, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	if ((size_t)n + hlen + 2 > cap) {
		cap = hlen + (size_t)n + 2;
		buf = malloc(cap);
		if (!buf)
			abort();
		memcpy(buf, stackbuf, hlen);
		vsnprintf(buf + hlen, cap - hlen, fmt, ap);
	}
	n += (int)hlen;
	if (n == 0 || buf[n - 1] != '\n')
		buf[n++] = '\n';

	if (override_fd >= 0) {
		write_all(override_fd, buf, (size_t)n);
	} else {
		if (to_stderr || also_stderr || file_fd < 0)
			write_all(STDERR_FILENO, buf, (size_t)n);
		if (!to_stderr && file_fd >= 0)
			write_all(file_fd, buf, (size_t)n);
	}
	if (buf != stackbuf)
		free(buf);
	if (sev == KUBE_LOG_FATAL)
		exit(255);
}

void kube_log_write(kube_log_severity_t sev, const char *file, int line,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kube_log_vwrite(sev, file, line, fmt, ap);
	va_end(ap);
}
