"""The wards an account acts in: the one rule, deny by default.

    ward_scope(role, ward_codes)   → WardScope: admins every ward; organisers the wards given to them,
                                     NONE when none are; every other role none
    WardScope.allows(ward_code)    the rule for one ward (User/Principal.may_act_in_ward)
    WardScope.clause(column)       the same rule as a SQL condition on a ward-code column (lists)

An organiser without wards acts nowhere: a new account sees no fair, no registration and no export
until an admin gives it its wards. Gate staff may carry wards too (WARD_ROLES): they say which
organisers manage their scanner devices (fairapp.checkins.devices), not where they act.

This module sits below fairapp.auth.models (which uses it), so it names roles by their stored values."""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

ADMIN, ORGANISER, GATE = "admin", "organiser", "gate"  # fairapp.auth.models.Role values
WARD_ROLES = (ORGANISER, GATE)  # the roles an admin gives wards to


@dataclass(frozen=True)
class WardScope:
    everywhere: bool = False
    ward_codes: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        """No ward at all: the account acts nowhere."""
        return not self.everywhere and not self.ward_codes

    def allows(self, ward_code: str | None) -> bool:
        return self.everywhere or ward_code in self.ward_codes

    def clause(self, column) -> sa.ColumnElement[bool]:
        """`column` (a ward code) is in the scope: true everywhere, false for an empty scope."""
        if self.everywhere:
            return sa.true()
        if not self.ward_codes:
            return sa.false()
        return column.in_(sorted(self.ward_codes))


EVERYWHERE = WardScope(everywhere=True)
NOWHERE = WardScope()


def ward_scope(role: str, ward_codes: Iterable[str]) -> WardScope:
    """The wards an account of `role` with `ward_codes` acts in (see the module's documentation)."""
    if role == ADMIN:
        return EVERYWHERE
    if role == ORGANISER:
        return WardScope(ward_codes=frozenset(ward_codes))
    return NOWHERE
