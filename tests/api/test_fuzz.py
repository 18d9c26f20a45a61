"""The API fuzzed against its own OpenAPI document (/api/v1/openapi.json) with schemathesis: every
operation, with data valid and invalid for its schema, as each role and as no one. No answer may be a
5xx, and every answer must be one the document declares: its status, its content type, its body's
schema (status_code_conformance, content_type_conformance, response_schema_conformance).

The requests reach the WSGI application in-process, on a database holding the demo data (fairapp.demo:
a fair open now with registrations and booths, employers with vacancies, schools with programmes, a
past fair with hires and follow-ups, household lists, plans) plus a scanner device and the accounts'
tokens; ids, tickets and codes in paths, queries and bodies are drawn now and then from those rows, so
the operations reach their deep paths and not only their 404s.

Bounded for `make test`: a few examples per operation, derandomized (the same cases on every run), no
example database. Each role starts from fresh demo data."""

import os
import re
import time
from datetime import timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fairapp.attendees.models import Registration
from fairapp.auth.access import access_rule
from fairapp.auth.models import User
from fairapp.auth.services import issue_token
from fairapp.booths.models import Booth
from fairapp.checkins import devices
from fairapp.demo.seed import DEMO_PASSWORD, LOCAL_ZONE, seed_demo
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.interviews.models import Interview
from fairapp.messages.senders import SENDERS
from fairapp.modelbase import utcnow
from fairapp.outcomes.models import Hire
from fairapp.partners.models import Employer, School, TrainingProgramme, Vacancy
from fairapp.tickets.signing import ticket_payload
from tests.conftest import csrf_token_from

# "gate-session": the scanner pages' way, a session cookie and its CSRF token in X-CSRFToken.
ROLES = ["anonymous", "admin", "organiser", "gate", "employer", "school", "gate-session"]
DEMO_ACCOUNTS = {
    "admin": "admin@demo.vn",
    "organiser": "organiser@demo.vn",
    "gate": "gate@demo.vn",
    "employer": "employer@demo.vn",
    "school": "school@demo.vn",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
DELIVERY_SECRET = "fuzz-delivery-secret"
# Examples per operation: where the role may call it, and where its access rule refuses the role before
# anything else is read (a few show that the refusal is as documented).
# FAIRAPP_FUZZ_EXAMPLES=200 digs deeper by hand.
MAX_EXAMPLES = int(os.environ.get("FAIRAPP_FUZZ_EXAMPLES", "15"))
REFUSED_EXAMPLES = 3

# Real values, by the name of the path parameter, query parameter or body field that takes them.
REAL: dict[str, list] = {}


def _ids(model, limit: int = 4) -> list[int]:
    return list(db.session.scalars(sa.select(model.id).order_by(model.id).limit(limit)))


def _real_values(user: User | None) -> dict[str, list]:
    """Ids, tickets and codes of the seeded rows, and values the rules accept, for the generated
    requests to use now and then."""
    open_fair = db.session.scalar(sa.select(Fair).where(Fair.title.like("%đang diễn ra%")))
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.fair_id == open_fair.id).order_by(Registration.id).limit(6)
    ).all()
    gate = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS["gate"]))
    device, _token = devices.register_device(user or gate, name="Điện thoại cổng", gate="Cổng chính")
    db.session.flush()
    fairs = [open_fair.id, *_ids(Fair)]
    tickets = [ticket_payload(r) for r in registrations]
    employers, schools = _ids(Employer), _ids(School)
    now = utcnow().astimezone(LOCAL_ZONE).replace(microsecond=0)
    starts = (now + timedelta(days=40)).replace(hour=7, minute=30)
    today = now.date().isoformat()
    return {
        # the seeded rows
        "fair_id": fairs,
        "fair_ids": [[f] for f in fairs],
        "employer_id": employers,
        "school_id": schools,
        "vacancy_id": _ids(Vacancy),
        "desired_vacancy_ids": [[v] for v in _ids(Vacancy)],
        "programme_id": _ids(TrainingProgramme),
        "attendee_id": [r.attendee_id for r in registrations],
        "qr_payload": tickets,
        "hire_id": _ids(Hire, 6),
        "interview_id": _ids(Interview),
        "to_booth_id": list(db.session.scalars(sa.select(Booth.id).where(Booth.fair_id == open_fair.id))),
        "booth_id": list(db.session.scalars(sa.select(Booth.id).where(Booth.fair_id == open_fair.id))),
        "device_id": [device.id, device.public_id],
        "year": [now.year],
        "code": ["05528", "05518"],
        "ward_code": ["05528", "05518"],
        "province": ["19"],
        "sender": list(SENDERS),
        "X-Delivery-Secret": [DELIVERY_SECRET],
        # values the rules accept
        "title": ["Phiên giao dịch việc làm tháng 12", "Công nhân may công nghiệp"],
        "name": ["Công ty TNHH May Phú Bình", "Trường Cao đẳng Công nghệ Sông Công"],
        "venue": ["Nhà văn hoá tổ dân phố 5"],
        "starts_at": [starts.isoformat()],
        "ends_at": [(starts + timedelta(hours=4)).isoformat()],
        "scanned_at": [now.isoformat()],
        "sent_at": [now.isoformat()],
        "force": [True],
        "tax_code": ["1000000001", "1000000019", "1000000026"],
        "full_name": ["Nguyễn Thị Lan", "Trần Văn Bình"],
        "phone": ["0912345678", "0987654321"],
        "birth_year": [1990, 2001],
        "gender": ["male", "female"],
        "priority_group": ["none", "poor"],
        "consent_personal_data": [True],
        "quantity": [5],
        "outcome": ["interviewed", "shortlisted", "counselled", "still_employed"],
        "start_date": [today],
        "checked_on": [today],
        "still_employed": [True],
        "category": ["poor", "near_poor"],
        "household_code": ["HN-001"],
        "members": [[{"full_name": "Nguyễn Văn Hùng", "birth_year": 1985, "gender": "male"}]],
        "scans": [
            [{"scan_id": "s-1", "fair_id": open_fair.id, "qr_payload": t, "scanned_at": now.isoformat()}]
            for t in tickets[:2]
        ],
        "interviews": [
            [
                {
                    "scan_id": "i-1",
                    "qr_payload": tickets[0],
                    "outcome": "interviewed",
                    "employer_id": employers[0],
                }
            ]
        ],
    }


