"""Extraction rules, each checked on a small invented text written for it."""

from __future__ import annotations

import pytest

from kg.extract import extract_text
from kg.read import read_bytes
from kg.record import DocumentRecord

HENAN_SIGNATURE = "\n河南省民政厅\n2023年7月13日\n"


def extract(body: str, *, nlp) -> DocumentRecord:
    text = read_bytes(body.encode("utf-8"), path="invented.txt")
    return extract_text(text, doc_id="invented", nlp=nlp)


def adoptions(record: DocumentRecord) -> set[tuple[str, str, str, int | None]]:
    return {(a.adopter.name, a.mechanism, a.status, a.since) for a in record.adoptions}


def test_extract_self_reference_resolves_to_the_document_jurisdiction(nlp) -> None:
    record = extract(
        "关于社区工作的答复\n我省自2018年以来推行“五社联动”机制。" + HENAN_SIGNATURE, nlp=nlp
    )
    assert record.jurisdiction.name == "河南省"
    assert ("河南省", "五社联动", "implemented", 2018) in adoptions(record)


def test_extract_relative_agency_gets_the_authors_region(nlp) -> None:
    record = extract(
        "关于社区工作的答复\n省民政厅会同省卫健委、省委组织部开展调研。" + HENAN_SIGNATURE, nlp=nlp
    )
    names = {a.name for a in record.agencies}
    assert {"河南省民政厅", "河南省卫生健康委员会", "中共河南省委组织部"} <= names
    health = next(a for a in record.agencies if a.name == "河南省卫生健康委员会")
    assert "河南省卫健委" in health.alt_names


def test_extract_national_ministries_by_name_and_short_form(nlp) -> None:
    """The State Council's ministries and administrations (ontology/organs.ttl), named in full
    or by their short form; a ministry's name before 门 is the class of local departments."""
    record = extract(
        SHENYANG_REPORT
        + "米林市被水利部评为示范县，3家企业获工信部认定，加强与交通运输部门协作。\n",
        nlp=nlp,
    )
    national = {a.name: a.alt_names for a in record.agencies if a.region_code is None}
    assert set(national) == {"水利部", "工业和信息化部"}
    assert "工信部" in national["工业和信息化部"]


def test_extract_members_of_a_body_are_not_the_body(nlp) -> None:
    """市政协委员 and 市人大代表 are the members of the CPPCC and the congress; the bodies
    themselves are named only where the text speaks of them (市人大常委会, 市政协)."""
    report = "沈阳市政府工作报告\n请市政协委员提出意见。办理市人大代表建议120件。\n"
    assert {a.name for a in extract(report, nlp=nlp).agencies} == {"沈阳市人民政府"}
    report += "自觉接受市人大常委会监督和市政协民主监督。\n"
    names = {a.name for a in extract(report, nlp=nlp).agencies}
    assert names == {"沈阳市人民政府", "沈阳市人民代表大会常务委员会", "政协沈阳市委员会"}


def test_extract_autonomous_region_level_word_is_the_authors_autonomous_region(nlp) -> None:
    """自治区党委 in a 锡林郭勒盟 report is 内蒙古's Party committee; in a 河南省 text it is some
    other region's, so it is left unresolved rather than read as 河南's."""
    report = "锡林郭勒盟政府工作报告\n在自治区党委的坚强领导下，自治区民政厅指导我盟推进工作。\n"
    names = {a.name for a in extract(report, nlp=nlp).agencies}
    assert {"中共内蒙古自治区委员会", "内蒙古自治区民政厅"} <= names
    henan = extract("关于社区工作的答复\n援疆干部落实自治区党委部署。" + HENAN_SIGNATURE, nlp=nlp)
    assert {a.name for a in henan.agencies} == {"河南省民政厅"}


@pytest.mark.parametrize("phrase", ["县级民政部门", "有关部门", "各级民政部门", "相关部门"])
def test_extract_generic_classes_are_not_agencies(nlp, phrase: str) -> None:
    record = extract(
        f"关于社区工作的答复\n我省指导{phrase}做好社区服务。" + HENAN_SIGNATURE, nlp=nlp
    )
    assert {a.name for a in record.agencies} == {"河南省民政厅"}


