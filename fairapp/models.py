"""Every model, imported once so that metadata (Alembic, create_all) sees all tables."""

from fairapp.attendees.models import Attendee, Registration
from fairapp.audit.models import AuditEntry
from fairapp.auth.models import ApiToken, RecoveryCode, TwoFactor, User
from fairapp.booths.models import Booth, VacancyOffer
from fairapp.checkins.models import CheckIn, Device, Scan
from fairapp.fairs.models import Fair
from fairapp.geo.models import LegacyWard, Province, Ward
from fairapp.households.models import Household, HouseholdImport, HouseholdMember
from fairapp.interviews.models import BoothConsent, Interview, InterviewEntry, Referral
from fairapp.kiosk.models import KioskVisit
from fairapp.messages.models import Message, OptOut
from fairapp.outcomes.models import FollowUp, Hire, SelfReport
from fairapp.outreach.models import LabourExport, LabourRecord, OutreachContact
from fairapp.partners.models import Employer, School, TrainingProgramme, Vacancy
from fairapp.plans.models import BudgetEntry, FairCost, PlanTarget
from fairapp.privacy.models import ErasureRequest
from fairapp.registrations.models import BadgeJob
from fairapp.reports.models import Reach, ReachDirty
from fairapp.tickets.models import RevokedTicket
from fairapp.webhooks.models import Attempt as WebhookAttempt
from fairapp.webhooks.models import Delivery as WebhookDelivery
from fairapp.webhooks.models import Subscription as WebhookSubscription
from fairapp.worker.models import PeriodicRun

__all__ = [
    "Household",
    "HouseholdImport",
    "HouseholdMember",
    "LabourExport",
    "LabourRecord",
    "OutreachContact",
    "PeriodicRun",
    "Reach",
    "ReachDirty",
    "Referral",
    "InterviewEntry",
    "Interview",
    "BoothConsent",
    "BudgetEntry",
    "FairCost",
    "PlanTarget",
    "ApiToken",
    "RecoveryCode",
    "TwoFactor",
    "Attendee",
    "AuditEntry",
    "BadgeJob",
    "Booth",
    "CheckIn",
    "Device",
    "Employer",
    "ErasureRequest",
    "Fair",
    "FollowUp",
    "Hire",
    "Message",
    "OptOut",
    "SelfReport",
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
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
