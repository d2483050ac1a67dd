"""Writes for booking: every change to a consultation, each in one transaction with its notifications."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.booking.selectors import clinicians_by_fewest_upcoming, upcoming_consultation_for
from consultations.models import Consultation, Notification
from consultations.outbox.services import notifications_enqueue_waiting, notifications_record
from consultations.scheduling.selectors import slot_lookup
from pages.services import policy_version_current
from staff.audit import audit_record_update
from thrive.cache import bump_open_times_generation
from thrive.outage import commit_or_find

Status = Consultation.Status


class BookingError(Exception):
    """A booking change that can't be made; the view explains why."""


class SlotUnavailable(BookingError):
    """The time is not open: past, misaligned, closed, or (``just_taken``) booked by someone else a moment ago."""

    def __init__(self, *, just_taken=False):
        super().__init__("That time was just taken." if just_taken else "That time is not available.")
        self.just_taken = just_taken


class AlreadyBooked(BookingError):
    """This browser booked the upcoming call these contact details already have; offer to move that one.

    Raised only for the browser that made the earlier booking (``own_booking_ids``): anyone else is
    answered exactly as if there were no other call, so a booking attempt never tells a stranger
    whether a phone number or email has a call coming up.
    """

    def __init__(self, consultation):
        super().__init__("There is already an upcoming call for this phone number or email.")
        self.consultation = consultation


class NotChangeable(BookingError):
    """The call is cancelled, has started, or is already being worked by the practice."""


class AlreadyChanged(BookingError):
    """The booking changed since the page was loaded (for example, a link used twice)."""


def _replay(form_token):
    if not form_token:
        return None
    return Consultation.objects.select_related("clinician").filter(form_token=form_token).first()


def _booked_meanwhile(*, starts_at, clinician, now):
    """True when a future time is closed because someone else booked it, rather than never having been open."""
    if starts_at is None or starts_at <= now:
        return False
    booked = Consultation.objects.active().filter(starts_at=starts_at)
    return (booked.filter(clinician=clinician) if clinician else booked).exists()


def _record_consent(consultation, now):
    consultation.consented_at = now
    policy_id, published_at = policy_version_current() or (None, None)
    consultation.consent_policy_id = policy_id
    consultation.consent_policy_version = timezone.localdate(published_at).isoformat() if policy_id else ""


def _earlier_call(consultation, *, own_booking_ids, now):
    """The upcoming call these contact details already have: AlreadyBooked for its own browser, else returned.

    The caller books anyway and flags both calls for the front desk (``possible_duplicate_of``).
    """
    already = upcoming_consultation_for(
        phone=consultation.phone, email=consultation.email, now=now, prefer_ids=own_booking_ids or ()
    )
    if already is not None and already.pk in set(own_booking_ids or ()):
        raise AlreadyBooked(already)
    return already


def _flag_duplicate(consultation, earlier):
    """Point each of two calls with the same contact details at the other, for the front desk to sort out."""
    if earlier is not None:
        Consultation.objects.filter(pk=earlier.pk, possible_duplicate_of__isnull=True).update(
            possible_duplicate_of=consultation
        )


def consultation_book(*, consultation, starts_at, clinician=None, form_token=None, own_booking_ids=(), now=None):
    """Book an unsaved consultation (its contact details filled in) at an open time.

    With no ``clinician`` it goes to the free clinician with the fewest upcoming calls, and
    to the next one when that one was taken meanwhile. A form token seen before returns the
    booking it made, so a double click never books twice: the token is unique, so it is looked
    up only when this attempt can't be saved as it is (the time closed, the contact details
    already booked from this browser, the insert refused). The time is checked first; when the
    contact details already have an upcoming call, only the browser that booked it
    (``own_booking_ids``) hears so (AlreadyBooked); anyone else's booking is made and both calls
    are flagged as possible duplicates.
    """
    now = now or timezone.now()
    slot = slot_lookup(starts_at=starts_at, clinician=clinician, now=now)
    if slot is None:
        if replayed := _replay(form_token):
            return replayed
        raise SlotUnavailable(just_taken=_booked_meanwhile(starts_at=starts_at, clinician=clinician, now=now))
    try:
        earlier = _earlier_call(consultation, own_booking_ids=own_booking_ids, now=now)
    except AlreadyBooked:
        if replayed := _replay(form_token):
            return replayed
        raise

    consultation.possible_duplicate_of = earlier
    consultation.starts_at = slot.starts_at
    consultation.status = Status.CONFIRMED
    consultation.form_token = form_token or None
    _record_consent(consultation, now)
    # A clinician chosen by name is the only one the time was looked up for: no one to rank.
    candidates = [clinician] if clinician else clinicians_by_fewest_upcoming(clinician_ids=slot.clinician_ids, now=now)
    for candidate in candidates:
        consultation.clinician = candidate
        consultation.pk = None
        consultation._state.adding = True
        try:
            return _save_new(consultation, earlier=earlier, event=Notification.Event.BOOKED)
        except IntegrityError:
            if replayed := _replay(form_token):
                return replayed
            continue  # Someone else took this clinician at this time a moment ago.
    raise SlotUnavailable(just_taken=True)


