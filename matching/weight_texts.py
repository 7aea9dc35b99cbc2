"""The admin's words for the score parts whose weights they set (the weights page and
the settings history, which ``neighbourhoods.orgsettings`` renders with the labels
registered here in ``MatchingConfig.ready``)."""

from django.utils.translation import gettext_lazy

# What each score part means, in plain words, for the admin who sets its weight.
WEIGHT_HELP = {
    "distance": gettext_lazy("Afstand: hoe dichter de vrijwilliger bij de hulpvrager woont, hoe hoger."),
    "availability": gettext_lazy("Tijd: hoe ruimer de vrijwilliger kan rond het gevraagde moment, hoe hoger."),
    "continuity": gettext_lazy("Bekend gezicht: de vrijwilliger hielp dit huishouden al eerder."),
    "language": gettext_lazy("Taal: de vrijwilliger spreekt de taal van de hulpvrager."),
    "preferences": gettext_lazy(
        "Voorkeur: de soort hulp en de groep mensen passen bij wat de vrijwilliger graag doet."
    ),
    "neighbourhood": gettext_lazy("Buurt: de vrijwilliger woont in dezelfde buurt of hetzelfde dorp."),
    "load": gettext_lazy("Drukte: vrijwilligers met minder lopende koppelingen gaan voor."),
    "priority": gettext_lazy(
        "Voorrang: in een koppelronde gaan dringende en lang wachtende vragen voor. Bij één hulpvraag "
        "verandert dit de volgorde niet."
    ),
}
WEIGHT_LABELS = {
    "distance": gettext_lazy("Afstand"),
    "availability": gettext_lazy("Tijd"),
    "continuity": gettext_lazy("Bekend gezicht"),
    "language": gettext_lazy("Taal"),
    "preferences": gettext_lazy("Voorkeur"),
    "neighbourhood": gettext_lazy("Buurt"),
    "load": gettext_lazy("Drukte"),
    "priority": gettext_lazy("Voorrang"),
}
