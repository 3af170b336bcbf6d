"""The rules for what an email address and a password must be, shared by the API and the pages.

An address is stored normalised (NFKC, then casefolded), so a fullwidth `ａｄａ@…` or the Kelvin
sign `K` is the same account as its plain form. Its confusables skeleton (each character that
only looks like a Latin one replaced by that letter, from Unicode's confusables data as the
confusable_homoglyphs package ships it) is stored beside it under a unique key, so a look-alike
of an existing address (Cyrillic `а` for Latin `a`) is refused as taken. A password is scored
by zxcvbn, which knows common passwords, keyboard walks, repeats and dates.
"""

import hashlib
import unicodedata
from functools import lru_cache

from confusable_homoglyphs.confusables import confusables_data
from zxcvbn import zxcvbn

# zxcvbn's scores run 0-4; 3 is "safely unguessable" against an offline attack on a slow hash.
PASSWORD_MIN_SCORE = 3
# zxcvbn's cost grows with length and it refuses more than 72 characters; the first 72 decide.
_SCORED_LENGTH = 72


def normalize_email(email: str) -> str:
    """The stored form of an address: stripped, NFKC-normalised and casefolded."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The ASCII character `char` can be mistaken for, or `char` itself when there is none."""
    if char.isascii():
        return char
    homoglyphs = confusables_data.get(char) or ()
    ascii_forms = sorted(
        {glyph["c"].casefold() for glyph in homoglyphs if glyph["c"].isascii()},
        # One letter before a digit, a sign or a pair ("rn" for "m").
        key=lambda form: (len(form) != 1, not form.isalpha(), form),
    )
    return ascii_forms[0] if ascii_forms else char


def email_skeleton(email: str) -> str:
    """What an address looks like: equal for two addresses a person cannot tell apart."""
    normalized = normalize_email(email)
    decomposed = unicodedata.normalize("NFD", normalized)
    # Combining marks stay (josé is not jose); only characters that pass for others change.
    looks = "".join(_latin_lookalike(char) for char in decomposed)
    return unicodedata.normalize("NFC", looks).casefold()


def email_key(email: str) -> str:
    """The fixed-size key stored for an address's skeleton (however long the skeleton grows)."""
    return hashlib.sha256(email_skeleton(email).encode()).hexdigest()


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Why a password is too easy to guess, as a sentence for people; None when it is fine."""
    hints = [email, *email.split("@")] if email else []
    result = zxcvbn(
        password[:_SCORED_LENGTH], user_inputs=[h for h in hints if h], max_length=_SCORED_LENGTH
    )
    if result["score"] >= PASSWORD_MIN_SCORE:
        return None
    feedback = result["feedback"]
    parts = ["This password is too easy to guess."]
    if feedback.get("warning"):
        parts.append(feedback["warning"].rstrip(".") + ".")
    parts.extend(s.rstrip(".") + "." for s in feedback.get("suggestions", [])[:2])
    if len(parts) == 1:
        parts.append("Try a longer phrase of a few unrelated words.")
    return " ".join(parts)
