"""Mechanism rules for the language of work reports, each checked on a small invented text."""

from __future__ import annotations

import dataclasses

import pytest

from kg.extract import extract_text
from kg.read import read_bytes
from kg.record import DocumentRecord

REPORT = "政府工作报告\n——2024年1月在沈阳市第十七届人民代表大会上\n沈阳市市长\n"


def extract(body: str, *, nlp) -> DocumentRecord:
    text = read_bytes((REPORT + body + "\n").encode("utf-8"), path="invented.txt")
    return extract_text(text, doc_id="invented", nlp=nlp)


def labels(body: str, *, nlp) -> set[str]:
    return {m.label for m in extract(body, nlp=nlp).mechanisms}


@pytest.mark.parametrize(
    "sentence",
    [
        # ordinary phrases that name work done, not a mechanism a place adopts
        "完成老旧小区改造98个，新增老年助餐点54个。",
        "优化12345热线服务，打造一刻钟便民生活圈。",
        # counted: things built, even when quoted or followed by 项目 / 工程
        "实施60个老旧小区改造项目，新开工老旧小区改造工程49个。",
        "建成22个“一刻钟便民生活圈”，建设“一刻钟便民生活圈”25个。",
        # the top leader's own task, and an event named by its year
        "把优化营商环境作为“一把手”工程，办好“2025城市焕新年”活动。",
        # a longer word that only holds a known name (大工委, 清单制)
        "自觉接受人大工委监督，全面落实市场准入负面清单制度。",
        # a political principle and a class of projects
        "完善落实“两个毫不动摇”的体制机制，严控“两高一低”项目。",
    ],
)
def test_extract_ordinary_phrases_and_counted_things_are_not_mechanisms(nlp, sentence: str) -> None:
    assert labels(sentence, nlp=nlp) == set()


def test_extract_ordinary_phrase_counts_when_marked_as_a_name(nlp) -> None:
    found = labels("全面推进“城市社区15分钟生活圈”建设，发挥“12345热线”作用。", nlp=nlp)
    assert found == {"城市社区15分钟生活圈", "12345热线"}  # a short name, as written


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # 专项行动 is a campaign word like 行动: any quoted name before it is a campaign
        ("“两优”专项行动扎实开展。", {"两优"}),
        # a few words that say whom the campaign serves, then the campaign word
        ("持续深化“七色花”困境儿童关爱服务专项行动。", {"七色花"}),
        ("深化“锡心医养”社区居家服务行动。", {"锡心医养"}),
        # the brand or system of a governance field
        ("擦亮“江城快办”政务服务品牌，健全“262”基层治理体系。", {"江城快办", "262"}),
        # a list summed up or a clause before the field word is no modifier
        ("开展“春之声”等群众文化品牌活动，建好“云上办”为入口的政务服务体系。", set()),
        # words that say nothing about governance do not make a quoted name a campaign
        ("农业生产“大托管”服务改革试点覆盖所有乡镇。", set()),
        ("深入实施“广聚英才”人才工程。", set()),
    ],
)
def test_extract_quoted_name_before_a_campaign_word(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    "sentence",
    [
        # a list summed up with 等 names no programme
        "推进滁河防洪治理等水利工程，做好困难群体等各种关爱行动。",
        # water works, pollution control and business support are no governance programmes
        "启动绕阳河防洪治理工程，开展扬尘专项治理攻坚行动。",
        "实施受山洪地质灾害威胁群众避险搬迁工程，深入实施促进居民增收行动，开展企业帮扶行动。",
        "推动垃圾填埋场综合治理工程。",
    ],
)
def test_extract_unquoted_programmes_of_other_domains_are_not_mechanisms(
    nlp, sentence: str
) -> None:
    assert labels(sentence, nlp=nlp) == set()


def test_extract_unquoted_programme_for_children_or_jobs(nlp) -> None:
    """Programmes for children and for employment are public services (民生) too."""
    found = labels("实施孤独症儿童优康支持工程，实施舒心就业工程，实施产业升级工程。", nlp=nlp)
    assert found == {"孤独症儿童优康支持工程", "舒心就业工程"}


def test_extract_unquoted_governance_programme_is_still_found(nlp) -> None:
    found = labels("开展信访问题源头治理三年攻坚行动，实施夏季治安打击整治行动。", nlp=nlp)
    assert found == {"信访问题源头治理三年攻坚行动", "夏季治安打击整治行动"}


