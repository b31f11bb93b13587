"""T visas (Form I-914 Supplement B, Declaration for Trafficking Victim): the choices the form asks.

- Part 3 item 1: the **severe form of trafficking in persons** (22 U.S.C. 7102; 8 CFR 214.201):
  sex trafficking induced by force, fraud or coercion, or of a person under 18; labour
  trafficking through force, fraud or coercion for involuntary servitude, peonage, debt bondage
  or slavery. Trafficking need only be one central reason for the crime, and a formal
  investigation or prosecution is not required (Supplement B instructions).
- Part 4: the victim **has complied with any reasonable request** for assistance, or an
  exception applies: under 18, or unable to cooperate because of physical or psychological
  trauma (INA 101(a)(15)(T)(i)(III); 8 CFR 214.208).
- Massachusetts: c. 265 s. 50 (trafficking for sexual servitude), s. 51 (for forced services),
  and the related offences the statute catalogue links to trafficking.
"""

from __future__ import annotations

from django.db import models


class TraffickingForm(models.TextChoices):
    """Part 3 item 1 of Form I-914 Supplement B (22 U.S.C. 7102(11))."""

    SEX_FORCE = "sex_force", "Sex trafficking induced by force, fraud, or coercion"
    SEX_MINOR = "sex_minor", "Sex trafficking of a person under 18 years of age"
    INVOLUNTARY_SERVITUDE = "servitude", "Labor trafficking for involuntary servitude"
    PEONAGE = "peonage", "Labor trafficking for peonage"
    DEBT_BONDAGE = "debt_bondage", "Labor trafficking for debt bondage"
    SLAVERY = "slavery", "Labor trafficking for slavery"


class Cooperation(models.TextChoices):
    """Part 4 of Form I-914 Supplement B: cooperation, or the exception that applies."""

    COMPLIED = "complied", "The victim has complied with any reasonable request for assistance"
    UNDER_18 = "under_18", "Exception: the victim is under 18 years of age"
    TRAUMA = "trauma", "Exception: unable to cooperate because of physical or psychological trauma"


# The boxes of Part 4 item 1 as printed on the form (the form map's choice options).
COOPERATION_BOXES: dict[str, str] = {
    Cooperation.COMPLIED: "Complied",
    Cooperation.UNDER_18: "Under 18",
    Cooperation.TRAUMA: "Trauma",
}

# The Massachusetts statutes a T request is checked against first (c. 265 ss. 49-51 and the
# related offences), with the trafficking forms each one suggests.
STATUTE_FORMS: dict[str, tuple[str, ...]] = {
    "c.265 §50": (TraffickingForm.SEX_FORCE, TraffickingForm.SEX_MINOR),
    "c.265 §51": (
        TraffickingForm.INVOLUNTARY_SERVITUDE,
        TraffickingForm.PEONAGE,
        TraffickingForm.DEBT_BONDAGE,
        TraffickingForm.SLAVERY,
    ),
    "c.265 §26D": (TraffickingForm.SEX_MINOR,),
    "c.272 §4A / §4B": (TraffickingForm.SEX_MINOR,),
}

# What the advocate reads when choosing the form (plain words).
FORM_CHOICE_HELP = (
    "Choose the form the victim's lawyer asked for. Form I-918 Supplement B (U visa) is for a "
    "victim of one of the crimes the U visa lists who has been, is, or is likely to be helpful "
    "to the police; once signed it must be filed within six months. Form I-914 Supplement B "
    "(T visa) is for a victim of human trafficking (sex trafficking, or forced labor, debt "
    "bondage or slavery) who has cooperated with reasonable requests from the police, unless "
    "under 18 or unable to because of trauma; it has no filing deadline. If unsure, ask the "
    "victim's immigration lawyer."
)
