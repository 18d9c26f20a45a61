"""The OpenAPI document's maxLengths are what the server accepts (issue 10): every string a request
sends (bodies and query parameters) declares a maxLength (or an enum, or a format such as date-time),
and for each one the server
accepts a value of exactly that length and refuses one character more naming the field (422, or 400 on
the check-in endpoints, whose bodies are read by hand)."""

from datetime import timedelta
from itertools import count

import pytest

from fairapp.checkins.models import Device
from fairapp.fairs.models import Fair, FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners import services as partner_services
from fairapp.partners.models import PartnerStatus
from tests.api.conftest import bearer

BACH_QUANG = "05528"
# Strings sent without a length limit, on purpose.
UNLIMITED = {
    ("/api/v1/checkins", "qr_payload"): "any text a camera read; what is no ticket answers 200 `invalid`",
    ("/api/v1/checkins/sync", "scans.qr_payload"): "the same, for offline scans",
    ("/api/v1/fairs/{fair_id}/interviews", "qr_payload"): "the same at a booth; what is no ticket is 422",
}


# --- The string fields the document declares -----------------------------------------------------------


def _schema(spec: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _strings(spec: dict, schema: dict, prefix: str = "") -> dict[str, dict]:
    schema = _schema(spec, schema)
    found = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _schema(spec, prop)
        if prop.get("type") == "string" or prop.get("type") == ["string", "null"]:
            found[prefix + name] = prop
        elif prop.get("type") == "array" and "items" in prop:
            found.update(_strings(spec, prop["items"], prefix=f"{prefix}{name}."))
        elif "properties" in prop:
            found.update(_strings(spec, prop, prefix=f"{prefix}{name}."))
    return found


def request_strings(spec: dict) -> dict[tuple[str, str, str], dict]:
    """(method, path, field) → the field's schema, for every string a request sends."""
    found = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for field, prop in _strings(spec, body["schema"]).items():
                    found[(method, path, field)] = prop
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["schema"].get("type") == "string":
                    found[(method, path, parameter["name"])] = parameter["schema"]
    return found


@pytest.fixture()
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_every_request_string_declares_its_length(spec):
    missing = [
        (method, path, field)
        for (method, path, field), prop in request_strings(spec).items()
        if not {"maxLength", "enum", "format"} & set(prop) and (path, field) not in UNLIMITED
    ]
    assert missing == []


# --- Values of a given length that the server accepts ---------------------------------------------------


def letters(n: int) -> str:
    return "Nguyễn Văn " + "a" * (n - 11) if n > 11 else "a" * n


def spaced(digits: str, n: int) -> str:
    """The digits with spaces between them, `n` characters in all."""
    gaps, extra = len(digits) - 1, n - len(digits)
    return "".join(
        d + " " * (extra // gaps + (i < extra % gaps)) if i < gaps else d for i, d in enumerate(digits)
    )


def padded(text: str, n: int) -> str:
    return text.center(n)


def email(n: int) -> str:
    local = "a" * 64 + "@"
    domain_length = n - len(local) - len(".vn")
    labels, left = [], domain_length
    while left > 0:
        size = min(62, left) if left != 63 else 61
        labels.append("b" * size)
        left -= size + 1
    return local + ".".join(labels)[:domain_length] + ".vn"


def moment(n: int) -> str:
    """An ISO 8601 time with offset, its fraction of a second as long as needed."""
    return "2026-03-07T07:30:00." + "1" * (n - 26) + "+07:00"


class Calls:
    """Sends one request with one field set to a value, on fresh records where the field must be new."""

    def __init__(self, client, db, make_user, token_for):
        self.client, self.db = client, db
        self.admin = bearer(token_for(make_user("admin")))
        self.gate_user = make_user("gate")
        self.gate = bearer(token_for(self.gate_user))
        self.numbers = count(1)

    def fair(self, status=FairStatus.PUBLISHED, *, starts_in=timedelta(days=7)) -> Fair:
        starts_at = utcnow().replace(microsecond=0) + starts_in
        fair = Fair(
            title=f"Phiên số {next(self.numbers)}",
            ward_code=BACH_QUANG,
            venue_name="Nhà văn hoá",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            status=status,
        )
        self.db.session.add(fair)
        self.db.session.commit()
        return fair

    def tax_code(self) -> str:
        return f"0101234565-{next(self.numbers):03d}"

    def employer(self):
        employer = partner_services.create_employer(
            {"name": "Công ty TNHH An Bình", "tax_code": self.tax_code()}
        )
        employer.status = PartnerStatus.APPROVED
        self.db.session.commit()
        return employer

    def phone(self) -> str:
        return f"0912{next(self.numbers):06d}"

    def post(self, path, body, headers=None):
        return self.client.post(path, json=body, headers=headers or self.admin)


def _registration(calls: Calls, field: str, n: int):
    fair = calls.__dict__.setdefault("registration_fair", calls.fair())
    body = {
        "full_name": "Nguyễn Thị Lan",
        "phone": calls.phone(),
        "birth_year": 1995,
        "gender": "female",
        "ward_code": BACH_QUANG,
        "priority_group": "poor",
        "consent_personal_data": True,
        "wants_training": True,
    }
    body["full_name"] = f"Nguyễn Thị {'abcdefghijklmnopqrstuvwxyz'[next(calls.numbers) % 26]}an"
    body[field] = {
        "full_name": letters,
        "phone": lambda k: spaced(calls.phone(), k),
        "birth_date": lambda k: "1995-03-04".ljust(k, "4"),
        "ward_code": lambda k: padded(BACH_QUANG, k),
        "citizen_id": lambda k: spaced("019195001234", k),
    }.get(field, lambda k: "a" * k)(n)
    return calls.post(f"/api/v1/fairs/{fair.id}/registrations", body)


def _fair_create(calls: Calls, field: str, n: int):
    starts = utcnow().replace(microsecond=0) + timedelta(days=30 + next(calls.numbers))
    body = {
        "title": "Phiên giao dịch việc làm",
        "ward_code": BACH_QUANG,
        "force": True,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(),
    }
    body[field] = padded(BACH_QUANG, n) if field == "ward_code" else letters(n)
    return calls.post("/api/v1/fairs", body)


def _partner(path_of):
    def send(calls: Calls, field: str, n: int):
        body = {
            "name": "Công ty TNHH An Bình",
            "tax_code": calls.tax_code(),
            "title": "Công nhân may",
            "quantity": 5,
        }
        body[field] = {
            "phone": lambda k: spaced("0912345678", k),
            "email": email,
            "ward_code": lambda k: padded(BACH_QUANG, k),
        }.get(field, letters)(n)
        return calls.post(path_of(calls), body)

    return send


def _checkin(calls: Calls, field: str, n: int):
    fair = calls.__dict__.setdefault("open_fair", calls.fair(FairStatus.OPEN, starts_in=timedelta(hours=-1)))
    body = {
        "fair_id": fair.id,
        "qr_payload": "F1.not-a-ticket",
        field: moment(n) if field == "scanned_at" else f"{next(calls.numbers)}-".ljust(n, "x"),
    }
    return calls.post("/api/v1/checkins", body, calls.gate)


def _sync(calls: Calls, field: str, n: int):
    from fairapp.checkins import devices

    fair = calls.__dict__.setdefault("open_fair", calls.fair(FairStatus.OPEN, starts_in=timedelta(hours=-1)))
    device, _token = devices.register_device(calls.gate_user, name="Điện thoại", gate=None)
    scan = {
        "scan_id": f"s{next(calls.numbers)}",
        "fair_id": fair.id,
        "qr_payload": "F1.x",
        "scanned_at": moment(32),
    }
    body = {"device_id": device.public_id, "scans": [scan]}
    if field == "device_id":
        body["device_id"] = f"d{next(calls.numbers)}-".ljust(n, "x")
        if n <= Device.public_id.type.length:  # a device that has such an id (one longer cannot exist)
            device.public_id = body["device_id"]
    elif field == "sent_at":
        body["sent_at"] = moment(n)
    else:
        name = field.split(".")[-1]
        scan[name] = moment(n) if name == "scanned_at" else f"{next(calls.numbers)}-".ljust(n, "x")
    calls.db.session.commit()
    return calls.post("/api/v1/checkins/sync", body, calls.gate)


def _interview(calls: Calls, field: str, n: int):
    """A booth's record of a person: an open fair, an employer's confirmed booth, a ticket."""
    from fairapp.attendees.models import Attendee, Channel, Gender, Registration
    from fairapp.booths.models import Booth, BoothStatus
    from fairapp.tickets.signing import ticket_payload

    if "booth" not in calls.__dict__:
        fair = calls.fair(FairStatus.OPEN, starts_in=timedelta(hours=-1))
        employer = calls.employer()
        calls.db.session.add(Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED))
        attendee = Attendee(
            full_name="Nguyễn Văn An",
            name_key="nguyen van an",
            phone=calls.phone(),
            birth_year=1990,
            gender=Gender.MALE,
            ward_code=BACH_QUANG,
        )
        calls.db.session.add(attendee)
        calls.db.session.flush()
        registration = Registration(
            fair_id=fair.id,
            attendee_id=attendee.id,
            channel=Channel.ONLINE,
            consent_personal_data_version="2026-12-v1",
            consent_personal_data_at=utcnow(),
        )
        calls.db.session.add(registration)
        calls.db.session.commit()
        from fairapp.auth.services import create_user

        user = create_user(
            email=f"booth{next(calls.numbers)}@example.vn",
            full_name="Cán bộ tuyển dụng",
            role="employer",
            password="a-long-password-1",
            employer_id=employer.id,
        )
        calls.db.session.commit()
        calls.booth = (fair, ticket_payload(registration), bearer(_token_of(user)))
    fair, payload, headers = calls.booth
    body = {"qr_payload": payload, "outcome": "interviewed", "scan_id": f"i{next(calls.numbers)}"}
    body[field] = f"{next(calls.numbers)}-".ljust(n, "x")
    return calls.post(f"/api/v1/fairs/{fair.id}/interviews", body, headers)


def _hire_setup(calls: Calls):
    """A person of Bách Quang and a hire of theirs that started 200 days ago (every follow-up due)."""
    from fairapp.attendees.models import Attendee, Gender
    from fairapp.fairs.services import local_day
    from fairapp.outcomes import services as outcomes
    from fairapp.outcomes.models import HireSource

    if "hire_setup" not in calls.__dict__:
        attendee = Attendee(
            full_name="Trần Thị Hoa",
            name_key="tran thi hoa",
            phone=calls.phone(),
            birth_year=1992,
            gender=Gender.FEMALE,
            ward_code=BACH_QUANG,
        )
        calls.db.session.add(attendee)
        calls.db.session.flush()
        today = local_day(utcnow())
        hire = outcomes.record_hire(
            outcomes.Hiring(
                attendee_id=attendee.id, start_date=today - timedelta(days=200), employer_name="Xưởng may"
            ),
            by=None,
            source=HireSource.ORGANISER,
        ).hire
        calls.db.session.commit()
        calls.hire_setup = (attendee.id, hire.id, today)
    return calls.hire_setup


def _hire(calls: Calls, field: str, n: int):
    attendee_id, _hire_id, today = _hire_setup(calls)
    body = {
        "attendee_id": attendee_id,
        "employer_name": "Cơ sở may Hương Giang",
        "start_date": (today + timedelta(days=next(calls.numbers) % 150)).isoformat(),
    }
    body[field] = {
        "tax_code": lambda k: spaced("0109000015", k),
        "workplace_ward_code": lambda k: padded(BACH_QUANG, k),
    }.get(field, letters)(n)
    return calls.post("/api/v1/hires", body)


def _follow_up(calls: Calls, field: str, n: int):
    _attendee_id, hire_id, today = _hire_setup(calls)
    body = {"checked_on": today.isoformat(), "still_employed": True, "month": 6, field: letters(n)}
    return calls.post(f"/api/v1/hires/{hire_id}/follow-ups", body)


def _delivery(calls: Calls, field: str, n: int):
    """A gateway's delivery report of a sent message whose provider id is n characters long."""
    from fairapp.messages.models import Message, MessageKind, MessageStatus

    calls.client.application.config["MESSAGE_DELIVERY_SECRET"] = "gateway-secret"
    provider_id = f"{next(calls.numbers)}-".ljust(n, "x")
    calls.db.session.add(
        Message(
            key=f"registration:{provider_id[:60]}",
            kind=MessageKind.REGISTRATION,
            phone=calls.phone(),
            text="Vé của bạn",
            status=MessageStatus.SENT,
            next_attempt_at=utcnow(),
            sender="sms_http",
            provider_id=provider_id[:100],
        )
    )
    calls.db.session.commit()
    return calls.client.post(
        "/api/v1/messages/delivery/sms_http",
        json={"provider_id": provider_id, "status": "delivered"},
        headers={"X-Delivery-Secret": "gateway-secret"},
    )


def _household(calls: Calls, field: str, n: int):
    body = {
        "ward_code": BACH_QUANG,
        "household_code": f"BQ-{next(calls.numbers)}",
        "category": "poor",
        "year": 2026,
        "members": [{"full_name": "Nguyễn Văn An", "birth_year": 1980, "gender": "male"}],
    }
    member = body["members"][0]
    value = {
        "ward_code": lambda k: padded(BACH_QUANG, k),
        "household_code": lambda k: f"{next(calls.numbers)}-".ljust(k, "x"),
        "members.citizen_id": lambda k: spaced("019080001234", k),
        "members.phone": lambda k: spaced(calls.phone(), k),
    }.get(field, letters)(n)
    if field.startswith("members."):
        member[field.split(".", 1)[1]] = value
    else:
        body[field] = value
    return calls.post("/api/v1/households", body)


def _token_of(user):
    from fairapp.auth.services import issue_token
    from fairapp.extensions import db

    _token, secret = issue_token(user)
    db.session.commit()
    return secret


def _query(path):
    def send(calls: Calls, field: str, n: int):
        value = padded(BACH_QUANG, n) if field == "ward_code" else "a" * n
        return calls.client.get(path, query_string={field: value}, headers=calls.admin)

    return send


ENDPOINTS = {
    ("post", "/api/v1/fairs/{fair_id}/registrations"): _registration,
    ("post", "/api/v1/fairs"): _fair_create,
    ("get", "/api/v1/fairs"): _query("/api/v1/fairs"),
    ("post", "/api/v1/fairs/{fair_id}/cancel"): lambda calls, field, n: calls.post(
        f"/api/v1/fairs/{calls.fair().id}/cancel", {"reason": "a" * n}
    ),
    ("post", "/api/v1/employers"): _partner(lambda calls: "/api/v1/employers"),
    ("get", "/api/v1/employers"): _query("/api/v1/employers"),
    ("post", "/api/v1/employers/{employer_id}/vacancies"): _partner(
        lambda calls: f"/api/v1/employers/{calls.employer().id}/vacancies"
    ),
    ("post", "/api/v1/schools"): _partner(lambda calls: "/api/v1/schools"),
    ("post", "/api/v1/fairs/{fair_id}/booths"): lambda calls, field, n: calls.post(
        f"/api/v1/fairs/{calls.fair().id}/booths", {"employer_id": calls.employer().id, "label": "A" * n}
    ),
    ("get", "/api/v1/admin-units"): _query("/api/v1/admin-units"),
    ("post", "/api/v1/checkins"): _checkin,
    ("post", "/api/v1/checkins/sync"): _sync,
    ("post", "/api/v1/fairs/{fair_id}/interviews"): _interview,
    ("post", "/api/v1/hires"): _hire,
    ("get", "/api/v1/hires"): _query("/api/v1/hires"),
    ("post", "/api/v1/hires/{hire_id}/follow-ups"): _follow_up,
    ("get", "/api/v1/follow-ups"): _query("/api/v1/follow-ups"),
    ("post", "/api/v1/messages/delivery/{sender}"): _delivery,
    ("get", "/api/v1/reports/outcomes"): _query("/api/v1/reports/outcomes"),
    ("post", "/api/v1/households"): _household,
    ("post", "/api/v1/devices"): lambda calls, field, n: calls.post(
        "/api/v1/devices", {field: f"{next(calls.numbers)}-".ljust(n, "x")}, calls.gate
    ),
}
HAND_READ = {  # 400, not 422
    "/api/v1/checkins",
    "/api/v1/checkins/sync",
    "/api/v1/devices",
    "/api/v1/fairs/{fair_id}/interviews",
    "/api/v1/hires",
    "/api/v1/hires/{hire_id}/follow-ups",
    "/api/v1/follow-ups",
    "/api/v1/households",
}


def test_the_server_accepts_exactly_the_declared_length(client, db, make_user, token_for, spec):
    calls = Calls(client, db, make_user, token_for)
    fields = {key: prop["maxLength"] for key, prop in request_strings(spec).items() if "maxLength" in prop}
    assert {(method, path) for method, path, _field in fields} <= set(ENDPOINTS), "a new endpoint: add it"
    problems = []
    for (method, path, field), length in sorted(fields.items()):
        send = ENDPOINTS[(method, path)]
        accepted = send(calls, field, length)
        if accepted.status_code >= 400:
            problems.append(
                f"{method} {path} {field}: {length} characters refused: "
                f"{accepted.get_data(as_text=True)[:300]}"
            )
        refused = send(calls, field, length + 1)
        status = 400 if path in HAND_READ else 422
        error = (refused.get_json() or {}).get("error", {})
        named = field.replace("scans.", "scans.0.").replace("members.", "members.0.")
        if refused.status_code != status or named not in error.get("fields", {}):
            problems.append(
                f"{method} {path} {field}: {length + 1} characters not refused naming the "
                f"field: {refused.status_code} {refused.get_data(as_text=True)[:300]}"
            )
    assert problems == []
