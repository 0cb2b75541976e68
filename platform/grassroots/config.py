"""Configuration from the environment, declared in one place so a bad setting fails at start."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(RuntimeError):
    """A configuration problem found at start-up; lists every problem at once."""


def _instance_dir(explicit: str | None) -> Path:
    path = Path(explicit or os.environ.get("GRASSROOTS_INSTANCE") or REPO_ROOT / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _dev_secret(instance: Path, name: str, nbytes: int) -> str:
    """A development secret generated once and kept in instance/, never committed."""
    path = instance / name
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config: environment first, then test overrides; production requires secrets."""
    overrides = dict(overrides or {})
    instance = _instance_dir(overrides.get("INSTANCE_PATH"))
    env = os.environ
    production = env.get("GRASSROOTS_ENV", "development") == "production"
    errors: list[str] = []
    secret = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret:
        if production:
            errors.append("SECRET_KEY is required when GRASSROOTS_ENV=production")
        else:
            secret = _dev_secret(instance, "secret_key", 32)
    id_key = overrides.get("ID_NUMBER_KEY") or env.get("ID_NUMBER_KEY")
    if not id_key:
        if production:
            errors.append("ID_NUMBER_KEY is required when GRASSROOTS_ENV=production")
        else:
            id_key = _dev_secret(instance, "id_number_key", 32)
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or env.get("DATABASE_URL") or (
        f"sqlite:///{instance / 'grassroots.db'}"
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    if errors:
        raise ConfigError("; ".join(errors))
    config = {
        "SECRET_KEY": secret,
        "ID_NUMBER_KEY": id_key,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "LANGUAGES": ["zh", "en"],
        "PACKS_DIR": str(REPO_ROOT / "policy_packs"),
        "TENANTS_DIR": str(REPO_ROOT / "tenants"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_SECONDS": int(env.get("LOGIN_LOCK_SECONDS", "900")),
        "LOGIN_IP_MAX_FAILURES": int(env.get("LOGIN_IP_MAX_FAILURES", "30")),
        "LOGIN_IP_WINDOW_SECONDS": int(env.get("LOGIN_IP_WINDOW_SECONDS", "900")),
        # How many reverse proxies in front set X-Forwarded-For; 0 = the header is not believed.
        "PROXY_FIX_X_FOR": int(env.get("PROXY_FIX_X_FOR", "0")),
        "EVALUATE_RATE_PER_MINUTE": int(env.get("EVALUATE_RATE_PER_MINUTE", "120")),
        "API_TITLE": "Grassroots Talent Platform API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "PRODUCTION": production,
    }
    config.update(overrides)
    return config
