"""Context rules: what the mentions mean in this document.

Takes the document's title, genre and dates from :mod:`kg.extract.page` (its jurisdiction
and issuer from :mod:`kg.extract.authorship`, which ``Context.authorship`` applies); resolves relative
references (省民政厅 → 河南省民政厅, 我省 → 河南省, 郑州 → 郑州市); and turns mechanism
mentions into adoption events with adopter, status, first year and evidence sentence.
All offsets here are offsets of the extraction view (see :mod:`kg.extract.segment`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from kg.extract.agencies import AgencyMention
from kg.extract.authorship import Authorship, ResolvedAgency
from kg.extract.mechanisms import MechanismMention
from kg.extract.page import PageReader
from kg.extract.places import COMMUNITY_CODE, RegionMention
from kg.extract.policies import Title
from kg.extract.segment import Heading, Sentence
from kg.vocab import RegionEntry, Vocabulary

__all__ = ["Facts", "ResolvedAgency", "AdoptionFact", "Context", "Sections", "Adopters"]

_HEADING_YEAR = re.compile(r"((?:19|20)\d\d)(?=\D)")  # 2023年 in a heading


def _any_word(words: tuple[str, ...]) -> Callable[[str], bool]:
    """A test for ``any(w in text for w in words)``, made one regex search."""
    if not words:
        return lambda text: False
    pattern = re.compile("|".join(map(re.escape, words)))
    return lambda text: pattern.search(text) is not None


def _clause(sentence: str, offset: int) -> str:
    """The clause (between ，；：) of ``sentence`` that contains ``offset``."""
    start = max(sentence.rfind(p, 0, offset) for p in "，,；;：:") + 1
    ends = [i for i in (sentence.find(p, offset) for p in "，,；;：:") if i >= 0]
    return sentence[start : min(ends) if ends else len(sentence)]


@dataclass(frozen=True, slots=True)
class AdoptionFact:
    mechanism: MechanismMention
    adopter_code: str  # region code, or "community:<name>"
    adopter_name: str
    status: str
    since: int | None
    sentence: Sentence
    year: int | None = None


@dataclass
class Facts:
    """Everything the context rules decided about one document."""

    title: str | None = None
    genre: str | None = None
    jurisdiction: RegionEntry | None = None
    issuer: ResolvedAgency | None = None
    issued: str | None = None
    published: str | None = None
    proposal: str | None = None
    regions: list[RegionMention] = field(default_factory=list)
    agencies: list[ResolvedAgency] = field(default_factory=list)
    adoptions: list[AdoptionFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _sections(
    headings: Sequence[Heading],
) -> list[tuple[dict[int, Heading], dict[int, list[Heading]]]]:
    """For each ``k``, the sections enclosing a position after the first ``k`` headings:
    their headings by rank, and for each rank the sections of that rank so far in the same
    part (the enclosing one last)."""
    enclosing: dict[int, Heading] = {}
    earlier: dict[int, list[Heading]] = {}
    out = [(enclosing, earlier)]
    for heading in headings:
        earlier = {r: hs for r, hs in earlier.items() if r <= heading.rank}
        # a new list, not appended to: the states before this heading keep theirs
        earlier[heading.rank] = [*earlier.get(heading.rank, ()), heading]
        enclosing = {r: h for r, h in enclosing.items() if r < heading.rank}
        enclosing[heading.rank] = heading
        out.append((enclosing, earlier))
    return out


class Sections:
    """The section rules for one document: the status and year its headings give a position.

    Both depend only on how many headings come before the position, so the sections are
    worked out once for the document and each answer once per heading, instead of walking
    every heading before each mechanism mention, twice.
    """

    def __init__(self, context: Context, headings: Sequence[Heading]) -> None:
        self._context = context
        # the headings before a position are those up to the first that starts after it;
        # the running maximum of the starts finds that one by bisection, whatever the order
        self._reach = list(accumulate((h.start for h in headings), max))
        self._sections = _sections(headings)
        self._status: dict[int, str | None] = {}
        self._year: dict[int, int | None] = {}

    def _before(self, pos: int) -> int:
        return bisect_right(self._reach, pos)

    def status(self, pos: int) -> str | None:
        """Status set by the nearest enclosing headings (most specific first).

        When none of them has a cue, the outermost one takes the status of the nearest
        earlier section of its rank that has one: a text that has turned from what was done
        (一、2023年工作回顾) to what will be (二、2024年工作安排) goes on with plans in the
        sections after (三、全面加强政府自身建设).
        """
        k = self._before(pos)
        if k not in self._status:
            self._status[k] = self._status_after(k)
        return self._status[k]

    def _status_after(self, k: int) -> str | None:
        heading_status = self._context.heading_status
        enclosing, earlier = self._sections[k]
        for rank in sorted(enclosing, reverse=True):
            status = heading_status(enclosing[rank].text)
            if status:
                return status
        for rank in sorted(enclosing, reverse=True):
            for sibling in reversed(earlier[rank][:-1]):
                status = heading_status(sibling.text)
                if status:
                    return status
        return None

    def year(self, pos: int) -> int | None:
        """The year of the nearest enclosing section whose heading names one and says what
        the section is (一、2023年工作回顾; 二、2024年工作安排), not a target (到2025年)."""
        k = self._before(pos)
        if k not in self._year:
            self._year[k] = self._year_after(k)
        return self._year[k]

    def _year_after(self, k: int) -> int | None:
        enclosing, _ = self._sections[k]
        for rank in sorted(enclosing, reverse=True):
            year = self._context.heading_year(enclosing[rank].text)
            if year is not None:
                return year
        return None


class Adopters:
    """Who adopts each mechanism of one document: the places listed as the subject before it
    in the same sentence (郑州、洛阳、鹤壁3市…), a place in its name (秭归模式), else the
    jurisdiction.

    A place inside a title or inside the span of another mechanism's name in ``names``
    (推广“寻乌工作法”，开展…行动) is part of that name, never the subject. The places are
    looked up by position, so each mention looks only at those in its own sentence.
    """

    def __init__(
        self,
        context: Context,
        text: str,
        regions: list[RegionMention],
        juris: RegionEntry,
        titles: list[Title],
        *,
        names: Sequence[tuple[int, int]] = (),
    ) -> None:
        self._context = context
        self._text = text
        self._juris = juris
        self._in_title = [(t.start, t.end) for t in titles] + list(names)
        # in text order, as resolve_document gives them (the sort keeps that order)
        self._regions = sorted(regions, key=lambda r: r.start)
        self._starts = [r.start for r in self._regions]

    def _starting(self, start: int, end: int) -> list[RegionMention]:
        """The places that start from ``start`` up to ``end`` (both included)."""
        return self._regions[bisect_left(self._starts, start) : bisect_right(self._starts, end)]

    def of(self, mention: MechanismMention, sentence: Sentence) -> list[tuple[str, str]]:
        """The (code, name) of each adopter of ``mention``, in ``sentence``."""
        context, juris = self._context, self._juris
        before = [
            r
            for r in self._starting(sentence.start, mention.start)
            if r.end <= mention.start
            and not any(s <= r.start < e for s, e in self._in_title)
            and self._inside(r)
        ]
        out: list[tuple[str, str]] = []
        if before:
            group = [before[-1]]
            for r in reversed(before[:-1]):
                gap = self._text[r.end : group[0].start]
                if len(gap) <= 1 and all(ch in context.list_joiners for ch in gap):
                    group.insert(0, r)
                else:
                    break
            tail_gap = mention.start - group[-1].end
            if tail_gap <= 40:
                out = [self._adopter_of(r) for r in group]
        for r in self._starting(mention.start, mention.end):
            if r.end <= mention.end and r.codes[0] != COMMUNITY_CODE:
                out.append((r.codes[0], context.vocab.regions[r.codes[0]].name))
                out.append((juris.code, juris.name))
        return list(dict.fromkeys(out)) or [(juris.code, juris.name)]

    def _inside(self, region: RegionMention) -> bool:
        if len(region.codes) != 1:
            return False
        code = region.codes[0]
        if code == COMMUNITY_CODE:
            return True
        chain = {e.code for e in self._context.vocab.chain(code)}
        return self._juris.code in chain

    def _adopter_of(self, region: RegionMention) -> tuple[str, str]:
        code = region.codes[0]
        if code == COMMUNITY_CODE:
            # a named community adopts on behalf of its county (the document's, or below)
            county = self._context.region_at_level(self._juris, "county") or self._juris
            return county.code, county.name
        return code, self._context.vocab.regions[code].name


class Context(PageReader):
    """Applies the context rules with one vocabulary (and the page rules it inherits)."""

    def __init__(self, vocab: Vocabulary) -> None:
        super().__init__(vocab)
        self.vocab = vocab
        self.authorship = Authorship(vocab)  # jurisdiction and issuer
        self._status_words = {
            "pilot": _any_word(vocab.cue("pilot-words")),
            "called-for": _any_word(vocab.cue("called-for-words")),
            "planned": _any_word(vocab.cue("planned-words")),
            "implemented": _any_word(vocab.cue("implemented-words")),
        }
        bids = "|".join(vocab.cue("pilot-bid-patterns"))
        pilots = "|".join(map(re.escape, vocab.cue("pilot-words")))
        self._pilot_bid = re.compile(f"(?:{bids}).*?(?:{pilots})")
        self._headings = {
            "planned": _any_word(vocab.cue("planned-headings")),
            "implemented": _any_word(vocab.cue("implemented-headings")),
        }
        self._genre_default = dict(vocab.cue_pairs("genre-defaults"))
        self._since = [re.compile(p) for p in vocab.cue("since-patterns")]
        self._not_since = tuple(vocab.cue("not-since-prefixes"))
        # level words of several characters (自治区) refer only to a region whose name ends so
        long_words = (word for word, _ in vocab.cue_pairs("level-words") if len(word) > 1)
        self._long_level_words = sorted(long_words, key=len, reverse=True)
        #: what joins the places of a list (郑州、洛阳和鹤壁), read by Adopters too
        self.list_joiners = frozenset("、,，") | frozenset(vocab.cue("list-conjunctions"))
        # the government organ a kind of region has instead of a people's government
        # (盟=行政公署): that organ is no body of a region of another kind
        self._committee_endings = tuple(vocab.cue("committee-in-full-endings"))
        self._committee_words = vocab.cue_pairs("committee-words")
        self._government_by_suffix: dict[str, list[str]] = {}
        for suffix, label in vocab.cue_pairs("government-organ"):
            if suffix != "*":
                self._government_by_suffix.setdefault(label, []).append(suffix)

    # ------------------------------------------------------------------ places
    def region_at_level(self, juris: RegionEntry | None, level: str) -> RegionEntry | None:
        """The author's own region of ``level`` (省 → the province of a county document)."""
        if juris is None:
            return None
        for entry in self.vocab.chain(juris.code):
            if entry.level == level:
                return entry
        return None

    def resolve_agencies(
        self, mentions: list[AgencyMention], juris: RegionEntry | None
    ) -> list[ResolvedAgency]:
        """Full names for agency mentions; mentions that cannot be resolved are dropped."""
        by_name: dict[str, list] = {}
        for mention in mentions:
            region: RegionEntry | None = None
            if mention.ref == "region" and mention.ref_value:
                region = self.vocab.regions[mention.ref_value]
            elif mention.ref == "self":
                region = juris
            elif mention.ref == "level":
                region = self.region_at_level(juris, mention.ref_value or "")
                said = mention.ref_text or mention.text
                word = next((w for w in self._long_level_words if said.startswith(w)), "")
                if region is not None and not region.name.endswith(word):
                    region = None  # 自治区党委 in a 河南省 text: another region's committee
                if (
                    region is None
                    and juris is not None
                    and mention.ref_value == "county"
                    and juris.level == "county"
                ):
                    region = juris
            if mention.ref != "national" and region is None:
                continue
            level = region.level if region else "national"
            organs = [
                self.vocab.organs[s]
                for s in mention.organs
                if level in self.vocab.organs[s].levels
                and self._organ_fits(self.vocab.organs[s].label, region)
            ]
            if not organs:
                continue
            organ = organs[0]
            official = organ.full_name(region.name if region else None)
            name = self._committee_in_full(official, region)
            entry = by_name.setdefault(name, [organ, region, official, []])
            entry[3].append(mention)
        return [
            ResolvedAgency(
                name,
                organ.slug,
                region.code if region else None,
                # the template's own name too, when the committee was written in full
                tuple(
                    a
                    for a in dict.fromkeys(
                        (official, *organ.alt_names(region.name if region else None))
                    )
                    if a != name
                ),
                tuple(ms),
            )
            for name, (organ, region, official, ms) in by_name.items()
        ]

    def _committee_in_full(self, name: str, region: RegionEntry | None) -> str:
        """``中共{region}委…`` with 委员会 in full for a region whose name ends in one of
        cue:committee-in-full-endings (中共黔西南布依族苗族自治州委员会, not …自治州委)."""
        if region is None or not region.name.endswith(self._committee_endings):
            return name
        for word, full in self._committee_words:
            short = region.name + word
            at = name.find(short)
            if at >= 0 and not name.startswith(full, at + len(region.name)):
                return name[:at] + region.name + full + name[at + len(short) :]
        return name

    def _organ_fits(self, label: str, region: RegionEntry | None) -> bool:
        """Whether a region of this kind has the organ ``label``: a 行政公署 is only a 盟's
        or a 地区's (cue:government-organ); other organs are every region's of their level."""
        suffixes = self._government_by_suffix.get(label)
        return not suffixes or (region is not None and region.name.endswith(tuple(suffixes)))

    # ------------------------------------------------------------------ adoptions
    def section_status(self, headings: list[Heading], pos: int) -> str | None:
        """The status the headings give position ``pos`` (see :meth:`Sections.status`)."""
        return Sections(self, headings).status(pos)

    def heading_status(self, text: str) -> str | None:
        """The status a section heading's cue words give its section, if any."""
        for status in ("planned", "implemented"):
            if self._headings[status](text):
                return status
        return None

    def heading_year(self, text: str) -> int | None:
        """The year a heading with a status cue names for its section, not a target year."""
        if not self.heading_status(text):
            return None
        for m in _HEADING_YEAR.finditer(text):
            if not text[: m.start()].endswith(self._not_since):
                return int(m.group(1))
        return None

    def sentence_status(self, sentence: str, *, at: int | None = None) -> str | None:
        """Status from cue words: 试点 must be in the clause of the mention at offset ``at``,
        where a bid for it (争取进入…试点) makes a plan; the other cues govern the whole
        sentence (将 / 力争 at its start, 已 / 累计 for what was done)."""
        for status in ("pilot", "called-for", "planned", "implemented"):
            if not self._status_words[status](sentence):
                continue
            # a cue in the clause is in the sentence, so the clause is cut only for a cue there
            if status == "pilot" and at is not None:
                clause = _clause(sentence, at)
                if not self._status_words[status](clause):
                    continue
                if self._pilot_bid.search(clause):
                    return "planned"
            return status
        return None

    def since(
        self, sentence: str, *, at: int | None = None, others: tuple[int, ...] = ()
    ) -> int | None:
        """The first year the sentence gives for the mechanism mentioned at offset ``at``.

        A year phrase governs the mechanisms after it up to the next mechanism
        (自2020年以来推进A，试点B: the year is A's), or one later in its own clause.
        """
        years = []
        for pattern in self._since:
            for m in pattern.finditer(sentence):
                before = sentence[max(0, m.start(1) - 2) : m.start(1)]
                if any(before.endswith(p) for p in self._not_since):
                    continue
                pos = m.start(1)
                if at is not None:
                    if pos < at and any(pos < o < at for o in others):
                        continue  # another mechanism stands between the year and this one
                    if pos > at and any(p in sentence[at:pos] for p in "，,；;"):
                        continue  # a year after the mention counts only in its clause
                years.append((pos, int(m.group(1))))
        return min(years)[1] if years else None
