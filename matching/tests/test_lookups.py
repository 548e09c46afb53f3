"""`indexes.Lookups`: what a process reads from the database and trusts for a while."""

from __future__ import annotations

from django.db import connection

from matching.services.indexes import Lookups


def test_a_value_is_read_once_until_it_is_old_or_asked_fresh() -> None:
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    lookups = Lookups(seconds=60)
    assert lookups.get(("lists",), read) == 1
    assert lookups.get(("lists",), read) == 1  # held: no second read
    assert lookups.get(("lists",), read, fresh=True) == 2
    assert lookups.get(("other",), read) == 3  # another key: its own value
    lookups.clear()
    assert lookups.get(("lists",), read) == 4


def test_an_old_value_is_read_again() -> None:
    reads: list[int] = []
    lookups = Lookups(seconds=0)
    for _ in range(3):
        lookups.get(("lists",), lambda: reads.append(1))
    assert len(reads) == 3


def test_values_are_held_per_database() -> None:
    lookups = Lookups(seconds=60)
    name = connection.settings_dict["NAME"]
    assert lookups.get(("lists",), lambda: "first") == "first"
    connection.settings_dict["NAME"] = f"{name}_other"
    try:
        assert lookups.get(("lists",), lambda: "second") == "second"
    finally:
        connection.settings_dict["NAME"] = name
    assert lookups.get(("lists",), lambda: "third") == "first"
