"""A small world for the S2 scoping matrix and the S6 audit enumeration: commune A (Phường
Hoàn Kiếm, "00070") owns records of every kind, with officials in both communes, and helpers
that walk the project's URLconf.

Every record of commune A carries the marker `SECRET_A` somewhere a page would print it (the
applicant's name, the notice's reasons), so a list page that leaks one is caught by a plain
substring search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from adminreform.models import Dossier, IntakeNotice, Procedure
from adminreform.services import Applicant, dossier_receive, intake_notice_issue
from civicdesk.db import AuditEventBase
from core.choices import PetitionKind
from core.models import Role, Unit
from core.views import ComingSoonView
from reports.models import CompiledReport
from reports.periods import Period
from reports.services import report_compile_now
from tests.adminreform.factories import ProcedureDocumentFactory, ProcedureFactory
from tests.factories import MembershipFactory, UserFactory

SECRET_A = "Zyxwa"  # in every commune-A record; never printed for anyone else
APPLICANT_A = f"Trần Thị {SECRET_A}"
CLIENT_IP = "203.0.113.7"  # TEST-NET-3: the address the audit rows must carry


# --- the URLconf -------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the full pattern, for messages
    kwargs: tuple[str, ...]  # the captured kwargs (not the pattern's fixed default_args)
    default_args: dict[str, Any]
    view_class: type | None
    callback: Callable[..., Any]

    def accepts(self, method: str) -> bool:
        """Does the view offer `method` at all? (Function views: assume it does.)"""
        if self.view_class is None:
            return True
        return method.lower() in self.view_class.http_method_names and hasattr(self.view_class, method.lower())


def walk_urlconf() -> Iterator[Route]:
    """Every named URL pattern of the project, recursively through the includes."""

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[Route]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = pattern.name or ""
                full = f"{namespace}:{name}" if namespace and name else name or f"<unnamed {route}>"
                yield Route(
                    name=full,
                    route=route,
                    kwargs=tuple(k for k in pattern.pattern.regex.groupindex if k not in pattern.default_args),
                    default_args=dict(pattern.default_args),
                    view_class=getattr(pattern.callback, "view_class", None),
                    callback=pattern.callback,
                )

    yield from walk(get_resolver(), "", None)


# Pages anyone may open without logging in, and the machinery of logging in. Everything
# else in the URLconf is a staff page and goes through the matrix.
PUBLIC_URLS: dict[str, str] = {
    "set_language": "Django's language switch (i18n/): changes only the visitor's own cookie",
    "login": "the staff login page",
    "login_second_factor": "the second login step (needs the password step first)",
    "logout": "logging out",
    "admin_login_redirect": "sends the admin's login to the staff login",
    "core:home": "the public home page",
    "core:health": "liveness probe for load balancers: no data",
    "adminreform:lookup": "citizens look a dossier up with its code and PIN",
    "adminreform:rate": "citizens rate the service with the code and PIN",
    "adminreform:online_list": "the public list of procedures offered online",
    "adminreform:online_submit": "citizens submit a dossier online",
    "petitions:file": "citizens file a petition",
    "petitions:filed": "the confirmation page after filing (code and secret once, from a short-lived encrypted cookie)",
    "petitions:track": "citizens follow a petition with its code and secret",
    "petitions:track_letter": "citizens download their reply letter with the code and secret",
    "petitions:map": "the public map of located feedback (no personal data)",
    "petitions:map_points": "the public map's points: code, category, status, unit, place of located feedback",
    "petitions:feedback": "a located feedback's public page: code, category, status, unit, place (404 for other kinds)",
    "reception:schedule": "the public reception schedule of the leaders",
    "sms-delivery-report": "the SMS provider's delivery reports: checked by its key, they change only an SMS receipt",
    "api:units": "the API's unit tree (public reference data)",
    "api:unit": "one unit of the API's tree (public reference data)",
    "api:procedures": "the API's procedure catalogue (public reference data)",
    "api:procedure": "one procedure of the API's catalogue (public reference data)",
    "api:schema": "the API's OpenAPI schema",
    "api:docs": "the API's documentation page",
    "api:not_found": "any other address under /api/: a 404 problem",
    "api:schedule": "the API's public reception schedule of a unit",
    "api:petition_file": "citizens (or their apps) file a petition through the API, with the web form's rules",
    "api:petition_status": "the API's tracking by code and secret",
    "open311:discovery": "Open311 discovery (public by the specification)",
    "open311:services": "Open311 services: the feedback categories",
    "open311:requests": "Open311 requests: the public list of feedback (no personal data); POST needs a write key",
    "open311:request": "Open311: one feedback's public status",
}


def is_admin(route: Route) -> bool:
    """Django's admin (and the audit log page inside it) has its own staff check."""
    return route.route.startswith("admin/") or route.name.startswith("admin:")


