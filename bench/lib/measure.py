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


def run(argv, cwd=None, env=None, stdout_path=os.devnull, stdin_path=None):
    """Runs `argv` to completion and returns its Sample.

    Peak memory is ru_maxrss from wait4(): the largest resident set of the process or of any
    descendant it waited for, as GNU time's %M reports it, without time's own process.
    Standard error goes to a file beside stdout so that a chatty tool never blocks on a pipe.
    """
    stderr_path = (stdout_path if stdout_path != os.devnull else "/tmp/bench-devnull") + ".err"
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=out, stderr=err)
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
    return Sample(seconds, usage.ru_maxrss)


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
