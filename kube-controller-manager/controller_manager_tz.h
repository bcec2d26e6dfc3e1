/*
 * controller_manager_tz: time zones from the system tz database
 * (/usr/share/zoneinfo, TZif v1-v3 with the POSIX TZ footer), for cron
 * schedules with CRON_TZ=/TZ= or a CronJob's spec.timeZone, as Go's
 * time.LoadLocation does. A zone maps a UTC instant to its UTC offset; it
 * is immutable once loaded, so threads may share it. Times are Unix seconds.
 */
#ifndef CONTROLLER_MANAGER_TZ_H
#define CONTROLLER_MANAGER_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct controller_manager_tz controller_manager_tz_t;

/* Load a zone: "" or "UTC" is UTC, "Local" is /etc/localtime (UTC when
 * missing), otherwise an IANA name ("Europe/Berlin") read from
 * $ZONEINFO or /usr/share/zoneinfo. Returns 0, -EINVAL for a malformed
 * name or file, -ENOENT for an unknown zone. */
int controller_manager_tz_load(const char *name, controller_manager_tz_t **ret);
/* Parse TZif data (for tests and the fuzzer). */
int controller_manager_tz_from_data(const uint8_t *data, size_t len, controller_manager_tz_t **ret);
/* Parse a POSIX TZ rule string ("CET-1CEST,M3.5.0,M10.5.0/3"). */
int controller_manager_tz_from_posix(const char *rule, controller_manager_tz_t **ret);
void controller_manager_tz_free(controller_manager_tz_t *tz);

/* The offset east of UTC, in seconds, at instant t. */
int32_t controller_manager_tz_offset(const controller_manager_tz_t *tz, int64_t t);

#endif
