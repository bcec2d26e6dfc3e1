/* Tests for libkube/core/kube_notify.c, against a real datagram socket. */
#include "kube_test.h"

#include "core/kube_notify.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Bind a datagram socket at path (or abstract when path starts with '@'). */
static int listen_dgram(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	socklen_t salen;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@') {
		sa.sun_path[0] = '\0';
		salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		unlink(path);
		salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	if (bind(fd, (struct sockaddr *)&sa, salen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void recv_str(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
}

TEST(notify_unset_is_noop)
{
	unsetenv("NOTIFY_SOCKET");
	ASSERT_EQ(kube_notify(false, "READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	ASSERT_EQ(kube_notify(true, "READY=1"), 0);
	ASSERT_NULL(getenv("NOTIFY_SOCKET"));
}

TEST(notify_path)
{
	char path[64], buf[256];
	int fd;

	snprintf(path, sizeof(path), "/tmp/kube-notify-test-%d", (int)getpid());
	fd = listen_dgram(path);
	ASSERT_TRUE(fd >= 0);
	setenv("NOTIFY_SOCKET", path, 1);
	ASSERT_EQ(kube_notify(false, "READY=1\nSTATUS=serving"), 1);
	recv_str(fd, buf, sizeof(buf));
	ASSERT_STREQ(buf, "READY=1\nSTATUS=serving");
	ASSERT_EQ(kube_notifyf(true, "STOPPING=%d", 1), 1);
	recv_str(fd, buf, sizeof(buf));
	ASSERT_STREQ(buf, "STOPPING=1");
	ASSERT_NULL(getenv("NOTIFY_SOCKET"));
	ASSERT_EQ(kube_notify(false, "READY=1"), 0); /* now unset */
	close(fd);
	unlink(path);
}

TEST(notify_abstract)
{
	char name[64], buf[64];
	int fd;

	snprintf(name, sizeof(name), "@kube-notify-test-%d", (int)getpid());
	fd = listen_dgram(name);
	ASSERT_TRUE(fd >= 0);
	setenv("NOTIFY_SOCKET", name, 1);
	ASSERT_EQ(kube_notify(true, "READY=1"), 1);
	recv_str(fd, buf, sizeof(buf));
	ASSERT_STREQ(buf, "READY=1");
	close(fd);
}

TEST(notify_errors)
{
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ASSERT_EQ(kube_notify(false, "READY=1"), -EINVAL);
	setenv("NOTIFY_SOCKET", "/nonexistent/kube-notify", 1);
	ASSERT_EQ(kube_notify(false, "READY=1"), -ENOENT);
	unsetenv("NOTIFY_SOCKET");
}
