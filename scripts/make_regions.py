"""Generate ontology/regions.ttl from the administrative-division data.

Usage::

    python scripts/make_regions.py [--source DIR] [--out ontology/regions.ttl]

The primary source is ``mca-2024.txt`` in the admin-divisions data directory:
民政部《中华人民共和国县级以上行政区划代码》 (GB/T 2260 codes), state at 2024-12-31.
Province abbreviations (简称) come from ``province-abbreviations.csv`` in the same
directory. The output is sorted by code and formatted line by line, so running the
script again on the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "admin-divisions"
DEFAULT_OUT = REPO_ROOT / "ontology" / "regions.ttl"

MCA_FILE = "mca-2024.txt"
ABBREVIATIONS_FILE = "province-abbreviations.csv"
SOURCE_DESCRIPTION = (
    "民政部《中华人民共和国县级以上行政区划代码》 (GB/T 2260), state at 2024-12-31",
    "via yescallop/areacodes data/2024.txt (CC0 1.0)",
)

PREFIXES = (
    ("cgkg", "https://w3id.org/cgkg/ontology#"),
    ("region", "https://w3id.org/cgkg/region/"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
)

PROVINCE, PREFECTURE, COUNTY = "ProvinceLevel", "CityLevel", "CountyLevel"

# Standard English names of the 34 provincial-level units, keyed by GB/T 2260 code.
ENGLISH_NAMES = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}

# The 56 nationalities of China, without the trailing 族.
NATIONALITIES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 "
    "佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 "
    "锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 "
    "鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
assert len(NATIONALITIES) == len(set(NATIONALITIES)) == 56

# Ethnic words stripped in front of the suffix, longest first. A nationality may appear
# with 族 (广西壮族自治区, 管城回族区) or, before 自治区/州/县/旗 and for names of two or
# more characters, without it (新疆维吾尔自治区, 鄂伦春自治旗). 各族 means "all nationalities"
# (龙胜各族自治县).
ETHNIC_WORDS = sorted(
    {n + "族" for n in NATIONALITIES} | {n for n in NATIONALITIES if len(n) >= 2} | {"各族"},
    key=lambda w: (-len(w), w),
)

# Stems that are descriptive words rather than names ("urban district", "suburb",
# "city centre", "old town" ...): they get no short name.
GENERIC_STEMS = frozenset(
    "城区 郊区 矿区 新区 市区 市中 城关 城中 城东 城西 城南 城北 新城 老城 古城".split()
)


def is_county_type_code(code: str) -> bool:
    """GB/T 2260 uses 21-80 in the last two digits for counties and county-type units;
    01-20 are 市辖区 (or, under a 省直辖 group, county-level cities)."""
    return 21 <= int(code[4:]) <= 80


# Banners (旗) whose name ends in a part or colour word keep 旗 as part of the name:
# 乌拉特前旗, 科尔沁左翼中旗, 达尔罕茂明安联合旗, 镶黄旗, 正蓝旗. They get no short name.
BANNER_NAME_ENDINGS = ("左", "右", "前", "中", "后", "联合", "黄", "白", "红", "蓝")


@dataclass(frozen=True)
class Suffix:
    text: str
    autonomous: bool = False  # 自治区/州/县/旗: ethnic words may appear without 族
    applies: Callable[[str], bool] | None = None  # optional predicate on the code
    integral_endings: tuple[str, ...] = ()  # stems ending so keep the suffix: no short name

    def matches(self, name: str, code: str) -> bool:
        if not name.endswith(self.text):
            return False
        if self.applies is not None and not self.applies(code):
            return False
        # A multi-character suffix must leave a stem of two or more characters;
        # otherwise the name is read as <stem>区 (清新区 = 清新 + 区, not 清 + 新区).
        return len(self.text) == 1 or self.autonomous or len(name) - len(self.text) >= 2


SUFFIXES = {
    PROVINCE: (
        Suffix("特别行政区"),
        Suffix("自治区", autonomous=True),
        Suffix("省"),
        Suffix("市"),
    ),
    PREFECTURE: (
        Suffix("自治州", autonomous=True),
        Suffix("地区"),
        Suffix("盟"),
        Suffix("市"),
    ),
    COUNTY: (
        Suffix("自治县", autonomous=True),
        Suffix("自治旗", autonomous=True),
        # 林区 is a county-type unit (神农架林区); a 市辖区 such as 万柏林区 is 万柏林 + 区.
        Suffix("林区", applies=is_county_type_code),
        Suffix("特区"),
        Suffix("新区"),
        Suffix("矿区"),
        Suffix("县"),
        Suffix("区"),
        Suffix("市"),
        Suffix("旗", integral_endings=BANNER_NAME_ENDINGS),
    ),
}


def strip_ethnic(stem: str, autonomous: bool) -> str:
    """Remove ethnic words from the end of stem, keeping at least two characters.

    Before 自治区/州/县/旗 a nationality of two or more characters may appear without 族
    (新疆维吾尔自治区); elsewhere only the form with 族 is removed (管城回族区).
    If the whole stem is one ethnic word (鄂温克族自治旗, 东乡族自治县), keep the
    nationality without 族.
    """
    words = ETHNIC_WORDS if autonomous else [w for w in ETHNIC_WORDS if w.endswith("族")]
    changed = True
    while changed:
        changed = False
        for word in words:
            if stem.endswith(word) and len(stem) - len(word) >= 2:
                stem = stem[: -len(word)]
                changed = True
                break
    if stem.endswith("族") and stem[:-1] in NATIONALITIES:
        stem = stem[:-1]
    return stem


def short_name(name: str, code: str, level: str) -> str | None:
    """The name without its administrative suffix, or None if there is no usable one."""
    for suffix in SUFFIXES[level]:
        if suffix.matches(name, code):
            stem = strip_ethnic(name[: -len(suffix.text)], suffix.autonomous)
            if stem.endswith(suffix.integral_endings):
                return None
            break
    else:
        return None
    if len(stem) < 2 or stem in GENERIC_STEMS:
        return None
    return stem


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return PREFECTURE
    return COUNTY


@dataclass
class Region:
    code: str
    name: str
    level: str
    parent: str = ""
    province: str = ""
    short: str | None = None
    english: str | None = None
    abbreviations: list[str] = field(default_factory=list)


CODE_RE = re.compile(r"[0-9]{6}")


def read_mca(path: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        code, sep, name = line.partition(" ")
        if not sep or not CODE_RE.fullmatch(code) or not name or " " in name:
            raise ValueError(f"{path}:{lineno}: expected 'CODE NAME', got {line!r}")
        if code in names:
            raise ValueError(f"{path}:{lineno}: duplicate code {code}")
        names[code] = name
    return names


def read_abbreviations(path: Path) -> dict[str, tuple[str, list[str]]]:
    result: dict[str, tuple[str, list[str]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            abbrs = [a.strip() for a in (row["abbr"], row["alt"]) if a and a.strip()]
            result[row["code"]] = (row["name"], abbrs)
    return result


def build_regions(source: Path) -> list[Region]:
    names = read_mca(source / MCA_FILE)
    abbreviations = read_abbreviations(source / ABBREVIATIONS_FILE)

    regions = []
    for code in sorted(names):
        name, level = names[code], level_of(code)
        region = Region(code=code, name=name, level=level)
        region.short = short_name(name, code, level)
        province = code[:2] + "0000"
        if level == PROVINCE:
            region.parent = "cn"
            if code not in ENGLISH_NAMES:
                raise ValueError(f"no English name for provincial unit {code} {name}")
            region.english = ENGLISH_NAMES[code]
            if code not in abbreviations:
                raise ValueError(f"no abbreviation for provincial unit {code} {name}")
            abbr_name, region.abbreviations = abbreviations[code]
            if abbr_name != name:
                raise ValueError(f"{ABBREVIATIONS_FILE}: {code} is {abbr_name!r}, not {name!r}")
        else:
            if province not in names:
                raise ValueError(f"{code} {name}: province {province} is missing")
            region.province = province
            prefecture = code[:4] + "00"
            if level == COUNTY and prefecture in names:
                region.parent = prefecture
            else:
                region.parent = province
        regions.append(region)

    unknown = sorted(set(abbreviations) - {r.code for r in regions if r.level == PROVINCE})
    if unknown:
        raise ValueError(f"{ABBREVIATIONS_FILE}: codes not in {MCA_FILE}: {unknown}")
    return regions


def literal(text: str, lang: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}'


def zh(text: str) -> str:
    return literal(text, "zh-Hans")


def resource(subject: str, pairs: Iterable[tuple[str, str]]) -> list[str]:
    pairs = list(pairs)
    lines = [f"{subject} a cgkg:Region ;"]
    for i, (predicate, obj) in enumerate(pairs):
        end = " ." if i == len(pairs) - 1 else " ;"
        lines.append(f"    {predicate} {obj}{end}")
    return lines


def region_pairs(region: Region) -> list[tuple[str, str]]:
    pairs = [
        ("cgkg:code", f'"{region.code}"'),
        ("cgkg:level", f"cgkg:{region.level}"),
    ]
    labels = [zh(region.name)]
    if region.english:
        labels.append(literal(region.english, "en"))
    pairs.append(("skos:prefLabel", ", ".join(labels)))
    if region.short:
        pairs.append(("cgkg:shortName", zh(region.short)))
    if region.abbreviations:
        pairs.append(("cgkg:abbreviation", ", ".join(zh(a) for a in region.abbreviations)))
    pairs.append(("cgkg:partOf", f"region:{region.parent}"))
    if region.province:
        pairs.append(("cgkg:province", f"region:{region.province}"))
    return pairs


def render(regions: list[Region]) -> str:
    lines = [
        "# Administrative divisions of China (provincial, prefecture and county level).",
        "#",
        f"# Source: {MCA_FILE}: {SOURCE_DESCRIPTION[0]},",
        f"#   {SOURCE_DESCRIPTION[1]};",
        f"#   abbreviations from {ABBREVIATIONS_FILE}.",
        "# Generated file, do not edit. Regenerate with:",
        "#   python scripts/make_regions.py [--source DIR] [--out ontology/regions.ttl]",
        "",
    ]
    lines += [f"@prefix {prefix}: <{iri}> ." for prefix, iri in PREFIXES]
    lines.append("")
    lines += resource(
        "region:cn",
        [
            ("cgkg:level", "cgkg:NationalLevel"),
            ("skos:prefLabel", f"{zh('中华人民共和国')}, {literal('China', 'en')}"),
            ("skos:altLabel", f"{zh('中国')}, {zh('全国')}"),
        ],
    )
    for region in regions:
        lines.append("")
        if region.level == PROVINCE:
            lines.append(f"# ---- {region.code} {region.name} ----")
            lines.append("")
        lines += resource(f"region:{region.code}", region_pairs(region))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"admin-divisions data directory (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output Turtle file (default: {DEFAULT_OUT})",
    )
    args = parser.parse_args(argv)

    regions = build_regions(args.source)
    text = render(regions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    counts = {level: sum(r.level == level for r in regions) for level in SUFFIXES}
    print(
        f"wrote {args.out}: {len(regions)} regions "
        f"({counts[PROVINCE]} provincial, {counts[PREFECTURE]} prefecture, "
        f"{counts[COUNTY]} county)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
