"""Dates in free text reduced to their year, in every common way people write them.

Safe Harbor keeps no element of a date but the year: ``2025-03-14``, ``14/03/2025``,
``03/14/2025``, ``14.03.2025``, ``March 14, 2025``, ``14 March 2025``, ``14-Mar-2025``,
``March 2025`` and ``20250314`` all become ``2025``; a date without a four-digit year
(``14/03/25``, ``March 14``) is removed whole.
"""

from __future__ import annotations

import re

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTH_NO_MAY = _MONTH.replace("may|", "")   # "may 3" is more often a verb than a date
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"((?:1[89]|20)\d{2})"
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?"
_SEP = r"([/.\-])"            # the same separator twice: "0.40-0.60" is not a date
_NUM = r"(?<!\d)(?<!\d[.,])"         # not inside a decimal number

#: (pattern, keeps the year) in the order they are applied: longest forms first
_WITH_YEAR = [
    rf"{_NUM}\b{_YEAR}{_SEP}\d{{1,2}}\2\d{{1,2}}{_TIME}(?!\.?\d)",      # 2025-03-14, 2025/3/14
    rf"{_NUM}\b\d{{1,2}}{_SEP}\d{{1,2}}\1{_YEAR}{_TIME}(?!\.?\d)",      # 14/03/2025, 3.14.2025
    rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",                               # March 14, 2025
    rf"\b{_DAY}(?:\s+of)?[\s\-]+{_MONTH},?[\s\-]+{_YEAR}\b",            # 14 March 2025, 14-Mar-2025
    rf"\b{_MONTH}[\s,\-]+{_YEAR}\b",                                     # March 2025
    rf"(?<!\d){_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)",    # 20250314 (file names)
]
_WITHOUT_YEAR = [
    rf"{_NUM}\b\d{{1,2}}{_SEP}\d{{1,2}}\1\d{{2}}(?!\.?\d)",                # 14/03/25
    rf"\b{_MONTH_NO_MAY}\s+{_DAY}\b",                                     # March 14
    rf"\b{_DAY}(?:\s+of)?\s+{_MONTH_NO_MAY}\b",                           # 14 March
]
_YEARED = [re.compile(p, re.IGNORECASE) for p in _WITH_YEAR]
_YEARLESS = [re.compile(p, re.IGNORECASE) for p in _WITHOUT_YEAR]


def dates_to_years(text: str, removed: str) -> str:
    """``text`` with every full or partial date replaced by its year (or ``removed``)."""
    for pattern in _YEARED:
        text = pattern.sub(lambda m: next(g for g in m.groups() if g and g[:1].isdigit()
                                          and len(g) == 4), text)
    for pattern in _YEARLESS:
        text = pattern.sub(removed, text)
    return text
