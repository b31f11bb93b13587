"""USCIS's own Form I-918 Supplement B (02/07/17), renamed to the 01/20/25 field names.

The test template every real-file test fills: USCIS's file (tests/fixtures/uscis/, public
domain, SHA-256 checked) with only the field names changed to those of the 01/20/25 edition:

- the ``#subform[n]`` numbers of pages 2, 3 and 5 (02/07/17: 2, 3, 5; 01/20/25: 1, 2, 4);
- the five Part 2 address fields of the ``prt1\\.no5_Address[0]`` subform, moved up to
  ``#subform[0]`` (State, ZipCode, Province, PostalCode and Country prefixed ``Pt2Line5_``).

Widgets, appearance streams, tooltips, page content, the XFA, USCIS's document JavaScript and
the AES encryption (empty user password, as USCIS ships it) are kept: filling must cope with
all of them. Only pypdf; no Django.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from functools import cache
from pathlib import Path
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "uscis"
I918B_02_07_17 = FIXTURES / "i-918supb-02-07-17.pdf"
I918B_SHA256 = "bc0b46f8063492b63b7c9db1ed870425bd5c8fd808ece5517bc1d5af4e21daf2"
I914B_02_27_17 = FIXTURES / "i-914supb-02-27-17.pdf"
I914B_SHA256 = "144dd719e146951527e9a3e37ec0a841a241c2fc651ad7e6503089110bdcfa6e"

SUBFORMS = {
    "#subform[2]": "#subform[1]",
    "#subform[3]": "#subform[2]",
    "#subform[5]": "#subform[4]",
}
# The field tree spells the subform's name as two nodes, "prt1\\" > "no5_Address[0]".
ADDRESS_SUBFORM = "prt1\\"
ADDRESS_NAMES = {
    "State[0]": "Pt2Line5_State[0]",
    "ZipCode[0]": "Pt2Line5_ZipCode[0]",
    "Province[0]": "Pt2Line5_Province[0]",
    "PostalCode[0]": "Pt2Line5_PostalCode[0]",
    "Country[0]": "Pt2Line5_Country[0]",
}


def original(path: Path = I918B_02_07_17, sha256: str = I918B_SHA256) -> bytes:
    """USCIS's file as shipped, after checking it is the one recorded in SOURCE.md."""
    data = path.read_bytes()
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise AssertionError(f"{path.name}: SHA-256 {found}, expected {sha256} (SOURCE.md)")
    return data


def _terminals(node: DictionaryObject) -> list:
    """The references of the named fields under ``node`` whose kids (if any) are widgets."""
    found = []
    for ref in node.get("/Kids", []):
        child = cast(DictionaryObject, ref.get_object())
        if any("/T" in k.get_object() for k in child.get("/Kids", [])):
            found += _terminals(child)
        else:
            found.append(ref)
    return found


@cache
def i918b_01_20_25_names() -> bytes:
    """USCIS's 02/07/17 file with the 01/20/25 field names, re-encrypted as USCIS ships it."""
    reader = PdfReader(io.BytesIO(original()))
    reader.decrypt("")
    writer = PdfWriter(clone_from=reader)
    acro = cast(DictionaryObject, writer._root_object["/AcroForm"].get_object())
    form1 = cast(DictionaryObject, acro["/Fields"][0].get_object())
    for kid in form1["/Kids"]:
        node = cast(DictionaryObject, kid.get_object())
        title = str(node.get("/T", ""))
        if title in SUBFORMS:
            node[NameObject("/T")] = TextStringObject(SUBFORMS[title])
        if title != "#subform[0]":
            continue
        kids = cast(ArrayObject, node["/Kids"])
        for ref in list(kids):
            sub = cast(DictionaryObject, ref.get_object())
            if str(sub.get("/T", "")) != ADDRESS_SUBFORM:
                continue
            kids.remove(ref)
            for child_ref in _terminals(sub):
                child = cast(DictionaryObject, child_ref.get_object())
                name = str(child["/T"])
                child[NameObject("/T")] = TextStringObject(ADDRESS_NAMES.get(name, name))
                child[NameObject("/Parent")] = kid
                kids.append(child_ref)
    # As USCIS ships it: AES-128, no user password, an owner password nobody knows.
    writer.encrypt(user_password="", owner_password=secrets.token_hex(16), algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# USCIS's I-914B of 02/27/17 standing in for an edition USCIS has just posted, one the tracker
# has no map of: loaded under this edition date it is matched to the form's newest map (the
# 01/20/25 T map) by its tooltips, and an administrator chooses the rest. Loaded as 02/27/17 it
# answers its own map (cases/uscis/i914b_02_27_17_fields.py) and needs no choice.
NEW_T_EDITION = "04/01/27"
