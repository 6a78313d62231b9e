"""Yellow and red cards reach the configured channels (e-mail here), also after a broker outage.

The sweep writes the cards through grids.notifications.notify_many, so each card has a Delivery
per channel; the after-commit task sends them, and the beat task sends what it could not.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from grids.choices import DeliveryStatus
from grids.models import Delivery
from grids.tasks import resend_due_notifications, send_deliveries
from incidents import services
from incidents.choices import EventKind, Status
from tests.incidents.factories import local

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 11, 2, 8, 40)
DUE = local(2026, 11, 2, 14, 30)


@pytest.fixture
def due_case(make_case):
    case = make_case(Status.DISPATCHED, now=MONDAY)
    assert case.due_at == DUE
    return case


@pytest.fixture
def email(settings, world, due_case):
    """E-mail configured once the case is dispatched, so that only the cards go out by e-mail."""
    settings.NOTIFICATION_CHANNELS = ["grids.notifications.EmailChannel"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ESCALATION_RED_AFTER_HOURS = 24
    for user, address in ((world.users.zone_leader, "leader@example.cn"), (world.users.street, "office@example.cn")):
        user.email = address
        user.save(update_fields=["email"])


def run_in_process(args, retry):
    """What a worker does with the message: run the task."""
    assert retry is False
    return send_deliveries.apply(args=args)


def test_a_yellow_card_reaches_the_zone_leader_by_email(email, world, due_case, django_capture_on_commit_callbacks):
    with mock.patch.object(send_deliveries, "apply_async", side_effect=run_in_process):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.escalate_overdue(now=DUE + dt.timedelta(minutes=5))["yellow"] == 1
    assert [m.to for m in mail.outbox] == [["leader@example.cn"]]
    assert mail.outbox[0].subject == f"Yellow card: {due_case.code} is overdue"
    assert mail.outbox[0].body.endswith(f"/incidents/{due_case.pk}/")
    delivery = Delivery.objects.get(notification__kind=EventKind.YELLOW_CARD)
    assert (delivery.notification.recipient, delivery.channel, delivery.status) == (world.users.zone_leader, "email", DeliveryStatus.SENT)


def test_after_a_broker_outage_the_beat_task_delivers_the_cards(email, world, due_case, django_capture_on_commit_callbacks):
    broker_down = OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")
    with mock.patch.object(send_deliveries, "apply_async", side_effect=broker_down) as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            # A day and more overdue: yellow and red card in one run, the write succeeds.
            assert services.escalate_overdue(now=DUE + dt.timedelta(hours=30)) == {"warning": 0, "yellow": 1, "red": 1}
    assert enqueue.call_count == 2 and mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

    assert resend_due_notifications() == {"sent": 2, "failed": 0, "gave_up": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["leader@example.cn", "office@example.cn"]
    assert resend_due_notifications() == {"sent": 0, "failed": 0, "gave_up": 0}  # nothing twice
    assert len(mail.outbox) == 2
