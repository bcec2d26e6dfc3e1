/* kube-scheduler: placeholder main until its flags module lands. */
#include "core/kube_log.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("Kubernetes %s\n", KUBE_GIT_VERSION);
			return 0;
		}
	}
	fprintf(stderr, "kube-scheduler: not implemented yet\n");
	return 1;
}
