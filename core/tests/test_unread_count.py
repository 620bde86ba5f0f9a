"""The inbox badge's unread count is kept in the cache and forgotten by every write that changes it."""

import pytest

from core import notices
from core.models import Notification
from representatives import services


@pytest.mark.django_db
class TestUnreadCount:
    def test_the_kept_count_answers_the_next_page_without_a_query(self, staff_a, django_assert_num_queries):
        Notification.objects.create(recipient=staff_a, title="一")
        with django_assert_num_queries(1):
            assert notices.unread_count(staff_a) == 1
        with django_assert_num_queries(0):
            assert notices.unread_count(staff_a) == 1

    def test_a_new_notice_counts_once_its_transaction_has_committed(
        self, staff_a, staff_b, django_capture_on_commit_callbacks
    ):
        assert notices.unread_count(staff_a) == 0
        with django_capture_on_commit_callbacks(execute=True):
            notices.notify([staff_a], title="新的交办")
            # Until the commit another request may still count the old rows: it must not keep them afterwards.
            assert notices.unread_count(staff_a) == 0

        assert notices.unread_count(staff_a) == 1
        assert notices.unread_count(staff_b) == 0

    def test_event_notices_and_sweeps_forget_the_count_too(self, staff_a, django_capture_on_commit_callbacks):
        assert notices.unread_count(staff_a) == 0
        with django_capture_on_commit_callbacks(execute=True):
            notices.notify_event([staff_a], key="thing:1", title="完成")
        assert notices.unread_count(staff_a) == 1

        sweep = notices.Notice(key="item:1:due", digest="unit:1", line="一件事", users=[staff_a])
        with django_capture_on_commit_callbacks(execute=True):
            assert notices.send_once([sweep], subject="办理提醒") == 1
        assert notices.unread_count(staff_a) == 2

    def test_reading_them_clears_the_badge(self, client, staff_a, django_capture_on_commit_callbacks):
        notices.notify([staff_a], title="一")
        client.force_login(staff_a)
        assert notices.unread_count(staff_a) == 1

        with django_capture_on_commit_callbacks(execute=True):
            services.notifications_mark_read(user=staff_a)

        assert notices.unread_count(staff_a) == 0
        assert 'text-bg-warning">' not in client.get("/accounts/inbox/").content.decode()

    def test_the_badge_shows_the_count(self, client, staff_a):
        notices.notify([staff_a], title="一")
        notices.notify([staff_a], title="二")
        client.force_login(staff_a)

        assert 'rounded-pill text-bg-warning">2</span>' in client.get("/accounts/inbox/").content.decode()
