"""Runtime settings: one pydantic-settings class, read from MOCK_IDP_* env vars and CLI flags."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCK_IDP_", extra="ignore")

    config: Path = Path("seed_users.yaml")
    host: str = "127.0.0.1"
    port: int = 8000
    # The public URL issuers are built from (e.g. the URL AppSync reaches the container at).
    base_url: str | None = None
    # Generated keys and the SQLite database live here; keep it out of version control.
    data_dir: Path = Path(".mock_idp")
    # Any SQLAlchemy URL; SQLite in data_dir when unset, PostgreSQL for scale-out.
    database_url: str | None = None
    log_level: str = "info"
    # The admin API under /_admin: off unless enabled; then loopback callers only, or any caller
    # with this bearer token (setting a token enables it).
    admin: bool = False
    admin_token: str | None = None

    @property
    def local_url(self) -> str:
        """Where this machine reaches the server (for healthchecks), whatever the public URL."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

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
