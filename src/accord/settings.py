"""All of a node's settings in one typed class, read from ``ACCORD_*`` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_data_dir() -> Path:
    return Path(user_data_dir("accord", appauthor=False))


def _default_shared_dir() -> Path:
    return PROJECT_ROOT.parent / "shared"


class Settings(BaseSettings):
    """Settings of one Accord node. Every field can be set as ``ACCORD_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="ACCORD_", env_file=None, extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the node keeps its operational store, downloads and analytical data.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the operational store (default: SQLite in data_dir).",
    )
    shared_dir: Path = Field(
        default_factory=_default_shared_dir,
        description="The shared public data folder (offline copies of the official lists).",
    )
    node_id: str = Field(default="local", description="This node's identifier among partners.")
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=False, description="Log JSON lines instead of console text.")
    http_timeout: float = Field(default=60.0, description="Seconds before a list download fails.")
    http_retries: int = Field(default=3, ge=0, le=10)
    max_download_bytes: int = Field(
        default=512 * 1024 * 1024, description="A list download larger than this is refused."
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    @field_validator("data_dir", "shared_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'accord.db'}"

    @property
    def downloads_dir(self) -> Path:
        return self.data_dir / "downloads"

    @property
    def lists_data_dir(self) -> Path:
        """The offline copies of the official lists (``../shared/data/lists``)."""
        return self.shared_dir / "data" / "lists"

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.downloads_dir.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def in_ci() -> bool:
    """True when running under CI (``CI=true``), where no data-dependent test may skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
