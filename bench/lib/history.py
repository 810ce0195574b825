"""One logical revision history, written out for rev, Alembic and Sqitch.

A history is a list of revisions in a topological order (parents first). Every revision,
merges included, creates one table, inserts one row and adds one index; its down script drops
them. The same SQL runs on SQLite and PostgreSQL, so one set of files serves both engines.
"""

import hashlib
import os
import shutil
from dataclasses import dataclass, field

SHAPES = ("linear", "branchy", "wide")

# Sqitch needs a planner name and a timestamp per change; fixed values keep the files stable.
PLANNER = "Bench <bench@example.invalid>"
PLANNED_AT = "2026-01-01T00:00:00Z"


@dataclass
class Revision:
    index: int
    id: str
    parents: list = field(default_factory=list)

    @property
    def table(self):
        return f"t{self.index:05d}"

    @property
    def slug(self):
        return f"create_{self.table}"

    @property
    def change(self):
        # Sqitch change names: the table name is unique and readable.
        return self.table

    def up_sql(self):
        t = self.table
        return (
            f"CREATE TABLE {t} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
            f"INSERT INTO {t} (id, name) VALUES (1, '{self.id}');\n"
            f"CREATE INDEX {t}_name ON {t} (name);\n"
        )

    def down_sql(self):
        t = self.table
        return f"DROP INDEX {t}_name;\nDROP TABLE {t};\n"


def revision_id(shape, index):
    return hashlib.sha1(f"{shape}:{index}".encode()).hexdigest()[:12]


def build(shape, n):
    """The revisions of `shape` with `n` revisions in all, parents before children."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape '{shape}' (expected one of {', '.join(SHAPES)})")
    if n < 1:
        raise ValueError("a history needs at least one revision")
    revisions = []

    def add(parents):
        revision = Revision(len(revisions), revision_id(shape, len(revisions)), list(parents))
        revisions.append(revision)
        return revision.id

    if shape == "linear" or n < 12:
        tip = None
        for _ in range(n):
            tip = add([tip] if tip else [])
    elif shape == "branchy":
        _branchy(add, n)
    else:
        _wide(add, n)
    assert len(revisions) == n
    return revisions


def _branchy(add, n):
    """One base, 10 branches sharing the rest, and one merge of the 10 tips at the end."""
    base = add([])
    inner = n - 2
    tips = []
    for branch in range(10):
        length = inner // 10 + (1 if branch < inner % 10 else 0)
        tip = base
        for _ in range(length):
            tip = add([tip])
        tips.append(tip)
    add(tips)


def _wide(add, n):
    """Repeated diamonds: from the tip, 3 branches of 2 revisions each, merged (7 revisions)."""
    width, length = 3, 2
    block = width * length + 1
    tip = add([])
    remaining = n - 1
    while remaining >= block:
        tips = []
        for _ in range(width):
            branch_tip = tip
            for _ in range(length):
                branch_tip = add([branch_tip])
            tips.append(branch_tip)
        tip = add(tips)
        remaining -= block
    for _ in range(remaining):
        tip = add([tip])


def heads(revisions):
    has_child = {p for r in revisions for p in r.parents}
    return [r for r in revisions if r.id not in has_child]


def _write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _toml_list(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def write_rev(revisions, out):
    """A rev project: migrate.toml and versions/<id>_<slug>/{manifest.toml,up.sql,down.sql}."""
    versions = os.path.join(out, "versions")
    os.makedirs(versions, exist_ok=True)
    _write(
        os.path.join(out, "migrate.toml"),
        '[revisions]\ndir = "versions"\n\n[run]\ntransaction = "revision"\n',
    )
    for r in revisions:
        folder = os.path.join(versions, f"{r.id}_{r.slug}")
        os.makedirs(folder, exist_ok=True)
        _write(
            os.path.join(folder, "manifest.toml"),
            f'id = "{r.id}"\nmessage = "{r.slug}"\nparents = {_toml_list(r.parents)}\n',
        )
        _write(os.path.join(folder, "up.sql"), r.up_sql())
        _write(os.path.join(folder, "down.sql"), r.down_sql())


ALEMBIC_INI = """\
# A generated Alembic project for rev's benchmarks; the {variant} env.py.
[alembic]
script_location = %(here)s/{variant}
version_locations = %(here)s/versions
# env.py replaces this with $BENCH_URL.
sqlalchemy.url = sqlite:///unused.db

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

