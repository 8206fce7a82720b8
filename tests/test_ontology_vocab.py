"""Tests for the curated vocabularies: ontology/mechanisms.ttl, organs.ttl and cues.ttl."""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

REPO_ROOT = Path(__file__).resolve().parent.parent
MECHANISMS_TTL = REPO_ROOT / "ontology" / "mechanisms.ttl"
ORGANS_TTL = REPO_ROOT / "ontology" / "organs.ttl"

CGKG = Namespace("https://w3id.org/cgkg/ontology#")
MECH = Namespace("https://w3id.org/cgkg/mechanism/")
MCAT = Namespace("https://w3id.org/cgkg/mechanism-category/")
ORGAN = Namespace("https://w3id.org/cgkg/organ-type/")

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
QUOTES = re.compile(r"[“”\"]")
SYSTEMS = {
    CGKG.PartySystem,
    CGKG.GovernmentSystem,
    CGKG.CongressSystem,
    CGKG.CppccSystem,
    CGKG.JudicialSystem,
    CGKG.MassOrganisationSystem,
}
LEVELS = {CGKG.NationalLevel, CGKG.ProvinceLevel, CGKG.CityLevel, CGKG.CountyLevel}
#: Names in which a trailing 模式 is part of the proper name (gold label 秭归模式).
NAME_INHERENT_SUFFIX = {"秭归模式"}


@pytest.fixture(scope="module")
def mechanisms() -> Graph:
    return Graph().parse(MECHANISMS_TTL, format="turtle")


@pytest.fixture(scope="module")
def organs() -> Graph:
    return Graph().parse(ORGANS_TTL, format="turtle")


def zh(text: str) -> Literal:
    return Literal(text, lang="zh-Hans")


def all_mechanisms(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, CGKG.Mechanism) if isinstance(s, URIRef))


def all_organs(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, CGKG.OrganType) if isinstance(s, URIRef))


def local_name(iri: URIRef, namespace: Namespace) -> str:
    assert str(iri).startswith(str(namespace)), iri
    return str(iri)[len(str(namespace)) :]


def by_label(graph: Graph, label: str) -> Node:
    """The mechanism whose zh-Hans prefLabel is ``label``."""
    found = [
        s
        for s in graph.subjects(SKOS.prefLabel, zh(label))
        if (s, RDF.type, CGKG.Mechanism) in graph
    ]
    assert len(found) == 1, f"{label}: {found}"
    return found[0]


def labels(graph: Graph, subject: Node, prop: URIRef, lang: str | None = "zh-Hans") -> list[str]:
    return [
        str(o)
        for o in graph.objects(subject, prop)
        if isinstance(o, Literal) and (lang is None or o.language == lang)
    ]


def resolve(graph: Graph, level: URIRef, surface: str) -> Node:
    """The organ type that ``surface`` names at ``level``."""
    found = [
        s
        for s in graph.subjects(CGKG.surface, zh(surface))
        if (s, CGKG.appliesToLevel, level) in graph
    ]
    assert len(found) == 1, f"{surface} at {level}: {found}"
    return found[0]


# ---------------------------------------------------------------- both files


