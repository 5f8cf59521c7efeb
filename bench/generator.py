"""City-scale synthetic data for the benchmark: `manage.py generate_city`.

Writes only the contract fields of CONTRACTS.md (petitions.Case/Petition,
reception.Visit, adminreform.Procedure/Dossier); every other column a domain app
adds later is filled with that field's own default, so the generator keeps
working as the apps grow. On PostgreSQL rows go in with COPY (about 1M dossiers
a minute on 2 cores); elsewhere (the SQLite test database) with bulk_create.

Distributions (documented in docs/performance.md): Hà Nội's 126 communes weighted
by a seeded log-normal size (wards busier than rural communes), the city itself
for a share of dossiers, and before the 1 July 2025 reform the 30 former
districts; weekdays far busier than week-ends, a mild seasonal wave and growth
over the two years; online share rising over time; about 97% of dossiers
resolved on time.
"""

from __future__ import annotations

import io
import json
import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from adminreform.models import Dossier, Procedure
from civicdesk.workdays import WorkCalendar, add_working_days
from core.models import Unit, UnitKind, UnitLevel
from core.selectors import work_calendar
from core.services import REFORM_DATE, UnitRow, units_load_official, units_upsert
from petitions.models import Case, Petition
from reception.models import Visit

HANOI = "01"
CHUNK = 100_000

# Hà Nội's 30 district-level units before 1 July 2025 (GSO codes), kept as
# closed units (valid_to 30/06/2025) so that older records can belong to them.
HANOI_DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("001", "Quận Ba Đình", UnitKind.URBAN_DISTRICT),
    ("002", "Quận Hoàn Kiếm", UnitKind.URBAN_DISTRICT),
    ("003", "Quận Tây Hồ", UnitKind.URBAN_DISTRICT),
    ("004", "Quận Long Biên", UnitKind.URBAN_DISTRICT),
    ("005", "Quận Cầu Giấy", UnitKind.URBAN_DISTRICT),
    ("006", "Quận Đống Đa", UnitKind.URBAN_DISTRICT),
    ("007", "Quận Hai Bà Trưng", UnitKind.URBAN_DISTRICT),
    ("008", "Quận Hoàng Mai", UnitKind.URBAN_DISTRICT),
    ("009", "Quận Thanh Xuân", UnitKind.URBAN_DISTRICT),
    ("016", "Huyện Sóc Sơn", UnitKind.RURAL_DISTRICT),
    ("017", "Huyện Đông Anh", UnitKind.RURAL_DISTRICT),
    ("018", "Huyện Gia Lâm", UnitKind.RURAL_DISTRICT),
    ("019", "Quận Nam Từ Liêm", UnitKind.URBAN_DISTRICT),
    ("020", "Huyện Thanh Trì", UnitKind.RURAL_DISTRICT),
    ("021", "Quận Bắc Từ Liêm", UnitKind.URBAN_DISTRICT),
    ("250", "Huyện Mê Linh", UnitKind.RURAL_DISTRICT),
    ("268", "Quận Hà Đông", UnitKind.URBAN_DISTRICT),
    ("269", "Thị xã Sơn Tây", UnitKind.TOWN),
    ("271", "Huyện Ba Vì", UnitKind.RURAL_DISTRICT),
    ("272", "Huyện Phúc Thọ", UnitKind.RURAL_DISTRICT),
    ("273", "Huyện Đan Phượng", UnitKind.RURAL_DISTRICT),
    ("274", "Huyện Hoài Đức", UnitKind.RURAL_DISTRICT),
    ("275", "Huyện Quốc Oai", UnitKind.RURAL_DISTRICT),
    ("276", "Huyện Thạch Thất", UnitKind.RURAL_DISTRICT),
    ("277", "Huyện Chương Mỹ", UnitKind.RURAL_DISTRICT),
    ("278", "Huyện Thanh Oai", UnitKind.RURAL_DISTRICT),
    ("279", "Huyện Thường Tín", UnitKind.RURAL_DISTRICT),
    ("280", "Huyện Phú Xuyên", UnitKind.RURAL_DISTRICT),
    ("281", "Huyện Ứng Hòa", UnitKind.RURAL_DISTRICT),
    ("282", "Huyện Mỹ Đức", UnitKind.RURAL_DISTRICT),
)