# Alembic's generic template env.py, with two changes: the URL comes from $BENCH_URL and
# transaction_per_migration=True. {recipe} is empty for the template variant.
ALEMBIC_ENV = """\
import os
from logging.config import fileConfig

from sqlalchemy import engine_from_config
from sqlalchemy import event
from sqlalchemy import pool

from alembic import context

config = context.config
if "BENCH_URL" in os.environ:
    config.set_main_option("sqlalchemy.url", os.environ["BENCH_URL"])

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={{"paramstyle": "named"}},
        transaction_per_migration=True,
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
{recipe}
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            transaction_per_migration=True,
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""

# SQLAlchemy's documented pysqlite recipe ("Serializable isolation / Savepoints / Transactional
# DDL"): pysqlite stops managing transactions and SQLAlchemy emits BEGIN itself, so each
# revision's DDL, DML and version update share one transaction.
ALEMBIC_RECIPE = """\
    if connectable.dialect.name == "sqlite":

        @event.listens_for(connectable, "connect")
        def do_connect(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None

        @event.listens_for(connectable, "begin")
        def do_begin(conn):
            conn.exec_driver_sql("BEGIN")
"""

ALEMBIC_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''


def _alembic_down_revision(parents):
    if not parents:
        return "None"
    if len(parents) == 1:
        return repr(parents[0])
    return "(" + ", ".join(repr(p) for p in parents) + ")"


def _op_lines(sql):
    return "\n".join(f"    op.execute({line.rstrip(';')!r})" for line in sql.splitlines())


def write_alembic(revisions, out):
    """An Alembic project with two env.py variants sharing one versions folder:
    alembic-template.ini (the template's set-up) and alembic-recipe.ini (the pysqlite recipe)."""
    versions = os.path.join(out, "versions")
    os.makedirs(versions, exist_ok=True)
    for variant, recipe in (("template", ""), ("recipe", ALEMBIC_RECIPE)):
        script_dir = os.path.join(out, variant)
        os.makedirs(script_dir, exist_ok=True)
        _write(os.path.join(out, f"alembic-{variant}.ini"), ALEMBIC_INI.format(variant=variant))
        _write(os.path.join(script_dir, "env.py"), ALEMBIC_ENV.format(recipe=recipe))
        _write(os.path.join(script_dir, "script.py.mako"), ALEMBIC_MAKO)
    for r in revisions:
        _write(
            os.path.join(versions, f"{r.id}_{r.slug}.py"),
            f'"""{r.slug}\n\nRevision ID: {r.id}\nRevises: {", ".join(r.parents)}\n"""\n'
            "from alembic import op\n"
            "import sqlalchemy as sa\n\n\n"
            f"revision = {r.id!r}\n"
            f"down_revision = {_alembic_down_revision(r.parents)}\n"
            "branch_labels = None\n"
            "depends_on = None\n\n\n"
            f"def upgrade() -> None:\n{_op_lines(r.up_sql())}\n\n\n"
            f"def downgrade() -> None:\n{_op_lines(r.down_sql())}\n",
        )


def write_sqitch(revisions, out):
    """A Sqitch project. Sqitch has no DAG: its plan is one list, so the revisions go in
    topological order and each change `requires` its parents ([a b] in the plan)."""
    by_id = {r.id: r for r in revisions}
    for sub in ("deploy", "revert", "verify"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    _write(
        os.path.join(out, "sqitch.conf"),
        "[core]\n\tengine = sqlite\n\tplan_file = sqitch.plan\n\ttop_dir = .\n"
        "[deploy]\n\tverify = false\n[rebase]\n\tverify = false\n",
    )
    lines = ["%syntax-version=1.0.0", "%project=bench", ""]
    for r in revisions:
        requires = " ".join(by_id[p].change for p in r.parents)
        requires = f" [{requires}]" if requires else ""
        lines.append(f"{r.change}{requires} {PLANNED_AT} {PLANNER} # {r.slug}")
        _write(os.path.join(out, "deploy", f"{r.change}.sql"), r.up_sql())
        _write(os.path.join(out, "revert", f"{r.change}.sql"), r.down_sql())
        _write(
            os.path.join(out, "verify", f"{r.change}.sql"),
            f"SELECT id, name FROM {r.table} WHERE 0 = 1;\n",
        )
    _write(os.path.join(out, "sqitch.plan"), "\n".join(lines) + "\n")


def write_baseline(revisions, out):
    """The raw client's scripts: (a) one transaction per revision with one bookkeeping insert
    (or delete), (b) every revision in one transaction; up, down, and the last revision alone."""
    os.makedirs(out, exist_ok=True)
    setup = "CREATE TABLE IF NOT EXISTS bench_version (id TEXT PRIMARY KEY);\n"

    def up_step(r):
        return f"{r.up_sql()}INSERT INTO bench_version (id) VALUES ('{r.id}');\n"

    def down_step(r):
        return f"{r.down_sql()}DELETE FROM bench_version WHERE id = '{r.id}';\n"

    ups = [up_step(r) for r in revisions]
    downs = [down_step(r) for r in reversed(revisions)]
    _write(os.path.join(out, "up-each.sql"), setup + "".join(f"BEGIN;\n{s}COMMIT;\n" for s in ups))
    _write(os.path.join(out, "up-all.sql"), setup + "BEGIN;\n" + "".join(ups) + "COMMIT;\n")
    _write(os.path.join(out, "down-each.sql"), "".join(f"BEGIN;\n{s}COMMIT;\n" for s in downs))
    _write(os.path.join(out, "down-all.sql"), "BEGIN;\n" + "".join(downs) + "COMMIT;\n")
    _write(os.path.join(out, "up-last.sql"), f"BEGIN;\n{ups[-1]}COMMIT;\n")
    _write(os.path.join(out, "down-last.sql"), f"BEGIN;\n{down_step(revisions[-1])}COMMIT;\n")


WRITERS = {
    "rev": write_rev,
    "alembic": write_alembic,
    "sqitch": write_sqitch,
    "baseline": write_baseline,
}


def generate(shape, n, out, tools=tuple(WRITERS)):
    """Writes `shape` with `n` revisions under out/<tool>/ for each tool; returns the history."""
    revisions = build(shape, n)
    if os.path.exists(out):
        shutil.rmtree(out)
    for tool in tools:
        WRITERS[tool](revisions, os.path.join(out, tool))
    return revisions
