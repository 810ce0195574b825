"""The tools under test and the command each runs for each workload.

A workload names one job done by every tool that can do it:

    heads, history      graph answers; no database
    current, status     reading the records of a database at head
    upgrade             empty database -> head
    downgrade           head -> base
    up1                 `upgrade +1` on a database one revision short of head
    sql                 printing the SQL of base -> head (no database)
    verify              `rev verify -q` (rev only), against `rev upgrade head` + `rev downgrade
                        base` on a fresh database of the same history

A tool belongs to a family: the tools of one family leave the same records behind, so one
database at head serves them all (rev and `rev --transaction all`; Alembic as its template sets
it up and with the pysqlite recipe; the raw client's two baselines).
"""

import re
import shutil
import subprocess

WORKLOADS = ("heads", "history", "current", "status", "upgrade", "downgrade", "up1", "sql",
             "verify")
GRAPH_WORKLOADS = ("heads", "history")
# The peers' workloads: rev's own proofs have no counterpart in Alembic or Sqitch.
SHARED_WORKLOADS = tuple(w for w in WORKLOADS if w != "verify")


class Tool:
    name = ""
    family = ""
    project = ""  # the generated folder the tool runs in
    kind = "peer"  # "rev", "peer" or "baseline"

    def label(self, engine):
        return self.name

    def unavailable(self, engine):
        return None

    def command(self, workload, engine, db):
        """(argv, stdin script or None, extra environment), or None if the tool has no such
        command."""
        raise NotImplementedError


class Rev(Tool):
    family = "rev"
    project = "rev"
    kind = "rev"

    def __init__(self, binary, transaction="revision"):
        self.binary = binary
        self.transaction = transaction
        self.name = "rev" if transaction == "revision" else "rev --transaction all"

    def command(self, workload, engine, db):
        rev = [self.binary, "-c", "migrate.toml"]
        if self.transaction == "all":
            if workload not in ("upgrade", "downgrade"):
                return None
            tx = ["--transaction", "all"]
        else:
            tx = []
        url = ["--url", engine.url(db, "rev")] if db else []
        argv = {
            "heads": rev + ["heads"],
            "history": rev + ["history"],
            "current": rev + url + ["current"],
            "status": rev + url + ["status"],
            "upgrade": rev + url + ["upgrade", "head"] + tx,
            "downgrade": rev + url + ["downgrade", "base"] + tx,
            "up1": rev + url + ["upgrade", "+1"],
            "sql": rev + url + ["upgrade", "base:head", "--sql"],
            # The configured database is only named (PostgreSQL: the server the scratch database
            # is made on); the scratch database goes to TMPDIR on SQLite, which the harness sets.
            "verify": rev + url + ["verify", "-q"],
        }[workload]
        return argv, None, {}

    def down_one(self, engine, db):
        return [self.binary, "-c", "migrate.toml", "--url", engine.url(db, "rev"), "downgrade",
                "-1"], None, {}

    def stamp(self, engine, db):
        return [self.binary, "-c", "migrate.toml", "--url", engine.url(db, "rev"), "stamp",
                "head"], None, {}

    def applied(self, engine, db, project_dir):
        """The applied count that `rev status` reports."""
        argv = [self.binary, "-c", "migrate.toml", "--url", engine.url(db, "rev"), "status"]
        result = subprocess.run(argv, cwd=project_dir, capture_output=True, text=True)
        match = re.search(r"applied:\s+(\d+) of (\d+)", result.stdout)
        if result.returncode != 0 or not match:
            raise RuntimeError(f"rev status failed: {result.stderr.strip() or result.stdout}")
        return int(match.group(1))


