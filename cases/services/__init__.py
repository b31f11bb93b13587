"""Every write to a request: one function per verb, each one transaction.

Each service locks the request row, checks the transition permission, transitions,
saves, writes one append-only CaseEvent, and sends mail only after commit. A refusal
raises before anything is written, so state and audit stay untouched.

One module per stage of the workflow; callers use the package (``services.request_submit``):

- ``common``: the shared machinery (lock, take a step, record the event, apply values);
- ``intake``: the advocate's draft, edits, submission, withdrawal, re-certification;
- ``documents``: documents added to an open request;
- ``information``: information requests and their answers;
- ``crime_check``: the coordinator's Part 3 check, the detective's assignment, the outcome;
- ``helpfulness``: the detective's Part 4 and Part 5 answers and the attestation;
- ``decision``: return for review, the written denial, the delay notice, withdrawing a
  certification.

Above the stages, the department's own records, imported as modules
(``from cases.services import ink``), not re-exported here; they may use the stages:

- ``received``: requests received by mail, e-mail, fax or in person, duplicates, the letter
  address;
- ``ink``: the ink signature, its scan and the hand-over of the original;
- ``designations``: designating and revoking certifying officials, a new head;
- ``department_text``: the department's own text of the items it attests;
- ``acknowledgements``: the Chief's acknowledgement of consistency warnings.

Who may take a step is cases/permissions.py; the steps a page offers are cases/steps.py.
"""

from cases.services.common import apply_values, lock_request, record_event, take_step
from cases.services.crime_check import (
    CRIME_CHECK_FIELDS,
    request_assign_detective,
    request_begin_crime_check,
    request_confirm_qualifying_crime,
    request_record_crime_check,
    request_refer_not_qualifying,
)
from cases.services.decision import (
    request_decline,
    request_issue_delay_notice,
    request_return_for_review,
    request_withdraw_certification,
)
from cases.services.documents import request_add_document, store_document
from cases.services.helpfulness import (
    COOPERATION_FIELDS,
    HELPFULNESS_FIELDS,
    request_ask_coordinator,
    request_attest_helpfulness,
    request_record_helpfulness,
)
from cases.services.information import request_answer_information, request_ask_information
from cases.services.intake import (
    ADVOCATE_FIELDS,
    next_reference,
    organization_of,
    request_create,
    request_create_recertification,
    request_submit,
    request_update,
    request_withdraw,
)

__all__ = [
    "ADVOCATE_FIELDS",
    "COOPERATION_FIELDS",
    "CRIME_CHECK_FIELDS",
    "HELPFULNESS_FIELDS",
    "apply_values",
    "lock_request",
    "next_reference",
    "organization_of",
    "record_event",
    "request_add_document",
    "request_answer_information",
    "request_ask_coordinator",
    "request_ask_information",
    "request_assign_detective",
    "request_attest_helpfulness",
    "request_begin_crime_check",
    "request_confirm_qualifying_crime",
    "request_create",
    "request_create_recertification",
    "request_decline",
    "request_issue_delay_notice",
    "request_record_crime_check",
    "request_record_helpfulness",
    "request_refer_not_qualifying",
    "request_return_for_review",
    "request_submit",
    "request_update",
    "request_withdraw",
    "request_withdraw_certification",
    "store_document",
    "take_step",
]
