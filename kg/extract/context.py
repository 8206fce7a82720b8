"""Context rules: what the mentions mean in this document.

Decides the document's title, genre, jurisdiction, issuer and dates; resolves relative
references (省民政厅 → 河南省民政厅, 我省 → 河南省, 郑州 → 郑州市); and turns mechanism
mentions into adoption events with adopter, status, first year and evidence sentence.
All offsets here are offsets of the extraction view (see :mod:`kg.extract.segment`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.extract.lexicon import Lexicon
from kg.extract.mechanisms import MechanismMention
from kg.extract.places import COMMUNITY_CODE, AgencyMention, RegionMention
from kg.extract.policies import DateMention, Title
from kg.extract.segment import CLAUSE_END, Heading, Sentence
from kg.vocab import RegionEntry, Vocabulary

__all__ = ["Facts", "ResolvedAgency", "AdoptionFact", "Context", "signature_line"]

NATIONAL_CODE = "cn"
_HEADING_YEAR = re.compile(r"((?:19|20)\d\d)(?=\D)")  # 2023年 in a heading
_CLAUSE = re.compile("[" + re.escape(CLAUSE_END) + "\n]")
_LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3, "community": 4}


def _any_word(words: tuple[str, ...]) -> Callable[[str], bool]:
    """A test for ``any(w in text for w in words)``, made one regex search."""
    if not words:
        return lambda text: False
    pattern = re.compile("|".join(map(re.escape, words)))
    return lambda text: pattern.search(text) is not None


@dataclass(frozen=True, slots=True)
class ResolvedAgency:
    name: str
    organ: str
    region_code: str | None
    alt_names: tuple[str, ...]
    mentions: tuple[AgencyMention, ...]


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


_SIGNATURE_MAX = 40  # characters: a line of one or two body names and a date


def signature_line(offset: int, lines: list[tuple[int, int, str]]) -> bool:
    """Whether the line at character ``offset`` could sign a text: short, and no sentence.

    A body signs on a line of its own (河南省民政厅 / 2023年7月13日); one named in a closing
    sentence (团结在以……党中央周围，……而努力奋斗！) neither wrote nor signed the text.
    """
    line = next((text for start, end, text in lines if start <= offset < end), None)
    return (
        line is not None
        and len(line) <= _SIGNATURE_MAX
        and not any(ch in CLAUSE_END for ch in line)
    )


def _sections(
    headings: list[Heading], pos: int
) -> tuple[dict[int, Heading], dict[int, list[Heading]]]:
    """The headings of the sections enclosing ``pos``, by rank, and for each rank the
    sections of that rank so far in the same part (the enclosing one last)."""
    enclosing: dict[int, Heading] = {}
    earlier: dict[int, list[Heading]] = {}
    for heading in headings:
        if heading.start > pos:
            break
        earlier = {r: hs for r, hs in earlier.items() if r <= heading.rank}
        earlier.setdefault(heading.rank, []).append(heading)
        enclosing = {r: h for r, h in enclosing.items() if r < heading.rank}
        enclosing[heading.rank] = heading
    return enclosing, earlier


class Context:
    """Applies the context rules with one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._furniture = [re.compile(p) for p in vocab.cue("furniture")]
        self._genre = list(vocab.cue_pairs("genre-words"))
        self._status_words = {
            "pilot": _any_word(vocab.cue("pilot-words")),
            "called-for": _any_word(vocab.cue("called-for-words")),
            "planned": _any_word(vocab.cue("planned-words")),
            "implemented": _any_word(vocab.cue("implemented-words")),
        }
        self._headings = {
            "planned": _any_word(vocab.cue("planned-headings")),
            "implemented": _any_word(vocab.cue("implemented-headings")),
        }
        self._genre_default = dict(vocab.cue_pairs("genre-defaults"))
        self._since = [re.compile(p) for p in vocab.cue("since-patterns")]
        self._not_since = tuple(vocab.cue("not-since-prefixes"))
        self._self_refs = vocab.cue("self-references")
        self._leaders = tuple(vocab.cue("leadership-markers"))
        self._represents = tuple(vocab.cue("representation-words"))
        self._addressees = tuple(vocab.cue("addressee-prefixes"))
        self._government = list(vocab.cue_pairs("government-organ"))
        self._level_names: dict[str, tuple[Lexicon, dict[str, list[str]]]] = {}
        self._self_level_words = dict(vocab.cue_pairs("level-words"))
        # level words of several characters (自治区) refer only to a region whose name ends so
        long_words = (word for word in self._self_level_words if len(word) > 1)
        self._long_level_words = sorted(long_words, key=len, reverse=True)
        self._own_prefixes = frozenset(vocab.cue("own-prefixes"))
        self._whole_prefixes = frozenset(vocab.cue("whole-prefixes"))
        date_words = "".join(word for _, word in vocab.cue_pairs("date-units"))
        date_words += "".join(vocab.cue("source-label"))
        # a line of only a date and its source label (2023-09-15 来源：…) is no title
        self._date_line = re.compile(
            r"[\d\s:：\-./" + "".join(re.escape(ch) for ch in date_words) + "]+"
        )
        self._list_joiners = frozenset("、,，") | frozenset(vocab.cue("list-conjunctions"))

    # ------------------------------------------------------------------ layout
    def is_furniture(self, line: str) -> bool:
        return any(p.search(line.strip()) for p in self._furniture)

    def lines(self, text: str) -> list[tuple[int, int, str]]:
        """Non-empty lines that are not page furniture, as (start, end, text)."""
        out, pos = [], 0
        for line in text.split("\n"):
            stripped = line.strip()
            if stripped and not self.is_furniture(stripped):
                out.append((pos, pos + len(line), stripped))
            pos += len(line) + 1
        return out

    def title(self, lines: list[tuple[int, int, str]]) -> str | None:
        for _, _, line in lines[:8]:
            if "|" in line or len(line) < 6 or self._date_line.fullmatch(line):
                continue
            return line
        return None

    def genre(self, title: str | None, head: str) -> str:
        """From the title; from the opening lines only for the unmistakable genres."""
        for genre, word in self._genre:
            if genre == "work-report" and word in head:
                return genre
        for genre, word in self._genre:
            if word in (title or ""):
                return genre
        for genre, word in self._genre:
            if genre == "proposal-reply" and word in head:
                return genre
        return "news"

    # ------------------------------------------------------------------ places
    def jurisdiction(
        self,
        text: str,
        title: str | None,
        lines: list[tuple[int, int, str]],
        regions: list[RegionMention],
        agencies: list[AgencyMention],
        genre: str | None = None,
    ) -> RegionEntry | None:
        """The region the document speaks for.

        An agency with an explicit region in the title or the signature decides; otherwise
        the most-mentioned region of the level the document calls "我省 / 我市 / 我县".
        """
        head_end = lines[2][1] if len(lines) > 2 else len(text)
        tail_start = lines[-6][0] if len(lines) > 6 else 0
        explicit = [a for a in agencies if a.ref == "region" and a.ref_value]
        if genre == "work-report":
            # a report names many bodies; only "我代表泰州市人民政府" speaks for the author
            government = tuple(label for _, label in self._government)
            explicit = [a for a in explicit if a.text.endswith(government) and a.end <= head_end]
        national = [a for a in agencies if a.ref == "national"] if genre != "work-report" else []
        signs = lambda a: a.start >= tail_start and signature_line(a.start, lines)  # noqa: E731
        # the body a speaker speaks for (我代表国务院, 我代表市人民政府), in the opening lines:
        # under a report's title, date line and speaker for a level, in the head for the country
        opening_end = lines[min(5, len(lines) - 1)][1] if lines else 0
        spoken = [a for a in agencies if a.end <= opening_end and self.spoken_for(text, a.start)]
        for group in (
            [a for a in explicit if a.end <= head_end],
            [a for a in spoken if a.ref == "national" and a.end <= head_end],
            [a for a in national if a.start == lines[0][0] and self._titled(lines[0][2])]
            if lines
            else [],
            [a for a in explicit if signs(a)],
            [a for a in national if signs(a)],
        ):
            if group:
                # a national body heading or signing the text: the whole country speaks
                code = group[0].ref_value or NATIONAL_CODE
                return self.vocab.regions[code]
        counts = Counter(
            c for r in regions if len(r.codes) == 1 for c in r.codes if c != COMMUNITY_CODE
        )
        if not counts:
            return None
        # otherwise the level of the bodies the opening names, leaving out a line of
        # addressees only (各市、县民政局：) and the superiors that lead the author
        addressed = [
            (a, b)
            for a, b, line in lines[:3]
            if line.startswith(self._addressees) and line.endswith((":", "："))
        ]
        head_levels = [
            a.ref_value
            for a in agencies
            if a.ref == "level"
            and a.end <= head_end
            and not self._leads_author(text, a.end)
            and not any(start <= a.start < end for start, end in addressed)
        ]
        # the level spoken for decides; else the lowest level the opening names, as
        # superiors come first (贯彻落实…省委…全会、州委…全会决策部署); else 我市 / 全省 counts
        level = next((a.ref_value for a in spoken if a.ref == "level"), None) or (
            max(head_levels, key=lambda lv: _LEVEL_RANK.get(lv or "", -1))
            if head_levels
            else self._self_level(text)
        )
        if level:
            # every unit of that level, scored by how often its full or short name occurs
            # (a report says 黔西南州 or 广安 far more often than the full official name)
            same = self._name_counts(text, level)
            if same:
                return self.vocab.regions[max(same, key=lambda c: (same[c], c))]
        return self.vocab.regions[
            max(counts, key=lambda c: (counts[c], -_LEVEL_RANK[self.vocab.regions[c].level], c))
        ]

    def spoken_for(self, text: str, start: int) -> bool:
        """Whether the body named from ``start`` is the one a speaker speaks for (我代表…)."""
        return text[max(0, start - 4) : start].endswith(self._represents)

    def _leads_author(self, text: str, end: int) -> bool:
        """Whether the body named up to ``end`` leads the author: its clause goes on to a
        leadership marker (在自治区党委、政府的坚强领导下)."""
        clause = _CLAUSE.split(text[end : end + 40], maxsplit=1)[0]
        return any(marker in clause for marker in self._leaders)

    def _name_counts(self, text: str, level: str) -> dict[str, int]:
        """Units of ``level`` whose full or short names occur in ``text``, with the sum of
        ``text.count(name)`` over those names (what each unit scores as the jurisdiction)."""
        if level not in self._level_names:
            owners: dict[str, list[str]] = {}
            # a municipality (北京市, 重庆市) is a province that calls itself 市: its
            # districts lie right under it, and its report says 我市 / 市人民政府
            units = self.vocab.regions.values()
            with_cities = {e.parent for e in units if e.level == "city"}
            with_units = {e.parent for e in units}
            provinces = {e.code for e in units if e.level == "province"}
            for code, entry in self.vocab.regions.items():
                municipality = (
                    entry.level == "province" and code in with_units and code not in with_cities
                )
                # a county-level city run by its province (天门市, 潜江市) speaks as 市 too
                province_run = (
                    entry.level == "county"
                    and entry.parent in provinces
                    and self._self_level_words.get(entry.name[-1:]) == level
                )
                if entry.level == level or (level == "city" and municipality) or province_run:
                    for name in (entry.name, *entry.short_names):
                        owners.setdefault(name, []).append(code)
            self._level_names[level] = (Lexicon({name: None for name in owners}), owners)
        lexicon, owners = self._level_names[level]
        found = lexicon.count(text)
        if "" in owners:  # str.count finds the empty string everywhere
            found[""] = len(text) + 1
        candidates = {code for name in found for code in owners[name]}
        same = {}
        for code in candidates:
            entry = self.vocab.regions[code]
            same[code] = found.get(entry.name, 0) + sum(found.get(s, 0) for s in entry.short_names)
        return same

    def _titled(self, line: str) -> bool:
        """A title line: it names a document genre (…的通知, …意见, …答复)."""
        return any(word in line for _, word in self._genre)

    def _self_level(self, text: str) -> str | None:
        levels: Counter[str] = Counter()
        for word in self._self_refs:
            if (
                len(word) == 2
                and (word[0] in self._own_prefixes or word[0] in self._whole_prefixes)
                and word[1] in self._self_level_words
            ):
                # 我市 / 本市 speak for the author; 全省 often only compares (全省第一)
                weight = 1 if word[0] in self._whole_prefixes else 5
                levels[self._self_level_words[word[1]]] += weight * text.count(word)
        if not levels or levels.most_common(1)[0][1] == 0:
            return None
        return levels.most_common(1)[0][0]

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
                self.vocab.organs[s] for s in mention.organs if level in self.vocab.organs[s].levels
            ]
            if not organs:
                continue
            organ = organs[0]
            name = organ.full_name(region.name if region else None)
            entry = by_name.setdefault(name, [organ, region, []])
            entry[2].append(mention)
        return [
            ResolvedAgency(
                name,
                organ.slug,
                region.code if region else None,
                tuple(a for a in organ.alt_names(region.name if region else None) if a != name),
                tuple(ms),
            )
            for name, (organ, region, ms) in by_name.items()
        ]

    def issuer(
        self,
        genre: str,
        agencies: list[ResolvedAgency],
        lines: list[tuple[int, int, str]],
        titles: list[Title],
        juris: RegionEntry | None,
        text: str | None = None,
    ) -> ResolvedAgency | None:
        """Who wrote the document: title, signature, or who issued the policy it announces."""
        if genre == "news" or not lines:
            return None
        if genre == "work-report":
            if juris is not None and juris.level == "national" and text is not None:
                head_end = lines[2][1] if len(lines) > 2 else len(text)
                return next(  # the national body the report speaks for (我代表国务院)
                    (
                        a
                        for a in agencies
                        for m in a.mentions
                        if m.end <= head_end and self.spoken_for(text, m.start)
                    ),
                    None,
                )
            return self._government_of(juris, agencies)
        head_end = lines[1][1] if len(lines) > 1 else lines[0][1]
        tail_start = lines[-4][0] if len(lines) > 4 else 0
        first = lambda pred: next(  # noqa: E731
            (a for a in agencies for m in a.mentions if pred(m)), None
        )
        found = first(lambda m: m.end <= head_end and m.ref == "region") or first(
            lambda m: m.start >= tail_start and signature_line(m.start, lines)
        )
        if found:
            return found
        return None

    def _government_of(
        self, juris: RegionEntry | None, agencies: list[ResolvedAgency]
    ) -> ResolvedAgency | None:
        """The people's government of the jurisdiction (the author of its work report)."""
        if juris is None:
            return None
        label = next(
            lab for suffix, lab in self._government if suffix == "*" or juris.name.endswith(suffix)
        )
        for organ in self.vocab.organs.values():
            if organ.label == label and juris.level in organ.levels:
                name = organ.full_name(juris.name)
                found = next((a for a in agencies if a.name == name), None)
                return found or ResolvedAgency(name, organ.slug, juris.code, (), ())
        return None

    # ------------------------------------------------------------------ dates
    def dates(
        self, genre: str, dates: list[DateMention], lines: list[tuple[int, int, str]]
    ) -> tuple[str | None, str | None]:
        """(issued, published): a date in the header is the publication date (for a work
        report, the date it was given), a date among the last lines is the signing date."""
        if not lines or not dates:
            return None, None
        head_end = lines[min(5, len(lines) - 1)][1]
        tail_start = lines[-3][0] if len(lines) > 6 else lines[-1][0]
        head = next((d.iso for d in dates if d.end <= head_end), None)
        tail = next((d.iso for d in reversed(dates) if d.start >= tail_start), None)
        if genre == "work-report":
            return head or tail, None
        if genre == "news":
            return None, head or tail
        return tail, head

    # ------------------------------------------------------------------ adoptions
    def section_status(self, headings: list[Heading], pos: int) -> str | None:
        """Status set by the nearest enclosing headings (most specific first).

        When none of them has a cue, the outermost one takes the status of the nearest
        earlier section of its rank that has one: a text that has turned from what was done
        (一、2023年工作回顾) to what will be (二、2024年工作安排) goes on with plans in the
        sections after (三、全面加强政府自身建设).
        """
        enclosing, earlier = _sections(headings, pos)
        for rank in sorted(enclosing, reverse=True):
            status = self._heading_status(enclosing[rank].text)
            if status:
                return status
        for rank in sorted(enclosing, reverse=True):
            for sibling in reversed(earlier[rank][:-1]):
                status = self._heading_status(sibling.text)
                if status:
                    return status
        return None

    def section_year(self, headings: list[Heading], pos: int) -> int | None:
        """The year of the nearest enclosing section whose heading names one and says what
        the section is (一、2023年工作回顾; 二、2024年工作安排), not a target (到2025年)."""
        enclosing, _ = _sections(headings, pos)
        for rank in sorted(enclosing, reverse=True):
            text = enclosing[rank].text
            if not self._heading_status(text):
                continue
            for m in _HEADING_YEAR.finditer(text):
                if not text[: m.start()].endswith(self._not_since):
                    return int(m.group(1))
        return None

    def _heading_status(self, text: str) -> str | None:
        for status in ("planned", "implemented"):
            if self._headings[status](text):
                return status
        return None

    def sentence_status(self, sentence: str, clause: str | None = None) -> str | None:
        """Status from cue words: 试点 must be in the mention's own clause; the other cues
        govern the whole sentence (将 / 力争 at its start, 已 / 累计 for what was done)."""
        for status in ("pilot", "called-for", "planned", "implemented"):
            where = clause if status == "pilot" and clause is not None else sentence
            if self._status_words[status](where):
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

    def adopters(
        self,
        text: str,
        mention: MechanismMention,
        sentence: Sentence,
        regions: list[RegionMention],
        juris: RegionEntry | None,
        titles: list[Title],
    ) -> list[tuple[str, str]]:
        """Who adopts the mechanism: the places listed as the subject before it in the same
        sentence (郑州、洛阳、鹤壁3市…), a place in its name (秭归模式), else the jurisdiction."""
        if juris is None:
            return []
        in_title = [(t.start, t.end) for t in titles]
        before = [
            r
            for r in regions
            if sentence.start <= r.start
            and r.end <= mention.start
            and not any(s <= r.start < e for s, e in in_title)
            and self._inside(r, juris)
        ]
        out: list[tuple[str, str]] = []
        if before:
            group = [before[-1]]
            for r in reversed(before[:-1]):
                gap = text[r.end : group[0].start]
                if len(gap) <= 1 and all(ch in self._list_joiners for ch in gap):
                    group.insert(0, r)
                else:
                    break
            tail_gap = mention.start - group[-1].end
            if tail_gap <= 40:
                out = [self._adopter_of(r, juris) for r in group]
        for r in regions:
            if mention.start <= r.start and r.end <= mention.end and r.codes[0] != COMMUNITY_CODE:
                out.append((r.codes[0], self.vocab.regions[r.codes[0]].name))
                out.append((juris.code, juris.name))
        return list(dict.fromkeys(out)) or [(juris.code, juris.name)]

    def _inside(self, region: RegionMention, juris: RegionEntry) -> bool:
        if len(region.codes) != 1:
            return False
        code = region.codes[0]
        if code == COMMUNITY_CODE:
            return True
        chain = {e.code for e in self.vocab.chain(code)}
        return juris.code in chain

    def _adopter_of(self, region: RegionMention, juris: RegionEntry) -> tuple[str, str]:
        code = region.codes[0]
        if code == COMMUNITY_CODE:
            # a named community adopts on behalf of its county (the document's, or below)
            county = self.region_at_level(juris, "county") or juris
            return county.code, county.name
        return code, self.vocab.regions[code].name
