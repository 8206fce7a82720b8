"""Tests of kg.evaluate: each scoring rule on small invented cases counted by hand, and exact
agreement with the reference scorer (shared/gold/score.py) on generated record files."""

from __future__ import annotations

import copy
import doctest
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kg.evaluate
from kg.errors import BuildError, RecordError
from kg.evaluate import CATEGORIES, Evaluation, Score, evaluate, load_gold
from kg.record import Agency, DocumentRecord, Mechanism
from tests import SHARED

GOLD_PATH = SHARED / "gold" / "seeds.json"
REFERENCE_SCORER = SHARED / "gold" / "score.py"
# The reference scorer lives in shared/ (beside the clone in CI): its absence is a failure.
needs_shared = pytest.mark.usefixtures("reference_scorer_present")


@pytest.fixture
def reference_scorer_present() -> None:
    assert REFERENCE_SCORER.is_file() and GOLD_PATH.is_file(), (
        f"no gold/score.py and gold/seeds.json under {SHARED}; set CGKG_SHARED"
    )


def counts(score: Score) -> tuple[int, int, int]:
    return (score.tp, score.fp, score.fn)


def score_one(gold: dict[str, Any], record: dict[str, Any], category: str) -> tuple[int, ...]:
    """Counts of one category for one gold document and its record."""
    return counts(evaluate([{"id": "doc", **gold}], [{"id": "doc", **record}]).categories[category])


# --- rules, counted by hand --------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_label", "found_label", "expected"),
    [
        ("五社联动", "五社联动", (1, 0, 0)),
        ("五社联动", "“五社联动”", (1, 0, 0)),
        ("五社联动", "五社联动机制", (1, 0, 0)),
        ("五社联动", "“五社联动”工作机制", (1, 0, 0)),
        ("枫桥经验", "枫桥经验工作法", (1, 0, 0)),
        ("秭归模式", "秭归", (1, 0, 0)),  # the gold label loses its suffix too
        ("五社联动", "五社联动制度", (0, 1, 1)),  # 制度 is part of a name
        ("五社联动", "五社联动模式机制", (0, 1, 1)),  # only one suffix goes
        ("党群连心为民服务", "党群连心为民服务机制", (0, 1, 1)),  # 服务机制 goes as a whole
        ("1+3+N", "１＋３＋Ｎ", (1, 0, 0)),  # NFKC
        ("街道吹哨、部门报到", " 街道吹哨、 部门报到\n", (1, 0, 0)),  # white space
        ("五社联动", "机制", (0, 1, 1)),
    ],
)
def test_evaluate_mechanism_labels_are_normalised(gold_label, found_label, expected):
    gold = {"mechanisms": [{"label": gold_label, "adopters": []}]}
    assert score_one(gold, {"mechanisms": [{"label": found_label}]}, "mechanisms") == expected
    assert score_one(gold, {"mechanisms": [found_label]}, "mechanisms") == expected


@pytest.mark.parametrize(
    ("gold_name", "found", "expected"),
    [
        ("郑州市", "郑州", (1, 0, 0)),
        ("郑州市", {"name": "郑州市", "level": "city"}, (1, 0, 0)),
        ("广西壮族自治区", "广西", (1, 0, 0)),
        ("新疆维吾尔自治区", "新疆自治区", (1, 0, 0)),
        ("溪南社区", "溪南社区", (1, 0, 0)),
        ("溪南社区", "溪南", (0, 1, 1)),  # 区 goes, 社 stays: 溪南社 is not 溪南
        ("朝阳区", "朝阳", (1, 0, 0)),
        ("市", "市", (1, 0, 0)),  # a name that is all suffix is kept
        ("市", "省", (0, 1, 1)),
        ("郑州市", "洛阳市", (0, 1, 1)),
    ],
)
def test_evaluate_region_names_lose_their_suffix(gold_name, found, expected):
    gold = {"regions": [{"name": gold_name, "level": "city", "province": "河南省"}]}
    assert score_one(gold, {"regions": [found]}, "regions") == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ([], (0, 0, 2)),
        (["河南省卫健委"], (1, 0, 1)),
        ([{"name": "“河南省卫健委”"}], (1, 0, 1)),
        (["河南省卫生健康委员会", "河南省卫健委"], (1, 1, 1)),  # one gold agency, one match
        (["河南省卫健委", "河南省民政厅"], (2, 0, 0)),
        (["省政协"], (0, 0, 2)),  # uncertain: not a false positive
        (["民政部"], (0, 1, 2)),
    ],
)
def test_evaluate_agencies_match_any_accepted_name(found, expected):
    gold = {
        "agencies": [
            {"name": "河南省卫生健康委员会", "accept": ["河南省卫健委"]},
            {"name": "河南省民政厅", "accept": []},
        ],
        "uncertain": {"agencies": ["省政协"]},
    }
    assert score_one(gold, {"agencies": found}, "agencies") == expected


