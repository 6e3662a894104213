"""What every command shares: the services, built from the settings by `finder.services`."""

from __future__ import annotations

from finder.services import Services, build_services
from finder.settings import load_settings


def open_services(prepare: bool = True) -> Services:
    """The services for this command; `prepare` migrates the schema and brings the index up to date first."""
    services = build_services(load_settings())
    if prepare:
        services.prepare()
    return services
