"""Configuration from ESOL_FINDER_* environment variables, with embedded defaults.

Read once at start-up into a `Settings` object that is passed to whatever needs it.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "ESOL_FINDER_"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(PREFIX + name, default)


def _whole(name: str, default: int, low: int, high: int) -> int:
    """A whole-number setting, checked for range (a bad value stops start-up, named). Settings sit below
    `domain`, so this is plain digits only: no sign, no decimals, no exponent."""
    raw = _env(name).strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    raise ValueError(f"{PREFIX}{name} must be a whole number from {low} to {high}, not {raw[:40]!r}")


def _flag(name: str, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    default_locale: str = "en"
    demo_banner: bool = True
    base_url: str = "http://127.0.0.1:8000"
    # Whether ESOL_FINDER_BASE_URL (or an override) set base_url; when not, absolute links come from
    # each request (finder.web.kit.addresses.base_url).
    base_url_configured: bool = False
    secure_cookies: bool = False
    stale_after_days: int = 183
    hide_after_days: int = 365
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = '© OpenStreetMap contributors'
    geocoder: str = ""
    geocoder_domain: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "ESOL Finder <no-reply@esol-finder.invalid>"
    rate_limit_logins: int = 20
    rate_limit_forms: int = 10
    import_max_bytes: int = 5 * 1024 * 1024
    import_max_rows: int = 5000
    allowed_hosts: tuple[str, ...] = ()
    access_log: bool = False
    check_link_days: int = 90
    submitter_retention_days: int = 90
    # Listings whose availability was last confirmed longer ago than this are listed for coordinators.
    availability_stale_weeks: int = 8
    # Requests for a place are deleted this many days after they were sent (at most; sooner on request).
    request_retention_days: int = 90
    security_contact: str = ""  # where to report a vulnerability (mailto: or https:); default: the mail sender
    # Proxies whose X-Forwarded-For is believed (addresses or networks, "10.0.0.0/8"); none by default.
    trusted_proxies: tuple[str, ...] = ()
    # Several instances (see README "Deployment"): whether start-up migrates the schema itself (the embedded
    # SQLite default does; on PostgreSQL `esol-finder migrate` runs once and instances refuse a schema behind).
    auto_migrate: bool = True
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: float = 10.0
    index_lag_budget: float = 5.0  # seconds an index may trail the database and still be ready
    index_build_mb: int = 1024  # the most memory (MB) a process building the search index should reach
    sync_interval: float = 0.25  # seconds between looks at the change feed (PostgreSQL also wakes on NOTIFY)
    log_format: str = "json"  # "json" (one object a line) or "text"
    log_personal: bool = False  # add client addresses and query strings to request logs (off: no personal data)
    extra: dict = field(default_factory=dict)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def postcodes_path(self) -> Path:
        return self.data_dir / "postcodes.sqlite"

    @property
    def hosts(self) -> list[str]:
        """The host names requests may name: the base URL's, this machine's, and ESOL_FINDER_ALLOWED_HOSTS."""
        own = urlsplit(self.base_url).hostname or ""
        return list(dict.fromkeys(h for h in (own, "localhost", "127.0.0.1", "[::1]", *self.allowed_hosts) if h))

    @property
    def security_contact_uri(self) -> str:
        """ESOL_FINDER_SECURITY_CONTACT as a URI (an e-mail address becomes mailto:), else the mail sender."""
        contact = self.security_contact or parseaddr(self.mail_from)[1]
        return contact if contact.startswith(("mailto:", "https://")) else f"mailto:{contact}"

    def with_(self, **changes) -> "Settings":
        if "base_url" in changes:
            changes.setdefault("base_url_configured", True)
        return replace(self, **changes)


def _secret(data_dir: Path) -> str:
    """A stable secret for the embedded default: made once and kept in the data dir."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def parse_networks(raw: str) -> tuple[str, ...]:
    """ESOL_FINDER_TRUSTED_PROXIES: comma-separated addresses or CIDR networks, each checked and written
    as a network ("10.0.0.0/8", "192.0.2.1/32"). A malformed entry stops start-up rather than being skipped."""
    networks = []
    for item in (raw or "").split(","):
        item = item.strip()
        if item:
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError:
                raise ValueError(f"{PREFIX}TRUSTED_PROXIES: {item!r} is not an IP address or network") from None
    return tuple(networks)


def load_settings(**overrides) -> Settings:
    data_dir = Path(overrides.pop("data_dir", None) or _env("DATA_DIR", "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = overrides.pop("database_url", None) or _env("DATABASE_URL") or f"sqlite:///{data_dir / 'esol-finder.sqlite3'}"
    values = dict(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=_env("SECRET_KEY") or _secret(data_dir),
        default_locale=_env("DEFAULT_LOCALE", "en"),
        demo_banner=_flag("DEMO_BANNER", True),
        base_url=_env("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        base_url_configured=bool(_env("BASE_URL")),
        secure_cookies=_flag("SECURE_COOKIES", _env("BASE_URL").lower().startswith("https://")),
        stale_after_days=int(_env("STALE_AFTER_DAYS", "183")),
        hide_after_days=int(_env("HIDE_AFTER_DAYS", "365")),
        tile_url=_env("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        tile_attribution=_env("TILE_ATTRIBUTION", "© OpenStreetMap contributors"),
        geocoder=_env("GEOCODER"),
        geocoder_domain=_env("GEOCODER_DOMAIN"),
        smtp_host=_env("SMTP_HOST"),
        smtp_port=int(_env("SMTP_PORT", "25")),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_flag("SMTP_STARTTLS", False),
        mail_from=_env("MAIL_FROM", "ESOL Finder <no-reply@esol-finder.invalid>"),
        rate_limit_logins=int(_env("RATE_LIMIT_LOGINS", "20")),
        rate_limit_forms=int(_env("RATE_LIMIT_FORMS", "10")),
        import_max_bytes=int(_env("IMPORT_MAX_BYTES", str(5 * 1024 * 1024))),
        import_max_rows=int(_env("IMPORT_MAX_ROWS", "5000")),
        allowed_hosts=tuple(h.strip().lower() for h in _env("ALLOWED_HOSTS").split(",") if h.strip()),
        access_log=_flag("ACCESS_LOG", False),
        check_link_days=int(_env("CHECK_LINK_DAYS", "90")),
        submitter_retention_days=int(_env("SUBMITTER_RETENTION_DAYS", "90")),
        availability_stale_weeks=_whole("AVAILABILITY_STALE_WEEKS", 8, 1, 104),
        request_retention_days=_whole("REQUEST_RETENTION_DAYS", 90, 1, 90),
        security_contact=_env("SECURITY_CONTACT"),
        trusted_proxies=parse_networks(_env("TRUSTED_PROXIES")),
        auto_migrate=_flag("AUTO_MIGRATE", database_url.startswith("sqlite")),
        db_pool_size=int(_env("DB_POOL_SIZE", "5")),
        db_max_overflow=int(_env("DB_MAX_OVERFLOW", "5")),
        db_pool_timeout=float(_env("DB_POOL_TIMEOUT", "10")),
        index_lag_budget=float(_env("INDEX_LAG_BUDGET", "5")),
        index_build_mb=int(_env("INDEX_BUILD_MB", "1024")),
        sync_interval=float(_env("SYNC_INTERVAL", "0.25")),
        log_format=_env("LOG_FORMAT", "json").strip().lower(),
        log_personal=_flag("LOG_PERSONAL", False),
    )
    if "base_url" in overrides:
        overrides.setdefault("base_url_configured", True)
    values.update(overrides)
    return Settings(**values)
