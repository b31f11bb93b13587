"""The keyed hash of a request's status code (cases/lib/status_codes.py; /status/).

One row per request that has a code: the code itself is printed in the acknowledgement letter
(stored encrypted with the other issued letters) and nowhere else. Replacing a lost code
overwrites the digest, so the old code stops working at once; the replacement is a case event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.requests import CertificationRequest


class StatusLookupCode(models.Model):
    request = models.OneToOneField(
        CertificationRequest, on_delete=models.PROTECT, related_name="status_lookup_code"
    )
    # HMAC-SHA256 (UVISA_LOOKUP_KEY) of the reference and the code; never the code.
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # How many codes this request has had (1 for the first, +1 at each replacement).
    generation = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"status code {self.generation} of request {self.request_id}"