def _now_and_then(name: str, value):
    """The generated value, or (three times in four) one of the real ones for this name."""
    real = REAL.get(name)
    if not real:
        return _realistic(value)
    return st.integers(0, 3).flatmap(lambda n: _realistic(value) if n == 0 else st.sampled_from(real))


def _realistic(value):
    if isinstance(value, dict):
        return st.fixed_dictionaries({key: _now_and_then(key, item) for key, item in value.items()})
    if isinstance(value, list):
        return st.tuples(*(_realistic(item) for item in value)).map(list)
    return st.just(value)


def _register_hooks(schema) -> None:
    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        return _realistic(path_parameters)

    @schema.hook
    def flatmap_query(context, query):
        return _realistic(query)

    @schema.hook
    def flatmap_body(context, body):
        return _realistic(body)

    @schema.hook
    def flatmap_headers(context, headers):
        return _realistic(headers)


@pytest.fixture()
def role_headers(app, db, role):
    """Demo data for this run, and the role's Authorization header (none for anonymous)."""
    seed_demo()
    email = DEMO_ACCOUNTS.get(role.removesuffix("-session"))
    user = db.session.scalar(sa.select(User).where(User.email == email)) if email else None
    REAL.clear()
    REAL.update(_real_values(user))
    headers = {}
    if role in DEMO_ACCOUNTS:
        _token, secret = issue_token(user, "fuzz")
        headers["Authorization"] = f"Bearer {secret}"
    db.session.commit()
    if role.endswith("-session"):
        headers = _session_headers(app, DEMO_ACCOUNTS[role.removesuffix("-session")])
    app.config["MESSAGE_DELIVERY_SECRET"] = DELIVERY_SECRET
    # The in-process transport hands schemathesis the body as sent and does not decompress it, as a
    # client over HTTP would: answers uncompressed here (tests/public/test_light_pages.py checks that
    # compressed ones decompress to the same).
    headers["Accept-Encoding"] = "identity"
    return headers


def _session_headers(app, email: str) -> dict:
    """Signed in through the sign-in page: the session cookie and the CSRF token a page carries."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answer = client.post(
        "/login", data={"login": email, "password": DEMO_PASSWORD, "csrf_token": csrf_token_from(page)}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    headers = {"Cookie": f"{cookie.key}={cookie.value}", "X-CSRFToken": token}
    me = app.test_client(use_cookies=False).get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["email"] == email, me.get_data(as_text=True)
    return headers


def may_call(app, operation, role: str) -> bool:
    """Whether the route's access rule (fairapp.auth.access) lets this role through."""
    path = operation.path.replace("{", "<").replace("}", ">")
    method = operation.method.upper()
    for rule in app.url_map.iter_rules():
        if re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule) == path and method in rule.methods:
            access = access_rule(app, rule.endpoint, method)
            break
    else:
        raise AssertionError(f"no route for {operation.label}")
    if access == "public":
        return True
    if role == "anonymous":
        return False
    role = role.removesuffix("-session")
    return access == "signed_in" or role in access.removeprefix("roles:").split(",")


def fuzz(operation, headers: dict, examples: int) -> None:
    """Valid and invalid requests for one operation; raises the first failing case's report."""
    strategy = st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode])

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_as_documented(app, role, role_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    _register_hooks(schema)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        started = time.monotonic()
        try:
            fuzz(
                operation, role_headers, MAX_EXAMPLES if may_call(app, operation, role) else REFUSED_EXAMPLES
            )
        except (Exception, BaseExceptionGroup) as error:  # every operation's failure is reported
            failures.append(f"{operation.label} as {role}:\n{error}")
        print(f"{time.monotonic() - started:6.2f} s {operation.label}")
    assert not failures, "\n\n".join(failures)
