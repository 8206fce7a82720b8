"""Regions: find their names in a text and resolve them against the ontology.

Regions are matched by full name (武义县, 广西壮族自治区) and, for provinces, by short name
(河南). Short names of lower units (郑州, 武义) are matched only inside the document's own
jurisdiction, once that is known (:func:`find_local_regions`): alone they are too ambiguous.
Agencies, named after a region, are found in :mod:`kg.extract.agencies`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from kg.extract.lexicon import Lexicon
from kg.extract.segment import CLAUSE_END, is_cjk
from kg.vocab import Vocabulary

__all__ = [
    "RegionMention",
    "RegionFinder",
    "COMMUNITY_CODE",
    "SpanSet",
    "find_local_regions",
]

COMMUNITY_CODE = "community"
#: punctuation that ends a clause, a colon included
_CLAUSE_END = re.compile("[" + re.escape(CLAUSE_END) + "：:\n]")


@dataclass(frozen=True, slots=True)
class RegionMention:
    start: int
    end: int
    text: str
    codes: tuple[str, ...]  # candidate region codes; one when unambiguous
    kind: str = "full"  # full | short | community


class SpanSet:
    """Spans ``(start, end)`` that can be asked whether any of them overlaps a range.

    ``overlaps(a, b)`` equals ``any(s < b and a < e for s, e in spans)``, in log time: of
    the spans that start before ``b``, the one that ends last decides.

    >>> SpanSet([(0, 2), (5, 9)]).overlaps(2, 5), SpanSet([(0, 2), (5, 9)]).overlaps(1, 3)
    (False, True)
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._last_end = list(accumulate((e for _, e in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect_left(self._starts, end)  # spans [0, k) start before ``end``
        return k > 0 and self._last_end[k - 1] > start


class RegionFinder:
    """Finds region names; built once per vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        skip = set(vocab.cue("not-region-names"))
        words: dict[str, tuple[str, ...]] = {}
        for name, codes in vocab.region_names.items():
            if len(name) >= 3 and name not in skip:  # 2-char names (费县) hide inside words
                words[name] = codes
        for entry in vocab.regions.values():
            if entry.level == "province":
                for short in entry.short_names:
                    if short not in words:
                        words[short] = tuple(
                            c
                            for c, e in vocab.regions.items()
                            if short in e.short_names and e.level == "province"
                        )
        self._lexicon = Lexicon(words, by_last_char=True)
        self._local_cache: dict[str, Lexicon] = {}
        self._under: dict[str, list[str]] | None = None  # made by _units_under()
        self._community_stop = set(vocab.cue("not-community-names"))
        self._community_left = tuple(vocab.cue("community-left-boundary"))
        self._community_bad = tuple(vocab.cue("community-bad-starts"))
        self._community_bad_chars = set(vocab.cue("community-bad-characters"))
        self._community_followers = set(vocab.cue("community-generic-followers"))
        self._community = re.compile("|".join(map(re.escape, vocab.cue("community-word"))))
        self._community_record = tuple(vocab.cue("community-record-words"))
        self._quote_open, self._quote_close = vocab.cue_pairs("quote-marks")[0]
        #: method words after a community's quoted practice (“1448”工作模式)
        self._practice_words = tuple(vocab.cue("method-suffixes")) + tuple(
            vocab.cue("community-practice-words")
        )
        #: a community named at a clause start, in a list with another named one (A社区、B社区)
        self._community_list = re.compile(
            "、[\u4e00-\u9fff]{2,4}(?:"
            + "|".join(map(re.escape, vocab.cue("community-word")))
            + ")"
        )
        #: characters after a county short name glued into running text that keep it a name
        self.short_name_followers = frozenset("、") | frozenset(vocab.cue("short-name-followers"))
        #: county-level names that are also ordinary words (振兴, 新建, 海城市 in 滨海城市)
        self.ambiguous = frozenset(vocab.cue("ambiguous-region-names"))
        self._landmark_followers = frozenset(vocab.cue("landmark-followers"))
        self._media_words = tuple(vocab.cue("media-words"))
        self._words_across_name_end = frozenset(vocab.cue("words-across-name-end"))
        self._not_landmark_words = tuple(vocab.cue("not-landmark-words"))
        self._direction_parts = frozenset(vocab.cue("direction-part-words"))
        self._not_direction_parts = tuple(vocab.cue("not-direction-part-words"))
        self._partner_lexicon: Lexicon | None = None
        self._partner_openers = tuple(vocab.cue("partner-openers"))
        self._partner_words = tuple(vocab.cue("partner-words"))
        self._route_joiners = frozenset(vocab.cue("route-joiners"))
        self._partner_stop = frozenset(vocab.cue("not-partner-names"))
        self._organisation_heads = tuple(vocab.cue("organisation-heads"))

    def is_county_word(self, codes: tuple[str, ...], name: str) -> bool:
        """True when ``name`` of the units ``codes`` is also a word: county-level units only
        (the short name of a city or province is not), named in the ambiguous cue set."""
        return name in self.ambiguous and all(
            self.vocab.regions[c].level == "county" for c in codes if c in self.vocab.regions
        )

    def names_landmark(self, text: str, start: int, end: int) -> bool:
        """Whether the short name ``text[start:end]`` runs into the name of a landmark
        (秦淮河, 凌河街, 长白山: cue:landmark-followers, but not 武义山区:
        cue:not-landmark-words), of a landmark's side (贺兰山东麓: its last character and
        the next make a word of cue:direction-part-words) or of a news outlet (湖北日报,
        浙江在线: cue:media-words)."""
        if text.startswith(self._media_words, end):
            return True
        if text[end : end + 1] in self._landmark_followers:
            return not text[end : end + 2].startswith(self._not_landmark_words)
        return text[end - 1 : end + 1] in self._direction_parts and not text[
            end : end + 2
        ].startswith(self._not_direction_parts)

    def boundaries(self, text: str, start: int, end: int) -> tuple[bool, bool]:
        """Whether ``text[start:end]`` is set off as a name on the left (start of text or
        not a CJK character before it) and on the right (end of text, not a CJK character,
        or a follower such as 市 / 等 / 和)."""
        prev, nxt = text[start - 1 : start], text[end : end + 1]
        left = not prev or not is_cjk(prev)
        right = not nxt or not is_cjk(nxt) or nxt in self.short_name_followers
        return left, right

    def marked_off(self, text: str, start: int, end: int, *, after_region: bool) -> bool:
        """True when ``text[start:end]`` is set off as a name on both sides, a region name
        ending right before it counting as a left boundary (:meth:`boundaries`)."""
        left, right = self.boundaries(text, start, end)
        # a word-like name before a number is the word counting things (新建5G基站 is no 新建区)
        return (left or after_region) and right and not text[end : end + 1].isdigit()

    def find(self, text: str) -> list[RegionMention]:
        """Full names and province short names, leftmost-longest.

        A county's full name that is also a word (海城市 in 滨海城市) counts only where it
        is marked off (:meth:`marked_off`); a full name whose last character starts a word
        with the next one (渝北区域: cue:words-across-name-end) is no name.
        """
        out: list[RegionMention] = []
        for m in self._lexicon.longest(text):
            if text[m.end - 1 : m.end + 1] in self._words_across_name_end:
                continue  # 川东渝北区域, 四明山区域: the 区 of 区域 (an area), no 渝北区
            if self.is_county_word(m.value, m.key):
                after_region = bool(out) and out[-1].end == m.start
                if not self.marked_off(text, m.start, m.end, after_region=after_region):
                    continue
            kind = "full" if m.key in self.vocab.region_names else "short"
            if kind == "short" and self.names_landmark(text, m.start, m.end):
                continue
            out.append(RegionMention(m.start, m.end, m.key, m.value, kind))
        return out

    def find_communities(self, text: str) -> list[RegionMention]:
        """Named communities (溪南社区): a short proper name right before 社区.

        The name (two to four characters) follows a boundary word such as 在 / 其中 / 如 or
        an earlier community in a list, does not start like 我县 / 全县, and 社区 is not
        the modifier of a following noun (社区工作, 社区建设).
        """
        out: list[RegionMention] = []
        for m in self._community.finditer(text):
            end = m.start()
            if text[m.end() : m.end() + 1] in self._community_followers:
                continue
            for length in (4, 3, 2):
                start = end - length
                if start < 0:
                    continue
                name = text[start:end]
                if not all(
                    is_cjk(ch) and ch not in self._community_bad_chars for ch in name
                ) or name.startswith(self._community_bad):
                    continue
                before = text[max(0, start - 2) : start]
                listed = before.endswith("、") and out and out[-1].end == start - 1
                if not (
                    listed
                    or any(before.endswith(w) for w in self._community_left)
                    or self._community_at_clause_start(text, start, m.end())
                ):
                    continue
                if any(name.endswith(w) for w in self._community_stop):
                    break
                out.append(
                    RegionMention(
                        start, m.end(), text[start : m.end()], (COMMUNITY_CODE,), "community"
                    )
                )
                break
        return out

    def _community_at_clause_start(self, text: str, start: int, end: int) -> bool:
        """A community name (``text[start:end]``, 社区 included) that opens a clause counts
        only where what follows shows it is one place among others: a record it earned
        (多福社区获评…: cue:community-record-words), a practice of its own (多福社区“1448”
        工作模式: cue:method-suffixes, cue:community-practice-words) or a second
        named community after 、 (林旺社区、马岭社区). A clause also opens with phrases such
        as 城乡社区 or 在某社区 that a named community does not; the stop words and the
        left-boundary words keep those out."""
        if start and text[start - 1] not in CLAUSE_END + "：:；\n“":
            return False
        if text[start:end].startswith(self._community_left):
            return False  # 在多福社区: the name starts after 在
        after = text[end : end + 16]
        if after.startswith(self._quote_open):
            # its own practice: “1448”工作模式, not 社区“两委” or 社区“15分钟”养老服务圈
            close = after.find(self._quote_close)
            tail = after[close + 1 :] if close > 0 else ""
            return any(tail.startswith(w) for w in self._practice_words)
        return after.startswith(self._community_record) or bool(self._community_list.match(after))

    def local_lexicon(self, root: str) -> Lexicon:
        """Short names of the units under region ``root`` (its subtree); cached per root."""
        cached = self._local_cache.get(root)
        if cached is None:
            cached = self._local_cache[root] = self._build_local(root)
        return cached

    def _build_local(self, root: str) -> Lexicon:
        words: dict[str, tuple[str, ...]] = {}
        for code in self._units_under().get(root, ()):
            for short in self.vocab.regions[code].short_names:
                words[short] = (*words.get(short, ()), code)
        # short names (郑州, 海城) end in many characters: the automaton is faster here than
        # the search by word endings, which suits full names (…省 …市 …县)
        return Lexicon(words)

    def _units_under(self) -> dict[str, list[str]]:
        """The codes of the units under each region (its subtree without it), in the
        vocabulary's order: made in one pass when a first local lexicon is needed, instead
        of a pass over all regions for each root."""
        if self._under is None:
            self._under = defaultdict(list)
            for code in self.vocab.regions:
                for ancestor in self.vocab.chain(code)[1:]:
                    self._under[ancestor.code].append(code)
        return self._under

    def partner_lexicon(self) -> Lexicon:
        """Short names of prefecture-level units (深圳, 成都) of the whole country, with the
        codes of the prefecture-level units so called (not counties of the same name)."""
        if self._partner_lexicon is None:
            words: dict[str, tuple[str, ...]] = {}
            for code, entry in self.vocab.regions.items():
                if entry.level != "city":
                    continue
                for short in entry.short_names:
                    if len(short) >= 2 and short not in self._partner_stop:
                        words[short] = (*words.get(short, ()), code)
            self._partner_lexicon = Lexicon(words)  # short names end in many characters
        return self._partner_lexicon

    def find_city_short_names(self, text: str) -> list[RegionMention]:
        """Short names of prefecture-level cities (周口, 深圳) anywhere in ``text``, except
        where they run into the name of a landmark or news outlet: for a text that names no
        place in full, whose jurisdiction they may show."""
        return [
            RegionMention(m.start, m.end, m.key, m.value, "short")
            for m in self.partner_lexicon().longest(text)
            if not self.names_landmark(text, m.start, m.end)
        ]

    def find_partners(
        self, text: str, province: str, found: list[RegionMention], taken: list[tuple[int, int]]
    ) -> list[RegionMention]:
        """Short names of cities outside the document's province (深圳 in a 四川 report),
        where the sentence shows they are places: named right after their own province
        (浙江宁波), as the partner of a cooperation (与深圳合作, 深圳对口地区), at one end of a
        route whose other end is a known place (荆门至舟山港, 银川—青岛), or in a list with
        a known place (与西安、成都、重庆等城市)."""
        taken_spans = SpanSet(taken)
        candidates = []
        for m in self.partner_lexicon().longest(text):
            if taken_spans.overlaps(m.start, m.end) or self.names_landmark(text, m.start, m.end):
                continue  # 镇江关 at the end of a route is a town's pass, not 镇江
            outside = tuple(
                c for c in m.value if province not in {e.code for e in self.vocab.chain(c)}
            )
            if outside:
                candidates.append(RegionMention(m.start, m.end, m.key, outside, "short"))
        known = [r for r in found if r.kind != "community"]
        ends = {r.end: r for r in known}
        starts = {r.start: r for r in known}
        accepted: dict[int, RegionMention] = {}
        changed = True
        while changed:  # a place accepted may make its neighbour in a list or route one
            changed = False
            for c in candidates:
                if c.start not in accepted and self._partner_context(text, c, ends, starts):
                    accepted[c.start] = ends[c.end] = starts[c.start] = c
                    changed = True
        return sorted(accepted.values(), key=lambda r: r.start)

    def _partner_context(
        self,
        text: str,
        mention: RegionMention,
        ends: dict[int, RegionMention],
        starts: dict[int, RegionMention],
    ) -> bool:
        before, after = text[mention.start - 1 : mention.start], text[mention.end : mention.end + 1]
        province = ends.get(mention.start)
        if province is not None and province.codes[0] in {
            e.code for c in mention.codes for e in self.vocab.chain(c) if e.code != c
        }:
            return True  # 浙江宁波: a city right after its own province
        # in a list, or at one end of a route, with a known place
        if (before in self._route_joiners or before == "、") and mention.start - 1 in ends:
            return True
        if (after in self._route_joiners or after == "、") and mention.end + 1 in starts:
            return True
        if text[mention.end : mention.end + 2].startswith(self._partner_words):
            return True  # 深圳对口地区
        if text[max(0, mention.start - 1) : mention.start] in self._partner_openers:
            # 与深圳合作共建产业园; not 与厦门大学合作 (an organisation named after the city)
            clause = _CLAUSE_END.split(text[mention.end : mention.end + 30], maxsplit=1)[0]
            at = min((i for w in self._partner_words if (i := clause.find(w)) >= 0), default=-1)
            return at >= 0 and not any(h in clause[:at] for h in self._organisation_heads)
        return False


def find_local_regions(
    finder: RegionFinder, text: str, root: str, taken: list[tuple[int, int]]
) -> list[RegionMention]:
    """Short names of units inside ``root`` (郑州 in a 河南省 text), outside spans ``taken``."""
    out: list[RegionMention] = []
    taken_spans = SpanSet(taken)
    region_ends = {end for _, end in taken}
    for m in finder.local_lexicon(root).longest(text):
        if taken_spans.overlaps(m.start, m.end) or finder.names_landmark(text, m.start, m.end):
            continue
        # 海城 before 市 is read as 海城市, a word in 滨海城市
        if finder.is_county_word(m.value, m.key) or finder.is_county_word(
            m.value, text[m.start : m.end + 1]
        ):
            after = m.start in region_ends or (bool(out) and out[-1].end == m.start)
            if not finder.marked_off(text, m.start, m.end, after_region=after):
                continue  # 全面振兴, “灯塔工厂”: the word, not 振兴区 or 灯塔市
        # a short name glued into a longer word is not a place (郑州 in 郑州银行 stays: it is
        # the city; but 新城 inside 建新城区 is not) — require a boundary on one side
        county = all(finder.vocab.regions[c].level == "county" for c in m.value)
        if county and not any(finder.boundaries(text, m.start, m.end)):
            continue
        out.append(RegionMention(m.start, m.end, m.key, m.value, "short"))
    return out
