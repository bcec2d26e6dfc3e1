/* Tests for kubectl/kubectl_printer.c: tabwriter alignment and Table rows. */
#include "kube_test.h"

#include "api/kube_json.h"
#include "kubectl_printer.h"

static const char *TABLE =
	"{\"kind\":\"Table\",\"columnDefinitions\":["
	"{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"priority\":0},"
	"{\"name\":\"Ready\",\"type\":\"string\",\"priority\":0},"
	"{\"name\":\"Restarts\",\"type\":\"integer\",\"priority\":0},"
	"{\"name\":\"Nominated Node\",\"type\":\"string\",\"priority\":1}],"
	"\"rows\":["
	"{\"cells\":[\"p1\",\"0/1\",0,\"<none>\"],\"object\":{\"metadata\":{\"name\":\"p1\",\"namespace\":\"default\",\"labels\":{\"b\":\"2\",\"a\":\"1\"}}}},"
	"{\"cells\":[\"pod-long-name\",\"1/1\",12,\"n1\"],\"object\":{\"metadata\":{\"name\":\"pod-long-name\",\"namespace\":\"kube-system\"}}}]}";

static char *render(const kubectl_table_opts_t *o)
{
	cJSON *t = kube_json_parse(TABLE, strlen(TABLE));
	kubectl_tab_t tab = { 0 };
	kube_buf_t b = KUBE_BUF_INIT;

	ASSERT_NOT_NULL(t);
	ASSERT_EQ(kubectl_table_rows(&tab, t, o, true), 2);
	kubectl_tab_flush(&tab, &b);
	kubectl_tab_clear(&tab);
	cJSON_Delete(t);
	return kube_buf_steal(&b);
}

TEST(table_default)
{
	kubectl_table_opts_t o = { 0 };
	char *s = render(&o);

	ASSERT_STREQ(s, "NAME            READY   RESTARTS\n"
			"p1              0/1     0\n"
			"pod-long-name   1/1     12\n");
	kube_free(s);
}

TEST(table_wide_namespace_kind_labels)
{
	char *cols[] = { "a", "x/b", NULL };
	kubectl_table_opts_t o = { .wide = true, .with_namespace = true, .kind_prefix = "pod",
				   .show_labels = true, .label_columns = cols };
	char *s = render(&o);

	/* -L x/b looks up the label "x/b" (absent) under the header "B" */
	ASSERT_STREQ(s, "NAMESPACE     NAME                READY   RESTARTS   NOMINATED NODE   A     B     LABELS\n"
			"default       pod/p1              0/1     0          <none>           1           a=1,b=2\n"
			"kube-system   pod/pod-long-name   1/1     12         n1                           <none>\n");
	kube_free(s);
}

TEST(table_no_headers)
{
	kubectl_table_opts_t o = { .no_headers = true };
	char *s = render(&o);

	ASSERT_STREQ(s, "p1              0/1   0\npod-long-name   1/1   12\n");
	kube_free(s);
}

TEST(tab_min_width_and_memory)
{
	kubectl_tab_t t = { 0 };
	kube_buf_t b = KUBE_BUF_INIT;
	const char *r1[] = { "A", "B", "C" }, *r2[] = { "é", "xx", "" };

	kubectl_tab_row(&t, r1, 3);
	kubectl_tab_row(&t, r2, 3);
	kubectl_tab_flush(&t, &b);
	/* minimum width 6, UTF-8 counted as one column, last cell unpadded */
	ASSERT_STREQ(kube_buf_str(&b), "A     B     C\né     xx    \n");
	kube_buf_reset(&b);
	/* widths are remembered across flushes (get -w) */
	kubectl_tab_row(&t, r1, 3);
	kubectl_tab_flush(&t, &b);
	ASSERT_STREQ(kube_buf_str(&b), "A     B     C\n");
	kube_buf_clear(&b);
	kubectl_tab_clear(&t);
}

TEST(cells_and_labels)
{
	cJSON *j = kube_json_parse("[1.5,true,null,{\"a\":1}]", 24);
	kube_buf_t b = KUBE_BUF_INIT;
	const cJSON *c;

	cJSON_ArrayForEach(c, j) {
		kubectl_cell_format(c, &b);
		kube_buf_putc(&b, '|');
	}
	ASSERT_STREQ(kube_buf_str(&b), "1.5|true|<nil>|{\"a\":1}|");
	kube_buf_reset(&b);
	kubectl_labels_format(NULL, &b);
	ASSERT_STREQ(kube_buf_str(&b), "<none>");
	kube_buf_clear(&b);
	cJSON_Delete(j);
}
