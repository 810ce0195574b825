"""The Markdown report: headline ratios, then every measurement."""

from dataclasses import dataclass

WORKLOAD_TITLES = {
    "heads": "heads",
    "history": "history",
    "current": "current",
    "status": "status",
    "upgrade": "upgrade empty→head",
    "downgrade": "downgrade head→base",
    "up1": "upgrade +1 (N−1 applied)",
    "sql": "upgrade --sql (base:head)",
    "verify": "verify",
}

# rev verify's target (the issue that added it): within this many times `rev upgrade head` plus
# `rev downgrade base` on the same history.
VERIFY_TARGET = 4.0

COMMANDS = """\
| workload | rev | Alembic | Sqitch | raw client (a) / (b) |
|---|---|---|---|---|
| heads | `rev heads` | `alembic heads` | — (a plan has no heads) | — |
| history | `rev history` | `alembic history` | `sqitch plan` | — |
| current | `rev current` | `alembic current` | — (see status) | — |
| status | `rev status` | — (no such command in 1.8) | `sqitch status` | — |
| upgrade | `rev upgrade head` and `--transaction all` | `alembic upgrade head` | `sqitch deploy` | `up-each.sql` / `up-all.sql` |
| downgrade | `rev downgrade base` and `--transaction all` | `alembic downgrade base` | `sqitch revert -y` | `down-each.sql` / `down-all.sql` |
| up1 | `rev upgrade +1` | `alembic upgrade +1` | `sqitch deploy` | `up-last.sql` (a) |
| sql | `rev upgrade base:head --sql` | `alembic upgrade base:head --sql` | — (Sqitch has no SQL generation) | — |
| verify | `rev verify -q` | — | — | — (rev's yardstick: `rev upgrade head` + `rev downgrade base`) |
"""


@dataclass
class Row:
    engine: str
    n: int
    shape: str
    workload: str
    entries: list  # (tool, label, measure.Summary)

    def find(self, predicate):
        for tool, label, summary in self.entries:
            if predicate(tool):
                return tool, label, summary
        return None

    def rev(self, transaction="revision"):
        found = self.find(lambda t: t.kind == "rev" and t.transaction == transaction)
        return found[2] if found else None


def seconds(value):
    if value < 1.0:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def ratio(a, b):
    if a is None or b is None or b.median <= 0:
        return ""
    return f"{a.median / b.median:.2f}×" if a.median / b.median < 10 else (
        f"{a.median / b.median:.0f}×")


def _peer_ratio(row, tool, summary):
    if tool.kind == "peer":
        return ratio(summary, row.rev())
    return ""


def _baseline_ratio(row, tool, summary):
    if tool.kind != "baseline":
        return ""
    rev = row.rev("all" if tool.mode == "b" else "revision")
    return ratio(rev, summary)


def progress_line(row):
    parts = []
    for tool, label, summary in row.entries:
        extra = _peer_ratio(row, tool, summary) or _baseline_ratio(row, tool, summary)
        extra = f" ({'÷rev ' if tool.kind == 'peer' else 'rev÷ '}{extra})" if extra else ""
        parts.append(f"{label} {seconds(summary.median)}{extra}")
    return f"{row.engine:10} N={row.n:<6} {row.shape:8} {row.workload:9} " + " | ".join(parts)


