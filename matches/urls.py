"""A match's pages: the people's own (``/koppelingen/``, namespace ``matching_people``), the
calendar feed (``/agenda/``, ``calendar``), and the broker's pages of one organisation
(``/organisatie/<slug>/koppelingen/``, ``matching_broker``; ``/organisatie/<slug>/aandacht/``,
``attention``; those views take ``slug``)."""

from django.urls import include, path

from matches.views import appreciation, attention, broker, calendar, people

people_patterns = [
    # The volunteer: proposals and matches.
    path("", people.mine, name="mine"),
    path("<int:pk>/ja/", people.accept, name="accept"),
    path("<int:pk>/nee/", people.decline, name="decline"),
    path("<int:pk>/uren/", people.hours, name="hours"),
    # The volunteer's yearly overview and certificate.
    path("jaaroverzicht/", appreciation.year_overview, name="year_overview"),
    path("jaaroverzicht/<int:year>/", appreciation.year_overview, name="year_overview_year"),
    path("jaaroverzicht/<int:year>/bedankt.pdf", appreciation.certificate, name="certificate"),
    # The requester or mantelzorger: who is coming.
    path("wie-komt-er/", people.requester, name="requester"),
    path("wie-komt-er/<int:pk>/past/", people.activate, name="activate"),
    path("wie-komt-er/<int:pk>/past-niet/", people.requester_decline, name="requester_decline"),
    # Links from the proposal e-mail (no login: the secret is the proof).
    path("link/<str:purpose>/<str:secret>/", people.link, name="link"),
]

calendar_patterns = [
    path("", calendar.manage, name="manage"),
    # No login: the secret token is the proof (calendar apps cannot log in).
    path("<str:token>.ics", calendar.feed, name="feed"),
]

broker_patterns = [
    path("", broker.match_list, name="list"),
    path("uren/goedkeuren/", broker.hours_approve_organisation, name="hours_approve_all"),
    path("<int:pk>/", broker.match_detail, name="detail"),
    path("<int:pk>/annuleren/", broker.cancel, name="cancel"),
    path("<int:pk>/starten/", broker.activate, name="activate"),
    path("<int:pk>/afronden/", broker.end, name="end"),
    path("<int:pk>/uren/goedkeuren/", broker.hours_approve_match, name="hours_approve_match"),
    path("<int:pk>/uren/<int:entry>/goedkeuren/", broker.hours_approve_one, name="hours_approve"),
]

attention_patterns = [
    path("", attention.attention_list, name="list"),
    path("<int:pk>/check-in/", attention.checkin, name="checkin"),
]

urlpatterns = [
    path("koppelingen/", include((people_patterns, "matching_people"))),
    path("agenda/", include((calendar_patterns, "calendar"))),
    path("organisatie/<slug:slug>/koppelingen/", include((broker_patterns, "matching_broker"))),
    path("organisatie/<slug:slug>/aandacht/", include((attention_patterns, "attention"))),
]
