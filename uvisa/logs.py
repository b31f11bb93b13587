"""Structured logs: one JSON object per line, for Django and for gunicorn.

``JsonFormatter`` writes time, level, logger and message, plus the request fields of a
gunicorn access line (gunicorn passes them as the record's arguments). Query strings are
never logged: a search box can hold an A-Number or a report number (docs/deploy.md).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# gunicorn access-log atoms -> field names (glogging.Logger.atoms).
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-forwarded-for}i": "forwarded_for",
    "{x-request-id}i": "request_id",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "request"
            for atom, name in ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "-", ""):
                    entry[name] = int(value) if name in ("status", "duration_ms") else value
        else:
            entry["message"] = record.getMessage()
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
