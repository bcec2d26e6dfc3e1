/*
 * fuzz_flags: argv parsing (kube_flags). The input is split at NUL bytes
 * into arguments; a flagset with every flag type parses them. Also feeds
 * the value parsers the whole input as one string.
 */
#include "core/kube_flags.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGV 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -2;
	char *copy, *argv[MAX_ARGV + 2];
	int argc = 0;
	bool b = false, on = true;
	char *s = "x";
	int i = 1;
	int64_t i64 = 0, d = 0;
	double f = 0;
	kube_strv_t list = NULL, map = NULL;
	kube_ip_t ip = { 0 };
	kube_cidr_t cidr = { 0 };
	kube_port_range_t pr = { 0 };
	kube_log_config_t log = { .logtostderr = true };
	kube_flagset_t *fs;
	const char *err = NULL;
	kube_buf_t buf = KUBE_BUF_INIT;

	if (devnull == -2) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		kube_log_set_fd(devnull);
	}
	copy = kube_malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';

	/* Value parsers on the whole input (up to the first NUL). */
	{
		kube_ip_t ip2;
		kube_cidr_t c2;
		kube_port_range_t p2;
		int64_t ns;
		bool bb;
		if (kube_parse_duration(copy, &ns) == 0) {
			kube_format_duration(ns, &buf);
			int64_t back;
			if (kube_parse_duration(kube_buf_str(&buf), &back) != 0 || back != ns)
				__builtin_trap(); /* String() must round-trip */
			kube_buf_clear(&buf);
		}
		(void)kube_parse_ip(copy, &ip2);
		(void)kube_parse_cidr(copy, &c2);
		(void)kube_parse_port_range(copy, &p2);
		(void)kube_parse_bool(copy, &bb);
	}

	argv[argc++] = (char *)"fuzz";
	for (size_t off = 0; off <= size && argc < MAX_ARGV; argc++) {
		argv[argc] = copy + off;
		off += strlen(copy + off) + 1;
	}
	argv[argc] = NULL;

	fs = kube_flagset_new("fuzz", NULL);
	kube_flagset_add_log_flags(fs, &log);
	kube_flag_bool(fs, "bool", 'b', &b, "");
	kube_flag_bool(fs, "on", 0, &on, "");
	kube_flag_string(fs, "str", 's', &s, "");
	kube_flag_int(fs, "port", 'p', &i, "");
	kube_flag_int64(fs, "big", &i64, "");
	kube_flag_float(fs, "ratio", &f, "");
	kube_flag_duration(fs, "period", &d, "");
	kube_flag_list(fs, "names", &list, "");
	kube_flag_map(fs, "labels", &map, "");
	kube_flag_ip(fs, "ip", &ip, "");
	kube_flag_cidr(fs, "cidr", &cidr, "");
	kube_flag_port_range(fs, "range", &pr, "");
	kube_flag_ignored(fs, "ign", false, "");
	kube_flag_ignored(fs, "ign-bool", true, "");
	kube_flag_alias(fs, "address", "ip", NULL);
	kube_flag_alias(fs, "old-port", "port", "use --port");
	kube_flag_deprecate(fs, "ign", "gone");
	/* --help and --version print: keep stdout out of the way. */
	for (int a = 1; a < argc; a++)
		if (strstr(argv[a], "-h") || strstr(argv[a], "help") || strstr(argv[a], "vers"))
			argv[a] = (char *)"x";
	(void)kube_flagset_parse(fs, argc, argv, &err);
	kube_flagset_usage(fs, &buf);
	kube_buf_clear(&buf);
	kube_flagset_free(fs);
	kube_free(copy);
	return 0;
}
