"""Every model, imported once so that metadata (Alembic, create_all) sees all tables."""

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.models import AuditEntry
from fairapp.auth.models import ApiToken, User
from fairapp.booths.models import Booth, VacancyOffer
from fairapp.checkins.models import CheckIn, Device, Scan
from fairapp.fairs.models import Fair
from fairapp.geo.models import LegacyWard, Province, Ward
from fairapp.interviews.models import BoothConsent, Interview, InterviewEntry, Referral
from fairapp.kiosk.models import KioskVisit
from fairapp.partners.models import Employer, School, TrainingProgramme, Vacancy
from fairapp.privacy.models import ErasureRequest
from fairapp.registrations.models import BadgeJob
from fairapp.tickets.models import RevokedTicket

__all__ = [
    "Referral",
    "InterviewEntry",
    "Interview",
    "BoothConsent",
    "ApiToken",
    "Attendee",
    "AuditEntry",
    "BadgeJob",
    "Booth",
    "CheckIn",
    "Device",
    "Employer",
    "ErasureRequest",
    "Fair",
    "KioskVisit",
    "LegacyWard",
    "Province",
    "Registration",
    "RevokedTicket",
    "Scan",
    "School",
    "TrainingProgramme",
    "User",
    "Vacancy",
    "VacancyOffer",
    "Ward",
]
