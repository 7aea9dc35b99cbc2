"""What the volunteers app announces to the apps above it (they connect receivers in
their ``AppConfig.ready``). Sent inside the transaction of the change."""

from django.dispatch import Signal

# A volunteer's personal data is about to be erased. Arguments: ``volunteer``, ``by``.
# A receiver returns True when other records still refer to the volunteer (their
# matches, for the reports): the row then stays, anonymised, instead of being deleted.
volunteer_erasing = Signal()

# Volunteers changed through writes that send no ``post_save`` (bulk inserts, conditional
# UPDATEs): their availability, skills or profile. Arguments: ``organisation_id`` and
# ``volunteer_ids``. Receivers (the matching pool's change log) write in this transaction.
volunteers_changed = Signal()
