/*
 * kube_grpc: a gRPC client over HTTP/2 (nghttp2), for etcd v3 and CRI.
 *
 * A channel is one HTTP/2 connection to one target, opened on first use and
 * again after it fails or the server sends GOAWAY. Calls are HTTP/2 streams
 * multiplexed on it: unary, server-streaming and bidirectional streaming
 * all use the same call object (send messages, half-close, receive
 * messages, end with a status). Messages are opaque bytes (serialized
 * protobuf); kube_grpc_unary_pb() wires in protobuf-c.
 *
 * Targets: "host:port" or "http://host:port" (h2c, prior knowledge),
 * "unix:/path" or "unix:///path" (h2c over a unix socket), and
 * "https://host:port" (TLS with ALPN h2, once net/kube_tls is available).
 * A comma-separated list of TCP endpoints ("a:2379,b:2379", as
 * --etcd-servers) makes one channel that connects to the endpoint that last
 * worked, or else the next one that accepts; calls in flight when a
 * connection fails end UNAVAILABLE, and the next call reconnects.
 *
 * Status: every call ends with a gRPC status code (KUBE_GRPC_OK or one of
 * the codes below) and message, taken from the grpc-status/grpc-message
 * trailers, or made locally as grpc-go does: UNAVAILABLE when the
 * connection fails, DEADLINE_EXCEEDED when the deadline passes,
 * RESOURCE_EXHAUSTED for a message over the limit, INTERNAL for protocol
 * errors.
 *
 * Ownership: the channel owns its connections and calls; a call lives until
 * its done callback returns or it is cancelled. The channel must outlive
 * its calls (freeing it cancels them without callbacks).
 *
 * Threading: a channel and its calls belong to the thread running its
 * event_base. A channel made with base NULL owns a private base, used by
 * the blocking helpers (and by callers that run it themselves through
 * kube_grpc_channel_base()). Never free the channel from a callback.
 */
#ifndef KUBE_GRPC_H
#define KUBE_GRPC_H

#include "core/kube_core.h"
#include "core/kube_buf.h"

struct event_base;
struct ProtobufCMessage;
struct ProtobufCMessageDescriptor;

typedef struct kube_grpc_channel kube_grpc_channel_t;
typedef struct kube_grpc_call kube_grpc_call_t;

/* gRPC status codes. */
enum {
	KUBE_GRPC_OK = 0,
	KUBE_GRPC_CANCELLED = 1,
	KUBE_GRPC_UNKNOWN = 2,
	KUBE_GRPC_INVALID_ARGUMENT = 3,
	KUBE_GRPC_DEADLINE_EXCEEDED = 4,
	KUBE_GRPC_NOT_FOUND = 5,
	KUBE_GRPC_ALREADY_EXISTS = 6,
	KUBE_GRPC_PERMISSION_DENIED = 7,
	KUBE_GRPC_RESOURCE_EXHAUSTED = 8,
	KUBE_GRPC_FAILED_PRECONDITION = 9,
	KUBE_GRPC_ABORTED = 10,
	KUBE_GRPC_OUT_OF_RANGE = 11,
	KUBE_GRPC_UNIMPLEMENTED = 12,
	KUBE_GRPC_INTERNAL = 13,
	KUBE_GRPC_UNAVAILABLE = 14,
	KUBE_GRPC_DATA_LOSS = 15,
	KUBE_GRPC_UNAUTHENTICATED = 16,
};

typedef struct kube_grpc_config {
	const char *target;	  /* see above; required */
	const char *authority;	  /* :authority; default host:port, "localhost" for unix */
	int connect_timeout_ms;	  /* default 20000 */
	size_t max_message;	  /* largest message received; default 64 MiB */
	int keepalive_time_ms;	  /* PING the server this often; 0 = never (default) */
	int keepalive_timeout_ms; /* no PING ACK within this: connection failed
				   * (calls end UNAVAILABLE); default 20000 */
	/* TLS for https:// targets (ALPN h2; server_name defaults to the host). */
	const char *ca_file, *cert_file, *key_file, *server_name;
	bool insecure_skip_verify;
} kube_grpc_config_t;

