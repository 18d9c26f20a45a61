"""Set up a deployment's database for the tests that start real servers: run as
`python -m bench.cluster_seed TICKETS` with FAIRAPP_INSTANCE_PATH naming an instance folder whose
config.py names the database. Migrates, loads the units, creates an open fair with TICKETS job seekers,
a gate user, an organiser of the fair's ward and an employer with a booth (each with PASSWORD), signs
the tickets with the instance folder's key, and prints JSON: the ids, the ticket payloads and API
tokens for the organiser and the employer."""

import json
import sys
from datetime import timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from fairapp import create_app
from fairapp.attendees.models import Attendee, Registration, new_ticket_nonce, new_ticket_secret
from fairapp.auth import services as auth_services
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.geo import loader
from fairapp.modelbase import utcnow
from fairapp.partners import services as partner_services
from fairapp.partners.models import PartnerStatus, Vacancy
from fairapp.tickets.signing import encode_payload

WARD = "05528"  # Phường Bách Quang
PASSWORD = "cluster-password-1"


def seed(tickets: int) -> dict:
    app = create_app()
    with app.app_context():
        upgrade()
        loader.load_units()
        starts = utcnow().replace(microsecond=0) - timedelta(hours=1)
        fair = Fair(
            title="Phiên giao dịch việc làm hai máy chủ",
            ward_code=WARD,
            venue_name="Nhà văn hoá",
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            status=FairStatus.OPEN,
            opened_at=starts,
        )
        db.session.add(fair)
        employer = partner_services.create_employer(
            {"name": "Công ty TNHH May Sông Công", "tax_code": "0100109106"}
        )
        employer.status = PartnerStatus.APPROVED
        db.session.flush()
        vacancy = Vacancy(employer_id=employer.id, title="Công nhân may công nghiệp", quantity=50)
        db.session.add(vacancy)
        db.session.flush()
        booth = Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED)
        db.session.add_all([booth, VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id)])
        users = {
            "gate": auth_services.create_user(
                email="gate@cluster.vn",
                full_name="Cổng một",
                role="gate",
                password=PASSWORD,
                ward_codes=[WARD],
            ),
            "organiser": auth_services.create_user(
                email="organiser@cluster.vn",
                full_name="Cán bộ phường",
                role="organiser",
                password=PASSWORD,
                ward_codes=[WARD],
            ),
            "employer": auth_services.create_user(
                email="employer@cluster.vn",
                full_name="Tuyển dụng",
                role="employer",
                password=PASSWORD,
                employer_id=employer.id,
            ),
        }
        now = utcnow()
        db.session.execute(
            sa.insert(Attendee),
            [
                {
                    "full_name": f"Người lao động {n}",
                    "name_key": f"nguoi lao dong {n}",
                    "phone": f"098{n:07d}",
                    "birth_year": 1990,
                    "gender": "female",
                    "ward_code": WARD,
                    "priority_group": "poor" if n % 3 == 0 else "none",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(tickets)
            ],
        )
        attendee_ids = db.session.scalars(sa.select(Attendee.id).order_by(Attendee.id)).all()
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "fair_id": fair.id,
                    "attendee_id": attendee_id,
                    "channel": "online",
                    "consent_personal_data_version": "2025-01",
                    "consent_personal_data_at": now,
                    "ticket_secret": new_ticket_secret(),
                    "ticket_nonce": new_ticket_nonce(),
                    "created_at": now,
                }
                for attendee_id in attendee_ids
            ],
        )
        rows = db.session.execute(
            sa.select(Registration.id, Registration.ticket_nonce).order_by(Registration.id)
        ).all()
        tokens = {
            role: auth_services.issue_token(users[role], "cluster")[1] for role in ("organiser", "employer")
        }
        db.session.commit()
        seeded = {
            "fair_id": fair.id,
            "employer_id": employer.id,
            "booth_id": booth.id,
            "vacancy_id": vacancy.id,
            "payloads": [encode_payload(fair.id, registration_id, nonce) for registration_id, nonce in rows],
            "tokens": tokens,
            "password": PASSWORD,
        }
        db.session.remove()
        db.engine.dispose()
    return seeded


if __name__ == "__main__":
    print(json.dumps(seed(int(sys.argv[1]))))
