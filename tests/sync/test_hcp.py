"""The first sendRequestXML's HCP response (versions, country, FileID stamp) and file binding."""

from __future__ import annotations

import pytest

import qbxml
from qbwc_server.simulate import FakeQuickBooks, load_sample_company
from qbwc_server.sync.hcp import MAX_QBXML, binding_problem, read_hcp
from qbwc_server.testing import FixedClock
from tests.conftest import REFERENCE
from tests.simulate.conftest import OWNER_ID
from tests.sync.conftest import make_company

RECORDED_HCP = (
    REFERENCE
    / "qbwc"
    / "soap-envelopes"
    / "consolibyte-quickbooks_log-2008"
    / "07_qbwc-to-server_sendRequestXML.strHCPResponse.qbxml.xml"
)
RECORDED_OWNER = "{68b5925b-4347-4784-e58d-35a2d190962f}"
RECORDED_STAMP = "{ee032e95-47f7-2564-096f-2d4545fcb021}"
STAMP = "{11111111-2222-4333-8444-555555555555}"
OTHER_OWNER = "{99999999-8888-4777-8666-555555555555}"
OTHER_STAMP = "{22222222-3333-4444-8555-666666666666}"


def simulated_hcp(*, country: str = "US", versions: tuple[str, ...] | None = None) -> str:
    """The simulator's HCP response for the sample company, whose file carries a FileID stamp of
    another application (listed first) and one of ours."""
    options = {"versions": versions} if versions else {}
    quickbooks = FakeQuickBooks(load_sample_company(clock=FixedClock()), country=country, **options)
    quickbooks.company.stamp_data_ext(OTHER_OWNER, "FileID", OTHER_STAMP)
    quickbooks.company.stamp_data_ext(OWNER_ID, "FileID", STAMP)
    specs = [
        qbxml.HostQuery(request_id="0"),
        qbxml.CompanyQuery(request_id="1", owner_ids=(OTHER_OWNER, OWNER_ID)),
        qbxml.PreferencesQuery(request_id="2"),
    ]
    hcp = qbxml.render_msgs_rs([quickbooks.answer(s) for s in specs], quickbooks.max_version)
    assert hcp.index(OTHER_STAMP) < hcp.index(STAMP)
    return hcp


def test_simulator_hcp_as_qbwc_asks_for_it() -> None:
    """QBWC's own HCP request (our OwnerID only) reads the same as the two-owner document."""
    quickbooks = FakeQuickBooks(load_sample_company(clock=FixedClock()))
    quickbooks.company.stamp_data_ext(OWNER_ID, "FileID", STAMP)
    hcp = quickbooks.hcp_response(OWNER_ID)
    facts = read_hcp(hcp, owner_id=OWNER_ID, country="US", major=16, minor=0)
    assert facts == read_hcp(simulated_hcp(), owner_id=OWNER_ID, country="US", major=16, minor=0)


def test_simulated_hcp_response() -> None:
    """A current QuickBooks: qbXML 16.0, its country, product, company name and our stamp."""
    facts = read_hcp(simulated_hcp(), owner_id=OWNER_ID, country="US", major=16, minor=0)
    assert facts.version == "16.0" and facts.country == "US"
    assert facts.product == "QuickBooks Pro 2023"
    assert facts.company_name == "Evergreen Builders & Remodeling"
    assert facts.file_stamp == STAMP


def test_recorded_2008_hcp_response() -> None:
    """The recorded QuickBooks Pro 2006 answer: qbXML 5.0 and the FileID stamp of its OwnerID."""
    hcp = RECORDED_HCP.read_text(encoding="utf-8")
    facts = read_hcp(hcp, owner_id=RECORDED_OWNER, country="US", major=5, minor=0)
    assert facts.version == "5.0" and facts.country == "US"
    assert facts.product == "QuickBooks Pro 2006" and facts.company_name == "Test Company"
    assert facts.file_stamp == RECORDED_STAMP


