/* Tests for libkube/core/kube_flags.c. */
#include "kube_test.h"

#include "core/kube_flags.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define NS_S 1000000000LL

struct opts {
	bool b, b2;
	char *s;
	int i;
	int64_t i64;
	double f;
	int64_t d;
	kube_strv_t list;
	kube_strv_t map;
	kube_ip_t ip;
	kube_cidr_t cidr;
	kube_port_range_t pr;
	int v;
};

static kube_flagset_t *mkset(struct opts *o)
{
	kube_flagset_t *fs = kube_flagset_new("prog", "A test program.");

	o->s = "def";
	o->b2 = true;
	o->i = 7;
	o->d = 15 * NS_S;
	kube_flag_bool(fs, "bool-flag", 'b', &o->b, "a bool");
	kube_flag_bool(fs, "on", 0, &o->b2, "default true");
	kube_flag_string(fs, "str", 's', &o->s, "a string");
	kube_flag_int(fs, "port", 'p', &o->i, "an int");
	kube_flag_int64(fs, "big", &o->i64, "an int64");
	kube_flag_float(fs, "ratio", &o->f, "a float");
	kube_flag_duration(fs, "period", &o->d, "a duration");
	kube_flag_list(fs, "names", &o->list, "a list");
	kube_flag_map(fs, "labels", &o->map, "a map");
	kube_flag_ip(fs, "bind-address", &o->ip, "an ip");
	kube_flag_cidr(fs, "cluster-cidr", &o->cidr, "a cidr");
	kube_flag_port_range(fs, "node-port-range", &o->pr, "a range");
	kube_flag_int(fs, "verbosity", 'v', &o->v, "level");
	kube_flag_ignored(fs, "old-thing", false, "ignored");
	kube_flag_ignored(fs, "old-bool", true, "ignored bool");
	kube_flag_alias(fs, "address", "bind-address", NULL);
	kube_flag_alias(fs, "legacy-port", "port", "use --port instead");
	return fs;
}

static int parse(kube_flagset_t *fs, const char *const *args, const char **err)
{
	char *argv[64];
	int argc = 0;

	argv[argc++] = (char *)"prog";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return kube_flagset_parse(fs, argc, argv, err);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

TEST(flags_defaults)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);

	ASSERT_EQ(parse(fs, ARGS("pos"), NULL), 0);
	ASSERT_STREQ(o.s, "def");
	ASSERT_EQ(o.i, 7);
	ASSERT_TRUE(o.b2);
	ASSERT_FALSE(o.b);
	ASSERT_EQ(o.d, 15 * NS_S);
	ASSERT_FALSE(kube_flag_changed(fs, "str"));
	kube_flagset_free(fs);
	ASSERT_NULL(o.s);
}

TEST(flags_forms)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);
	int n;
	char **args;

	ASSERT_EQ(parse(fs, ARGS("--str=a", "--port", "80", "--big_=1", "a1", "-b", "--on=false",
				 "--cluster_cidr=10.244.1.0/16", "a2", "-v", "3", "--", "--port=1", "-x"),
			NULL), -EINVAL);
	kube_flagset_free(fs);

	fs = mkset(&o);
	ASSERT_EQ(parse(fs, ARGS("--str=a", "--port", "80", "a1", "-b", "--on=false",
				 "--cluster_cidr=10.244.1.0/16", "a2", "-v", "3", "--", "--port=1", "-x"),
			NULL), 0);
	ASSERT_STREQ(o.s, "a");
	ASSERT_EQ(o.i, 80);
	ASSERT_TRUE(o.b);
	ASSERT_FALSE(o.b2);
	ASSERT_EQ(o.v, 3);
	ASSERT_EQ(o.cidr.prefix, 16);
	ASSERT_EQ(o.cidr.ip.addr[2], 0); /* masked to the network */
	ASSERT_EQ(o.cidr.ip.addr[1], 244);
	ASSERT_TRUE(kube_flag_changed(fs, "cluster-cidr"));
	ASSERT_TRUE(kube_flag_changed(fs, "cluster_cidr"));
	args = kube_flagset_args(fs, &n);
	ASSERT_EQ(n, 4);
	ASSERT_STREQ(args[0], "a1");
	ASSERT_STREQ(args[1], "a2");
	ASSERT_STREQ(args[2], "--port=1");
	ASSERT_STREQ(args[3], "-x");
	ASSERT_NULL(args[4]);
	kube_flagset_free(fs);
}

