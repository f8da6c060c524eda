from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.marketplaces.fake_api import FakeApi, create_app
from tests.marketplaces.servers import serve
from tests.spec_conformance import spec_for


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    # The fake checks requests against the specs, whose index loads on first use (~0.3 s):
    # loaded here, so that it never shows up as a timing test's first request being slow.
    spec_for("/", "GET")
    api = FakeApi()
    yield api
    if api.violations:
        pytest.fail("spec violations:\n" + "\n".join(api.violations), pytrace=False)


@pytest.fixture
def fake_url(fake_api: FakeApi) -> Iterator[str]:
    with serve(create_app(fake_api)) as url:
        yield url
