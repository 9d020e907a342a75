"""Configuration: defaults, then environment variables, then an explicit mapping (tests)."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The environment variables of DESIGN §3 and the config keys they fill.
ENV_VARS = {
    "WIKI_DATA_DIR": "DATA_DIR",
    "WIKI_DATABASE_URL": "DATABASE_URL",
    "WIKI_SEARCH": "SEARCH_BACKEND",
    "WIKI_SECRET_KEY": "SECRET_KEY",
    "WIKI_SITE_NAME": "SITE_NAME",
    "WIKI_TERRITORY": "TERRITORY",
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are believed (nginx: 1).
    "WIKI_PROXY_HOPS": "PROXY_HOPS",
}


def defaults() -> dict:
    """Settings used when neither the environment nor the caller says otherwise."""
    return {
        "DATA_DIR": "./instance",
        "DATABASE_URL": None,
        "SEARCH_BACKEND": "whoosh",
        "SECRET_KEY": None,
        "SITE_NAME": "Wiki de territoire",
        "TERRITORY": "",
        # Without a proxy, X-Forwarded-For is whatever the client says: believe none by default.
        "PROXY_HOPS": 0,
        "CHARTER_DIR": str(ROOT / "charter"),
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        "PASSWORD_HASH_METHOD": "scrypt",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }


def load(overrides: dict | None = None) -> dict:
    """Merge defaults, `WIKI_*` environment variables and `overrides`, then derive paths."""
    settings = defaults()
    for var, key in ENV_VARS.items():
        if os.environ.get(var):
            settings[key] = os.environ[var]
    settings.update(overrides or {})
    hops = str(settings["PROXY_HOPS"])
    if not hops.isdigit():
        raise ValueError(f"WIKI_PROXY_HOPS doit être un entier positif ou nul, pas « {hops} ».")
    settings["PROXY_HOPS"] = int(hops)
    data_dir = Path(settings["DATA_DIR"]).resolve()
    settings["DATA_DIR"] = str(data_dir)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{data_dir / 'wiki.sqlite3'}"
    elif settings["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        # A plain PostgreSQL URL means the driver we install, psycopg 3.
        settings["DATABASE_URL"] = (
            "postgresql+psycopg://" + settings["DATABASE_URL"].split("://", 1)[1]
        )
    settings.setdefault("SEARCH_INDEX_DIR", str(data_dir / "search-index"))
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = _stored_secret_key(data_dir)
    return settings


def _stored_secret_key(data_dir: Path) -> str:
    """Generate the secret key once and keep it in the data dir, so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting together must end up with the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
