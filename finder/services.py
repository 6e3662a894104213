"""Everything a request handler needs, built once per app from the settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from finder.db import make_engine, make_sessionmaker, migrate
from finder.operations.catalogue import Catalogue
from finder.search.index import IndexStore
from finder.search.service import SearchService
from finder.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: SearchService
    catalogue: Catalogue
    extras: dict = field(default_factory=dict)

    @cached_property
    def postcodes(self):
        """The offline postcode directory, built from the packaged data the first time it is needed."""
        from finder.geo.postcodes import PostcodeDirectory

        return PostcodeDirectory.ensure(self.settings.postcodes_path)

    def prepare(self) -> None:
        """Migrate the schema and make sure the search index matches the database."""
        migrate(self.engine)
        self.search.ensure_current()


def build_services(settings: Settings) -> Services:
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    search = SearchService(IndexStore(settings.index_dir), sessions, hide_after_days=settings.hide_after_days)
    services = Services(settings=settings, engine=engine, sessions=sessions, search=search,
                        catalogue=Catalogue(sessions, notify=search.apply))
    # Venues get coordinates from their postcode when saved: the catalogue asks the directory lazily.
    services.catalogue.postcodes = _LazyPostcodes(services)
    if settings.geocoder:  # off by default: an address with no known postcode stays unplaced
        from finder.geo.geocoding import AddressGeocoder

        services.catalogue.geocoder = AddressGeocoder(provider=settings.geocoder,
                                                      domain=settings.geocoder_domain or None)
    return services


class _LazyPostcodes:
    def __init__(self, services: Services):
        self._services = services

    def lookup(self, text: str):
        return self._services.postcodes.lookup(text)