def test_extract_county_document_resolves_city_and_province(nlp) -> None:
    record = extract(
        "对县政协提案的答复\n我县全面推行“全岗通”工作机制。\n武义县民政局\n2023年5月26日\n", nlp=nlp
    )
    place = record.jurisdiction
    assert (place.name, place.city, place.province) == ("武义县", "金华市", "浙江省")
    assert ("武义县", "全岗通", "implemented", None) in adoptions(record)


def test_extract_city_document_is_in_its_province_and_in_no_city(nlp) -> None:
    record = extract(
        "关于社区治理的通知\n2023年以来，我市推行“五社联动”机制。\n郑州市民政局\n2023年5月26日\n",
        nlp=nlp,
    )
    place = record.jurisdiction
    assert (place.name, place.level, place.city, place.province) == (
        "郑州市", "city", None, "河南省"
    )  # fmt: skip
    assert record.adoptions[0].adopter == place


def test_extract_quoted_name_before_a_modified_method_word_is_a_mechanism(nlp) -> None:
    record = extract(
        "对县政协提案的答复\n我县全面推行“清单管理、台账推动”闭环工作机制，"
        "打造“医养康孝”老年友善服务模式。\n武义县民政局\n2023年5月26日\n",
        nlp=nlp,
    )
    found = {(a.mechanism, a.status) for a in record.adoptions}
    assert {("清单管理、台账推动", "implemented"), ("医养康孝", "implemented")} <= found


def test_extract_quoted_reform_is_a_mechanism(nlp) -> None:
    """A quoted name before 改革 counts like one before 行动 or 工程 (a governance term or a
    numbered slogan), and a method word later in the run of words wins over 改革."""
    record = extract(
        "对县政协提案的答复\n我县深化“一枚印章管审批”改革，推进“三块地”改革创新机制。"
        "\n武义县民政局\n2023年5月26日\n",
        nlp=nlp,
    )
    labels = {a.mechanism for a in record.adoptions}
    assert {"一枚印章管审批", "三块地"} <= labels


def test_extract_quoted_word_before_punctuation_and_a_method_word_is_not(nlp) -> None:
    """The method word must end the run of words right after the quote (理念，…机制 does not)."""
    record = extract(
        "对县政协提案的答复\n我县践行“两邻”理念，健全社区协商机制。\n武义县民政局\n2023年5月26日\n",
        nlp=nlp,
    )
    assert "两邻" not in {m.label for m in record.mechanisms}


SHENYANG_REPORT = "政府工作报告\n——2024年1月在沈阳市第十七届人民代表大会上\n沈阳市市长\n"


def test_extract_county_names_that_are_words_are_not_places(nlp) -> None:
    """振兴区, 灯塔市 and 海城市 are in the document's province, but here they are words."""
    record = extract(
        SHENYANG_REPORT + "坚持全面振兴新突破，出台“灯塔工厂”支持政策。建设滨海城市。\n", nlp=nlp
    )
    assert record.jurisdiction.name == "沈阳市"
    assert {p.name for p in record.regions} == {"沈阳市"}


def test_extract_county_names_that_are_words_count_where_marked_off(nlp) -> None:
    record = extract(SHENYANG_REPORT + "海城市、灯塔等地推行“五社联动”机制。\n", nlp=nlp)
    assert {"海城市", "灯塔市"} <= {p.name for p in record.regions}


def test_extract_the_country_is_not_one_of_the_places_a_document_names(nlp) -> None:
    record = extract(
        SHENYANG_REPORT + "今年是中华人民共和国成立75周年，沈河区推行“五社联动”机制。\n", nlp=nlp
    )
    assert {p.name for p in record.regions} == {"沈阳市", "沈河区"}


