/*
 * kube_events: the event recorder (client-go's record.EventRecorder and
 * EventCorrelator) writing core/v1 Events.
 *
 * eventf(obj, "Normal"|"Warning", reason, fmt, ...) records an Event about
 * an object (involvedObject from its kind, namespace, name, uid, apiVersion
 * and resourceVersion; source.component = the recorder's component,
 * source.host when set). Events with the same source, involved object,
 * type, reason and message are aggregated as upstream does: the first is
 * created as "<name>.<hex unix nanos>", later ones PATCH its count and
 * lastTimestamp. As client-go's EventCorrelator also does, the 10th and
 * later distinct messages for the same source, object, type and reason
 * within 10 minutes become one "(combined from similar events): <msg>"
 * Event, and a spam filter lets 25 events per source and object through,
 * then one per 5 minutes (the others are dropped). Writes happen on the recorder's own thread from a bounded
 * queue (1000 events; beyond that new events are dropped and counted), so
 * eventf never blocks on the network.
 *
 * Threading: eventf is thread-safe.
 */
#ifndef KUBE_EVENTS_H
#define KUBE_EVENTS_H

#include <cJSON.h>

#include "core/kube_core.h"
#include "client/kube_client.h"

typedef struct kube_events kube_events_t;

/* component: "default-scheduler", "deployment-controller", ... host may be NULL. */
kube_events_t *kube_events_new(kube_client_t *c, const char *component, const char *host);
/* Flush what is queued (up to 5 s), stop the thread, free. Accepts NULL. */
void kube_events_free(kube_events_t *e);

/* obj: the involved object (needs kind and apiVersion, or pass them in
 * kind_hint/api_version_hint when the object lacks them, as informer
 * objects often do). */
void kube_events_eventf(kube_events_t *e, const cJSON *obj, const char *type, const char *reason,
			const char *fmt, ...) KUBE_PRINTF(5, 6);
void kube_events_eventf_kind(kube_events_t *e, const cJSON *obj, const char *api_version,
			     const char *kind, const char *type, const char *reason,
			     const char *fmt, ...) KUBE_PRINTF(7, 8);
/* Wait until every queued event is written (tests); timeout in ms. */
int kube_events_flush(kube_events_t *e, int64_t timeout_ms);
/* Events dropped because the queue was full. */
uint64_t kube_events_dropped(kube_events_t *e);

#endif
