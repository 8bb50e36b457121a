"""What `mock-idp serve` checks and says before uvicorn starts: settings, port, banner."""

import copy
import os
import socket
import tempfile

from pydantic import ValidationError

from . import __version__
from .pages import tenant_page_path
from .config.settings import DEFAULT_SEED, Settings


class StartError(Exception):
    """A one-line reason the server cannot start (printed before any banner)."""


def checked_settings(**flags) -> Settings:
    try:
        return Settings(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        raise StartError(f"--{name.replace('_', '-')} / MOCK_IDP_{name.upper()}: "
                         f"{error['msg'].lower()}, got {error['input']!r}") from None


def check_port_free(settings: Settings) -> None:
    # create_server sets SO_REUSEADDR as uvicorn does: a port in TIME_WAIT is not "in use".
    try:
        socket.create_server((settings.host, settings.port)).close()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise StartError(f"cannot listen on {settings.host}:{settings.port}: {reason}") from None


def check_data_dir(settings: Settings) -> None:
    """The data dir (SQLite, the local CA) must be writable by this user. A root-owned bind mount
    (`docker run -v $PWD/data:/data`) is not, for the image's uid 10001: say the fix in one line."""
    local_ca = settings.tls and settings.tls_cert is None
    if settings.database_url is not None and not local_ca:
        return  # nothing is written there
    folder = settings.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        uid = os.getuid()
        owner = f"owned by uid {folder.stat().st_uid}" if folder.exists() else "cannot be made"
        raise StartError(f"data dir {folder} is not writable by uid {uid} ({owner}: {exc.strerror}); fix: "
                         f"`chown {uid}` the directory (on the host, for a bind mount), run as its owner "
                         f"(docker run --user), or use a named volume (-v mock-idp-data:{folder})") from None


def log_config(settings: Settings) -> dict:
    """uvicorn's logging, with our request line (mock_idp.access) in place of its access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    # One line per request, its message (request_log.LineHandler), on stdout.
    config["handlers"]["request"] = {"class": "mock_idp.web.request_log.LineHandler", "stream": "ext://sys.stdout"}
    config["loggers"]["mock_idp.access"] = {"handlers": ["request"], "level": "INFO", "propagate": False}
    return config


def connection_options(settings: Settings) -> dict:
    """uvicorn's options for bounded connections (web/connections.py), this process's limits set."""
    from .web.connections import configure

    configure(settings.request_read_timeout, settings.max_connections)
    return {"http": "mock_idp.web.connections:BoundedHttp", "timeout_keep_alive": settings.keep_alive_timeout}


def seed_origin(settings: Settings) -> str:
    if settings.config_inline is not None:
        return "the seed in MOCK_IDP_CONFIG_INLINE"
    if settings.config is None and settings.seed_file == DEFAULT_SEED:
        return "the packaged default seed (no ./seed_users.yaml; `mock-idp init` writes it out for editing)"
    return f"seed {settings.seed_file}"


def banner(app, settings: Settings) -> str:
    base = settings.public_base_url
    lines = [f"mock_idp {__version__} serving {seed_origin(settings)}", f"Open {base}/", ""]
    for tenant in app.state.tenants:
        lines.append(f"  {tenant.name}  ({tenant.display_name})  {base}{tenant_page_path(tenant)}")
        # An authorization server issuing as one listed before (Entra's `common`) is named by where
        # it is served, once: not as the same issuer line again.
        seen, aliases = set(), []
        for issuer in tenant.issuers:
            if issuer.issuer in seen:
                aliases.append(f"{base}{issuer.prefix}")
            else:
                seen.add(issuer.issuer)
                lines.append(f"    issuer   {issuer.issuer}")
        if aliases:
            lines.append(f"    aliases  {', '.join(aliases)}  (issuing as the issuer above)")
        lines.append(f"    clients  {', '.join(tenant.clients) or '(none)'}")
    return "\n".join(lines)
