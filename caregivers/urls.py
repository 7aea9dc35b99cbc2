"""Pages for mantelzorgers and help seekers themselves (``/hulp/``, namespace ``caregivers``)
and the broker's intake desk (``/organisatie/<slug>/vragen/``, namespace ``caregivers_broker``;
those views take ``slug``)."""

from django.urls import include, path

from caregivers.views import asking, broker, desk, requester, signals, support

requester_patterns = [
    path("", requester.my_requests, name="my_requests"),
    path("vraag/nieuw/", requester.request_new, name="request_new"),
    # Asking without an account (caregivers.asking): public, no login.
    path("zonder-account/", asking.ask, name="ask"),
    path("zonder-account/verstuurd/", asking.ask_thanks, name="ask_thanks"),
    path("vraag/<int:pk>/", requester.request_detail, name="request_detail"),
    path("vraag/<int:pk>/intrekken/", requester.withdraw, name="withdraw"),
    path("vraag/<int:pk>/eigen-kracht/", requester.request_ladder, name="request_ladder"),
    path("respijtzorg/", requester.respite_new, name="respite_new"),
    path("mantelzorger/", requester.mantelzorger_home, name="mantelzorger_home"),
    path("mantelzorger/aanmelden/", requester.mantelzorger_start, name="mantelzorger_start"),
    path("mantelzorger/hoe-gaat-het/", requester.checkin, name="checkin"),
    path("mantelzorger/zorg-gestopt/", requester.care_ended, name="care_ended"),
    path("mantelzorger/steun/", support.carer_support, name="support"),
    path("mantelzorger/naaste/nieuw/", requester.care_recipient_new, name="care_recipient_new"),
    path("mantelzorger/naaste/<int:pk>/", requester.care_recipient_edit, name="care_recipient_edit"),
]

broker_patterns = [
    path("", broker.queue, name="queue"),
    path("nieuw/", broker.request_new, name="new"),
    path("bulk/", desk.bulk, name="bulk"),
    path("bewaarde-filters/", desk.saved_filter_save_view, name="filter_save"),
    path("bewaarde-filters/<int:pk>/verwijderen/", desk.saved_filter_delete_view, name="filter_delete"),
    path("<int:pk>/", broker.request_detail, name="detail"),
    path("<int:pk>/intake/", broker.request_intake, name="intake"),
    path("<int:pk>/gesprek-starten/", broker.request_start, name="start_intake"),
    path("<int:pk>/klaarzetten/", broker.request_ready, name="mark_ready"),
    path("<int:pk>/doorverwijzen/", broker.request_refer_view, name="refer"),
    path("<int:pk>/intrekken/", broker.request_withdraw_view, name="withdraw"),
    path("<int:pk>/opgelost/", broker.request_close_solved_view, name="close_solved"),
    path("<int:pk>/heropenen/", broker.request_reopen_view, name="reopen"),
    path("<int:pk>/zorg-gestopt/", broker.request_care_ended_view, name="care_ended"),
    path("<int:pk>/toewijzen/", desk.request_assign_view, name="assign"),
    path("<int:pk>/account-koppelen/", broker.request_account_link_view, name="link_account"),
    path("signalen/nieuw/", signals.signal_new, name="signal_new"),
    path("mantelzorgsteun/", support.carer_support_edit, name="support_edit"),
    path("signalen/<int:pk>/", signals.signal_detail, name="signal"),
    path("signalen/<int:pk>/afsluiten/", signals.signal_close_view, name="signal_close"),
]

urlpatterns = [
    path("hulp/", include((requester_patterns, "caregivers"))),
    path("organisatie/<slug:slug>/vragen/", include((broker_patterns, "caregivers_broker"))),
]