def test_evaluate_overlapping_accept_lists_use_the_best_matching():
    # 县委 is accepted for both; greedy matching could give it to the first and leave
    # 武义县委 unmatched. The best matching gives each name its own gold agency.
    gold = {
        "agencies": [
            {"name": "中共武义县委", "accept": ["武义县委", "县委"]},
            {"name": "县委", "accept": []},
        ]
    }
    assert score_one(gold, {"agencies": ["县委", "武义县委"]}, "agencies") == (2, 0, 0)


@pytest.mark.parametrize(
    ("category", "gold", "found", "expected"),
    [
        ("mechanisms", {}, {"mechanisms": ["五社联动", "“一老一小”"]}, (1, 0, 0)),
        ("mechanisms", {}, {"mechanisms": ["一老一小机制"]}, (0, 0, 1)),
        ("policies", {}, {"policies": [{"title": "《某某规划》"}]}, (0, 0, 0)),
        ("regions", {}, {"regions": ["宜昌"]}, (0, 0, 0)),
        (
            "adoption_pairs",
            {},
            {"adoptions": [{"mechanism": "一老一小", "adopter": "河南省"}]},
            (0, 0, 1),
        ),
        (
            "adoption_triples",
            {},
            {"adoptions": [{"mechanism": "一老一小", "adopter": "河南省"}]},
            (0, 0, 1),
        ),
        # As in the reference scorer, uncertain drops found items only: a gold item that is
        # also listed as uncertain can be missed but never found.
        (
            "mechanisms",
            {"uncertain": {"mechanisms": ["五社联动"]}},
            {"mechanisms": ["五社联动"]},
            (0, 0, 1),
        ),
    ],
)
def test_evaluate_uncertain_items_are_ignored(category, gold, found, expected):
    base = {
        "mechanisms": [
            {
                "label": "五社联动",
                "adopters": [
                    {
                        "name": "河南省",
                        "province": "河南省",
                        "level": "province",
                        "status": "implemented",
                    }
                ],
            }
        ],
        "uncertain": {"mechanisms": ["一老一小"], "policies": ["某某规划"], "regions": ["宜昌市"]},
    }
    assert score_one({**base, **gold}, found, category) == expected


ZHENGZHOU = {"name": "郑州市", "level": "city", "province": "河南省"}


