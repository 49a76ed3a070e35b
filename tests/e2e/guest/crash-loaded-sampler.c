// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash-loaded-sampler [SECONDS] [STOPFILE] [NICE] [LOG]: read /sys/kernel/kexec_crash_loaded as fast as it can
 * (pread on one open file: sysfs answers each read afresh) until SECONDS have passed or STOPFILE
 * exists, and print how long it read 0 in total: the time the system had no crash kernel.  NICE
 * lowers its priority (busybox has no nice(1)) when it must not slow what it watches.
 *   SAMPLER reads=… zero_ms=… zero_runs=… longest_zero_ms=… end=0|1
 * A stretch of 0 is timed from the first read of 0 to the next read of 1, so zero_ms is exact to
 * one read's duration.  With LOG, every transition is also written there as "SECONDS VALUE"
 * (seconds since the start, 3 decimals; the first line is the value at the start): the
 * transition logger of the repeated-reload bench (bench/hotplug-unplug-repeat.sh).  Built statically for the lab's guests (no libc in the initramfs).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 60, start = now(), zero_since = 0, zero = 0, longest = 0;
	const char *stop = argc > 2 ? argv[2] : NULL;
	unsigned long long reads = 0, runs = 0;
	int fd = open("/sys/kernel/kexec_crash_loaded", O_RDONLY), last = -1;
	FILE *log = argc > 4 ? fopen(argv[4], "w") : NULL;
	char c = '?';

	if (argc > 3 && setpriority(PRIO_PROCESS, 0, atoi(argv[3])) < 0)
		perror("crash-loaded-sampler: setpriority");
	if (fd < 0) {
		perror("crash-loaded-sampler: /sys/kernel/kexec_crash_loaded");
		return 1;
	}
	for (;;) {
		double t;

		if (pread(fd, &c, 1, 0) != 1)
			return 1;
		t = now();
		reads++;
		if (c == '0' && last != 0) {
			zero_since = t;
			runs++;
		} else if (c != '0' && last == 0) {
			zero += t - zero_since;
			if (t - zero_since > longest)
				longest = t - zero_since;
		}
		if (log && (c == '0' ? 0 : 1) != last)
			fprintf(log, "%.3f %d\n", t - start, c == '0' ? 0 : 1);
		last = c == '0' ? 0 : 1;
		if ((reads & 1023) == 0 && (t - start > limit || (stop && access(stop, F_OK) == 0)))
			break;
	}
	if (last == 0) {
		zero += now() - zero_since;
		if (now() - zero_since > longest)
			longest = now() - zero_since;
	}
	if (log)
		fclose(log);
	printf("SAMPLER reads=%llu zero_ms=%.1f zero_runs=%llu longest_zero_ms=%.1f end=%d\n", reads,
	       zero * 1000, runs, longest * 1000, last);
	return 0;
}
