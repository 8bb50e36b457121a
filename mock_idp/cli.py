"""mock-idp serve | init | ca | healthcheck (further commands register on `cli` from their modules)."""

import gc
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .web.base_urls import BaseUrlError
from .config import ConfigError
from .config.settings import DEFAULT_SEED, Settings

# Plain click help (no rich panels): at 80 columns rich cut flag and variable names short.
cli = typer.Typer(add_completion=False, no_args_is_help=False, help="A mock OpenID Connect provider.",
                  rich_markup_mode=None)

# Shown under `serve --help`: how an unset setting is resolved.
DEFAULTS = {"config": "./seed_users.yaml, else the packaged default", "base_url": "http://HOST:PORT"}


def setting(name: str, help: str, *decls: str, listed: bool = False, metavar: str | None = None) -> Any:
    """A flag for Settings field `name`: same env var, and its default shown in --help. A
    repeatable flag's env var is comma-separated and read by Settings, not split by click."""
    env = f"MOCK_IDP_{name.upper()}"
    default = DEFAULTS.get(name, Settings.model_fields[name].default)
    shown = str(default) if default not in (None, [], False) else False
    if listed:
        return typer.Option(*decls, help=f"{help} (env {env}, comma-separated)", show_default=shown, metavar=metavar)
    return typer.Option(*decls, help=help, envvar=env, show_envvar=True, show_default=shown)


def env_only_settings() -> str:
    # Settings without a flag still belong in --help; rich markup would eat "[...]", so none here.
    shown = [f"MOCK_IDP_{name.upper()}" for name in Settings.model_fields
             if name not in SERVE_FLAGS]
    return "Also read from the environment: " + ", ".join(shown) + "." if shown else ""


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"mock-idp {__version__}")
        raise typer.Exit()


@cli.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """A mock OpenID Connect provider: Okta, Auth0 and Cognito personas for tests and workshops."""


SERVE_FLAGS = ("config", "host", "port", "base_url", "data_dir", "database_url", "log_level", "log_format",
               "access_log", "admin", "tls", "tls_cert",
               "tls_key", "tls_san", "forwarded_allow_ips", "internal_base_urls", "workers",
               "request_read_timeout", "keep_alive_timeout", "max_connections")


