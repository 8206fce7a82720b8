"""Docstring examples are tests: every example in the kg package runs and gives its output."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(kg.__path__, prefix="kg.")
    if name not in ("kg.cli",)  # the CLI is documented by its --help, tested in test_cli
)


@pytest.mark.parametrize("name", MODULES)
def test_docs_examples_in_docstrings_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
