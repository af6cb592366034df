"""ResponseImporter on real simulator responses, against an in-memory stand-in for the store."""

from __future__ import annotations

import dataclasses
from collections import Counter

import hypothesis
import pytest
from hypothesis import strategies as st
from lxml import etree

import qbxml
from mappings import LocalRow
from qbwc_server.simulate import FakeQuickBooks
from qbwc_server.store.views import WorkItemView
from qbwc_server.sync import importer
from qbwc_server.sync.importer import Answer, ResponseImporter
from qbwc_server.sync.requests import local_text
from tests.sync.conftest import NOW, FakeListStore, make_item

QUERIES: dict[str, type[qbxml.ListQuery]] = {
    "classes": qbxml.ClassQuery,
    "payroll_items": qbxml.PayrollItemWageQuery,
    "service_items": qbxml.ItemServiceQuery,
    "employees": qbxml.EmployeeQuery,
    "vendors": qbxml.VendorQuery,
    "customers": qbxml.CustomerQuery,
}
SIM_KINDS = {
    "classes": "Class",
    "payroll_items": "PayrollItemWage",
    "service_items": "ItemService",
    "employees": "Employee",
    "vendors": "Vendor",
    "customers": "Customer",
}
MAX_BYTES = 50 * 1024 * 1024


def render(*responses: qbxml.Response) -> bytes:
    return qbxml.render_msgs_rs(responses, "13.0").encode("utf-8")


def sent_items(*kinds: str) -> dict[str, WorkItemView]:
    """Items 1, 2, ... of these kinds, each sent once (``requestID`` ``"n.1"``)."""
    return {
        f"{n}.1": make_item(kind, item_id=n, request_id=f"{n}.1")
        for n, kind in enumerate(kinds, start=1)
    }


def run(
    store: FakeListStore, data: bytes, sent: dict[str, WorkItemView]
) -> tuple[ResponseImporter, list[Answer]]:
    """Import ``data`` for company 7, session 3; returns the importer and its answers."""
    imp = ResponseImporter(
        store=store,  # type: ignore[arg-type]
        company_id=7,
        session_id=3,
        sent=sent,
        assign_to_all=True,
        now=NOW,
    )
    return imp, imp.run(data, max_bytes=MAX_BYTES)


def answer_all(quickbooks: FakeQuickBooks, sent: dict[str, WorkItemView]) -> bytes:
    """QuickBooks' answer to each sent list query, asking for every record."""
    return render(
        *(
            quickbooks.answer(QUERIES[item.kind](request_id=rid, active_status="All"))
            for rid, item in sent.items()
        )
    )


