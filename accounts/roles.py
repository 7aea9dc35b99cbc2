"""What a person may do here, derived from their profiles and staff memberships."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from neighbourhoods.models import Organisation, StaffMembership


@dataclass(frozen=True)
class Roles:
    is_volunteer: bool = False
    is_mantelzorger: bool = False
    is_help_seeker: bool = False
    broker_of: tuple[Organisation, ...] = ()
    admin_of: tuple[Organisation, ...] = ()
    municipality_of: tuple[StaffMembership, ...] = field(default_factory=tuple)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.broker_of or self.admin_of or self.municipality_of)

    @property
    def has_any(self) -> bool:
        return self.is_volunteer or self.is_mantelzorger or self.is_help_seeker or self.is_staff_member


def roles_for(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    memberships = list(
        StaffMembership.objects.filter(user=user).select_related("organisation", "municipality").order_by("pk")
    )
    from caregivers.models import HelpRequest, Mantelzorger
    from volunteers.models import Volunteer

    return Roles(
        is_volunteer=Volunteer.objects.filter(user=user).exists(),
        is_mantelzorger=Mantelzorger.objects.filter(user=user).exists(),
        is_help_seeker=HelpRequest.objects.filter(Q(requester=user) | Q(mantelzorger__user=user)).exists(),
        broker_of=tuple(m.organisation for m in memberships if m.role == StaffMembership.Role.BROKER),
        admin_of=tuple(m.organisation for m in memberships if m.role == StaffMembership.Role.ADMIN),
        municipality_of=tuple(m for m in memberships if m.role == StaffMembership.Role.MUNICIPALITY),
    )