@pytest.mark.parametrize(
    "owner",
    [
        OWNER_ID,
        OWNER_ID.upper(),
        OWNER_ID.strip("{}"),
        OWNER_ID.strip("{}").upper(),
        f"  {OWNER_ID}  ",
    ],
)
def test_stamp_owner_matches_without_braces_or_case(owner: str) -> None:
    """Our OwnerID matches the DataExt's whatever its braces, case or surrounding blanks."""
    facts = read_hcp(simulated_hcp(), owner_id=owner, country="US", major=16, minor=0)
    assert facts.file_stamp == STAMP


@pytest.mark.parametrize(
    ("hcp", "owner"),
    [
        pytest.param(
            "simulated", "{12345678-8888-4777-8666-555555555555}", id="simulated-unknown-owner"
        ),
        pytest.param("simulated", "", id="simulated-no-owner"),
        pytest.param("recorded", OWNER_ID, id="recorded-other-owner"),
    ],
)
def test_stamp_of_another_owner_is_ignored(hcp: str, owner: str) -> None:
    """A FileID stamped under another application's OwnerID is not ours."""
    text = simulated_hcp() if hcp == "simulated" else RECORDED_HCP.read_text(encoding="utf-8")
    assert read_hcp(text, owner_id=owner, country="US", major=16, minor=0).file_stamp is None


def test_each_owner_finds_its_own_stamp() -> None:
    """With two applications' stamps in the file, the one under the asked OwnerID is read."""
    hcp = simulated_hcp()
    for owner, stamp in ((OWNER_ID, STAMP), (OTHER_OWNER, OTHER_STAMP)):
        assert read_hcp(hcp, owner_id=owner, country="US", major=16, minor=0).file_stamp == stamp


def test_only_the_file_id_data_ext_is_the_stamp() -> None:
    """Another DataExt of our OwnerID (the recording's AppLock) is not taken for the stamp."""
    hcp = RECORDED_HCP.read_text(encoding="utf-8").replace(
        "<DataExtName>FileID</DataExtName>", "<DataExtName>Other</DataExtName>"
    )
    facts = read_hcp(hcp, owner_id=RECORDED_OWNER, country="US", major=5, minor=0)
    assert facts.file_stamp is None


def test_version_is_capped_at_16() -> None:
    """QuickBooks offering qbXML 17.0 is spoken to in 16.0, the newest version we know."""
    hcp = simulated_hcp(versions=("13.0", "16.0", "17.0"))
    assert MAX_QBXML == "16.0"
    assert read_hcp(hcp, owner_id=OWNER_ID, country="US", major=17, minor=0).version == "16.0"


def test_country_comes_from_the_host() -> None:
    """The HostRet's country wins over what QBWC reported."""
    facts = read_hcp(
        simulated_hcp(country="CA"), owner_id=OWNER_ID, country="US", major=16, minor=0
    )
    assert facts.country == "CA" and facts.version == "16.0"


@pytest.mark.parametrize("hcp", ["", "   \n", "<QBXML><oops", "<Unrelated/>"])
@pytest.mark.parametrize(
    ("country", "major", "minor", "version", "known_country"),
    [
        ("US", 14, 0, "14.0", "US"),
        ("CA", 13, 0, "13.0", "CA"),
        ("", 16, 0, "16.0", None),
        ("US", 0, 0, "13.0", "US"),
        ("US", 12, 0, "12.0", "US"),
        ("US", 17, 0, "16.0", "US"),
        ("US", 99, 9, "16.0", "US"),
    ],
)
def test_empty_or_broken_hcp_falls_back_to_what_qbwc_reported(
    hcp: str, country: str, major: int, minor: int, version: str, known_country: str | None
) -> None:
    """Without a readable HCP the version is QBWC's qbXMLMajorVers.MinorVers (13.0 when absent,
    capped at 16.0 since QuickBooks also accepts older versions) and the country QBWC's
    qbXMLCountry; nothing else is known."""
    facts = read_hcp(hcp, owner_id=OWNER_ID, country=country, major=major, minor=minor)
    assert facts.version == version and facts.country == known_country
    assert facts.product is None and facts.company_name is None and facts.file_stamp is None


