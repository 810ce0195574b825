/* Runs one command as a shell does (fork, then exec) and reports its wall time and peak memory.
 * Timing from the harness itself counted Python's start of a process and GNU time's: about 5 ms
 * on the 2-core VM, half of a small rev command, for every tool alike.
 *
 *     spawn_timed REPORT COMMAND [ARG...]
 *
 * Writes "<nanoseconds> <peak resident KiB> <exit status>" to REPORT; exits with the command's
 * status. The peak is the command's ru_maxrss, as GNU time's %M reports it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: spawn_timed REPORT COMMAND [ARG...]\n");
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    const pid_t child = fork();
    if (child < 0) {
        perror("spawn_timed: fork");
        return 2;
    }
    if (child == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(child, &status, 0, &usage) < 0) {
        perror("spawn_timed: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    const long long nanoseconds = (long long)(end.tv_sec - start.tv_sec) * 1000000000LL +
                                  (end.tv_nsec - start.tv_nsec);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE* report = fopen(argv[1], "w");
    if (report == NULL || fprintf(report, "%lld %ld %d\n", nanoseconds, usage.ru_maxrss, code) < 0 ||
        fclose(report) != 0) {
        perror("spawn_timed: report");
        return 2;
    }
    return code;
}
