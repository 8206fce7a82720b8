"""Put the mentions of one document together: the order in which the context rules run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from kg.extract.context import (
    Adopters,
    AdoptionFact,
    Context,
    Facts,
    ResolvedAgency,
    Sections,
)
from kg.extract.mechanisms import MechanismMention
from kg.extract.places import RegionMention, find_local_regions
from kg.extract.policies import Title

__all__ = ["PolicyFact", "DocumentFacts", "resolve_document"]


@dataclass
class PolicyFact:
    title: str
    issuer: str | None
    number: str | None
    role: str
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class DocumentFacts(Facts):
    policies: list[PolicyFact] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    mechanisms: list[MechanismMention] = field(default_factory=list)


def resolve_document(context: Context, text: str, data: dict[str, Any]) -> DocumentFacts:
    """Run the context rules over the mentions the components found in ``text``."""
    facts = DocumentFacts()
    lines, furniture = context.layout(text)
    found = context.title_at(lines)
    if found is not None and found[0] > 0:
        # what stands above the title is the page's, not the document's (a banner of links)
        chrome = set(context.page_chrome(lines, found[0]))
        furniture = sorted(furniture + [lines[i][:2] for i in chrome])
        lines = [line for i, line in enumerate(lines) if i not in chrome]
    keep = _outside(furniture)
    regions = [r for r in data["regions"] if keep(r)]
    agencies = [a for a in data["agencies"] if keep(a)]
    titles: list[Title] = [t for t in data["titles"] if keep(t)]

    facts.title = found[1] if found else None
    head = "\n".join(line for _, _, line in lines[:6])
    facts.genre = context.genre(facts.title, head)
    juris = context.authorship.jurisdiction(
        text, facts.title, lines, regions, agencies, facts.genre
    )
    if juris is None:  # a page that never says whom it speaks for: its site's owner
        juris = context.authorship.site_owner(text, furniture, data["regions"])
    if juris is None:  # or a city it calls by its short name (周口中心城区 … 市政府)
        cities = [r for r in data["region_finder"].find_city_short_names(text) if keep(r)]
        juris = context.authorship.city_by_short_name(text, agencies, cities)
    if juris is not None:
        province = context.region_at_level(juris, "province") or juris
        taken = [(r.start, r.end) for r in regions] + [(t.start - 1, t.end + 1) for t in titles]
        finder = data["region_finder"]
        local = find_local_regions(finder, text, province.code, taken)
        regions = sorted(regions + [r for r in local if keep(r)], key=lambda r: r.start)
        taken += [(r.start, r.end) for r in local]
        partners = finder.find_partners(text, province.code, regions, taken)
        regions = sorted(regions + [r for r in partners if keep(r)], key=lambda r: r.start)
        # a province named only to qualify a place in it (浙江海宁): the place is whose text
        juris = context.authorship.qualified_unit(text, juris, regions) or juris
        regions = [_within(context, r, (juris.code, province.code)) for r in regions]
    facts.jurisdiction = juris
    facts.regions = regions
    facts.agencies = context.resolve_agencies(agencies, juris)
    facts.issuer = None
    # a signature block dates and signs a notice; news and work reports are neither signed so
    block = (
        None
        if facts.genre in ("news", "work-report")
        else context.authorship.signature_block(text, facts.agencies, data["dates"], lines)
    )
    facts.issued, facts.published = context.dates(
        facts.genre, data["dates"], lines, signed=block[1] if block else None
    )
    facts.proposal = data.get("proposal")
    facts.numbers = list(dict.fromkeys(n.number for n in data["numbers"] if keep(n)))
    facts.policies = _policies(context, text, titles, facts.agencies, facts.title)
    if facts.genre == "plan":
        facts.issuer = _plan_issuer(facts)
    if facts.issuer is None:
        facts.issuer = context.authorship.issuer(
            facts.genre, facts.agencies, lines, titles, juris, text
        )
    if facts.issuer is None and block is not None:
        facts.issuer = block[0]  # the signature of a notice above the plan it attaches
    facts.mechanisms = [m for m in data["mechanisms"] if keep(m)]
    facts.adoptions = _adoptions(context, text, facts, data, titles)
    return facts


def _outside(spans: list[tuple[int, int]]) -> Callable[[Any], bool]:
    """A test for a mention that starts outside every span (the page furniture; most texts
    have none, and then every mention passes without a look)."""
    if not spans:
        return lambda mention: True
    return lambda mention: not any(s <= mention.start < e for s, e in spans)


def _within(context: Context, mention: RegionMention, homes: tuple[str, ...]) -> RegionMention:
    """A name shared by several units is the unit inside the document's own region when
    exactly one of them is there: 和平区 of 天津 and of 沈阳 in a 辽宁省 text; 铁西区 of
    沈阳 and of 鞍山 (both in 辽宁省) in a 沈阳市 text. ``homes`` runs from the narrowest
    region (the jurisdiction) to the widest (its province)."""
    if len(mention.codes) < 2:
        return mention
    for home in homes:
        inside = tuple(
            c for c in mention.codes if any(e.code == home for e in context.vocab.chain(c))
        )
        if len(inside) == 1:
            return replace(mention, codes=inside)
    return mention


def _policies(
    context: Context,
    text: str,
    titles: list[Title],
    agencies: list[ResolvedAgency],
    doc_title: str | None,
) -> list[PolicyFact]:
    out: dict[str, PolicyFact] = {}
    last_by_word: dict[str, str] = {}
    citation = context.vocab.cue("citation-words")
    verbs = context.vocab.cue("issuing-verbs")
    back_references = context.vocab.cue("back-reference-titles")
    subject_words = context.vocab.cue("title-subject-words")
    mention_ends = {m.end: a for a in agencies for m in a.mentions}
    standalone = {line.strip() for line in text.split("\n") if 6 <= len(line.strip()) <= 80}
    for title in titles:
        name = title.title
        if name in back_references:
            target = last_by_word.get(name)
            if target:
                out[target].mentions.append((title.start, title.end))
            continue
        before = text[max(0, title.start - 14) : title.start - 1]
        role = "cited" if any(w in before for w in citation) else "mentioned"
        if (
            doc_title and name in doc_title.replace("《", "").replace("》", "")
        ) or name in standalone:
            role = "self"  # the document's own title, or a title reprinted as a heading line
        issuer = _issuer_before(text, title.start - 1, verbs, mention_ends) or _issuer_in_title(
            name, agencies, subject_words
        )
        fact = out.get(name)
        if fact is None:
            fact = out[name] = PolicyFact(name, issuer, title.number, role)
        fact.mentions.append((title.start, title.end))
        fact.number = fact.number or title.number
        fact.issuer = fact.issuer or issuer
        for word in back_references:
            if name.endswith(word):
                last_by_word[word] = name
        inner = name.find("〈")
        if inner >= 0 and name.endswith("》") is False and "〉" in name:
            inner_title = name[inner + 1 : name.index("〉")]
            sub = out.setdefault(inner_title, PolicyFact(inner_title, issuer, title.number, role))
            sub.mentions.append((title.start + inner + 1, title.start + name.index("〉")))
    return list(out.values())


def _issuer_before(
    text: str, open_pos: int, verbs: tuple[str, ...], mention_ends: dict[int, ResolvedAgency]
) -> str | None:
    """``省民政厅印发了《…》``: an agency, then an issuing verb, right before the title."""
    window = text[max(0, open_pos - 8) : open_pos]
    for verb in sorted(verbs, key=len, reverse=True):
        if window.endswith(verb):
            agency = mention_ends.get(open_pos - len(verb))
            if agency is not None:
                return agency.name
    return None


def _issuer_in_title(
    title: str, agencies: list[ResolvedAgency], subject_words: tuple[str, ...]
) -> str | None:
    """``《民政部办公厅 财政部办公厅关于…》``: agencies at the start of the title, right
    before one of ``subject_words`` (cue:title-subject-words)."""
    names = []
    rest = title
    while True:
        rest = rest.lstrip(" 、")
        match = next(
            (
                a
                for a in sorted(agencies, key=lambda a: -len(a.name))
                for s in (a.name, *[m.text for m in a.mentions])
                if rest.startswith(s)
            ),
            None,
        )
        if match is None:
            break
        surface = next(
            s for s in (match.name, *[m.text for m in match.mentions]) if rest.startswith(s)
        )
        names.append(match.name)
        rest = rest[len(surface) :]
    return "、".join(names) if names and rest.startswith(subject_words) else None


def _plan_issuer(facts: DocumentFacts) -> ResolvedAgency | None:
    self_policies = [p for p in facts.policies if p.role == "self" and p.issuer]
    if not self_policies:
        return None
    return next((a for a in facts.agencies if a.name == self_policies[0].issuer), None)


def _adoptions(
    context: Context, text: str, facts: DocumentFacts, data: dict[str, Any], titles: list[Title]
) -> list[AdoptionFact]:
    juris = facts.jurisdiction
    if juris is None:
        return []
    sentences = data["sentences"]
    sections = Sections(context, data["headings"])
    default = context._genre_default.get(facts.genre or "", "implemented")
    out: dict[tuple[str, str, str], AdoptionFact] = {}
    names = [(m.start, m.end) for m in facts.mechanisms]
    adopters = Adopters(context, text, facts.regions, juris, titles, names=names)
    # the sentences are spans of ``text`` (split_sentences), so each is masked by slicing;
    # a mention reads its sentence with the 《titles》 blanked out too (出台了《…三年行动
    # 计划》 plans nothing), except its own title (印发《…“五社联动”试点工作方案》 pilots it)
    spans = [(m.start, m.end) for m in facts.mechanisms]
    masked_names = _mask(text, spans)
    masked_text = _mask(text, spans + [(t.start, t.end) for t in titles])
    si, inside_si = 0, -1
    inside: list[MechanismMention] = []
    for mention in facts.mechanisms:
        while si < len(sentences) and sentences[si].end <= mention.start:
            si += 1
        if si >= len(sentences):
            break
        sentence = sentences[si]
        own = [t for t in titles if t.start <= mention.start and mention.end <= t.end]
        if own:  # the words of its own title count, those of the other titles do not
            masked = _mask(
                masked_names[sentence.start : sentence.end],
                [
                    (max(t.start, sentence.start) - sentence.start, t.end - sentence.start)
                    for t in titles
                    if t not in own and t.start < sentence.end and sentence.start < t.end
                ],
            )
        else:
            masked = masked_text[sentence.start : sentence.end]
        if si != inside_si:  # the mentions of one sentence share the list of them
            inside_si = si
            inside = [m for m in facts.mechanisms if sentence.start <= m.start < sentence.end]
        status = (
            context.sentence_status(masked, at=mention.start - sentence.start)
            or sections.status(mention.start)
            or default
        )
        others = tuple(m.start - sentence.start for m in inside if m is not mention)
        since = context.since(masked, at=mention.start - sentence.start, others=others)
        year = since if since is not None else sections.year(mention.start)
        for code, name in adopters.of(mention, sentence):
            key = (code, mention.label, status)
            previous = out.get(key)
            earlier = since is not None and (
                previous is None or previous.since is None or since < previous.since
            )
            fuller = (
                previous is not None
                and _is_heading(previous.sentence)
                and not _is_heading(sentence)
                and (since is not None or previous.since is None)
            )
            if previous is None or earlier or fuller:
                # evidence: the sentence that gives the (earliest) year, else a body sentence
                # rather than a section heading that only names the mechanism
                out[key] = AdoptionFact(mention, code, name, status, since, sentence, year)
    return list(out.values())


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every span (of a mechanism name, a policy title) blanked out, so that
    words inside a name (…试点行动, …三年行动计划) are not read as status cues."""
    pieces, kept = [], 0  # text[:kept] is in pieces
    for start, end in sorted(spans):
        start = max(start, kept)  # names may overlap
        if start < end:
            pieces += [text[kept:start], "□" * (end - start)]
            kept = end
    pieces.append(text[kept:])
    return "".join(pieces)


def _is_heading(sentence) -> bool:
    """A short line without a sentence end: a heading such as 八、推动“五社联动”多元融合共治."""
    return len(sentence.text) <= 32 and sentence.text[-1] not in "。！？；!?;"