def test_extract_a_name_shared_by_two_units_is_the_one_in_the_documents_province(nlp) -> None:
    """和平区 is a district of 天津 and of 沈阳: in a 沈阳 document, 沈阳's."""
    record = extract(SHENYANG_REPORT + "和平区、沈河区推行“五社联动”机制。\n", nlp=nlp)
    heping = [p for p in record.regions if p.name == "和平区"]
    assert [(p.code, p.city, p.province) for p in heping] == [("210102", "沈阳市", "辽宁省")]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("我省将进一步深化“五社联动”机制。", "planned"),
        ("我省力争年内推广“五社联动”机制。", "planned"),
        ("我省在部分社区试点“五社联动”机制。", "pilot"),
        ("我省已全面推行“五社联动”机制。", "implemented"),
        # the words of a policy's title are no cue for what the sentence says of others
        ("我省出台《社区公益基金发展三年行动计划》，推动“五社联动”机制。", "implemented"),
        # but they are for a name inside that title
        ("省民政厅印发《“五社联动”试点工作方案》。", "pilot"),
    ],
)
def test_extract_status_from_sentence_cues(nlp, sentence: str, status: str) -> None:
    record = extract("关于社区工作的答复\n" + sentence + HENAN_SIGNATURE, nlp=nlp)
    assert {a.status for a in record.adoptions if a.mechanism == "五社联动"} == {status}


def test_extract_status_from_next_steps_heading(nlp) -> None:
    body = (
        "关于社区工作的答复\n一、工作开展情况\n我省推行“四社联动”机制。\n二、下步打算\n深化“四社联动”机制。"
        + HENAN_SIGNATURE
    )
    assert {a.status for a in extract(body, nlp=nlp).adoptions} == {"implemented", "planned"}


def test_extract_status_from_an_unnumbered_part_title_over_numbered_sections(nlp) -> None:
    """A work report's parts (2023年工作回顾, 2024年工作建议) are unnumbered titles and its
    sections under them numbered (一、): a section heading without a cue keeps its part's status."""
    body = (
        SHENYANG_REPORT
        + "2023年工作回顾\n一、基层治理取得新进展\n推行“五社联动”机制。\n"
        + "2024年工作建议\n一、提升基层治理水平\n深化“四社联动”机制。\n"
    )
    found = {(a.mechanism, a.status) for a in extract(body, nlp=nlp).adoptions}
    assert found == {("五社联动", "implemented"), ("四社联动", "planned")}


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # 全面推行 says how widely, not that it is done: the plans section decides
        ("全面推行“邻里议事”机制，提升基层治理水平。", "planned"),
        # a plain perfective cue in a plans section still says it is done
        ("“邻里议事”机制已覆盖全部社区。", "implemented"),
    ],
)
def test_extract_status_of_a_rollout_in_a_plans_section(nlp, sentence: str, status: str) -> None:
    body = SHENYANG_REPORT + "2024年工作安排\n一、提升基层治理水平\n" + sentence + "\n"
    found = {a.status for a in extract(body, nlp=nlp).adoptions if a.mechanism == "邻里议事"}
    assert found == {status}


