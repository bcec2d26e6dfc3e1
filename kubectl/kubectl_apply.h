/*
 * kubectl_apply: client-side `kubectl apply -f` as upstream does it: the
 * kubectl.kubernetes.io/last-applied-configuration annotation records what
 * was applied; a three-way merge of that (original), the file (modified)
 * and the live object (current) gives a patch that changes the fields the
 * file sets and deletes the fields the file no longer sets. "created",
 * "configured" or "unchanged" as upstream prints them.
 *
 * The patch is a JSON merge patch (lists replaced whole); a list counts as
 * unchanged when each item of the file's list is contained in the live
 * item at the same index, so server defaults inside lists (containers,
 * ports) do not make every apply "configured".
 */
#ifndef KUBECTL_APPLY_H
#define KUBECTL_APPLY_H

#include <stdbool.h>

#include <cJSON.h>

#define KUBECTL_LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* The patch (a new object, maybe empty) turning current into modified while
 * deleting what original had and modified dropped. original may be NULL. */
cJSON *kubectl_three_way_patch(const cJSON *original, const cJSON *modified, const cJSON *current);
/* Is every field of sub present with the same value in sup (recursively)? */
bool kubectl_json_contained(const cJSON *sub, const cJSON *sup);
/* Set the last-applied annotation of obj from obj itself. */
void kubectl_set_last_applied(cJSON *obj);

#endif