def test_extract_unquoted_programme_after_deepening_or_firming_up(nlp) -> None:
    """Reports deepen (深化), firm up (做实) and push (推动) programmes as often as they
    carry them out (实施)."""
    found = labels("进一步做实品质养老工程，深化物业服务提升行动，推动关爱女性保障计划。", nlp=nlp)
    assert found == {"品质养老工程", "物业服务提升行动", "关爱女性保障计划"}


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # the first part of a known name in quotes
        ("深入推进“三医”联动改革。", {"三医联动"}),
        # the rest may be a longer word (养老服务圈, five characters)
        ("构建居家社区“15分钟”养老服务圈。", {"15分钟养老服务圈"}),
        # quoted first parts in a row share the rest
        ("提高“府院”“府检”联动实效。", {"府院联动", "府检联动"}),
        # two first parts share the rest, unquoted
        ("强化府院府检联动。", {"府院联动", "府检联动"}),
        # quoting part of an ordinary phrase does not make it a name
        ("发挥“一站式”服务作用。", set()),
    ],
)
def test_extract_known_name_written_in_two_parts(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found


def test_extract_section_without_a_cue_goes_on_with_the_plans_before_it(nlp) -> None:
    """A report that has turned from the year's review to the next year's tasks goes on with
    plans in its last part (三、全面加强政府自身建设), which names no status of its own."""
    record = extract(
        "一、2023年工作回顾\n推行“五社联动”机制。\n"
        "二、2024年工作安排\n深化“四社联动”机制。\n"
        "三、全面加强政府自身建设\n完善常态化府院联动工作机制。\n",
        nlp=nlp,
    )
    found = {(a.mechanism, a.status) for a in record.adoptions}
    assert found == {("五社联动", "implemented"), ("四社联动", "planned"), ("府院联动", "planned")}


def test_extract_section_without_a_cue_first_keeps_the_genre_default(nlp) -> None:
    record = extract("一、全面加强政府自身建设\n完善府院联动工作机制。\n", nlp=nlp)
    assert {a.status for a in record.adoptions} == {"implemented"}


def test_extract_a_name_the_text_made_a_mechanism_counts_where_quoted_again(nlp) -> None:
    """The review names the reform (“…”改革); the plan quotes the bare name again."""
    record = extract(
        "一、2023年工作回顾\n深化“亩均论英雄”改革。\n"
        "二、2024年工作安排\n深入推动“亩均论英雄”，优化企业服务。\n",
        nlp=nlp,
    )
    found = {(a.mechanism, a.status) for a in record.adoptions}
    assert found == {("亩均论英雄", "implemented"), ("亩均论英雄", "planned")}


def test_extract_a_quoted_word_the_text_never_made_a_mechanism_stays_out(nlp) -> None:
    record = extract("二、2024年工作安排\n深入推动“亩均论英雄”，优化企业服务。\n", nlp=nlp)
    assert record.adoptions == ()


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a place whose name starts with a numeral (三亚, 六安) makes no numbered slogan
        ("发挥“三亚芒果”品牌优势。", set()),
        ("推广“一中心一张网”项目。", {"一中心一张网"}),
    ],
)
def test_extract_place_name_starting_with_a_numeral_is_no_slogan(
    nlp, sentence: str, found: set[str]
) -> None:
    assert labels(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # chosen as a model case: an award for what was done, not a trial
        ("“近邻社区”模式入选全国新时代枫桥经验优秀案例。", "implemented"),
        # chosen as a pilot
        ("我市入选“近邻社区”模式国家试点。", "pilot"),
    ],
)
def test_extract_chosen_as_a_model_case_is_no_pilot(nlp, sentence: str, status: str) -> None:
    record = extract(sentence, nlp=nlp)
    assert {a.status for a in record.adoptions if a.mechanism == "近邻社区"} == {status}


def test_extract_an_adoption_takes_the_year_of_its_section(nlp) -> None:
    record = extract(
        "一、2023年工作回顾\n沈阳市推行“五社联动”机制，成效明显。\n"
        "自2019年以来，我市推行“红色物业”模式。\n"
        "二、2024年工作安排\n我市将深化“五社联动”机制。\n"
        "三、到2035年远景目标\n我市将推进“一网通办”改革。\n",
        nlp=nlp,
    )
    years = {(a.mechanism, a.status): (a.since, a.year) for a in record.adoptions}
    assert years[("五社联动", "implemented")] == (None, 2023)
    assert years[("五社联动", "planned")] == (None, 2024)
    assert years[("红色物业", "implemented")] == (2019, 2019)  # a stated year comes first
    assert years[("一网通办", "planned")] == (None, None)  # a target year is no section year