def test_extract_cue_words_inside_a_name_are_not_status_cues(nlp) -> None:
    record = extract(
        "关于社区工作的答复\n2016年起，我省开展了农村社区服务中心建设三年行动计划。"
        + HENAN_SIGNATURE,
        nlp=nlp,
    )
    assert ("河南省", "农村社区服务中心建设三年行动计划", "implemented", 2016) in adoptions(record)


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("自2018年以来推行“全岗通”机制。", 2018),
        ("2016年起推行“全岗通”机制。", 2016),
        ("从2020年开展“全岗通”机制。", 2020),
        ("到2025年全面推行“全岗通”机制。", None),
    ],
)
def test_extract_first_year(nlp, sentence: str, year: int | None) -> None:
    record = extract("关于社区工作的答复\n我省" + sentence + HENAN_SIGNATURE, nlp=nlp)
    assert {a.since for a in record.adoptions} == {year}


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("推行“邻里守望”机制。", {"邻里守望"}),
        ("开展“一有七中心”规范化社区创建。", {"一有七中心"}),
        ("按照“1+3+N”模式组建团队。", {"1+3+N"}),
        ("建立“六项”机制。", set()),
        ("落实“十四五”任务。", set()),
        ("做到“应保尽保”。", set()),
        ("从“管理模式”转向“治理模式”。", set()),  # bare activity nouns name no model
        ("建设“共建共治共享”的社会治理共同体。", set()),  # a principle
        # a new name that is part of a known one the text names speaks of that one
        ("推行“高效办成一件事”改革，办好“一件事”。", {"高效办成一件事"}),
        # quotes inside the quotes mark a word of the name, not of the label
        ("用好“街道‘吹哨’、部门报到”机制。", {"街道吹哨、部门报到"}),
        ("深化“一件事一次办‘四全四新’改革”。", {"一件事一次办四全四新改革"}),
        ("推进社区协商。", set()),
        ("健全“社区协商”机制。", {"社区协商"}),
        # a longer form that is no ordinary phrase needs no marking; counted places do
        ("推进完整社区建设。", {"完整社区建设"}),
        ("建成完整社区3个。", set()),
        ("建设群众安居乐业的幸福家园。", set()),  # an ordinary phrase
        ("实施省慈善总会“幸福家园”村社互助项目。", {"幸福家园"}),
        # 自治 is a governance term, but not inside the name of an autonomous region
        ("争创“自治区主席质量奖”。", set()),
        ("推广“村民自治”。", {"村民自治"}),
        # a campaign word (工程, 行动, 改革) after a quoted name makes it a campaign of its own
        ("全面实施“六邻”工程。", {"六邻"}),
        ("集中开展“清三欠”行动。", {"清三欠"}),
        ("深化“四办”改革。", {"四办"}),
        # 项目 and 品牌 follow economic labels as often: they still need a governance term
        ("严控“两高”项目。", set()),
        ("杜绝“面子”工程。", set()),  # an idiom for vanity projects, not a campaign
        # digits: a code name before a method word, a count otherwise
        ("推广“1448”工作模式。", {"1448"}),
        ("完成“2110”户改造。", set()),
        # a two-character method word may run on into the sentence
        ("推动“2+2+3”综窗工作模式向县覆盖。", {"2+2+3"}),
        # quoted names in a row share the word after them
        ("完善“服务包”“服务管家”机制。", {"服务包", "服务管家"}),
        ("深化运用“六防六化”工作方法。", {"六防六化"}),
    ],
)
def test_extract_mechanism_names_found_and_rejected(nlp, sentence: str, found: set[str]) -> None:
    record = extract("关于社区工作的答复\n我省" + sentence + HENAN_SIGNATURE, nlp=nlp)
    assert {m.label for m in record.mechanisms} == found


def test_extract_discovered_names_are_marked_and_vocabulary_names_are_not(nlp) -> None:
    record = extract(
        "关于社区工作的答复\n我省推行“邻里守望”机制和“五社联动”机制。" + HENAN_SIGNATURE, nlp=nlp
    )
    flags = {m.label: m.discovered for m in record.mechanisms}
    assert flags == {"邻里守望": True, "五社联动": False}


def test_extract_variant_names_link_to_one_concept(nlp) -> None:
    a = extract("关于社区工作的答复\n我省推行吹哨报到机制。" + HENAN_SIGNATURE, nlp=nlp)
    b = extract("关于社区工作的答复\n我省推行“街道吹哨、部门报到”机制。" + HENAN_SIGNATURE, nlp=nlp)
    assert a.mechanisms[0].id == b.mechanisms[0].id
    # each record names it as its text does (gold annotations label names as written)
    assert (a.mechanisms[0].label, b.mechanisms[0].label) == ("吹哨报到", "街道吹哨、部门报到")


def test_extract_place_named_model_keeps_its_suffix_and_adds_the_place(nlp) -> None:
    body = "湖北省民政工作综述\n湖北省推行特困人员照料服务“秭归模式”。\n（来源：中国社会报2021.12.22）\n"
    record = extract(body, nlp=nlp)
    assert {m.label for m in record.mechanisms} == {"秭归模式"}
    assert {a.adopter.name for a in record.adoptions} == {"湖北省", "秭归县"}


def test_extract_listed_places_are_each_an_adopter(nlp) -> None:
    record = extract(
        "关于养老工作的答复\n郑州、洛阳、鹤壁3市入选“居家养老服务提升”行动试点。" + HENAN_SIGNATURE,
        nlp=nlp,
    )
    assert {(a.adopter.name, a.status) for a in record.adoptions} == {
        ("郑州市", "pilot"),
        ("洛阳市", "pilot"),
        ("鹤壁市", "pilot"),
    }


def test_extract_place_in_another_mechanisms_name_is_no_subject(nlp) -> None:
    """洛阳 names the model promoted before; the campaign after it is the author's own."""
    record = extract(
        "关于社区工作的答复\n我省推广“洛阳议事法”，开展基层治理提升行动。" + HENAN_SIGNATURE,
        nlp=nlp,
    )
    found = {(a.adopter.name, a.mechanism) for a in record.adoptions}
    assert ("河南省", "基层治理提升行动") in found
    assert ("洛阳市", "基层治理提升行动") not in found