def _script_interpreter(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        first = f.readline()
    return first[2:].strip().split()[0] if first.startswith("#!") else "python3"


class Alembic(Tool):
    family = "alembic"
    project = "alembic"

    def __init__(self, variant):
        self.variant = variant
        self.name = "alembic" if variant == "template" else "alembic (pysqlite recipe)"
        self.binary = shutil.which("alembic")

    def unavailable(self, engine):
        if not self.binary:
            return "alembic is not installed (run bench/setup.sh)"
        if engine.name == "postgresql":
            python = _script_interpreter(self.binary)
            if subprocess.run([python, "-c", "import psycopg2"], capture_output=True).returncode:
                return "psycopg2 is not installed for Alembic (run bench/setup.sh)"
        return None

    def _base(self, engine, db):
        env = {"BENCH_URL": engine.url(db or "sqlgen", "alembic")}
        return [self.binary, "-c", f"alembic-{self.variant}.ini"], env

    def command(self, workload, engine, db):
        if self.variant == "recipe" and (engine.name != "sqlite" or
                                         workload not in ("upgrade", "downgrade", "up1")):
            # The recipe is for pysqlite; reading and --sql do not depend on how transactions
            # are begun.
            return None
        base, env = self._base(engine, db)
        args = {
            "heads": ["heads"],
            "history": ["history"],
            "current": ["current"],
            "upgrade": ["upgrade", "head"],
            "downgrade": ["downgrade", "base"],
            "up1": ["upgrade", "+1"],
            "sql": ["upgrade", "base:head", "--sql"],
        }.get(workload)
        return (base + args, None, env) if args else None

    def down_one(self, engine, db):
        base, env = self._base(engine, db)
        return base + ["downgrade", "-1"], None, env

    def stamp(self, engine, db):
        base, env = self._base(engine, db)
        return base + ["stamp", "head"], None, env


class Sqitch(Tool):
    name = "sqitch"
    family = "sqitch"
    project = "sqitch"
    env = {"SQITCH_FULLNAME": "Bench", "SQITCH_EMAIL": "bench@example.invalid"}

    def unavailable(self, engine):
        if not shutil.which("sqitch"):
            return "sqitch is not installed (run bench/setup.sh)"
        driver = "DBD::SQLite" if engine.name == "sqlite" else "DBD::Pg"
        if subprocess.run(["perl", f"-M{driver}", "-e1"], capture_output=True).returncode:
            return f"{driver} is not installed for sqitch (run bench/setup.sh)"
        return None

    def command(self, workload, engine, db):
        target = [engine.url(db, "sqitch")] if db else []
        args = {
            "history": ["plan"],
            "status": ["status"] + target,
            "upgrade": ["deploy"] + target,
            "downgrade": ["revert", "-y"] + target,
            "up1": ["deploy"] + target,
        }.get(workload)
        return (["sqitch"] + args, None, dict(self.env)) if args else None

    def down_one(self, engine, db):
        return (["sqitch", "revert", "-y", "--to", "@HEAD^", engine.url(db, "sqitch")], None,
                dict(self.env))

    def stamp(self, engine, db):
        return ["sqitch", "deploy", "--log-only", engine.url(db, "sqitch")], None, dict(self.env)


class Baseline(Tool):
    """The raw client: (a) one transaction per revision with a bookkeeping insert, (b) one
    transaction for everything."""

    family = "baseline"
    project = "baseline"
    kind = "baseline"

    def __init__(self, mode):
        self.mode = mode
        self.name = f"client ({mode})"

    def label(self, engine):
        return f"{engine.client} ({self.mode})"

    def command(self, workload, engine, db):
        scripts = {
            ("a", "upgrade"): "up-each.sql",
            ("a", "downgrade"): "down-each.sql",
            ("a", "up1"): "up-last.sql",
            ("b", "upgrade"): "up-all.sql",
            ("b", "downgrade"): "down-all.sql",
        }
        script = scripts.get((self.mode, workload))
        return (engine.client_argv(db), script, {}) if script else None

    def down_one(self, engine, db):
        return engine.client_argv(db), "down-last.sql", {}


class RevRoundTrip(Tool):
    """verify's yardstick: `rev upgrade head` then `rev downgrade base`, two commands timed as
    one run, on a fresh database."""

    name = "rev upgrade + downgrade"
    family = "rev"
    project = "rev"
    kind = "baseline"
    mode = "round trip"

    def __init__(self, binary):
        self.binary = binary

    def command(self, workload, engine, db):
        if workload != "verify":
            return None
        rev = [self.binary, "-c", "migrate.toml", "--url", engine.url(db, "rev")]
        # A list of commands: run one after the other, their times added (see Bench.execute).
        return [rev + ["upgrade", "head"], rev + ["downgrade", "base"]], None, {}


def all_tools(rev_binary):
    return [
        Rev(rev_binary),
        Rev(rev_binary, "all"),
        Alembic("template"),
        Alembic("recipe"),
        Sqitch(),
        Baseline("a"),
        Baseline("b"),
        RevRoundTrip(rev_binary),
    ]


def versions(rev_binary):
    """One line per tool: the versions the report names."""
    def out(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not installed"

    lines = {"rev": out([rev_binary, "--version"])}
    alembic = shutil.which("alembic")
    if alembic:
        python = _script_interpreter(alembic)
        lines["alembic"] = out(
            [python, "-c", "import alembic, sqlalchemy, sys; print('alembic', "
             "alembic.__version__, '/ SQLAlchemy', sqlalchemy.__version__, '/ Python', "
             "sys.version.split()[0])"]
        )
    else:
        lines["alembic"] = "not installed"
    lines["sqitch"] = out(["sqitch", "--version"])
    lines["sqlite3"] = "sqlite3 " + out(["sqlite3", "--version"]).split(" ")[0]
    lines["psql"] = out(["psql", "--version"])
    return lines
