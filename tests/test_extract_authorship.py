"""Who speaks in a text: bodies in a closing sentence or thanked as leaders are not the author."""

from __future__ import annotations

from kg.extract import extract_text
from kg.extract.authorship import signature_line
from kg.read import read_bytes
from kg.record import DocumentRecord

FILLER = "全年新建社区养老服务设施12处，城乡居民收入稳步增长。\n" * 8


def extract(body: str, *, nlp) -> DocumentRecord:
    return extract_text(read_bytes(body.encode("utf-8"), path="report.txt"), doc_id="r", nlp=nlp)


def test_authorship_signature_line_is_a_short_line_without_a_sentence() -> None:
    lines = [
        (0, 6, "河南省民政厅"),
        (7, 17, "2023年7月13日"),
        (18, 40, "在党中央坚强领导下，我们奋力前行！"),
    ]
    assert signature_line(2, lines) and signature_line(8, lines)
    assert not signature_line(20, lines)
    assert not signature_line(100, lines)  # no line there


def test_authorship_a_report_closing_with_the_party_centre_is_not_the_countrys(nlp) -> None:
    body = (
        "过去一年，我市坚持稳中求进，柳州市经济持续回升。\n"
        + FILLER
        + "我市推行“五社联动”机制，柳州社区治理水平明显提升。\n"
        + "各位代表！让我们更加紧密地团结在以习近平同志为核心的党中央周围，为柳州高质量发展而努力奋斗！\n"
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None
    assert (record.jurisdiction.name, record.jurisdiction.level) == ("柳州市", "city")
    assert ("柳州市", "五社联动") in {(a.adopter.name, a.mechanism) for a in record.adoptions}


def test_authorship_a_body_signing_on_its_own_line_still_speaks(nlp) -> None:
    body = (
        "关于做好社区工作的通知\n各地要推行“五社联动”机制。\n"
        + FILLER
        + "国务院办公厅\n2021年12月1日\n"
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None and record.jurisdiction.level == "national"
    assert record.issuer is not None and record.issuer.name == "国务院办公厅"


def test_authorship_superiors_thanked_in_the_opening_do_not_set_the_level(nlp) -> None:
    body = (
        "过去的一年，在自治区党委、政府和市委的坚强领导下，我们全面完成了各项任务。\n"
        + FILLER
        + "我市推行“红色物业”模式，柳州市全市小区实现全覆盖，走在广西前列。\n"
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None and record.jurisdiction.name == "柳州市"


def test_authorship_reporting_government_work_makes_a_work_report(nlp) -> None:
    body = (
        "现在，我代表市人民政府，向大会报告政府工作，请予审议。\n南宁市全市上下团结奋进。\n"
        + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.genre == "work-report"
    assert record.issuer is not None and record.issuer.name == "南宁市人民政府"


def test_authorship_the_bodies_a_notice_is_addressed_to_do_not_set_the_level(nlp) -> None:
    body = (
        "省民政厅关于加强城乡社区治理的通知\n各市、县民政局：\n"
        "现将有关事项通知如下。我省（河南）推行“五社联动”机制，郑州市积极探索。\n" + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None
    assert (record.jurisdiction.name, record.jurisdiction.level) == ("河南省", "province")


def test_authorship_greeting_the_deputies_is_no_line_of_addressees(nlp) -> None:
    body = "各位代表：现在，我代表市人民政府，向大会报告工作，请予审议。四川省绵阳市全市上下团结奋进。\n"
    ranks = "绵阳市经济总量居全省第二，增速居全省第一。\n" * 4  # 全省 compares, it does not speak
    record = extract(body + "我市全面推行“五社联动”机制。\n" + ranks + FILLER, nlp=nlp)
    assert record.jurisdiction is not None and record.jurisdiction.name == "绵阳市"


def test_authorship_a_report_given_for_the_state_council_is_the_countrys(nlp) -> None:
    body = (
        "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2023年工作回顾\n"
        "海南自由贸易港建设蓬勃展开，海南、广西等地推行“五社联动”机制。\n" + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.genre == "work-report"
    assert record.jurisdiction is not None and record.jurisdiction.level == "national"
    assert record.issuer is not None and record.issuer.name == "国务院"


def test_authorship_the_level_spoken_for_below_a_reports_title_lines(nlp) -> None:
    body = (
        "政府工作报告\n——2024年2月1日在防城港市第七届人民代表大会第五次会议上\n市长 张三\n"
        "各位代表：\n现在，我代表市人民政府，向大会报告政府工作，请予审议。\n"
        + "全区经济稳中向好，防城港港口吞吐量增长，全区第一。\n" * 6
        + "我市推行“五社联动”机制。\n"
        + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None
    assert (record.jurisdiction.name, record.jurisdiction.level) == ("防城港市", "city")


def test_authorship_a_county_level_city_run_by_its_province_speaks_as_a_city(nlp) -> None:
    body = (
        "各位代表：现在，我代表市人民政府，向大会报告工作，请予审议。\n"
        "天门市深入对接武汉市，天门产业园开工建设。\n"
        "我市全面推行“五社联动”机制，天门城乡社区治理水平提升。\n" + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None
    assert (record.jurisdiction.name, record.jurisdiction.province) == ("天门市", "湖北省")
    assert ("天门市", "五社联动") in {(a.adopter.name, a.mechanism) for a in record.adoptions}


def test_authorship_a_city_inside_a_prefecture_that_it_reports_to_speaks_for_itself(nlp) -> None:
    body = (
        "各位代表：\n现在，我代表市人民政府，向大会报告工作，请予审议。\n"
        "一年来，我们认真落实省州工作要求，凯里市经济稳步回升，增速居全州第一。\n"
        "我市推行“五社联动”机制，凯里城乡社区治理水平提升，黔东南苗族侗族自治州在凯里召开现场会。\n"
        + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None
    assert (record.jurisdiction.name, record.jurisdiction.level) == ("凯里市", "county")
    assert record.issuer is not None and record.issuer.name == "凯里市人民政府"
    assert ("凯里市", "五社联动") in {(a.adopter.name, a.mechanism) for a in record.adoptions}


def test_authorship_a_prefecture_speaking_as_such_stays_the_prefecture(nlp) -> None:
    body = (
        "各位代表：\n现在，我代表州人民政府，向大会报告工作，请予审议。\n"
        "一年来，黔东南苗族侗族自治州经济稳步回升，凯里市、黔东南各县市协同发展。\n"
        "我州推行“五社联动”机制，黔东南城乡社区治理水平提升。\n" + FILLER
    )
    record = extract(body, nlp=nlp)
    assert record.jurisdiction is not None
    assert record.jurisdiction.name == "黔东南苗族侗族自治州"