def test_extract_named_community_adopts_for_its_county(nlp) -> None:
    body = "对县政协提案的答复\n其中溪南社区推行“五社联动”机制。\n武义县民政局\n2023年5月26日\n"
    record = extract(body, nlp=nlp)
    assert "溪南社区" in {r.name for r in record.regions}
    assert {a.adopter.name for a in record.adoptions} == {"武义县"}


def test_extract_traditional_script_with_pinyin_noise(nlp) -> None:
    body = "湖北省民政工作\n湖北省全面推行“街道吹哨、部門報到”和“五社聯(lián)動”機制。\n（來源：中國社會報2021.12.22）\n"
    record = extract(body, nlp=nlp)
    assert record.script == "traditional+pinyin"
    assert {m.label for m in record.mechanisms} == {"街道吹哨、部门报到", "五社联动"}
    assert record.dates.published == "2021-12-22"


def test_extract_policy_titles_numbers_issuers_and_back_references(nlp) -> None:
    body = (
        "湖南省社区服务规划\n"
        "依据《国务院办公厅关于印发“十四五”城乡社区服务体系建设规划的通知》(国办发〔2021〕56号)，"
        "省民政厅印发了《湖南省城乡社区\n服务指引》。《规划》提出，落实《湖南省人民政府关于印发〈湖南省纲要〉的通知》。\n"
        "湖南省人民政府办公厅\n2022年11月11日\n"
    )
    record = extract(body, nlp=nlp)
    policies = {p.title: p for p in record.policies}
    assert set(policies) >= {
        "国务院办公厅关于印发“十四五”城乡社区服务体系建设规划的通知",
        "湖南省城乡社区服务指引",
        "湖南省人民政府关于印发〈湖南省纲要〉的通知",
    }
    assert "规划" not in policies
    cited = policies["国务院办公厅关于印发“十四五”城乡社区服务体系建设规划的通知"]
    assert (cited.number, cited.issuer, cited.role) == (
        "国办发〔2021〕56号",
        "国务院办公厅",
        "cited",
    )
    assert policies["湖南省城乡社区服务指引"].issuer == "湖南省民政厅"
    assert "国办发〔2021〕56号" in record.numbers


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("2023年09月15日", "2023-09-15"),
        ("2018-12-25", "2018-12-25"),
        ("2021.12.22", "2021-12-22"),
        ("2023年7月13日", "2023-07-13"),
    ],
)
def test_extract_signature_date_formats(nlp, line: str, iso: str) -> None:
    record = extract(
        "关于社区工作的答复\n我省推行“五社联动”机制。\n河南省民政厅\n" + line + "\n", nlp=nlp
    )
    assert record.dates.issued == iso


@pytest.mark.parametrize(
    "number", ["豫民议〔2023〕49号", "豫民议[2023]49号", "豫民议(2023)49号", "豫民議〔2023〕49號"]
)
def test_extract_document_number_bracket_variants(nlp, number: str) -> None:
    record = extract(
        f"关于社区工作的答复\n{number}\n我省推行“五社联动”机制。" + HENAN_SIGNATURE, nlp=nlp
    )
    assert record.numbers == ("豫民议〔2023〕49号",)


def test_extract_national_document_speaks_for_the_country_and_calls_for(nlp) -> None:
    body = (
        "民政部关于深入推进社区工作的指导意见\n民发〔2022〕12号\n各省、自治区、直辖市民政厅（局）：\n"
        "各地要建立健全“五社联动”机制。\n民政部\n2022年3月1日\n"
    )
    record = extract(body, nlp=nlp)
    assert (record.jurisdiction.name, record.jurisdiction.level) == ("中华人民共和国", "national")
    assert record.issuer.name == "民政部"
    assert adoptions(record) == {("中华人民共和国", "五社联动", "called-for", None)}


def test_extract_a_year_governs_only_the_mechanism_after_it(nlp) -> None:
    body = (
        "关于社区工作的答复\n我省自2020年以来推进“五社联动”机制，郑州市试点“全岗通”机制。"
        + HENAN_SIGNATURE
    )
    years = {a.mechanism: a.since for a in extract(body, nlp=nlp).adoptions}
    assert years == {"五社联动": 2020, "全岗通": None}


