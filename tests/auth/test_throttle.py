"""fairapp.auth.throttle through services.authenticate with the clock in hand: free failures, a wait
that doubles up to its cap, windows that end, one attempt per wait, known addresses that expire, and
nothing stored as typed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.services import Origin
from fairapp.auth import services, throttle
from fairapp.auth.models import KnownAddress, SignInThrottle
from fairapp.modelbase import utcnow
from tests.conftest import PASSWORD

T0 = utcnow().replace(microsecond=0)


def _try(login, password, ip, at):
    """One attempt at time `at`: "ok", "wrong" or the wait in seconds."""
    try:
        services.authenticate(login, password, origin=Origin(ip=ip), now=at)
    except throttle.SignInDelayed as delayed:
        return int(delayed.wait.total_seconds())
    except services.InvalidLogin:
        return "wrong"
    return "ok"


def test_an_account_waits_after_five_failures_then_twice_as_long_each_time_up_to_15_min(db, make_user):
    user = make_user("organiser")
    assert [
        _try(user.email, "bad-guess-1", f"198.51.100.{n}", T0 + timedelta(seconds=n)) for n in range(5)
    ] == ["wrong"] * 5
    last = T0 + timedelta(seconds=4)
    assert _try(user.email, PASSWORD, "198.51.100.77", last + timedelta(seconds=1)) == 14

    waits, wait = [], 15
    for _ in range(8):  # each attempt as soon as it may: the wait doubles, then stays at the cap
        last += timedelta(seconds=wait)
        assert _try(user.email, "bad-guess-2", "198.51.100.78", last) == "wrong"
        wait = _try(user.email, "bad-guess-3", "198.51.100.79", last)
        waits.append(wait)
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_the_address_waits_after_thirty_failures_with_a_growing_delay(db):
    ip = "203.0.113.50"
    at = T0
    for n in range(30):  # thirty people behind one address, each mistyping once
        assert _try(f"person{n}@example.vn", "wrong-pass", ip, at) == "wrong"
    assert _try("someone@example.vn", "wrong-pass", ip, at) == 2
    assert _try("someone@example.vn", "wrong-pass", ip, at + timedelta(seconds=2)) == "wrong"
    assert _try("other@example.vn", "wrong-pass", ip, at + timedelta(seconds=3)) == 3
    assert _try("other@example.vn", "wrong-pass", "203.0.113.51", at + timedelta(seconds=3)) == "wrong"


def test_failures_are_forgotten_when_the_window_ends(db, make_user):
    user = make_user("gate")
    for _ in range(5):
        _try(user.email, "bad-guess-1", "198.51.100.1", T0)
    assert _try(user.email, "bad-guess-1", "198.51.100.2", T0 + timedelta(seconds=10)) == 5
    later = T0 + timedelta(hours=24, seconds=1)
    assert _try(user.email, "bad-guess-1", "198.51.100.3", later) == "wrong"
    db.session.expire_all()
    [count] = db.session.scalars(sa.select(SignInThrottle.failures).where(SignInThrottle.scope == "account"))
    assert count == 1  # a new window, counted from one
    assert _try(user.email, PASSWORD, "198.51.100.4", later) == "ok"


def test_only_one_of_the_attempts_racing_when_a_wait_ends_goes_ahead(db, make_user):
    user = make_user("organiser")
    for _ in range(5):
        _try(user.email, "bad-guess-1", "198.51.100.1", T0)
    at = T0 + timedelta(seconds=15)
    first = services.check_sign_in(user.email, "bad-guess-2", origin=Origin(ip="198.51.100.2"), now=at)
    second = services.check_sign_in(user.email, PASSWORD, origin=Origin(ip="198.51.100.3"), now=at)
    assert first.turns and second.turns  # both read "the wait is over"
    with pytest.raises(services.InvalidLogin):
        services.settle_sign_in(first)
    with pytest.raises(throttle.SignInDelayed):
        services.settle_sign_in(second)  # its turn was taken: refused, right password or not
    assert services.find_by_login(user.email).last_login_at is None


def test_a_known_address_is_forgotten_after_thirty_days(db, make_user):
    user = make_user("admin")
    assert _try(user.email, PASSWORD, "198.51.100.7", T0) == "ok"
    at = T0 + timedelta(days=31)
    for n in range(5):
        _try(user.email, "bad-guess-1", f"192.0.2.{n}", at)
    assert _try(user.email, PASSWORD, "198.51.100.7", at + timedelta(seconds=1)) == 14
    assert _try(user.email, PASSWORD, "198.51.100.7", T0 + timedelta(days=29)) == "ok"


def test_failures_from_the_known_address_itself_still_count_there(db, make_user):
    user = make_user("admin")
    assert _try(user.email, PASSWORD, "198.51.100.7", T0) == "ok"
    for _ in range(5):
        assert _try(user.email, "bad-guess-1", "198.51.100.7", T0) == "wrong"
    assert _try(user.email, PASSWORD, "198.51.100.7", T0) == 15


def test_a_password_reset_lifts_the_wait(db, make_user):
    admin, user = make_user("admin"), make_user("gate")
    for _ in range(6):
        _try(user.email, "bad-guess-1", "198.51.100.1", T0)
    assert _try(user.email, PASSWORD, "198.51.100.2", T0 + timedelta(seconds=1)) == 14
    services.set_password(user, "a-new-password-1", by=admin)
    assert _try(user.email, "a-new-password-1", "198.51.100.2", T0 + timedelta(seconds=1)) == "ok"


def test_nothing_is_stored_as_typed(db, make_user):
    user = make_user("organiser", phone="0912345678")
    _try("  0912 345 678 ", "bad-guess-1", "198.51.100.23", T0)
    _try("stranger-typed@example.vn", "bad-guess-1", "198.51.100.23", T0)
    _try(user.email, PASSWORD, "2001:db8:7:1::42", T0)
    _try(user.email, "bad-guess-1", "2001:db8:7:1::43", T0)  # its known network: the pair counts too
    rows = [tuple(row) for row in db.session.execute(sa.select(SignInThrottle.__table__))]
    rows += [tuple(row) for row in db.session.execute(sa.select(KnownAddress.__table__))]
    stored = repr(rows)
    for raw in ("912345678", "stranger", "example.vn", "198.51.100", "2001:db8"):
        assert raw not in stored
    assert {row.scope for row in db.session.scalars(sa.select(SignInThrottle))} == {
        "account",
        "address",
        "pair",
    }


def test_ipv6_addresses_count_per_64_network():
    assert (
        throttle.network("2001:db8:7:1::42")
        == throttle.network("2001:db8:7:1:abcd::1")
        == "2001:db8:7:1::/64"
    )
    assert throttle.network("2001:db8:7:2::42") != throttle.network("2001:db8:7:1::42")
    assert throttle.network("::ffff:198.51.100.4") == "198.51.100.4"
    assert throttle.network(None) == "-"
