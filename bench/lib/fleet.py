"""The fleet workload: one linear history upgraded on many databases of one engine.

Three ways, each from fresh databases: a shell-style loop calling `rev --url URL upgrade head`
once per database, and one `rev -g tenants upgrade head` with --jobs 1 and with --jobs 8. Peak
memory (ru_maxrss of the rev process) of the group run is measured at a quarter of the fleet and
at the whole of it: one revision graph is shared by every job, so it should not grow with the
fleet. See docs/benchmarks.md, "Fleets".
"""

import os
import subprocess
import time

import history

FULL = {"sqlite": 200, "postgresql": 50, "revisions": 50}
QUICK = {"sqlite": 20, "postgresql": 5, "revisions": 10}


def _run_measured(argv, cwd):
    """Runs argv; returns (seconds, the child's peak RSS in KiB from wait4). Raises on failure."""
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    err = process.stderr.read().decode()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err[-400:]}")
    return seconds, usage.ru_maxrss


def _fresh_fleet(engine, variant, count):
    handles = [engine.fresh(f"fleet_{variant}_{i:04d}") for i in range(count)]
    return handles, [engine.url(h, "rev") for h in handles]


def _write_group(project, urls):
    with open(os.path.join(project, "tenants.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(urls) + "\n")


def _check_all_at_head(rev, project, count):
    out = subprocess.run([rev, "-g", "tenants", "current", "--format", "json", "-q"], cwd=project,
                         check=True, capture_output=True, text=True).stdout
    if '"failed" : 0,' not in out or f'"outcome" : "ok"' not in out or out.count('"outcome" : "ok"') != count:
        raise RuntimeError("fleet: not every database reached head")


def measure_engine(rev, engine, root, config):
    """The row of one engine: seconds for the loop and each --jobs, and peak memory."""
    count, n = config[engine.name], config["revisions"]
    project = os.path.join(root, f"fleet-{engine.name}")
    history.generate("linear", n, project, tools=("rev",))
    project = os.path.join(project, "rev")
    with open(os.path.join(project, "migrate.toml"), "a", encoding="utf-8") as f:
        f.write('\n[groups.tenants]\nurls_file = "tenants.txt"\n')
    row = {"engine": engine.name, "databases": count, "revisions": n}
    for variant, argv in (("loop", None), ("jobs1", ["--jobs", "1"]), ("jobs8", ["--jobs", "8"])):
        handles, urls = _fresh_fleet(engine, variant, count)
        _write_group(project, urls)
        if argv is None:
            started = time.monotonic()
            for url in urls:
                _run_measured([rev, "--url", url, "upgrade", "head", "-q"], project)
            row[variant] = time.monotonic() - started
        else:
            row[variant], row[f"{variant}_rss"] = _run_measured(
                [rev, "-g", "tenants", "upgrade", "head", "-q"] + argv, project)
        _check_all_at_head(rev, project, count)
        for handle in handles:
            engine.drop(handle)
    # Memory at a quarter of the fleet, to set beside the whole fleet's.
    quarter = max(1, count // 4)
    handles, urls = _fresh_fleet(engine, "quarter", quarter)
    _write_group(project, urls)
    _, row["quarter_rss"] = _run_measured(
        [rev, "-g", "tenants", "upgrade", "head", "-q", "--jobs", "8"], project)
    for handle in handles:
        engine.drop(handle)
    return row


def render(rows):
    lines = [
        "## Fleets: one history on many databases",
        "",
        "Fresh databases upgraded to head: a loop calling `rev --url URL upgrade head` once per "
        "database, then one `rev -g tenants upgrade head` with `--jobs 1` and `--jobs 8`. "
        "Peak memory is the group run's (--jobs 8) at a quarter of the fleet and at all of it.",
        "",
        "| engine | databases × revisions | loop | --jobs 1 | --jobs 8 | speed-up 8 vs 1 "
        "| 8 vs loop | peak RSS ¼ fleet | peak RSS fleet |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['databases']} × {r['revisions']} | {r['loop']:.2f} s "
            f"| {r['jobs1']:.2f} s | {r['jobs8']:.2f} s | {r['jobs1'] / r['jobs8']:.1f}× "
            f"| {r['loop'] / r['jobs8']:.1f}× | {r['quarter_rss'] / 1024:.1f} MiB "
            f"| {r['jobs8_rss'] / 1024:.1f} MiB |")
    return "\n".join(lines) + "\n"


def run(rev, engines, root, quick):
    """Measures every engine; returns the report's section and the failures met."""
    config = QUICK if quick else FULL
    rows, failures = [], []
    for engine in engines:
        try:
            rows.append(measure_engine(rev, engine, root, config))
        except (RuntimeError, subprocess.CalledProcessError) as error:
            failures.append(f"fleet on {engine.name}: {error}")
    return (render(rows) if rows else ""), failures
