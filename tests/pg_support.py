"""A PostgreSQL server for the storage tests: the one MOCK_IDP_TEST_DATABASE_URL names, else a
throw-away cluster of Debian's binaries on a free loopback port, else a skip that says why.
Each test run gets a new, uniquely named database, so runs never see each other's rows."""

import atexit
import contextlib
import functools
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import uuid

import pytest

from conftest import free_port

ENV_URL = "MOCK_IDP_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A fresh database on the test server for this run, as a SQLAlchemy URL (dropped after it)."""
    server = _server()
    if isinstance(server, str):
        if os.environ.get("CI"):  # CI installs PostgreSQL: a skip there would hide these tests
            pytest.fail(server)
        pytest.skip(server)
    url = server.set(database=f"mock_idp_test_{uuid.uuid4().hex[:12]}")
    _admin(server, f'CREATE DATABASE "{url.database}"')
    yield url.render_as_string(hide_password=False)
    # FORCE (PostgreSQL 13+): a replica thread may still hold a pooled connection.
    _admin(server, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@functools.cache
def _server():
    """The maintenance URL of a server to create databases on, or why there is none."""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy.engine import make_url
    except ImportError:
        return "PostgreSQL driver missing: pip install -e '.[test,postgres]'"
    if os.environ.get(ENV_URL):
        return make_url(os.environ[ENV_URL])
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    initdb = initdb[-1] if initdb else shutil.which("initdb")
    if initdb is None:
        return f"no PostgreSQL: apt-get install postgresql, or set {ENV_URL}"
    try:
        port = _start_cluster(os.path.dirname(initdb))
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        return f"could not start PostgreSQL with {initdb}: {error} {detail.decode(errors='replace')}"
    return make_url(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")


def _start_cluster(bin_dir: str) -> int:
    as_user = []
    directory = tempfile.mkdtemp(prefix="mock-idp-pg-")
    if os.geteuid() == 0:
        # initdb refuses to run as root; the cluster belongs to the postgres account instead.
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(directory, "postgres")
    data, port = os.path.join(directory, "data"), free_port()

    def run(tool: str, *args: str) -> None:
        subprocess.run([*as_user, os.path.join(bin_dir, tool), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    # Trust over loopback is safe enough for a cluster that lives as long as the test run.
    run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
    # Durability is pointless here; fsync off keeps each CREATE DATABASE and commit fast.
    options = f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c synchronous_commit=off"
    run("pg_ctl", "start", "-w", "-D", data, "-l", os.path.join(directory, "log"), "-o", options)

    def stop() -> None:
        subprocess.run([*as_user, os.path.join(bin_dir, "pg_ctl"), "stop", "-m", "immediate", "-D", data],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(directory, ignore_errors=True)

    atexit.register(stop)
    _clusters[port] = data
    return port


_clusters: dict[int, str] = {}  # port -> data directory, of the clusters this run started


@pytest.fixture
def postgres_paused(postgres_url):
    """A context manager: the server of `postgres_url` paused for the block (SIGSTOP to the
    postmaster and every backend: connections stay up, nothing answers, as a stalled server),
    then resumed (SIGCONT). Only a cluster this run started can be paused; in CI that is always one."""
    from sqlalchemy.engine import make_url

    data = _clusters.get(make_url(postgres_url).port)
    if data is None:
        if os.environ.get("CI"):  # CI starts its own cluster: a skip there would hide the test
            pytest.fail(f"the server {ENV_URL} names is not ours to pause")
        pytest.skip(f"the server {ENV_URL} names is not ours to pause")
    return functools.partial(_paused, data)


@contextlib.contextmanager
def _paused(data: str):
    with open(os.path.join(data, "postmaster.pid")) as pid_file:
        postmaster = int(pid_file.readline())
    processes = [postmaster, *_children(postmaster)]
    for pid in processes:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in processes:
            os.kill(pid, signal.SIGCONT)


def _children(parent: int) -> list[int]:
    """The processes whose parent is `parent` (/proc/<pid>/stat: the field after the state)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == parent:
                        found.append(int(entry))
    return found


def _admin(server, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses a transaction
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _version(path: str) -> float:
    return float(path.split("/")[-3])


@pytest.fixture
def postgres_down(postgres_url):
    """A context manager: `postgres_url`'s database as if its server were down for the block."""
    return functools.partial(_refusing_connections, postgres_url)


@contextlib.contextmanager
def _refusing_connections(url: str):
    """The database `url` names, as if its server were down for the block: its open connections
    ended (as a shutdown ends them: "terminating connection due to administrator command") and new
    ones refused; open again after. The server itself, shared by the run's tests, keeps running."""
    from sqlalchemy.engine import make_url

    database = make_url(url)
    maintenance = database.set(database="postgres")
    _admin(maintenance, f'ALTER DATABASE "{database.database}" ALLOW_CONNECTIONS false')
    try:
        _admin(maintenance, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            f"WHERE datname = '{database.database}' AND pid <> pg_backend_pid()")
        yield
    finally:
        _admin(maintenance, f'ALTER DATABASE "{database.database}" ALLOW_CONNECTIONS true')
