"""Rules as readable text with their citations, for the program listing API and the public program page.

A professional reads "须具有中级以上（含中级）职称 —《丽江市鼓励专业技术人员到基层服务暂行办法》第二条" beside the
rule the platform applies, so rule and article can be checked against each other (Catala's lesson).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .compiler import CompiledPack
from .money import format_money, parse_money

_GROUPS = {
    "all": ("同时满足以下条件：", "All of the following:"),
    "any": ("满足以下任一条件：", "Any of the following:"),
    "not": ("不得符合：", "Must not meet:"),
}
_KINDS = {"annual": ("年度考核", "annual"), "term_end": ("期满考核", "term-end"), "training": ("培训考核", "training")}


@dataclass(frozen=True)
class Line:
    """One line of a described rule: nesting depth, the words in both languages, its citation and rule id."""

    depth: int
    zh: str
    en: str
    cite_zh: str = ""
    cite_en: str = ""
    rule: str | None = None

    def text(self, lang: str = "zh") -> str:
        words, cite = (self.zh, self.cite_zh) if lang == "zh" else (self.en, self.cite_en)
        return "  " * self.depth + (f"{words} — {cite}" if cite else words)


def _sources(pack: dict) -> dict[str, dict]:
    return {s["id"]: s for s in pack.get("jurisdiction", {}).get("sources", []) if isinstance(s, dict) and "id" in s}


def cite_text(cite: Any, sources: dict[str, dict]) -> tuple[str, str]:
    """(zh, en) citation: 《title》第二条 / Title, 第二条."""
    if not isinstance(cite, dict):
        return "", ""
    source = sources.get(cite.get("doc"), {})
    title = source.get("title", cite.get("doc", ""))
    zh_title, en_title = (title.get("zh"), title.get("en")) if isinstance(title, dict) else (title, title)
    article = cite.get("article", "")
    return f"《{zh_title}》{article}", f"{en_title}, {article}"


def describe_criterion(node: Any, pack: dict | CompiledPack, path: str = "", depth: int = 0) -> list[Line]:
    """The lines of a criteria tree, a group's header before its indented parts."""
    if isinstance(pack, CompiledPack):
        pack = pack.pack
    sources = _sources(pack)
    return _describe(node, sources, path, depth)


def _describe(node: Any, sources: dict, path: str, depth: int) -> list[Line]:
    if not isinstance(node, dict):
        return []
    cite_zh, cite_en = cite_text(node.get("cite"), sources)
    message = node.get("message") if isinstance(node.get("message"), dict) else None
    rule = node.get("id") or path
    for group in ("all", "any", "not"):
        if group in node:
            zh, en = (message["zh"], message["en"]) if message else _GROUPS[group]
            children = node[group] if group != "not" else [node[group]]
            lines = [Line(depth, zh, en, cite_zh, cite_en, rule)]
            for n, child in enumerate(children):
                lines += _describe(child, sources, f"{path}/{group}" + (f"/{n}" if group != "not" else ""), depth + 1)
            return lines
    if message:
        return [Line(depth, message["zh"], message["en"], cite_zh, cite_en, rule)]
    words = f"{node.get('fact')} {node.get('op')} {node.get('value')}"
    return [Line(depth, words, words, cite_zh, cite_en, rule)]


def schedule_text(schedule: dict) -> tuple[str, str]:
    first, every = schedule.get("first_after_full_years", 1), schedule.get("then_every_full_years", 1)
    kinds = [_KINDS.get(k, (k, k)) for k in schedule.get("requires_passing", [])]
    zh = f"服务满{first}周年后一次发放第1–{first}年" if first > 1 else "服务满1周年后发放第1年"
    zh += f"，此后每满{every}周年发放一次"
    en = f"after {first} full years, one payment for years 1–{first}" if first > 1 else "after 1 full year, a payment for year 1"
    en += ", then one per further full year" if every == 1 else f", then one per {every} further full years"
    if kinds:
        zh += f"；当年{'或'.join(k[0] for k in kinds)}合格方予发放"
        en += f"; a year is paid only when graded passing in the {' or '.join(k[1] for k in kinds)} assessment"
    voids = [_KINDS.get(k, (k, k)) for k in schedule.get("void_on_failing", [])]
    if voids:
        zh += f"；{'或'.join(k[0] for k in voids)}不合格的，该次补贴整体不予发放"
        en += f"; a failed {' or '.join(k[1] for k in voids)} assessment voids that whole payment"
    return zh, en


def describe_program(pack: dict | CompiledPack, program_id: str) -> dict | None:
    """A program in words: eligibility lines, subsidies (amount, payer, schedule, condition), outcomes."""
    if isinstance(pack, CompiledPack):
        pack = pack.pack
    programs = {p.get("id"): (n, p) for n, p in enumerate(pack.get("programs", []))}
    if program_id not in programs:
        return None
    n, program = programs[program_id]
    sources = _sources(pack)
    components = {c["id"]: c for c in pack.get("subsidy_components", [])}
    payers = {p["id"]: p for p in pack.get("payers", [])}
    at = f"/programs/{n}"
    subsidies = []
    for k, sub in enumerate(program.get("subsidies", [])):
        component = components.get(sub.get("component"), {})
        zh, en = schedule_text(sub.get("schedule", {}))
        cite_zh, cite_en = cite_text(sub.get("cite"), sources)
        subsidies.append({
            "component": sub.get("component"),
            "name": component.get("name"),
            "amount_per_year": format_money(parse_money(component["amount_per_year"])) if "amount_per_year" in component else None,
            "currency": component.get("currency"),
            "payer": component.get("payer"),
            "payer_name": payers.get(component.get("payer"), {}).get("name"),
            "schedule": {"zh": zh, "en": en},
            "when": [asdict(line) for line in _describe(sub.get("when"), sources, f"{at}/subsidies/{k}/when", 0)],
            "cite": {"zh": cite_zh, "en": cite_en},
        })
    outcomes = []
    for outcome in program.get("outcomes", []):
        cite_zh, cite_en = cite_text(outcome.get("cite"), sources)
        outcomes.append({"key": outcome.get("key"), "value": outcome.get("value"), "cite": {"zh": cite_zh, "en": cite_en},
                         "interpretation": outcome.get("interpretation")})
    cite_zh, cite_en = cite_text(program.get("cite"), sources)
    return {
        "id": program_id,
        "name": program.get("name"),
        "kind": program.get("kind"),
        "summary": program.get("summary"),
        "active": program.get("active"),
        "cite": {"zh": cite_zh, "en": cite_en},
        "eligibility": [asdict(line) for line in _describe(program.get("eligibility"), sources, f"{at}/eligibility", 0)],
        "subsidies": subsidies,
        "outcomes": outcomes,
    }