def _save_new(consultation, *, earlier, event):
    """Insert a new booking, flag it beside the same person's earlier call, and record its messages: one transaction.

    Returns the saved booking. A connection lost as it commits is answered by what was saved
    (``commit_or_find``): the booking is looked for by its form token on a fresh connection, and
    one that was saved is answered as saved, its messages enqueued (the commit's own enqueueing was
    dropped with the connection); only one that wasn't gets the 503 page. When that can't be told,
    the visitor hears so, and sending the form again is safe: the token finds the booking.
    """

    def write():
        consultation.save(force_insert=True)
        _flag_duplicate(consultation, earlier)
        notifications_record(consultation=consultation, event=event)
        return consultation

    # Without a form token (a booking made some other way) there is nothing to find it by.
    return commit_or_find(
        write, find=lambda: _replay(consultation.form_token), found=_enqueue_what_the_commit_would_have
    )


def _enqueue_what_the_commit_would_have(consultation):
    notifications_enqueue_waiting(consultation=consultation)


def callback_request_create(*, consultation, clinician=None, form_token=None, own_booking_ids=(), now=None):
    """Save a request to be called back when none of the open times suit; the front desk picks a time.

    Contact details with an upcoming call are treated as in ``consultation_book``.
    """
    now = now or timezone.now()
    if replayed := _replay(form_token):
        return replayed
    earlier = _earlier_call(consultation, own_booking_ids=own_booking_ids, now=now)
    consultation.possible_duplicate_of = earlier
    consultation.starts_at = None
    consultation.booked_via = Consultation.BookedVia.CALLBACK
    consultation.clinician = clinician
    consultation.status = Status.NEW
    consultation.form_token = form_token or None
    _record_consent(consultation, now)
    try:
        return _save_new(consultation, earlier=earlier, event=Notification.Event.CALLBACK_REQUESTED)
    except IntegrityError:
        if replayed := _replay(form_token):
            return replayed
        raise


def consultation_cancel(*, consultation, by_practice=False, expected_status=None, now=None):
    """Cancel a call; its time opens again at once. A client may cancel only until the call starts."""
    now = now or timezone.now()
    changes = Consultation.objects.filter(pk=consultation.pk)
    changes = changes.exclude(status=Status.CANCELLED) if by_practice else changes.client_changeable(now)
    if expected_status is not None:
        changes = changes.filter(status=expected_status)
    cancelled_by = Consultation.CancelledBy.PRACTICE if by_practice else Consultation.CancelledBy.CLIENT

    def write():
        previous_status = consultation.status
        if not changes.update(status=Status.CANCELLED, cancelled_at=now, cancelled_by=cancelled_by, updated_at=now):
            raise NotChangeable("This call can no longer be cancelled here.")
        consultation.refresh_from_db()
        audit_record_update(instance=consultation, changes={"status": (previous_status, consultation.status)})
        bump_open_times_generation()  # its time is open again on the public pages
        event = Notification.Event.PRACTICE_CANCELLED if by_practice else Notification.Event.CANCELLED
        notifications_record(consultation=consultation, event=event)
        return consultation

    # A connection lost as it commits: this cancellation is the one that was made at ``now``, or none was.
    this_cancellation = Consultation.objects.filter(pk=consultation.pk, status=Status.CANCELLED, cancelled_at=now)
    return commit_or_find(write, find=this_cancellation.first, found=_enqueue_what_the_commit_would_have)


