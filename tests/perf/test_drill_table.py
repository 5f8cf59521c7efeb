"""The drill-through table drawn in Python (reports.fastpath, P8) is the markup the template
drew from whole records: same headings, cells, labels, dates and numbers in both languages,
every value escaped. `REFERENCE` is that template, kept here as the twin the fast path must
match."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from reception.models import DialogueConference
from reports.drill import FIGURES, drill_all, drill_rows
from reports.fastpath import drill_head_html, drill_rows_html
from reports.periods import Period
from tests.reports.factories import dossiers, petitions, save, visits

pytestmark = pytest.mark.django_db

REFERENCE = Template(
    """{% load i18n %}<tr>
    <th scope="col">{% translate "Reference" %}</th><th scope="col">{% translate "Unit" %}</th>
    {% if model == "dialogueconference" %}<th scope="col">{% translate "Held on" %}</th>
      <th scope="col" class="text-end">{% translate "Attendees" %}</th><th scope="col">{% translate "Topic" %}</th>
    {% else %}<th scope="col">{% translate "Received on" %}</th>{% endif %}
    {% if model == "dialogueconference" %}
    {% elif model == "visit" %}<th scope="col">{% translate "Received by" %}</th>
      <th scope="col" class="text-end">{% translate "People" %}</th>
      <th scope="col">{% translate "Matter raised before" %}</th>
    {% elif model == "petition" %}<th scope="col">{% translate "Kind" %}</th>
      <th scope="col">{% translate "Status" %}</th>
      <th scope="col">{% translate "Deadline" %}</th><th scope="col">{% translate "Resolved on" %}</th>
    {% else %}<th scope="col">{% translate "Due on" %}</th><th scope="col">{% translate "Resolved on" %}</th>
      <th scope="col">{% translate "Satisfaction" %}</th>{% endif %}</tr>
  {% for row in rows %}<tr class="drill-row"><th scope="row" class="fw-normal text-nowrap">{{ row.ref }}</th>
      <td>{{ row.unit.name }}</td>
      {% if model == "dialogueconference" %}<td>{{ row.held_on|date:"SHORT_DATE_FORMAT" }}</td>
        <td class="text-end">{{ row.attendees }}</td><td class="drill-topic">{{ row.topic|default:"—" }}</td>
      {% else %}<td>{{ row.received_on|date:"SHORT_DATE_FORMAT" }}</td>{% endif %}
      {% if model == "dialogueconference" %}
      {% elif model == "visit" %}<td>{{ row.get_received_by_display }}</td><td class="text-end">{{ row.people }}</td>
        <td>{% if row.repeat %}{% translate "yes" %}{% else %}{% translate "no" %}{% endif %}</td>
      {% elif model == "petition" %}<td>{{ row.get_kind_display }}</td><td>{{ row.get_status_display }}</td>
        <td>{{ row.due_on|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
        <td>{{ row.resolved_on|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
      {% else %}<td>{{ row.due_on|date:"SHORT_DATE_FORMAT" }}</td>
        <td>{{ row.resolved_on|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
        <td>{{ row.get_rating_score_display|default:"—" }}</td>{% endif %}</tr>
  {% endfor %}"""
)

Q1 = Period(date(2024, 1, 1), date(2024, 3, 31))


def _squeeze(markup: str) -> str:
    return "".join(line.strip() for line in markup.splitlines())


@pytest.fixture
def records(city, commune, other_commune):
    hostile = visits(commune, 1, on=date(2024, 2, 11), received_by="head", people=1234, repeat=True)
    hostile[0].ref = '<b>"TCD" & co</b>'
    save(
        hostile + visits(other_commune, 2, on=date(2024, 1, 10)),
        petitions(commune, 2, on=date(2024, 2, 1), resolved_on=date(2024, 2, 9))
        + petitions(other_commune, 2, on=date(2024, 3, 1), kind="denunciation"),
        dossiers(commune, 3, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 8))
        + dossiers(other_commune, 2, on=date(2024, 1, 3), due=date(2024, 1, 9), resolved_on=date(2024, 1, 19)),
    )
    DialogueConference.objects.bulk_create(
        [
            DialogueConference(unit=commune, ref="DT-1", held_on=date(2024, 1, 20), attendees=1500, topic="Đất <đai>"),
            DialogueConference(unit=other_commune, ref="DT-2", held_on=date(2024, 2, 2), attendees=0),
        ]
    )
    from adminreform.models import Dossier

    Dossier.objects.filter(pk=Dossier.objects.order_by("pk").values("pk")[:1]).update(rating_score=2)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("figure", "level"),
    [("visits", ""), ("petitions_received", ""), ("dialogues", ""), ("dossiers_resolved", "commune")],
)
def test_the_fast_table_is_the_templates(records, city, figure, level, language):
    spec = FIGURES[figure]
    today = date(2024, 4, 1)
    records_shown = list(
        drill_all(figure=figure, unit=city, period=Q1, today=today, level=level)
        .select_related("unit")
        .order_by(f"-{spec.date_field}", "-pk")
    )
    assert records_shown, "the fixture gives every figure rows"
    with translation.override(language):
        reference = REFERENCE.render(Context({"rows": records_shown, "model": spec.model._meta.model_name}))
        page = drill_rows(figure=figure, unit=city, period=Q1, today=today, level=level)
        fast = f"<tr>{drill_head_html(spec.model)}</tr>{drill_rows_html(spec.model, page.rows)}"
    assert _squeeze(fast) == _squeeze(reference)


def test_every_value_is_escaped(records, city):
    page = drill_rows(figure="visits", unit=city, period=Q1, today=date(2024, 4, 1))
    with translation.override("vi"):
        markup = drill_rows_html(FIGURES["visits"].model, page.rows)
    assert "<b>" not in markup and "&lt;b&gt;&quot;TCD&quot; &amp; co&lt;/b&gt;" in markup
    assert '<td class="text-end">1.234</td>' in markup
    page = drill_rows(figure="dialogues", unit=city, period=Q1, today=date(2024, 4, 1))
    assert "Đất &lt;đai&gt;" in drill_rows_html(FIGURES["dialogues"].model, page.rows)
