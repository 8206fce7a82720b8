"""Authorship rules: which region a document speaks for, and which body wrote it.

The jurisdiction comes from a body named with its region in the opening or signing the text,
from the body a speaker speaks for (我代表国务院, 我代表市人民政府), or else from the level
the text speaks as (我市, 全省) and the unit of that level it names most; the issuer from the
title, the signature or, for a work report, the jurisdiction's government. Offsets are
offsets of the extraction view (see :mod:`kg.extract.segment`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from kg.extract.agencies import AgencyMention
from kg.extract.lexicon import Lexicon
from kg.extract.places import COMMUNITY_CODE, RegionMention
from kg.extract.policies import DateMention, Title
from kg.extract.segment import CLAUSE_END
from kg.vocab import RegionEntry, Vocabulary

__all__ = ["Authorship", "ResolvedAgency", "signature_line", "NATIONAL_CODE"]

NATIONAL_CODE = "cn"
_CLAUSE = re.compile("[" + re.escape(CLAUSE_END) + "\n]")
_LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3, "community": 4}


@dataclass(frozen=True, slots=True)
class ResolvedAgency:
    name: str
    organ: str
    region_code: str | None
    alt_names: tuple[str, ...]
    mentions: tuple[AgencyMention, ...]


_SIGNATURE_MAX = 40  # characters: a line of one or two body names and a date
_ISSUER_LINE_WITHIN = 6  # lines from the top where a line of issuing bodies stands


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


class Authorship:
    """Applies the authorship rules with one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._genre = list(vocab.cue_pairs("genre-words"))
        self._self_refs = vocab.cue("self-references")
        self._leaders = tuple(vocab.cue("leadership-markers"))
        self._represents = tuple(vocab.cue("representation-words"))
        self._addressees = tuple(vocab.cue("addressee-prefixes"))
        self._site_owner = tuple(vocab.cue("site-owner-labels"))
        self._government = list(vocab.cue_pairs("government-organ"))
        self._level_names: dict[str, tuple[Lexicon, dict[str, list[str]]]] = {}
        self._self_level_words = dict(vocab.cue_pairs("level-words"))
        self._own_prefixes = frozenset(vocab.cue("own-prefixes"))
        self._whole_prefixes = frozenset(vocab.cue("whole-prefixes"))

    def site_owner(
        self, text: str, furniture: list[tuple[int, int]], regions: list[RegionMention]
    ) -> RegionEntry | None:
        """The region of the government whose site the page comes from, as its footer names it
        (主办单位：双台子区人民政府): the first region, named without doubt, in a furniture
        line that starts with a site-owner label. For a text that never says whom it speaks
        for; None when no footer says."""
        for start, end in furniture:
            if not text[start:end].strip().startswith(self._site_owner):
                continue
            for r in regions:
                if start <= r.start < end and len(r.codes) == 1 and r.codes[0] != COMMUNITY_CODE:
                    return self.vocab.regions[r.codes[0]]
        return None

    def qualified_unit(
        self, text: str, juris: RegionEntry, regions: list[RegionMention]
    ) -> RegionEntry | None:
        """The place a province was named only to qualify (浙江海宁, 山东菏泽): when every
        mention of the province ``juris`` runs straight into a unit inside it and the text
        never speaks for the province (我省, 全省), that unit (the most often so named) is
        whom the text speaks of; otherwise None."""
        if juris.level != "province" or self._self_level(text) == "province":
            return None
        starting = {r.start: r for r in regions}
        units: Counter[str] = Counter()
        for r in regions:
            if r.codes != (juris.code,):
                continue
            unit = starting.get(r.end)
            if unit is None or len(unit.codes) != 1:
                return None
            if juris.code not in {e.code for e in self.vocab.chain(unit.codes[0])[1:]}:
                return None
            units[unit.codes[0]] += 1
        if not units:
            return None
        return self.vocab.regions[max(units, key=lambda c: (units[c], c))]

    def city_by_short_name(
        self, text: str, agencies: list[AgencyMention], cities: list[RegionMention]
    ) -> RegionEntry | None:
        """For a text that never names a place in full but speaks at a city's level (市政府,
        市住建局, 我市): the city whose short name it uses most (周口 in 周口中心城区), among
        the short names of prefecture-level cities in ``cities`` that name one city only."""
        speaks_for_city = (
            any(a.ref == "level" and a.ref_value == "city" for a in agencies)
            or self._self_level(text) == "city"
        )
        if not speaks_for_city:
            return None
        counts = Counter(c.codes[0] for c in cities if len(c.codes) == 1)
        if not counts:
            return None
        code, _ = max(counts.items(), key=lambda item: (item[1], item[0]))
        return self.vocab.regions[code]

    def signature_block(
        self,
        text: str,
        agencies: list[ResolvedAgency],
        dates: list[DateMention],
        lines: list[tuple[int, int, str]],
    ) -> tuple[ResolvedAgency, DateMention] | None:
        """The first body named on a signature line of its own with a date alone on the next
        line (江苏省人民政府办公厅 / 2022年7月23日), wherever it stands: a notice that issues a
        plan signs above the plan it attaches, not at the end of the text."""
        starting = {m.start: a for a in agencies for m in a.mentions}
        for (start, end, _), (next_start, next_end, next_line) in itertools.pairwise(lines):
            at = start + len(text[start:end]) - len(text[start:end].lstrip())
            agency = starting.get(at)
            if agency is None or not signature_line(at, lines):
                continue
            date = next((d for d in dates if next_start <= d.start < next_end), None)
            if date is not None and len(next_line) <= date.end - date.start + 1:
                return agency, date
        return None

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
                best = self.vocab.regions[max(same, key=lambda c: (same[c], c))]
                word = next((a.text[:1] for a in spoken if a.ref == "level"), None)
                return self._called(best, word, text)
        return self.vocab.regions[
            max(counts, key=lambda c: (counts[c], -_LEVEL_RANK[self.vocab.regions[c].level], c))
        ]

    def _called(self, best: RegionEntry, word: str | None, text: str) -> RegionEntry:
        """The author, who calls itself ``word`` (我代表市人民政府: 市), where the unit of its
        level that the text names most is ``best``.

        When ``best`` is a unit of another kind (恩施土家族苗族自治州, 阿克苏地区), the
        author is the unit of that kind inside it whose name the text uses most (恩施市,
        凯里市): a county-level city under a prefecture that reports to 省州.
        """
        if not word or best.name.endswith(word) or word not in self._self_level_words:
            return best
        inside = [e for e in self.vocab.regions.values() if e.parent == best.code]
        counts = self._name_counts(text, "county")
        named = [e for e in inside if e.name.endswith(word) and counts.get(e.code, 0)]
        return max(named, key=lambda e: (counts[e.code], e.code)) if named else best

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
        return self._issuer_line(agencies, lines[:_ISSUER_LINE_WITHIN])

    def _issuer_line(
        self, agencies: list[ResolvedAgency], lines: list[tuple[int, int, str]]
    ) -> ResolvedAgency | None:
        """The first body of a line made of nothing but bodies' names near the top (中共湖州市委
        湖州市人民政府, under the document number): the bodies that issue the document."""
        for start, end, line in lines:
            named = sorted(
                (m.start, m.text, a) for a in agencies for m in a.mentions if start <= m.start < end
            )
            if not named or any(ch in CLAUSE_END for ch in line):
                continue
            rest = line
            for _, surface, agency in named:
                # the name as the body's full name has it (中共湖州市委 found as 湖州市委)
                written = next((n for n in (agency.name, *agency.alt_names) if n in rest), surface)
                rest = rest.replace(written, "", 1)
            if not rest.replace(" ", "").replace("、", "").replace("\u3000", ""):
                return named[0][2]
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
