"""The public vacancies (``/vacatures/``, namespace ``vacancies``), the partner's own
pages (``/partner/``, namespace ``partners``) and the centre's partner page
(``/organisatie/<slug>/partners/``, namespace ``partners_centre``)."""

from django.urls import include, path

from partners.views import centre, partner, public

public_patterns = [
    path("", public.vacancy_list, name="list"),
    path("past-bij-u/", public.vacancy_fit, name="fit"),
    path("mijn-reacties/", public.my_responses, name="mine"),
    path("<int:pk>/", public.vacancy_detail, name="detail"),
    path("<int:pk>/reageren/", public.vacancy_respond, name="respond"),
]

partner_patterns = [
    path("", partner.home, name="home"),
    path("<int:pk>/profiel/", partner.profile, name="profile"),
    path("<int:pk>/signalen/", partner.signals, name="signals"),
    path("<int:pk>/signalen/nieuw/", partner.signal_new, name="signal_new"),
    path("<int:pk>/vacatures/nieuw/", partner.vacancy_new, name="vacancy_new"),
    path("vacatures/<int:vacancy_pk>/", partner.vacancy_edit, name="vacancy_edit"),
    path("vacatures/<int:vacancy_pk>/sluiten/", partner.vacancy_close_view, name="vacancy_close"),
    path("vacatures/<int:vacancy_pk>/reacties/", partner.responses, name="responses"),
    path("reacties/<int:response_pk>/aannemen/", partner.response_accept, name="response_accept"),
    path("reacties/<int:response_pk>/afwijzen/", partner.response_decline, name="response_decline"),
]

centre_patterns = [
    path("", centre.partners_page, name="list"),
    path("uitnodigen/", centre.invite, name="invite"),
    path("instellingen/", centre.settings_view, name="settings"),
    path("vacatures/<int:pk>/controleren/", centre.review, name="review"),
    path("<int:pk>/actief/", centre.partner_active, name="active"),
]

urlpatterns = [
    path("vacatures/", include((public_patterns, "vacancies"))),
    path("partner/", include((partner_patterns, "partners"))),
    path("organisatie/<slug:slug>/partners/", include((centre_patterns, "partners_centre"))),
]
