"""A tiny HTTP client with cookies, and HTML form discovery and filling, for the
harness's set-up steps (log in, fetch the filing form, a trial submission)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Response:
    status: int
    body: str
    location: str = ""


class Client:
    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=self.timeout) as resp:
                return Response(resp.status, resp.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode("utf-8", "replace"), exc.headers.get("Location", ""))

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self._open(urllib.request.Request(self.base_url + path, headers=headers or {}))  # noqa: S310

    def post(self, path: str, data: list[tuple[str, str]] | str) -> Response:
        body = data if isinstance(data, str) else urllib.parse.urlencode(data)
        request = urllib.request.Request(  # noqa: S310 - base_url is http://127.0.0.1:<port>
            self.base_url + path,
            data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base_url + path},
        )
        return self._open(request)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def cookie_header(self, *names: str) -> str:
        """The Cookie header for the jar's cookies (only `names` when given)."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if not names or c.name in names)


@dataclass
class Control:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    selected: str | None = None


@dataclass
class Form:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form.controls.append(
                Control("input", a["name"], a.get("type", "text").lower(), a.get("value", ""), a)
            )
        elif tag == "select" and a.get("name"):
            self._select = Control("select", a["name"], "select", attrs=a)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.selected = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = Control("textarea", a["name"], "textarea", attrs=a)
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def main_form(html: str) -> Form | None:
    """The page's main form: the one with the most named controls, language switcher aside."""
    forms = [f for f in parse_forms(html) if "setlang" not in f.action and "i18n" not in f.action]
    return max(forms, key=lambda f: len(f.controls), default=None)


HONEYPOT = re.compile(r"honeypot|^hp_|_hp$|website|homepage|^url$|fax|nickname|leave_?blank|trap", re.I)
IDEMPOTENCY = re.compile(r"idempot|nonce|submission_key|form_key|request_id", re.I)
IDEM_PLACEHOLDER = "__IDEM__"


def _text_for(control: Control) -> str:
    name = control.name.lower()
    if control.tag == "textarea" or re.search(r"content|noi_dung|body|detail|description", name):
        value = "Đề nghị kiểm tra việc lấn chiếm vỉa hè trước số 1 Tràng Tiền (dữ liệu đo hiệu năng, không xử lý)."
    elif control.type == "email" or "email" in name:
        value = "bench@example.com"
    elif control.type == "tel" or re.search(r"phone|dien_thoai|mobile|sdt", name):
        value = "0912345678"
    elif control.type == "date" or re.search(r"date|_on$|ngay", name):
        value = date.today().isoformat()
    elif control.type == "number":
        # an optional number (a map point's latitude) stays empty: any guess may be out of its range
        value = (control.attrs.get("min") or "1") if "required" in control.attrs else ""
    elif re.search(r"cccd|cmnd|id_number|identity|citizen_id", name):
        value = "001090012345"
    elif re.search(r"(^|_)(name|ho_ten|ten)($|_)", name):
        value = "Nguyễn Văn An"
    elif re.search(r"address|dia_chi", name):
        value = "1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội"
    else:
        value = "Kiểm thử hiệu năng"
    minimum = int(control.attrs.get("minlength") or 0)
    if len(value) < minimum:
        value = (value + " ") * (minimum // max(len(value), 1) + 1)
    maximum = int(control.attrs.get("maxlength") or 0)
    return value[:maximum] if maximum else value


def fill_form(form: Form, overrides: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Plausible values for every control: hidden values kept (the CSRF token), the
    idempotency key replaced by a placeholder the wrk script makes unique, honeypots
    left empty, the first real option of each select, required and consent boxes
    ticked, typed text for the rest. `overrides` (name -> value) win."""
    overrides = overrides or {}
    data: list[tuple[str, str]] = []
    radios_done: set[str] = set()
    for c in form.controls:
        if c.name in overrides:
            if c.type != "radio" or c.name not in radios_done:
                data.append((c.name, overrides[c.name]))
                radios_done.add(c.name)
            continue
        if c.type in ("submit", "button", "reset", "image", "file"):
            continue
        if c.type == "hidden":
            data.append((c.name, IDEM_PLACEHOLDER if IDEMPOTENCY.search(c.name) else c.value))
        elif HONEYPOT.search(c.name) or c.attrs.get("tabindex") == "-1" or c.attrs.get("aria-hidden") == "true":
            data.append((c.name, ""))
        elif c.type == "checkbox":
            if "required" in c.attrs or "checked" in c.attrs or re.search(r"consent|agree|dong_y|accept", c.name, re.I):
                data.append((c.name, c.value or "on"))
        elif c.type == "radio":
            if c.name not in radios_done:
                data.append((c.name, c.value))
                radios_done.add(c.name)
        elif c.tag == "select":
            choice = c.selected if c.selected else next((o for o in c.options if o), "")
            data.append((c.name, choice))
        elif IDEMPOTENCY.search(c.name):
            data.append((c.name, IDEM_PLACEHOLDER))
        else:
            data.append((c.name, c.value.strip() or _text_for(c)))
    for name, value in overrides.items():
        if not any(c.name == name for c in form.controls):
            data.append((name, value))
    return data


FIELD_ERROR = re.compile(r'<[^>]+class="[^"]*(?:is-invalid|errorlist|invalid-feedback)[^"]*"[^>]*>', re.I)


def form_errors(html: str) -> list[str]:
    """Names of the controls a re-rendered form marks invalid (crispy-forms / Django)."""
    names = re.findall(r'<(?:input|select|textarea)[^>]*class="[^"]*is-invalid[^"]*"[^>]*name="([^"]+)"', html)
    names += re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*class="[^"]*is-invalid', html)
    if not names and FIELD_ERROR.search(html):
        names = ["(form)"]
    return sorted(set(names))


TRACKING = (
    re.compile(r'data-tracking-(code|secret)="([^"]+)"'),
    re.compile(r'id="tracking-(code|secret)"[^>]*>\s*([^<\s][^<]*?)\s*<'),
)


def tracking_pair(html: str) -> tuple[str, str] | None:
    """The tracking code and secret a confirmation page shows, marked with
    data-tracking-code / data-tracking-secret attributes or ids tracking-code /
    tracking-secret on the elements holding them."""
    found: dict[str, str] = {}
    for pattern in TRACKING:
        for name, value in pattern.findall(html):
            found.setdefault(name, value)
    if "code" in found and "secret" in found:
        return found["code"], found["secret"]
    return None
