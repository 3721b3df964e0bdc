"""The shared test builders that carry logic of their own."""

from datetime import UTC, datetime

import time_machine
from allauth.mfa.totp.internal.auth import validate_totp_code

from tests.cast import totp_code

SECRET = "JBSWY3DPEHPK3PXP"


def test_an_authenticator_code_read_early_in_its_period_is_the_current_one():
    with time_machine.travel(datetime(2026, 11, 22, 12, 0, 5, tzinfo=UTC), tick=False):
        code = totp_code(SECRET, seconds_left=10)
        assert validate_totp_code(SECRET, code)


def test_an_authenticator_code_read_near_the_end_of_its_period_is_the_next_one():
    # 1 s before 12:00:30: the current code would expire before the server checks it.
    with time_machine.travel(datetime(2026, 11, 22, 12, 0, 29, tzinfo=UTC), tick=False):
        code = totp_code(SECRET, seconds_left=3)
        assert not validate_totp_code(SECRET, code)
    with time_machine.travel(datetime(2026, 11, 22, 12, 0, 30, tzinfo=UTC), tick=False):
        assert validate_totp_code(SECRET, code)
