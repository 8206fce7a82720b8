"""Region and agency rules for the language of work reports, each on a small invented text."""

from __future__ import annotations

import pytest

from kg.extract import extract_text
from kg.read import read_bytes
from kg.record import DocumentRecord


def extract(body: str, *, nlp, city: str = "沈阳市") -> DocumentRecord:
    head = f"政府工作报告\n——2024年1月在{city}第十七届人民代表大会上\n{city}市长\n"
    text = read_bytes((head + body + "\n").encode("utf-8"), path="invented.txt")
    return extract_text(text, doc_id="invented", nlp=nlp)


def regions(body: str, *, nlp, city: str = "沈阳市") -> set[str]:
    """The regions the body names besides the report's own city (named in its heading)."""
    return {r.name for r in extract(body, nlp=nlp, city=city).regions} - {city}


def test_extract_shared_district_name_is_the_one_in_the_documents_city(nlp) -> None:
    # 铁西区 is a district of 沈阳 and of 鞍山, both in 辽宁省: in a 沈阳 report it is 沈阳's
    record = extract("我市铁西区、大东区上榜全国工业百强区。", nlp=nlp)
    tiexi = [r for r in record.regions if r.name == "铁西区"]
    assert [(r.city, r.province) for r in tiexi] == [("沈阳市", "辽宁省")]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a cooperation with the city: 与 + name + a cooperation word in the clause
        ("与深圳合作共建产业园区有序推进。", {"深圳市"}),
        ("争取纳入深圳对口地区“飞地”体系建设。", {"深圳市"}),
        # a city right after its own province
        (
            "实施对浙江宁波、广东惠州等地居民的旅游优惠政策。",
            {"浙江省", "宁波市", "广东省", "惠州市"},
        ),
        # one end of a route whose other end is a known place
        ("开通沈阳至舟山港国际物流班列。", {"舟山市"}),
        # a list with a known place
        ("推进与西安、成都、重庆等城市旅游合作。", {"西安市", "成都市", "重庆市"}),
    ],
)
def test_extract_city_of_another_province_named_as_a_partner(
    nlp, sentence: str, found: set[str]
) -> None:
    assert regions(sentence, nlp=nlp) == found


def test_extract_county_short_name_at_one_end_of_a_route(nlp) -> None:
    """A county's short name glued to 至 is one end of a route (多伦县 of the report's
    锡林郭勒盟), which makes the other end a place too."""
    found = regions("确保多伦至承德特高压外送通道纳规。", nlp=nlp, city="锡林郭勒盟")
    assert found == {"多伦县", "承德市"}
    # a route may end at a landmark named after a city: 镇江关 is a town's pass, not 镇江
    found = regions("川青铁路青白江至镇江关段通车运营。", nlp=nlp, city="成都市")
    assert found == {"青白江区"}
    # but 关于 after a name is "about"
    finder = nlp.get_pipe("cgkg_regions").finder
    assert finder.names_landmark("镇江关段", 0, 2)
    assert not finder.names_landmark("深圳关于共建园区的协议", 0, 2)


@pytest.mark.parametrize(
    "sentence",
    [
        # the short name alone says nothing: a brand, a university, a street
        "深圳国际食品谷产业园签约。",
        "与厦门大学合作组建新能源材料研究院。",
        "与中山路沿线商户开展合作。",
    ],
)
def test_extract_city_of_another_province_needs_a_partner_context(nlp, sentence: str) -> None:
    assert regions(sentence, nlp=nlp) == set()


@pytest.mark.parametrize(
    ("sentence", "city"),
    [
        # a river, a street, a tomb named after a place
        ("建成幸福河湖197处，秦淮河入选美丽河湖优秀案例。", "南京市"),
        ("凌河街等7条断头路实现贯通。", "沈阳市"),
        ("推进西夏陵创建国家5A级旅游景区。", "银川市"),
        # a side of a mountain, of a lake: 山 + 东麓 is not 山东
        ("打造贺兰山东麓国家级旅游度假区，完成太平湖南岸岸线整治。", "银川市"),
    ],
)
def test_extract_short_name_run_into_a_landmark_is_no_region(nlp, sentence: str, city: str) -> None:
    assert regions(sentence, nlp=nlp, city=city) == set()


def test_extract_short_name_before_part_of_is_still_the_province(nlp) -> None:
    # 部分 after 山东 is "some of", not 东部 (the east)
    assert regions("山东部分城市已开展试点。", nlp=nlp) == {"山东省"}


def agencies(body: str, *, nlp, city: str = "沈阳市") -> set[str]:
    return {a.name for a in extract(body, nlp=nlp, city=city).agencies}


