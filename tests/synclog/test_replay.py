"""Record, export, replay offline into a fresh store and live against a fresh server: the same
store contents and the same summary; a hand-edited log is reported, not silently replayed."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbwc_server import admin
from qbwc_server.synclog import read_log, replay_live, replay_offline
from qbwc_server.synclog.replay import scratch_store
from tests.synclog.conftest import MAX_RETURNED, list_rows, read_lines, write_lines


def test_point_recording_has_hresult_iterator_and_3391(recorded) -> None:
    """The incremental log holds an hresult, an iterator Continue and a 3391 status."""
    lines = read_lines(recorded.files[1])
    exchanges = lines[1:]
    assert any(e["operation"] == "receiveResponseXML" and e["params"][2][1] for e in exchanges)
    requests = [e["answer"] for e in exchanges if e["operation"] == "sendRequestXML"]
    assert any('iterator="Continue"' in r for r in requests)
    responses = [e["params"][1][1] for e in exchanges if e["operation"] == "receiveResponseXML"]
    assert any('statusCode="3391"' in (r or "") for r in responses)
    assert lines[0]["session"]["start"]["watermarks"]  # the incremental started from watermarks


def test_point_offline_replay_reproduces_store_and_summary(recorded, tmp_path: Path) -> None:
    """Both logs replayed offline, in order, into one fresh store: every list row of the
    company is the same as in the recording server's store, and each summary is the same."""
    db = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    for path, transcript in zip(recorded.files, recorded.transcripts, strict=True):
        report = replay_offline(read_log(path), db_url=db)
        assert report.reproduced, report.divergences
        assert report.summary == transcript.summary
    with scratch_store(db) as (scratch, _):
        company = scratch.find_company_by_username(recorded.created.company.qbwc_username)
        assert company is not None
        want = list_rows(recorded.store, recorded.created.company.id)
        got = list_rows(scratch, company.id)
    assert got == want and sum(map(len, want.values())) > 150


def test_point_incremental_log_alone_asks_the_same_requests(recorded) -> None:
    """An incremental log replays into an empty scratch store from its recorded start state:
    the server asks exactly the recorded requests; only the counts differ, and the report says
    why (the lists from before the session are not in the file)."""
    from qbwc_server.synclog.replay import INCREMENTAL_ALONE

    report = replay_offline(read_log(recorded.files[1]))
    assert report.divergences[-1] == INCREMENTAL_ALONE
    about_requests = [d for d in report.divergences if d.startswith("message set")]
    assert about_requests == [] and report.message_sets == 10
    assert [(e["request_type"], e["status_code"]) for e in report.errors] == [
        (e["request_type"], e["status_code"]) for e in read_lines(recorded.files[1])[0]["errors"]
    ]


def test_point_live_replay_reproduces_store_and_summary(recorded, harness_for, tmp_path) -> None:
    """Both logs replayed live against a fresh server give the same rows and summaries."""
    target = harness_for(f"sqlite:///{tmp_path / 'target.sqlite3'}", max_returned=MAX_RETURNED)
    created = target.add_company("Support copy")
    owner = target.store.get_installation()
    assert owner is not None
    for n, (path, transcript) in enumerate(zip(recorded.files, recorded.transcripts, strict=True)):
        if n:
            admin.request_sync(target.store, target.clock, created.company.id)
        report = replay_live(
            read_log(path),
            f"{target.url}/qbwc",
            created.company.qbwc_username,
            created.password,
            owner_id=owner.owner_id,
            file_id=created.company.file_id,
        )
        assert report.reproduced, report.divergences
        assert report.summary == transcript.summary
    want = list_rows(recorded.store, recorded.created.company.id, times=False)
    assert list_rows(target.store, created.company.id, times=False) == want
    company = target.store.get_company(created.company.id)
    assert company.bound_file_stamp == created.company.file_id  # the HCP carried the target's


def test_point_live_replay_reports_no_work(recorded, harness_for, tmp_path) -> None:
    """A target company that is not due is reported in plain words (exit 1), not hidden."""
    target = harness_for(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    created = target.add_company("Support copy")
    now = target.clock.now()
    target.store.update_company(created.company.id, first_sync_at=now, last_success_at=now)
    report = replay_live(
        read_log(recorded.files[0]),
        f"{target.url}/qbwc",
        created.company.qbwc_username,
        created.password,
    )
    assert report.exit_code == 1
    assert "qbtime sync-now" in report.divergences[0]


def test_point_hand_edited_log_reports_the_difference(recorded, tmp_path: Path) -> None:
    """A customer removed by hand from a recorded response: the replay says the counts differ."""
    lines = read_lines(recorded.files[0])
    for line in lines[1:]:
        if line["operation"] == "receiveResponseXML" and "<CustomerRet>" in (
            line["params"][1][1] or ""
        ):
            xml = line["params"][1][1]
            start = xml.index("<CustomerRet>")
            end = xml.index("</CustomerRet>", start) + len("</CustomerRet>")
            line["params"][1][1] = xml[:start] + xml[end:]
            break
    edited = write_lines(tmp_path / "edited.jsonl.gz", lines)
    report = replay_offline(read_log(edited))
    assert report.exit_code == 1
    assert any(d.startswith("the counts differ: customers") for d in report.divergences), (
        report.divergences
    )


def test_point_request_the_log_cannot_answer(recorded, tmp_path: Path) -> None:
    """A log missing a message set: the divergence names the request it had no answer for."""
    lines = read_lines(recorded.files[0])
    sends = [i for i, e in enumerate(lines) if e.get("operation") == "sendRequestXML"]
    drop = sends[1]  # the second message set and its answer
    kept = lines[:drop] + lines[drop + 2 :]
    kept[0]["session"]["exchanges"] = len(kept) - 1
    path = write_lines(tmp_path / "short.jsonl.gz", kept)
    report = replay_offline(read_log(path))
    assert report.exit_code == 1
    assert any("the log has no answer for it" in d for d in report.divergences), report.divergences


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_point_offline_replay_into_postgres(recorded, database_url: str) -> None:
    """``--db`` may be a PostgreSQL scratch database."""
    for path in recorded.files:
        assert replay_offline(read_log(path), db_url=database_url).reproduced
