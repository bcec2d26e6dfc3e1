/*
 * kube_log: logging in klog's format, as the upstream components write it:
 *
 *   I1122 18:00:00.123456    1234 file.c:42] message
 *
 * Severity letter (I, W, E, F), month and day, wall time with microseconds,
 * the thread id right-aligned in 7 columns, the source file base name and
 * line. Verbosity comes from --v; klog_v(n, ...) logs when n <= --v.
 * Output goes to stderr by default (--logtostderr=true, as klog v2), or to
 * --log-file when --logtostderr=false, and to both with --alsologtostderr.
 *
 * Library code logs only at verbosity >= 4 (debug); programs log where they
 * handle an error. Thread-safe: each line is written with a single write(2).
 */
#ifndef KUBE_LOG_H
#define KUBE_LOG_H

#include "core/kube_core.h"

typedef enum {
	KUBE_LOG_INFO = 0,
	KUBE_LOG_WARNING,
	KUBE_LOG_ERROR,
	KUBE_LOG_FATAL,
} kube_log_severity_t;

typedef struct kube_log_config {
	int verbosity;		/* --v */
	bool logtostderr;	/* --logtostderr, default true */
	bool alsologtostderr;	/* --alsologtostderr */
	const char *log_file;	/* --log-file, NULL for none */
} kube_log_config_t;

/* Apply a configuration; opens log_file if set. Returns 0 or -errno. */
int kube_log_configure(const kube_log_config_t *cfg);
/* The current --v. */
int kube_log_verbosity(void);
void kube_log_set_verbosity(int v);
/* Redirect output to an fd (tests); -1 restores the configured sinks. */
void kube_log_set_fd(int fd);

void kube_log_write(kube_log_severity_t sev, const char *file, int line,
		    const char *fmt, ...) KUBE_PRINTF(4, 5);
void kube_log_vwrite(kube_log_severity_t sev, const char *file, int line,
		     const char *fmt, va_list ap);
/* Format a header into buf (at least 64 bytes); returns its length. */
size_t kube_log_header(char *buf, size_t size, kube_log_severity_t sev,
		       int64_t wall_ns, int tid, const char *file, int line);

#define klog_info(...) kube_log_write(KUBE_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define klog_warn(...) kube_log_write(KUBE_LOG_WARNING, __FILE__, __LINE__, __VA_ARGS__)
#define klog_error(...) kube_log_write(KUBE_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)
/* Logs and exits with status 255, as klog.Fatal. */
#define klog_fatal(...) kube_log_write(KUBE_LOG_FATAL, __FILE__, __LINE__, __VA_ARGS__)
#define klog_v(level, ...)                                                 \
	do {                                                               \
		if ((level) <= kube_log_verbosity())                       \
			kube_log_write(KUBE_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#endif
