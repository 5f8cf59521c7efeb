"""The public lookup's answer drawn in Python (`petitions.fastpath.tracking_html`, P2) is the
markup its template fragment drew: same words, dates, sizes and order in both languages, every
value escaped, the reply letter's form with the page's CSRF token. `REFERENCE` is that fragment,
kept here as the twin the fast path must match."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from petitions.fastpath import tracking_html
from petitions.models import Attachment
from petitions.selectors import PublicStep, PublicTracking

REFERENCE = Template(
    """{% load i18n %}<section aria-labelledby="status-heading" class="mb-4">
  <h2 class="h5" id="status-heading">{% blocktranslate with code=tracking.code %}Petition {{ code }}{% endblocktranslate %}</h2>
  <dl class="row">
    <dt class="col-sm-4">{% translate "Kind" %}</dt><dd class="col-sm-8">{{ tracking.kind }}</dd>
    <dt class="col-sm-4">{% translate "Received on" context "petition" %}</dt><dd class="col-sm-8">{{ tracking.received_on|date:"SHORT_DATE_FORMAT" }}</dd>
    <dt class="col-sm-4">{% translate "Status" %}</dt><dd class="col-sm-8" id="tracking-status">{{ tracking.status }}</dd>
    {% if tracking.due_on %}
    <dt class="col-sm-4">{% translate "Current step" %}</dt><dd class="col-sm-8">{{ tracking.step }}</dd>
    <dt class="col-sm-4">{% translate "Due by" %}</dt><dd class="col-sm-8">{{ tracking.due_on|date:"SHORT_DATE_FORMAT" }}</dd>
    {% endif %}
  </dl>
  {% if tracking.result %}
  <section aria-labelledby="answer-heading" class="answer-box mb-3" id="answer">
    <h3 class="h6" id="answer-heading">{% if tracking.is_denunciation %}{% translate "Conclusion of the denunciation" %}{% else %}{% translate "The answer to your petition" %}{% endif %}</h3>
    <p><strong>{{ tracking.result }}</strong> ({{ tracking.resolved_on|date:"SHORT_DATE_FORMAT" }})</p>
    {% if tracking.answer %}<p id="answer-text">{{ tracking.answer|linebreaksbr }}</p>{% endif %}
    {% if tracking.letter %}
    <form method="post" action="{% url 'petitions:track_letter' %}">{% csrf_token %}
      <input type="hidden" name="code" value="{{ tracking.code }}">
      <input type="hidden" name="secret" value="{{ secret }}">
      <button type="submit" class="btn btn-primary" id="download-letter">{% if tracking.is_denunciation %}{% translate "Download the conclusion notice" %}{% else %}{% translate "Download the reply letter" %}{% endif %} ({{ tracking.letter.size|filesizeformat }})</button>
    </form>
    {% endif %}
  </section>
  {% endif %}
  <h3 class="h6">{% translate "What has happened" %}</h3>
  <ol class="timeline">
    {% for step in tracking.timeline %}<li><strong>{{ step.on|date:"SHORT_DATE_FORMAT" }}</strong>: {{ step.text }}</li>{% endfor %}
  </ol>
</section>"""
)

HOSTILE = '<script>alert("x")</script> & \'co\''
TOKEN = "a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ01"


def _running(**changes) -> PublicTracking:
    values = {
        "code": "TC-AB12CD",
        "kind": "Khiếu nại",
        "received_on": date(2026, 3, 2),
        "status": "Đã thụ lý, đang giải quyết",
        "step": "Xác minh",
        "due_on": date(2026, 4, 30),
        "timeline": [
            PublicStep(on=date(2026, 3, 2), text="Đã nhận đơn"),
            PublicStep(on=date(2026, 3, 9), text="Đã thụ lý"),
        ],
    }
    return PublicTracking(**{**values, **changes})


def _letter(size: int) -> Attachment:
    return Attachment(original_name="tra-loi.pdf", mime="application/pdf", size=size, is_reply=True)


CASES = {
    "running": _running(),
    "no deadline": _running(due_on=None, step="", timeline=[]),
    "answered": _running(
        status="Đã giải quyết",
        due_on=None,
        result="Đúng một phần",
        resolved_on=date(2026, 4, 20),
        answer="Dòng một\nDòng <hai> & \"ba\"\r\nDòng bốn",
    ),
    "answered with a letter": _running(
        due_on=None, result="Sai toàn bộ", resolved_on=date(2026, 4, 20), answer="Trả lời", letter=_letter(1_234_567)
    ),
    "a denunciation concluded": _running(
        due_on=None, result="Có vi phạm", resolved_on=date(2026, 5, 2), is_denunciation=True, letter=_letter(900)
    ),
    "every value hostile": PublicTracking(
        code=HOSTILE,
        kind=HOSTILE,
        received_on=date(2026, 1, 1),
        status=HOSTILE,
        step=HOSTILE,
        due_on=date(2026, 1, 2),
        timeline=[PublicStep(on=date(2026, 1, 1), text=HOSTILE)],
        result=HOSTILE,
        resolved_on=date(2026, 1, 3),
        answer=HOSTILE,
        letter=_letter(10),
    ),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("case", CASES)
def test_the_answer_is_the_fragments_markup(case, language):
    tracking = CASES[case]
    with translation.override(language):
        expected = REFERENCE.render(Context({"tracking": tracking, "secret": HOSTILE, "csrf_token": TOKEN}))
        drawn = tracking_html(tracking, secret=HOSTILE, csrf_token=TOKEN)
    assert drawn == expected


def test_every_value_is_escaped():
    drawn = tracking_html(CASES["every value hostile"], secret=HOSTILE, csrf_token=TOKEN)
    assert "<script>" not in drawn
    # The code (heading and form), kind, status, step, result, answer, timeline and secret.
    assert drawn.count("&lt;script&gt;") == 9
