"""Every table, importable from one place (Alembic and the queries use this)."""

from hipcoach.store.models.accounts import ApiToken, CoachLink, Invitation, LoginSession, PasswordReset, User
from hipcoach.store.models.adjustments import ProgrammeAdjustment
from hipcoach.store.models.base import Base
from hipcoach.store.models.media import Analysis, Screen, Video
from hipcoach.store.models.notes import Note
from hipcoach.store.models.screening import Screening
from hipcoach.store.models.training import CheckIn, Programme, RunnerProfile, SetLog
from hipcoach.store.models.triage import TriageSeen

__all__ = [
    "Analysis",
    "ApiToken",
    "Base",
    "CheckIn",
    "CoachLink",
    "Invitation",
    "LoginSession",
    "Note",
    "PasswordReset",
    "Programme",
    "ProgrammeAdjustment",
    "RunnerProfile",
    "Screen",
    "Screening",
    "SetLog",
    "TriageSeen",
    "User",
    "Video",
]
