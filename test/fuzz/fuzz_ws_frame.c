/*
 * fuzz_ws_frame: WebSocket frame decoding (kube_ws_decoder_t) in both roles,
 * fed in two pieces, plus the close-payload parser and a re-encoding check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/kube_ws.h"

static void run(kube_ws_role_t role, const uint8_t *data, size_t size, size_t split)
{
	kube_ws_decoder_t *d = kube_ws_decoder_new(role, 1 << 16, 1 << 17);
	kube_ws_message_t m;
	int r = 0;

	kube_ws_decoder_feed(d, data, split);
	while ((r = kube_ws_decoder_next(d, &m)) == 1) {
		unsigned code;
		const char *reason;
		size_t rlen;

		if (m.opcode == KUBE_WS_OP_CLOSE &&
		    kube_ws_close_parse(m.data, m.len, &code, &reason, &rlen) != 0)
			abort(); /* the decoder only passes valid close frames */
		if (m.opcode == KUBE_WS_OP_TEXT && !kube_ws_utf8_valid(m.data, m.len))
			abort();
	}
	if (r == 0) {
		kube_ws_decoder_feed(d, data + split, size - split);
		while ((r = kube_ws_decoder_next(d, &m)) == 1)
			;
	}
	if (r < 0 && kube_ws_decoder_close_code(d) < 1000)
		abort();
	kube_ws_decoder_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kube_ws_frame_t f;
	size_t split = size ? data[0] % (size + 1) : 0;

	run(KUBE_WS_SERVER, data, size, split);
	run(KUBE_WS_CLIENT, data, size, split);
	if (kube_ws_frame_parse(data, size, &f) > 0 && f.payload_len <= size) {
		kube_buf_t out = KUBE_BUF_INIT;
		kube_ws_frame_t g;

		kube_ws_frame_write(&out, f.fin, f.opcode, data, (size_t)f.payload_len,
				    f.masked ? f.mask : NULL);
		if (kube_ws_frame_parse((const uint8_t *)out.data, out.len, &g) <= 0 ||
		    g.payload_len != f.payload_len || g.opcode != f.opcode)
			abort();
		kube_buf_clear(&out);
	}
	return 0;
}