def staff_routes() -> list[Route]:
    return [r for r in walk_urlconf() if r.name not in PUBLIC_URLS and not is_admin(r)]


def is_placeholder(route: Route) -> bool:
    """ "Coming soon" pages of apps not merged yet: static text, no data, replaced on merge."""
    return route.view_class is not None and issubclass(route.view_class, ComingSoonView)


def app_live(namespace: str) -> bool:
    """Are the app's real pages routed (not only its "coming soon" placeholders)? The
    petitions and reception entries below wait for their apps with this."""
    return any(r.name.startswith(f"{namespace}:") and not is_placeholder(r) for r in walk_urlconf())


# --- commune A's records ---------------------------------------------------------------


@dataclass
class World:
    commune: Unit  # commune A: owns every record below
    other_commune: Unit  # commune B
    users: dict[str, User]  # "officer", "head" (commune A); "other_officer", "other_head" (commune B)
    procedure: Procedure
    made: dict[str, Any] = field(default_factory=dict)

    def dossier(self, on: date | None = None) -> Dossier:
        """A fresh dossier of commune A, received today at its counter by its officer."""
        return dossier_receive(
            unit=self.commune,
            procedure=self.procedure,
            applicant=Applicant(name=APPLICANT_A, phone="0912345678", id_number="001099012345"),
            documents=list(self.procedure.documents.all()),
            actor=self.users["officer"],
            received_on=on,
        )

    def document(self) -> Any:
        """A file received with a dossier of commune A (as an online submission brings)."""
        from adminreform.models import DossierDocument

        dossier = self.dossier()
        return DossierDocument.objects.create(
            dossier=dossier,
            name="Tờ khai",
            file=SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n%" + SECRET_A.encode()),
            content_type="application/pdf",
            received_on=dossier.received_on,
        )

    def notice(self) -> IntakeNotice:
        return intake_notice_issue(
            unit=self.commune,
            procedure=self.procedure,
            applicant=Applicant(name=APPLICANT_A),
            kind=IntakeNotice.Kind.REFUSAL,
            reasons=f"Hồ sơ giả mạo ({SECRET_A})",
            actor=self.users["officer"],
        )

    def petition(self, kind: str = PetitionKind.COMPLAINT, **kwargs: Any) -> Any:
        """A petition of commune A received at its desk today, by its officer."""
        from tests.petitions.factories import receive

        values: dict[str, Any] = {
            "subject": f"Lấn chiếm vỉa hè ({SECRET_A})",
            "petitioner_name": APPLICANT_A,
            "received_on": today(),
            "actor": self.users["officer"],
        }
        values.update(kwargs)
        return receive(self.commune, kind=kind, **values)

    def attachment(self) -> Any:
        """A file attached to a (non-denunciation) petition of commune A."""
        from petitions.models import Attachment

        petition = self.petition(kind=PetitionKind.RECOMMENDATION)
        return Attachment.objects.create(
            petition=petition,
            file=SimpleUploadedFile("ban-ve.pdf", b"%PDF-1.4\n%" + SECRET_A.encode()),
            original_name="ban-ve.pdf",
            mime="application/pdf",
            size=20,
        )

    def grant_reveal(self, user: User) -> None:
        from petitions.services import identity_reveal_grant

        identity_reveal_grant(user=user, unit=self.commune, note="thử", actor=None)

    def session(self, **kwargs: Any) -> Any:
        """A reception session of commune A, yesterday (today's desk session is left for the
        "open today" page to create), scheduled through the service."""
        from reception import services as rs
        from reception.models import ReceivedBy, SessionKind

        values: dict[str, Any] = {
            "unit": self.commune,
            "kind": SessionKind.REGULAR,
            "day": today() - timedelta(days=1),
            "place": "Trụ sở UBND phường",
            "received_by": ReceivedBy.STAFF,
            "topics": f"Tiếp dân ({SECRET_A})",
            "actor": self.users["officer"],
        }
        values.update(kwargs)
        return rs.session_schedule(**values)

    def visit(self, session: Any = None, kind: str = PetitionKind.RECOMMENDATION) -> Any:
        from reception import services as rs

        return rs.visit_log(
            session=session or self.session(),
            citizen_name=APPLICANT_A,
            identity_number="001090004321",
            content=f"Kiến nghị sửa cống ({SECRET_A})",
            kind=kind,
            actor=self.users["officer"],
        ).visit

    def forwarded_visit(self, *, with_result: bool = False) -> Any:
        """A visit of commune A that handed in a complaint, answered "forwarded to the competent
        body"; with `with_result`, its result came back today (the citizen is owed a notice)."""
        from reception import services as rs

        officer = self.users["officer"]
        visit = rs.visit_log(
            session=self.session(),
            citizen_name=APPLICANT_A,
            identity_number="001090004322",
            content=f"Khiếu nại cấp phép ({SECRET_A})",
            kind=PetitionKind.COMPLAINT,
            outcome="petition",
            actor=officer,
        ).visit
        visit = rs.visit_answer(visit=visit, answer="forwarded", expected_version=visit.version, actor=officer)
        if with_result:
            rs.forwarded_result_record(
                visit=visit, expected_version=visit.version, received_on=today(), summary="Đã giải quyết", actor=officer
            )
            visit.refresh_from_db()
        return visit

    def follow_up(self) -> Any:
        from reception import services as rs

        return rs.follow_up_create(
            session=self.session(),
            description=f"Kiểm tra hiện trường ({SECRET_A})",
            owner=self.users["officer"],
            due_on=today(),
            actor=self.users["officer"],
        )

    def report(self) -> CompiledReport:
        """A compiled draft report of commune A over Q1 2024 (with figures)."""
        if "report" not in self.made:
            self.made["report"] = report_compile_now(
                unit=self.commune,
                period=Period(date(2024, 1, 1), date(2024, 3, 31)),
                kind="quarter",
                convention="calendar",
                actor=self.users["head"],
            )
        report: CompiledReport = self.made["report"]
        return report