@pytest.mark.parametrize(
    ("adoptions", "pairs", "triples"),
    [
        (
            [{"mechanism": "养老服务提升行动", "adopter": ZHENGZHOU, "status": "pilot"}],
            (1, 0, 0),
            (1, 0, 0),
        ),
        (
            [
                {
                    "mechanism": {"label": "“养老服务提升行动”"},
                    "adopter": ZHENGZHOU,
                    "status": "pilot",
                }
            ],
            (1, 0, 0),
            (1, 0, 0),
        ),
        (
            [{"mechanism": "养老服务提升行动", "jurisdiction": ZHENGZHOU, "status": "pilot"}],
            (1, 0, 0),
            (1, 0, 0),
        ),
        # the province is what pairs compare; names and statuses only matter for triples
        (
            [
                {
                    "mechanism": "养老服务提升行动",
                    "status": "pilot",
                    "adopter": {"name": "河南省", "level": "province", "province": "河南省"},
                }
            ],
            (1, 0, 0),
            (0, 1, 1),
        ),
        (
            [{"mechanism": "养老服务提升行动", "adopter": "河南", "status": "pilot"}],
            (1, 0, 0),
            (0, 1, 1),
        ),
        (
            [{"mechanism": "养老服务提升行动", "adopter": ZHENGZHOU, "status": "implemented"}],
            (1, 0, 0),
            (0, 1, 1),
        ),
        # without a province the adopter's own name stands for it
        (
            [{"mechanism": "养老服务提升行动", "adopter": {"name": "郑州市"}, "status": "pilot"}],
            (0, 1, 1),
            (1, 0, 0),
        ),
        (
            [
                {"mechanism": "养老服务提升行动", "adopter": ZHENGZHOU, "status": "pilot"},
                {
                    "mechanism": "养老服务提升行动",
                    "status": "pilot",
                    "adopter": {"name": "洛阳市", "level": "city", "province": "河南省"},
                },
            ],
            (1, 0, 0),
            (1, 1, 0),
        ),
        (
            [{"mechanism": "养老服务提升行动", "adopter": None, "status": "pilot"}],
            (0, 1, 1),
            (0, 1, 1),
        ),
        ([], (0, 0, 1), (0, 0, 1)),
    ],
)
def test_evaluate_adoption_pairs_compare_provinces(adoptions, pairs, triples):
    gold = {
        "mechanisms": [
            {"label": "养老服务提升行动", "adopters": [{**ZHENGZHOU, "status": "pilot"}]}
        ]
    }
    assert score_one(gold, {"adoptions": adoptions}, "adoption_pairs") == pairs
    assert score_one(gold, {"adoptions": adoptions}, "adoption_triples") == triples


@pytest.mark.parametrize(
    ("adopter", "expected"),
    [
        ({"name": "中华人民共和国", "level": "National"}, (1, 0, 0)),
        ({"name": "全国", "level": "country", "province": "北京市"}, (1, 0, 0)),
        ({"name": "北京市", "level": "province", "province": "北京市"}, (0, 1, 1)),
        ("全国", (0, 1, 1)),
    ],
)
def test_evaluate_national_adopters_pair_as_national(adopter, expected):
    gold = {
        "mechanisms": [
            {
                "label": "五社联动",
                "adopters": [{"name": "全国", "level": "national", "status": "called-for"}],
            }
        ]
    }
    found = {"adoptions": [{"mechanism": "五社联动", "adopter": adopter, "status": "called-for"}]}
    assert score_one(gold, found, "adoption_pairs") == expected


def test_evaluate_missing_document_counts_every_gold_item_as_missed():
    gold = [
        {"id": "a", "numbers": ["1号"], "mechanisms": [{"label": "五社联动", "adopters": []}]},
        {"id": "b", "numbers": ["2号"]},
    ]
    result = evaluate(gold, [{"id": "b", "numbers": ["2号", "3号"]}])
    assert result.missing == ("a",)
    assert counts(result.categories["numbers"]) == (1, 1, 1)
    assert counts(result.categories["mechanisms"]) == (0, 0, 1)
    assert counts(result.per_document["a"]["numbers"]) == (0, 0, 1)
    assert counts(result.per_document["b"]["numbers"]) == (1, 1, 0)
    assert result.to_dict()["_missing_docs"] == ["a"]
    assert result.table().splitlines()[-1] == "missing records for: a"


@pytest.mark.parametrize(
    ("gold_issuer", "found", "expected"),
    [
        ("河南省民政厅", "河南省民政厅", (1, 0, 0)),
        ("河南省民政厅", {"name": "河南省民政厅", "organ": "民政厅"}, (1, 0, 0)),
        ("河南省民政厅", {"name": "河南省 民政厅"}, (1, 0, 0)),
        ("河南省民政厅", None, (0, 0, 1)),
        ("河南省民政厅", {"name": None}, (0, 0, 1)),
        ("河南省民政厅", "", (0, 0, 1)),
        ("河南省民政厅", "河南省人民政府", (0, 1, 1)),
        (None, "河南省民政厅", (0, 1, 0)),
        (None, None, (0, 0, 0)),
    ],
)
def test_evaluate_issuer_may_be_a_dict_or_a_string(gold_issuer, found, expected):
    assert score_one({"issuer": gold_issuer}, {"issuer": found}, "issuer") == expected