def test_extract_bare_organ_listed_after_a_body_takes_its_region(nlp) -> None:
    # 政府 in 自治区党委、政府 is the autonomous region's government
    found = agencies("在自治区党委、政府的坚强领导下，我市经济稳中向好。", nlp=nlp, city="银川市")
    assert "宁夏回族自治区人民政府" in found


def test_extract_bare_organ_listed_after_another_regions_body_is_not_the_authors(nlp) -> None:
    # 自治区 in a 郑州 (河南省) report is no region of the author: neither body is 河南's
    found = agencies("学习借鉴自治区党委、政府的经验做法。", nlp=nlp, city="郑州市")
    assert not any(name.startswith("河南省") for name in found)


def test_extract_central_discipline_commission_has_the_partys_full_name(nlp) -> None:
    # named like every other discipline commission (中共{region}纪律检查委员会)
    record = extract("坚决落实中央纪委全会部署。", nlp=nlp)
    found = [a for a in record.agencies if "中央纪委" in a.surfaces]
    assert [a.name for a in found] == ["中共中央纪律检查委员会"]
    assert "中央纪律检查委员会" in found[0].alt_names


def test_extract_jurisdiction_is_the_lowest_level_the_opening_names(nlp) -> None:
    # the superior's decisions come first (省委…全会、州委…全会决策部署); the author is the 州
    body = (
        "2023年工作回顾\n"
        "过去一年，我们全面贯彻落实省委十二届三次全会、州委十二届三次全会决策部署，"
        "推动现代化新阿坝建设开局起步。\n"
        "一年来，全省经济回升向好，四川全省、阿坝全州同步推进，全省第一、全省领先。\n"
    )
    text = read_bytes(body.encode("utf-8"), path="invented.txt")
    record = extract_text(text, doc_id="invented", nlp=nlp)
    assert record.jurisdiction is not None
    assert record.jurisdiction.name == "阿坝藏族羌族自治州"


def test_extract_national_body_followed_by_a_region_is_its_branch_there(nlp) -> None:
    # 中国人民银行河南省分行 is a provincial branch, not the central bank
    found = agencies("中国人民银行河南省分行出台支持小微企业融资的措施。", nlp=nlp)
    assert "中国人民银行" not in found


def test_extract_national_body_named_alone_is_still_found(nlp) -> None:
    found = agencies("中国人民银行出台支持小微企业融资的措施。", nlp=nlp)
    assert "中国人民银行" in found


def test_extract_municipality_report_speaks_for_the_municipality(nlp) -> None:
    # 我代表市人民政府 in 重庆: the 市 is the municipality (a province-level unit), not a
    # prefecture-level city the report happens to name
    body = (
        "各位代表：\n"
        "现在，我代表市人民政府向大会报告工作，请予审议。\n"
        "一年来，新重庆建设开局良好，重庆经济回升向好，重庆制造加快升级，"
        "与杭州等地合作深入推进。\n"
    )
    text = read_bytes(body.encode("utf-8"), path="invented.txt")
    record = extract_text(text, doc_id="invented", nlp=nlp)
    assert record.jurisdiction is not None
    assert record.jurisdiction.name == "重庆市"


def test_extract_bare_administrative_office_is_the_leagues_own(nlp) -> None:
    # only a 盟 or 地区 has a 行政公署: said bare, 行署 is the author's own
    found = agencies(
        "现在，我代表行署向大会报告工作。行署自身建设持续加强。", nlp=nlp, city="阿拉善盟"
    )
    assert "阿拉善盟行政公署" in found


def test_extract_bare_administrative_office_is_nobody_in_a_city(nlp) -> None:
    # a city has a people's government, no 行政公署: a bare 行署 there is not the city's
    found = agencies("学习借鉴兄弟盟市行署的经验做法。", nlp=nlp)
    assert not any(name.endswith(("行政公署", "行署")) for name in found)


def test_extract_league_congress_is_a_working_committee(nlp) -> None:
    # a 盟 elects no people's congress: 盟人大工委 is the working committee, not a 人大
    found = agencies("自觉接受盟人大工委的法律监督。", nlp=nlp, city="阿拉善盟")
    assert "阿拉善盟人大工作委员会" in found
    assert not any(name.endswith("人民代表大会") for name in found)


