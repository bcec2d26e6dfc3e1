/*
 * kube_ws: WebSocket (RFC 6455) for both ends of a connection.
 *
 * Three parts:
 *  - pure codec functions: frame header parsing and serialization, masking,
 *    close-payload encoding, UTF-8 checking, the handshake accept key and
 *    subprotocol selection. They own nothing and keep no state (fuzzable);
 *  - kube_ws_decoder_t: turns a byte stream into whole messages, joining
 *    fragments, passing control frames through between fragments, and
 *    enforcing masking rules, frame and message size limits and UTF-8 for
 *    text. On a protocol error it reports the close code to send;
 *  - kube_ws_conn_t: a connection on a libevent bufferevent (plain or TLS,
 *    taken after an HTTP Upgrade) that answers pings, runs the closing
 *    handshake, and delivers messages to a callback.
 *
 * Threading: codec functions are reentrant. A decoder has one owner. A
 * connection belongs to the thread running its bufferevent's event_base.
 */
#ifndef KUBE_WS_H
#define KUBE_WS_H

#include "core/kube_core.h"
#include "core/kube_buf.h"

struct bufferevent;

enum {
	KUBE_WS_OP_CONT = 0x0,
	KUBE_WS_OP_TEXT = 0x1,
	KUBE_WS_OP_BINARY = 0x2,
	KUBE_WS_OP_CLOSE = 0x8,
	KUBE_WS_OP_PING = 0x9,
	KUBE_WS_OP_PONG = 0xA,
};

/* Close codes (RFC 6455 7.4.1). */
enum {
	KUBE_WS_CLOSE_NORMAL = 1000,
	KUBE_WS_CLOSE_GOING_AWAY = 1001,
	KUBE_WS_CLOSE_PROTOCOL = 1002,
	KUBE_WS_CLOSE_UNSUPPORTED = 1003,
	KUBE_WS_CLOSE_NO_STATUS = 1005,	 /* never sent on the wire */
	KUBE_WS_CLOSE_ABNORMAL = 1006,	 /* never sent on the wire */
	KUBE_WS_CLOSE_INVALID_DATA = 1007,
	KUBE_WS_CLOSE_POLICY = 1008,
	KUBE_WS_CLOSE_TOO_BIG = 1009,
	KUBE_WS_CLOSE_EXTENSION = 1010,
	KUBE_WS_CLOSE_INTERNAL = 1011,
};

/* The GUID appended to Sec-WebSocket-Key (RFC 6455 1.3). */
#define KUBE_WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* Largest frame header: 2 + 8 (length) + 4 (mask). */
#define KUBE_WS_MAX_HEADER 14

typedef struct kube_ws_frame {
	bool fin;
	uint8_t rsv;	 /* RSV1..3 as bits 2..0 */
	uint8_t opcode;
	bool masked;
	uint8_t mask[4];
	uint64_t payload_len;
	size_t header_len; /* bytes of header before the payload */
} kube_ws_frame_t;

/* Parse one frame header from data[0..len). Returns the header length (> 0)
 * and fills *ret_frame; 0 when more bytes are needed; -EPROTO for a non-
 * minimal length encoding or a 64-bit length with the top bit set. Semantic
 * checks (opcodes, RSV, masking, control frame rules) are the decoder's. */
int kube_ws_frame_parse(const uint8_t *data, size_t len, kube_ws_frame_t *ret_frame);

/* Append one frame to out. mask NULL: unmasked (server to client); else the
 * payload is masked with those 4 bytes (client to server). */
void kube_ws_frame_write(kube_buf_t *out, bool fin, uint8_t opcode, const void *payload,
			 size_t len, const uint8_t *mask);

/* XOR data with mask in place; offset is the position of data[0] within the
 * payload (so a payload can be unmasked in pieces). */
void kube_ws_mask(uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset);

/* True if code may appear in a close frame on the wire. */
bool kube_ws_close_code_valid(unsigned code);
/* Split a close payload. An empty payload gives code 1005 and reason "".
 * Returns 0, or -EPROTO (1 byte payload, invalid code, reason not UTF-8).
 * *ret_reason points into payload (not NUL-terminated). */
int kube_ws_close_parse(const uint8_t *payload, size_t len, unsigned *ret_code,
			const char **ret_reason, size_t *ret_reason_len);
/* Build a close payload (code in network order + reason, reason cut to fit
 * the 125-byte control frame limit) into out (cleared first). */
void kube_ws_close_build(kube_buf_t *out, unsigned code, const char *reason);

/* True if data is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool kube_ws_utf8_valid(const uint8_t *data, size_t len);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
 * out gets 28 characters and a NUL. Returns 0, or -EINVAL if key is not the
 * base64 of 16 bytes. */
int kube_ws_accept_key(const char *key, char out[29]);
/* A fresh random Sec-WebSocket-Key (base64 of 16 random bytes). */
void kube_ws_client_key(char out[25]);
/* Pick the subprotocol: the first entry of the client's comma-separated
 * Sec-WebSocket-Protocol header (offered, may be NULL) that is in supported
 * (NULL-terminated), as upstream's wsstream does. Returns the supported
 * entry, or NULL when none matches. */