def test_every_list_is_imported_and_counted(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """One message set with every list query: all records reach the store, counted per list."""
    sent = sent_items(*QUERIES)
    imp, answers = run(fake_store, answer_all(quickbooks, sent), sent)
    sizes = {k: len(list(quickbooks.company.records(v))) for k, v in SIM_KINDS.items()}
    assert [a.item.kind for a in answers] == list(QUERIES)
    assert [a.received for a in answers] == [sizes[k] for k in QUERIES]
    assert all(a.status.is_ok and not a.rows and not a.deleted for a in answers)
    assert imp.counts == Counter(sizes) and imp.record_errors == 0
    assert {k: len(v) for k, v in fake_store.rows.items()} == {
        "qb_class": sizes["classes"],
        "payroll_item": sizes["payroll_items"],
        "service_item": sizes["service_items"],
        "team_member": sizes["employees"] + sizes["vendors"],
        "customer": sizes["customers"],
    }
    assert fake_store.company_ids == {7} and fake_store.errors == []


def test_newest_time_modified_per_answer(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """Each answer carries its records' latest TimeModified as QuickBooks wall-clock text."""
    company = quickbooks.company
    before = max(local_text(r.time_modified) for r in company.records("Class"))
    company.clock.advance(hours=3)
    changed = company.modify(next(iter(company.records("Customer"))).list_id, phone="555-0100")
    sent = sent_items("customers", "classes")
    _, answers = run(fake_store, answer_all(quickbooks, sent), sent)
    assert answers[0].newest == local_text(changed.time_modified) > before
    assert answers[1].newest == before


@pytest.mark.parametrize(("batch", "records", "sizes"), [(4, 10, [4, 4, 2]), (5, 10, [5, 5])])
def test_records_are_applied_in_batches(
    quickbooks: FakeQuickBooks,
    fake_store: FakeListStore,
    monkeypatch: pytest.MonkeyPatch,
    batch: int,
    records: int,
    sizes: list[int],
) -> None:
    """Rows go to the store every BATCH records, then the rest at the end of the answer."""
    monkeypatch.setattr(importer, "BATCH", batch)
    response = quickbooks.answer(qbxml.CustomerQuery(request_id="1.1", max_returned=records))
    imp, _ = run(fake_store, render(response), sent_items("customers"))
    assert [len(plan.inserts) for _, plan in fake_store.applied] == sizes
    assert {kind for kind, _ in fake_store.applied} == {"customer"}
    assert imp.counts == Counter(customers=records)


def test_reimporting_the_same_answer_changes_nothing(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """A second import of the same records finds them unchanged and writes nothing."""
    sent = sent_items(*QUERIES)
    data = answer_all(quickbooks, sent)
    _, first = run(fake_store, data, sent)
    applied = len(fake_store.applied)
    again, answers = run(fake_store, data, sent)
    assert len(fake_store.applied) == applied and again.counts == Counter()
    assert [a.received for a in answers] == [a.received for a in first]


@pytest.mark.parametrize(
    ("sent_ids", "answered"),
    [
        pytest.param(["1.1"], ["classes"], id="one-of-two-known"),
        pytest.param(["1.2", "2.2"], [], id="retransmitted-old-attempts"),
        pytest.param([], [], id="nothing-sent"),
    ],
)
def test_answers_to_unknown_request_ids_are_skipped(
    quickbooks: FakeQuickBooks,
    fake_store: FakeListStore,
    sent_ids: list[str],
    answered: list[str],
) -> None:
    """Only answers to this session's sent requests are imported; the rest are skipped whole."""
    data = render(
        quickbooks.answer(qbxml.ClassQuery(request_id="1.1")),
        quickbooks.answer(qbxml.EmployeeQuery(request_id="2.1")),
    )
    kinds = {"1": "classes", "2": "employees"}
    sent = {
        rid: make_item(kinds[rid.split(".")[0]], item_id=int(rid.split(".")[0]), request_id=rid)
        for rid in sent_ids
    }
    imp, answers = run(fake_store, data, sent)
    assert [a.item.kind for a in answers] == answered
    assert "team_member" not in fake_store.rows
    assert sorted(imp.counts) == sorted(answered)


@pytest.mark.parametrize(
    ("field", "ref"),
    [pytest.param("list_id", False, id="no-ListID"), pytest.param("name", True, id="no-Name")],
)
def test_unmappable_record_is_a_per_record_error(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore, field: str, ref: bool
) -> None:
    """A record missing its ListID or Name is stored as an error; the others still import."""
    response = quickbooks.answer(qbxml.CustomerQuery(request_id="1.1", max_returned=5))
    records = list(response.records)
    broken = records[2]
    records[2] = dataclasses.replace(broken, **{field: None})
    data = render(dataclasses.replace(response, records=tuple(records)))
    sent = sent_items("customers")
    imp, answers = run(fake_store, data, sent)
    assert imp.record_errors == 1 and imp.counts == Counter(customers=4)
    assert answers[0].received == 5
    assert broken.list_id not in fake_store.rows["customer"]
    assert len(fake_store.rows["customer"]) == 4
    (error,) = fake_store.errors
    assert error["company_id"] == 7 and error["session_id"] == 3
    assert error["work_item_id"] == sent["1.1"].id and error["status_code"] is None
    assert error["request_type"] == "CustomerQueryRs"
    assert error["record_ref"] == (broken.list_id if ref else None)
    assert error["message"] and "QuickBooks" in error["fix"] and error["now"] == NOW


def test_records_that_map_to_nothing_are_skipped(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """Records the store does not keep (OtherName) are read and counted, but not imported."""
    quickbooks.company.add("OtherName", name="Building Inspector")
    data = render(quickbooks.answer(qbxml.OtherNameQuery(request_id="1.1")))
    imp, answers = run(fake_store, data, sent_items("other_names"))
    assert answers[0].received >= 1
    assert fake_store.applied == [] and imp.counts == Counter() and imp.record_errors == 0


def test_unlinked_team_member_is_linked_not_duplicated(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """A local team member with an employee's first name, last name and email is linked."""
    employee = next(e for e in quickbooks.company.records("Employee") if e.email)
    fake_store.unlinked = [
        LocalRow(
            local_id=900,
            qb_list_id=None,
            edit_sequence=None,
            is_active=True,
            archived=False,
            deleted_in_qb=False,
            first_name=employee.first_name.upper(),
            last_name=employee.last_name,
            email=employee.email,
        )
    ]
    imp, answers = run(
        fake_store, answer_all(quickbooks, sent_items("employees")), sent_items("employees")
    )
    (kind, plan), *_ = fake_store.applied
    assert kind == "team_member" and [(i, r.qb_list_id) for i, r in plan.links] == [
        (900, employee.list_id)
    ]
    assert fake_store.rows["team_member"][employee.list_id].local_id == 900
    assert imp.counts["employees"] == len(list(quickbooks.company.records("Employee")))


def test_deleted_records_are_routed_per_kind(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """ListDeleted records archive their rows kind by kind, and count what changed."""
    company = quickbooks.company
    created = {
        "customer": [company.add_customer("Gone Customer").list_id],
        "qb_class": [company.add("Class", name="Gone Class").list_id],
        "service_item": [company.add("ItemService", name="Gone Service").list_id],
        "payroll_item": [
            company.add("PayrollItemWage", name="Gone Wage", wage_type="HourlyRegular").list_id
        ],
        "team_member": [
            company.add_employee("Gone", "Employee").list_id,
            company.add("Vendor", name="Gone Vendor").list_id,
        ],
    }
    sent = sent_items(*QUERIES)
    run(fake_store, answer_all(quickbooks, sent), sent)
    company.clock.advance(hours=1)
    for ids in created.values():
        for list_id in ids:
            gone = company.delete(list_id)
    types = ("Class", "Customer", "Employee", "ItemService", "PayrollItemWage", "Vendor")
    data = render(quickbooks.answer(qbxml.ListDeletedQuery(request_id="9.1", list_del_types=types)))
    imp, answers = run(fake_store, data, {"9.1": make_item("deleted", item_id=9, request_id="9.1")})
    assert {kind: sorted(ids) for kind, ids in fake_store.deleted} == {
        kind: sorted(ids) for kind, ids in created.items()
    }
    assert imp.counts == Counter(deleted=6)
    answer = answers[0]
    assert answer.received == 6 and answer.newest == local_text(gone.time_deleted)
    for kind, ids in created.items():
        assert all(fake_store.rows[kind][i].deleted_in_qb for i in ids)


def test_deletions_of_unknown_rows_count_nothing(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """A ListDeleted record for a row the store never had is passed on but changes nothing."""
    list_id = quickbooks.company.add("Class", name="Never Imported").list_id
    quickbooks.company.delete(list_id)
    data = render(
        quickbooks.answer(qbxml.ListDeletedQuery(request_id="9.1", list_del_types=("Class",)))
    )
    imp, answers = run(fake_store, data, {"9.1": make_item("deleted", item_id=9, request_id="9.1")})
    assert fake_store.deleted == [("qb_class", (list_id,))]
    assert imp.counts == Counter()


def test_deletions_are_flushed_in_batches(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted records also go to the store every BATCH records."""
    monkeypatch.setattr(importer, "BATCH", 2)
    ids = [quickbooks.company.add("Class", name=f"Temp {n}").list_id for n in range(5)]
    for list_id in ids:
        quickbooks.company.delete(list_id)
    data = render(
        quickbooks.answer(qbxml.ListDeletedQuery(request_id="9.1", list_del_types=("Class",)))
    )
    run(fake_store, data, {"9.1": make_item("deleted", item_id=9, request_id="9.1")})
    assert [len(ids) for _, ids in fake_store.deleted] == [2, 2, 1]
    assert sorted(i for _, batch in fake_store.deleted for i in batch) == sorted(ids)


@pytest.mark.parametrize("keep", [0, 1], ids=["none-dated", "first-dated"])
def test_records_without_time_modified_do_not_move_newest(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore, keep: int
) -> None:
    """Records lacking TimeModified are imported but leave the answer's newest to the others."""
    response = quickbooks.answer(qbxml.ClassQuery(request_id="1.1"))
    dated = response.records[:keep]
    undated = [dataclasses.replace(r, time_modified=None) for r in response.records[keep:]]
    data = render(dataclasses.replace(response, records=(*dated, *undated)))
    imp, answers = run(fake_store, data, sent_items("classes"))
    assert answers[0].newest == (local_text(dated[0].time_modified) if dated else None)
    assert imp.counts == Counter(classes=len(response.records))


# ---------------------------------------------------------------------------- issue 9
def test_point8_broken_second_message_keeps_the_first(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """When the second answer of a message set breaks off, the first still imports and only
    the second is marked broken."""
    sent = sent_items("classes", "customers")
    data = answer_all(quickbooks, sent)
    cut = data[: data.index(b"<CustomerRet>") + 200]
    imp, answers = run(fake_store, cut, sent)
    assert [a.item.kind for a in answers] == ["classes", "customers"]
    assert answers[0].broken is None and answers[0].received > 0
    assert answers[1].broken is not None
    assert imp.counts["classes"] == answers[0].received


def test_point8_unreadable_answer_marks_every_sent_item(fake_store: FakeListStore) -> None:
    """An answer that is not qbXML at all fails the items it was for instead of raising."""
    sent = sent_items("customers")
    _, answers = run(fake_store, b"this is not qbXML", sent)
    assert len(answers) == 1 and answers[0].broken


def test_point8_records_of_another_type_are_counted_not_imported(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """Customer records inside a class answer are not imported."""
    sent = sent_items("classes")
    customers = quickbooks.answer(qbxml.CustomerQuery(request_id="1.1", active_status="All"))
    wrong = render(customers).replace(b"CustomerQueryRs", b"ClassQueryRs")
    imp, answers = run(fake_store, wrong, sent)
    assert fake_store.applied == [] and answers[0].foreign["Customer"] == len(customers.records)


@pytest.mark.parametrize(
    ("raw", "clean", "removed"),
    [
        ("<Name>A\x0bB</Name>", "<Name>AB</Name>", 1),
        ("<Name>A&#11;&#x1F;B&#233;</Name>", "<Name>AB&#233;</Name>", 2),
        ("<Name>tab\tnew\nline\U0001f600</Name>", "<Name>tab\tnew\nline\U0001f600</Name>", 0),
        ("<Name>\x00\x1f\r\u00e9\ufffe\uffff\ud800\udfffX</Name>", "<Name>\r\u00e9X</Name>", 6),
        ("<Name>&#xD800;&#65534;&#x10000;&#9;&#x1;</Name>", "<Name>&#x10000;&#9;</Name>", 3),
        ("<Name>caf\u00e9 \u4e2d\x07</Name>", "<Name>caf\u00e9 \u4e2d</Name>", 1),
    ],
)
def test_point3_forbidden_characters_are_removed(raw: str, clean: str, removed: int) -> None:
    """Characters XML 1.0 forbids, raw or as references, are removed; others are kept; the
    answer comes back as UTF-8."""
    assert importer.clean_response(raw) == (clean.encode("utf-8"), removed)


@hypothesis.given(st.text(st.characters(exclude_characters="&")))
def test_point3_cleaned_text_is_legal_xml_text(raw: str) -> None:
    """Whatever raw characters the answer holds, what is left is text lxml accepts, and nothing
    legal went."""
    data, removed = importer.clean_response(raw)
    legal = "".join(c for c in raw if importer._legal(ord(c)))
    assert data.decode("utf-8") == legal and removed == len(raw) - len(legal)
    etree.fromstring(b"<a>" + data.replace(b"&", b"&amp;").replace(b"<", b"&lt;") + b"</a>")


def test_point3_unknown_enumeration_value_is_kept_with_a_notice(
    quickbooks: FakeQuickBooks, fake_store: FakeListStore
) -> None:
    """A WageType the schema does not list keeps its value and leaves a notice; the other
    records of the answer import."""
    sent = sent_items("payroll_items")
    data = answer_all(quickbooks, sent).replace(
        b"<WageType>HourlyRegular", b"<WageType>Piecework", 1
    )
    imp, answers = run(fake_store, data, sent)
    wage_types = {r.values["wage_type"] for _, plan in fake_store.applied for r in plan.inserts}
    assert "Piecework" in wage_types
    assert [e["status_code"] for e in fake_store.errors] == ["value"]
    assert imp.counts["payroll_items"] == answers[0].received


def test_newest_is_the_latest_wall_clock_text_whatever_the_offsets() -> None:
    """``newest`` is the greatest local text of the stamps seen, as when each stamp was
    formatted: one offset, offsets that differ (the wall clock decides, not the instant),
    microseconds dropped, and years before 1000 (which strftime does not pad)."""
    from datetime import datetime, timedelta, timezone

    east, west = timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))
    cases = [
        [datetime(2026, 1, 2, 3, 4, 5, tzinfo=west), datetime(2026, 1, 2, 3, 4, 6, tzinfo=west)],
        [datetime(2026, 1, 2, 9, tzinfo=east), datetime(2026, 1, 2, 8, tzinfo=west)],
        [datetime(2026, 1, 2, 8, tzinfo=west), datetime(2026, 1, 2, 9, tzinfo=east)],
        [datetime(2026, 1, 2, 8, 0, 0, 999, tzinfo=west), datetime(2026, 1, 2, 8, tzinfo=east)],
        [datetime(2026, 5, 1, tzinfo=west), datetime(999, 1, 1, tzinfo=west)],
        [datetime(999, 1, 1, tzinfo=west), datetime(2026, 5, 1, tzinfo=west)],
    ]
    for stamps in cases:
        answer = Answer(item=make_item("customers"), status=qbxml.ResponseStatus(
            request_id="1", rs_name="CustomerQueryRs", code=0, severity="Info"))  # fmt: skip
        for stamp in stamps:
            answer.see(stamp)
        answer.finish()
        assert answer.newest == max(local_text(s) for s in stamps), stamps