@pytest.mark.parametrize(
    ("gold", "found", "expected"),
    [
        ({"name": "武义县", "level": "county"}, {"name": "武义"}, (1, 0, 0)),
        ({"name": "武义县", "level": "county"}, None, (0, 0, 1)),
        ({"name": "武义县", "level": "county"}, {"name": None, "level": "county"}, (0, 1, 1)),
        (None, {"name": "武义县"}, (0, 1, 0)),
    ],
)
def test_evaluate_jurisdiction_compares_region_names(gold, found, expected):
    assert score_one({"jurisdiction": gold}, {"jurisdiction": found}, "jurisdiction") == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ({"issued": "2023-09-15", "published": "2023-07-13"}, (2, 0, 0)),  # names don't matter
        ({"issued": "2023-07-13", "published": None}, (1, 0, 1)),
        ({"issued": "2023-07-13", "published": "2023-07-14"}, (1, 1, 1)),
        ("2023-07-13", (0, 0, 2)),
        (None, (0, 0, 2)),
    ],
)
def test_evaluate_dates_compare_values(found, expected):
    gold = {"dates": {"issued": "2023-07-13", "published": "2023-09-15"}}
    assert score_one(gold, {"dates": found}, "dates") == expected


@pytest.mark.parametrize(
    ("category", "gold", "found", "expected"),
    [
        (
            "numbers",
            {"numbers": ["豫民议〔2023〕49号"]},
            {"numbers": [" 豫民议〔2023〕49号"]},
            (1, 0, 0),
        ),
        (
            "policies",
            {"policies": [{"title": "湖南省“十四五”规划"}]},
            {"policies": [{"title": "《湖南省十四五规划》"}]},
            (1, 0, 0),
        ),
        (
            "policies",
            {"policies": [{"title": "关于印发〈纲要〉的通知"}]},
            {"policies": ["关于印发纲要的通知", "纲要"]},
            (1, 1, 0),
        ),
    ],
)
def test_evaluate_titles_and_numbers_lose_quotes_and_spaces(category, gold, found, expected):
    assert score_one(gold, found, category) == expected


@pytest.mark.parametrize(
    ("aliases", "record_id", "missing"),
    [
        ({"000_9a37cc60360357d4": "henan_2023_proposal_reply"}, "henan_2023_proposal_reply", ()),
        # names as a corpus manifest records them
        (
            {"000_9a37cc60360357d4.txt": "henan_2023_proposal_reply.txt"},
            "henan_2023_proposal_reply",
            (),
        ),
        (None, "corpus/000_9a37cc60360357d4.txt", ()),
        (None, "henan_2023_proposal_reply", ("000_9a37cc60360357d4",)),
        # a record that already carries the gold's id (a corpus manifest's id) matches it,
        # whatever the aliases say of file names
        ({"000_9a37cc60360357d4": "other"}, "000_9a37cc60360357d4", ()),
    ],
)
def test_evaluate_alias_maps_gold_ids_to_record_ids(aliases, record_id, missing):
    gold = [{"id": "000_9a37cc60360357d4", "numbers": ["豫民议〔2023〕49号"]}]
    records = [{"id": record_id, "numbers": ["豫民议〔2023〕49号"]}]
    result = evaluate(gold, records, aliases=aliases)
    assert result.missing == missing
    assert counts(result.categories["numbers"]) == ((0, 0, 1) if missing else (1, 0, 0))


def test_evaluate_accepts_records_with_to_dict():
    record = DocumentRecord(
        id="doc",
        path="corpus/doc.txt",
        sha256="0" * 64,
        issuer=Agency(name="河南省民政厅"),
        mechanisms=(Mechanism(id="wushe", label="五社联动"), Mechanism(id="x", label="三社联动")),
    )
    gold = [
        {
            "id": "doc",
            "issuer": "河南省民政厅",
            "mechanisms": [{"label": "五社联动", "adopters": []}],
        }
    ]
    result = evaluate(gold, [record])
    assert counts(result.categories["issuer"]) == (1, 0, 0)
    assert counts(result.categories["mechanisms"]) == (1, 1, 0)
    with pytest.raises(RecordError, match="E301"):
        evaluate(gold, [42])


