"""mock-idp serve | healthcheck."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
import uvicorn

from .config import ConfigError
from .settings import Settings

cli = typer.Typer(add_completion=False, no_args_is_help=False, help="A mock OpenID Connect provider.")


@cli.command()
def serve(
    config: Annotated[Optional[Path], typer.Option(help="Seed file [env MOCK_IDP_CONFIG]")] = None,
    host: Annotated[Optional[str], typer.Option(help="Bind address [env MOCK_IDP_HOST]")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port [env MOCK_IDP_PORT]")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="Public URL issuers are built from [env MOCK_IDP_BASE_URL]")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(help="Keys and SQLite database [env MOCK_IDP_DATA_DIR]")] = None,
    log_level: Annotated[Optional[str], typer.Option(help="uvicorn log level [env MOCK_IDP_LOG_LEVEL]")] = None,
) -> None:
    """Serve the tenants of the seed file (default ./seed_users.yaml on http://127.0.0.1:8000)."""
    flags = dict(config=config, host=host, port=port, base_url=base_url, data_dir=data_dir, log_level=log_level)
    settings = Settings(**{k: v for k, v in flags.items() if v is not None})
    from .app import create_app

    try:
        app = create_app(settings)
    except ConfigError as error:
        typer.echo(f"mock-idp: invalid configuration\n{error}", err=True)
        raise typer.Exit(2) from None
    for tenant in app.state.tenants:
        for issuer in tenant.issuers:
            typer.echo(f"  {tenant.name:<12} {tenant.flavor.name:<8} {issuer.issuer}")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)


@cli.command()
def healthcheck(
    url: Annotated[Optional[str], typer.Option(help="Base URL to probe (default: from settings)")] = None,
) -> None:
    """Exit 0 when the server answers /healthz, 1 otherwise (for images without curl)."""
    import httpx  # here, not at the top: `serve` starts faster without it

    base = (url or Settings().local_url).rstrip("/")
    try:
        ok = httpx.get(f"{base}/healthz", timeout=3).status_code == 200
    except httpx.HTTPError:
        ok = False
    typer.echo("ok" if ok else "unhealthy")
    raise typer.Exit(0 if ok else 1)


def main() -> None:
    sys.exit(cli())


def _register_commands() -> None:
    from .aws.cli import register  # check-token, doctor (issue 8)

    register(cli)


_register_commands()
