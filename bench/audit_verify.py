"""Speed of ``audit_verify`` on a synthetic audit chain (docs/performance.md, audit section).

    DATABASE_URL=postgres://... python -m bench.audit_verify [--events 500000] [--compare]

Fills ``cases_caseevent`` (a database of its own: the events are never deleted, the table is
append-only) with a chain of ``--events`` events shaped like the services' (one in four with an
encrypted note, a transition's states and a small ``data``), chained under the audit key as
``cases.audit.append_event`` chains them, then times ``cases.audit.verify_chain()``. With
``--compare`` it also times the previous verifier (model instances in chunks of 2,000, one
HMAC object per event) on the same rows. Writes var/bench/audit-verify.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.run import ROOT

AUDIT_KEY = "YmVuY2gtb25seS1hdWRpdC1rZXktMzItYnl0ZXMtMDA="  # fixed: the chain is reused
TRANSITIONS = [
    ("submit", "draft", "received"),
    ("begin_crime_check", "received", "crime_check"),
    ("confirm_qualifying_crime", "crime_check", "helpfulness_review"),
    ("attest_helpfulness", "helpfulness_review", "chief_decision"),
    ("certify", "chief_decision", "awaiting_ink"),
]


def _fill(total: int) -> int:
    from django.db import transaction

    from cases.audit import CASE_HEAD, event_content
    from cases.lib import chain
    from cases.models import AuditChainHead, CaseEvent

    have = CaseEvent.objects.count()
    start = datetime(2016, 1, 4, 9, 0, tzinfo=UTC)
    batch = 10_000
    while have < total:
        with transaction.atomic():
            head = chain.locked_head(AuditChainHead, CASE_HEAD)
            _, key = chain._writing_key(head)
            prev = head.last_hash or chain.GENESIS
            events = []
            for i in range(have, min(total, have + batch)):
                name, source, target = TRANSITIONS[i % len(TRANSITIONS)]
                event = CaseEvent(
                    created_at=start + timedelta(seconds=37 * i, microseconds=i % 999_983),
                    kind="transition",
                    transition=name,
                    from_state=source,
                    to_state=target,
                    note=f"Step {i}: checked the report and the statute." if i % 4 == 0 else "",
                    internal=bool(i % 3 == 0),
                    data={"warnings": ["part4_no"]} if i % 10 == 0 else {},
                    prev_hash=prev,
                )
                event.hash = prev = chain.link_hash(key, prev, event_content(event))
                events.append(event)
            CaseEvent.objects.bulk_create(events, batch_size=2_000)
            head.last_hash, head.last_event_id = prev, events[-1].pk
            head.key_id = chain.audit_keyring()[0]
            head.save(update_fields=["last_hash", "last_event_id", "key_id"])
        have += len(events)
        print(f"  {have:,} events", flush=True)
    return have


def _previous_verifier() -> tuple[int, bool]:
    """The verifier before the streaming rewrite, for a same-machine comparison."""
    import hmac as _hmac

    from cases.audit import compute_hash
    from cases.lib.chain import GENESIS
    from cases.models import CaseEvent

    prev, count = GENESIS, 0
    for event in CaseEvent.objects.order_by("pk").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != prev or not _hmac.compare_digest(
            event.hash, compute_hash(prev, event)
        ):
            return count, False
        prev = event.hash
    return count, True


def _timed(fn: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--compare", action="store_true", help="also time the old verifier")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("DJANGO_EMAIL_USE_TLS", "1")
    os.environ.setdefault("UVISA_FIELD_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMtMDA=")
    os.environ.setdefault("UVISA_LOOKUP_KEY", "YmVuY2gtb25seS1sb29rdXAta2V5LTMyLWJ5dGVzLTA=")
    os.environ["UVISA_AUDIT_KEY"] = AUDIT_KEY
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    fill_s, count = _timed(lambda: _fill(args.events))
    from cases.audit import verify_chain

    result: dict[str, Any] = {"events": count, "fill_seconds": round(fill_s, 1)}
    for workers in (1, 2):
        load = os.getloadavg()
        verify_s, (checked, broken) = _timed(lambda w=workers: verify_chain(workers=w))
        if broken is not None or checked != count:
            raise SystemExit(f"The synthetic chain is broken: {broken}")
        result[f"workers_{workers}"] = {
            "verify_seconds": round(verify_s, 2),
            "events_per_second": round(checked / verify_s),
            "extrapolated_5_3M_seconds": round(5_300_505 * verify_s / checked, 1),
            "load_average_before": [round(x, 2) for x in load],
        }
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.compare:
        old_s, (old_count, ok) = _timed(_previous_verifier)
        assert ok and old_count == count
        result["previous_verifier"] = {
            "verify_seconds": round(old_s, 2),
            "extrapolated_5_3M_seconds": round(5_300_505 * old_s / count, 1),
            "load_average_before": [round(x, 2) for x in os.getloadavg()],
        }
    out = ROOT / "var" / "bench" / "audit-verify.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