TEST(flags_bool_never_eats_next)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);
	int n;

	ASSERT_EQ(parse(fs, ARGS("--bool-flag", "false", "--on", "-v=2", "-p9", "-s", "x"), NULL), 0);
	ASSERT_TRUE(o.b);
	ASSERT_TRUE(o.b2);
	ASSERT_EQ(o.v, 2);
	ASSERT_EQ(o.i, 9);
	ASSERT_STREQ(o.s, "x");
	kube_flagset_args(fs, &n);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(kube_flagset_args(fs, NULL)[0], "false");
	kube_flagset_free(fs);
}

TEST(flags_lists_and_maps)
{
	struct opts o = { 0 };
	const char *def[] = { "x", "y", NULL };
	kube_flagset_t *fs;

	o.list = (kube_strv_t)def;
	fs = mkset(&o);
	ASSERT_EQ(kube_strv_len(o.list), 2);
	ASSERT_TRUE(o.list != (kube_strv_t)def); /* copied */
	ASSERT_EQ(parse(fs, ARGS("--names=a,b", "--names", "c", "--labels=k=v, k2 = v2",
				 "--labels=k=w"), NULL), 0);
	ASSERT_EQ(kube_strv_len(o.list), 3);
	ASSERT_STREQ(o.list[0], "a");
	ASSERT_STREQ(o.list[2], "c");
	ASSERT_EQ(kube_strv_len(o.map), 4);
	ASSERT_STREQ(o.map[0], "k");
	ASSERT_STREQ(o.map[1], "w");
	ASSERT_STREQ(o.map[2], "k2");
	ASSERT_STREQ(o.map[3], "v2");
	kube_flagset_free(fs);
	ASSERT_NULL(o.list);
	ASSERT_NULL(o.map);
}

TEST(flags_list_shorthand)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);

	kube_flag_set_shorthand(fs, "names", 'N');
	ASSERT_EQ(parse(fs, ARGS("-N", "a", "-N=b,c", "--names", "d"), NULL), 0);
	ASSERT_EQ(kube_strv_len(o.list), 4);
	ASSERT_STREQ(o.list[0], "a");
	ASSERT_STREQ(o.list[3], "d");
	kube_flagset_free(fs);
}

TEST(flags_aliases_and_deprecation)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);
	char path[] = "/tmp/kube_flags_testXXXXXX";
	int fd = mkstemp(path);
	char buf[1024] = { 0 };
	ssize_t n;

	ASSERT_TRUE(fd >= 0);
	kube_log_set_fd(fd);
	ASSERT_EQ(parse(fs, ARGS("--address=127.0.0.1", "--legacy_port=99", "--legacy-port=98",
				 "--old-thing", "val", "--old-bool"), NULL), 0);
	kube_log_set_fd(-1);
	ASSERT_EQ(o.ip.family, AF_INET);
	ASSERT_EQ(o.ip.addr[0], 127);
	ASSERT_EQ(o.i, 98);
	ASSERT_TRUE(kube_flag_changed(fs, "port"));
	ASSERT_TRUE(kube_flag_changed(fs, "bind-address"));
	ASSERT_STREQ(kube_flag_ignored_value(fs, "old-thing"), "val");
	ASSERT_STREQ(kube_flag_ignored_value(fs, "old-bool"), "true");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	ASSERT_GT(n, 0);
	ASSERT_NOT_NULL(strstr(buf, "Flag --legacy-port has been deprecated, use --port instead"));
	/* warned once */
	ASSERT_NULL(strstr(strstr(buf, "deprecated") + 1, "deprecated"));
	kube_flagset_free(fs);
}

