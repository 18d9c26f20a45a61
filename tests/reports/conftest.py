"""Report tests: the hand-made data set (tests/reports/dataset.py) and staff with API tokens."""

import pytest

from tests.checkins.conftest import token_for  # noqa: F401
from tests.reports import dataset


@pytest.fixture()
def data(db):
    return dataset.build()