@pytest.mark.parametrize(
    ("sentence", "city", "name"),
    [
        # an autonomous prefecture's committee is named with 委员会 in full, departments too
        (
            "州委组织部牵头推进人才工作。",
            "黔西南布依族苗族自治州",
            "中共黔西南布依族苗族自治州委员会组织部",
        ),
        (
            "在州委的坚强领导下，全州经济回升向好。",
            "黔西南布依族苗族自治州",
            "中共黔西南布依族苗族自治州委员会",
        ),
        # an ordinary city's keeps its usual short form
        ("在市委的坚强领导下，全市经济回升向好。", "沈阳市", "中共沈阳市委"),
    ],
)
def test_extract_autonomous_units_committee_named_in_full(
    nlp, sentence: str, city: str, name: str
) -> None:
    assert name in agencies(sentence, nlp=nlp, city=city)


def test_extract_local_disease_control_administration(nlp) -> None:
    found = agencies("组建市疾病预防控制局，疾控体系改革稳步推进。", nlp=nlp)
    assert "沈阳市疾病预防控制局" in found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # a record the community earned, at the start of a clause
        ("城市更新稳步推进，青禾社区入选全国完整社区试点。", {"青禾社区"}),
        # two named communities in a list
        ("示范点建成运营。青禾社区、石榴湾社区获评老年友好型社区。", {"青禾社区", "石榴湾社区"}),
        # a quoted practice of its own
        ("基层治理创新不断涌现，多宝社区“三问三帮”工作法被推广。", {"多宝社区"}),
        # after a verb that introduces a named community's experience
        ("总结推广青禾社区、石榴湾社区的经验。", {"青禾社区", "石榴湾社区"}),
    ],
)
def test_extract_named_community_at_a_clause_start(nlp, sentence: str, found: set[str]) -> None:
    assert regions(sentence, nlp=nlp) == found


@pytest.mark.parametrize(
    "sentence",
    [
        # a verb and its object, a quoted slogan that is no practice of one community
        "持续加强社区“两委”班子建设。",
        "构建居家社区“15分钟”养老服务圈。",
        # a class of communities
        "部分社区入选省级试点，老旧社区、涉农社区获评先进。",
        # a community named without any cue keeps being ignored at a clause start
        "推进治理创新，青禾社区建设全面提速。",
    ],
)
def test_extract_clause_start_community_needs_a_cue(nlp, sentence: str) -> None:
    assert not any(name.endswith("社区") for name in regions(sentence, nlp=nlp))


@pytest.mark.parametrize(
    ("sentence", "city", "absent"),
    [
        # a science city named after a bay, a mountain named like a county
        ("崖州湾科技城汇聚科研机构32家。", "三亚市", "崖州区"),
        ("推进长白山国际旅游度假区建设。", "白山市", "长白朝鲜族自治县"),
        # a word-like county name before a number is the word (新建 5G 基站)
        ("新建5G基站3000个，新建高标准农田5万亩。", "南昌市", "新建区"),
        # 区域 (an area) after a place word: no district of that name (杭州's 滨江区)
        ("谋划推进滨江区域综合开发。", "池州市", "滨江区"),
    ],
)
def test_extract_county_name_inside_a_landmark_or_a_phrase(
    nlp, sentence: str, city: str, absent: str
) -> None:
    assert absent not in regions(sentence, nlp=nlp, city=city)


@pytest.mark.parametrize(
    ("sentence", "city", "present"),
    [
        # the county's mountain areas are the county
        ("加快发展民宿经济，武义山区乡镇游客倍增。", "金华市", "武义县"),
        # a district's full name before another word than 区域 is the district
        ("滨江区域外企业加快集聚，滨江区城市更新提速。", "杭州市", "滨江区"),
        # marked off by a list, a word-like name is still the place
        ("推动组团发展，新建、安义两地协同推进。", "南昌市", "新建区"),
    ],
)
def test_extract_county_name_before_a_landmark_word_that_is_its_own(
    nlp, sentence: str, city: str, present: str
) -> None:
    assert present in regions(sentence, nlp=nlp, city=city)


def test_extract_news_outlet_named_after_a_province_places_nothing(nlp) -> None:
    """湖北日报 and 浙江在线 are a newspaper and a news site: a report they carry about a
    Wuhan neighbourhood is placed in 武汉, not in the province the outlets are named after."""
    from tests.test_extract import extract

    body = (
        "“红色物业”优服务\n发布时间:2026年02月13日 来源: 湖北日报网\n"
        "湖北日报讯（通讯员 罗嘉柯）武汉市武昌区南湖街道推行“红色物业”模式，"
        "浙江在线等媒体作了报道。\n"
    )
    record = extract(body, nlp=nlp)
    assert {r.name for r in record.regions} == {"武汉市", "武昌区"}
    assert record.jurisdiction.name in {"武汉市", "武昌区"}
    finder = nlp.get_pipe("cgkg_regions").finder
    assert finder.names_landmark("湖北日报讯", 0, 2)
    assert not finder.names_landmark("湖北日益重视", 0, 2)
