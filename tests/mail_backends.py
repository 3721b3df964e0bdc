"""Email backends for tests that run real worker processes (selected by EMAIL_FILE_BACKEND).

SlowFlakyFileBackend writes each message to a file like Django's file backend, but can
first wait (EMAIL_DELAY_SECONDS) — so a test can kill the worker mid-send — and can fail
the first attempt of each message (EMAIL_FAIL_FIRST=1) — so a test can watch the retry.
"""

import hashlib
import os
import time
from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.filebased import EmailBackend


class SlowFlakyFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("EMAIL_DELAY_SECONDS", "0")))
        if os.environ.get("EMAIL_FAIL_FIRST") == "1":
            for message in email_messages:
                key = hashlib.sha256(f"{message.to}{message.subject}".encode()).hexdigest()
                marker = Path(self.file_path) / f".failed-once-{key}"
                if not marker.exists():
                    marker.touch()
                    raise SMTPServerDisconnected("test: the mail server went away")
        return super().send_messages(email_messages)
