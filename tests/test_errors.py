"""Messages: coded, unique, and each says what failed."""

from __future__ import annotations

import re

from kg.errors import MESSAGES


def test_errors_codes_are_well_formed_and_unique() -> None:
    assert all(re.fullmatch(r"[EW]\d{3}", code) for code in MESSAGES)
    assert len(set(MESSAGES)) == len(MESSAGES)
    assert len(set(MESSAGES.values())) == len(MESSAGES)


def test_errors_survive_pickling_with_their_code_and_fields() -> None:
    """A worker process sends its errors to the builder pickled: they arrive whole."""
    import pickle

    from kg.errors import BuildError, OntologyError

    for error in (
        BuildError("E606", path="a.txt", id="a"),
        OntologyError("E403", term="t", entry="x"),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (copy.code, copy.fields, str(copy)) == (error.code, error.fields, str(error))