@pytest.mark.parametrize("path", [MECHANISMS_TTL, ORGANS_TTL], ids=lambda p: p.name)
def test_ontology_vocab_files_parse(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 500


# ---------------------------------------------------------------- mechanisms


def test_ontology_vocab_at_least_80_mechanisms(mechanisms: Graph) -> None:
    found = all_mechanisms(mechanisms)
    assert len(found) >= 80
    assert all((m, SKOS.inScheme, CGKG.mechanisms) in mechanisms for m in found)
    assert all((m, RDF.type, SKOS.Concept) in mechanisms for m in found)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_ontology_vocab_every_mechanism_has_one_pref_label_per_language(
    mechanisms: Graph, lang: str
) -> None:
    wrong = [
        m
        for m in all_mechanisms(mechanisms)
        if len(labels(mechanisms, m, SKOS.prefLabel, lang)) != 1
    ]
    assert wrong == []


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_ontology_vocab_every_mechanism_has_a_definition(mechanisms: Graph, lang: str) -> None:
    missing = [
        m for m in all_mechanisms(mechanisms) if not labels(mechanisms, m, SKOS.definition, lang)
    ]
    assert missing == []


def test_ontology_vocab_notation_is_unique_ascii_slug_equal_to_local_name(
    mechanisms: Graph,
) -> None:
    notations = []
    for m in all_mechanisms(mechanisms):
        values = [str(o) for o in mechanisms.objects(m, SKOS.notation)]
        assert values == [local_name(m, MECH)], m
        assert SLUG.fullmatch(values[0]), values[0]
        notations.extend(values)
    assert len(notations) == len(set(notations))


@pytest.mark.parametrize("prop", [SKOS.prefLabel, SKOS.altLabel], ids=["prefLabel", "altLabel"])
def test_ontology_vocab_labels_have_no_quotes(mechanisms: Graph, prop: URIRef) -> None:
    quoted = [str(o) for _, o in mechanisms.subject_objects(prop) if QUOTES.search(str(o))]
    assert quoted == []


def test_ontology_vocab_pref_labels_have_no_generic_suffix(mechanisms: Graph) -> None:
    suffixed = [
        label
        for m in all_mechanisms(mechanisms)
        for label in labels(mechanisms, m, SKOS.prefLabel)
        if label.endswith(("机制", "模式", "工作机制")) and label not in NAME_INHERENT_SUFFIX
    ]
    assert suffixed == []


def test_ontology_vocab_alt_labels_never_name_another_mechanism(mechanisms: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for m in all_mechanisms(mechanisms):
        for label in labels(mechanisms, m, SKOS.prefLabel) + labels(mechanisms, m, SKOS.altLabel):
            owners[label].add(m)
    shared = {label: sorted(ms) for label, ms in owners.items() if len(ms) > 1}
    assert shared == {}


def test_ontology_vocab_unmarked_labels_are_alt_labels_of_marked_only_mechanisms(
    mechanisms: Graph,
) -> None:
    """An unmarked label lifts the marking rule for one written form, so it must be a form
    the mechanism is matched by, and the mechanism one that needs marking at all."""
    misplaced = [
        (m, str(label))
        for m, label in mechanisms.subject_objects(CGKG.unmarkedLabel)
        if (m, SKOS.altLabel, label) not in mechanisms
        or (m, CGKG.matchOnlyWhenMarked, Literal(True)) not in mechanisms
    ]
    assert misplaced == []
    assert any(True for _ in mechanisms.subject_objects(CGKG.unmarkedLabel))


def test_ontology_vocab_alt_label_differs_from_own_pref_label(mechanisms: Graph) -> None:
    for m in all_mechanisms(mechanisms):
        assert not set(labels(mechanisms, m, SKOS.prefLabel)) & set(
            labels(mechanisms, m, SKOS.altLabel)
        ), m


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("五社联动", "四社联动"),
        ("四社联动", "三社联动"),
        ("四治融合", "三治融合"),
        ("未诉先办", "接诉即办"),
    ],
)
def test_ontology_vocab_lineage_is_succeeds_and_related(
    mechanisms: Graph, newer: str, older: str
) -> None:
    new, old = by_label(mechanisms, newer), by_label(mechanisms, older)
    assert (new, CGKG.succeeds, old) in mechanisms
    assert (old, CGKG.succeeds, new) not in mechanisms
    assert (new, SKOS.related, old) in mechanisms
    assert (old, SKOS.related, new) in mechanisms


def test_ontology_vocab_three_four_five_society_linkage_all_related(mechanisms: Graph) -> None:
    three, four, five = (by_label(mechanisms, x) for x in ("三社联动", "四社联动", "五社联动"))
    assert (five, SKOS.related, three) in mechanisms
    assert (three, SKOS.related, five) in mechanisms
    assert (five, SKOS.broader, three) not in mechanisms


def test_ontology_vocab_five_society_linkage_has_five_components(mechanisms: Graph) -> None:
    five = by_label(mechanisms, "五社联动")
    assert set(labels(mechanisms, five, CGKG.component)) == {
        "社区",
        "社会组织",
        "社会工作者",
        "社区志愿者",
        "社会慈善资源",
    }


@pytest.mark.parametrize("variant", ["街乡吹哨、部门报到", "吹哨报到"])
def test_ontology_vocab_whistle_variants_are_alt_labels(mechanisms: Graph, variant: str) -> None:
    whistle = by_label(mechanisms, "街道吹哨、部门报到")
    assert (whistle, SKOS.altLabel, zh(variant)) in mechanisms


