"""What the caregivers app announces to the apps above it (they connect receivers in
their ``AppConfig.ready``). Sent inside the transaction of the change, so a receiver's
writes commit or roll back with it."""

from django.dispatch import Signal

# A request was withdrawn. Arguments: ``request`` (the locked HelpRequest), ``by`` (user).
request_withdrawn = Signal()

# A broker closed an open request as solved without a volunteer (own strength or own
# network). Arguments: ``request`` (the locked HelpRequest), ``by`` (user). Receivers
# cancel the request's proposals that were not yet active.
request_solved_without_volunteer = Signal()

# A request's personal data is about to be erased (its requester or mantelzorger asked
# for erasure). Arguments: ``request`` (the locked HelpRequest), ``by`` (user). Receivers
# end the request's open matches; the other side is told, without details.
request_erasing = Signal()
