#include "kube_test.h"
#include "net/kube_http1.h"

static int parse(const char *s, kube_http1_head_t *h)
{
	int status = 0;
	int r = kube_http1_parse_head(s, strlen(s), h, &status);

	return r < 0 ? status : 0;
}

TEST(head_length)
{
	ASSERT_EQ(kube_http1_head_length("GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY", 31), 27);
	ASSERT_EQ(kube_http1_head_length("GET / HTTP/1.1\nHost: x\n\n", 24), 24);
	ASSERT_EQ(kube_http1_head_length("GET / HTTP/1.1\r\nHost: x\r\n", 25), 0);
	ASSERT_EQ(kube_http1_head_length("\r\nGET / HTTP/1.1\r\n\r\n", 20), 20);
}

TEST(parse_ok)
{
	kube_http1_head_t h;

	ASSERT_EQ(parse("POST /api/v1/pods?watch=1 HTTP/1.1\r\nHost: a\r\n"
			"Content-Length: 12\r\nX-A:  spaced value \r\nConnection: keep-alive, Upgrade\r\n"
			"Upgrade: websocket\r\n\r\n", &h), 0);
	ASSERT_STREQ(h.method, "POST");
	ASSERT_STREQ(h.target, "/api/v1/pods?watch=1");
	ASSERT_EQ(h.version, 11);
	ASSERT_EQ(h.content_length, 12);
	ASSERT_TRUE(h.keep_alive);
	ASSERT_TRUE(h.upgrade);
	ASSERT_STREQ(kube_http1_head_get(&h, "x-a"), "spaced value");
	kube_http1_head_clear(&h);

	ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", &h), 0);
	ASSERT_EQ(h.version, 10);
	ASSERT_FALSE(h.keep_alive);
	kube_http1_head_clear(&h);

	ASSERT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n", &h), 0);
	ASSERT_FALSE(h.keep_alive);
	ASSERT_TRUE(h.chunked);
	kube_http1_head_clear(&h);
}

TEST(parse_errors)
{
	static const struct {
		const char *in;
		int status;
	} cases[] = {
		{ "GET /\r\n\r\n", 400 },
		{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
		{ "GET / FTP/1.1\r\n\r\n", 400 },
		{ "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET noslash HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\n\r\n", 400 }, /* no Host */
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		kube_http1_head_t h;
		int st = parse(cases[i].in, &h);
		if (st != cases[i].status)
			kube_test_fail(__FILE__, __LINE__, "case %zu: status %d, want %d", i, st,
				       cases[i].status);
	}
}

TEST(unescape)
{
	char *s = kube_http1_unescape("/a%20b+c%2Fd", 12, false);

	ASSERT_STREQ(s, "/a b+c/d");
	kube_free(s);
	s = kube_http1_unescape("a+b", 3, true);
	ASSERT_STREQ(s, "a b");
	kube_free(s);
	ASSERT_NULL(kube_http1_unescape("%zz", 3, false));
	ASSERT_NULL(kube_http1_unescape("%00", 3, false));
	ASSERT_NULL(kube_http1_unescape("ab%4", 4, false));
}
