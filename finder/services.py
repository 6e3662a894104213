"""The one place where everything the app and the commands use is built from the settings.

`build_services(settings)` makes the database engine and sessions, the search service, the
catalogue operations, accounts, the mailer and outbox, short links, the offline postcode
directory (opened the first time it is needed) and the optional online geocoder. The web app
and every `esol-finder` command call it; handlers and commands only ask `Services` for what they
need, as Warehouse registers its services once. Nothing is patched onto a service after it is built.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from finder.db import check_schema, make_engine, make_sessionmaker, migrate
from finder.evidence import counting
from finder.geo.geocoding import AddressGeocoder
from finder.geo.postcodes import PostcodeDirectory
from finder.geo.shapes import Place
from finder.operations.accounts import Accounts, LoginThrottle
from finder.operations.catalogue import Catalogue
from finder.operations.eligibility import EligibilityRules
from finder.operations.outbox import Mailer
from finder.operations.place_requests import PlaceRequests
from finder.operations.shortlinks import ShortLinks
from finder.oruk.lookup import DirectoryCache
from finder.search.index import IndexStore
from finder.search.service import SearchService
from finder.settings import Settings


class Postcodes:
    """The offline postcode directory, opened (and built from the packaged data, about 20 s, once)
    the first time a postcode is looked up; or a directory handed over ready-made."""

    def __init__(self, path: Path, directory: PostcodeDirectory | None = None):
        self.path = path
        self._directory = directory
        self._lock = threading.Lock()

    @property
    def directory(self) -> PostcodeDirectory:
        if self._directory is None:
            with self._lock:
                if self._directory is None:
                    self._directory = PostcodeDirectory.ensure(self.path)
        return self._directory

    def lookup(self, text: str) -> Place:
        """A postcode, sector or district to its place; raises `finder.geo.shapes.PostcodeError`."""
        return self.directory.lookup(text)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: SearchService
    catalogue: Catalogue
    accounts: Accounts
    mailer: Mailer
    short_links: ShortLinks
    postcodes: Postcodes
    eligibility: EligibilityRules
    place_requests: PlaceRequests
    geocoder: AddressGeocoder | None = None
    oruk_directory: DirectoryCache = field(default_factory=DirectoryCache)

    def prepare(self, index: bool = True) -> None:
        """Migrate the schema (ESOL_FINDER_AUTO_MIGRATE, the SQLite default) or refuse one that is behind
        (`finder.db.SchemaBehind`: run `esol-finder migrate`), then, with `index`, make sure the search
        index matches the database (a served instance leaves that to its follower instead)."""
        if self.settings.auto_migrate:
            migrate(self.engine)
        else:
            check_schema(self.engine)
        if index:
            self.search.ensure_current()

    def close(self) -> None:
        """Let go of the index files and the database connections (end of a command, test or app)."""
        self.search.stop_following()
        self.search.store.close()
        counting.close(self.sessions)  # the demand counts still pending, written before the connections go
        self.engine.dispose()


def build_services(settings: Settings, *, postcodes: PostcodeDirectory | None = None,
                   geocoder: AddressGeocoder | None = None) -> Services:
    """Everything, from the settings. `postcodes` and `geocoder` hand over ready-made ones
    (tests share one postcode directory; a stand-in geocoder); otherwise they come from the settings."""
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow, pool_timeout=settings.db_pool_timeout)
    sessions = make_sessionmaker(engine)
    search = SearchService(IndexStore(settings.index_dir, build_mb=settings.index_build_mb), sessions, hide_after_days=settings.hide_after_days,
                           lag_budget=settings.index_lag_budget, poll_interval=settings.sync_interval)
    directory = Postcodes(settings.postcodes_path, postcodes)
    if geocoder is None and settings.geocoder:  # off by default: an address with no known postcode stays unplaced
        geocoder = AddressGeocoder(provider=settings.geocoder, domain=settings.geocoder_domain or None)
    # Venues get coordinates from their postcode when saved, else from the geocoder when there is one.
    catalogue = Catalogue(sessions, notify=search.apply, postcodes=directory, geocoder=geocoder,
                          check_link_days=settings.check_link_days)
    mailer = Mailer(settings, sessions)
    return Services(settings=settings, engine=engine, sessions=sessions, search=search, catalogue=catalogue,
                    accounts=Accounts(sessions, LoginThrottle(sessions, secret=settings.secret_key)),
                    mailer=mailer, short_links=ShortLinks(sessions),
                    postcodes=directory, eligibility=EligibilityRules(sessions), geocoder=geocoder,
                    place_requests=PlaceRequests(sessions, catalogue, mailer, settings.request_retention_days,
                                                 settings.default_locale))
