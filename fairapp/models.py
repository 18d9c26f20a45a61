"""Every model, imported once so that metadata (Alembic, create_all) sees all tables."""

from fairapp.audit.models import AuditEntry
from fairapp.auth.models import ApiToken, User
from fairapp.geo.models import LegacyWard, Province, Ward
from fairapp.partners.models import Employer, School

__all__ = ["ApiToken", "AuditEntry", "Employer", "LegacyWard", "Province", "School", "User", "Ward"]