def build_world(commune: Unit, other_commune: Unit, officer: User, head: User, other_officer: User) -> World:
    other_head = UserFactory(username="chutich.khac")
    MembershipFactory(user=other_head, unit=other_commune, role=Role.HEAD)
    procedure = ProcedureFactory(code="1.009999", name="Đăng ký khai sinh (thử)", processing_days=3)
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai", position=1)
    ProcedureDocumentFactory(procedure=procedure, name="Giấy chứng sinh", position=2)
    world = World(
        commune=commune,
        other_commune=other_commune,
        users={"officer": officer, "head": head, "other_officer": other_officer, "other_head": other_head},
        procedure=procedure,
    )
    # A list page must have something of A's to leak.
    world.made["list_dossier"] = world.dossier()
    world.made["list_notice"] = world.notice()
    if app_live("petitions"):
        world.made["list_petition"] = world.petition()
    if app_live("reception"):
        world.made["list_visit"] = world.visit()
        world.made["list_follow_up"] = world.follow_up()
    world.report()
    return world


@contextmanager
def world_for_module(django_db_blocker: Any) -> Iterator[World]:
    """`build_world` once for a whole test module, on the units and officials of
    tests/conftest.py's fixtures (same codes, names, usernames, roles). Its rows are written in
    a transaction left open while the module's tests run: each test's own transaction (a
    savepoint within it) is rolled back after the test as usual, so every test meets the world
    as built; the whole is rolled back after the module's last test. A test takes a copy of the
    `World` (its records' Python objects), so none sees another's changes to them.

    Use it from a module-scoped fixture holding `django_db_setup` and `django_db_blocker`;
    not for transactional tests (their flush would take the world with it)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from api.fastpath import LIST_ANSWERS
    from core.models import DeadlineRule, UnitLevel
    from core.selectors import reference_cache
    from tests.factories import UnitFactory
    from tests.rules import seed_deadline_rules

    def member(unit: Unit, role: str, username: str) -> User:
        user: User = UserFactory(username=username)
        MembershipFactory(user=user, unit=unit, role=role)
        return user

    with django_db_blocker.unblock(), transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        # What the autouse fixtures of tests/conftest.py do before each test.
        cache.clear()
        reference_cache.clear()
        LIST_ANSWERS.clear()
        if not DeadlineRule.objects.exists():
            seed_deadline_rules()
        city = UnitFactory(code="01", name="Thành phố Hà Nội", level=UnitLevel.PROVINCE)
        commune = UnitFactory(code="00070", name="Phường Hoàn Kiếm", parent=city)
        other_commune = UnitFactory(code="00004", name="Phường Ba Đình", parent=city)
        officer = member(commune, Role.OFFICER, "canbo")
        head = member(commune, Role.HEAD, "chutich")
        other_officer = member(other_commune, Role.OFFICER, "canbo.khac")
        try:
            yield build_world(commune, other_commune, officer, head, other_officer)
        finally:
            transaction.set_rollback(True)
            reference_cache.clear()
            LIST_ANSWERS.clear()


# --- what "unchanged" means ----------------------------------------------------------------


def _unit_fk_models() -> list[tuple[type[models.Model], str]]:
    """Every concrete model with a foreign key to Unit, with that field's name(s)."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.ForeignKey) and f.related_model is Unit and f.concrete:
                found.append((model, f.name))
    return found