@pytest.mark.parametrize(
    ("label", "variant"),
    [
        ("枫桥经验", "新时代枫桥经验"),
        ("网格化管理", "网格化服务管理"),
        ("15分钟生活圈", "城市社区15分钟生活圈"),
        ("15分钟生活圈", "一刻钟便民生活圈"),
        ("四治融合", "自治、法治、德治、智治融合"),
        ("社工站", "乡镇(街道)社会工作服务站"),
        ("导师帮带", "导师帮带制"),
        ("社区议事会", "民主协商议事会"),
        ("积分制", "乡村治理积分制"),
        ("万能章", "社区万能章治理"),
        ("街长制", "路长制"),
        ("一门式", "一门式服务"),
    ],
)
def test_ontology_vocab_variants_are_alt_labels_of_one_concept(
    mechanisms: Graph, label: str, variant: str
) -> None:
    assert (by_label(mechanisms, label), SKOS.altLabel, zh(variant)) in mechanisms


REQUIRED = """
三社联动 四社联动 五社联动 五社一心 一有七中心 街道吹哨、部门报到
社区吹哨、党员报到 接诉即办 未诉先办 全岗通 一窗受理、全科服务 一门式 一站式服务
一网通办 一网统管 一件事一次办 最多跑一次 枫桥经验 浦江经验 网格化管理 红色物业
一肩挑 双报到 在职党员进社区 四议两公开 四治融合 三治融合 党建引领 区域化党建
大工委 大党委 三张清单 15分钟生活圈 互联网+政务服务 互联网+社区
互联网+基层治理 好差评 证明事项告知承诺制 全省通办 跨省通办 救急难 秭归模式
幸福家园 时间银行 社区议事会 村规民约 居民公约 社区协商 社区营造 公益创投
政府购买服务 社工站 一老一小 一户一策 敲门行动 阶梯计划 导师帮带 导师+项目
1+3+N 分类定级、组团包联 群众点单、社区派单、单位(党员)接单
关爱老人、享受美好生活 优质服务基层行 万能章 四位一体 社区减负 社区工作准入制度
居务监督 村务监督委员会 社区网格员 多元共治 智慧社区 完整社区
美好环境与幸福生活共同缔造 四下基层 马上就办 民呼我为 有事好商量 小巷管家 街长制
楼长制 全科网格 雪亮工程 平安建设 一约四会 积分制 清单制 数字乡村 基层减负
社区服务综合体 居家和社区基本养老服务提升行动 家庭养老床位 适老化改造 城市基层党建
民情日记 新时代文明实践 党群服务中心 12345政务服务便民热线
""".split()


@pytest.mark.parametrize("label", REQUIRED)
def test_ontology_vocab_required_mechanism_present(mechanisms: Graph, label: str) -> None:
    by_label(mechanisms, label)


@pytest.mark.parametrize(
    "prop", [SKOS.related, SKOS.broader, CGKG.succeeds], ids=["related", "broader", "succeeds"]
)
def test_ontology_vocab_links_point_to_mechanisms(mechanisms: Graph, prop: URIRef) -> None:
    dangling = [
        (s, o)
        for s, o in mechanisms.subject_objects(prop)
        if (o, RDF.type, CGKG.Mechanism) not in mechanisms
    ]
    assert dangling == []


def test_ontology_vocab_related_is_symmetric_and_disjoint_from_broader(mechanisms: Graph) -> None:
    for s, o in mechanisms.subject_objects(SKOS.related):
        assert (o, SKOS.related, s) in mechanisms, (s, o)
        assert (s, SKOS.broader, o) not in mechanisms and (o, SKOS.broader, s) not in mechanisms, (
            s,
            o,
        )
    for s, o in mechanisms.subject_objects(CGKG.succeeds):
        assert (s, SKOS.related, o) in mechanisms, (s, o)


def test_ontology_vocab_categories_are_defined_concepts(mechanisms: Graph) -> None:
    for m in all_mechanisms(mechanisms):
        cats = list(mechanisms.objects(m, CGKG.category))
        assert len(cats) <= 1, m
        for cat in cats:
            assert (cat, SKOS.inScheme, MCAT.categories) in mechanisms, cat
            assert labels(mechanisms, cat, SKOS.prefLabel), cat


def test_ontology_vocab_introduced_by_names_a_document_in_brackets(mechanisms: Graph) -> None:
    sources = [str(o) for o in mechanisms.objects(None, CGKG.introducedBy)]
    assert sources
    assert all("《" in s and "》" in s for s in sources), sources


# ---------------------------------------------------------------- organ types


