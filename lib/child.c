// SPDX-License-Identifier: GPL-2.0-or-later
/* Run a program, wait for it, keep the end of its standard error. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

int kx_child_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* In the child: never returns. */
static void exec_child(const struct kx_child *c, int errfd)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (c->err == KX_CHILD_STDERR_NULL)
			dup2(null, 2);
	}
	if (errfd >= 0)
		dup2(errfd, 2);
	for (const char *const *e = c->env; e && *e; e++)
		putenv((char *)*e);
	if (c->cwd && chdir(c->cwd) < 0) {
		fprintf(stderr, "cannot enter the working directory %s: %s\n", c->cwd,
			strerror(errno));
		_exit(126);
	}
	if (c->search)
		execvp(c->path, c->argv);
	else
		execv(c->path, c->argv);
	fprintf(stderr, "cannot run %s: %s\n", c->path, strerror(errno));
	_exit(127);
}

/* Read the pipe to its end, keeping the last bytes. */
static void drain(int fd, char *out, size_t size)
{
	char sink[256];
	size_t len = 0;

	for (;;) {
		char *buf = out && size > 1 ? out + len : sink;
		size_t room = out && size > 1 ? size - 1 - len : sizeof(sink);
		ssize_t n = read(fd, buf, room);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf == sink)
			continue;
		len += (size_t)n;
		if (len == size - 1) {
			/* keep the second half: the last lines say what happened */
			memmove(out, out + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	if (out && size)
		out[len] = '\0';
}

int kx_child_run(const struct kx_child *c, char *out, size_t out_size)
{
	int pipefd[2] = { -1, -1 }, r;
	pid_t pid;

	if (out && out_size)
		out[0] = '\0';
	if (c->err == KX_CHILD_STDERR_CAPTURE && pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return r;
	}
	if (pid == 0) {
		if (c->detach) {
			/* a grandchild in its own session: nothing waits for it */
			setsid();
			if (fork() != 0)
				_exit(0);
		}
		exec_child(c, pipefd[1]);
	}
	if (pipefd[1] >= 0) {
		close(pipefd[1]);
		drain(pipefd[0], out, out_size);
		close(pipefd[0]);
	}
	r = kx_child_wait(pid);
	if (c->detach && r > 0)
		return -ECHILD;
	return r;
}