def test_host_without_common_versions_falls_back_to_13() -> None:
    """A HostRet listing no version we speak falls back to qbXML 13.0."""
    hcp = RECORDED_HCP.read_text(encoding="utf-8")
    for v in ("1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0"):
        hcp = hcp.replace(f">{v}<", ">99.0<")
    facts = read_hcp(hcp, owner_id=RECORDED_OWNER, country="US", major=5, minor=0)
    assert facts.version == "13.0" and facts.file_stamp == RECORDED_STAMP


# ---------------------------------------------------------------------------- binding
BOUND = r"C:\Users\Public\Documents\Intuit\QuickBooks\Evergreen.QBW"


@pytest.mark.parametrize(
    ("bound_file", "bound_stamp", "opened", "stamp"),
    [
        pytest.param(None, None, r"C:\Other.QBW", STAMP, id="not-bound-yet"),
        pytest.param(None, STAMP, r"C:\Other.QBW", OTHER_STAMP, id="no-path-no-binding"),
        pytest.param(BOUND, None, BOUND, None, id="same-path"),
        pytest.param(BOUND, None, BOUND.upper(), STAMP, id="same-path-other-case"),
        pytest.param(BOUND, None, f" {BOUND.lower()} ", None, id="same-path-blanks"),
        pytest.param(BOUND, STAMP, BOUND, STAMP, id="same-path-same-stamp"),
        pytest.param(BOUND, STAMP, BOUND.lower(), STAMP.upper().strip("{}"), id="stamp-spelling"),
    ],
)
def test_the_bound_file_is_accepted(
    bound_file: str | None, bound_stamp: str | None, opened: str, stamp: str | None
) -> None:
    """An unbound company, or the bound file (paths are case-insensitive), is no problem."""
    company = make_company(bound_company_file=bound_file, bound_file_stamp=bound_stamp)
    assert binding_problem(company, opened, stamp) is None


@pytest.mark.parametrize(
    ("bound_stamp", "opened", "stamp"),
    [
        pytest.param(None, r"C:\Users\Public\Documents\Other.QBW", None, id="other-path"),
        pytest.param(STAMP, r"C:\Users\Public\Documents\Other.QBW", STAMP, id="other-path-stamped"),
        pytest.param(STAMP, BOUND, OTHER_STAMP, id="same-path-other-stamp"),
    ],
)
def test_another_file_is_refused_with_both_names(
    bound_stamp: str | None, opened: str, stamp: str | None
) -> None:
    """Another company file (by path or by FileID stamp) gets a sentence naming both files and
    the command that unbinds the company."""
    company = make_company(bound_company_file=BOUND, bound_file_stamp=bound_stamp)
    text = binding_problem(company, opened, stamp)
    assert text is not None
    assert opened in text and BOUND in text and f"qbtime company unbind {company.id}" in text


def test_missing_file_name_is_named_as_such() -> None:
    """QBWC sending no company file name is reported in words, not as an empty name."""
    text = binding_problem(make_company(bound_company_file=BOUND), "", None)
    assert text is not None and "(no file name given)" in text and BOUND in text


def test_point4_missing_stamp_is_unknown_not_a_mismatch() -> None:
    """A bound company whose session brings no FileID stamp (empty or unreadable HCP answer)
    is checked by its path only, not refused."""
    company = make_company(bound_company_file=BOUND, bound_file_stamp=STAMP)
    assert binding_problem(company, BOUND, None) is None
    assert binding_problem(company, BOUND.lower(), "") is None
    assert binding_problem(company, r"C:\Other.QBW", None) is not None