def test_extract_title_line_is_not_joined_to_the_document_number(nlp) -> None:
    body = (
        "成都市人民政府办公厅关于加快推进城乡社区发展治理的实施意见\n成办发〔2021〕35号\n各区（市）县人民政府：\n"
        "到2025年，全市全面建立“五社联动”机制。\n成都市人民政府办公厅\n2021年6月30日\n"
    )
    record = extract(body, nlp=nlp)
    assert record.numbers == ("成办发〔2021〕35号",)
    assert (record.jurisdiction.name, record.issuer.name) == ("成都市", "成都市人民政府办公厅")
    assert adoptions(record) == {("成都市", "五社联动", "planned", None)}


@pytest.mark.parametrize(
    ("head", "title", "genre"),
    [
        # a title set on two lines: the first ends mid-phrase, the two end in 实施意见
        (
            "成都市人民政府办公厅关于加快推进城乡\n社区发展治理的实施意见\n",
            "成都市人民政府办公厅关于加快推进城乡社区发展治理的实施意见",
            "policy",
        ),
        # a whole title on its line is not joined to the line after it
        (
            "成都市人民政府办公厅关于加快推进城乡社区发展治理的实施意见\n各区（市）县人民政府：\n",
            "成都市人民政府办公厅关于加快推进城乡社区发展治理的实施意见",
            "policy",
        ),
        # the fields of a disclosure page are no title, nor part of the title line above
        # them (a long line without a full stop would otherwise run on into the next)
        (
            "索引号 660600/2023-000724 发布机构 人民政府\n公开范围 面向社会 公开方式 主动公开\n"
            "五家渠市民政局关于市五届人大一次会议第35号建议的复函\n"
            "发布时间:2022-08-30 17:16:18 来源:五家渠市政府 作者:民政局\n",
            "五家渠市民政局关于市五届人大一次会议第35号建议的复函",
            "proposal-reply",
        ),
        # a field's label may be spaced out
        (
            "索 引 号: 330502/2024-00854 成文日期: 2024-02-20\n文件编号: 发布机构: 区民政局\n"
            "吴兴区民政局2023年工作总结和2024年工作思路\n发布日期:2024-02-20 15:32:18\n",
            "吴兴区民政局2023年工作总结和2024年工作思路",
            "news",
        ),
        # its title field is the title
        (
            "索引号：000014349/2023-00012\n标题：成都市民政局关于加强社区工作者队伍建设的通知\n",
            "成都市民政局关于加强社区工作者队伍建设的通知",
            "policy",
        ),
        # a short line above a whole title names the page's column
        (
            "议案(建议)办理\n番禺区石楼镇人民政府关于区十八届人大一次会议第6号代表建议的答复\n",
            "番禺区石楼镇人民政府关于区十八届人大一次会议第6号代表建议的答复",
            "proposal-reply",
        ),
        # a disclosure page's table rows stay rows: the title below them is not run into one
        (
            "索引号: | 1137000000450218XQ/2018-00526 | 组配分类: | 建议提案 |\n"
            "主办单位: | 山东省民政厅 | 制发日期: | 2018-12-25 |\n"
            "对省政协十二届一次会议第12010585号提案(关于加强社区管理的建议)的答复\n冯安委员:\n",
            "对省政协十二届一次会议第12010585号提案(关于加强社区管理的建议)的答复",
            "proposal-reply",
        ),
        # a line of keywords (a spam mirror's) is no title
        (
            "免费视频,高清在线,精品推荐,最新上线\n“三大统筹”强引领 “红色物业”优服务\n",
            "“三大统筹”强引领 “红色物业”优服务",
            "news",
        ),
        # a title stands above the text: a report that opens with its address has none
        (
            "各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、2023年工作回顾\n",
            None,
            "work-report",
        ),
        # a newspaper's dateline makes news of a report on a reply
        (
            "区民政局面对面答复政协提案\n本报7月4日讯（记者 王明）近日，区民政局召开面商会。\n",
            "区民政局面对面答复政协提案",
            "news",
        ),
        # nor is a line that is no part of a title (a sentence)
        (
            "成都市社区发展治理工作情况\n全市推行五社联动，成效明显。\n",
            "成都市社区发展治理工作情况",
            "news",
        ),
    ],
)
def test_extract_title_and_genre_from_the_opening_lines(
    nlp, head: str, title: str | None, genre: str
) -> None:
    record = extract(head + "到2025年，全市全面建立“五社联动”机制。\n", nlp=nlp)
    assert (record.title, record.genre) == (title, genre)


