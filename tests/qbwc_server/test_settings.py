"""Settings: defaults < instance/settings.toml < QBTIME_* environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbwc_server.errors import ConfigurationError
from qbwc_server.settings import load_settings


def test_layering(tmp_path: Path) -> None:
    """The instance file overrides defaults, the environment overrides the file."""
    (tmp_path / "settings.toml").write_text(
        'max_returned = 100\nsupport_url = "https://x.example.com/help"\n'
    )
    env = {"QBTIME_HOME": str(tmp_path), "QBTIME_MAX_RETURNED": "250", "QBTIME_LOG_QBXML": "yes"}
    settings = load_settings(env)
    assert settings.max_returned == 250 and settings.log_qbxml is True
    assert settings.support_url == "https://x.example.com/help"
    assert settings.max_body_bytes == 256 * 1024 * 1024
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / 'qbtime.sqlite3').resolve()}"


def test_database_url_override(tmp_path: Path) -> None:
    """QBTIME_DATABASE_URL replaces the embedded SQLite default."""
    url = "postgresql+psycopg://u@db.example.com/qbtime"
    assert (
        load_settings(
            {"QBTIME_HOME": str(tmp_path), "QBTIME_DATABASE_URL": url}
        ).effective_database_url
        == url
    )


@pytest.mark.parametrize(
    ("content", "env"),
    [
        ("nonsense = 1\n", {}),
        ("max_returned = [\n", {}),
        ("", {"QBTIME_MAX_RETURNED": "many"}),
        ("", {"QBTIME_MAX_BODY_BYTES": "10"}),
    ],
)
def test_bad_settings_are_clear_errors(tmp_path: Path, content: str, env: dict[str, str]) -> None:
    """An unknown key, broken TOML or a bad value is a ConfigurationError."""
    (tmp_path / "settings.toml").write_text(content)
    with pytest.raises(ConfigurationError):
        load_settings({"QBTIME_HOME": str(tmp_path), **env})


def test_support_page_and_health(app) -> None:
    """AppSupport answers 200 (QBWC checks it) and /healthz reports the database is up."""
    client = app.test_client()
    assert client.get("/support").status_code == 200
    assert client.get("/healthz").get_json()["status"] == "ok"
