from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.marketplaces.fake_api import FakeApi, create_app
from tests.marketplaces.servers import serve


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi()
    yield api
    if api.violations:
        pytest.fail("spec violations:\n" + "\n".join(api.violations), pytrace=False)


@pytest.fixture
def fake_url(fake_api: FakeApi) -> Iterator[str]:
    with serve(create_app(fake_api)) as url:
        yield url
