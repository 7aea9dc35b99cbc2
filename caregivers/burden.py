"""The stored "carer heavily burdened" flag of a help request.

The priority rule (:mod:`caregivers.priority`) takes ``burden_high``: whether the
latest check-in (:attr:`BurdenCheckIn.is_high`) of the request's mantelzorger, or of
the carer behind the person cared for, is high. The broker's queue orders open
requests in the database by the rule's inputs (urgency, this flag, the age), so the
flag is stored on the request (``HelpRequest.burden_high``) and kept in step here, in
the transaction of every change that moves it:

* a check-in saved or deleted (also by retention and by a cascade);
* a request saved (new, or linked to another carer or person cared for);
* a person cared for or a mantelzorger deleted (the links become empty);
* the bulk writes that bypass signals (erasure, retention, the demo and the
  benchmarks' loaders) call :func:`requests_burden_refresh` themselves.

``tests/caregivers/test_burden.py`` checks after each kind of change that the queue's
stored order equals the rule's order computed from the check-ins themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from caregivers.models import BurdenCheckIn, CareRecipient, HelpRequest, Mantelzorger

_BATCH = 2_000


def burden_high_of(mantelzorger_ids: Iterable[int | None]) -> dict[int, bool]:
    """Whether each carer's latest check-in is high (carers without one: False)."""
    ids = sorted({pk for pk in mantelzorger_ids if pk is not None})
    result = dict.fromkeys(ids, False)
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        seen: set[int] = set()
        # Newest first: the first row of each carer is the latest check-in.
        for checkin in BurdenCheckIn.objects.filter(mantelzorger_id__in=chunk).order_by(
            "mantelzorger_id", "-created_at", "-pk"
        ):
            if checkin.mantelzorger_id not in seen:
                seen.add(checkin.mantelzorger_id)
                result[checkin.mantelzorger_id] = checkin.is_high
    return result


def requests_burden_refresh(*, requests: QuerySet[HelpRequest]) -> int:
    """Store the burden flag of ``requests`` from their carers' latest check-ins.
    Writes only the rows whose flag changes; returns how many."""
    rows = list(
        requests.order_by().values_list("pk", "mantelzorger_id", "care_recipient__mantelzorger_id", "burden_high")
    )
    owners = {pk: mz if mz is not None else care_mz for pk, mz, care_mz, _flag in rows}
    high = burden_high_of(owners.values())
    changed = {True: [], False: []}
    for pk, _mz, _care_mz, flag in rows:
        wanted = high.get(owners[pk], False) if owners[pk] is not None else False
        if wanted != flag:
            changed[wanted].append(pk)
    for value, pks in changed.items():
        for start in range(0, len(pks), _BATCH):
            HelpRequest.objects.filter(pk__in=pks[start : start + _BATCH]).update(burden_high=value)
    return len(changed[True]) + len(changed[False])


def requests_of_carers(mantelzorger_ids: Iterable[int]) -> QuerySet[HelpRequest]:
    """The requests whose care file belongs to one of these carers."""
    ids = list(mantelzorger_ids)
    return HelpRequest.objects.filter(
        Q(mantelzorger_id__in=ids) | Q(mantelzorger__isnull=True, care_recipient__mantelzorger_id__in=ids)
    )


# --- Receivers (connected by importing this module in CaregiversConfig.ready) -----------


@receiver(post_save, sender=BurdenCheckIn, dispatch_uid="caregivers.burden.checkin_saved")
@receiver(post_delete, sender=BurdenCheckIn, dispatch_uid="caregivers.burden.checkin_deleted")
def _checkin_changed(sender, instance: BurdenCheckIn, raw: bool = False, **kwargs) -> None:
    if not raw:
        requests_burden_refresh(requests=requests_of_carers([instance.mantelzorger_id]))


@receiver(pre_save, sender=HelpRequest, dispatch_uid="caregivers.burden.request_saving")
def _request_saving(sender, instance: HelpRequest, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not {"mantelzorger", "care_recipient"} & set(update_fields)):
        return
    owner = instance.mantelzorger_id
    if owner is None and instance.care_recipient_id is not None:
        owner = (
            CareRecipient.objects.filter(pk=instance.care_recipient_id)
            .values_list("mantelzorger_id", flat=True)
            .first()
        )
    instance.burden_high = burden_high_of([owner]).get(owner, False) if owner is not None else False


@receiver(post_save, sender=HelpRequest, dispatch_uid="caregivers.burden.request_saved")
def _request_saved(sender, instance: HelpRequest, raw: bool = False, update_fields=None, **kwargs) -> None:
    # save(update_fields=[...]) writes only those fields: store the flag set above too.
    if not raw and update_fields is not None and {"mantelzorger", "care_recipient"} & set(update_fields):
        HelpRequest.objects.filter(pk=instance.pk).update(burden_high=instance.burden_high)


@receiver(pre_delete, sender=CareRecipient, dispatch_uid="caregivers.burden.recipient_deleting")
def _recipient_deleting(sender, instance: CareRecipient, **kwargs) -> None:
    # Deleting empties the link (SET_NULL) without signals: a request that had the
    # carer only through this person has no carer, so no burden, from now on.
    HelpRequest.objects.filter(care_recipient=instance, mantelzorger__isnull=True).update(burden_high=False)


@receiver(pre_delete, sender=Mantelzorger, dispatch_uid="caregivers.burden.mantelzorger_deleting")
def _mantelzorger_deleting(sender, instance: Mantelzorger, **kwargs) -> None:
    # The direct link empties (SET_NULL); such a request keeps the carer of the person
    # cared for, if it has one of another carer.
    direct = HelpRequest.objects.filter(mantelzorger=instance)
    other = direct.filter(care_recipient__isnull=False).exclude(care_recipient__mantelzorger=instance)
    rows = list(other.values_list("pk", "care_recipient__mantelzorger_id"))
    high = burden_high_of(mz for _pk, mz in rows)
    direct.exclude(pk__in=[pk for pk, mz in rows if high.get(mz)]).update(burden_high=False)
    HelpRequest.objects.filter(pk__in=[pk for pk, mz in rows if high.get(mz)]).update(burden_high=True)
