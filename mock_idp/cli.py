"""mock-idp serve | ca | healthcheck."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
import uvicorn

from .base_urls import BaseUrlError
from .config import ConfigError
from .settings import Settings
from .tls import CA_FILE, TlsError, ensure_ca, server_files, tls_dir, trust_lines

cli = typer.Typer(add_completion=False, no_args_is_help=False, help="A mock OpenID Connect provider.")


@cli.command()
def serve(
    config: Annotated[Optional[Path], typer.Option(help="Seed file [env MOCK_IDP_CONFIG]")] = None,
    host: Annotated[Optional[str], typer.Option(help="Bind address [env MOCK_IDP_HOST]")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port [env MOCK_IDP_PORT]")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="Public URL issuers are built from [env MOCK_IDP_BASE_URL]")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(help="Keys and SQLite database [env MOCK_IDP_DATA_DIR]")] = None,
    log_level: Annotated[Optional[str], typer.Option(help="uvicorn log level [env MOCK_IDP_LOG_LEVEL]")] = None,
    tls: Annotated[Optional[bool], typer.Option("--tls", help="HTTPS with a local CA made once in the data dir [env MOCK_IDP_TLS]")] = None,
    tls_cert: Annotated[Optional[Path], typer.Option(help="Serve this PEM certificate (with --tls-key) [env MOCK_IDP_TLS_CERT]")] = None,
    tls_key: Annotated[Optional[Path], typer.Option(help="Private key of --tls-cert [env MOCK_IDP_TLS_KEY]")] = None,
    tls_san: Annotated[Optional[list[str]], typer.Option(help="One more host name for the local certificate (repeatable) [env MOCK_IDP_TLS_SAN]")] = None,
    forwarded_allow_ips: Annotated[Optional[list[str]], typer.Option(help="Proxy addresses whose X-Forwarded-*/Forwarded headers shape browser links (repeatable, * for any) [env MOCK_IDP_FORWARDED_ALLOW_IPS]")] = None,
    internal_base_url: Annotated[Optional[list[str]], typer.Option(help="A base other containers call us at; discovery fetched there names back-channel endpoints on it (repeatable) [env MOCK_IDP_INTERNAL_BASE_URLS]")] = None,
    admin: Annotated[Optional[bool], typer.Option("--admin", help="The admin API under /_admin, for loopback callers (any caller with MOCK_IDP_ADMIN_TOKEN) [env MOCK_IDP_ADMIN]")] = None,
) -> None:
    """Serve the tenants of the seed file (default ./seed_users.yaml on http://127.0.0.1:8000)."""
    flags = dict(config=config, host=host, port=port, base_url=base_url, data_dir=data_dir, log_level=log_level,
                 tls=tls, tls_cert=tls_cert, tls_key=tls_key, tls_san=tls_san,
                 forwarded_allow_ips=forwarded_allow_ips, internal_base_urls=internal_base_url, admin=admin)
    settings = Settings(**{k: v for k, v in flags.items() if v is not None})
    from .app import create_app

    try:
        # The certificate first: a bad file stops the server before it builds anything.
        files = server_files(settings) if settings.tls_enabled else None
        app = create_app(settings)
    except ConfigError as error:
        typer.echo(f"mock-idp: invalid configuration\n{error}", err=True)
        raise typer.Exit(2) from None
    except (TlsError, BaseUrlError) as error:
        typer.echo(f"mock-idp: {error}", err=True)
        raise typer.Exit(2) from None
    for tenant in app.state.tenants:
        for issuer in tenant.issuers:
            typer.echo(f"  {tenant.name:<12} {tenant.flavor.name:<8} {issuer.issuer}")
    ssl = {}
    if files is not None:
        ssl = {"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key)}
        if files.ca is not None:
            ca_path = files.ca.resolve()
            typer.echo(f"HTTPS with the local CA {ca_path}; to trust it:")
            for line in trust_lines(ca_path):
                typer.echo(f"  {line}")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                proxy_headers=False, **ssl)


@cli.command()
def ca(
    data_dir: Annotated[Optional[Path], typer.Option(help="Keys and SQLite database [env MOCK_IDP_DATA_DIR]")] = None,
) -> None:
    """Print the path of the local CA certificate (made if missing), e.g. export SSL_CERT_FILE=$(mock-idp ca)."""
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
