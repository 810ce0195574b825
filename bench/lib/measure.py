"""Runs one command and measures it: wall time, and peak memory from the kernel's rusage."""

import os
import statistics
import subprocess
import time
from dataclasses import dataclass


class CommandFailed(Exception):
    """A command exited non-zero, or its result was wrong: the benchmark cannot go on with it."""


@dataclass
class Sample:
    seconds: float
    peak_kib: int


def _tail(path, lines=12):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:]).rstrip()
    except OSError:
        return ""


# GNU time reports the peak memory of the command alone. Taking ru_maxrss from our own wait4()
# would not: Python starts the command with vfork(), and exec() records the high-water mark of
# the address space it replaces, which is the harness's own (tens of MiB).
GNU_TIME = "/usr/bin/time"


def run(argv, cwd=None, env=None, stdout_path=os.devnull, stdin_path=None):
    """Runs `argv` to completion and returns its Sample.

    Wall time is measured here, around the whole run (GNU time's own start-up, under a
    millisecond, is in it for every tool alike). Peak memory is GNU time's %M: ru_maxrss of the
    command, the largest resident set of the process or of any child it waited for. Without GNU
    time, it falls back to wait4() here, which reports at least the harness's own size.
    Standard error goes to a file beside stdout so that a chatty tool never blocks on a pipe.
    """
    stderr_path = (stdout_path if stdout_path != os.devnull else "/tmp/bench-devnull") + ".err"
    memory_path = stderr_path[:-4] + ".mem"
    gnu_time = os.path.exists(GNU_TIME)
    wrapped = [GNU_TIME, "-f", "%M", "-o", memory_path, "--"] + argv if gnu_time else argv
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(wrapped, cwd=cwd, env=env, stdin=stdin, stdout=out,
                                       stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin_path:
            stdin.close()
    if process.returncode != 0:
        raise CommandFailed(
            f"exit status {process.returncode}: {' '.join(argv)}\n{_tail(stderr_path)}"
        )
    peak_kib = usage.ru_maxrss
    if gnu_time:
        with open(memory_path, encoding="utf-8") as f:
            peak_kib = int(f.read().split()[-1])
    return Sample(seconds, peak_kib)


@dataclass
class Summary:
    median: float
    low: float
    high: float
    peak_mib: float
    runs: int


def summarise(samples):
    seconds = [s.seconds for s in samples]
    return Summary(
        median=statistics.median(seconds),
        low=min(seconds),
        high=max(seconds),
        peak_mib=max(s.peak_kib for s in samples) / 1024.0,
        runs=len(samples),
    )