def test_extract_the_graph_year_is_stated_then_section_then_document(nlp) -> None:
    from kg.rdf import record_to_quads

    record = extract("一、2023年工作回顾\n沈阳市推行“五社联动”机制。\n", nlp=nlp)
    year = "https://w3id.org/cgkg/ontology#year"
    quads = record_to_quads(record)
    assert [q.object.value for q in quads if q.predicate.value == year] == ["2023"]
    undated = dataclasses.replace(record.adoptions[0], year=None)
    quads = record_to_quads(dataclasses.replace(record, adoptions=(undated,)))
    assert [q.object.value for q in quads if q.predicate.value == year] == []  # no date either


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a numbered slogan that carries a governance brand word is a name
        ("提升“一网慧治”能力，深化政府运行“一网协同”。", {"一网慧治", "一网协同"}),
        # a layout of counted parts (一网四链, 一网多源) is no brand, nor is water work
        ("加快“一网四链”建设，构建“一网多源”供热格局，推进“三水共治”。", set()),
    ],
)
def test_extract_numbered_slogan_with_a_brand_word(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a bare quoted name of a government-service reform: one window, no certificates,
        # services joined up or online, benefits without applying
        (
            "提高线下“一窗综办”水平，加快实现“免证苏州”，优化“跨省专窗”，推行“即申即享”。",
            {"一窗综办", "免证苏州", "跨省专窗", "即申即享"},
        ),
        # a bare quoted name without a governance term stays a phrase
        ("打响“三亚芒果”，建设“城市之窗”。", set()),
        # a count followed by a reform or campaign word, counting words: one reform
        ("深化“五个通办”改革，实施“九大能力提升”行动。", {"五个通办", "九大能力提升"}),
        # a count with no such word after it sums up a list; one counting numbers is targets
        ("打好“三大攻坚战”，落实“四个走在前”，实施“六个一”工程、“三个一万亿”工程。", set()),
        # each unit its own policy, file or task: a method applied unit by unit
        (
            "以“一楼一策”化解问题楼盘，推行“一事一议”，扎实推进“每月一题”。",
            {"一楼一策", "一事一议", "每月一题"},
        ),
        # a layout of places, a pair of indicators, parts counted in numbers: no method
        ("构建“一江一河”格局，实现“一升一降”，建设“一城一区三基地”、“一数一源一标准”。", set()),
    ],
)
def test_extract_quoted_slogans_by_their_words_and_form(
    nlp, sentence: str, found: set[str]
) -> None:
    """Quoted names made mechanisms by a service-reform word in them, by a campaign word
    after a count, or by the one-per-unit form, beside look-alikes that are not."""
    assert labels(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # the programme word inside the quotes: the name needs a governance term, as after them
        ("推动“省级普惠托育服务扩容示范项目”落地。", {"省级普惠托育服务扩容示范项目"}),
        ("推广“桃源村经验”。", {"桃源村经验"}),
        ("开展“明星项目”评选，推进“八未项目”攻坚。", set()),
    ],
)
def test_extract_quoted_name_ending_in_a_programme_word(
    nlp, sentence: str, found: set[str]
) -> None:
    assert labels(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a word for the field or era a known mechanism works in is no part of its name
        ("全面实现城市运行一网统管，推广乡村治理积分制。", {"一网统管", "积分制"}),
        # a word that makes the name more specific stays (城市社区15分钟生活圈)
        ("建设“城市社区15分钟生活圈”。", {"城市社区15分钟生活圈"}),
    ],
)
def test_extract_field_word_before_a_known_name(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a vocabulary name written longer is labelled as written, as gold annotations do
        ("实施城市社区嵌入式服务设施建设工程。", {"城市社区嵌入式服务设施建设工程"}),
        ("推进自治、法治、德治、数治融合。", {"自治、法治、德治、数治融合"}),
        # a suffix or a generic noun after it is no part of the name
        ("深化接诉即办改革，推行“一门式服务”。", {"接诉即办", "一门式"}),
        # the vocabulary's label, when the text also writes it, names every mention
        ("推进自治、法治、德治、数治融合，实现四治融合。", {"四治融合"}),
    ],
)
def test_extract_known_name_labelled_as_written(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found


def test_extract_known_name_written_two_ways_is_one_mechanism(nlp) -> None:
    record = extract(
        "一、2023年工作回顾\n沈阳市推进自治、法治、德治、数治融合，实现四治融合。\n", nlp=nlp
    )
    assert [(m.id, m.label, len(m.mentions)) for m in record.mechanisms] == [
        ("sizhi-ronghe", "四治融合", 2)
    ]
    assert len({(a.mechanism_id, a.status) for a in record.adoptions}) == len(record.adoptions)


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # three or more parts joined by plus signs, named by a governance term in or after it
        ("用好“矛调中心+网格化+数字化”治理平台。", {"矛调中心+网格化+数字化"}),
        ("完善“兜底+帮扶+就业”大救助格局。", {"兜底+帮扶+就业"}),
        # parts of a transport system or an industry pairing
        ("构建“轨道+公交+慢行”绿色出行体系，发展“文旅+商业”新业态。", set()),
    ],
)
def test_extract_compound_of_joined_parts(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found


def test_extract_known_name_outside_a_word_that_holds_it(nlp) -> None:
    assert labels("在乡村治理中推行积分制、清单制，在街道建立大工委。", nlp=nlp) == {
        "积分制",
        "清单制",
        "大工委",
    }


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # numbers joined by plus signs name the parts of a policy or industry system
        ("构建碳达峰“1+N”政策体系，壮大“2+4+N”产业集群。", set()),
        # a method word after them still makes a name
        ("推行“1+5+N”社区治理模式。", {"1+5+N"}),
    ],
)
def test_extract_numbers_joined_by_plus_signs(nlp, sentence: str, found: set[str]) -> None:
    assert labels(sentence, nlp=nlp) == found