@cli.command(epilog=env_only_settings())
def serve(
    config: Annotated[Optional[Path], setting("config", "Seed file")] = None,
    host: Annotated[Optional[str], setting("host", "Bind address")] = None,
    port: Annotated[Optional[int], setting("port", "Port (1-65535)")] = None,
    base_url: Annotated[Optional[str], setting("base_url", "Public URL issuers are built from")] = None,
    data_dir: Annotated[Optional[Path], setting("data_dir", "Keys and SQLite database")] = None,
    database_url: Annotated[Optional[str], setting("database_url", "SQLAlchemy URL (PostgreSQL for scale-out)")] = None,
    log_level: Annotated[Optional[str], setting("log_level", "uvicorn log level")] = None,
    log_format: Annotated[Optional[str], setting("log_format", "Request log lines: text or json")] = None,
    access_log: Annotated[Optional[bool], setting("access_log", "One log line per request", "--access-log/--no-access-log")] = None,
    tls: Annotated[Optional[bool], setting("tls", "HTTPS with a local CA made once in the data dir", "--tls")] = None,
    tls_cert: Annotated[Optional[Path], setting("tls_cert", "Serve this PEM certificate (with --tls-key)")] = None,
    tls_key: Annotated[Optional[Path], setting("tls_key", "Private key of --tls-cert")] = None,
    tls_san: Annotated[Optional[list[str]], setting("tls_san", "One more host name for the local certificate (repeatable)", listed=True, metavar="NAME")] = None,
    forwarded_allow_ips: Annotated[Optional[list[str]], setting("forwarded_allow_ips", "Proxy addresses whose X-Forwarded-*/Forwarded headers shape browser links (repeatable, * for any)", listed=True, metavar="ADDRESS")] = None,
    internal_base_url: Annotated[Optional[list[str]], setting("internal_base_urls", "A base other containers call us at; discovery fetched there names back-channel endpoints on it (repeatable)", "--internal-base-url", listed=True, metavar="URL")] = None,
    admin: Annotated[Optional[bool], setting("admin", "The admin API under /_admin, for loopback callers (any caller with MOCK_IDP_ADMIN_TOKEN)", "--admin")] = None,
    workers: Annotated[Optional[int], setting("workers", "Worker processes sharing the port (SQLite in WAL mode, or PostgreSQL)")] = None,
    request_read_timeout: Annotated[Optional[float], setting("request_read_timeout", "Seconds a request's headers and body may take to arrive")] = None,
    keep_alive_timeout: Annotated[Optional[float], setting("keep_alive_timeout", "Seconds an idle keep-alive connection stays open")] = None,
    max_connections: Annotated[Optional[int], setting("max_connections", "Open connections before the longest-waiting one is closed for a new one (0: the open-file limit less 64)")] = None,
) -> None:
    """Serve the tenants of the seed file."""
    from .serving import (StartError, banner, check_data_dir, check_port_free, checked_settings,
                          connection_options, log_config)

    flags = dict(config=config, host=host, port=port, base_url=base_url, data_dir=data_dir,
                 database_url=database_url, log_level=log_level, log_format=log_format,
                 access_log=access_log, tls=tls, tls_cert=tls_cert,
                 tls_key=tls_key, tls_san=tls_san, forwarded_allow_ips=forwarded_allow_ips,
                 internal_base_urls=internal_base_url, admin=admin, workers=workers,
                 request_read_timeout=request_read_timeout, keep_alive_timeout=keep_alive_timeout,
                 max_connections=max_connections)
    try:
        settings = checked_settings(**flags)
        check_port_free(settings)
        check_data_dir(settings)
        refusal = workers_refusal(settings)
        if refusal:
            raise StartError(refusal)
    except StartError as error:
        typer.echo(f"mock-idp: {error}", err=True)
        raise typer.Exit(2) from None
    # Building the app allocates much and frees little: the collector's passes over it meanwhile
    # were ~15% of the start. It runs again, over what is made after, once uvicorn is imported.
    gc.disable()
    from .app import create_app

    files = tls_files(settings)  # the certificate first: a bad file stops the server before it builds anything
    from sqlalchemy.exc import DBAPIError

    try:
        app = create_app(settings)
        app.state.store.check_writable()  # a full disk: refused now, not at the first token
    except ConfigError as error:
        typer.echo(f"mock-idp: invalid configuration\n{error}", err=True)
        raise typer.Exit(2) from None
    except BaseUrlError as error:
        typer.echo(f"mock-idp: {error}", err=True)
        raise typer.Exit(2) from None
    except (DBAPIError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        typer.echo(f"mock-idp: cannot write the database in {settings.data_dir}: {reason}"
                   if settings.database_url is None else f"mock-idp: cannot write the database: {reason}", err=True)
        raise typer.Exit(2) from None
    typer.echo(banner(app, settings))
    ssl = {}
    if files is not None:
        ssl = {"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key)}
        if files.ca is not None:
            ca_path = files.ca.resolve()
            typer.echo(f"HTTPS with the local CA {ca_path}; to trust it:")
            from .tls import trust_lines

            for line in trust_lines(ca_path):
                typer.echo(f"  {line}")
    sys.stdout.flush()  # before uvicorn takes over: a container log shows it at once
    import uvicorn

    gc.freeze()  # the start-up's objects live as long as the server: later collections skip them
    gc.enable()

    # ws="none": nothing here speaks WebSocket, and uvicorn's "auto" imports the websockets package
    # (27 modules, ~2 MiB resident) to find that out.
    options = dict(host=settings.host, port=settings.port, log_level=settings.log_level,
                   log_config=log_config(settings), access_log=False, proxy_headers=False, ws="none",
                   **connection_options(settings), **ssl)
    if settings.workers > 1:
        # The app above was built once to check the seed and create the tables and keys; each
        # worker builds its own from the same settings, handed over as MOCK_IDP_* variables.
        app.state.store.close()
        os.environ.update(settings_environment(flags))
        from .web.workers import SpreadWorkers, spreads_connections

        if not spreads_connections():  # one socket shared by the workers, as uvicorn does
            uvicorn.run("mock_idp.app:app_from_environment", factory=True, workers=settings.workers, **options)
            return
        try:
            SpreadWorkers(uvicorn.Config("mock_idp.app:app_from_environment", factory=True,
                                         workers=settings.workers, **options)).run()
        except KeyboardInterrupt:
            pass
        return
    uvicorn.run(app, **options)


def tls_files(settings: Settings):
    """The certificate and key to serve, or None without TLS (tls.py, and cryptography's x509 with
    it, is imported only then: ~40 ms of start-up)."""
    if not settings.tls_enabled:
        return None
    from .tls import TlsError, server_files

    try:
        return server_files(settings)
    except TlsError as error:
        typer.echo(f"mock-idp: {error}", err=True)
        raise typer.Exit(2) from None


def workers_refusal(settings: Settings) -> str | None:
    """Why --workers cannot work with these settings, or None."""
    if settings.workers < 1:
        return f"--workers must be 1 or more, not {settings.workers}"
    url = settings.resolved_database_url
    if settings.workers > 1 and url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") == "sqlite:"):
        return ("--workers needs a database the processes share: an in-memory SQLite database would be one per "
                "worker; use a file (the default, in --data-dir) or PostgreSQL (MOCK_IDP_DATABASE_URL)")
    return None


def settings_environment(flags: dict) -> dict[str, str]:
    """The flags given, as the MOCK_IDP_* variables Settings reads (lists comma-separated)."""
    environment = {}
    for name, value in flags.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = ",".join(value)
        environment[f"MOCK_IDP_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return environment


@cli.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the seed")] = Path("seed_users.yaml"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file")] = False,
) -> None:
    """Write the packaged default seed out for editing (then `mock-idp serve` picks it up)."""
    if path.exists() and not force:
        typer.echo(f"mock-idp: {path} exists; use --force to overwrite it", err=True)
        raise typer.Exit(1)
    shutil.copyfile(DEFAULT_SEED, path)
    typer.echo(f"wrote {path}; edit it, then run: mock-idp serve")


