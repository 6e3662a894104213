from __future__ import annotations

import pytest

from tests.backoffice.helpers import log_in, make_user


@pytest.fixture
def coordinator(services):
    return make_user(services)


@pytest.fixture
def coordinator_client(client, coordinator):
    log_in(client)
    return client
