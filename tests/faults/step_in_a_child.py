"""Run one step in a separate process and stop dead in the middle of it (for SIGKILL tests).

    python -m tests.faults.step_in_a_child certify|upload MARKER REFERENCE

Django is set up from the environment (DATABASE_URL, UVISA_MEDIA_ROOT, the signing key). The
step runs for real; at the chosen point (certify: the sealed form's row written, not committed;
upload: the encrypted file on disk, its row not committed) the process writes MARKER and
sleeps, for the test to kill it with SIGKILL.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def _pause(marker: str) -> None:
    with open(marker, "w", encoding="utf-8") as out:
        out.write(str(os.getpid()))
    time.sleep(300)  # killed long before


def main(mode: str, marker: str, reference: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services
    from cases.documents import issuing
    from cases.lib.crypto import EncryptedFileSystemStorage
    from cases.models import CertificationRequest

    request = CertificationRequest.objects.get(reference=reference)
    users = get_user_model().objects
    if mode == "certify":
        issue_form = issuing.issue_form

        def issue_then_stop(**kwargs: Any) -> dict[str, Any]:
            facts = issue_form(**kwargs)
            _pause(marker)
            return facts

        issuing.issue_form = issue_then_stop  # type: ignore[assignment]
        issuing.request_certify(request=request, actor=users.get(username="chief"))
    elif mode == "upload":
        save = EncryptedFileSystemStorage._save

        def save_then_stop(self: Any, name: str, content: Any) -> str:
            stored = save(self, name, content)
            _pause(marker)
            return stored

        EncryptedFileSystemStorage._save = save_then_stop  # type: ignore[method-assign]
        services.request_add_document(
            request=request,
            actor=users.get(username="advocate"),
            upload=SimpleUploadedFile("report.pdf", sys.stdin.buffer.read(), "application/pdf"),
            kind="police_report",
        )
    sys.exit("the step finished: it should have been killed in the middle")


if __name__ == "__main__":
    main(*sys.argv[1:4])
