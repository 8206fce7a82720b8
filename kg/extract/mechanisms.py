"""Mechanisms: names from the curated vocabulary, and new ones found by rule.

Discovery rules (cue words in ``ontology/cues.ttl``):

1. a quoted name followed by a mechanism suffix: “全岗通”工作机制, “六邻”工程, “幸福家园”村社
   互助项目 (项目 and the like need a governance term in the name);
2. a quoted numbered slogan about governance: “一有七中心”, “一网慧治” — but not a bare
   count (“六项”), a plan period (“十四五”) or numbers joined by plus signs alone (“1+N”);
   a compound of three or more words joined by plus signs: “综治中心+网格化+信息化”;
3. an unquoted programme after an action verb, ending in 行动 / 工程 / 计划 and naming
   something about governance: 实施社区人才队伍建设行动、城乡社区服务设施补短板工程.

>>> from kg.vocab import load_vocabulary
>>> finder = MechanismFinder(load_vocabulary())
>>> [(m.label, m.discovered) for m in finder.find("推行“全岗通”工作机制，深化五社联动。")]
[('全岗通', False), ('五社联动', False)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kg.extract.lexicon import Lexicon
from kg.extract.segment import is_cjk
from kg.vocab import Vocabulary, ending_pattern

__all__ = ["MechanismMention", "MechanismFinder", "mechanism_label", "slugify"]

_QUOTED = re.compile(r"“([^“”\n]{2,30})”")
_PAREN_AFTER = re.compile(r"^[(（][^()（）\n]{1,30}[)）]")
_QUOTED_SHORT = re.compile(r"“([^“”\n]{1,10})”")


@dataclass(frozen=True, slots=True)
class MechanismMention:
    start: int
    end: int
    text: str  # the surface as written (without quotes)
    label: str
    slug: str | None  # vocabulary slug, None when discovered
    discovered: bool


def mechanism_label(
    name: str, *, suffix: re.Pattern[str], keep_after: frozenset[str] = frozenset()
) -> str:
    """A mechanism's label: no quotes, no trailing ``suffix`` such as 机制 / 模式 (gold rules).

    The suffix stays when what is left is a place name in ``keep_after`` (秭归模式).

    >>> suffix = ending_pattern(("工作机制", "机制", "模式"))
    >>> mechanism_label("“全岗通工作机制”", suffix=suffix)
    '全岗通'
    >>> mechanism_label("秭归模式", suffix=suffix, keep_after=frozenset({"秭归"}))
    '秭归模式'
    """
    name = name.strip("“”\"' ")
    stripped = suffix.sub("", name)
    return stripped if len(stripped) >= 2 and stripped not in keep_after else name


def slugify(label: str) -> str:
    """An ASCII slug for a discovered mechanism: ``d-`` and the label's code points in hex.

    >>> slugify("一有七中心")
    'd-4e00-6709-4e03-4e2d-5fc3'
    """
    return "d-" + "-".join(f"{ord(ch):x}" for ch in label)


class MechanismFinder:
    """Finds vocabulary mechanisms and discovers new ones in a text."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._lexicon = Lexicon(vocab.mechanism_labels)
        self._holders = Lexicon({w: True for w in vocab.cue("words-holding-names")})
        self._suffixes = sorted(vocab.cue("mechanism-suffixes"), key=len, reverse=True)
        self._suffix_set = frozenset(self._suffixes)
        self._label_tails = sorted(
            {*self._suffixes, *vocab.cue("generic-name-tails")}, key=len, reverse=True
        )
        self._suffix_lengths = sorted({len(s) for s in self._suffixes}, reverse=True)
        # a quoted name that ends in one of these words (“…示范项目”) carries its suffix
        self._name_endings = tuple(s for s in self._suffixes if len(s) > 1)
        self._programme_suffixes = tuple(
            sorted(vocab.cue("programme-suffixes"), key=len, reverse=True)
        )
        verbs = sorted(vocab.cue("programme-verbs"), key=len, reverse=True)
        name_end = "".join(re.escape(w) for w in vocab.cue("programme-end-conjunctions"))
        # a programme's name, ending in a programme word where the name ends
        programme = (
            r"([\u4e00-\u9fff+“”]{4,26}?(?:"
            + "|".join(map(re.escape, self._programme_suffixes))
            + r"))(?=[、，。；,;\s"
            + name_end
            + r"]|$)"
        )
        self._programme = re.compile("(?:" + "|".join(map(re.escape, verbs)) + ")" + programme)
        self._list_item = re.compile("、" + programme)
        self._label_suffix = ending_pattern(vocab.cue("label-suffixes"))
        self._domain = Lexicon({w: True for w in vocab.cue("domain-terms")})
        self._programme_domain = Lexicon({w: True for w in vocab.cue("programme-domain-terms")})
        self._brand = Lexicon({w: True for w in vocab.cue("governance-brand-terms")})
        self._term_holders = tuple(vocab.cue("words-holding-terms"))
        self._method_suffixes = tuple(vocab.cue("method-suffixes"))
        self._campaign_suffixes = frozenset(vocab.cue("campaign-suffixes"))
        # “医养康孝”老年友善服务模式: a few more words, then a method word, name a method.
        # A method word of two or more characters may run on into the sentence (…工作模式向
        # 县覆盖); a one-character one (制) must end the run, or it is part of a word (编制).
        words = sorted(self._method_suffixes, key=len, reverse=True)
        self._modified_method = re.compile(
            r"[\u4e00-\u9fff]{1,8}?("
            + "|".join(
                re.escape(w) if len(w) > 1 else re.escape(w) + r"(?![\u4e00-\u9fff])" for w in words
            )
            + r")"
        )
        # “七色花”困境儿童关爱服务专项行动, “宁满意”政务服务品牌: a few words, then a
        # campaign word or a word for a programme of a field
        self._field_programme_words = frozenset(vocab.cue("field-programme-words"))
        programme_words = self._campaign_suffixes | self._field_programme_words
        self._modified_campaign = re.compile(
            r"([\u4e00-\u9fff]{1,10}?)("
            + "|".join(map(re.escape, sorted(programme_words, key=len, reverse=True)))
            + r")"
        )
        self._modifier_breaks = tuple(vocab.cue("modifier-breaks"))
        # “服务包”“服务管家”机制, “A”和“B”改革: the quoted names that follow this one
        joiners = "".join(map(re.escape, vocab.cue("name-series-joiners")))
        self._series = re.compile(rf"^(?:[{joiners}]?“[^“”\n]{{2,30}}”)+")
        # short quoted names in a row (“府院”“府检”), the first parts of names sharing the rest;
        # written to start with the quote mark, which the regex engine then scans for (a
        # leading repeated group is tried at every character, ten times slower)
        self._quoted_run = re.compile(rf"“[^“”\n]{{1,10}}”(?:[{joiners}]?“[^“”\n]{{1,10}}”)*")
        # the beginnings of vocabulary names (三医 of 三医联动): a quoted part can only
        # start a name written in two parts if it is one of them
        self._label_heads = frozenset(
            label[:k] for label in vocab.mechanism_labels for k in range(1, len(label))
        )
        # one search for all the patterns instead of one per pattern; the patterns have no
        # groups (tests/test_speed_extract.py), so none refers to another's group
        self._not_pattern = re.compile(
            "|".join(f"(?:{p})" for p in vocab.cue("not-mechanism-patterns"))
        )
        self._not = set(vocab.cue("not-mechanisms"))
        self._counted_name = re.compile("|".join(vocab.cue("counted-name-patterns")))
        self._distributive = re.compile("|".join(vocab.cue("distributive-slogan-patterns")))
        self._measure = tuple(vocab.cue("measure-words"))
        self._numerals = set(vocab.cue("numerals"))
        self._numeral_chars = "".join(sorted(self._numerals))  # for str.lstrip
        self._count_words = set(vocab.cue("count-words"))
        joiners = "".join(map(re.escape, vocab.cue("compound-joiners")))
        self._compound_joiner = re.compile(f"[{joiners}]")
        self._qualifiers = set(vocab.cue("level-qualifiers"))
        self._place_names = frozenset(
            n for e in vocab.regions.values() for n in (e.name, *e.short_names)
        )
        self._named_methods = tuple(vocab.cue("named-method-endings"))
        self._list_closers = tuple(vocab.cue("list-closing-words"))
        self._other_domain = Lexicon({w: True for w in vocab.cue("programme-other-domain-terms")})

    def find(self, text: str) -> list[MechanismMention]:
        """All mechanism mentions in text order.

        A vocabulary name that is also an ordinary phrase (社区协商) counts only when quoted
        or followed by a mechanism suffix (its longer labels that are not, 完整社区建设, count
        anywhere), and none counts inside a longer word that only
        holds it (人大工委, cue:words-holding-names); a quoted new name that contains a vocabulary
        name (“万户…适老化改造”项目) wins over it; otherwise the vocabulary wins.
        """
        discovered = self._discover(text)
        quoted = [m for m in discovered if m.discovered]
        found: list[MechanismMention] = []
        holders = [(w.start, w.end) for w in self._holders.all(text)]
        for m in self._lexicon.longest(text):
            entry = self.vocab.mechanisms[m.value]
            if (
                entry.marked_only
                and m.key not in entry.unmarked_labels
                and not self._marked(text, m.start, m.end)
            ):
                continue
            if any(s <= m.start and m.end <= e for s, e in holders):
                continue  # 人大工委 holds 大工委, 负面清单制度 holds 清单制: other words
            if any(
                q.start <= m.start and m.end <= q.end and (q.end - q.start) > (m.end - m.start)
                for q in quoted
            ):
                continue
            label = self._written_label(entry.label, m.key)
            found.append(MechanismMention(m.start, m.end, m.key, label, m.value, False))
        found += self._split_names(text, found)
        taken = [(m.start, m.end) for m in found]
        for mention in discovered:
            if any(s < mention.end and mention.start < e for s, e in taken):
                continue
            found.append(mention)
            taken.append((mention.start, mention.end))
        found.sort(key=lambda m: (m.start, m.end))
        # one label for each vocabulary mechanism in a text: the vocabulary's if the text
        # writes it so anywhere (四治融合, besides 自治、法治、德治、数治融合), else the first
        # written; one mechanism is adopted once per adopter and status
        chosen: dict[str, str] = {}
        for mention in found:
            if mention.slug is not None:
                canonical = self.vocab.mechanisms[mention.slug].label
                first = chosen.setdefault(mention.slug, mention.label)
                if first != canonical and mention.label == canonical:
                    chosen[mention.slug] = canonical
        found = [
            replace(x, label=chosen[x.slug]) if x.slug and chosen[x.slug] != x.label else x
            for x in found
        ]
        # a new name that is part of a vocabulary mechanism the text names (“吹哨” beside
        # “街道吹哨、部门报到”) speaks of that one, not of a mechanism of its own
        labels = {x.label for x in found if x.slug is not None}
        return [
            x
            for x in found
            if not (x.discovered and any(x.label in other and x.label != other for other in labels))
        ]

    def _written_label(self, label: str, key: str) -> str:
        """The label of a vocabulary mechanism written as ``key``: the name as the text writes
        it (城市社区15分钟生活圈, 完整社区建设), as gold annotations give it, unless the text only
        adds a word for whose it is or the field it works in (全省一网通办, 城市运行一网统管)
        or a suffix word (接诉即办改革, 五社联动机制): then the vocabulary's label."""
        written = mechanism_label(key, suffix=self._label_suffix)
        core = written
        for tail in self._label_tails:
            if core.endswith(tail) and core[: -len(tail)].endswith(label):
                core = core[: -len(tail)]  # 接诉即办改革, 一门式服务, 城市…设施建设工程
                break
        if core in label:
            return label  # the name itself, or a short form of it (共同缔造)
        extra = core[: -len(label)] if core.endswith(label) else None
        return label if extra in self._qualifiers else written

    def _split_names(self, text: str, found: list[MechanismMention]) -> list[MechanismMention]:
        """Vocabulary names written in two parts: the first part quoted (“三医”联动, and
        “府院”“府检”联动, where both share the rest), or two first parts that share the rest
        of a name found (府院府检联动: 府院联动 and 府检联动).

        Only names that the vocabulary knows whole are taken, and no ordinary phrase
        (“12345”热线, “一站式”服务: quoting a part does not make the phrase a name).
        """
        out = []
        for run in self._quoted_run.finditer(text):
            if self._label_heads.isdisjoint(_QUOTED_SHORT.findall(run.group())):
                continue  # no quoted part begins a vocabulary name (nearly every quote)
            quoted = list(_QUOTED_SHORT.finditer(run.group()))
            after = text[run.end() : run.end() + 6]
            for size in range(len(after), 0, -1):
                rest = after[:size]
                if not all(map(is_cjk, rest)):
                    continue
                parts = [(m, self._whole_name(m.group(1) + rest)) for m in quoted]
                if any(slug for _, slug in parts):
                    break
            else:
                continue
            for m, slug in parts:
                if slug is None:
                    continue
                start = run.start() + m.start(1)
                end = run.start() + m.end(1)
                if m.end() == len(run.group()):
                    end = run.end() + size  # the last part carries the shared rest
                entry = self.vocab.mechanisms[slug]
                surface = m.group(1) + rest
                out.append(MechanismMention(start, end, surface, entry.label, slug, False))
        for mention in found:
            if mention.slug is None:
                continue
            for size in (2, 3, 4):
                head, rest = text[mention.start - size : mention.start], mention.text[size:]
                slug = self._whole_name(head + rest)
                if len(rest) >= 2 and all(map(is_cjk, head)) and slug and slug != mention.slug:
                    entry = self.vocab.mechanisms[slug]
                    start = mention.start - size
                    out.append(
                        MechanismMention(
                            start, mention.start, head + rest, entry.label, slug, False
                        )
                    )
                    break
        return out

    def _whole_name(self, name: str) -> str | None:
        """The slug of vocabulary name ``name`` unless it is an ordinary phrase too."""
        slug = self.vocab.mechanism_labels.get(name)
        return None if slug is None or self.vocab.mechanisms[slug].marked_only else slug

    def _marked(self, text: str, start: int, end: int) -> bool:
        """Quoted or followed by a mechanism suffix, and not counted: 60个老旧小区改造项目 or
        建成“一刻钟便民生活圈”52个 count things built, they name no mechanism."""
        tail = text[end : end + 4].lstrip("”")
        suffix = next((s for s in self._suffixes if tail.startswith(s)), None)
        if self._counted(text, start, end + (text[end : end + 1] == "”") + len(suffix or "")):
            return False
        if text[start - 1 : start] == "“" and text[end : end + 1] == "”":
            return True
        return suffix is not None

    def _counted(self, text: str, start: int, end: int) -> bool:
        """Whether a number and a measure word stand right before ``start`` (建成22个“…”) or
        a number right after ``end`` (…改造项目120个)."""
        before = text[max(0, start - 4) : start].rstrip("“")
        measure = next((w for w in self._measure if before.endswith(w)), None)
        if measure and before[: -len(measure)][-1:] in self._numerals:
            return True
        return text[end : end + 1] in self._numerals

    def _known(self, name: str) -> str | None:
        for candidate in (name, mechanism_label(name, suffix=self._label_suffix)):
            slug = self.vocab.mechanism_labels.get(candidate)
            if slug:
                return slug
        return None

    def _discover(self, text: str) -> list[MechanismMention]:
        out = []
        passed_over: list[re.Match[str]] = []
        for m in _QUOTED.finditer(text):
            name = m.group(1).strip()
            # quotes inside the quotes mark a word of the name (“社区‘吹哨’、部门报到”):
            # the name is read without them, and written as the text has it
            plain = name.replace("‘", "").replace("’", "") if "‘" in name else name
            if self._never(plain) or "《" in name or "》" in name or self._is_count(name):
                continue
            after = text[m.end() : m.end() + 80]
            series = self._series.match(after)  # names in a row share the word after them
            after = after[series.end() :] if series else after
            after = after[:40]
            paren = _PAREN_AFTER.match(after)
            tail = after[paren.end() :] if paren else after
            counted = self._counted_name.match(plain)
            slug = self._known(plain)
            suffix = self._suffix_of(tail) if counted or slug is None else None
            if counted and not self._counted_campaign(plain[counted.end() :], suffix):
                continue  # “三大攻坚战”: a list summed up; but “五个通办”改革 is one reform
            if (
                slug is None
                and not self._accept_quoted(plain, suffix, after=tail[:8])
                and not self._modified_campaign_of(tail)
            ):
                passed_over.append(m)
                continue
            if slug and self.vocab.mechanisms[slug].marked_only:
                if self._counted(text, m.start(), m.end()):
                    continue  # 建成22个“一刻钟便民生活圈”: an ordinary phrase, counted
            label = mechanism_label(plain, suffix=self._label_suffix, keep_after=self._place_names)
            entry = self.vocab.mechanisms.get(slug) if slug else None
            out.append(
                MechanismMention(
                    m.start(1), m.end(1), name, entry.label if entry else label, slug, entry is None
                )
            )
        # a name the text has made a mechanism (深化“一枚印章管审批”改革) is one wherever else
        # it is quoted (深入推动“一枚印章管审批”)
        named = {m.text: m for m in out if m.discovered}
        for m in passed_over:
            known = named.get(m.group(1).strip())
            if known is not None:
                out.append(
                    MechanismMention(m.start(1), m.end(1), known.text, known.label, None, True)
                )
        for pattern in (self._programme, self._list_item):
            for m in pattern.finditer(text):
                name = m.group(1).replace("“", "").replace("”", "")
                if not self._programme_domain.contains_any(name) or self._rejected(name):
                    continue
                if any(word in name for word in self._list_closers):
                    continue  # 城市防洪排涝等重大治理工程: a list summed up
                if self._other_domain.contains_any(name):
                    continue  # 防洪治理工程, 企业帮扶行动: water works, business
                slug = self._known(name)
                entry = self.vocab.mechanisms.get(slug) if slug else None
                out.append(
                    MechanismMention(
                        m.start(1),
                        m.end(1),
                        name,
                        entry.label if entry else name,
                        slug,
                        entry is None,
                    )
                )
        return out

    def _suffix_of(self, tail: str) -> str | None:
        """The longest mechanism suffix that ``tail`` starts with, else the method word that
        ends the short run of words ``tail`` starts with (工作模式, 老年友善服务模式)."""
        found = next((tail[:n] for n in self._suffix_lengths if tail[:n] in self._suffix_set), None)
        if found not in self._method_suffixes:  # “…”改革创新机制: the method word decides
            modified = self._modified_method.match(tail)
            found = modified.group(1) if modified else found
        return found

    def _modified_campaign_of(self, tail: str) -> bool:
        """Whether ``tail`` starts with a short run of words that says what a campaign serves
        and ends in a campaign word (困境儿童关爱服务专项行动, 基层治理提升工程) or in the
        word for a field's programme (政务服务品牌, 基层治理体系).

        The run must name a governance field; for a field's programme it must also be a
        modifier, not a clause (“…”等群众文化品牌, “…”为统一出口的政务服务体系).
        """
        modified = self._modified_campaign.match(tail)
        if modified is None or not self._programme_domain.contains_any(modified.group(1)):
            return False
        if modified.group(2) in self._field_programme_words:
            run = modified.group(1)
            return not any(w in run for w in self._modifier_breaks)
        return True

    def _never(self, name: str) -> bool:
        """Whether quoted ``name`` is never a mechanism, also once its suffix word is cut off
        (“管理模式” is 管理 and a method word)."""
        if name in self._not or self._not_pattern.search(name) is not None:
            return True
        return mechanism_label(name, suffix=self._label_suffix) in self._not

    def _rejected(self, name: str) -> bool:
        return self._never(name) or self._counted_name.match(name) is not None

    def _counted_campaign(self, counted: str, suffix: str | None) -> bool:
        """Whether a quoted name that starts with a count, of which ``counted`` is what it
        counts, names a campaign or method: one of their words follows it (``suffix``, see
        :meth:`_suffix_of`), and it counts things named in words (“五个通办”改革), not
        numbers (“六个一”工程)."""
        if suffix not in self._campaign_suffixes and suffix not in self._method_suffixes:
            return False
        return len(counted) >= 2 and all(is_cjk(ch) and ch not in self._numerals for ch in counted)

    def _accept_quoted(self, name: str, suffix: str | None, *, after: str = "") -> bool:
        """Whether a quoted name that is not in the vocabulary is a mechanism, given the
        suffix word after it (if any) and the few characters ``after`` it.

        Method words (机制, 模式, 工作法, 制度) and campaign words (行动, 工程, 改革) make any
        name a mechanism; the other programme words (计划, 项目, 品牌 …), after the name or
        at its end (“…托育服务发展示范项目”), and numbered slogans need a governance term in
        the name; a bare quoted name needs a strong governance term (塞上枫桥, 民意速办).
        """
        if suffix in self._method_suffixes or suffix in self._campaign_suffixes:
            return True
        if name.endswith(self._named_methods) or self._distributive.match(name):
            return True  # “积分制度”; “一楼一策”, “每月一题”: a method applied unit by unit
        governance = self._domain.contains_any(name) or self._programme_domain.contains_any(name)
        if suffix is not None or name.endswith(self._programme_suffixes):
            # “三亚芒果”品牌: a place whose name starts with a numeral makes no slogan
            place = any(name[:size] in self._place_names for size in range(2, 6))
            return governance or (self._is_slogan(name) and not place)
        brand = self._brand.contains_any(self._without_term_holders(name)) and len(name) <= 10
        if name.endswith(self._name_endings):
            # “…托育服务发展示范项目”, “余村经验”: the name carries its programme word
            return governance or brand
        if self._is_slogan(name):
            # “一网慧治”: a numbered brand; but “一网四链”, “一网多源” count the parts of a
            # layout, “五水共治” is water work, and a bare “1+N”, “2+3+N” numbers the parts
            # of a policy or industry system unless a method word follows (“1+5+N”模式)
            named = (
                brand and not self._counts_parts(name) and not self._other_domain.contains_any(name)
            )
            return governance or named
        if self._is_compound(name):
            # “综治中心+网格化+信息化”治理平台, “物质+服务+技能”大救助格局: the parts of a
            # working arrangement, named as such by a governance term in it or right after it
            return brand or self._programme_domain.contains_any(name + after)
        return brand

    def _without_term_holders(self, name: str) -> str:
        """``name`` with the words that hold a governance term without meaning it blanked out
        (自治区 holds 自治)."""
        for word in self._term_holders:
            name = name.replace(word, "|")
        return name

    def _is_compound(self, name: str) -> bool:
        """Whether ``name`` joins three or more short words with plus signs
        (“党小组+网格员+联户长”); two joined words are most often an industry pairing
        (“文旅+商业”)."""
        parts = self._compound_joiner.split(name)
        return len(parts) >= 3 and all(2 <= len(p) <= 8 and all(map(is_cjk, p)) for p in parts)

    def _is_count(self, name: str) -> bool:
        """A bare count such as “六项” or “两个”: numerals and measure words only."""
        if name.isascii() and name.isdigit() and len(name) >= 3:
            return False  # “1448”, “2110”: a code name (counts are “3个”, “六项”)
        rest = name.lstrip(self._numeral_chars)
        return rest != name and (not rest or rest in self._measure)

    def _counts_parts(self, name: str) -> bool:
        """Whether a numbered slogan counts several parts (“一网四链”, “三线一网底”, “一网多源”):
        a numeral or a counting word after its first counted thing."""
        rest = name.lstrip(self._numeral_chars)[1:]
        return any(ch in self._numerals or ch in self._count_words for ch in rest)

    def _is_slogan(self, name: str) -> bool:
        """A numbered slogan: starts with a numeral and names something (“一有七中心”, “1+3+N”)."""
        if not name or name[0] not in self._numerals or len(name) > 12:
            return False
        rest = name.lstrip(self._numeral_chars + "+")
        if len(rest) < 2 and "+" not in name:
            return False  # “七普”: an abbreviation, not a mechanism
        if rest.startswith(self._measure):
            return False  # “千条线”: a counted noun, not a name
        return any(is_cjk(ch) or ch.isalpha() for ch in rest)
