"""The delivery outbox: notify_many writes inbox rows and one Delivery per channel in constant
queries; grids.outbox.send_due sends what is due, backs off after a failure, gives up after the cap, and never
sends a row twice (also when runs race, on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from grids import notifications
from grids.choices import DeliveryStatus, Role
from grids.models import Delivery, Notification
from grids.notifications import Note, notify_many
from grids.outbox import MAX_ATTEMPTS, send_due
from tests import factories as f

EMAIL = "grids.notifications.EmailChannel"
BROKEN = "tests.grids.test_outbox.BrokenChannel"
COUNTING = "tests.grids.test_outbox.CountingChannel"
DBFAIL = "tests.grids.test_outbox.DatabaseFailingChannel"
MINUTE = dt.timedelta(minutes=1)


class BrokenChannel:
    name = "broken"

    def send(self, notification) -> None:
        raise ConnectionError("webhook answered 502")


class DatabaseFailingChannel:
    """Fails inside the database, as a channel that logs its calls in a table might."""

    name = "dbfail"

    def send(self, notification) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_for_the_outbox")


class CountingChannel:
    """Records every send; slow enough that concurrent runs overlap."""

    name = "counting"
    sent: list[int] = []
    lock = threading.Lock()

    def send(self, notification) -> None:
        time.sleep(0.002)
        with self.lock:
            self.sent.append(notification.pk)


@pytest.fixture
def channels(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CountingChannel.sent = []

    def use(*paths: str) -> None:
        settings.NOTIFICATION_CHANNELS = list(paths)

    use()
    return use


def notes(users, n: int, key: str = "test") -> list[Note]:
    return [Note(recipient=u.pk, kind="test", title=f"note {i}", body="body", url="/x/", key=f"{key}:{i}") for i in range(n) for u in users]


def people(n: int) -> list:
    return [f.UserFactory(username=f"p_outbox_{i}", role=Role.STREET, email=f"p{i}@example.cn") for i in range(n)]


# --- notify_many -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("configured, queries", [((), 1), ((EMAIL, COUNTING), 2)])
def test_notify_many_inserts_in_constant_queries(channels, django_assert_num_queries, configured, queries):
    channels(*configured)
    users = people(3)
    with django_assert_num_queries(queries):
        assert notify_many(notes(users, 1, key="few")) == 3
    with django_assert_num_queries(queries):
        assert notify_many(notes(users, 20, key="many")) == 60  # (SQLite splits an INSERT of more than ~140 rows)
    assert Notification.objects.count() == 63
    assert Delivery.objects.count() == 63 * len(configured)
    assert set(Delivery.objects.values_list("status", flat=True)) <= {DeliveryStatus.PENDING}


@pytest.mark.django_db
def test_notify_many_is_idempotent_per_recipient_and_key(channels, django_capture_on_commit_callbacks):
    channels(EMAIL)
    users = people(2)
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify_many(notes(users, 2)) == 4
        # Again, with one new key and a duplicate inside the same call: only the new one counts.
        assert notify_many([*notes(users, 3), *notes(users[:1], 3)]) == 2
        assert notify_many(notes(users, 3)) == 0
    assert Notification.objects.count() == 6
    assert Delivery.objects.count() == 6  # one per new notification, none for the duplicates
    assert len(callbacks) == 2  # a send task for each call that made deliveries, after commit


@pytest.mark.django_db
def test_notify_is_one_event_for_several_people(channels):
    channels(EMAIL)
    users = people(2)
    assert notifications.notify([users[0], users[1].pk, users[0]], kind="test", title="hello", key="hello") == 2
    assert notifications.notify(users, kind="test", title="hello", key="hello") == 2  # no new rows
    assert Notification.objects.filter(key="hello").count() == 2 and Delivery.objects.count() == 2


# --- send_due ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sent_once_however_often_the_resend_runs(channels):
    channels(EMAIL)
    notify_many(notes(people(1), 1))
    assert send_due() == {"sent": 1, "failed": 0, "gave_up": 0}
    assert send_due() == {"sent": 0, "failed": 0, "gave_up": 0}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["p0@example.cn"]
    assert "http://" in mail.outbox[0].body and mail.outbox[0].body.endswith("/x/")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.SENT, 1, None)
    assert delivery.sent_at is not None


@pytest.mark.django_db
def test_a_failing_channel_backs_off_and_gives_up_after_the_cap(channels):
    channels(EMAIL, BROKEN)
    notify_many(notes(people(1), 1))
    now = timezone.now()
    assert send_due(now=now) == {"sent": 1, "failed": 1, "gave_up": 0}  # e-mail went; the webhook did not
    broken = Delivery.objects.get(channel="broken")
    assert (broken.status, broken.attempts, broken.next_attempt_at) == (DeliveryStatus.FAILED, 1, now + MINUTE)
    assert broken.last_error == "ConnectionError: webhook answered 502"

    waits = []
    while broken.status == DeliveryStatus.FAILED:
        assert send_due(now=broken.next_attempt_at - dt.timedelta(seconds=1))["failed"] == 0  # not yet due
        previous = broken.next_attempt_at
        send_due(now=previous)
        broken.refresh_from_db()
        if broken.next_attempt_at:
            waits.append(broken.next_attempt_at - previous)
    assert waits == [MINUTE * m for m in (2, 4, 8, 16, 32, 60)]  # 1 minute before the second try, capped at an hour
    assert (broken.status, broken.attempts, broken.next_attempt_at) == (DeliveryStatus.GAVE_UP, MAX_ATTEMPTS, None)
    assert send_due(now=now + dt.timedelta(days=30)) == {"sent": 0, "failed": 0, "gave_up": 0}
    assert len(mail.outbox) == 1  # the e-mail was never sent again


@pytest.mark.django_db
def test_a_channel_failing_inside_the_database_is_counted_and_the_others_still_send(channels):
    """The failed try is recorded (not rolled back with an aborted transaction), so the cap applies."""
    channels(DBFAIL, EMAIL)
    notify_many(notes(people(1), 1))
    now = timezone.now()
    assert send_due(now=now) == {"sent": 1, "failed": 1, "gave_up": 0}
    failing = Delivery.objects.get(channel="dbfail")
    assert (failing.status, failing.attempts, failing.next_attempt_at) == (DeliveryStatus.FAILED, 1, now + MINUTE)
    assert Delivery.objects.get(channel="email").status == DeliveryStatus.SENT and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_channel_no_longer_configured_is_given_up(channels):
    channels(EMAIL, COUNTING)
    notify_many(notes(people(1), 1))
    channels(EMAIL)
    assert send_due() == {"sent": 1, "failed": 0, "gave_up": 1}
    assert Delivery.objects.get(channel="counting").last_error == "channel 'counting' is not configured"


@pytest.mark.django_db(transaction=True)
def test_concurrent_resends_send_each_delivery_once(postgres, channels):
    channels(COUNTING)
    notify_many(notes(people(4), 60))  # 240 deliveries, several batches
    barrier = threading.Barrier(4)
    results: list = [None] * 4

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = send_due()
        except Exception as error:  # asserted on below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(r["sent"] for r in results) == 240
    assert sum(1 for r in results if r["sent"]) > 1, results  # the runs really did share the work
    assert set(Counter(CountingChannel.sent).values()) == {1} and len(CountingChannel.sent) == 240
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


# --- the beat schedule and the admin -----------------------------------------------------------------


def test_beat_resends_only_when_channels_are_configured(tmp_path):
    from tests.grids.test_settings import loaded

    assert "resend-notifications" not in loaded(tmp_path)["beat"]
    assert "resend-notifications" in loaded(tmp_path, NOTIFICATION_CHANNELS=EMAIL)["beat"]


@pytest.mark.django_db
def test_the_street_office_operator_reads_the_outbox_in_the_admin(channels, client, world):
    channels(BROKEN)
    notify_many(notes([world.users.zone_leader], 1))
    send_due()
    delivery = Delivery.objects.get()
    operator = f.UserFactory(username="p_street_operator", role=Role.STREET, is_staff=True)
    client.force_login(operator)
    listing = client.get("/admin/grids/delivery/")
    assert listing.status_code == 200 and "webhook answered 502" in listing.content.decode()
    page = client.get(f"/admin/grids/delivery/{delivery.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read only
    assert client.post(f"/admin/grids/delivery/{delivery.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/grids/notification/{delivery.notification_id}/change/").status_code == 200
    client.force_login(world.users.safety)  # not staff: no admin at all
    assert client.get("/admin/grids/delivery/").status_code == 302


@pytest.mark.django_db
def test_the_inbox_moved_and_old_bookmarks_follow(client, world):
    client.force_login(world.users.worker)
    response = client.get("/incidents/notifications/")
    assert response.status_code == 301 and response["Location"] == "/grids/notifications/"
