"""Runtime settings: one pydantic-settings class, read from MOCK_IDP_* env vars and CLI flags."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A list read from one env var as comma-separated values (MOCK_IDP_TLS_SAN=a,b).
CommaList = Annotated[list[str], NoDecode]

# The seed that ships inside the package: served when there is no ./seed_users.yaml.
DEFAULT_SEED = Path(__file__).resolve().parent.parent / "seed_users.yaml"  # mock_idp/seed_users.yaml


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCK_IDP_", extra="ignore")

    # The seed file; when unset, ./seed_users.yaml if there is one, else the packaged default.
    config: Path | None = None
    # The whole seed YAML in one variable (containers without a mounted file); wins over config.
    config_inline: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # The public URL issuers are built from (e.g. the URL AppSync reaches the container at).
    base_url: str | None = None
    # Generated keys, the local CA and the SQLite database live here; keep it out of version control.
    data_dir: Path = Path(".mock_idp")
    # Any SQLAlchemy URL; SQLite in data_dir when unset, PostgreSQL for scale-out.
    database_url: str | None = None
    # On PostgreSQL: seconds a request waits for the database (its work runs off the event loop);
    # past them it is answered 503 temporarily_unavailable (docs/durability.md). Unused on SQLite.
    database_wait: float = Field(3.0, gt=0)
    log_level: str = "info"
    # One line per request (tenant, endpoint, client, grant, outcome, error, duration), or none.
    log_format: Literal["text", "json"] = "text"
    access_log: bool = True
    # The admin API under /_admin: off unless enabled; then loopback callers only, or any caller
    # with this bearer token (setting a token enables it).
    admin: bool = False
    admin_token: str | None = None
    # Worker processes on one port (serve --workers): SQLite (WAL, busy timeout) or PostgreSQL.
    workers: int = 1
    # Bounds on what one request may make the server read (asgi.Guard, endpoints.http).
    max_body_bytes: int = 1024 * 1024
    max_parameters: int = 200
    # Connections (web/connections.py): a request's headers and body must arrive within
    # request_read_timeout s; an idle keep-alive connection closes after keep_alive_timeout s
    # (uvicorn's timeout_keep_alive); past max_connections open ones (0: the open-file limit less 64)
    # the one that has waited longest for its request is closed to make room.
    request_read_timeout: float = Field(10.0, gt=0)
    keep_alive_timeout: float = Field(5.0, gt=0)
    max_connections: int = Field(0, ge=0)
    # Expired rows are deleted every purge_interval seconds, at most purge_batch of a kind at once.
    purge_interval: float = 60.0
    purge_batch: int = 500
    # HTTPS with our local CA (made once in data_dir/tls), or with the user's certificate and key.
    tls: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_san: CommaList = []  # more names for the local certificate
    # Proxies whose X-Forwarded-* / Forwarded headers shape browser-facing links ("*" for any).
    forwarded_allow_ips: CommaList = []
    # Bases other containers call us at: back-channel endpoints of discovery use the one called.
    internal_base_urls: CommaList = []

    @field_validator("tls_san", "forwarded_allow_ips", "internal_base_urls", mode="before")
    @classmethod
    def split_commas(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("internal_base_urls")
    @classmethod
    def strip_slash(cls, value: list[str]) -> list[str]:
        return [url.rstrip("/") for url in value]

    @property
    def tls_enabled(self) -> bool:
        return self.tls or self.tls_cert is not None

    @property
    def seed_file(self) -> Path:
        if self.config is not None:
            return self.config
        local = Path("seed_users.yaml")
        return local if local.is_file() else DEFAULT_SEED

    @property
    def local_url(self) -> str:
        """Where this machine reaches the server (for healthchecks), whatever the public URL."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        scheme, default_port = ("https", 443) if self.tls_enabled else ("http", 80)
        port = "" if self.port == default_port else f":{self.port}"
        return f"{scheme}://{host}{port}"

    @property
    def admin_enabled(self) -> bool:
        return self.admin or bool(self.admin_token)

    @property
    def public_base_url(self) -> str:
        return self.base_url.rstrip("/") if self.base_url else self.local_url

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'mock_idp.db'}"
