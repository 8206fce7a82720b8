"""Messages: coded, unique, and each says what failed."""

from __future__ import annotations

import re

from kg.errors import MESSAGES


def test_errors_codes_are_well_formed_and_unique() -> None:
    assert all(re.fullmatch(r"[EW]\d{3}", code) for code in MESSAGES)
    assert len(set(MESSAGES)) == len(MESSAGES)
    assert len(set(MESSAGES.values())) == len(MESSAGES)
