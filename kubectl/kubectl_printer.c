/* kubectl_printer: tab writer and server-side Table rows. */
#include "kubectl_printer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "api/kube_json.h"

#define TAB_MINWIDTH 6
#define TAB_PADDING 3

void kubectl_tab_row(kubectl_tab_t *t, const char *const *cells, size_t n)
{
	char **row = kube_calloc(n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		row[i] = kube_strdup(cells[i] ? cells[i] : "");
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		t->rows = kube_realloc(t->rows, t->caprows * sizeof(*t->rows));
	}
	t->rows[t->nrows++] = row;
}

/* Display width: UTF-8 code points. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void drop_rows(kubectl_tab_t *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (char **c = t->rows[i]; *c; c++)
			kube_free(*c);
		kube_free(t->rows[i]);
	}
	t->nrows = 0;
}

void kubectl_tab_flush(kubectl_tab_t *t, kube_buf_t *out)
{
	size_t maxcols = 0;

	for (size_t i = 0; i < t->nrows; i++) {
		size_t n = 0;

		while (t->rows[i][n])
			n++;
		if (n > maxcols)
			maxcols = n;
	}
	if (maxcols > t->nwidths) {
		t->widths = kube_realloc(t->widths, maxcols * sizeof(size_t));
		memset(t->widths + t->nwidths, 0, (maxcols - t->nwidths) * sizeof(size_t));
		t->nwidths = maxcols;
	}
	/* A cell is padded when it is not its row's last. */
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t j = 0; t->rows[i][j] && t->rows[i][j + 1]; j++) {
			size_t w = text_width(t->rows[i][j]) + TAB_PADDING;

			if (w < TAB_MINWIDTH)
				w = TAB_MINWIDTH;
			if (w > t->widths[j])
				t->widths[j] = w;
		}
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; t->rows[i][j]; j++) {
			kube_buf_puts(out, t->rows[i][j]);
			if (t->rows[i][j + 1])
				for (size_t w = text_width(t->rows[i][j]); w < t->widths[j]; w++)
					kube_buf_putc(out, ' ');
		}
		kube_buf_putc(out, '\n');
	}
	drop_rows(t);
}

void kubectl_tab_clear(kubectl_tab_t *t)
{
	drop_rows(t);
	kube_free(t->rows);
	kube_free(t->widths);
	memset(t, 0, sizeof(*t));
}

void kubectl_cell_format(const cJSON *cell, kube_buf_t *out)
{
	if (cJSON_IsString(cell))
		kube_buf_puts(out, cell->valuestring);
	else if (cJSON_IsNumber(cell))
		kube_json_number_buf(out, cell->valuedouble);
	else if (cJSON_IsBool(cell))
		kube_buf_puts(out, cJSON_IsTrue(cell) ? "true" : "false");
	else if (!cell || cJSON_IsNull(cell))
		kube_buf_puts(out, "<nil>");
	else
		kube_json_compact_buf(out, cell);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kubectl_labels_format(const cJSON *labels, kube_buf_t *out)
{
	const cJSON *l;
	const char **keys;
	size_t n = 0, i = 0;

	cJSON_ArrayForEach(l, labels)
		n++;
	if (!n) {
		kube_buf_puts(out, "<none>");
		return;
	}
	keys = kube_calloc(n, sizeof(char *));
	cJSON_ArrayForEach(l, labels)
		keys[i++] = l->string;
	qsort(keys, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, keys[i]);

		kube_buf_printf(out, "%s%s=%s", i ? "," : "", keys[i],
				cJSON_IsString(v) ? v->valuestring : "");
	}
	kube_free(keys);
}

static void upper(kube_buf_t *b, const char *s)
{
	for (; *s; s++)
		kube_buf_putc(b, (char)toupper((unsigned char)*s));
}

size_t kubectl_table_rows(kubectl_tab_t *t, const cJSON *table, const kubectl_table_opts_t *o,
			  bool header)
{
	const cJSON *cols = kube_json_get(table, "columnDefinitions");
	const cJSON *rows = kube_json_get(table, "rows");
	const cJSON *c, *row;
	size_t ncols = (size_t)cJSON_GetArraySize(cols);
	size_t nlabels = o->label_columns ? kube_strv_len(o->label_columns) : 0;
	size_t maxcells = ncols + nlabels + 2, nrows = 0, n, j;
	bool *show = kube_calloc(ncols + 1, sizeof(bool));
	int name_col = -1;
	char **cells = kube_calloc(maxcells, sizeof(char *));
	kube_buf_t b = KUBE_BUF_INIT;

	j = 0;
	cJSON_ArrayForEach(c, cols) {
		show[j] = o->wide || kube_json_get_int64(c, "priority", 0) == 0;
		if (name_col < 0 && kube_streq(kube_json_get_str(c, "format"), "name"))
			name_col = (int)j;
		j++;
	}
	if (header && !o->no_headers) {
		n = 0;
		if (o->with_namespace)
			cells[n++] = kube_strdup("NAMESPACE");
		j = 0;
		cJSON_ArrayForEach(c, cols) {
			if (show[j++]) {
				upper(&b, kube_json_get_str(c, "name") ?: "");
				cells[n++] = kube_buf_steal(&b);
			}
		}
		for (size_t l = 0; l < nlabels; l++) {
			const char *key = o->label_columns[l], *sl = strrchr(key, '/');

			upper(&b, sl ? sl + 1 : key);
			cells[n++] = kube_buf_steal(&b);
		}
		if (o->show_labels)
			cells[n++] = kube_strdup("LABELS");
		kubectl_tab_row(t, (const char *const *)cells, n);
		for (j = 0; j < n; j++)
			kube_free(cells[j]);
	}
	cJSON_ArrayForEach(row, rows) {
		const cJSON *meta = kube_json_get(row, "object.metadata");
		const cJSON *labels = kube_json_get(meta, "labels");

		n = 0;
		if (o->with_namespace)
			cells[n++] = kube_strdup(kube_json_get_str(meta, "namespace") ?: "");
		j = 0;
		cJSON_ArrayForEach(c, kube_json_get(row, "cells")) {
			if (j < ncols && show[j]) {
				if ((int)j == name_col && o->kind_prefix)
					kube_buf_printf(&b, "%s/", o->kind_prefix);
				kubectl_cell_format(c, &b);
				cells[n++] = kube_buf_steal(&b);
			}
			j++;
		}
		for (size_t l = 0; l < nlabels; l++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(labels, o->label_columns[l]);

			cells[n++] = kube_strdup(cJSON_IsString(v) ? v->valuestring : "");
		}
		if (o->show_labels) {
			kubectl_labels_format(labels, &b);
			cells[n++] = kube_buf_steal(&b);
		}
		if (n == 0)
			continue;
		kubectl_tab_row(t, (const char *const *)cells, n);
		for (j = 0; j < n; j++)
			kube_free(cells[j]);
		nrows++;
	}
	kube_buf_clear(&b);
	kube_free(cells);
	kube_free(show);
	return nrows;
}