# (code, name, level, processing working days, weight): the busiest one-stop procedures.
PROCEDURES: tuple[tuple[str, str, str, int, int], ...] = (
    ("GEN.001", "Đăng ký khai sinh", UnitLevel.COMMUNE, 1, 14),
    ("GEN.002", "Đăng ký kết hôn", UnitLevel.COMMUNE, 1, 5),
    ("GEN.003", "Đăng ký khai tử", UnitLevel.COMMUNE, 1, 3),
    ("GEN.004", "Chứng thực bản sao từ bản chính", UnitLevel.COMMUNE, 1, 30),
    ("GEN.005", "Chứng thực chữ ký", UnitLevel.COMMUNE, 1, 8),
    ("GEN.006", "Cấp giấy xác nhận tình trạng hôn nhân", UnitLevel.COMMUNE, 3, 5),
    ("GEN.007", "Đăng ký hộ kinh doanh", UnitLevel.COMMUNE, 3, 4),
    ("GEN.008", "Đăng ký biến động quyền sử dụng đất", UnitLevel.COMMUNE, 10, 5),
    ("GEN.009", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", UnitLevel.COMMUNE, 20, 2),
    ("GEN.010", "Cấp giấy phép xây dựng nhà ở riêng lẻ", UnitLevel.COMMUNE, 15, 3),
    ("GEN.011", "Trợ cấp xã hội hằng tháng", UnitLevel.COMMUNE, 7, 2),
    ("GEN.012", "Đăng ký doanh nghiệp", UnitLevel.PROVINCE, 3, 6),
    ("GEN.013", "Cấp phiếu lý lịch tư pháp", UnitLevel.PROVINCE, 10, 5),
    ("GEN.014", "Cấp giấy phép lao động cho người nước ngoài", UnitLevel.PROVINCE, 5, 2),
    ("GEN.015", "Cấp chứng chỉ hành nghề dược", UnitLevel.PROVINCE, 20, 1),
    ("GEN.016", "Thẩm duyệt thiết kế phòng cháy chữa cháy", UnitLevel.PROVINCE, 15, 1),
    ("GEN.017", "Đổi giấy phép lái xe", UnitLevel.PROVINCE, 5, 4),
)

SUBJECTS = (
    "Tranh chấp đất đai với hộ liền kề",
    "Bồi thường giải phóng mặt bằng",
    "Xây dựng trái phép gây lún nứt nhà",
    "Ô nhiễm tiếng ồn từ cơ sở sản xuất",
    "Chậm cấp giấy chứng nhận quyền sử dụng đất",
    "Thái độ của cán bộ tiếp nhận hồ sơ",
    "Chế độ chính sách người có công",
    "Rác thải tồn đọng trên tuyến phố",
    "Lấn chiếm vỉa hè, lòng đường",
    "Quyết định xử phạt vi phạm hành chính",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Hồng")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Lan", "Long", "Mai", "Nam", "Phương", "Tuấn")

KINDS = ("complaint", "denunciation", "recommendation", "feedback")


@dataclass(frozen=True)
class CityPlan:
    dossiers: int
    petitions: int
    visits: int
    today: date
    seed: int = 2026
    province: str = HANOI
    historical: bool = True


@dataclass
class CityResult:
    created: dict[str, int] = field(default_factory=dict)
    communes: int = 0
    districts: int = 0


@dataclass(frozen=True)
class UnitPools:
    """Weighted unit ids to draw from, before and after the reform."""

    province_id: int
    communes: list[int]
    commune_weights: list[float]
    districts: list[int]
    district_weights: list[float]


# --- units and catalogue ----------------------------------------------------------------------


def ensure_units(*, province: str = HANOI, historical: bool = True) -> tuple[Unit, list[Unit], list[Unit]]:
    """The province with its communes (loading the official list when missing) and, for
    Hà Nội, its 30 former districts as closed units. Idempotent."""
    top = Unit.objects.filter(code=province).first()
    if top is None or not Unit.objects.filter(parent=top, level=UnitLevel.COMMUNE).exists():
        units_load_official(province_codes=[province])
        top = Unit.objects.get(code=province)
    if historical and province == HANOI:
        last_day = REFORM_DATE - timedelta(days=1)
        units_upsert(
            rows=[
                UnitRow(
                    code=code, name=name, level=UnitLevel.DISTRICT, parent_code=province, kind=kind, valid_to=last_day
                )
                for code, name, kind in HANOI_DISTRICTS
            ],
            actor=None,
            source="bench.generate_city",
        )
    communes = list(Unit.objects.filter(parent=top, level=UnitLevel.COMMUNE).order_by("code"))
    districts = list(Unit.objects.filter(parent=top, level=UnitLevel.DISTRICT).order_by("code"))
    return top, communes, districts


def ensure_procedures() -> list[tuple[int, int, int]]:
    """The generated procedure catalogue: (id, processing days, weight) per procedure."""
    existing = set(Procedure.objects.filter(code__in=[p[0] for p in PROCEDURES]).values_list("code", flat=True))
    Procedure.objects.bulk_create(
        [
            Procedure(code=code, name=name, field="Tổng hợp", level=level, processing_days=days)
            for code, name, level, days, _weight in PROCEDURES
            if code not in existing
        ]
    )
    ids = dict(Procedure.objects.filter(code__in=[p[0] for p in PROCEDURES]).values_list("code", "id"))
    return [(ids[code], days, weight) for code, _name, _level, days, weight in PROCEDURES]


def unit_pools(top: Unit, communes: Sequence[Unit], districts: Sequence[Unit], rng: random.Random) -> UnitPools:
    def size(unit: Unit) -> float:
        base = rng.lognormvariate(0.0, 0.6)
        return base * (1.6 if unit.kind == UnitKind.WARD else 1.0)

    return UnitPools(
        province_id=top.pk,
        communes=[u.pk for u in communes],
        commune_weights=_cumulative([size(u) for u in communes]),
        districts=[u.pk for u in districts],
        district_weights=_cumulative(
            [size(u) * (1.5 if u.kind == UnitKind.URBAN_DISTRICT else 1.0) for u in districts]
        ),
    )


def _cumulative(weights: Iterable[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def day_weights(start: date, end: date) -> tuple[list[date], list[float]]:
    """Every day of the window with its cumulative weight: weekdays busy, Saturday a
    little (make-up and online), Sunday almost nothing, a seasonal wave (busy before
    Tết and mid-year) and 25% growth from the first day to the last."""
    days: list[date] = []
    weights: list[float] = []
    span = max((end - start).days, 1)
    for offset in range(span + 1):
        day = start + timedelta(days=offset)
        base = (1.0, 1.0, 1.0, 1.0, 1.0, 0.15, 0.02)[day.weekday()]
        season = 1.0 + 0.15 * math.sin(2 * math.pi * (day.timetuple().tm_yday / 365.0))
        growth = 1.0 + 0.25 * offset / span
        days.append(day)
        weights.append(base * season * growth)
    return days, _cumulative(weights)


# --- rows ---------------------------------------------------------------------------------------


class _Draw:
    """Shared drawing helpers over one seeded generator."""

    def __init__(self, plan: CityPlan, pools: UnitPools, rng: random.Random) -> None:
        self.plan = plan
        self.pools = pools
        self.rng = rng
        self.start = plan.today - timedelta(days=729)
        self.days, self.day_cw = day_weights(self.start, plan.today)

    def days_sample(self, n: int) -> list[date]:
        return self.rng.choices(self.days, cum_weights=self.day_cw, k=n)

    def unit(self, day: date, upper_share: float) -> int:
        """A commune most of the time; the city (after the reform) or a former district
        (before it) for `upper_share` of the records."""
        rng, pools = self.rng, self.pools
        if rng.random() < upper_share:
            if day < REFORM_DATE and self.plan.historical and pools.districts:
                return rng.choices(pools.districts, cum_weights=pools.district_weights)[0]
            return pools.province_id
        return rng.choices(pools.communes, cum_weights=pools.commune_weights)[0]

    def name(self) -> str:
        rng = self.rng
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


class DueDates:
    """Due date = received + the procedure's working days, on the real calendar (Tết and
    public holidays off), memoised per (day, amount)."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.cache: dict[tuple[date, int], date] = {}

    def __call__(self, day: date, amount: int) -> date:
        key = (day, amount)
        due = self.cache.get(key)
        if due is None:
            due = self.cache[key] = add_working_days(day, amount, calendar=self.calendar)
        return due


DOSSIER_FIELDS = ("unit_id", "ref", "received_on", "procedure_id", "channel", "due_on", "resolved_on", "outcome")


def dossier_rows(draw: _Draw, n: int, prefix: str, procedures: Sequence[tuple[int, int, int]]) -> Iterator[tuple]:
    rng, today = draw.rng, draw.plan.today
    due_for = DueDates(work_calendar(start=draw.start, end=today + timedelta(days=90)))
    proc_cw = _cumulative(p[2] for p in procedures)
    span = (today - draw.start).days or 1
    seq = 0
    while seq < n:
        size = min(CHUNK, n - seq)
        for day in draw.days_sample(size):
            seq += 1
            proc_id, amount, _w = rng.choices(procedures, cum_weights=proc_cw)[0]
            due = due_for(day, amount)
            online_share = 0.30 + 0.30 * (day - draw.start).days / span
            r = rng.random()
            channel = "online" if r < online_share else ("post" if r > 0.97 else "counter")
            resolved: date | None = None
            if rng.random() < (0.985 if due < today else 0.45):
                if rng.random() < 0.968:  # on time (early included)
                    resolved = day + timedelta(days=rng.randint(0, max((due - day).days, 0)))
                else:
                    resolved = due + timedelta(days=rng.randint(1, 15))
                if resolved > today:
                    resolved = None
            o = rng.random()
            outcome = "granted" if o < 0.95 else ("refused" if o < 0.98 else "withdrawn")
            yield (draw.unit(day, 0.08), f"{prefix}D{seq:09d}", day, proc_id, channel, due, resolved, outcome)


PETITION_FIELDS = (
    "unit_id",
    "ref",
    "received_on",
    "kind",
    "channel",
    "signers",
    "anonymous",
    "over_level",
    "outcome",
    "competent",
    "case_id",
    "resolved_on",
    "subject",
)
CASE_FIELDS = ("unit_id", "ref", "kind", "subject")


def petition_rows(draw: _Draw, n: int, prefix: str) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Chunks of (cases, petitions); a petition's case_id holds its case's ref until the
    writer swaps it for the id. Accepted complaints form cases, a quarter of them
    joining the unit's previous case (the same matter filed again)."""
    rng, today = draw.rng, draw.plan.today
    seq = 0
    case_seq = 0
    while seq < n:
        size = min(CHUNK, n - seq)
        cases: list[tuple] = []
        petitions: list[tuple] = []
        last_case: dict[int, str] = {}
        for day in draw.days_sample(size):
            seq += 1
            unit = draw.unit(day, 0.25)
            kind = rng.choices(KINDS, cum_weights=(35, 45, 90, 100))[0]
            channel = rng.choices(("online", "in_person", "post", "forwarded"), cum_weights=(25, 55, 90, 100))[0]
            s = rng.random()
            signers = 1 if s < 0.95 else (rng.randint(2, 4) if s < 0.97 else rng.randint(5, 60))
            anonymous = kind in ("denunciation", "feedback") and rng.random() < 0.08
            over_level = rng.random() < 0.06
            if anonymous and kind == "denunciation":
                outcome = "no_action"
            elif kind in ("complaint", "denunciation"):
                outcome = rng.choices(
                    ("accepted", "refused", "guided", "transferred", "urged", "filed"),
                    cum_weights=(40, 45, 70, 85, 90, 100),
                )[0]
            else:
                outcome = rng.choices(
                    ("accepted", "guided", "transferred", "filed", ""), cum_weights=(15, 45, 70, 90, 100)
                )[0]
            competent = True if outcome == "accepted" else (None if outcome == "" else rng.random() < 0.3)
            subject = rng.choice(SUBJECTS)
            case_ref: str | None = None
            if outcome == "accepted" and kind == "complaint":
                if unit in last_case and rng.random() < 0.25:
                    case_ref = last_case[unit]
                else:
                    case_seq += 1
                    case_ref = f"{prefix}C{case_seq:09d}"
                    cases.append((unit, case_ref, kind, subject))
                    last_case[unit] = case_ref
            resolved: date | None = None
            age = (today - day).days
            if outcome and rng.random() < (0.9 if age > 60 else 0.35):
                resolved = day + timedelta(days=rng.randint(3, 60))
                if resolved > today:
                    resolved = None
            petitions.append(
                (
                    unit,
                    f"{prefix}P{seq:09d}",
                    day,
                    kind,
                    channel,
                    signers,
                    anonymous,
                    over_level,
                    outcome,
                    competent,
                    case_ref,
                    resolved,
                    subject,
                )
            )
        yield cases, petitions


VISIT_FIELDS = (
    "unit_id",
    "ref",
    "received_on",
    "people",
    "received_by",
    "kind",
    "repeat",
    "citizen_name",
    "content",
    "petition_ref",
)


def visit_rows(draw: _Draw, n: int, prefix: str) -> Iterator[tuple]:
    rng = draw.rng
    seq = 0
    while seq < n:
        size = min(CHUNK, n - seq)
        for day in draw.days_sample(size):
            seq += 1
            people = rng.randint(1, 3) if rng.random() < 0.95 else rng.randint(5, 40)
            received_by = rng.choices(("staff", "head", "delegate"), cum_weights=(80, 92, 100))[0]
            kind = rng.choices((*KINDS, ""), cum_weights=(30, 40, 75, 90, 100))[0]
            yield (
                draw.unit(day, 0.15),
                f"{prefix}V{seq:09d}",
                day,
                people,
                received_by,
                kind,
                rng.random() < 0.12,
                draw.name(),
                rng.choice(SUBJECTS),
                "",
            )


# --- writers ------------------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _filler(f: models.Field, now: datetime) -> Callable[[], Any] | None:
    """How to fill a column the generator does not write: None means leave it to the
    database (its own db_default); otherwise a function giving the value."""
    if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
        return None
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return lambda: now
    if f.has_default() and callable(f.default):
        first, second = f.get_default(), f.get_default()
        if first == second:
            return lambda: first
        return f.get_default  # e.g. a random tracking code: one per row
    value = f.get_default()
    if value is None and not f.null:
        raise ValueError(
            f"{f.model.__name__}.{f.name} has no default: the generator cannot fill it. "
            "Give the field a default or teach bench/generator.py its value."
        )
    return lambda: value


def write_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert rows (tuples in `fields` order, attnames) in chunks; returns the count."""
    if connection.vendor == "postgresql":
        return _copy_rows(model, fields, rows)
    return _bulk_rows(model, fields, rows)


def _copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    now = timezone.now()
    extra: list[tuple[str, Callable[[], Any]]] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in fields:
            continue
        fill = _filler(f, now)
        if fill is not None:
            extra.append((f.column, fill))
    columns = [model._meta.get_field(name.removesuffix("_id")).column for name in fields] + [c for c, _ in extra]
    fills = [fill for _, fill in extra]
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) FROM STDIN"
    count = 0
    buffer = io.StringIO()
    pending = 0

    def flush() -> None:
        buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.copy_expert(sql, buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        values = [*row, *(fill() for fill in fills)] if fills else row
        buffer.write("\t".join(map(_copy_text, values)))
        buffer.write("\n")
        count += 1
        pending += 1
        if pending >= CHUNK:
            flush()
            pending = 0
    if pending:
        flush()
    return count


def _bulk_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    count = 0
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= 2000:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def _write_petitions(draw: _Draw, n: int, prefix: str) -> tuple[int, int]:
    cases_total = petitions_total = 0
    case_at = PETITION_FIELDS.index("case_id")
    for cases, petitions in petition_rows(draw, n, prefix):
        cases_total += write_rows(Case, CASE_FIELDS, cases)
        ids = dict(Case.objects.filter(ref__in=[c[1] for c in cases]).values_list("ref", "id")) if cases else {}
        rows = [(*p[:case_at], ids.get(p[case_at]), *p[case_at + 1 :]) for p in petitions]
        petitions_total += write_rows(Petition, PETITION_FIELDS, rows)
    return cases_total, petitions_total


# --- the whole city -----------------------------------------------------------------------------


def reset_city() -> None:
    """Delete every dossier, petition, case and visit (the bench database only)."""
    if connection.vendor == "postgresql":
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name and not name.startswith("test_"):
            raise ValueError(f"Refusing to wipe {name!r}: --reset only runs on a database named *bench* (or test_*).")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        tables = [m._meta.db_table for m in (Dossier, Petition, Case, Visit)]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        return
    for model in (Dossier, Petition, Case, Visit):
        model.objects.all().delete()


GENERATED_REF = r"^G[0-9]{6}[DPCV][0-9]{9}$"


def generated_count(model: type[models.Model]) -> int:
    """Rows this generator wrote (its references), not those the benchmark filed or imported."""
    return int(model._default_manager.filter(ref__regex=GENERATED_REF).count())


def generate_city(plan: CityPlan, *, log: Callable[[str], None] = lambda _msg: None) -> CityResult:
    """Top the generated rows up to the planned counts, so running it twice with the
    same sizes adds nothing the second time."""
    rng = random.Random(plan.seed)
    top, communes, districts = ensure_units(province=plan.province, historical=plan.historical)
    procedures = ensure_procedures()
    pools = unit_pools(top, communes, districts, rng)
    draw = _Draw(plan, pools, rng)
    # A run token keeps references unique when topping up an existing city.
    prefix = f"G{int(timezone.now().timestamp()) % 1_000_000:06d}"
    result = CityResult(communes=len(communes), districts=len(districts))

    missing = plan.dossiers - generated_count(Dossier)
    if missing > 0:
        log(f"dossiers: writing {missing:,}")
        result.created["dossiers"] = write_rows(
            Dossier, DOSSIER_FIELDS, dossier_rows(draw, missing, prefix, procedures)
        )
    missing = plan.petitions - generated_count(Petition)
    if missing > 0:
        log(f"petitions: writing {missing:,}")
        result.created["cases"], result.created["petitions"] = _write_petitions(draw, missing, prefix)
    missing = plan.visits - generated_count(Visit)
    if missing > 0:
        log(f"visits: writing {missing:,}")
        result.created["visits"] = write_rows(Visit, VISIT_FIELDS, visit_rows(draw, missing, prefix))
    if connection.vendor == "postgresql" and result.created:
        # Fresh statistics for the planner; VACUUM also sets the visibility map so
        # index-only scans work as they would on a settled production table.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        log(command.lower())
        with connection.cursor() as cursor:
            for model in (Unit, Procedure, Dossier, Petition, Case, Visit):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return result