def test_ontology_vocab_every_organ_type_is_complete(organs: Graph) -> None:
    found = all_organs(organs)
    assert len(found) >= 60
    for organ in found:
        assert SLUG.fullmatch(local_name(organ, ORGAN)), organ
        assert labels(organs, organ, SKOS.prefLabel), organ
        assert labels(organs, organ, SKOS.prefLabel, "en"), organ
        assert labels(organs, organ, CGKG.surface), organ
        assert [s for s in organs.objects(organ, CGKG.system) if s in SYSTEMS], organ
        levels = set(organs.objects(organ, CGKG.appliesToLevel))
        assert levels and levels <= LEVELS, organ
        assert len(list(organs.objects(organ, CGKG.nameTemplate))) == 1, organ


def test_ontology_vocab_templates_have_region_unless_national(organs: Graph) -> None:
    for organ in all_organs(organs):
        national = (organ, CGKG.appliesToLevel, CGKG.NationalLevel) in organs
        templates = [str(t) for t in organs.objects(organ, CGKG.nameTemplate)]
        templates += [str(t) for t in organs.objects(organ, CGKG.altNameTemplate)]
        for template in templates:
            assert ("{region}" in template) != national, (organ, template)
        if national:
            assert set(organs.objects(organ, CGKG.appliesToLevel)) == {CGKG.NationalLevel}, organ


def test_ontology_vocab_no_two_organ_types_share_a_surface_at_one_level(organs: Graph) -> None:
    owners: dict[tuple[Node, str], set[URIRef]] = defaultdict(set)
    for organ in all_organs(organs):
        for level in organs.objects(organ, CGKG.appliesToLevel):
            for surface in labels(organs, organ, CGKG.surface):
                owners[(level, surface)].add(organ)
    shared = {key: sorted(v) for key, v in owners.items() if len(v) > 1}
    assert shared == {}


@pytest.mark.parametrize(
    ("level", "surface", "region", "name"),
    [
        (CGKG.ProvinceLevel, "民政厅", "河南省", "河南省民政厅"),
        (CGKG.ProvinceLevel, "自然资源厅", "河南省", "河南省自然资源厅"),
        (CGKG.ProvinceLevel, "卫健委", "河南省", "河南省卫生健康委员会"),
        (CGKG.ProvinceLevel, "政府", "河南省", "河南省人民政府"),
        (CGKG.ProvinceLevel, "委", "山东省", "中共山东省委"),
        (CGKG.ProvinceLevel, "委组织部", "山东省", "中共山东省委组织部"),
        (CGKG.ProvinceLevel, "政府办公厅", "湖南省", "湖南省人民政府办公厅"),
        (CGKG.ProvinceLevel, "发展改革委", "湖南省", "湖南省发展和改革委员会"),
        (CGKG.ProvinceLevel, "委办公厅", "湖北省", "中共湖北省委办公厅"),
        (CGKG.ProvinceLevel, "住建厅", "湖北省", "湖北省住房和城乡建设厅"),
        (CGKG.ProvinceLevel, "农业农村厅", "湖北省", "湖北省农业农村厅"),
        (CGKG.ProvinceLevel, "民政局", "北京市", "北京市民政局"),
        (CGKG.CityLevel, "政府办公厅", "武汉市", "武汉市人民政府办公厅"),
        (CGKG.CityLevel, "政府办", "郑州市", "郑州市人民政府办公室"),
        (CGKG.CountyLevel, "民政局", "武义县", "武义县民政局"),
        (CGKG.CountyLevel, "委", "武义县", "中共武义县委"),
        (CGKG.CountyLevel, "府", "武义县", "武义县人民政府"),
        (CGKG.CountyLevel, "委常委会", "武义县", "中共武义县委常务委员会"),
        (CGKG.CountyLevel, "政协", "武义县", "政协武义县委员会"),
        (CGKG.NationalLevel, "民政部", None, "民政部"),
        (CGKG.NationalLevel, "党中央", None, "中共中央"),
        (CGKG.NationalLevel, "国家卫健委", None, "国家卫生健康委员会"),
    ],
)
def test_ontology_vocab_surface_resolves_to_full_name(
    organs: Graph, level: URIRef, surface: str, region: str | None, name: str
) -> None:
    organ = resolve(organs, level, surface)
    template = str(organs.value(organ, CGKG.nameTemplate))
    assert template.replace("{region}", region or "") == name


