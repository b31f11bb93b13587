"""The reminder to the Chief 14 days before a report period ends (Sec. 50-105).

Each (period, Chief) reminder is claimed (a ``ReminderSent`` row inserted and committed)
before the mail goes out; the unique constraint makes a second run, or a second copy
running at the same moment, skip it. If the mail server refuses, the claim is released so
the next run tries again. Safe to run from cron every day or every minute.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from cases.lib.base_url import base_url
from federal_requests.models import ReminderSent
from federal_requests.periods import period_containing
from federal_requests.roles import CHIEF

logger = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = 14


def send_report_reminders(*, today: date) -> dict[str, int]:
    period = period_containing(today)
    counts = {"sent": 0, "skipped": 0, "failed": 0, "due": 0}
    if today < period.end - timedelta(days=REMIND_DAYS_BEFORE):
        return counts
    chiefs = (
        get_user_model()
        .objects.filter(groups__name=CHIEF, is_active=True, is_superuser=False)
        .exclude(email="")
        .order_by("pk")
    )
    link = base_url() + reverse("federal_requests:report_detail", args=[period.slug])
    for chief in chiefs:
        counts["due"] += 1
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(period_start=period.start, recipient=chief)
        except IntegrityError:
            counts["skipped"] += 1
            continue
        body = render_to_string(
            "federal_requests/email_reminder.txt",
            {"user": chief, "period": period, "link": link, "days": (period.end - today).days},
        )
        message = EmailMessage(
            subject=f"Sec. 50-105 report: the period ends {period.last_day:%m/%d/%Y}",
            body=body,
            to=[chief.email],
        )
        try:
            message.send()
        except Exception:
            logger.exception("Report reminder to user %s failed; will retry", chief.pk)
            claim.delete()
            counts["failed"] += 1
        else:
            counts["sent"] += 1
    return counts
