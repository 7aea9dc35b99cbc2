"""What the matches app announces to the apps above it (matching connects a receiver in
its ``AppConfig.ready``).

``open_matches_changed``: matches of these organisations were opened or closed by
writes that send no ``post_save`` (conditional UPDATEs, bulk inserts), so the cached
volunteer pools must look again. Sent inside the transaction; a receiver that acts on
other processes should wait for the commit. Arguments: ``organisation_ids`` (a set) and
``volunteer_ids`` (the volunteers whose matches changed; a set, or None when unknown).

``match_events_inserted``: ``MatchEvent`` rows were written without ``post_save`` (the
bulk insert of a batch's proposals), so listeners of that ``post_save`` (the API's
webhooks) hear of them here. Sent inside the transaction. Arguments: ``matches`` (a list
of ``Match`` instances, as saved), ``from_status`` and ``to_status`` (the same for all),
``at`` (when)."""

from django.dispatch import Signal

open_matches_changed = Signal()
match_events_inserted = Signal()