static const struct {
	const char *args[4];
	const char *error;
} error_cases[] = {
	{ { "--nope" }, "unknown flag: --nope" },
	{ { "--nope=1" }, "unknown flag: --nope" },
	{ { "-x" }, "unknown shorthand flag: 'x' in -x" },
	{ { "-bx" }, "unknown shorthand flag: 'x' in -bx" },
	{ { "--port=abc" }, "invalid argument \"abc\" for \"-p, --port\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax" },
	{ { "--port=99999999999" }, "invalid argument \"99999999999\" for \"-p, --port\" flag: strconv.ParseInt: parsing \"99999999999\": value out of range" },
	{ { "--big=1x" }, "invalid argument \"1x\" for \"--big\" flag: strconv.ParseInt: parsing \"1x\": invalid syntax" },
	{ { "--on=yes" }, "invalid argument \"yes\" for \"--on\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax" },
	{ { "--period=5" }, "invalid argument \"5\" for \"--period\" flag: time: invalid duration \"5\"" },
	{ { "--ratio=z" }, "invalid argument \"z\" for \"--ratio\" flag: strconv.ParseFloat: parsing \"z\": invalid syntax" },
	{ { "--bind-address=1.2.3" }, "invalid argument \"1.2.3\" for \"--bind-address\" flag: failed to parse IP: \"1.2.3\"" },
	{ { "--address=x" }, "invalid argument \"x\" for \"--bind-address\" flag: failed to parse IP: \"x\"" },
	{ { "--cluster-cidr=10.0.0.0/33" }, "invalid argument \"10.0.0.0/33\" for \"--cluster-cidr\" flag: invalid CIDR address: 10.0.0.0/33" },
	{ { "--node-port-range=9-1" }, "invalid argument \"9-1\" for \"--node-port-range\" flag: unable to parse port range: 9-1" },
	{ { "--labels=novalue" }, "invalid argument \"novalue\" for \"--labels\" flag: malformed pair, expect string=string" },
	{ { "--port" }, "flag needs an argument: --port" },
	{ { "-p" }, "flag needs an argument: 'p' in -p" },
	{ { "---x" }, "bad flag syntax: ---x" },
	{ { "--=x" }, "bad flag syntax: --=x" },
};

TEST(flags_errors)
{
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct opts o = { 0 };
		kube_flagset_t *fs = mkset(&o);
		const char *err = NULL;
		const char *args[5] = { 0 };

		for (int j = 0; j < 4 && error_cases[i].args[j]; j++)
			args[j] = error_cases[i].args[j];
		ASSERT_EQ(parse(fs, args, &err), -EINVAL);
		ASSERT_STREQ(err, error_cases[i].error);
		kube_flagset_free(fs);
	}
}

static const struct {
	const char *in;
	int64_t ns;
	int ok;
} dur_cases[] = {
	{ "0", 0, 1 }, { "30s", 30 * NS_S, 1 }, { "5m", 300 * NS_S, 1 },
	{ "1h30m", 5400 * NS_S, 1 }, { "500ms", 500000000, 1 }, { "1.5h", 5400 * NS_S, 1 },
	{ "-2s", -2 * NS_S, 1 }, { "+3s", 3 * NS_S, 1 }, { "1us", 1000, 1 }, { "1\xc2\xb5s", 1000, 1 },
	{ "10ns", 10, 1 }, { ".5s", 500000000, 1 }, { "1.s", NS_S, 1 }, { "2h45m30.5s", 9930500000000LL, 1 },
	{ "", 0, 0 }, { "5", 0, 0 }, { "1d", 0, 0 }, { "s", 0, 0 }, { ".s", 0, 0 }, { "1h-5m", 0, 0 },
	{ "9999999999h", 0, 0 }, { "2562047h47m16.854775807s", INT64_MAX, 1 },
	{ "2562047h47m16.854775808s", 0, 0 }, { "-", 0, 0 },
};

TEST(flags_parse_duration)
{
	for (size_t i = 0; i < ARRAY_SIZE(dur_cases); i++) {
		int64_t ns = 42;
		int r = kube_parse_duration(dur_cases[i].in, &ns);
		if (dur_cases[i].ok) {
			if (r != 0 || ns != dur_cases[i].ns)
				kube_test_fail(__FILE__, __LINE__, "%s: r=%d ns=%" PRId64, dur_cases[i].in, r, ns);
		} else {
			if (r != -EINVAL || ns != 42)
				kube_test_fail(__FILE__, __LINE__, "%s: expected error", dur_cases[i].in);
		}
	}
}

