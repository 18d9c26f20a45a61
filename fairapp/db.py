"""The former name of fairapp.modelbase, kept only for the check-in and sign-in modules being rewritten
meanwhile (fairapp.checkins.api, .devices, .lane, .services; fairapp.auth.principal, .session). Import
from fairapp.modelbase; this module goes once they do."""

from fairapp.modelbase import utcnow

__all__ = ["utcnow"]
