"""Rotating UVISA_AUDIT_KEY: a new segment bound to the old head under both keys; the chain still
verifies across the rotation, and tampering before or after it is still found (C9, AU-9)."""

from __future__ import annotations

import base64
import json
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import services
from cases.lib.chain import audit_key_id
from cases.lib.crypto import new_key
from cases.models import AuditChainHead, AuditKeySegment, CaseEvent
from tests.cases.test_audit_chain import VICTIM, tamper, trail, verify  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rotated(trail, settings, agency, people):  # noqa: F811
    """The trail, then the key rotated as docs/deploy.md says, then more events and views."""
    old = settings.UVISA_AUDIT_KEY
    settings.UVISA_AUDIT_KEY = new_key()
    settings.UVISA_AUDIT_OLD_KEYS = [old]
    out = StringIO()
    call_command("audit_rotate_key", stdout=out)
    assert "case_events: case_events: key" in out.getvalue()
    services.request_create(actor=people["advocate"], agency=agency, values=VICTIM)
    after = list(CaseEvent.objects.order_by("pk"))[6:]
    return {"old": old, "new": settings.UVISA_AUDIT_KEY, "before": trail, "after": after}


def test_the_chain_verifies_across_a_rotation(rotated, settings):
    assert len(rotated["after"]) == 1
    segment = AuditKeySegment.objects.get(chain="case_events")
    assert segment.starts_after_id == rotated["before"][-1].pk
    assert segment.old_head == rotated["before"][-1].hash
    assert segment.new_key_id == audit_key_id(base64.b64decode(settings.UVISA_AUDIT_KEY))
    assert AuditChainHead.objects.get(pk=1).key_id == segment.new_key_id
    assert rotated["after"][0].prev_hash == rotated["before"][-1].hash
    assert "Audit chain intact: 7 events." in verify()
    # Rotating again with nothing new to rotate to changes nothing.
    out = StringIO()
    call_command("audit_rotate_key", stdout=out)
    assert "already under this key" in out.getvalue()


def test_tampering_before_the_rotation_is_found(rotated):
    target = rotated["before"][2]
    tamper("UPDATE cases_caseevent SET to_state = %s WHERE id = %s", ["certified", target.pk])
    with pytest.raises(CommandError, match=f"event {target.pk} .*content does not match"):
        verify()


def test_tampering_after_the_rotation_is_found(rotated):
    target = rotated["after"][0]
    tamper("UPDATE cases_caseevent SET kind = %s WHERE id = %s", ["note", target.pk])
    with pytest.raises(CommandError, match=f"event {target.pk} .*content does not match"):
        verify()


def test_an_event_added_later_under_the_stolen_old_key_is_found(rotated, settings, agency):
    """The reason to rotate: the old key leaked. Links written with it after the rotation fail."""
    settings.UVISA_AUDIT_KEY, settings.UVISA_AUDIT_OLD_KEYS = rotated["old"], []
    with pytest.raises(ImproperlyConfigured, match="does not hold"):  # the app refuses to write
        services.request_create(actor=rotated["before"][0].actor, agency=agency, values=VICTIM)
    # The thief writes the link himself, with the old key, and moves the head on.
    from cases.audit import compute_hash

    last = rotated["after"][-1]
    forged = CaseEvent(
        request=last.request,
        actor=last.actor,
        kind="note",
        note="Added later.",
        prev_hash=last.hash,
    )
    forged.save()
    forged.hash = compute_hash(last.hash, CaseEvent.objects.get(pk=forged.pk))
    tamper("UPDATE cases_caseevent SET hash = %s WHERE id = %s", [forged.hash, forged.pk])
    tamper(
        "UPDATE cases_auditchainhead SET last_hash = %s, last_event_id = %s WHERE id = 1",
        [forged.hash, forged.pk],
    )
    settings.UVISA_AUDIT_KEY, settings.UVISA_AUDIT_OLD_KEYS = rotated["new"], [rotated["old"]]
    with pytest.raises(CommandError, match=f"event {forged.pk} .*content does not match"):
        verify()


def test_a_deleted_or_forged_rotation_record_is_found(rotated):
    segment = AuditKeySegment.objects.get(chain="case_events")
    tamper("UPDATE cases_auditkeysegment SET old_head = %s WHERE id = %s", ["0" * 64, segment.pk])
    with pytest.raises(CommandError, match="key rotation .* not authentic"):
        verify()
    tamper("DELETE FROM cases_auditkeysegment WHERE id = %s", [segment.pk])
    with pytest.raises(CommandError, match="Audit chain broken"):
        verify()


def test_without_the_old_key_the_old_segment_cannot_be_verified(rotated, settings):
    settings.UVISA_AUDIT_OLD_KEYS = []
    with pytest.raises(CommandError, match="audit key .* is not configured"):
        verify()


def test_a_checkpoint_taken_before_the_rotation_still_checks(trail, settings, tmp_path):  # noqa: F811
    call_command("audit_checkpoint", "--out", str(tmp_path), stdout=StringIO())
    saved = next(tmp_path.iterdir())
    assert json.loads(saved.read_text())["key"]
    old = settings.UVISA_AUDIT_KEY
    settings.UVISA_AUDIT_KEY, settings.UVISA_AUDIT_OLD_KEYS = new_key(), [old]
    call_command("audit_rotate_key", stdout=StringIO())
    assert "1 checkpoint(s) match." in verify_with(str(saved))


def verify_with(checkpoint: str) -> str:
    out = StringIO()
    call_command("audit_verify", "--checkpoint", checkpoint, stdout=out)
    return out.getvalue()