static const struct {
	int64_t ns;
	const char *out;
} fmt_cases[] = {
	{ 0, "0s" }, { 1, "1ns" }, { 1100, "1.1\xc2\xb5s" }, { 2200000, "2.2ms" },
	{ 500000000, "500ms" }, { NS_S, "1s" }, { 90 * NS_S, "1m30s" }, { 3600 * NS_S, "1h0m0s" },
	{ 5400 * NS_S + 500000000, "1h30m0.5s" }, { -15 * NS_S, "-15s" }, { 40 * NS_S, "40s" },
	{ INT64_MIN, "-2562047h47m16.854775808s" },
};

TEST(flags_format_duration)
{
	for (size_t i = 0; i < ARRAY_SIZE(fmt_cases); i++) {
		kube_buf_t b = KUBE_BUF_INIT;
		kube_format_duration(fmt_cases[i].ns, &b);
		ASSERT_STREQ(kube_buf_str(&b), fmt_cases[i].out);
		kube_buf_clear(&b);
	}
}

TEST(flags_parse_int_forms)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);

	ASSERT_EQ(parse(fs, ARGS("--port=0x10", "--big=-9223372036854775808"), NULL), 0);
	ASSERT_EQ(o.i, 16);
	ASSERT_EQ(o.i64, INT64_MIN);
	ASSERT_EQ(parse(fs, ARGS("--port=-0b11", "--big=0o17"), NULL), 0);
	ASSERT_EQ(o.i, -3);
	ASSERT_EQ(o.i64, 15);
	ASSERT_EQ(parse(fs, ARGS("--port=1_000"), NULL), -EINVAL);
	ASSERT_EQ(parse(fs, ARGS("--port=0x_1_0", "--ratio=1e3"), NULL), 0);
	ASSERT_EQ(o.i, 16);
	ASSERT_TRUE(o.f == 1000.0);
	kube_flagset_free(fs);
}

static const struct {
	const char *in;
	int base, size, ok;
} pr_cases[] = {
	{ "30000-32767", 30000, 2768, 1 }, { "8080", 8080, 1, 1 }, { "30000+767", 30000, 768, 1 },
	{ "", 0, 0, 1 }, { "0-0", 0, 1, 1 }, { "1-65535", 1, 65535, 1 },
	{ "9-1", 0, 0, 0 }, { "70000", 0, 0, 0 }, { "a-b", 0, 0, 0 }, { "-5", 0, 0, 0 },
	{ "1-", 0, 0, 0 }, { "65000+1000", 0, 0, 0 }, { "1-2-3", 0, 0, 0 },
};

TEST(flags_port_range)
{
	for (size_t i = 0; i < ARRAY_SIZE(pr_cases); i++) {
		kube_port_range_t r = { -1, -1 };
		int rc = kube_parse_port_range(pr_cases[i].in, &r);
		if (pr_cases[i].ok) {
			ASSERT_EQ(rc, 0);
			ASSERT_EQ(r.base, pr_cases[i].base);
			ASSERT_EQ(r.size, pr_cases[i].size);
		} else {
			if (rc != -EINVAL)
				kube_test_fail(__FILE__, __LINE__, "%s: expected error", pr_cases[i].in);
			ASSERT_EQ(r.base, -1);
		}
	}
}

TEST(flags_ip_cidr)
{
	kube_ip_t ip;
	kube_cidr_t c;
	char buf[64];

	ASSERT_OK(kube_parse_ip("10.0.0.1", &ip));
	kube_format_ip(&ip, buf, sizeof(buf));
	ASSERT_STREQ(buf, "10.0.0.1");
	ASSERT_OK(kube_parse_ip("fd00::1", &ip));
	ASSERT_EQ(ip.family, AF_INET6);
	kube_format_ip(&ip, buf, sizeof(buf));
	ASSERT_STREQ(buf, "fd00::1");
	ASSERT_EQ(kube_parse_ip("010.0.0.1", &ip), -EINVAL);
	ASSERT_EQ(kube_parse_ip("", &ip), -EINVAL);
	ASSERT_OK(kube_parse_cidr("10.254.3.4/16", &c));
	kube_format_ip(&c.ip, buf, sizeof(buf));
	ASSERT_STREQ(buf, "10.254.0.0");
	ASSERT_OK(kube_parse_cidr("fd00:1:2::/48", &c));
	ASSERT_EQ(c.prefix, 48);
	ASSERT_EQ(kube_parse_cidr("10.0.0.0", &c), -EINVAL);
	ASSERT_EQ(kube_parse_cidr("10.0.0.0/-1", &c), -EINVAL);
	ASSERT_EQ(kube_parse_cidr("::/129", &c), -EINVAL);
	ASSERT_EQ(kube_parse_cidr("/8", &c), -EINVAL);
}

