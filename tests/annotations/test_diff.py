"""The diff of two snapshots: words in text fields, rows in tables, sections marked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workflow.rules import diff
from workflow.rules.diff import Chunk
from workflow.rules.sections import SECTIONS, changed_sections

OLD = {
    "title": "Enter – samlad väg till arbete",
    "kind": "individual",
    "lead_member_id": 4,
    "partner_member_ids": [1, 2],
    "target_group": "Unga vuxna 18–29 år",
    "age_min": 18,
    "age_max": 29,
    "start_date": "2026-01-01",
    "end_date": "2027-12-31",
    "budget": [{"year": 2026, "amount_sek": 1_500_000}, {"year": 2027, "amount_sek": 1_500_000}],
    "cofunding": [{"member_id": 1, "year": 2026, "amount_sek": 100_000}],
    "goals": [
        {"description": "Andel till arbete", "indicator": "Avslutade", "target": "40 %"},
        {"description": "Nöjda deltagare", "indicator": "Enkät", "target": "80 %"},
    ],
    "follow_up_plan": "Kvartalsvis i Uppföljning Finsam; extern utvärdering år 2.",
    "gender_equality_plan": "Könsuppdelad statistik.",
}


def _text(chunks: list[Chunk]) -> str:
    return "".join(c.text for c in chunks)


def test_word_diff_marks_whole_words():
    chunks = diff.word_diff(
        "Kvartalsvis i Uppföljning Finsam; extern utvärdering år 2.",
        "Månadsvis i Uppföljning Finsam; intern utvärdering år 2 och 3.",
    )
    assert [(c.op, c.text) for c in chunks] == [
        ("delete", "Kvartalsvis"),
        ("insert", "Månadsvis"),
        ("equal", " i Uppföljning Finsam; "),
        ("delete", "extern"),
        ("insert", "intern"),
        ("equal", " utvärdering år 2"),
        ("insert", " och 3"),
        ("equal", "."),
    ]


def test_word_diff_of_empty_and_equal_texts():
    assert diff.word_diff(None, None) == ()
    assert diff.word_diff(None, "Ny text") == (Chunk("insert", "Ny text"),)
    assert diff.word_diff("Gammal text", "") == (Chunk("delete", "Gammal text"),)
    assert diff.word_diff("Samma\ntext", "Samma\ntext") == (Chunk("equal", "Samma\ntext"),)


def test_tokens_keep_swedish_words_whole():
    assert diff.tokens("Övergång, år 2") == ["Övergång", ",", " ", "år", " ", "2"]


@given(st.text(max_size=60), st.text(max_size=60))
def test_each_side_of_a_word_diff_gives_its_text_back(old, new):
    chunks = diff.word_diff(old, new)
    assert _text(diff.old_side(chunks)) == old
    assert _text(diff.new_side(chunks)) == new


def test_budget_rows_are_matched_by_year():
    table = diff.table_diff(
        "budget",
        [{"year": 2026, "amount_sek": 100}, {"year": 2027, "amount_sek": 200}],
        [{"year": 2027, "amount_sek": 250}, {"year": 2028, "amount_sek": 300}],
    )
    assert [(r.status, (r.old or r.new)["year"], r.changed_columns) for r in table.rows] == [
        ("removed", 2026, ()),
        ("changed", 2027, ("amount_sek",)),
        ("added", 2028, ()),
    ]
    assert table.changed


def test_cofunding_rows_are_matched_by_member_and_year():
    table = diff.table_diff(
        "cofunding",
        [
            {"member_id": 9, "year": 2026, "amount_sek": 1},
            {"member_id": 10, "year": 2026, "amount_sek": 2},
        ],
        [
            {"member_id": 10, "year": 2026, "amount_sek": 2},
            {"member_id": 9, "year": 2027, "amount_sek": 1},
        ],
    )
    assert [(r.status, (r.old or r.new)["member_id"]) for r in table.rows] == [
        ("removed", 9),
        ("added", 9),
        ("unchanged", 10),
    ]


def test_goals_are_aligned_in_sequence():
    first, second = OLD["goals"]
    inserted = {"description": "Fler i studier", "indicator": None, "target": "10"}
    reworded = {**second, "target": "85 %"}
    table = diff.table_diff("goals", [first, second], [inserted, first, reworded])
    assert [(r.status, r.changed_columns) for r in table.rows] == [
        ("added", ()),
        ("unchanged", ()),
        ("changed", ("target",)),
    ]
    removed = diff.table_diff("goals", [first, second], [second])
    assert [r.status for r in removed.rows] == ["removed", "unchanged"]


def test_unchanged_tables_and_none():
    assert not diff.table_diff("goals", OLD["goals"], OLD["goals"]).changed
    assert diff.table_diff("budget", None, []).rows == ()


def test_partners_as_a_set():
    partners = diff.set_diff("partner_member_ids", [1, 2], [2, 3])
    assert (partners.added, partners.removed, partners.changed) == ((3,), (1,), True)
    assert not diff.set_diff("partner_member_ids", [1], [1]).changed


def test_snapshots_are_compared_section_by_section():
    new = {
        **OLD,
        "follow_up_plan": "Månadsvis i Uppföljning Finsam; extern utvärdering år 2.",
        "budget": [{"year": 2026, "amount_sek": 1_500_000}],
        "age_max": 30,
    }
    sections = diff.diff_snapshots(OLD, new)
    assert [s.key for s in sections] == [s.key for s in SECTIONS]
    changed = [s.key for s in sections if s.changed]
    assert changed == ["target_group", "budget", "follow_up_plan"]
    assert changed == changed_sections(OLD, new)
    target = next(s for s in sections if s.key == "target_group")
    by_field = {f.field: f for f in target.fields}
    assert by_field["age_max"].kind == "value"
    assert (by_field["age_max"].old, by_field["age_max"].new) == (29, 30)
    assert by_field["age_max"].changed
    assert by_field["target_group"].kind == "text"
    assert not by_field["target_group"].changed
    assert not any(s.changed for s in diff.diff_snapshots(OLD, dict(OLD)))
