/*
 * controller_manager_cron: cron schedules as the CronJob controller reads
 * them (robfig/cron v3's ParseStandard): five fields (minute, hour, day of
 * month, month, day of week) with '*' or '?', lists, ranges, steps and
 * month/day names; the descriptors @yearly, @annually, @monthly, @weekly,
 * @daily, @midnight, @hourly and "@every <Go duration>"; and a leading
 * "CRON_TZ=<zone> " or "TZ=<zone> " (or the CronJob's spec.timeZone) read
 * from the system tz database. Day of month and day of week are ORed unless
 * either is '*'. A schedule is immutable; times are Unix seconds.
 */
#ifndef CONTROLLER_MANAGER_CRON_H
#define CONTROLLER_MANAGER_CRON_H

#include <stdint.h>

typedef struct controller_manager_cron controller_manager_cron_t;

/* Parse spec. time_zone (spec.timeZone) may be NULL: the schedule then
 * runs in the controller's local zone ("Local"), unless spec has a
 * CRON_TZ=/TZ= prefix. On error returns -EINVAL (or -ENOENT for an unknown
 * zone) with a message in *ret_err (kube_malloc'd; ret_err may be NULL). */
int controller_manager_cron_parse(const char *spec, const char *time_zone,
				  controller_manager_cron_t **ret, char **ret_err);
void controller_manager_cron_free(controller_manager_cron_t *c);

/* The first activation strictly after t, or -1 when there is none within
 * five years (e.g. "0 0 30 2 *"). */
int64_t controller_manager_cron_next(const controller_manager_cron_t *c, int64_t t);
/* The most recent activation in (after, now], or -1 when none; *ret_missed
 * (may be NULL) gets how many activations fell in that window, counted up
 * to 101 (upstream warns past 100). */
int64_t controller_manager_cron_most_recent(const controller_manager_cron_t *c, int64_t after,
					    int64_t now, int *ret_missed);

#endif