/* A usage line "<left><spaces><right>" with the help column aligned. */
static bool has_line(const char *u, const char *left, const char *right)
{
	char *line = kube_asprintf("\n%s ", left);
	const char *p = strstr(u, line);
	bool ok = false;

	kube_free(line);
	if (p) {
		p += strlen(left) + 1;
		while (*p == ' ')
			p++;
		ok = strncmp(p, right, strlen(right)) == 0 && p[strlen(right)] == '\n';
	}
	return ok;
}

TEST(flags_usage)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);
	kube_buf_t b = KUBE_BUF_INIT;
	const char *u;

	kube_flagset_usage(fs, &b);
	u = kube_buf_str(&b);
	ASSERT_TRUE(kube_startswith(u, "A test program.\n\nUsage:\n  prog [flags]\n\nFlags:\n"));
	ASSERT_TRUE(has_line(u, "      --period duration", "a duration (default 15s)"));
	ASSERT_TRUE(has_line(u, "  -s, --str string", "a string (default \"def\")"));
	ASSERT_TRUE(has_line(u, "      --on", "default true (default true)"));
	ASSERT_TRUE(has_line(u, "  -b, --bool-flag", "a bool"));
	ASSERT_TRUE(has_line(u, "  -h, --help", "help for prog"));
	ASSERT_TRUE(has_line(u, "  -p, --port int", "an int (default 7)"));
	ASSERT_TRUE(has_line(u, "      --names strings", "a list"));
	ASSERT_NOT_NULL(strstr(u, "      --address ip"));
	ASSERT_NULL(strstr(u, "legacy-port")); /* deprecated: hidden */
	/* sorted */
	ASSERT_TRUE(strstr(u, "--address") < strstr(u, "--bind-address"));
	kube_buf_clear(&b);
	kube_flagset_free(fs);
}

TEST(flags_help_version)
{
	struct opts o = { 0 };
	kube_flagset_t *fs = mkset(&o);
	int saved = dup(1), devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	fflush(stdout);
	dup2(devnull, 1);
	ASSERT_EQ(parse(fs, ARGS("--help"), NULL), 1);
	ASSERT_EQ(parse(fs, ARGS("-h"), NULL), 1);
	ASSERT_EQ(parse(fs, ARGS("--version"), NULL), 2);
	ASSERT_EQ(parse(fs, ARGS("--version", "--help"), NULL), 1);
	ASSERT_EQ(parse(fs, ARGS("--version=false"), NULL), 0);
	ASSERT_EQ(parse(fs, ARGS("--version=raw"), NULL), 2);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(devnull);
	kube_flagset_free(fs);
}

TEST(flags_log_flags)
{
	kube_log_config_t cfg = { .logtostderr = true };
	kube_flagset_t *fs = kube_flagset_new("prog", NULL);

	kube_flagset_add_log_flags(fs, &cfg);
	ASSERT_EQ(parse(fs, ARGS("--v=4", "--logtostderr=false", "--alsologtostderr",
				 "--log-file=/tmp/x.log", "--vmodule=a=1", "--log_dir=/tmp",
				 "--stderrthreshold=INFO"), NULL), 0);
	ASSERT_EQ(cfg.verbosity, 4);
	ASSERT_FALSE(cfg.logtostderr);
	ASSERT_TRUE(cfg.alsologtostderr);
	ASSERT_STREQ(cfg.log_file, "/tmp/x.log");
	ASSERT_STREQ(kube_flag_ignored_value(fs, "log-dir"), "/tmp");
	kube_flagset_free(fs);
	ASSERT_NULL(cfg.log_file);
}
