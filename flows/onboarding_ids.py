"""Onboarding's state ids, and what its states read from the answers so far.

Its diagram is in `flows/onboarding.py`. The ids (`onboarding.*`) are stored in the database:
never rename one. The age check's ids live with it (`flows/onboarding_age.py`).
"""

from __future__ import annotations

from bot.core.flow import Context
from bot.core.models import Role
from bot.core.programs import Program

NAME = "onboarding"
LANGUAGE = "onboarding.language"
CONSENT = "onboarding.consent"
ROLE = "onboarding.role"
PROGRAM = "onboarding.program"
GOALS = "onboarding.goals"
INTERESTS = "onboarding.interests"
EXPERIENCES = "onboarding.experiences"
LANGUAGES = "onboarding.languages"
CAPACITY = "onboarding.capacity"
TIMEZONE = "onboarding.timezone"
HOUR = "onboarding.hour"
DISPLAY_NAME = "onboarding.display_name"
CONFIRM = "onboarding.confirm"


def program_of(ctx: Context) -> Program | None:
    """The program chosen so far (from the link or the program question)."""
    return ctx.programs.get(ctx.data.get("program"))


def role_of(ctx: Context) -> Role:
    """The role chosen so far."""
    return Role(ctx.data.get("role", Role.MENTEE))
