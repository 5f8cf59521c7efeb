"""The report as a paragraph of Vietnamese prose, in the style of the leaders' articles:

"Tổng số đã tiếp 1.645 lượt công dân, trong đó, quận tiếp 1.248 lượt (lãnh đạo quận tiếp
39 lượt), phường tiếp 397 lượt (lãnh đạo các phường tiếp 47 lượt). Không có khiếu nại, tố cáo
đông người vượt cấp. Đã tiếp nhận 737 đơn, giảm 9% so với cùng kỳ 2018; …"

Pure functions of the report figures (the dict `compile_figures` returns).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .formatting import vi_int, vi_pct

# The word a unit's kind goes by in prose, and the order words are listed in.
KIND_WORDS: dict[str, str] = {
    "thanh_pho_tw": "thành phố",
    "tinh": "tỉnh",
    "quan": "quận",
    "huyen": "huyện",
    "thi_xa": "thị xã",
    "thanh_pho": "thành phố",
    "phuong": "phường",
    "xa": "xã",
    "thi_tran": "thị trấn",
    "dac_khu": "đặc khu",
}
KIND_ORDER = list(KIND_WORDS)
# When a level mixes kinds (or none is known), the law's generic name of the level.
LEVEL_WORDS: dict[str, str] = {"province": "tỉnh", "district": "huyện", "commune": "xã"}


def kind_words(level: str, kinds: Sequence[str]) -> list[str]:
    known = sorted({k for k in kinds if k in KIND_WORDS}, key=KIND_ORDER.index)
    words: list[str] = []
    for kind in known:
        if KIND_WORDS[kind] not in words:
            words.append(KIND_WORDS[kind])
    return words or [LEVEL_WORDS.get(level, "xã")]


def level_noun(level: str, kinds: Sequence[str]) -> str:
    """'quận', 'phường', or 'phường, xã' when a level mixes kinds."""
    return ", ".join(kind_words(level, kinds))


def level_tier(level: str, kinds: Sequence[str]) -> str:
    """The word after 'cấp': 'quận', 'phường'; the generic 'xã'/'huyện' when kinds are mixed."""
    words = kind_words(level, kinds)
    return words[0] if len(words) == 1 else LEVEL_WORDS.get(level, words[0])


def _kinds_of(entry: Mapping[str, Any], unit: Mapping[str, Any]) -> list[str]:
    if entry["level"] == unit["level"]:
        return [unit.get("kind") or ""]
    return list(entry.get("kinds") or [])


def _cap(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def reception_sentences(figures: Mapping[str, Any]) -> list[str]:
    unit, reception = figures["unit"], figures["reception"]
    if reception["visits"] == 0:
        return ["Trong kỳ, không có lượt công dân nào đến được tiếp."]
    parts = []
    for entry in reception["levels"]:
        own = entry["level"] == unit["level"]
        noun = level_noun(entry["level"], _kinds_of(entry, unit))
        leaders = f"lãnh đạo {noun}" if own else f"lãnh đạo các {noun}"
        head = (
            f"{leaders} tiếp {vi_int(entry['head_visits'])} lượt"
            if entry["head_visits"]
            else f"không có lượt nào do {leaders} tiếp"
        )
        parts.append((noun, entry["visits"], head))
    total = f"Tổng số đã tiếp {vi_int(reception['visits'])} lượt công dân"
    if len(parts) == 1:
        sentences = [f"{total} ({parts[0][2]})."]
    else:
        split = ", ".join(f"{noun} tiếp {vi_int(visits)} lượt ({head})" for noun, visits, head in parts)
        sentences = [f"{total}, trong đó, {split}."]
    if reception["delegations"]:
        sentences.append(
            f"Tiếp {vi_int(reception['delegations'])} đoàn đông người ({vi_int(reception['delegation_people'])} người)."
        )
    return sentences


def _same_period_label(figures: Mapping[str, Any]) -> str:
    previous = figures["previous_period"]
    start_year, end_year = previous["from"][:4], previous["to"][:4]
    return f"cùng kỳ {end_year}" if start_year == end_year else "cùng kỳ năm trước"


def petition_sentences(figures: Mapping[str, Any]) -> list[str]:
    petitions = figures["petitions"]
    same_period = _same_period_label(figures)
    sentences = []
    crowd = petitions["crowd_over_level"]
    sentences.append(
        "Không có khiếu nại, tố cáo đông người vượt cấp."
        if crowd == 0
        else f"Có {vi_int(crowd)} đơn đông người vượt cấp."
    )
    received, previous = petitions["received"], petitions["received_previous"]
    if received == 0:
        sentences.append(
            f"Không tiếp nhận đơn nào ({same_period}: {vi_int(previous)} đơn)."
            if previous
            else "Không tiếp nhận đơn nào."
        )
    else:
        pct = petitions["change_pct"]
        if pct is None:
            versus = f" ({same_period} không có đơn)"
        elif pct == 0:
            versus = f", bằng {same_period}"
        else:
            word = "giảm" if pct < 0 else "tăng"
            versus = f", {word} {vi_pct(abs(Decimal(str(pct))))} so với {same_period}"
        sentences.append(
            f"Đã tiếp nhận {vi_int(received)} đơn{versus}; đã giải quyết: {vi_int(petitions['resolved'])} đơn; "
            f"đang giải quyết: {vi_int(petitions['in_progress'])} đơn."
        )
    decided = petitions.get("cases")
    if decided and decided["to_resolve"]:
        sentences.append(
            "Đã ban hành quyết định giải quyết khiếu nại, kết luận giải quyết tố cáo "
            f"{vi_int(decided['decided'])}/{vi_int(decided['to_resolve'])} vụ, "
            f"đạt {vi_pct(decided['decided_pct'])}."
        )
    cases = petitions["complaint_cases"]
    if cases["to_resolve"]:
        sentences.append(
            f"Tổng số vụ việc khiếu nại phải giải quyết {vi_int(cases['to_resolve'])} vụ việc, trong đó, "
            f"đã giải quyết {vi_int(cases['resolved'])}/{vi_int(cases['to_resolve'])} vụ việc, "
            f"đạt {vi_pct(cases['resolved_pct'])}."
        )
    return sentences


def dialogue_sentences(figures: Mapping[str, Any]) -> list[str]:
    dialogues = figures.get("dialogues")
    if not dialogues or not dialogues["conferences"]:
        return []
    return [
        f"Lãnh đạo các cấp đã tổ chức {vi_int(dialogues['conferences'])} hội nghị đối thoại với "
        f"{vi_int(dialogues['attendees'])} lượt người tham dự."
    ]


def dossier_sentences(figures: Mapping[str, Any]) -> list[str]:
    unit, levels = figures["unit"], figures["dossiers"]["levels"]
    if not levels:
        return ["Không có hồ sơ thủ tục hành chính phải giải quyết."]
    received = sum(e["received"] for e in levels)
    online = sum(e["online"] for e in levels)
    carried = sum(e["carried_over"] for e in levels)
    intake = f"Trong kỳ, tiếp nhận mới {vi_int(received)} hồ sơ thủ tục hành chính"
    if online:
        intake += f", trong đó có {vi_int(online)} hồ sơ trực tuyến"
    if carried:
        intake += f"; kỳ trước chuyển sang {vi_int(carried)} hồ sơ"
    parts = []
    for e in levels:
        tier = f"tại cấp {level_tier(e['level'], _kinds_of(e, unit))}"
        if e["resolved"] == 0:
            parts.append(f"{tier}, chưa giải quyết hồ sơ nào trong số {vi_int(e['to_resolve'])} hồ sơ phải giải quyết")
        else:
            parts.append(
                f"{tier}, đã giải quyết {vi_int(e['resolved'])}/{vi_int(e['to_resolve'])} hồ sơ, trong đó, "
                f"giải quyết đúng hạn {vi_int(e['on_time'])} hồ sơ, "
                f"tỷ lệ giải quyết đúng hạn {vi_pct(e['on_time_pct'])}"
            )
    return [intake + ".", _cap("; ".join(parts)) + "."]


def summary_of(figures: Mapping[str, Any]) -> str:
    """The whole paragraph: reception, dialogue conferences, petitions, then one-stop dossiers by level."""
    return " ".join(
        reception_sentences(figures)
        + dialogue_sentences(figures)
        + petition_sentences(figures)
        + dossier_sentences(figures)
    )
