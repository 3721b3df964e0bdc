import pytest
from django.urls import reverse

from t2a.models import Role


@pytest.mark.celery_worker
def test_invitation_email_is_sent_by_a_real_worker(celery_worker_process, org, users, client_for):
    celery_worker_process.start()
    response = client_for(users[Role.ADMIN]).post(
        reverse("member_invite", args=[org.slug]),
        {"email": "priya@example.org", "role": Role.COMMUNITY_LEAD},
    )
    assert response.status_code == 302
    [email] = celery_worker_process.wait_for_emails(1)
    assert "To: priya@example.org" in email
    assert "You are invited to join Northgate ICB on T2A" in email
    assert "/o/northgate/join/" in email
