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

/*
 * The child's end of the socket: requests come one after another, several in
 * one write when the parent asks for a batch, so what one read brings beyond
 * a request is kept for the next.
 */
struct requests {
	int fd;
	size_t have;
	char buf[sizeof(struct request) + PATH_MAX];
};

/* The next whole request (header and key) from a blocking fd; false at its end. */
static bool next_request(struct requests *in, struct request *q, char key[PATH_MAX])
{
	for (;;) {
		ssize_t n;

		if (in->have >= sizeof(*q)) {
			memcpy(q, in->buf, sizeof(*q));
			if (q->len >= PATH_MAX)
				return false;
			if (in->have >= sizeof(*q) + q->len) {
				size_t used = sizeof(*q) + q->len;

				memcpy(key, in->buf + sizeof(*q), q->len);
				key[q->len] = '\0';
				memmove(in->buf, in->buf + used, in->have - used);
				in->have -= used;
				return true;
			}
		}
		n = read(in->fd, in->buf + in->have, sizeof(in->buf) - in->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		in->have += (size_t)n;
	}
}

/* The child: answer requests until the parent closes its end. */
static _Noreturn void serve(const struct rec_child *c, int fd)
{
	static struct requests in;
	char key[PATH_MAX];
	struct request q = { 0 };

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	in.fd = fd;
	while (next_request(&in, &q, key)) {
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
	c->in_len = 0;
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
	c->in_len = 0;
}

void rec_child_stop(struct rec_child *c)
{
	if (c->pid > 0)
		kill_child(c, true);
}

/* Send the requests for keys[0..n) (n <= REC_BATCH_MAX) in one write. */
static int ask(struct rec_child *c, const char *const *keys, size_t n, size_t max)
{
	struct request q[REC_BATCH_MAX];
	struct iovec iov[2 * REC_BATCH_MAX];
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 * n };
	size_t total = 0;
	ssize_t sent;

	memset(q, 0, sizeof(q));	/* the padding goes out too */
	for (size_t i = 0; i < n; i++) {
		q[i].max = max;
		q[i].len = (uint32_t)strlen(keys[i]);
		iov[2 * i] = (struct iovec){ &q[i], sizeof(q[i]) };
		iov[2 * i + 1] = (struct iovec){ (void *)keys[i], q[i].len };
		total += sizeof(q[i]) + q[i].len;
	}
	sent = sendmsg(c->fd, &m, MSG_NOSIGNAL);
	if (sent < 0)
		return -errno;
	/* Far below a socket's buffer: all or nothing. */
	return (size_t)sent == total ? 0 : -EIO;
}

/*
 * The answer to a request: its length or -errno into *res, its bytes into
 * *out. One read brings the header and a small file's bytes together, and,
 * after a batch, the start of the next answers: kept in c->in for them.
 */
static int read_answer(struct rec_child *c, size_t max, long long deadline, int64_t *res,
		       char **out)
{
	size_t len, take;
	int err;

	while (c->in_len < sizeof(*res)) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -RFS_ETIMEOUT : -errno;
		if (n == 0)
			return -EIO;	/* the child went away before it answered */
		c->in_len += (size_t)n;
	}
	memcpy(res, c->in, sizeof(*res));
	len = *res > 0 ? (size_t)*res : 0;
	if (*res > (int64_t)max)
		return -EIO;
	take = c->in_len - sizeof(*res) < len ? c->in_len - sizeof(*res) : len;
	*out = xmalloc(len + 1);
	memcpy(*out, c->in + sizeof(*res), take);
	c->in_len -= sizeof(*res) + take;
	memmove(c->in, c->in + sizeof(*res) + take, c->in_len);
	err = read_until(c->fd, *out + take, len - take, deadline);
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
			err = ask(c, &key, 1, max);
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

size_t rec_child_batch(struct rec_child *c, const char *const *keys, size_t n, size_t max,
		       unsigned int timeout_ms, ssize_t *res, char **out)
{
	int err;

	if (n > REC_BATCH_MAX)
		n = REC_BATCH_MAX;
	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		if (strlen(keys[i]) >= PATH_MAX)
			n = i;
	}
	if (!n || (c->pid <= 0 && start(c) < 0))
		return 0;
	err = set_timeout(c, timeout_ms);
	if (!err)
		err = ask(c, keys, n, max);
	if (err < 0) {
		kill_child(c, true);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t r = 0;

		/* Each answer within its own limit, from when the one before it came. */
		err = read_answer(c, max, now_ms() + timeout_ms, &r, &out[i]);
		if (err == -RFS_ETIMEOUT) {
			kill_child(c, false);
			res[i] = err;
			return i + 1;
		}
		if (err < 0) {
			kill_child(c, true);	/* it died: the rest is asked one by one */
			return i;
		}
		res[i] = (ssize_t)r;
		if (r < 0) {
			free(out[i]);
			out[i] = NULL;
		}
	}
	return n;
}
