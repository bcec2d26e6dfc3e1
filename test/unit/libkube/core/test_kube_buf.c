#include "kube_test.h"
#include "core/kube_buf.h"

TEST(buf_append_printf)
{
	kube_buf_t b = KUBE_BUF_INIT;

	ASSERT_STREQ(kube_buf_str(&b), "");
	kube_buf_puts(&b, "abc");
	kube_buf_printf(&b, "-%d-", 42);
	kube_buf_putc(&b, 'x');
	ASSERT_STREQ(kube_buf_str(&b), "abc-42-x");
	ASSERT_EQ(b.len, 8);
	kube_buf_consume(&b, 4);
	ASSERT_STREQ(kube_buf_str(&b), "42-x");
	kube_buf_clear(&b);
}

TEST(buf_grows)
{
	kube_buf_t b = KUBE_BUF_INIT;

	for (int i = 0; i < 10000; i++)
		kube_buf_putc(&b, (char)('a' + i % 26));
	ASSERT_EQ(b.len, 10000);
	ASSERT_EQ(b.data[9999], 'a' + 9999 % 26);
	ASSERT_EQ(b.data[10000], '\0');
	kube_buf_clear(&b);
}

TEST(buf_json_string)
{
	kube_buf_t b = KUBE_BUF_INIT;

	kube_buf_json_string(&b, "a\"b\\c\n\x01z");
	ASSERT_STREQ(kube_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001z\"");
	kube_buf_clear(&b);
}

TEST(buf_steal)
{
	kube_buf_t b = KUBE_BUF_INIT;
	char *s = kube_buf_steal(&b);

	ASSERT_STREQ(s, "");
	kube_free(s);
	kube_buf_puts(&b, "hi");
	s = kube_buf_steal(&b);
	ASSERT_STREQ(s, "hi");
	ASSERT_NULL(b.data);
	kube_free(s);
}
