"""What a caller may do at one organisation, in one place for every API view.

A token carries its scopes and belongs to one organisation: at any other organisation
it finds nothing (404, as the web pages answer: nothing leaks about what exists). A
logged-in person gets the scopes of their roles there:

=================  ==========================================================
role               scopes
=================  ==========================================================
broker             ``broker`` (people, requests with intake, matches), ``read:reports``
admin              ``casework`` (requests without care notes, matches, suggestions,
                   batch runs), ``read:reports``
municipality       ``read:reports`` (their own municipality only)
=================  ==========================================================

Public resources (the vacancies) need no token and no login (``public_organisation``).

A token with ``broker`` has ``casework`` too. Care files (intake notes, the question
behind the question) are for ``broker`` only (``StaffMembership.CARE_FILE_ROLES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from api.models import ApiToken
from neighbourhoods.models import Municipality, Organisation, StaffMembership
from neighbourhoods.selectors import ReportAccess

Scope = ApiToken.Scope
CASEWORK = "casework"


class InsufficientScope(exceptions.PermissionDenied):
    default_detail = _("Deze sleutel mag dit niet: er ontbreekt een recht.")
    default_code = "insufficient_scope"


@dataclass(frozen=True)
class Caller:
    organisation: Organisation
    scopes: frozenset[str]
    token: ApiToken | None
    municipalities: tuple[Municipality, ...]

    @property
    def reads_care_files(self) -> bool:
        return Scope.BROKER in self.scopes

    def report_access(self) -> ReportAccess:
        return ReportAccess(self.organisation, self.municipalities, is_staff=False)


def _role_scopes(role: str) -> set[str]:
    if role in StaffMembership.CARE_FILE_ROLES:
        return {Scope.BROKER, CASEWORK, Scope.READ_REPORTS}
    if role in StaffMembership.CASEWORK_ROLES:
        return {CASEWORK, Scope.READ_REPORTS}
    if role == StaffMembership.Role.MUNICIPALITY:
        return {Scope.READ_REPORTS}
    return set()


def caller_at(request, *, slug: str, scope: str) -> Caller:
    """The caller at organisation ``slug`` if it may use ``scope`` there.

    Raises NotFound for an organisation that is not the caller's, InsufficientScope for
    a token of the organisation without the scope, NotAuthenticated for nobody."""
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is not None:
        organisation = token.organisation
        if organisation.slug != slug:
            raise exceptions.NotFound()
        scopes = set(token.scopes)
        if Scope.BROKER in scopes:
            scopes.add(CASEWORK)
        if scope not in scopes:
            raise InsufficientScope()
        municipalities = tuple(organisation.municipalities.order_by("name"))
        return Caller(organisation, frozenset(scopes), token, municipalities)
    user = request.user
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    memberships = list(
        StaffMembership.objects.filter(user=user, organisation__slug=slug).select_related("organisation")
    )
    scopes = set().union(*(_role_scopes(m.role) for m in memberships)) if memberships else set()
    if scope not in scopes:
        raise exceptions.NotFound()
    organisation = memberships[0].organisation
    if any(m.role in StaffMembership.CASEWORK_ROLES for m in memberships):
        municipalities = tuple(organisation.municipalities.order_by("name"))
    else:
        ids = [m.municipality_id for m in memberships if m.role == StaffMembership.Role.MUNICIPALITY]
        municipalities = tuple(organisation.municipalities.filter(pk__in=ids).order_by("name"))
    return Caller(organisation, frozenset(scopes), None, municipalities)


def public_organisation(request, *, slug: str) -> Organisation:
    """The organisation of a public resource (its vacancies): anyone may read it, without
    a token or logged in as anyone. A token still acts for its own organisation only
    (another slug: 404, as everywhere) and reads public data with ``read:public``."""
    if isinstance(request.auth, ApiToken):
        return caller_at(request, slug=slug, scope=Scope.READ_PUBLIC).organisation
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise exceptions.NotFound()
    return found