@pytest.mark.parametrize(
    ("level", "surface", "region", "accepted"),
    [
        (CGKG.ProvinceLevel, "卫健委", "湖北省", "湖北省卫健委"),
        (CGKG.ProvinceLevel, "住建厅", "湖北省", "湖北省住房城乡建设厅"),
        (CGKG.ProvinceLevel, "委", "湖南省", "湖南省委"),
        (CGKG.ProvinceLevel, "政府", "山东省", "山东省政府"),
        (CGKG.ProvinceLevel, "人大常委会", "河南省", "河南省人大常委会"),
        (CGKG.ProvinceLevel, "政协", "河南省", "河南省政协"),
    ],
)
def test_ontology_vocab_alt_templates_give_accepted_names(
    organs: Graph, level: URIRef, surface: str, region: str, accepted: str
) -> None:
    organ = resolve(organs, level, surface)
    names = {
        str(t).replace("{region}", region) for t in organs.objects(organ, CGKG.altNameTemplate)
    }
    assert accepted in names


def test_ontology_vocab_province_and_city_departments_are_separate_types(organs: Graph) -> None:
    ting = resolve(organs, CGKG.ProvinceLevel, "民政厅")
    ju = resolve(organs, CGKG.CityLevel, "民政局")
    assert ting != ju
    assert (ting, CGKG.appliesToLevel, CGKG.CityLevel) not in organs


@pytest.mark.parametrize(
    "term",
    [
        "有关部门",
        "县级民政部门",
        "相关部门",
        "各级民政部门",
        "各地",
        "各级党委和政府",
        "业务主管单位",
    ],
)
def test_ontology_vocab_generic_agency_terms_include(organs: Graph, term: str) -> None:
    assert (CGKG.genericAgencies, CGKG.genericAgencyTerm, zh(term)) in organs


def test_ontology_vocab_generic_agency_terms_are_many_and_not_organ_surfaces(organs: Graph) -> None:
    terms = {str(o) for o in organs.objects(CGKG.genericAgencies, CGKG.genericAgencyTerm)}
    assert len(terms) >= 20
    surfaces = {str(o) for o in organs.objects(None, CGKG.surface)}
    assert terms & surfaces == set()


# ---------------------------------------------------------------- cue words

#: cues.ttl (written by hand) and the cue sets that scripts generate (cues-*.ttl)
CUES_FILES = sorted((REPO_ROOT / "ontology").glob("cues*.ttl"))
CUE = Namespace("https://w3id.org/cgkg/cue/")
RDFS_COMMENT = URIRef("http://www.w3.org/2000/01/rdf-schema#comment")
#: ``vocab.cue("name")`` or ``vocab.cue_pairs("name")`` in the code (how the code reads a cue set)
CUE_CALL = re.compile(r"""\.cue(?:_pairs)?\(\s*["']([^"']+)["']\s*\)""")
#: Han ideographs (CJK unified, extension A, compatibility, extensions B–F). CJK punctuation
#: (《》〔〕“”、，。) is typography, not words, and may stay in code like ASCII punctuation.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
EXTRACT_DIR = REPO_ROOT / "kg" / "extract"
#: Modules after the extractor that show or score Chinese text: their words are data too.
SHOW_AND_SCORE_MODULES = [REPO_ROOT / "kg" / name for name in ("show.py", "plot.py", "evaluate.py")]


