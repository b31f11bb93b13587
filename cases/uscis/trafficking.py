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
    """The victim's cooperation, every answer the I-914 Supplement B offers: the 01/20/25 Part 4
    (complied, or an exception: under 18, trauma) and the 02/27/17 Part D ("The applicant: has
    complied with requests for assistance ...; has failed to comply with requests to assist ...;
    has not been requested to assist ...; has not yet attained the age of 18; other, specify").
    INA 101(a)(15)(T)(i)(III); 8 CFR 214.204 (the declaration states the cooperation)."""

    COMPLIED = "complied", "The victim has complied with any reasonable request for assistance"
    NOT_REQUESTED = (
        "not_asked",
        "The victim has not been requested to assist in the investigation or prosecution",
    )
    FAILED = (
        "failed",
        "The victim has failed to comply with requests to assist in the investigation or "
        "prosecution",
    )
    UNDER_18 = "under_18", "Exception: the victim is under 18 years of age"
    TRAUMA = "trauma", "Exception: unable to cooperate because of physical or psychological trauma"
    OTHER = "other", "Other (explained in the explanation)"


# The boxes of Part 4 item 1 of the 01/20/25 edition (the form map's choice options); an answer
# with no box of its own there is not offered for that edition.
COOPERATION_BOXES: dict[str, str] = {
    Cooperation.COMPLIED: "Complied",
    Cooperation.UNDER_18: "Under 18",
    Cooperation.TRAUMA: "Trauma",
}

# The boxes of Part D of the 02/27/17 edition, in the words printed after each box. The form
# has no trauma box: the instructions (Part D) name the trauma exception, which is marked
# "Other, specify on attached additional sheets" and explained.
COOPERATION_BOXES_02_27_17: dict[str, str] = {
    Cooperation.COMPLIED: "Has complied with requests for assistance",
    Cooperation.FAILED: "Has failed to comply with requests to assist",
    Cooperation.NOT_REQUESTED: "Has not been requested to assist",
    Cooperation.UNDER_18: "Has not yet attained the age of 18",
    Cooperation.TRAUMA: "Other, specify on attached additional sheets",
    Cooperation.OTHER: "Other, specify on attached additional sheets",
}


def cooperation_choices(options: tuple[str, ...]) -> list[tuple[str, str]]:
    """The answers an edition offers: those whose box (in either edition's words) is one of
    the edition's Part 4 / Part D item 1 ``options``."""
    return [
        (code, label)
        for code, label in Cooperation.choices
        if COOPERATION_BOXES.get(code) in options or COOPERATION_BOXES_02_27_17.get(code) in options
    ]


class FearOfRetaliation(models.TextChoices):
    """02/27/17 Part C item 3 (instructions item 9): "Has the applicant expressed any fear of
    retaliation or revenge if removed from the United States? If yes, explain." """

    YES = "yes", "Yes"
    NO = "no", "No"


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
