"""The step registry (cases/steps.py), the rules (permissions.STEP_RULES) and the state machine
name the same steps, so no step can be offered without a rule or a service."""

from __future__ import annotations

from django_fsm import FSMField

from cases.models import CertificationRequest
from cases.permissions import STEP_RULES
from cases.steps import STEPS


def fsm_transitions() -> set[str]:
    field = next(f for f in CertificationRequest._meta.fields if isinstance(f, FSMField))
    return {t.name for t in field.get_all_transitions(CertificationRequest)}


def test_registry_rules_and_state_machine_name_the_same_steps():
    assert set(STEPS) == set(STEP_RULES) == fsm_transitions()


def test_labels_come_from_the_state_machine():
    assert STEPS["certify"].label == "Certify"
    assert all(step.label and step.label != step.name for step in STEPS.values())


def test_decisions_ask_for_re_authentication():
    assert {name for name, step in STEPS.items() if step.reauth} == {
        "certify",
        "decline",
        "refer_to_agency",  # declines for lack of jurisdiction; may forward the victim's file
        "withdraw_certification",
        "void_unsigned_form",
    }