def cues_read_by_code() -> dict[str, list[str]]:
    """Cue names the code reads, with the files that read them."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((REPO_ROOT / "kg").rglob("*.py")):
        for name in CUE_CALL.findall(path.read_text(encoding="utf-8")):
            found[name].append(str(path.relative_to(REPO_ROOT)))
    return found


def code_strings_with_han(path: Path) -> list[tuple[int, str]]:
    """String literals of ``path`` that contain a Han character, docstrings left out.

    A docstring is a string that forms a whole statement (the first one of a module, class
    or function, or ``#:``-style attribute docs); comments are no tokens of interest.
    """
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        if t.type not in (tokenize.NL, tokenize.COMMENT)
    ]
    statement_start = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    found = []
    for i, token in enumerate(tokens):
        if token.type != tokenize.STRING or not HAN.search(token.string):
            continue
        before = tokens[i - 1].type if i else tokenize.ENCODING
        after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.ENDMARKER
        docstring = before in statement_start and after in (tokenize.NEWLINE, tokenize.ENDMARKER)
        if not docstring:
            found.append((token.start[0], token.string))
    return found


@pytest.fixture(scope="module")
def cues() -> Graph:
    graph = Graph()
    for path in CUES_FILES:
        graph.parse(path, format="turtle")
    return graph


def test_ontology_vocab_code_reads_many_cues() -> None:
    assert len(cues_read_by_code()) >= 50


@pytest.mark.parametrize("name", sorted(cues_read_by_code()))
def test_ontology_vocab_every_cue_the_code_reads_is_declared_and_defined(
    cues: Graph, name: str
) -> None:
    cue = CUE[name]
    assert (cue, RDF.type, CGKG.CueSet) in cues, f"cue:{name} is not declared in ontology/cues*.ttl"
    definitions = [
        o
        for prop in (RDFS_COMMENT, SKOS.definition)
        for o in cues.objects(cue, prop)
        if isinstance(o, Literal) and o.language == "en" and len(str(o)) >= 20
    ]
    assert definitions, f"cue:{name} has no English rdfs:comment saying what it is for"
    values = [cues.objects(cue, p) for p in (CGKG.word, CGKG.headingCue, CGKG.pattern)]
    assert any(list(v) for v in values), f"cue:{name} has no words or patterns"


@pytest.mark.parametrize("path", sorted(EXTRACT_DIR.glob("*.py")), ids=lambda p: p.name)
def test_ontology_vocab_no_chinese_words_in_extractor_code(path: Path) -> None:
    assert code_strings_with_han(path) == []


@pytest.mark.parametrize("path", SHOW_AND_SCORE_MODULES, ids=lambda p: p.name)
def test_ontology_vocab_no_chinese_words_in_show_plot_and_evaluate_code(path: Path) -> None:
    assert code_strings_with_han(path) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('"""文档 docstring."""\nx = 1  # 注释\n', []),
        ('def f():\n    """函数的文档。"""\n    return "省"\n', [(3, '"省"')]),
        ('WORDS = ("规划", "意见")\n', [(1, '"规划"'), (1, '"意见"')]),
        ('PUNCT = "《》〔〕，。"\n', []),
    ],
)
def test_ontology_vocab_han_check_skips_docstrings_and_comments(
    tmp_path: Path, source: str, found: list[tuple[int, str]]
) -> None:
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    assert code_strings_with_han(path) == found


def test_ontology_vocab_ambiguous_region_names_are_county_names_that_are_words(cues: Graph) -> None:
    """The generated cue set holds county-level names only (never a province's or a city's
    own short name, which the rule must not touch), and the words that made it necessary."""
    from kg.vocab import load_vocabulary

    vocab = load_vocabulary()
    names = set(vocab.cue("ambiguous-region-names"))
    county = {
        name
        for entry in vocab.regions.values()
        if entry.level == "county"
        for name in (entry.name, *entry.short_names)
    }
    assert names and names <= county
    assert {"振兴", "新建", "惠民", "同心", "海城市"} <= names


def test_ontology_vocab_cue_pairs_split_key_value_cues() -> None:
    import dataclasses

    from kg.errors import OntologyError
    from kg.vocab import load_vocabulary

    vocab = load_vocabulary()
    levels = dict(vocab.cue_pairs("level-words"))
    assert levels["省"] == "province" and levels["县"] == "county"
    broken = dataclasses.replace(vocab, cues={**vocab.cues, "level-words": ("省=province", "市")})
    with pytest.raises(OntologyError, match="E403.*level-words"):
        broken.cue_pairs("level-words")


@pytest.mark.parametrize(
    ("term", "zh_hans", "en"),
    [
        (CGKG.Mechanism, "机制", "mechanism"),  # the short label wins
        (CGKG.Region, "地区", "Region"),  # a short label in one language only
        (CGKG.Agency, "机关", "Agency"),  # no short label: the rdfs:label
        (CGKG.Adoption, "采纳", "Adoption"),
        (CGKG.level, "级别", "level"),
        (CGKG.documentNumber, "文号", "number"),
    ],
)
def test_ontology_vocab_term_label_prefers_the_short_label(
    term: URIRef, zh_hans: str, en: str
) -> None:
    from kg.vocab import load_vocabulary

    vocab = load_vocabulary()
    assert (vocab.term_label(term, "zh-Hans"), vocab.term_label(term, "en")) == (zh_hans, en)


@pytest.mark.parametrize(
    ("term", "lang"),
    [(CGKG.Status, "zh-Hans"), (CGKG.Mechanism, "fr"), (CGKG.noSuchTerm, "en")],
)
def test_ontology_vocab_term_label_without_a_label_is_an_error(term: URIRef, lang: str) -> None:
    from kg.errors import OntologyError
    from kg.vocab import load_vocabulary

    with pytest.raises(OntologyError, match="E402"):
        load_vocabulary().term_label(term, lang)
