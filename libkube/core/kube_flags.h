/*
 * kube_flags: command-line flags compatible with upstream's (spf13/pflag as
 * the Kubernetes components configure it).
 *
 * Forms: --a-b=v, --a_b=v (underscore and dash are the same), --a-b v,
 * -x v / -x=v for shorthands; bools as --x, --x=true, --x=false (a bool never
 * takes the next argument). "--" ends flags. Positional arguments are kept
 * in order (kube_flagset_args()).
 *
 * Types: bool, string, int, int64, float, duration (Go syntax: "30s", "5m",
 * "1h30m", "500ms", "1.5h"; stored as nanoseconds), string list (comma
 * separated; repeating the flag appends), key=value map (comma separated
 * pairs; repeating merges), IP, CIDR, port range ("30000-32767" or "8080",
 * also "30000+767").
 *
 * A flagset owns every string, list and map it stores into the caller's
 * variables, and frees them in kube_flagset_free(); defaults given by the
 * caller are copied at registration. --help prints usage with defaults;
 * --version prints "Kubernetes <version>". An unknown or malformed flag is
 * one line on stderr ("Error: unknown flag: --foo") and exit status 2 with
 * kube_flagset_parse_or_exit(). A flag marked deprecated logs its warning
 * once when used. Not thread-safe.
 */
#ifndef KUBE_FLAGS_H
#define KUBE_FLAGS_H

#include "core/kube_core.h"
#include "core/kube_buf.h"
#include "core/kube_log.h"

#include <netinet/in.h>

typedef struct kube_flagset kube_flagset_t;

typedef struct kube_port_range {
	int base; /* first port */
	int size; /* number of ports; 0 = unset */
} kube_port_range_t;

typedef struct kube_ip {
	int family; /* AF_INET or AF_INET6; 0 = unset */
	uint8_t addr[16];
} kube_ip_t;

typedef struct kube_cidr {
	kube_ip_t ip; /* network address */
	int prefix;
} kube_cidr_t;

/* A NULL-terminated vector of owned strings; a map stores k0,v0,k1,v1,...,NULL. */
typedef char **kube_strv_t;

kube_flagset_t *kube_flagset_new(const char *program, const char *short_help);
void kube_flagset_free(kube_flagset_t *fs);

/* Registration. The variable's current value is the default. Names are
 * given with dashes. shorthand 0 for none. */
void kube_flag_bool(kube_flagset_t *fs, const char *name, char shorthand, bool *p, const char *help);
void kube_flag_string(kube_flagset_t *fs, const char *name, char shorthand, char **p, const char *help);
void kube_flag_int(kube_flagset_t *fs, const char *name, char shorthand, int *p, const char *help);
void kube_flag_int64(kube_flagset_t *fs, const char *name, int64_t *p, const char *help);
void kube_flag_float(kube_flagset_t *fs, const char *name, double *p, const char *help);
void kube_flag_duration(kube_flagset_t *fs, const char *name, int64_t *p_ns, const char *help);
void kube_flag_list(kube_flagset_t *fs, const char *name, kube_strv_t *p, const char *help);
void kube_flag_map(kube_flagset_t *fs, const char *name, kube_strv_t *p, const char *help);
void kube_flag_ip(kube_flagset_t *fs, const char *name, kube_ip_t *p, const char *help);
void kube_flag_cidr(kube_flagset_t *fs, const char *name, kube_cidr_t *p, const char *help);
void kube_flag_port_range(kube_flagset_t *fs, const char *name, kube_port_range_t *p, const char *help);
/* An accepted flag whose value is ignored (features not built yet). */
void kube_flag_ignored(kube_flagset_t *fs, const char *name, bool is_bool, const char *help);
/* The same, with a usage type word (NULL: "string") and a default shown in
 * --help (NULL: none). The value given is kept as text. */
void kube_flag_ignored_default(kube_flagset_t *fs, const char *name, const char *type_name,
			       const char *def, const char *help);
/* The text last given to an ignored flag (or its default); NULL if none or
 * not an ignored flag. Owned by the flagset. */
const char *kube_flag_ignored_value(const kube_flagset_t *fs, const char *name);

/* Modifiers on an already registered flag. */
/* Deprecated: accepted, warns "Flag --name has been deprecated, <message>" once. */
void kube_flag_deprecate(kube_flagset_t *fs, const char *name, const char *message);
/* Another name for the same variable (legacy spellings such as --address). */
void kube_flag_alias(kube_flagset_t *fs, const char *alias, const char *name, const char *deprecation);
void kube_flag_hide(kube_flagset_t *fs, const char *name);
/* The type word --help shows after the name ("int32", "Level", ...). */
/* A one-letter shorthand for a flag whose register call takes none (lists). */
void kube_flag_set_shorthand(kube_flagset_t *fs, const char *name, char shorthand);
void kube_flag_set_type_name(kube_flagset_t *fs, const char *name, const char *type_name);

/* --v (-v), --logtostderr, --alsologtostderr, --log-file into cfg (their
 * defaults are cfg's current values: set logtostderr = true first, as klog);
 * --vmodule, --log-dir, --stderrthreshold, --log-file-max-size,
 * --skip-headers, --one-output, --add-dir-header, --skip-log-headers and
 * --logging-format are accepted and ignored. cfg->log_file becomes owned by
 * the flagset: configure logging before kube_flagset_free(). */
void kube_flagset_add_log_flags(kube_flagset_t *fs, kube_log_config_t *cfg);

/* Parse argv[1..]. Returns 0, or -EINVAL with a one-line message in
 * *ret_error (owned by the flagset; pflag's wording without "Error: ").
 * --help/-h and --version return 1 and 2 after printing to stdout; they are
 * registered on first parse unless the program registered its own.
 * Flags and positional arguments may be interspersed. */
int kube_flagset_parse(kube_flagset_t *fs, int argc, char **argv, const char **ret_error);
/* Parse; on error print "Error: <msg>" to stderr and exit(2); on --help or
 * --version print and exit(0). Frees fs before exiting. */
void kube_flagset_parse_or_exit(kube_flagset_t *fs, int argc, char **argv);
/* The same for daemons, which take no arguments: a non-empty positional
 * argument is an error ("Error: \"prog\" does not take any arguments, got
 * [\"x\"]", exit 2). Empty arguments (from empty variables) are ignored. */
void kube_flagset_parse_noargs_or_exit(kube_flagset_t *fs, int argc, char **argv);
/* Whether the user set the flag (by any of its names). */
bool kube_flag_changed(const kube_flagset_t *fs, const char *name);
/* Positional arguments, in order; owned by the flagset. */
char **kube_flagset_args(const kube_flagset_t *fs, int *ret_count);
/* Usage text: "Usage:\n  program [flags]\n\nFlags:\n      --name type   help (default ...)". */
void kube_flagset_usage(const kube_flagset_t *fs, kube_buf_t *out);

/* Value parsers, shared with config files. Each returns 0 or -EINVAL. */
int kube_parse_bool(const char *s, bool *ret);
int kube_parse_duration(const char *s, int64_t *ret_ns);
void kube_format_duration(int64_t ns, kube_buf_t *out); /* Go's Duration.String() */
int kube_parse_ip(const char *s, kube_ip_t *ret);
int kube_parse_cidr(const char *s, kube_cidr_t *ret);
int kube_parse_port_range(const char *s, kube_port_range_t *ret);
void kube_format_ip(const kube_ip_t *ip, char *buf, size_t size);

void kube_strv_free(kube_strv_t v);
size_t kube_strv_len(const kube_strv_t v);

#endif
