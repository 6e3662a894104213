from __future__ import annotations

import pytest

from tests.accounts import log_in


@pytest.fixture
def coordinator_client(client, coordinator):
    log_in(client)
    return client