def fingerprint(unit: Unit, *, audit: bool = True) -> dict[str, Any]:
    """Every row that belongs to `unit` (through any FK to Unit), every column as the database
    stores it, plus (with `audit`) the number of rows in every audit table: any write an
    outsider makes shows.

    A matrix takes two fingerprints per role and entry, so the queries are compiled once per
    unit (`_fingerprint_queries`) and run as they are: the rows' raw columns (an encrypted
    field's ciphertext, not its plaintext, so a rewrite of the same value shows too), and the
    audit tables counted in one statement."""
    rows: dict[str, Any] = {}
    with connection.cursor() as cursor:
        queries = _fingerprint_queries(unit)
        for label, sql, params in queries.rows:
            cursor.execute(sql, params)
            rows[label] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in cursor.fetchall()]
        if audit:
            cursor.execute(queries.audit_sql)
            rows.update(zip(queries.audit_labels, cursor.fetchone(), strict=True))
    return rows


@dataclass(frozen=True)
class _FingerprintQueries:
    rows: list[tuple[str, str, tuple[Any, ...]]]  # label, SQL, parameters
    audit_labels: list[str]
    audit_sql: str


_fingerprint_compiled: dict[tuple[str, Any], _FingerprintQueries] = {}


def _fingerprint_queries(unit: Unit) -> _FingerprintQueries:
    """The SQL of `fingerprint` for `unit` on the default database, compiled by the ORM once
    (the unit's key is in it; no citizen's data is)."""
    key = (connection.alias, unit.pk)
    if key not in _fingerprint_compiled:
        rows = []
        for model, fk in _unit_fk_models():
            if issubclass(model, AuditEventBase):
                continue
            columns = [f.attname for f in model._meta.concrete_fields]
            query = model.objects.filter(**{fk: unit}).order_by("pk").values_list(*columns).query
            sql, params = query.get_compiler(using=connection.alias).as_sql()
            rows.append((f"{model._meta.label}.{fk}", sql, tuple(params)))
        audited = [m for m in apps.get_models() if issubclass(m, AuditEventBase)]
        quote = connection.ops.quote_name
        counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in audited)  # noqa: S608 (names from the models)
        _fingerprint_compiled[key] = _FingerprintQueries(
            rows=rows, audit_labels=[f"audit:{m._meta.label}" for m in audited], audit_sql=f"SELECT {counts}"
        )
    return _fingerprint_compiled[key]


def audit_rows_since(since: dict[str, int]) -> list[AuditEventBase]:
    """The audit rows written after `since` (highest pk per audit table)."""
    new: list[AuditEventBase] = []
    for model in apps.get_models():
        if issubclass(model, AuditEventBase):
            new.extend(model.objects.filter(pk__gt=since.get(model._meta.label, 0)))
    return new


def audit_high_water() -> dict[str, int]:
    marks: dict[str, int] = {}
    for model in apps.get_models():
        if issubclass(model, AuditEventBase):
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            marks[model._meta.label] = last or 0
    return marks


def today() -> date:
    return timezone.localdate()
