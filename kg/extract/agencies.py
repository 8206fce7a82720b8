"""Agencies: find the bodies a text names and the region each belongs to.

An agency is an organ-type surface (民政厅, 委组织部, 政府办公厅) preceded by a region
reference: a region name (河南省民政厅), a level word (省民政厅: the author's province) or a
self reference (我省). National bodies (民政部) need no region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.lexicon import Lexicon, Match
from kg.extract.places import RegionMention
from kg.extract.segment import is_cjk
from kg.vocab import OrganEntry, Vocabulary

__all__ = ["AgencyMention", "AgencyFinder"]


@dataclass(frozen=True, slots=True)
class AgencyMention:
    start: int
    end: int
    text: str
    organs: tuple[str, ...]  # candidate organ-type slugs
    ref: str  # region | level | self | national
    ref_value: str | None  # region code for ref=region, level for ref=level
    #: the words that refer to the region, when not at the start of ``text``: 政府 in
    #: 自治区党委、政府 takes its region from 自治区 before the list
    ref_text: str = ""


class AgencyFinder:
    """Finds organ-type surfaces and the region reference in front of each."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        surfaces: dict[str, list[str]] = {}
        for slug, organ in vocab.organs.items():
            for surface in organ.surfaces:
                surfaces.setdefault(surface, []).append(slug)
        # each surface's organs split once into national ones and local ones (both sorted)
        self._lexicon = Lexicon(
            {
                surface: (
                    tuple(s for s in sorted(slugs) if "national" in vocab.organs[s].levels),
                    tuple(s for s in sorted(slugs) if "national" not in vocab.organs[s].levels),
                )
                for surface, slugs in surfaces.items()
            }
        )
        self._levels = dict(vocab.cue_pairs("level-words"))
        #: lengths of the level words, longest first: the one ending at an agency is looked up
        self._level_lengths = sorted({len(w) for w in self._levels}, reverse=True)
        self._generic_prefixes = sorted(vocab.cue("generic-prefixes"), key=len, reverse=True)
        self._generic_suffixes = tuple(vocab.cue("generic-suffixes"))
        self._not_followers = tuple(vocab.cue("agency-not-followed-by"))
        self._guarded = frozenset(vocab.cue("guarded-abbreviations"))
        self._openers = frozenset(vocab.cue("abbreviation-openers"))
        self._members = re.compile(
            "|".join(f"(?:{p})" for p in vocab.cue("agency-member-patterns"))
        )
        own = frozenset(vocab.cue("own-prefixes"))
        #: two characters each (我省, 本市), so the two before an agency are looked up
        self._self_refs = frozenset(
            w for w in vocab.cue("self-references") if len(w) == 2 and w[0] in own
        )
        # generic agencies (各级人民政府) end in a few characters: found by those, all of
        # them (overlapping ones too) as the automaton finds them, twice as fast
        self._generic = Lexicon({w: True for w in vocab.generic_agencies}, by_last_char=True)
        self._local_levels = frozenset(vocab.cue("local-level-characters"))
        self._list_joiners = frozenset("、") | frozenset(vocab.cue("list-conjunctions"))
        #: surfaces that, said bare, name the author's own body of a level (行署: 盟, 地区)
        self._own_bare = dict(vocab.cue_pairs("own-bare-organs"))

    def organ(self, slug: str) -> OrganEntry:
        return self.vocab.organs[slug]

    def find(self, text: str, regions: list[RegionMention]) -> list[AgencyMention]:
        """Agency mentions; a surface without a region reference is skipped unless national."""
        region_ends = {r.end: r for r in regions if r.kind != "community"}
        region_starts = {r.start for r in regions if r.kind != "community"}
        generic_spans = [(m.start, m.end) for m in self._generic.all(text)]
        out: list[AgencyMention] = []
        for m in self._lexicon.longest(text):
            if any(s <= m.start and m.end <= e for s, e in generic_spans):
                continue
            if text[m.end : m.end + 1] in self._generic_suffixes:
                continue  # 民政部门, 县级: classes, not bodies
            if text[m.end : m.end + 2].startswith(self._not_followers):
                continue  # 湖南省人民政府网: a website, not the body
            if self._members.match(text, m.end, m.end + 4):
                continue  # 市政协委员, 人大代表: the body's members, not the body
            if m.key in self._guarded and text[m.start - 1 : m.start] not in self._openers:
                continue  # 集中办公, (国办发〔…〕): no body; 被中办、国办通报 names two
            national, local = m.value
            mention = self._with_region(text, m, local, region_ends)
            if mention is None and local and out:
                mention = self._listed_after(text, m, local, out[-1])
            if mention is not None:
                out.append(mention)
            elif (
                national
                and not (
                    m.start
                    and is_cjk(text[m.start - 1])
                    and text[m.start - 1] in self._local_levels
                )
                and m.end not in region_starts  # 中国人民银行崇左市分行: a branch, not the bank
            ):
                out.append(AgencyMention(m.start, m.end, m.key, national, "national", None))
        return out

    def _listed_after(
        self, text: str, found: Match, organs: tuple[str, ...], previous: AgencyMention
    ) -> AgencyMention | None:
        """A bare organ surface listed right after a body of some region takes that body's
        region (自治区党委、政府: the autonomous region's government; 市发改委、财政局)."""
        start, end, surface = found.start, found.end, found.key
        if previous.ref == "national" or text[previous.end : start] not in self._list_joiners:
            return None
        ref_text = previous.ref_text or text[previous.start : previous.end]
        return AgencyMention(
            start, end, surface, organs, previous.ref, previous.ref_value, ref_text
        )

    def _with_region(
        self,
        text: str,
        found: Match,
        organs: tuple[str, ...],
        region_ends: dict[int, RegionMention],
    ) -> AgencyMention | None:
        """The organ surface ``found`` with the region reference before it: a region's name
        (河南省民政厅), the author's own (我省), a level word (省民政厅), or a bare surface
        only the author's level has (行署)."""
        if not organs:
            return None
        start, end, surface = found.start, found.end, found.key
        region = region_ends.get(start)
        if region is not None:
            return AgencyMention(
                region.start,
                end,
                text[region.start : end],
                organs,
                "region",
                region.codes[0] if len(region.codes) == 1 else None,
            )
        if text[start - 2 : start] in self._self_refs:
            return AgencyMention(start - 2, end, text[start - 2 : end], organs, "self", None)
        # longest first: 自治区党委 is the autonomous region's, not a district's (区委)
        word = next(
            (
                w
                for length in self._level_lengths
                if (w := text[max(0, start - length) : start]) in self._levels
            ),
            None,
        )
        if word is not None:
            at = start - len(word)
            before = text[max(0, at - 2) : at]
            if any(before.endswith(p) for p in self._generic_prefixes):
                return None
            return AgencyMention(at, end, text[at:end], organs, "level", self._levels[word])
        if surface in self._own_bare:
            # 我代表行署作报告: only a 盟 or 地区 has a 行署, so bare it is the author's own
            return AgencyMention(start, end, surface, organs, "level", self._own_bare[surface])
        return None
