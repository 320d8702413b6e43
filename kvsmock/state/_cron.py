"""Quartz cron expressions, the syntax of edge recorder and uploader schedules."""

from __future__ import annotations

import re
from typing import Mapping, Optional

_CRON_FIELDS = (
    ("seconds", 0, 59),
    ("minutes", 0, 59),
    ("hours", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 1, 7),
    ("year", 1970, 2099),
)
_DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK = 3, 4, 5
_CRON_NAMES: Mapping[int, Mapping[str, int]] = {
    _MONTH: {
        name: i
        for i, name in enumerate(
            ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
            1,
        )
    },
    _DAY_OF_WEEK: {
        name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)
    },
}


def quartz_cron_problem(expression: str) -> Optional[str]:
    """Why ``expression`` is not a Quartz cron expression, or ``None`` when it is one.

    Quartz (the syntax the edge schedules use, per the model documentation) has 6 or 7
    fields: seconds, minutes, hours, day-of-month, month, day-of-week and an optional year.
    Each field is ``*``, a value, a range ``a-b``, an increment ``a/n`` / ``*/n`` /
    ``a-b/n``, or a comma list of these; months and days of the week may be names
    (``JAN``, ``MON``). Day-of-month also takes ``L``, ``L-n``, ``LW`` and ``nW``;
    day-of-week ``L``, ``nL`` and ``n#k``. Exactly one of day-of-month and day-of-week is
    ``?``. Example: ``0 0/30 * * * ?`` (every 30 minutes).
    """
    fields = expression.split()
    if len(fields) not in (6, 7):
        return (
            f"it has {len(fields)} fields, not 6 or 7 (seconds minutes hours day-of-month "
            "month day-of-week [year])"
        )
    for index, field in enumerate(fields):
        problem = _cron_field_problem(index, field)
        if problem is not None:
            return f"{_CRON_FIELDS[index][0]} field '{field}': {problem}"
    if (fields[_DAY_OF_MONTH] == "?") == (fields[_DAY_OF_WEEK] == "?"):
        return "exactly one of day-of-month and day-of-week must be '?'"
    return None


def _cron_field_problem(index: int, field: str) -> Optional[str]:
    if field == "?":
        if index in (_DAY_OF_MONTH, _DAY_OF_WEEK):
            return None
        return "'?' is allowed only in day-of-month and day-of-week"
    for item in field.split(","):
        problem = _cron_item_problem(index, item)
        if problem is not None:
            return problem
    return None


def _cron_item_problem(index: int, item: str) -> Optional[str]:
    hi = _CRON_FIELDS[index][2]
    if index == _DAY_OF_MONTH:
        if item.upper() in ("L", "LW"):
            return None
        special = re.fullmatch(r"L-([0-9]+)", item, re.IGNORECASE)
        if special is not None:
            return None if int(special.group(1)) <= 30 else "the L offset must be at most 30"
        special = re.fullmatch(r"([0-9]+)W", item, re.IGNORECASE)
        if special is not None:
            return _cron_value_problem(index, special.group(1))
    if index == _DAY_OF_WEEK:
        if item.upper() == "L":
            return None
        special = re.fullmatch(r"([A-Z0-9]+?)L", item, re.IGNORECASE)
        if special is not None:
            return _cron_value_problem(index, special.group(1))
        special = re.fullmatch(r"([A-Z0-9]+)#([0-9]+)", item, re.IGNORECASE)
        if special is not None:
            if not 1 <= int(special.group(2)) <= 5:
                return "the # occurrence must be from 1 to 5"
            return _cron_value_problem(index, special.group(1))
    base, slash, step = item.partition("/")
    if slash and not (_is_number(step) and 1 <= int(step) <= hi):
        return f"the increment '{step}' must be an integer from 1 to {hi}"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    for value in (start, end) if dash else (start,):
        problem = _cron_value_problem(index, value)
        if problem is not None:
            return problem
    return None


def _cron_value_problem(index: int, text: str) -> Optional[str]:
    _, lo, hi = _CRON_FIELDS[index]
    names = _CRON_NAMES.get(index, {})
    if text.upper() in names:
        return None
    if not _is_number(text):
        return f"'{text}' is not a valid value"
    if not lo <= int(text) <= hi:
        return f"{int(text)} is outside {lo}-{hi}"
    return None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()