def _headline(results):
    lines = [
        "| engine | workload | N | rev | rev peak MiB | alembic ÷ rev | alembic (recipe) ÷ rev"
        " | sqitch ÷ rev | rev ÷ client (a) | rev all ÷ client (b) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        if row.shape != "linear" or row.workload == "verify":
            continue
        rev = row.rev()
        if rev is None:
            continue

        def peer(name):
            found = row.find(lambda t: t.name == name)
            return ratio(found[2], rev) if found else "—"

        def base(mode):
            found = row.find(lambda t: t.kind == "baseline" and t.mode == mode)
            if not found:
                return "—"
            return ratio(row.rev("all" if mode == "b" else "revision"), found[2]) or "—"

        lines.append(
            f"| {row.engine} | {WORKLOAD_TITLES[row.workload]} | {row.n:,} | "
            f"{seconds(rev.median)} | {rev.peak_mib:.1f} | {peer('alembic')} | "
            f"{peer('alembic (pysqlite recipe)')} | {peer('sqitch')} | {base('a')} | {base('b')} |"
        )
    return "\n".join(lines)


def _verify(results):
    lines = [
        "| engine | shape | N | rev verify | upgrade + downgrade | verify ÷ (upgrade + downgrade)"
        f" | target ≤ {VERIFY_TARGET:.0f}× |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in results:
        if row.workload != "verify":
            continue
        verify = row.rev()
        found = row.find(lambda t: t.kind == "baseline")
        if verify is None or found is None:
            continue
        factor = verify.median / found[2].median
        lines.append(
            f"| {row.engine} | {row.shape} | {row.n:,} | {seconds(verify.median)} | "
            f"{seconds(found[2].median)} | {ratio(verify, found[2])} | "
            f"{'met' if factor <= VERIFY_TARGET else 'missed'} |"
        )
    return "\n".join(lines) if len(lines) > 2 else ""


def _details(results):
    lines = [
        "| engine | N | shape | workload | tool | median | min–max | peak MiB | peer ÷ rev"
        " | rev ÷ baseline |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        for tool, label, s in row.entries:
            lines.append(
                f"| {row.engine} | {row.n:,} | {row.shape} | {row.workload} | {label} | "
                f"{seconds(s.median)} | {seconds(s.low)}–{seconds(s.high)} | {s.peak_mib:.1f} | "
                f"{_peer_ratio(row, tool, s)} | {_baseline_ratio(row, tool, s)} |"
            )
    return "\n".join(lines)


def render(mode, config, results, skips, failures, versions, machine, engines, workdir, elapsed):
    out = [f"# rev benchmark ({mode})", ""]
    out.append(
        f"{machine['cpus']} CPUs ({machine['cpu']}), {machine['memory']} RAM, {machine['os']}; "
        f"load average at the end {machine['load']}. Databases and generated projects in "
        f"`{workdir}`. Ran in {elapsed:.0f} s."
    )
    out.append("")
    out.append("Versions: " + "; ".join(f"{v}" for v in versions.values()) + ".")
    out.append("Engines: " + "; ".join(engines.values()) + ".")
    out.append("")
    largest = f"{max(config['sizes']):,}"
    out.append(
        f"Method: per tool {config['warmup']} warm-up run(s), then {config['runs']} timed runs "
        f"({config['runs_large']} at N={largest}; {config['peer_runs'] or config['runs']} for "
        f"each peer; upgrade and downgrade from N={config['large_moves_from']:,}: "
        f"{config['large_move_runs']} run, no warm-up, rev and client (a) only; a peer predicted over {config['slow_run']:.0f} s per run: "
        f"{config['slow_runs']} runs, no warm-up, and one whose first run takes that long "
        "counts that run as timed and stops within the budget; a peer predicted over "
        f"{config['peer_budget']:.0f} s for the cell is skipped). The tools of a cell take turns "
        "(rev, peer, baseline, rev, peer, …; the first tool rotates each round), and every run "
        "starts from a fresh database (or a fresh copy of one at head). Median wall time from the "
        "command's fork to its end (bench/lib/spawn_timed.c), min–max, and peak RSS (the "
        "command's ru_maxrss, max over the runs). `peer ÷ rev` > 1: rev is "
        "faster. "
        "`rev ÷ baseline` is rev's time over the raw client running the same scripts: (a) one "
        "transaction per revision with one bookkeeping insert, compared with `rev`; (b) one "
        "transaction for everything, compared with `rev --transaction all`."
    )
    out += ["", "## Headline (linear history)", "", _headline(results), ""]
    verify = _verify(results)
    if verify:
        out += ["## rev verify against its target", "",
                "`rev verify -q` (on a scratch database, three scripts and three or four "
                "schema snapshots per revision) over `rev upgrade head` then `rev downgrade base` on a fresh database "
                "of the same history, the two commands' times added.", "", verify, ""]
    out += ["## Commands", "", COMMANDS]
    if skips:
        out += ["## Skipped", ""]
        out += [f"- skipped: {tool} for {context}: {reason}" for context, tool, reason in skips]
        out.append("")
    if failures:
        out += ["## Failures", ""]
        out += [f"- {f.splitlines()[0]}" for f in failures]
        out.append("")
    out += ["## All measurements", "", _details(results), ""]
    return "\n".join(out)