const char *kube_ws_select_subprotocol(const char *offered, const char *const *supported);

/* Server side of the opening handshake: check an upgrade request's method,
 * HTTP version (11 or 20 as kube_http_req_version gives), and the Upgrade,
 * Connection, Sec-WebSocket-Version and Sec-WebSocket-Key headers (any may
 * be NULL). Returns 0 (answer 101 with Sec-WebSocket-Accept from
 * kube_ws_accept_key), -EINVAL (answer 400), or -EPROTONOSUPPORT for another
 * version (answer 426 with "Sec-WebSocket-Version: 13"). */
int kube_ws_server_check(const char *method, int http_version, const char *upgrade,
			 const char *connection, const char *version, const char *key);
/* Client side: check the server's answer to our key. status must be 101,
 * Upgrade "websocket", Connection containing "upgrade", and accept the
 * expected Sec-WebSocket-Accept. Returns 0 or -EPROTO. */
int kube_ws_client_check(const char *key, int status, const char *upgrade,
			 const char *connection, const char *accept);

/* Kubernetes channel subprotocols (remotecommand over WebSocket). */
#define KUBE_WS_PROTO_V5_CHANNEL "v5.channel.k8s.io"
#define KUBE_WS_PROTO_V4_CHANNEL "v4.channel.k8s.io"
#define KUBE_WS_PROTO_V3_CHANNEL "v3.channel.k8s.io"
#define KUBE_WS_PROTO_V2_CHANNEL "v2.channel.k8s.io"
#define KUBE_WS_PROTO_CHANNEL "channel.k8s.io"
#define KUBE_WS_PROTO_BASE64_CHANNEL "base64.channel.k8s.io"

/* ---- decoder ---- */

typedef enum kube_ws_role {
	KUBE_WS_SERVER, /* receives masked frames, sends unmasked */
	KUBE_WS_CLIENT, /* receives unmasked frames, sends masked */
} kube_ws_role_t;

typedef struct kube_ws_decoder kube_ws_decoder_t;

typedef struct kube_ws_message {
	uint8_t opcode;	    /* TEXT, BINARY, CLOSE, PING or PONG */
	const uint8_t *data; /* unmasked; valid until the next decoder call */
	size_t len;
} kube_ws_message_t;

/* max_frame and max_message limit one frame's payload and one reassembled
 * message (0 = 32 MiB each). Returns a decoder the caller frees. */
kube_ws_decoder_t *kube_ws_decoder_new(kube_ws_role_t role, size_t max_frame,
				       size_t max_message);
void kube_ws_decoder_free(kube_ws_decoder_t *d);
/* Append received bytes. */
void kube_ws_decoder_feed(kube_ws_decoder_t *d, const void *data, size_t len);
/* Next complete message: 1 and *ret_msg filled; 0 when more bytes are
 * needed; negative on a protocol error (-EPROTO, -EMSGSIZE, -EILSEQ), after
 * which the decoder stays failed and kube_ws_decoder_close_code() says which
 * close code to send (1002, 1009 or 1007). */
int kube_ws_decoder_next(kube_ws_decoder_t *d, kube_ws_message_t *ret_msg);
unsigned kube_ws_decoder_close_code(const kube_ws_decoder_t *d);

/* ---- connection on a bufferevent ---- */

typedef struct kube_ws_conn kube_ws_conn_t;

/* A data message (TEXT or BINARY); data valid during the call only. */
typedef void (*kube_ws_message_fn)(kube_ws_conn_t *c, uint8_t opcode, const uint8_t *data,
				   size_t len, void *arg);
/* The connection ended: code is the peer's close code (1005 none), 1006
 * when the transport failed, or our code after a protocol error. Runs once;
 * the callback may free the connection. */
typedef void (*kube_ws_closed_fn)(kube_ws_conn_t *c, unsigned code, const char *reason,
				  void *arg);

typedef struct kube_ws_conn_config {
	kube_ws_role_t role;
	size_t max_frame;   /* 0 = 32 MiB */
	size_t max_message; /* 0 = 32 MiB */
	int close_timeout_ms; /* wait for the peer's close reply; 0 = 5000 */
} kube_ws_conn_config_t;

/* Take ownership of bev (already past the HTTP handshake; any bytes already
 * in its input buffer are treated as frames). Returns the connection. */
kube_ws_conn_t *kube_ws_conn_new(struct bufferevent *bev, const kube_ws_conn_config_t *cfg,
				 kube_ws_message_fn on_message, kube_ws_closed_fn on_closed,
				 void *arg);
/* Send one message (one frame). Returns 0, or -EPIPE once closing. */
int kube_ws_conn_send(kube_ws_conn_t *c, uint8_t opcode, const void *data, size_t len);
/* Start the closing handshake with code and reason; on_closed runs when the
 * peer answers, the transport ends, or the close timeout expires. */
void kube_ws_conn_close(kube_ws_conn_t *c, unsigned code, const char *reason);
/* Free at once, closing the bufferevent; on_closed is not called. Accepts NULL. */
void kube_ws_conn_free(kube_ws_conn_t *c);

#endif
