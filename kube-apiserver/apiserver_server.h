/*
 * apiserver_server: runs one kube-apiserver with the given options until
 * SIGTERM or SIGINT; returns the process exit status.
 */
#ifndef APISERVER_SERVER_H
#define APISERVER_SERVER_H

#include "apiserver_options.h"

int apiserver_run(apiserver_options_t *o);

#endif
