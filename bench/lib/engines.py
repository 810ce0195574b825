"""The two database engines: where a fresh database comes from, how to copy one, and the URL
each tool takes for it.

A database is named by a handle (a short string). On SQLite each database lives in its own
folder, because Sqitch keeps its registry in a second file beside the database (sqitch.sqlite).
On PostgreSQL each is a database of a throwaway server that this module starts and stops.
"""

import os
import shutil
import subprocess
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"


def _check_output(argv, **kwargs):
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


class Sqlite:
    name = "sqlite"
    client = "sqlite3"

    def __init__(self, root):
        self.root = os.path.join(root, "sqlite")
        os.makedirs(self.root, exist_ok=True)

    @staticmethod
    def unavailable():
        if not shutil.which("sqlite3"):
            return "the sqlite3 client is not installed (run bench/setup.sh)"
        return None

    def describe(self):
        return f"SQLite {_check_output(['sqlite3', '--version']).split()[0]}"

    def _path(self, handle):
        return os.path.join(self.root, handle, "db.sqlite")

    def fresh(self, handle):
        folder = os.path.join(self.root, handle)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        return handle

    def clone(self, source, handle):
        folder = os.path.join(self.root, handle)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(os.path.join(self.root, source), folder)
        return handle

    def drop(self, handle):
        shutil.rmtree(os.path.join(self.root, handle), ignore_errors=True)

    def url(self, handle, tool):
        path = self._path(handle)
        if tool == "sqitch":
            return f"db:sqlite:{path}"
        return f"sqlite:///{path}"  # rev and SQLAlchemy: three slashes, then the absolute path

    def client_argv(self, handle):
        """The raw client reading a script on standard input, stopping at the first error."""
        return ["sqlite3", "-bail", self._path(handle)]

    def query(self, handle, sql):
        return _check_output(["sqlite3", "-bail", self._path(handle), sql]).strip()

    def sqitch_query(self, handle, sql):
        registry = os.path.join(self.root, handle, "sqitch.sqlite")
        return _check_output(["sqlite3", "-bail", registry, sql]).strip()

    def count_tables(self, handle):
        if not os.path.exists(self._path(handle)):
            return 0
        return int(
            self.query(
                handle,
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name GLOB 't[0-9][0-9][0-9][0-9][0-9]'",
            )
        )

    def untouched(self, handle):
        """None if the fresh database `handle` is as fresh() left it, else what changed: rev
        verify must never create, let alone change, the configured database."""
        if os.path.exists(self._path(handle)):
            return f"{self._path(handle)} was created"
        return None

    def scratch_left(self, tmpdir):
        """Scratch databases rev verify left behind: its folders under TMPDIR."""
        return sorted(name for name in os.listdir(tmpdir) if name.startswith("rev-scratch-"))

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


class Postgres:
    """A throwaway server run as in scripts/test.sh: initdb in a temp folder, fsync=off."""

    name = "postgresql"
    client = "psql"

    def __init__(self, root, port):
        # Beside the SQLite databases (tmpfs by default), in a folder the postgres user can
        # reach: the bench's own folder is private to its owner.
        self.folder = tempfile.mkdtemp(prefix="revbench-pg.", dir=os.path.dirname(root))
        self.port = port
        self._start()

    @staticmethod
    def unavailable():
        if not os.path.exists(os.path.join(PG_BIN, "initdb")):
            return f"no PostgreSQL server binaries in {PG_BIN} (run bench/setup.sh)"
        if not shutil.which("psql"):
            return "the psql client is not installed (run bench/setup.sh)"
        return None

    def _as_postgres(self, argv):
        if os.getuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _start(self):
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        os.chmod(self.folder, 0o700)
        data = os.path.join(self.folder, "data")
        _check_output(
            self._as_postgres(
                [f"{PG_BIN}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                 "--locale=C", "--no-sync"]
            )
        )
        log = os.path.join(self.folder, "server.log")
        # Another server may hold the port: try the next ones.
        for attempt in range(10):
            options = (
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c max_locks_per_transaction=1024"
            )
            result = subprocess.run(
                self._as_postgres(
                    [f"{PG_BIN}/pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "-o", options,
                     "start"]
                ),
                capture_output=True,
                text=True,
            )
            if result.returncode == 0:
                return
            self.port += 1
        raise RuntimeError(f"could not start PostgreSQL; see {log}")

    def describe(self):
        version = self.query_db("postgres", "SHOW server_version").split()[0]
        return f"PostgreSQL {version} (fsync=off, port {self.port})"

    def _psql(self, database):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                str(self.port), "-U", "postgres", "-d", database]

    def query_db(self, database, sql):
        return _check_output(self._psql(database) + ["-A", "-t", "-c", sql]).strip()

    def _admin(self, sql):
        # CREATE and DROP DATABASE refuse a template with open sessions; retry briefly while a
        # tool's session is still closing.
        for attempt in range(50):
            try:
                return self.query_db("postgres", sql)
            except RuntimeError as error:
                if "is being accessed by other users" not in str(error) or attempt == 49:
                    raise
                time.sleep(0.1)

    def fresh(self, handle):
        self._admin(f"DROP DATABASE IF EXISTS {handle}")
        self._admin(f"CREATE DATABASE {handle} TEMPLATE template0")
        return handle

    def clone(self, source, handle):
        self._admin(f"DROP DATABASE IF EXISTS {handle}")
        self._admin(f"CREATE DATABASE {handle} TEMPLATE {source} STRATEGY FILE_COPY")
        return handle

    def drop(self, handle):
        self._admin(f"DROP DATABASE IF EXISTS {handle}")

    def url(self, handle, tool):
        base = f"postgres@127.0.0.1:{self.port}/{handle}"
        if tool == "sqitch":
            return f"db:pg://{base}"
        return f"postgresql://{base}"

    def client_argv(self, handle):
        return self._psql(handle) + ["-f", "-"]

    def query(self, handle, sql):
        return self.query_db(handle, sql)

    def sqitch_query(self, handle, sql):
        return self.query_db(handle, sql.replace(" changes", " sqitch.changes"))

    def count_tables(self, handle):
        return int(
            self.query(
                handle,
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename ~ '^t[0-9]{5}$'",
            )
        )

    def untouched(self, handle):
        relations = int(
            self.query(
                handle,
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg\\_toast%'",
            )
        )
        return f"{relations} relations were created in it" if relations else None

    def scratch_left(self, tmpdir):
        """Scratch databases rev verify left on the server."""
        names = self.query_db("postgres", "SELECT datname FROM pg_database "
                                          "WHERE datname LIKE 'rev\\_scratch\\_%'")
        return sorted(names.split()) if names else []

    def close(self):
        data = os.path.join(self.folder, "data")
        subprocess.run(
            self._as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