/* A message arrived (data valid during the call only). */
typedef void (*kube_grpc_message_fn)(kube_grpc_call_t *call, const uint8_t *data, size_t len,
				     void *arg);
/* The call ended with code (KUBE_GRPC_*) and message ("" when none). Runs
 * once; the call is freed after it returns. */
typedef void (*kube_grpc_done_fn)(kube_grpc_call_t *call, int code, const char *message,
				  void *arg);

/* Make a channel; no connection is made until the first call. base NULL:
 * private base. Strings in cfg are copied. Returns the channel, or NULL with
 * *ret_err = -EINVAL for a bad target. */
kube_grpc_channel_t *kube_grpc_channel_new(struct event_base *base, const kube_grpc_config_t *cfg,
					   int *ret_err);
/* Cancel every call (no callbacks), close connections, free. Accepts NULL. */
void kube_grpc_channel_free(kube_grpc_channel_t *ch);
struct event_base *kube_grpc_channel_base(const kube_grpc_channel_t *ch);
/* Open connections (for tests and metrics). */
size_t kube_grpc_channel_connections(const kube_grpc_channel_t *ch);

/* Start a call to method ("/package.Service/Method"). timeout_ms > 0 sets
 * the deadline (sent as grpc-timeout and enforced locally). metadata is a
 * NULL-terminated list of name, value pairs (lower-case names), may be NULL.
 * on_message may be NULL (messages dropped). done is required and runs
 * later from the loop, never from inside this function. Returns the call
 * (never NULL; failures end through done). */
kube_grpc_call_t *kube_grpc_call_start(kube_grpc_channel_t *ch, const char *method,
				       int timeout_ms, const char *const *metadata,
				       kube_grpc_message_fn on_message, kube_grpc_done_fn done,
				       void *arg);
/* Queue one message (the 5-byte gRPC prefix is added). Returns 0, or -EPIPE
 * after close_send or once the call ended. */
int kube_grpc_call_send(kube_grpc_call_t *call, const void *msg, size_t len);
/* Pack a protobuf-c message and send it. Returns as kube_grpc_call_send. */
int kube_grpc_call_send_pb(kube_grpc_call_t *call, const struct ProtobufCMessage *msg);
/* Half-close: no more messages from us (END_STREAM after the queued ones). */
int kube_grpc_call_close_send(kube_grpc_call_t *call);
/* Cancel: RST_STREAM(CANCEL) to the server, no more callbacks, free. Not
 * from inside the call's own done callback. */
void kube_grpc_call_cancel(kube_grpc_call_t *call);

/* Blocking unary call on the channel's loop. Returns the gRPC status code
 * (0 = OK, *ret_resp filled with the response bytes, caller clears it), or
 * -EINVAL for bad arguments. *ret_message, when not NULL, receives the status
 * message (caller frees) whatever the code. */
int kube_grpc_unary(kube_grpc_channel_t *ch, const char *method, const void *req, size_t len,
		    int timeout_ms, kube_buf_t *ret_resp, char **ret_message);
/* The same with protobuf-c messages: req is packed, the response unpacked
 * with resp_desc into *ret_resp (free it with protobuf_c_message_free_unpacked
 * and NULL allocator). A response that fails to unpack gives INTERNAL. */
int kube_grpc_unary_pb(kube_grpc_channel_t *ch, const char *method,
		       const struct ProtobufCMessage *req,
		       const struct ProtobufCMessageDescriptor *resp_desc, int timeout_ms,
		       struct ProtobufCMessage **ret_resp, char **ret_message);

/* Upper-case name of a status code ("OK", "UNIMPLEMENTED", ...). */
const char *kube_grpc_code_name(int code);
/* Format a grpc-timeout header value for ms ("250m", "3600S"); out >= 16. */
void kube_grpc_timeout_format(int64_t ms, char *out, size_t size);

#endif