def _move(*, consultation, clinician, starts_at, expected_starts_at, by_practice, now):
    def write():
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.status == Status.CANCELLED:
            raise NotChangeable("This call was cancelled.")
        if not by_practice and (current.starts_at is None or not current.client_may_change(now)):
            raise NotChangeable("This call can no longer be moved here.")
        if current.starts_at != expected_starts_at:
            raise AlreadyChanged("This call was already moved.")
        if current.clinician_id == clinician.pk and current.starts_at == starts_at:
            raise AlreadyChanged("This call is already at that time.")
        slot = slot_lookup(starts_at=starts_at, clinician=clinician, now=now, exclude=current)
        if slot is None:
            raise SlotUnavailable(just_taken=_booked_meanwhile(starts_at=starts_at, clinician=clinician, now=now))
        fields = {"clinician": clinician, "starts_at": slot.starts_at, "updated_at": now}
        if by_practice and current.status == Status.NEW:
            fields["status"] = Status.CONFIRMED
        try:
            # The new time is taken and the old one released by this one UPDATE.
            with transaction.atomic():
                Consultation.objects.filter(pk=current.pk).update(**fields)
        except IntegrityError:
            raise SlotUnavailable(just_taken=True) from None
        before = {"clinician": current.clinician, "starts_at": current.starts_at, "status": current.status}
        current.refresh_from_db()
        bump_open_times_generation()  # one time opens and another closes on the public pages
        audit_record_update(
            instance=current,
            changes={
                field: (old, getattr(current, field)) for field, old in before.items() if old != getattr(current, field)
            },
        )
        notifications_record(
            consultation=current,
            event=Notification.Event.PRACTICE_MOVED if by_practice else Notification.Event.RESCHEDULED,
        )
        consultation.refresh_from_db()
        return consultation

    # A connection lost at the COMMIT: this move is the one made at ``now``, to this time, or none was.
    this_move = Consultation.objects.filter(
        pk=consultation.pk, clinician=clinician, starts_at=starts_at, updated_at=now
    )
    return commit_or_find(write, find=this_move.first, found=_enqueue_what_the_commit_would_have)


def consultation_reschedule(*, consultation, starts_at, expected_starts_at, now=None):
    """The client moves their call to another open time with the same clinician, until the call starts."""
    return _move(
        consultation=consultation,
        clinician=consultation.clinician,
        starts_at=starts_at,
        expected_starts_at=expected_starts_at,
        by_practice=False,
        now=now or timezone.now(),
    )


def consultation_move(*, consultation, clinician, starts_at, expected_starts_at, now=None):
    """The practice moves a call, or gives a callback request a time, with the same availability rules."""
    return _move(
        consultation=consultation,
        clinician=clinician,
        starts_at=starts_at,
        expected_starts_at=expected_starts_at,
        by_practice=True,
        now=now or timezone.now(),
    )


def consultation_practice_edit(
    *, consultation, fields, clinician, starts_at, expected_starts_at=None, status=None, expected_status=None
):
    """The front desk's edit of one call: its details, a new time or clinician, and a new status, all or nothing.

    ``fields`` maps the plain fields that changed to their new values. A move happens only when
    ``clinician`` or ``starts_at`` differ from the call's, measured against ``expected_starts_at``
    (the time on the page the staff member loaded); a status change only from ``expected_status``.
    A BookingError leaves the call exactly as it was.
    """
    with transaction.atomic():
        if fields:
            for name, value in fields.items():
                setattr(consultation, name, value)
            consultation.save(update_fields=[*fields, "updated_at"])
        if clinician is not None and (clinician.pk, starts_at) != (consultation.clinician_id, consultation.starts_at):
            consultation_move(
                consultation=consultation,
                clinician=clinician,
                starts_at=starts_at,
                expected_starts_at=expected_starts_at,
            )
        if status is not None and status != expected_status:
            if status == Status.CANCELLED:
                consultation_cancel(consultation=consultation, by_practice=True, expected_status=expected_status)
            elif not consultations_status_set(
                queryset=Consultation.objects.filter(pk=consultation.pk), status=status, expected_status=expected_status
            ):
                raise AlreadyChanged("Someone else changed its status meanwhile.")
    consultation.refresh_from_db()
    return consultation


def consultations_status_set(*, queryset, status, expected_status=None):
    """Move the consultations in ``queryset`` to ``status``, only those in a state it may follow; returns how many."""
    allowed = set(Consultation.STATUS_FROM[status])
    if expected_status is not None:
        allowed &= {expected_status}
    with transaction.atomic():
        # Lock just these rows (never the nullable side of a join) so the history names the status each left.
        changing = list(
            Consultation.objects.filter(pk__in=queryset.values("pk"), status__in=allowed)
            .select_for_update(of=("self",))
            .only("pk", "status", "reference")
        )
        count = Consultation.objects.filter(pk__in=[c.pk for c in changing], status__in=allowed).update(
            status=status, updated_at=timezone.now()
        )
        for consultation in changing:
            audit_record_update(instance=consultation, changes={"status": (consultation.status, status)})
    return count
