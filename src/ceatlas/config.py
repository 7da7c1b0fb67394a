"""One typed settings object, read from the environment on demand (never at import)."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ceatlas"


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``CEATLAS_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="CEATLAS_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    kb_dir: Path | None = None
    mode: Literal["development", "production"] = "development"
    # Signs session cookies. Required (32+ characters) in production; in development an
    # empty value means a random key kept in ``data_dir/secret_key``.
    secret_key: SecretStr = SecretStr("")
    # The site's address as people reach it: links in e-mails start with it.
    public_url: str = "http://127.0.0.1:8000"
    # Outgoing e-mail. Without an SMTP host, messages are written to ``mail_dir`` (by
    # default ``data_dir/mail``) as .eml files instead of being sent.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "CE Atlas <no-reply@localhost>"
    mail_dir: Path | None = None
    # Catalog sync (``ceatlas sources sync``): how it names itself to providers' sites, how
    # long it waits for a page, and the least pause between two requests to the same host.
    sync_user_agent: str = "CE Atlas catalog sync/1.0 (CE class directory)"
    sync_timeout: float = Field(default=20.0, gt=0)
    sync_host_delay: float = Field(default=1.0, ge=0)
    # Login sessions: how long one lasts from signing in, and how long it survives unused.
    session_lifetime_days: int = Field(default=14, ge=1, le=365)
    session_idle_hours: int = Field(default=168, ge=1, le=365 * 24)
    # Reverse proxies whose X-Forwarded-For header is believed (IPs or CIDR blocks, as a
    # JSON list or separated by commas); empty: the direct peer is the client.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        """Accept "10.0.0.1, 10.1.0.0/16" as well as a JSON list; check each entry."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list):
            entries = [str(v).strip() for v in value if str(v).strip()]
            for entry in entries:
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(
                        f"CEATLAS_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR block"
                    ) from None
            return entries
        return value

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'ceatlas.db'}"

    @property
    def resolved_mail_dir(self) -> Path:
        """Where messages go when no SMTP host is configured."""
        return self.mail_dir or self.data_dir / "mail"

    def link(self, path: str) -> str:
        """An absolute link to ``path`` on this site, for e-mails."""
        return self.public_url.rstrip("/") + path

    def session_secret(self) -> str:
        """The key that signs session cookies; refuses a missing or weak one in production."""
        key = self.secret_key.get_secret_value()
        if strong_secret(key):
            return key
        if self.mode == "production":
            raise ConfigError(
                "CEATLAS_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET} characters, {MIN_DISTINCT} of them different, in production "
                "mode (for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        if key:
            return key
        return _development_secret(self.data_dir / "secret_key")


class ConfigError(RuntimeError):
    """The configuration cannot be used (the message says which setting and why)."""


MIN_SECRET = 32
#: a random key of 32+ characters has far more; forty "a"s have one
MIN_DISTINCT = 12
INSECURE_SECRETS = frozenset({"changeme", "change-me", "secret", "development", "dev"})


def strong_secret(key: str) -> bool:
    """Long, not a known default, and not made of a few characters repeated."""
    return len(key) >= MIN_SECRET and key not in INSECURE_SECRETS and len(set(key)) >= MIN_DISTINCT


def _development_secret(path: Path) -> str:
    """A random key made once and kept in the data folder, shared by every worker."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    try:
        os.link(tmp, path)  # atomic: the first worker's key wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
