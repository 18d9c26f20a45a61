"""Factories for plans: an admin, an organiser of Bách Quang, and fairs (tests.checkins.conftest)."""

import pytest

from tests.checkins.conftest import BACH_QUANG, SONG_CONG, make_fair, token_for  # noqa: F401


@pytest.fixture()
def admin(make_user):
    return make_user("admin")


@pytest.fixture()
def organiser(make_user):
    """An organiser of Bách Quang only."""
    return make_user("organiser", ward_codes=[BACH_QUANG])
