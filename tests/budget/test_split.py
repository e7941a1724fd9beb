"""The legal split of contributions: 50 % state, 25 % region, 25 % municipalities by population."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow import limits
from workflow.rules.budget import apportion, split_contributions
from workflow.web.budget import tkr


def _member(index: int, party: str, population: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(id=index, name=f"{party} {index}", party=party, population=population)


def _members(populations: list[int | None], *, region: bool = True) -> list[SimpleNamespace]:
    people = [_member(1, "af"), _member(2, "fk")]
    if region:
        people.append(_member(3, "region"))
    people += [_member(10 + i, "municipality", p) for i, p in enumerate(populations)]
    return people


populations = st.lists(
    st.none() | st.integers(min_value=0, max_value=limits.POPULATION_MAX), max_size=12
)
totals = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=300, deadline=None)
@given(total=totals, pops=populations, region=st.booleans())
def test_every_split_sums_exactly_and_each_part_is_within_a_krona(total, pops, region):
    split = split_contributions(total, _members(pops, region=region))
    towns = [share.sek for share in split.municipalities]
    assert split.state_sek + split.region_sek + sum(towns) + split.unallocated_sek == total
    assert min([split.state_sek, split.region_sek, split.unallocated_sek, *towns]) >= 0
    # The state's half whatever else the association holds, within rounding.
    assert abs(2 * split.state_sek - total) <= 1
    local = total - split.state_sek
    if region and pops:
        assert abs(4 * split.region_sek - total) < 4
        assert abs(4 * sum(towns) - total) < 4
    elif region:
        assert (split.region_sek, split.unallocated_sek) == (local, 0)
    elif pops:
        assert (split.region_sek, split.unallocated_sek) == (0, 0)
        assert sum(towns) == local
    else:
        assert (split.region_sek, split.unallocated_sek) == (0, local)
    # Each municipality is within one krona of its exact share of the municipal part.
    town_total = sum(towns)
    equal = any(p is None for p in pops) or sum(p or 0 for p in pops) == 0
    weights = [1] * len(pops) if equal else pops
    whole = sum(weights)
    for sek, weight in zip(towns, weights, strict=True):
        assert abs(sek * whole - town_total * weight) < whole
    assert split.basis == ("equal" if equal and pops else "population")
    assert ("equal_split" in {n.code for n in split.notes}) == (equal and bool(pops))


def test_the_seed_example_harnosand_timra_2024(app):
    """Seed 004: 3 746 000 kr; 1 873 000 state, 937 000 region, 468 000 from each municipality.

    The seed rounds to thousands; the law's split in whole kronor gives the region 936 500 and
    each of the two municipalities 468 250 (the seed shows them paying the same).
    """
    members = [
        _member(1, "fk"),
        _member(2, "af"),
        SimpleNamespace(id=3, name="Region Västernorrland", party="region", population=None),
        SimpleNamespace(id=4, name="Härnösands kommun", party="municipality", population=None),
        SimpleNamespace(id=5, name="Timrå kommun", party="municipality", population=None),
    ]
    split = split_contributions(3_746_000, members)
    assert split.state_sek == 1_873_000
    assert split.region_sek == 936_500
    assert [(s.name, s.sek) for s in split.municipalities] == [
        ("Härnösands kommun", 468_250),
        ("Timrå kommun", 468_250),
    ]
    assert split.basis == "equal"
    # Rounded to whole tkr as the seed shows them.
    assert [tkr(split.state_sek), tkr(split.region_sek), tkr(468_250)] == [
        "1\u00a0873",
        "937",
        "468",
    ]
    # With the same population the split is the same, and needs no note.
    for share in members[3:]:
        share.population = 18_000
    same = split_contributions(3_746_000, members)
    assert [s.sek for s in same.municipalities] == [468_250, 468_250]
    assert same.basis == "population"
    assert same.notes == ()


def test_the_municipal_quarter_follows_population():
    members = _members([141_081, 12_690, 7_200, 0])
    split = split_contributions(7_800_000, members)
    assert split.state_sek == 3_900_000
    assert split.region_sek == 1_950_000
    assert [s.sek for s in split.municipalities] == [1_709_053, 153_726, 87_221, 0]
    assert sum(s.sek for s in split.municipalities) == 1_950_000


def test_an_unknown_population_splits_the_municipal_quarter_equally_and_says_so(app):
    split = split_contributions(1_000_001, _members([141_081, None, 7_200]))
    assert [s.sek for s in split.municipalities] == [83_334, 83_333, 83_333]
    (note,) = split.notes
    assert note.code == "equal_split"
    assert "municipality 11" in str(note.message)


def test_only_zero_populations_split_equally(app):
    split = split_contributions(400, _members([0, 0]))
    assert [s.sek for s in split.municipalities] == [50, 50]
    assert [n.code for n in split.notes] == ["equal_split"]
    assert "över noll" in str(split.notes[0].message)  # Swedish: the default language


@pytest.mark.parametrize(
    ("region", "pops", "expected", "code"),
    [
        (False, [10, 30], (500, 0, [125, 375], 0), "no_region"),
        (True, [], (500, 500, [], 0), "no_municipality"),
        (False, [], (500, 0, [], 500), "no_local_members"),
    ],
)
def test_a_missing_region_or_municipality_keeps_every_krona(region, pops, expected, code):
    split = split_contributions(1000, _members(pops, region=region))
    state, region_sek, towns, unallocated = expected
    assert split.state_sek == state
    assert split.region_sek == region_sek
    assert [s.sek for s in split.municipalities] == towns
    assert split.unallocated_sek == unallocated
    assert [n.code for n in split.notes] == [code]


def test_apportion_gives_ties_to_the_first_and_refuses_nonsense():
    assert apportion(2, [2, 1, 1]) == [1, 1, 0]
    assert apportion(3, [1, 1, 1, 1]) == [1, 1, 1, 0]
    assert apportion(10, [0, 3]) == [0, 10]
    for total, weights in [(-1, [1]), (1, [-1, 2]), (1, [0, 0])]:
        with pytest.raises(ValueError, match="must"):
            apportion(total, weights)
