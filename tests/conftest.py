"""Shared fixtures: settings factory, stores on SQLite and a throwaway PostgreSQL, a live server,
the reference data beside the repo, and hygiene checks (no ERROR logs unless a test opts in)."""

from __future__ import annotations

import atexit
import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from qbwc_server import admin
from qbwc_server.app import create_app
from qbwc_server.settings import Settings
from qbwc_server.store import SqlStore, make_engine, upgrade_schema
from qbwc_server.testing import CountingTicketSource, FixedClock, serve_in_thread

# Property tests check behaviour, not speed (speed lives in bench/): on a loaded 2-core machine
# hypothesis' default 200 ms deadline and its too-slow health check fail tests that are right.
settings.register_profile("qbtime", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("qbtime")

ROOT = Path(__file__).resolve().parents[1]
# the checkout's sibling ``shared/`` (a git worktree may sit one level deeper, e.g. /work/wt/x)
REFERENCE = next(
    (p / "shared" / "reference" for p in ROOT.parents if (p / "shared" / "reference").is_dir()),
    ROOT.parent / "shared" / "reference",
)
FIXTURES = ROOT / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    if not REFERENCE.is_dir():
        raise pytest.UsageError(f"the reference data is missing: expected {REFERENCE}")


# ---------------------------------------------------------------------------- log hygiene
@pytest.fixture(autouse=True)
def _no_error_logs(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Fail a test that logs at ERROR unless it is marked ``allow_error_logs``."""
    caplog.set_level(logging.INFO)
    yield
    if request.node.get_closest_marker("allow_error_logs"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors:
        pytest.fail("unexpected ERROR log: " + "; ".join(r.getMessage() for r in errors[:3]))


# ---------------------------------------------------------------------------- PostgreSQL
def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for candidate in reversed(found):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a loopback port; yields its admin URL."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail(
                "PostgreSQL binaries not found: `make test` installs the postgresql package"
            )
        pytest.skip("PostgreSQL is not installed (run `make test` to install it)")
    base = Path(tempfile.mkdtemp(prefix="qbtime-pg-"))
    base.chmod(0o755)
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    port = _free_port()
    run = lambda *args: subprocess.run([*prefix, *map(str, args)], check=True, capture_output=True)  # noqa: E731
    run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    run(bin_dir / "pg_ctl", "-D", data, "-o", opts, "-w", "-l", base / "log", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the throwaway server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_server.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{postgres_server}/{name}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------------- settings & store
@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def tickets() -> CountingTicketSource:
    return CountingTicketSource()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'qbtime.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'qbtime.sqlite3'}"


def make_settings(tmp_path: Path, database_url: str, **changes: object) -> Settings:
    """Test settings: instance folder in tmp_path, fast-enough limits."""
    return Settings(home=tmp_path, database_url=database_url, **changes)  # type: ignore[arg-type]


_SCHEMA_TEMPLATE: list[Path] = []  # this test process's migrated, empty SQLite file


def _sqlite_schema_template() -> Path:
    """An SQLite file migrated to head once per test process (Alembic's batch migrations cost
    about a second per store, several with coverage on); new SQLite stores start as its copy.
    The migrations themselves are tested on their own (tests/store/test_migrations*.py)."""
    if not _SCHEMA_TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="qbtime-schema-"))
        path = folder / "schema.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_schema(engine)
        engine.dispose()
        atexit.register(shutil.rmtree, folder, True)
        _SCHEMA_TEMPLATE.append(path)
    return _SCHEMA_TEMPLATE[0]


def make_store(url: str, clock: FixedClock) -> SqlStore:
    """A migrated store with an installation row (a new SQLite file is a copy of the template;
    ``upgrade_schema`` still runs and finds it at head)."""
    if url.startswith("sqlite:///"):
        target = Path(url.removeprefix("sqlite:///"))
        if not target.exists():
            shutil.copyfile(_sqlite_schema_template(), target)
    engine = make_engine(url)
    upgrade_schema(engine)
    store = SqlStore(engine)
    admin.init_installation(store, clock)
    return store


@pytest.fixture
def store(database_url: str, clock: FixedClock) -> Iterator[SqlStore]:
    """A migrated store with an installation row, on each backend."""
    s = make_store(database_url, clock)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(sqlite_url: str, clock: FixedClock) -> Iterator[SqlStore]:
    s = make_store(sqlite_url, clock)
    yield s
    s.dispose()


@pytest.fixture
def settings(tmp_path: Path, sqlite_url: str) -> Settings:
    return make_settings(tmp_path, sqlite_url)


@pytest.fixture
def app(
    settings: Settings, sqlite_store: SqlStore, clock: FixedClock, tickets: CountingTicketSource
):
    return create_app(settings, clock=clock, tickets=tickets, store=sqlite_store)


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """The app served over real HTTP on a loopback port."""
    with serve_in_thread(app) as url:
        yield url


class CompanyFactory:
    """Adds companies with known passwords."""

    def __init__(self, store: SqlStore, clock: FixedClock) -> None:
        self.store, self.clock = store, clock

    def add(
        self, name: str = "Acme Builders", *, due: bool = True, **kw: object
    ) -> admin.NewCompany:
        created = admin.add_company(self.store, self.clock, name, **kw)  # type: ignore[arg-type]
        if due:
            admin.request_sync(self.store, self.clock, created.company.id)
        else:  # synced a moment ago: nothing is due until the scheduler interval elapses
            now = self.clock.now()
            self.store.update_company(created.company.id, first_sync_at=now, last_success_at=now)
        return created


@pytest.fixture
def companies(sqlite_store: SqlStore, clock: FixedClock) -> CompanyFactory:
    return CompanyFactory(sqlite_store, clock)