def test_evaluate_sums_counts_before_averaging():
    gold = [
        {"id": "a", "numbers": ["1号"]},
        {"id": "b", "numbers": ["2号"]},
    ]
    records = [{"id": "a", "numbers": ["1号"]}, {"id": "b", "numbers": ["3号", "4号", "5号"]}]
    numbers = evaluate(gold, records).categories["numbers"]
    assert counts(numbers) == (1, 3, 1)
    assert (numbers.precision, numbers.recall) == (0.25, 0.5)
    assert numbers.f1 == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (Score(), (0.0, 0.0, 0.0)),
        (Score(tp=0, fp=2, fn=3), (0.0, 0.0, 0.0)),
        (Score(tp=2, fp=2, fn=0), (0.5, 1.0, 2 / 3)),
        (Score(tp=1, fp=0, fn=3), (1.0, 0.25, 0.4)),
    ],
)
def test_evaluate_score_precision_recall_f1(score, expected):
    assert (score.precision, score.recall, score.f1) == pytest.approx(expected)
    assert counts(score + Score(tp=1, fp=1, fn=1)) == (score.tp + 1, score.fp + 1, score.fn + 1)


def test_evaluate_table_and_dict_list_every_category_in_order():
    result = evaluate([{"id": "a", "numbers": ["1号"]}], [{"id": "a", "numbers": ["1号", "2号"]}])
    assert isinstance(result, Evaluation)
    assert tuple(result.categories) == CATEGORIES
    assert list(result.to_dict()) == [*CATEGORIES, "_missing_docs"]
    assert result.to_dict()["numbers"] == {
        "p": 0.5,
        "r": 1.0,
        "f1": 0.667,
        "tp": 1,
        "fp": 1,
        "fn": 0,
    }
    lines = result.table().splitlines()
    assert lines[0].split() == ["category", "P", "R", "F1", "tp", "fp", "fn"]
    assert lines[-1].split() == ["numbers", "0.500", "1.000", "0.667", "1", "1", "0"]
    assert len(lines) == 1 + len(CATEGORIES)
    assert len({len(line) for line in lines}) == 1  # aligned


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot be read"),
        ("{", "cannot be read"),
        ('{"id": "a"}', "a JSON list"),
        ('[{"name": "a"}]', "has no id"),
    ],
)
def test_evaluate_load_gold_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "gold.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BuildError, match="E603") as error:
        load_gold(path)
    assert message in str(error.value)


def test_evaluate_load_gold_reads_the_project_copy():
    gold = load_gold(Path(__file__).parent / "gold" / "seeds.json")
    assert len(gold) == 5 and all("id" in document for document in gold)


def test_evaluate_docstring_examples_run():
    result = doctest.testmod(kg.evaluate)
    assert result.attempted > 0 and result.failed == 0


# --- agreement with the reference scorer -------------------------------------------------

NOISE: dict[str, list[Any]] = {
    "mechanisms": ["红色物业", "幸福邻里", "三治融合", "社区合伙人"],
    "agencies": ["某某县民政局", "河南省发展和改革委员会", "民政部"],
    "policies": ["关于某某工作的通知", "社区服务条例"],
    "regions": ["某某市", "开封市", "内蒙古自治区", "溪南"],
    "statuses": ["implemented", "planned", "pilot", "called-for", None],
}


def run_reference(gold_path: Path, records: list[dict[str, Any]], tmp_path: Path) -> dict:
    predictions = tmp_path / "records.jsonl"
    predictions.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, str(REFERENCE_SCORER), str(gold_path), str(predictions), "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return json.loads(done.stdout)


def record_from_gold(document: dict[str, Any]) -> dict[str, Any]:
    """The record a perfect extractor would write for ``document``."""
    return {
        "id": document["id"],
        "jurisdiction": document.get("jurisdiction"),
        "issuer": {"name": document["issuer"]} if document.get("issuer") else None,
        "dates": dict(document.get("dates") or {}),
        "numbers": list(document.get("numbers") or []),
        "mechanisms": [{"label": m["label"], "discovered": False} for m in document["mechanisms"]],
        "adoptions": [
            {
                "mechanism": m["label"],
                "adopter": {k: a.get(k) for k in ("name", "level", "province")},
                "status": a.get("status"),
                "since": a.get("since"),
                "evidence": {"text": ""},
            }
            for m in document["mechanisms"]
            for a in m.get("adopters") or []
        ],
        "agencies": [{"name": a["name"]} for a in document["agencies"]],
        "policies": [{"title": p["title"]} for p in document["policies"]],
        "regions": [dict(r) for r in document["regions"]],
    }


