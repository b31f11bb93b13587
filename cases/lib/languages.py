"""A language written as free text ("Spanish", "español", "es", "Kreyòl") read as one of the
letter languages' codes (en, es, pt, ht), or None when it names none of them or several.

The intake form took the requester's language as free text before it was a choice; the data
migration that made it a choice reads the old text with this.
"""

from __future__ import annotations

import re
import unicodedata

# Words (accents removed, lower case) that name one letter language.
NAMES: dict[str, str] = {
    **dict.fromkeys(["en", "eng", "english", "ingles", "angle", "anglais"], "en"),
    **dict.fromkeys(["es", "spa", "spanish", "espanol", "castellano", "espagnol"], "es"),
    **dict.fromkeys(["pt", "por", "portuguese", "portugues", "portugais", "brazilian"], "pt"),
    **dict.fromkeys(["ht", "hat", "haitian", "kreyol", "ayisyen", "haitien"], "ht"),
}
# "Creole" alone is Haitian Creole here, unless it is Cape Verdean Creole (Kriolu), which is
# none of the letter languages (Massachusetts has many speakers of both).
CREOLE = {"creole", "kreol", "creol"}
OTHER_CREOLES = {"cape", "verdean", "caboverdiano", "kriolu", "crioulo", "kabuverdianu"}


def language_code(text: str) -> str | None:
    """The letter language ``text`` names, or None (unknown, empty, or more than one)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", plain)
    if OTHER_CREOLES & set(words):
        return None
    found = {NAMES[w] for w in words if w in NAMES}
    if CREOLE & set(words):
        found.add("ht")
    return found.pop() if len(found) == 1 else None
