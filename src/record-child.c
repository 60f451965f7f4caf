// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The recorder's reading child (record.h, struct rec_child): one process
 * that reads file after file, each within a time limit, so that a kernel
 * file whose read never returns costs the report one child and the time
 * limit, not its end. One fork for the whole recording, not one per file:
 * a child is forked again only after one was killed.
 *
 * Over a socket pair (a dead child is an error, never a SIGPIPE): a request
 * is { uint64 max, uint32 length, the key }, an answer { int64 length or
 * -errno, the bytes }.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "shared/xalloc.h"

struct request {
	uint64_t max;
	uint32_t len;
};

/* Read exactly len bytes from fd before the deadline (-1: none); 0 or -errno. */
static int read_until(int fd, void *buf, size_t len, long long deadline)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline < 0 ? INT_MAX : deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -RFS_ETIMEOUT;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -RFS_ETIMEOUT;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the other end went away before it said everything */
		got += (size_t)n;
	}
	return 0;
}

/* Read one whole request (header and key) from a blocking fd; false at its end. */
static bool next_request(int fd, struct request *q, char key[PATH_MAX])
{
	char buf[sizeof(*q) + PATH_MAX];
	size_t got = 0;

	/* One sendmsg() of a few bytes: normally all of it in the first read. */
	while (got < sizeof(*q) || got < sizeof(*q) + q->len) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
		if (got >= sizeof(*q)) {
			memcpy(q, buf, sizeof(*q));
			if (q->len >= PATH_MAX || got > sizeof(*q) + q->len)
				return false;
		}
	}
	memcpy(key, buf + sizeof(*q), q->len);
	key[q->len] = '\0';
	return true;
}

/* The child: answer requests until the parent closes its end. */
static _Noreturn void serve(const struct rec_child *c, int fd)
{
	char key[PATH_MAX];
	struct request q = { 0 };

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	while (next_request(fd, &q, key)) {
		char *data = NULL;
		int64_t res = c->fn(c->ctx, key, (size_t)q.max, &data);
		size_t len = res > 0 && res <= (int64_t)q.max ? (size_t)res : 0;
		struct iovec iov[2] = { { &res, sizeof(res) }, { data, len } };
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n;

		if (res > (int64_t)q.max)
			res = -RFS_ETOOBIG;
		/* Header and bytes in one call; what a full socket left, written after. */
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (n < 0 || ((size_t)n < sizeof(res) &&
			      write_all(fd, (char *)&res + n, sizeof(res) - (size_t)n) < 0))
			_exit(0);
		n = (size_t)n < sizeof(res) ? 0 : n - (ssize_t)sizeof(res);
		if (write_all(fd, data + n, len - (size_t)n) < 0)
			_exit(0);
		free(data);
	}
	_exit(0);
}

static int start(struct rec_child *c)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (pid == 0) {
		close(sv[0]);
		serve(c, sv[1]);
	}
	close(sv[1]);
	c->pid = pid;
	c->fd = sv[0];
	c->timeout_ms = 0;
	return 0;
}

/* Kill the child (it may be stuck in the kernel: then it stays a zombie until its read returns). */
static void kill_child(struct rec_child *c, bool wait)
{
	int status;

	close(c->fd);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, wait ? 0 : WNOHANG);
	c->pid = 0;
	c->fd = -1;
}

void rec_child_stop(struct rec_child *c)
{
	if (c->pid > 0)
		kill_child(c, true);
}

static int ask(struct rec_child *c, const char *key, size_t max)
{
	struct request q = { .max = max, .len = (uint32_t)strlen(key) };
	struct iovec iov[2] = { { &q, sizeof(q) }, { (void *)key, q.len } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n = sendmsg(c->fd, &m, MSG_NOSIGNAL);

	if (n < 0)
		return -errno;
	/* Far below a socket's buffer: all or nothing. */
	return (size_t)n == sizeof(q) + q.len ? 0 : -EIO;
}

/*
 * The answer to a request: its length or -errno into *res, its bytes into
 * *out. One read brings the header and a small file's bytes together.
 */
static int read_answer(struct rec_child *c, size_t max, long long deadline, int64_t *res,
		       char **out)
{
	char first[sizeof(*res) + 4096];
	size_t got = 0, len;
	int err;

	while (got < sizeof(*res)) {
		ssize_t n = recv(c->fd, first + got, sizeof(first) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -RFS_ETIMEOUT : -errno;
		if (n == 0)
			return -EIO;	/* the child went away before it answered */
		got += (size_t)n;
	}
	memcpy(res, first, sizeof(*res));
	len = *res > 0 ? (size_t)*res : 0;
	if (*res > (int64_t)max || got - sizeof(*res) > len)
		return -EIO;
	*out = xmalloc(len + 1);
	memcpy(*out, first + sizeof(*res), got - sizeof(*res));
	err = read_until(c->fd, *out + got - sizeof(*res), len - (got - sizeof(*res)), deadline);
	if (err < 0) {
		free(*out);
		*out = NULL;
		return err;
	}
	(*out)[len] = '\0';
	return 0;
}

/* The child's socket waits at most timeout_ms for an answer. */
static int set_timeout(struct rec_child *c, unsigned int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	if (c->timeout_ms == timeout_ms)
		return 0;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	c->timeout_ms = timeout_ms;
	return 0;
}

ssize_t rec_child_call(struct rec_child *c, const char *key, size_t max, unsigned int timeout_ms,
		       char **out)
{
	long long deadline = now_ms() + timeout_ms;
	char *buf = NULL;
	int64_t res = 0;
	int err;

	*out = NULL;
	if (strlen(key) >= PATH_MAX)
		return -ENAMETOOLONG;
	for (int tries = 0;; tries++) {
		if (c->pid <= 0 && (err = start(c)) < 0)
			return err;
		err = set_timeout(c, timeout_ms);
		if (!err)
			err = ask(c, key, max);
		if (!err)
			err = read_answer(c, max, deadline, &res, &buf);
		if (tries || (err != -EPIPE && err != -ECONNRESET && err != -EIO))
			break;
		kill_child(c, true);	/* it died: a new one is asked once more */
	}
	if (err < 0) {
		kill_child(c, false);
		return err;
	}
	if (res < 0) {
		free(buf);
		return (ssize_t)res;
	}
	*out = buf;
	return (ssize_t)res;
}