def variant(text: str, rng: random.Random, suffixes: tuple[str, ...] = ()) -> str:
    """``text`` in quotes, with spaces, full-width or with a suffix: equal or not."""
    choice = rng.randrange(6)
    if choice == 0:
        return f"“{text}”"
    if choice == 1:
        return f" {text[:1]} {text[1:]}\t"
    if choice == 2 and suffixes:
        return text + rng.choice(suffixes)
    if choice == 3:
        return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789+ABN"})
    return text


def perturb(document: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    """A noisy record for ``document``: dropped, varied, wrongly added and uncertain items."""
    if rng.random() < 0.15:
        return None
    record = record_from_gold(document)
    uncertain = document.get("uncertain") or {}
    keep = lambda items: [x for x in items if rng.random() < 0.75]  # noqa: E731

    def extra(category: str) -> list[str]:
        pool = NOISE[category] + list(uncertain.get(category) or [])
        return rng.sample(pool, k=min(len(pool), rng.randrange(4)))

    record["id"] = rng.choice([document["id"], f"corpus/{document['id']}.txt"])
    record["mechanisms"] = [
        rng.choice(
            [{"label": variant(m["label"], rng, ("机制", "模式", "工作机制", "制度"))}, m["label"]]
        )
        for m in keep(record["mechanisms"])
    ] + [{"label": label} for label in extra("mechanisms")]
    adoptions = keep(record["adoptions"])
    for adoption in adoptions:
        if rng.random() < 0.2:
            adoption["status"] = rng.choice(NOISE["statuses"])
        if rng.random() < 0.2:
            adoption["adopter"] = rng.choice(
                [
                    adoption["adopter"]["name"],
                    {"name": "全国", "level": rng.choice(["national", "National", "country"])},
                    {"name": adoption["adopter"]["name"]},
                    None,
                    {**adoption["adopter"], "province": rng.choice(NOISE["regions"])},
                ]
            )
        if rng.random() < 0.2:
            adoption["mechanism"] = {"label": variant(adoption["mechanism"], rng, ("机制",))}
        if rng.random() < 0.1:
            adoption["jurisdiction"] = adoption.pop("adopter")
    adoptions += [
        {
            "mechanism": label,
            "adopter": rng.choice([document["jurisdiction"], "河南省"]),
            "status": rng.choice(NOISE["statuses"]),
        }
        for label in extra("mechanisms")
    ]
    record["adoptions"] = adoptions
    agencies = []
    for agency in document["agencies"]:
        names = [agency["name"], *agency.get("accept", [])]
        if rng.random() < 0.75:
            chosen = rng.sample(names, k=rng.randint(1, min(2, len(names))))
            agencies += [{"name": variant(name, rng)} for name in chosen]
    record["agencies"] = agencies + [rng.choice([{"name": n}, n]) for n in extra("agencies")]
    record["policies"] = [
        {"title": rng.choice([f"《{p['title']}》", variant(p["title"], rng)])}
        for p in keep(record["policies"])
    ] + [{"title": t} for t in extra("policies")]
    record["regions"] = [
        rng.choice([r, r["name"], r["name"][:-1], {"name": variant(r["name"], rng, ("市", "区"))}])
        for r in keep(record["regions"])
    ] + extra("regions")
    record["jurisdiction"] = rng.choice(
        [record["jurisdiction"], None, {"name": "某某市"}, {"name": None}]
    )
    record["issuer"] = rng.choice(
        [record["issuer"], document.get("issuer"), None, {"name": None}, "某某县民政局", ""]
    )
    dates = record["dates"]
    record["dates"] = rng.choice([dates, {"issued": dates.get("published")}, None, "2023"])
    record["numbers"] = [variant(n, rng) for n in keep(record["numbers"])] + rng.sample(
        ["国办发〔2021〕56号", "第73号"], k=rng.randrange(2)
    )
    return record


def perturb_gold(gold: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Gold with changed edges: uncertain gold items, national adopters, missing fields."""
    gold = copy.deepcopy(gold)
    for document in gold:
        uncertain = document.setdefault("uncertain", {})
        if document["mechanisms"] and rng.random() < 0.5:
            uncertain.setdefault("mechanisms", []).append(
                rng.choice(document["mechanisms"])["label"]
            )
        for mechanism in document["mechanisms"]:
            for adopter in mechanism["adopters"]:
                if rng.random() < 0.1:
                    adopter.update(name="全国", level="national")
        if rng.random() < 0.3:
            document["issuer"] = None
        if rng.random() < 0.2:
            document["jurisdiction"] = None
        if document["regions"] and rng.random() < 0.2:
            uncertain["regions"] = [rng.choice(document["regions"])["name"]]
    return gold


def make_case(kind: str, gold: list[dict[str, Any]], seed: int):
    """Gold documents and records of one agreement case."""
    rng = random.Random(seed)
    if kind == "no-records":
        return gold, []
    if kind == "empty-records":
        empty = dict.fromkeys(("numbers", "mechanisms", "adoptions", "agencies", "regions"), [])
        return gold, [
            {"id": d["id"], "jurisdiction": None, "issuer": None, "dates": {}, **empty}
            if i % 2
            else {"id": d["id"]}
            for i, d in enumerate(gold)
        ]
    if kind == "perfect":
        return gold, [record_from_gold(document) for document in gold]
    if kind == "perturbed-gold":
        gold = perturb_gold(gold, rng)
    return gold, [r for document in gold if (r := perturb(document, rng)) is not None]


AGREEMENT_CASES = [("no-records", 0), ("empty-records", 0), ("perfect", 0)] + [
    (kind, seed) for kind in ("perturbed", "perturbed-gold") for seed in range(6)
]


@needs_shared
@pytest.mark.parametrize(
    ("ours", "theirs"), [("MECHANISM_SUFFIX", "SUFFIX_MECH"), ("REGION_SUFFIX", "SUFFIX_REGION")]
)
def test_evaluate_suffixes_from_the_ontology_are_the_reference_scorers(ours, theirs):
    """The endings read from ontology/cues.ttl are the ones shared/gold/score.py drops."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("reference_score", REFERENCE_SCORER)
    assert spec is not None and spec.loader is not None
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    expected = getattr(reference, theirs).pattern
    assert getattr(kg.evaluate, ours).pattern == "(?:" + expected.removeprefix("(")


@needs_shared
@pytest.mark.parametrize(("kind", "seed"), AGREEMENT_CASES)
def test_evaluate_agrees_with_the_reference_scorer(tmp_path, kind, seed):
    gold, records = make_case(kind, load_gold(GOLD_PATH), seed)
    gold_path = tmp_path / "gold.json"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    expected = run_reference(gold_path, records, tmp_path)
    result = evaluate(gold, records)
    assert result.to_dict() == expected
    if kind == "perfect":
        assert all(s.fp == s.fn == 0 for s in result.categories.values())
    if kind.endswith("records"):
        assert result.missing == (() if kind == "empty-records" else tuple(d["id"] for d in gold))
        assert all(s.tp == s.fp == 0 for s in result.categories.values())


@needs_shared
@pytest.mark.parametrize("seed", [0, 1])
def test_evaluate_per_document_scores_agree_with_the_reference_scorer(tmp_path, seed):
    gold, records = make_case("perturbed-gold", load_gold(GOLD_PATH), seed)
    result = evaluate(gold, records)
    for document in gold:
        gold_path = tmp_path / "one.json"
        gold_path.write_text(json.dumps([document], ensure_ascii=False), encoding="utf-8")
        expected = run_reference(gold_path, records, tmp_path)
        assert {
            name: counts(score) for name, score in result.per_document[document["id"]].items()
        } == {
            name: (v["tp"], v["fp"], v["fn"]) for name, v in expected.items() if name in CATEGORIES
        }


@needs_shared
def test_evaluate_aliases_agree_with_the_reference_scorer_on_original_names(tmp_path):
    gold, records = make_case("perturbed", load_gold(GOLD_PATH), 7)
    renamed = [{**r, "id": f"renamed-{i}.txt"} for i, r in enumerate(records)]
    aliases = {
        document["id"]: f"renamed-{i}"
        for i, record in enumerate(records)
        for document in gold
        if record["id"].endswith(document["id"]) or record["id"].endswith(document["id"] + ".txt")
    }
    expected = run_reference(GOLD_PATH, records, tmp_path)
    assert evaluate(gold, renamed, aliases=aliases).to_dict() == expected
