"""Done means (issue 17): a denouncer's identity appears nowhere but in the audited reveal.

Denunciations come in the ways they do in life: through the public filing form, logged at
the reception desk (handing in a petition), a letter entered at the desk, filed by another
system through the API, and in a reception book imported with `import_records receptions`.
Then every demo role (core.demo.demo_users: the administrator, the city's leader, inspector
and head, a ward's officer, handler, head and leader), and a head holding the reveal
permission, opens every staff page of the URLconf that takes no argument and every page and
file reachable from there by links (real object ids, lists, registers, exports: HTML, XLSX,
CSV, PDF, JSON, SVG read as text). Nowhere, and nowhere in the log written meanwhile, may the
denouncers' names (with or without diacritics), identity numbers, phones (however grouped),
e-mails or addresses appear. The audited reveal is the one page that shows them: the test
opens it too, which also proves the search would see a leak.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.demo import demo_users
from petitions.models import Petition
from petitions.services import identity_reveal_grant
from reception.models import Visit
from reports.periods import Convention, PeriodKind, last_closed_quarter, period_of
from reports.services import report_compile_now
from tests.petitions.fixtures import filing
from tests.reception.factories import SessionFactory
from tests.security.world import PUBLIC_URLS, is_admin, is_placeholder, walk_urlconf

pytestmark = [pytest.mark.django_db, pytest.mark.long]

# The denouncers. Everything here is what must never show.
ONLINE = {
    "name": "Đinh Tố Giác Hoàn",
    "id_number": "001190005555",
    "phone": "0977111222",
    "email": "giac.hoan.dinh@example.vn",
    "address": "Số 9 ngách Quỳnh Lôi Xuyên",
}
AT_DESK = {"name": "Lưu Khẩu Mật Thư", "id_number": "001290006666", "address": "Số 21 phố Hàng Thiếc Cổ"}
IMPORTED = {"name": "Quách Vô Danh Tính"}
# Entered from a paper letter at the desk, and filed by another system through the API.
BY_POST = {"name": "Tạ Thư Kín Đáo", "phone": "0966333444", "email": "thu.kin.dao@example.vn"}
THROUGH_API = {"name": "Mạc Ẩn Danh Sách", "phone": "0388555666", "email": "an.danh.sach@example.vn"}
PAGES_PER_USER = 400
# Staff pages the crawl does not reach, and why that is safe for this test.
NOT_CRAWLED = {
    "adminreform:intake": "the one-stop counter: no denouncer is there (a dossier's applicant is not secret)",
    "adminreform:dossier_detail": "dossiers: their applicants are not denouncers",
    "adminreform:dossier_print": "dossiers: their applicants are not denouncers",
    "adminreform:dossier_receipt": "dossiers: their applicants are not denouncers",
    "adminreform:document_file": "dossiers: their applicants are not denouncers",
    "adminreform:notice_print": "dossiers: their applicants are not denouncers",
    "api:dossier": "dossiers: their applicants are not denouncers",
    "api:dossier_events": "dossiers: their applicants are not denouncers",
    "petitions:feedback": "a located feedback's public page (404 for every other kind: test_feedback_map)",
    "petitions:attachment": "no file attached here; a denunciation's files are for grant holders only",
    "reception:visit_repeats": "asked by the visit form's script with what is being typed (test_denouncer_secrecy)",
    "petitions:urge_detail": "an urging sent to a unit below: the crawl's wards have none; a request or answer "
    "naming the denouncer is refused and the page shows neither (test_urging)",
    "petitions:urge_document": "the answer's document of such an urging (a unit below's file, not the denouncer's)",
    "reception:visit_result": "a visit's own page again (its result form's address): the crawl reads the visit page",
    "reception:visit_notice": "a visit's own page again (its notice form's address): the crawl reads the visit page",
    "reception:recording_open": "an online session's recording (a media file, audited download: test_recordings)",
    "reports:report_status": "asked by the report page's script while a report compiles",
    "reports:report_chart": "a chart of a report's figures, loaded by the page's script (counts, no names)",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").casefold()


def _digits(text: str) -> str:
    """Digit runs joined across spaces, dots and dashes ("0977 111.222" → "0977111222")."""
    return re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)


@dataclass
class Secrets:
    words: list[str] = field(default_factory=list)  # names, addresses, e-mails: folded
    numbers: list[str] = field(default_factory=list)  # identity numbers, phones (national part)

    @classmethod
    def of(cls, *people: dict[str, str]) -> Secrets:
        found = cls()
        for person in people:
            for key, value in person.items():
                if key in ("id_number", "phone"):
                    found.numbers.append(value.lstrip("0") if key == "phone" else value)
                else:
                    found.words.append(_fold(value))
        return found

    def in_(self, text: str) -> list[str]:
        folded, digits = _fold(text), _digits(text)
        return [w for w in self.words if w in folded] + [n for n in self.numbers if n in digits]


SECRETS = Secrets.of(ONLINE, AT_DESK, IMPORTED, BY_POST, THROUGH_API)


# --- reading what a response carries -------------------------------------------------------


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text(response) -> str:
    """Everything a person could read in the response, whatever the format."""
    body = _body(response)
    kind = response.get("Content-Type", "").split(";")[0].strip()
    if kind.endswith("spreadsheetml.sheet") or (body[:2] == b"PK" and b"xl/" in body[:2000]):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if body[:2] == b"PK":  # DOCX and other zipped XML
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if kind == "application/pdf" or body[:5] == b"%PDF-":
        from pypdf import PdfReader

        pages = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        return pages + "\n" + body.decode("latin-1")
    return body.decode("utf-8", "replace")


HREF = re.compile(r"""(?:href|src)=["']([^"'#]+)""")
SKIP_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/admin/logout/")


def _links(html: str, here: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        url = raw.replace("&amp;", "&")
        if url.startswith("?"):
            url = urlsplit(here).path + url
        if not url.startswith("/") or url.startswith("//") or url.startswith(SKIP_PREFIXES):
            continue
        found.append(url)
    return found


def _key(url: str) -> tuple[str, frozenset[str]]:
    """Pages that differ only in the values of the same query keys (sort orders, filters,
    page numbers) are one page for the crawl; other keys (`format=xlsx`) make another."""
    parts = urlsplit(url)
    return parts.path, frozenset(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))


def _entry_urls() -> list[str]:
    """Every staff page of the URLconf that takes no argument, and the admin's index."""
    urls = ["/admin/"]  # the admin's own pages are reached from its index, as a person does
    for route in walk_urlconf():
        if route.kwargs or route.name in PUBLIC_URLS or is_placeholder(route) or not route.accepts("get"):
            continue
        if is_admin(route):
            continue
        if route.name in ("logout", "set_language") or route.name.startswith("<unnamed"):
            continue
        try:
            urls.append(reverse(route.name, kwargs=route.default_args or None))
        except Exception:  # noqa: S112 (a route reversible only with its fixed arguments)
            continue
    return urls


@dataclass
class Crawl:
    seen: dict[tuple[str, frozenset[str]], str] = field(default_factory=dict)  # key → url
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    route_names: set[str] = field(default_factory=set)
    ids: dict[str, set[str]] = field(default_factory=dict)  # from JSON answers: "pk", "ref"


def _crawl(client: Client, who: str, crawl: Crawl) -> int:
    from django.urls import Resolver404, resolve

    queue = deque(_entry_urls())
    done: set[tuple[str, frozenset[str]]] = set()
    while queue and len(done) < PAGES_PER_USER:
        url = queue.popleft()
        key = _key(url)
        if key in done:
            continue
        done.add(key)
        response = client.get(url)
        crawl.statuses[response.status_code] = crawl.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            crawl.errors.append(f"{who} GET {url}: {response.status_code}")
        if response.status_code in (301, 302, 303, 307, 308):
            target = response["Location"]
            if target.startswith("/") and not target.startswith("/accounts/login"):
                queue.append(target)
            continue
        if response.status_code != 200:
            continue
        crawl.seen[key] = url
        with contextlib.suppress(Resolver404):
            crawl.route_names.add(resolve(urlsplit(url).path).view_name)
        text = _text(response)
        for secret in SECRETS.in_(text):
            crawl.leaks.append(f"{who} GET {url}: {secret!r}")
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(_links(text, url))
        elif "json" in response.get("Content-Type", ""):
            _collect_ids(text, crawl.ids)
    # Pages an API or a script reaches with an object's id: every route taking one, with every
    # id the JSON read so far gave (most answer 404 for ids of other kinds: that is fine).
    for url in _urls_with_ids(crawl.ids):
        if _key(url) not in done and len(done) < PAGES_PER_USER:
            queue.append(url)
    while queue and len(done) < PAGES_PER_USER:
        url = queue.popleft()
        if _key(url) in done:
            continue
        done.add(_key(url))
        response = client.get(url)
        if response.status_code >= 500:
            crawl.errors.append(f"{who} GET {url}: {response.status_code}")
        if response.status_code != 200:
            continue
        crawl.seen[_key(url)] = url
        with contextlib.suppress(Resolver404):
            crawl.route_names.add(resolve(urlsplit(url).path).view_name)
        for secret in SECRETS.in_(_text(response)):
            crawl.leaks.append(f"{who} GET {url}: {secret!r}")
    return len(done)


def _collect_ids(text: str, ids: dict[str, set[str]]) -> None:
    """The `id` (and `ref`) values anywhere in a JSON answer."""

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("id", "ref") and isinstance(inner, int | str) and str(inner):
                    ids.setdefault("pk" if key == "id" else "ref", set()).add(str(inner))
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    with contextlib.suppress(ValueError):
        walk(json.loads(text))


def _urls_with_ids(ids: dict[str, set[str]]) -> list[str]:
    urls = []
    for route in walk_urlconf():
        if not route.kwargs or set(route.kwargs) - set(ids) or is_admin(route) or not route.accepts("get"):
            continue
        if len(route.kwargs) != 1:
            continue
        (name,) = route.kwargs
        for value in sorted(ids[name])[:20]:
            with contextlib.suppress(Exception):
                urls.append(reverse(route.name, kwargs={name: value, **route.default_args}))
    return urls


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture
def log_lines():
    """Every log record of level INFO and above (what production writes) from any logger
    while the test runs, non-propagating ones included."""
    handler = _Everything()
    loggers = [logging.getLogger(), *[logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]]
    levels = {lg: lg.level for lg in loggers}
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield handler.lines
    for lg in loggers:
        lg.removeHandler(handler)
        lg.setLevel(levels[lg])


class _KeptSms:
    """The SMS gateway (the outside world): messages go to the citizen, not to our log."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, body: str, request_id: str = "") -> None:
        self.sent.append((to, body))


def _file_everything(client: Client, commune, tmp_path) -> dict[str, object]:
    today = timezone.localdate()
    # 1. Online, by the public form (its e-mail and SMS leave through the outbox).
    data = filing(
        commune,
        kind="denunciation",
        petitioner_name=ONLINE["name"],
        petitioner_id_number=ONLINE["id_number"],
        petitioner_address=ONLINE["address"],
        petitioner_phone=ONLINE["phone"],
        petitioner_email=ONLINE["email"],
        subject="Tố cáo cán bộ địa chính phường nhận tiền khi cấp sổ",
        respondent="Cán bộ địa chính phường",
        content="Tôi tố cáo cán bộ địa chính nhận tiền khi làm thủ tục cấp giấy chứng nhận.",
        idempotency_key="d" * 32,
    )
    response = client.post(reverse("petitions:file"), data)
    assert response.status_code == 302, SECRETS.in_(response.content.decode())
    online = Petition.objects.get(kind="denunciation", channel="online")
    # 2. In person at the reception desk, handing in a petition.
    officer = User.objects.get(username="canbo.hoankiem")
    desk = Client()
    desk.force_login(officer)
    session = SessionFactory(unit=commune, date=today)
    visit_form = {
        "citizen_name": AT_DESK["name"],
        "identity_number": AT_DESK["id_number"],
        "address": AT_DESK["address"],
        "people": "1",
        "kind": "denunciation",
        "content": "Tố cáo tổ trưởng dân phố thu tiền trái phép",
        "outcome": "petition",
        "received_by": "staff",
        "save": "1",
    }
    assert desk.post(reverse("reception:session_detail", args=[session.pk]), visit_form).status_code == 302
    # 3. A letter entered at the desk, its phone written with dots; 4. filed through the API.
    letter = {
        "unit": commune.pk,
        "received_on": f"{today:%Y-%m-%d}",
        "channel": "post",
        "kind": "denunciation",
        "subject": "Tố cáo việc thu phí chợ sai quy định",
        "content": "Ban quản lý chợ thu phí cao hơn mức quy định.",
        "petitioner_name": BY_POST["name"],
        "petitioner_phone": "0966.333.444",
        "petitioner_email": BY_POST["email"],
        "respondent": "Ban quản lý chợ phường",
        "signers": "1",
        "idempotency_key": "e" * 32,
        "save": "1",
    }
    assert desk.post(reverse("petitions:desk"), letter).status_code == 302
    through_api = {
        "unit": commune.code,
        "kind": "denunciation",
        "petitioner_name": THROUGH_API["name"],
        "petitioner_id_number": "001390007777",
        "petitioner_address": "Số 3 phố Ẩn Cư",
        "petitioner_phone": "+84 388 555 666",
        "petitioner_email": THROUGH_API["email"],
        "respondent": "Tổ trưởng tổ dân phố số 4",
        "subject": "Tố cáo tổ trưởng tổ dân phố thu tiền",
        "content": "Tổ trưởng tổ dân phố số 4 thu tiền của các hộ không có căn cứ.",
        "signers": 1,
        "consent": True,
        "idempotency_key": "f" * 32,
    }
    filed = Client().post("/api/v1/petitions/file/", through_api, content_type="application/json")
    assert filed.status_code == 201, filed.content
    # 5. An imported reception book.
    book = tmp_path / "so-tiep.csv"
    book.write_text(
        "ref,unit_code,received_on,kind,citizen_name,content\n"
        f"TCD-NHAP-1,{commune.code},{today:%Y-%m-%d},denunciation,{IMPORTED['name']},Tố cáo lấn chiếm đất công\n",
        encoding="utf-8",
    )
    call_command("import_records", "receptions", str(book), stdout=io.StringIO())
    # The report the dashboard opens on (the last closed quarter), so that its pages and
    # exports are there to open.
    year, quarter = last_closed_quarter(today, Convention(settings.REPORTS_PERIOD_CONVENTION))
    report_compile_now(
        unit=commune,
        period=period_of(PeriodKind.QUARTER, year, quarter, Convention(settings.REPORTS_PERIOD_CONVENTION)),
        kind=PeriodKind.QUARTER,
        convention=settings.REPORTS_PERIOD_CONVENTION,
        actor=User.objects.get(username="chutich.hoankiem"),
    )
    return {"online": online, "visit": Visit.objects.get(kind="denunciation", session=session)}


def test_nothing_of_a_denouncer_shows_anywhere_but_the_audited_reveal(
    client, commune, other_commune, city, tmp_path, settings, log_lines, capsys, django_capture_on_commit_callbacks
):
    settings.PETITIONS_SMS_BACKEND = f"{__name__}._KeptSms"
    users = demo_users(city, [commune, other_commune])
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers after commit
        filed = _file_everything(client, commune, tmp_path)
    assert Visit.objects.filter(kind="denunciation").count() == 2
    assert Petition.objects.filter(kind="denunciation").count() >= 4  # online, at the visit, by post, API
    # A head holding the reveal permission crawls too: holding it shows nothing by itself.
    grant_holder = users["chutich.hoankiem"]
    identity_reveal_grant(user=grant_holder, unit=commune, note="QĐ 7/QĐ-UBND", actor=None)

    crawl = Crawl()
    who = ["admin", "lanhdao.hanoi", "thanhtra.hanoi", "chutich.hanoi"]
    who += ["canbo.hoankiem", "xuly.hoankiem", "chutich.hoankiem", "lanhdao.hoankiem"]
    for username in who:
        staff = Client(raise_request_exception=False)
        staff.force_login(users[username])
        _crawl(staff, username, crawl)

    assert not crawl.leaks, "\n".join(crawl.leaks[:40])
    assert not crawl.errors, "\n".join(crawl.errors[:40])  # a page that fails shows nothing to check
    # The crawl reached the pages that matter, with the denunciations' real ids.
    reached = {url for url in crawl.seen.values()}
    for must in (
        reverse("petitions:detail", args=[filed["online"].pk]),
        reverse("reception:visit_detail", args=[filed["visit"].pk]),
        reverse("admin:reception_visit_change", args=[filed["visit"].pk]),
    ):
        assert must in reached, must
    for name in (
        "petitions:queue",
        "reception:book",
        "reception:session_detail",
        "reception:visit_queue",
        "adminreform:register",
        "reports:report_detail",
        "reports:report_export",
    ):
        assert name in crawl.route_names, name
    assert any("format=xlsx" in url for url in reached), "no XLSX export was opened"
    staff_pages = {
        r.name
        for r in walk_urlconf()
        if r.name not in PUBLIC_URLS and not is_admin(r) and not is_placeholder(r) and r.accepts("get")
    }
    unreached = staff_pages - crawl.route_names - set(NOT_CRAWLED)
    assert not unreached, f"staff pages no link leads to: say why in NOT_CRAWLED, or link them: {sorted(unreached)}"

    # The one place that shows it: the audited reveal, for the grant holder, with a reason.
    revealer = Client()
    revealer.force_login(grant_holder)
    for url in (
        reverse("petitions:reveal", args=[filed["online"].pk]),
        reverse("reception:visit_reveal", args=[filed["visit"].pk]),
    ):
        shown = revealer.post(url, {"reason": "Bố trí bảo vệ người tố cáo"})
        assert shown.status_code == 200 and SECRETS.in_(_text(shown)), url

    # Nor in the log written meanwhile (filing, outbox delivery, imports, every page).
    leaked_lines = [line for line in log_lines if SECRETS.in_(line)]
    assert not leaked_lines, leaked_lines[:10]
    out = capsys.readouterr()
    assert not SECRETS.in_(out.out + out.err)
    assert _KeptSms.sent  # the citizen's SMS did leave (to the gateway, not the log)


def test_the_search_for_secrets_sees_them_however_they_are_written():
    assert SECRETS.in_("<td>DINH TO GIAC HOAN</td>") == [_fold(ONLINE["name"])]
    assert SECRETS.in_("ĐT +84 977 111 222") == ["977111222"]
    assert SECRETS.in_("CCCD 001-190-005.555") == ["001190005555"]
    assert SECRETS.in_("Giac.Hoan.Dinh@Example.vn") == [ONLINE["email"]]
    assert SECRETS.in_("Người tố cáo PA-2026-00001, 07/12/2026, 1.645 đơn") == []