@cli.command()
def ca(
    data_dir: Annotated[Optional[Path], setting("data_dir", "Keys and SQLite database")] = None,
) -> None:
    """Print the path of the local CA certificate (made if missing), e.g. export SSL_CERT_FILE=$(mock-idp ca)."""
    from .tls import TlsError, ensure_ca

    settings = Settings(**({"data_dir": data_dir} if data_dir else {}))
    try:
        typer.echo(str(ensure_ca(settings.data_dir).resolve()))
    except TlsError as error:
        typer.echo(f"mock-idp: {error}", err=True)
        raise typer.Exit(2) from None


@cli.command()
def healthcheck(
    url: Annotated[Optional[str], typer.Option(help="Base URL to probe (default: from settings)")] = None,
) -> None:
    """Exit 0 when the server answers /healthz, 1 otherwise (for images without curl)."""
    import httpx  # here, not at the top: `serve` starts faster without it

    settings = Settings()
    base = (url or settings.local_url).rstrip("/")
    try:
        ok = httpx.get(f"{base}/healthz", timeout=3, verify=probe_verify(settings)).status_code == 200
    except httpx.HTTPError:
        ok = False
    typer.echo("ok" if ok else "unhealthy")
    raise typer.Exit(0 if ok else 1)


def probe_verify(settings: Settings):
    """How the healthcheck trusts a --tls server: by our local CA (its certificate names 127.0.0.1).
    A certificate the user brings names the public host, not loopback: liveness only, unverified."""
    import ssl

    from .tls import CA_FILE, tls_dir

    if settings.tls_cert is not None:
        return False
    ca = tls_dir(settings.data_dir) / CA_FILE
    if settings.tls and ca.is_file():
        return ssl.create_default_context(cafile=str(ca))
    return True


def main() -> None:
    sys.exit(cli())


def _register_commands() -> None:
    from .aws.cli import register  # check-token, doctor (issue 8)

    register(cli)


_register_commands()
