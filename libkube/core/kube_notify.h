/*
 * kube_notify: systemd's readiness notification (sd_notify) without
 * libsystemd. Sends one AF_UNIX SOCK_DGRAM datagram of newline-separated
 * KEY=VALUE lines ("READY=1", "STATUS=...", "STOPPING=1", "WATCHDOG=1") to
 * $NOTIFY_SOCKET: a filesystem path, or "@name" for an abstract socket (the
 * "@" becomes a NUL byte). With the variable unset it does nothing.
 * Stateless; thread-safe (each call opens and closes its own socket).
 */
#ifndef KUBE_NOTIFY_H
#define KUBE_NOTIFY_H

#include "core/kube_core.h"

/* Send state (e.g. "READY=1\nSTATUS=serving"). If unset_environment is
 * true, NOTIFY_SOCKET is removed from the environment afterwards (as
 * upstream does after READY=1) so children do not inherit it. Returns 1 if
 * sent, 0 if NOTIFY_SOCKET is unset or empty, or -errno (-EINVAL for a bad
 * address, or the error of socket/sendmsg). */
int kube_notify(bool unset_environment, const char *state);
/* kube_notify() with a printf format. */
int kube_notifyf(bool unset_environment, const char *fmt, ...) KUBE_PRINTF(2, 3);

#endif
