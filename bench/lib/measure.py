"""Runs one command and measures it: wall time, and peak memory from the kernel's rusage."""

import atexit
import os
import shutil
import statistics
import subprocess
import tempfile
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

# spawn_timed.c, built once per harness run: it times the command from its own fork to its
# wait4(), without Python's or GNU time's start of a process (about 5 ms here).
SPAWN_TIMED_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spawn_timed.c")
_spawn_timed = []


def spawn_timed():
    """The path of the built spawn_timed, or None without a C compiler."""
    if not _spawn_timed:
        folder = tempfile.mkdtemp(prefix="revbench-spawn.")
        atexit.register(shutil.rmtree, folder, True)
        binary = os.path.join(folder, "spawn_timed")
        compiler = shutil.which("cc") or shutil.which("gcc")
        built = compiler and subprocess.run(
            [compiler, "-O2", "-o", binary, SPAWN_TIMED_SOURCE],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        _spawn_timed.append(binary if built else None)
    return _spawn_timed[0]


def run(argv, cwd=None, env=None, stdout_path=os.devnull, stdin_path=None):
    """Runs `argv` to completion and returns its Sample.

    Wall time and peak memory come from spawn_timed: from its fork of the command to the
    command's end (a shell's start of a process, for every tool alike), and the command's
    ru_maxrss, the largest resident set of the process or of any child it waited for. Without a
    C compiler, the time is taken here around GNU time (their start-up included, about 5 ms) and
    the peak from GNU time's %M; without GNU time either, from wait4() here, which reports at
    least the harness's own size.
    Standard error goes to a file beside stdout so that a chatty tool never blocks on a pipe.
    """
    stderr_path = (stdout_path if stdout_path != os.devnull else "/tmp/bench-devnull") + ".err"
    memory_path = stderr_path[:-4] + ".mem"
    timer = spawn_timed()
    gnu_time = timer is None and os.path.exists(GNU_TIME)
    if timer:
        wrapped = [timer, memory_path] + argv
    elif gnu_time:
        wrapped = [GNU_TIME, "-f", "%M", "-o", memory_path, "--"] + argv
    else:
        wrapped = argv
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
    if timer:
        with open(memory_path, encoding="utf-8") as f:
            nanoseconds, peak_kib, _ = (int(field) for field in f.read().split())
        seconds = nanoseconds / 1e9
    elif gnu_time:
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
