/*
 * kube_time: the time formats of the Kubernetes API and kubectl.
 *
 *  - metav1.Time: RFC 3339 in whole seconds, UTC ("2026-11-22T18:00:00Z"),
 *    as creationTimestamp and most timestamps are written;
 *  - metav1.MicroTime: RFC 3339 with six fraction digits, UTC
 *    ("2026-11-22T18:00:00.123456Z"), as Leases and Events use;
 *  - parsing of any RFC 3339 time (fraction up to 9 digits, "Z" or a
 *    "+hh:mm"/"-hh:mm" offset) into nanoseconds since the Unix epoch;
 *  - upstream's duration.HumanDuration and ShortHumanDuration (kubectl AGE).
 *
 * Times are int64 nanoseconds since 1970-01-01T00:00:00Z unless a name says
 * otherwise. Pure functions; thread-safe.
 */
#ifndef KUBE_TIME_H
#define KUBE_TIME_H

#include "core/kube_core.h"

/* Buffer sizes including the NUL. */
#define KUBE_TIME_RFC3339_SIZE 21	/* 2026-11-22T18:00:00Z */
#define KUBE_TIME_RFC3339_MICRO_SIZE 28 /* 2026-11-22T18:00:00.123456Z */
#define KUBE_TIME_HUMAN_SIZE 32

#define KUBE_NS_PER_SEC 1000000000LL

/* Format ns (truncated to the second, toward the past) as RFC 3339 UTC.
 * Returns the length, or -ERANGE if the year is outside 0000..9999 or buf
 * is smaller than KUBE_TIME_RFC3339_SIZE (buf then holds ""). */
int kube_time_format_rfc3339(int64_t ns, char *buf, size_t size);
/* Format ns (truncated to the microsecond) with six fraction digits. Returns
 * the length, or -ERANGE as above with KUBE_TIME_RFC3339_MICRO_SIZE. */
int kube_time_format_rfc3339_micro(int64_t ns, char *buf, size_t size);
/* Parse an RFC 3339 time ("2006-01-02T15:04:05[.fraction](Z|±hh:mm)", as Go's
 * time.Parse(time.RFC3339, s)) into *ret_ns. Returns 0, -EINVAL, or -ERANGE
 * outside the years int64 nanoseconds hold (1677..2262). */
int kube_time_parse_rfc3339(const char *s, int64_t *ret_ns);

/* Days since 1970-01-01 of a proleptic Gregorian date; and back. */
int64_t kube_time_days_from_civil(int64_t y, unsigned m, unsigned d);
void kube_time_civil_from_days(int64_t days, int64_t *ret_y, unsigned *ret_m, unsigned *ret_d);

/* duration.HumanDuration: "5s", "2m30s", "45m", "3h20m", "20h", "3d4h",
 * "200d", "3y40d", "10y"; "0s" for -2s < d < 0 and "<invalid>" below.
 * Writes into buf (KUBE_TIME_HUMAN_SIZE is enough). */
void kube_time_human_duration(int64_t ns, char *buf, size_t size);
/* duration.ShortHumanDuration: one unit only ("5s", "45m", "3h", "200d", "2y"). */
void kube_time_short_human_duration(int64_t ns, char *buf, size_t size);

#endif
