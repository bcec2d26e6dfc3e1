/*
 * kubectl_printer: kubectl's output forms.
 *
 *  - a tab writer aligning cells as Go's text/tabwriter does with kubectl's
 *    settings (minimum width 6, padding 3, spaces; the last cell of a line
 *    is not padded; widths remembered across flushes for `get -w`);
 *  - server-side Tables (meta.k8s.io/v1) turned into rows: priority-0
 *    columns (all with -o wide), headers upper-cased, NAMESPACE first with
 *    -A, "kind/name" with several types, --show-labels and -L columns;
 *  - -o name ("deployment.apps/web").
 *
 * Ownership: a tab owns the copies of the cells it is given.
 */
#ifndef KUBECTL_PRINTER_H
#define KUBECTL_PRINTER_H

#include <stdbool.h>
#include <stdio.h>

#include <cJSON.h>

#include "api/kube_kinds.h"
#include "core/kube_buf.h"
#include "core/kube_flags.h"

typedef struct kubectl_tab {
	char ***rows;		/* rows[i][j], NULL-terminated per row */
	size_t nrows, caprows;
	size_t *widths;		/* remembered widths */
	size_t nwidths;
} kubectl_tab_t;

/* Append a row of n cells (copied). */
void kubectl_tab_row(kubectl_tab_t *t, const char *const *cells, size_t n);
/* Write the rows aligned and drop them (widths are remembered). */
void kubectl_tab_flush(kubectl_tab_t *t, kube_buf_t *out);
void kubectl_tab_clear(kubectl_tab_t *t);

typedef struct kubectl_table_opts {
	bool wide;
	bool no_headers;
	bool show_labels;
	bool with_namespace;	/* -A: a NAMESPACE column first */
	const char *kind_prefix; /* "pod": names print as "pod/x"; NULL: plain */
	kube_strv_t label_columns; /* -L */
} kubectl_table_opts_t;

/* Add the rows of a Table object (and its header unless no_headers or
 * header is false) to t. Returns the number of data rows. */
size_t kubectl_table_rows(kubectl_tab_t *t, const cJSON *table, const kubectl_table_opts_t *o,
			  bool header);

/* A Table cell as kubectl prints it. */
void kubectl_cell_format(const cJSON *cell, kube_buf_t *out);
/* "k=v,k2=v2" sorted by key, or "<none>". */
void kubectl_labels_format(const cJSON *labels, kube_buf_t *out);

#endif
