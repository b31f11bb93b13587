"""The application's forms, by concern: what every form shares (``base``), the workflow steps
(``steps``), the request as the requester sends it (``requests``) and the department's review
pages (``review``). Imported from here."""

from cases.forms.base import *  # noqa: F403
from cases.forms.requests import *  # noqa: F403
from cases.forms.review import *  # noqa: F403
from cases.forms.steps import *  # noqa: F403