def test_extract_page_that_never_names_its_author_takes_the_sites_owner(nlp) -> None:
    """A reply that only says 我区 is placed by the footer of the site it comes from; a page
    whose text names its author keeps that author."""
    body = (
        "区人大八届四次会议代表建议(第24号)答复意见\n李言璐代表:\n您提出的建议已收悉。\n"
        "我区推行“五社联动”机制。\n2016年10月18日\n"
        "主办单位:双台子区人民政府 版权所有:盘锦市人民政府办公室 网站地图\n"
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction.name == "双台子区"
    assert adoptions(record) == {("双台子区", "五社联动", "implemented", None)}
    named = extract(body.replace("我区推行", "武义县推行"), nlp=nlp)
    assert named.jurisdiction.name == "武义县"


def test_extract_banner_above_the_title_is_the_pages_not_the_documents(nlp) -> None:
    """A site's banner of links above a document's whole title (…关于…的实施意见) is page
    furniture: the bodies it names are no agencies of the document and do not make its
    jurisdiction; the document's own words do (我市, 湖州)."""
    body = (
        "中华人民共和国民政部 浙江政务服务网 浙江省民政厅 中国湖州\n"
        "关于深化城乡社区建设加强和完善城乡社区治理的实施意见\n发布日期:2018-08-28\n"
        "中共湖州市委  湖州市人民政府\n"
        "结合我市实际，现提出如下实施意见。到2020年，湖州全面推行“五社联动”机制。\n"
    )
    record = extract(body, nlp=nlp)
    assert record.title == "关于深化城乡社区建设加强和完善城乡社区治理的实施意见"
    assert record.jurisdiction.name == "湖州市"
    assert {a.name for a in record.agencies} == {"中共湖州市委", "湖州市人民政府"}
    assert {(a.adopter.name, a.mechanism) for a in record.adoptions} == {("湖州市", "五社联动")}


def test_extract_completion_heading_is_implemented_under_a_title_that_also_plans(nlp) -> None:
    """A bureau's summary titled …工作总结…工作计划 reports, under 主要工作完成情况, what was
    done: the heading's cue decides, not the plan in the title."""
    body = (
        "区民政局2023年工作总结2024年工作计划\n一、今年以来主要工作完成情况\n"
        "武义县推行“五社联动”机制，成效明显。\n"
    )
    assert adoptions(extract(body, nlp=nlp)) == {("武义县", "五社联动", "implemented", None)}


def test_extract_notice_that_issues_a_plan_signs_above_it(nlp) -> None:
    """A notice that issues a plan is signed (body, then date, each on its line) above the plan
    it attaches: that body issued it on that date, though the text goes on after them."""
    body = (
        "关于印发《昌吉州落实〈自治区“十四五”\n城乡社区服务体系建设规划〉\n实施方案》的通知\n"
        "各县市人民政府，州人民政府各工作部门：\n"
        "《昌吉州落实〈自治区“十四五”城乡社区服务体系建设规划〉实施方案》已经研究同意，"
        "现印发你们，请认真抓好落实。\n"
        "昌吉回族自治州人民政府办公室\n2023年5月6日\n"
        "昌吉州落实《自治区“十四五”城乡社区服务体系建设规划》实施方案\n"
        "为深入贯彻落实自治区有关部署，结合我州工作实际，制定本方案。\n"
        "一、工作目标\n到2025年末，全州全面推行“五社联动”机制。\n"
        "二、保障措施\n各县市要加强组织领导，抓好工作落实。\n"
    )
    record = extract(body, nlp=nlp)
    assert (
        record.title
        == "关于印发《昌吉州落实〈自治区“十四五”城乡社区服务体系建设规划〉实施方案》的通知"
    )
    assert record.issuer.name == "昌吉回族自治州人民政府办公室"
    assert record.dates.issued == "2023-05-06"


def test_extract_city_called_by_its_short_name_is_the_jurisdiction_of_a_text_naming_none(
    nlp,
) -> None:
    """A city's news that says 周口中心城区 and 市政府 but never 周口市 speaks for 周口市; a
    text that speaks at no city's level is not placed by a city it happens to name."""
    body = (
        "本报讯（记者 李国阁）3月12日，在周口中心城区物业服务工作推进会上，"
        "“街道吹哨、部门报到”机制成为共识。市政府部署开展专项整治，市住建局通报情况。\n"
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction.name == "周口市"
    assert {(a.adopter.name, a.mechanism) for a in record.adoptions} == {
        ("周口市", "街道吹哨、部门报到")
    }
    elsewhere = extract(
        body.replace("市政府部署", "有关方面部署").replace("市住建局", "有关部门"), nlp=nlp
    )
    assert elsewhere.jurisdiction is None


@pytest.mark.parametrize(
    ("body", "place"),
    [
        # a province named only to qualify a place in it: the place is whose news it is
        ("浙江海宁：首创街区“吹哨”主理人\n海宁市长丰社区推行“丰邻”议事机制。\n", "海宁市"),
        ("山东菏泽：我来当楼长\n菏泽市推行“楼长制”，成效明显。\n", "菏泽市"),
        # a text that speaks for the province keeps it
        ("山东菏泽：我来当楼长\n全省推行“楼长制”，我省成效明显。\n", "山东省"),
    ],
)
def test_extract_province_that_only_qualifies_a_place_yields_to_it(
    nlp, body: str, place: str
) -> None:
    assert extract(body, nlp=nlp).jurisdiction.name == place


@pytest.mark.parametrize(
    ("head", "issued", "published"),
    [
        # a disclosure page labels its dates, on the label's line or alone on the next
        (
            "索 引 号: 330502/2024-00854 成文日期: 2024-02-20\n公开方式: 主动公开\n"
            "吴兴区民政局关于加强社区工作者队伍建设的通知\n发布日期:\n2024-02-21 15:32:18\n",
            "2024-02-20",
            "2024-02-21",
        ),
        # a date in brackets under the title is the day the document was made
        (
            "当前位置:首页 > 政策文件\n关于深化城乡社区建设加强和完善城乡社区治理的实施意见\n"
            "发布日期:2018-08-28\n湖委发〔2018〕20号\n（2018年7月2日）\n",
            "2018-07-02",
            "2018-08-28",
        ),
    ],
)
def test_extract_dates_a_page_labels(nlp, head: str, issued: str, published: str) -> None:
    record = extract(head + "各地要全面推行“五社联动”机制。\n", nlp=nlp)
    assert (record.dates.issued, record.dates.published) == (issued, published)


def test_extract_line_of_issuing_bodies_under_the_number_is_the_issuer(nlp) -> None:
    """Under a policy's title and number, a line of nothing but bodies' names (中共湖州市委
    湖州市人民政府) says who issued it; the first is the issuer."""
    body = (
        "关于深化城乡社区建设加强和完善城乡社区治理的实施意见\n湖委发〔2018〕20号\n"
        "中共湖州市委  湖州市人民政府\n（2018年7月2日）\n"
        "结合我市实际，现提出如下实施意见。\n一、总体要求\n到2020年，全市全面推行“五社联动”机制。\n"
        "二、主要任务\n完善社区服务设施。\n三、保障措施\n加强组织领导。\n"
    )
    assert extract(body, nlp=nlp).issuer.name == "中共湖州市委"


def test_extract_short_forms_of_the_central_offices_only_where_they_name_them(nlp) -> None:
    """中办 and 国办 are the General Offices where they follow 被, 获, 、 …; inside 集中办公
    or a document number (国办发〔2021〕56号) they name no body."""
    named = extract(SHENYANG_REPORT + "乡村治理积分制被中办、国办通报表扬。\n", nlp=nlp)
    assert {"中共中央办公厅", "国务院办公厅"} <= {a.name for a in named.agencies}
    unnamed = extract(
        SHENYANG_REPORT + "推行集中办公。落实《关于印发规划的通知》(国办发〔2021〕56号)。\n",
        nlp=nlp,
    )
    assert not {"中共中央办公厅", "国务院办公厅"} & {a.name for a in unnamed.agencies}
