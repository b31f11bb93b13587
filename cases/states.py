"""The workflow's states, and the groups of them that clocks, reports and rules ask about.

Kept apart from the models so that clocks and permissions can name states without importing
the models.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormType(models.TextChoices):
    U_VISA = "I-918B", _("U visa: Form I-918 Supplement B")
    T_VISA = "I-914B", _("T visa: Form I-914 Supplement B")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    CRIME_CHECK = "crime_check", _("Qualifying-crime check")
    HELPFULNESS_REVIEW = "helpfulness_review", _("Helpfulness review")
    CHIEF_DECISION = "chief_decision", _("Chief decision")
    INFO_REQUESTED = "info_requested", _("Information requested")
    # Decided and the official form issued, but the certifying official has not yet signed it
    # in ink (8 CFR 103.2(a)(7)(ii)(A)): the request is not answered under c. 258F s. 3(i).
    AWAITING_INK = "awaiting_ink", _("Awaiting ink signature")
    CERTIFIED = "certified", _("Certified")
    DECLINED = "declined", _("Declined")
    # Answered by a referral to the agency with jurisdiction: the department declines to
    # certify because it lacks jurisdiction (c. 258F s. 3(ii), without prejudice) and names,
    # or forwards the request to, the certifying entity that has it. Final.
    REFERRED = "referred", _("Referred to the agency with jurisdiction")
    # The requester asked the department to reconsider its denial (as Illinois'
    # VOICES Act, 5 ILCS 825/11(a), lets her appeal): open again until a certifying official
    # decides anew.
    RECONSIDERATION = "reconsideration", _("Reconsideration requested")
    WITHDRAWN = "withdrawn", _("Withdrawn by requester")
    CERTIFICATION_WITHDRAWN = "certification_withdrawn", _("Certification withdrawn")


# States in which the department still owes an answer (c. 258F s. 3).
REVIEW_STATES = [
    Status.RECEIVED,
    Status.CRIME_CHECK,
    Status.HELPFULNESS_REVIEW,
    Status.CHIEF_DECISION,
]


# The answer is owed until the ink signature is recorded (c. 258F s. 3(i): "complete and sign").
PENDING_STATES = [*REVIEW_STATES, Status.INFO_REQUESTED, Status.AWAITING_INK]


OPEN_STATES = [Status.DRAFT, *PENDING_STATES]


# A reconsideration of a denial awaits its decision (its own clock: clocks.reconsideration_due).
RECONSIDERATION_STATES = [Status.RECONSIDERATION]


CLOSED_STATES = [
    Status.CERTIFIED,
    Status.DECLINED,
    Status.REFERRED,
    Status.WITHDRAWN,
    Status.CERTIFICATION_WITHDRAWN,
]
