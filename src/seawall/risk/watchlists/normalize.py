"""Name, identifier and place normalization for watchlist screening.

A party name is turned into a *key*: lower-case ASCII tokens with the company form taken off,
so that "ООО Волга Трейдинг", "Volga Trading LLC" and "VOLGA TRADING" compare as the same
words. Fuzzy scoring then only has to absorb typing slips and spelling variants.

Transliteration uses ``anyascii`` (one table for every script, pure Python, about a
microsecond a name: rigour's ICU-based ``ascii_text`` was a hundred times slower here).
Company forms are taken off by rigour's org-type list (hundreds of forms across jurisdictions),
then by the small table below for forms rigour leaves (checked on rigour 2.6: "Corporation",
"Company Limited", "Pvt. Ltd.", "S.A.E.", "Ltd. Şti.") and for forms written in a native
script, which must go before transliteration because Chinese and Japanese write them glued to
the name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rigour.names.org_types import remove_org_types

# Company forms in native scripts, removed before transliteration (longest first, so that
# 股份有限公司 goes whole rather than leaving 股份).
NATIVE_FORMS: tuple[str, ...] = tuple(
    sorted(
        (
            "股份有限公司",
            "有限责任公司",
            "有限責任公司",
            "有限公司",
            "公司",  # Chinese
            "株式会社",
            "有限会社",
            "合同会社",  # Japanese
            "주식회사",
            "유한회사",
            "(주)",  # Korean
            "ООО",
            "ОАО",
            "ЗАО",
            "ПАО",
            "АО",
            "ТОО",
            "ИП",
            "ЧП",  # Russian, Kazakh, Ukrainian
            "ذ.م.م",
            "ش.م.م",
            "ش.م.ع",
            "شركة",  # Arabic: LLC, joint-stock, "company"
        ),
        key=len,
        reverse=True,
    )
)
_NATIVE_FORM = re.compile("|".join(re.escape(form) for form in NATIVE_FORMS))

# Words of company forms rigour leaves, taken off only at the start or end of a name: a form
# word inside a name ("East India Company Trading") is part of the name.
_FORM_WORD_TABLE = """
    co company corp corporation inc incorporated ltd limited llc plc pvt private pte pty
    proprietary gmbh ag kg sa sae sas sarl srl spa bv nv sl jsc pcl kk kabushiki kaisha
    sdn bhd pt tbk ooo oao zao pao ao too ltda limitada cia sti sirketi anonim as ae fze
    public and
"""
FORM_WORDS: frozenset[str] = frozenset(_FORM_WORD_TABLE.split())

_DROPPED = re.compile(r"[.'’`´]")  # "S.A." -> "SA", "O'Brien" -> "OBrien": joined, not split
_SEPARATOR = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=262_144)
def normalize_name(name: str) -> str:
    """The comparison key of a name: ASCII lower-case tokens, company form removed.

    Tokens keep their order (token order is compared by the scorer, not here) and repeated
    tokens are dropped, because filers add the native-script form of a name in brackets
    ("Volga Trading (Волга)") and the transliteration repeats a word already there.
    Returns "" only for a name with no letters or digits at all.
    """
    text = unicodedata.normalize("NFKC", name)
    text = _NATIVE_FORM.sub(" ", text)
    # rigour sees the ampersand: it is part of forms such as "GmbH & Co. KG".
    text = remove_org_types(_DROPPED.sub("", anyascii(text).lower()))
    text = _SEPARATOR.sub(" ", text.replace("&", " and ")).strip()
    tokens = _strip_form_words(text.split()) or text.split()
    if not tokens:  # the whole name was a company form: keep it rather than nothing
        tokens = _SEPARATOR.sub(" ", anyascii(name).lower()).split()
    return " ".join(dict.fromkeys(tokens))


def _strip_form_words(tokens: list[str]) -> list[str]:
    """Tokens without form words at either end; empty if the name is only form words."""
    start, end = 0, len(tokens)
    while start < end and tokens[start] in FORM_WORDS:
        start += 1
    while end > start and tokens[end - 1] in FORM_WORDS:
        end -= 1
    return tokens[start:end]


@lru_cache(maxsize=65_536)
def normalize_identifier(identifier: str) -> str:
    """A business or tax number as compared: upper-case ASCII letters and digits only.

    Filers write the same number with and without spaces, dashes and dots
    ("DE 123.456.789" and "DE123456789"), so only letters and digits are kept.
    """
    return re.sub(r"[^A-Z0-9]", "", anyascii(identifier).upper())


@lru_cache(maxsize=65_536)
def normalize_place(place: str) -> str:
    """A city name as compared: ASCII lower-case words ("Montréal" -> "montreal")."""
    return _SEPARATOR.sub(" ", anyascii(place).lower()).strip()
