import re

from wording import CATALOGUE, t


def test_every_string_has_both_languages():
    for key, (en, zh) in CATALOGUE.items():
        assert en.strip() and zh.strip(), key


def test_placeholders_match_between_languages():
    for key, (en, zh) in CATALOGUE.items():
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", zh)), key


def test_lookup_and_format():
    assert (
        t("building.sample", "en", n=10_000)
        == "Building the sample database (10,000 customers) on first start…"
    )
    assert t("page.overview", "zh") == "总览"


# -- no internal references, money marked (issue 11: words and numbers) ----------------------

# "seed" is allowed only as the Monte Carlo simulation's random seed.
RANDOM_SEED = re.compile(r"seed \{seed\}|same seed|Monte Carlo seed|Draws / seed|随机种子|相同种子")
INTERNAL = re.compile(
    r"\bseeds?\b|种子|source articles?|\barticles?\b|文章|原文|\bSPEC\b|§|\bissues? ?#?\d+",
    re.IGNORECASE,
)


def _text(s: str) -> str:
    """The words a reader sees: placeholders such as {seed} are filled by the page."""
    return re.sub(r"\{\w*(:[^}]*)?\}", "", RANDOM_SEED.sub("", s))


def internal_references(s: str) -> list[str]:
    return INTERNAL.findall(_text(s))


def test_scanner_catches_what_the_issue_names():
    for bad in (
        "Reference case (seed 001)",
        "参考案例（文章 001）",
        "the source article's case",
        "原文案例",
        "see SPEC §5",
        "Seed table, equal spend",
        "the seeds' ROI",
    ):
        assert internal_references(bad), bad
    for fine in (
        "Monte Carlo seed",
        "{draws} draws, seed {seed}",
        "蒙特卡洛随机种子",
        "Reference case: a dealer of 10,000 cars",
        "参考案例：拥有1万台车的经销商",
    ):
        assert not internal_references(fine), fine


def test_no_internal_references_in_any_string():
    found = {
        (key, lang): internal_references(text)
        for key, pair in CATALOGUE.items()
        for lang, text in zip(("en", "zh"), pair)
        if internal_references(text)
    }
    assert not found, found


# A Chinese amount in 万/亿 is money unless it counts something (1万台车, 3万客户).
UNMARKED_WAN = re.compile(r"(?<![¥$€£\d,.])\d[\d,]*(?:\.\d+)?\s?[万亿](?![台辆客人位名次份元])")


def test_chinese_money_in_wan_carries_the_currency():
    assert UNMARKED_WAN.search("CLV 合计 2,259万")
    assert not UNMARKED_WAN.search("CLV 合计 ¥2,259万") and not UNMARKED_WAN.search("1万台车")
    assert not UNMARKED_WAN.search("优惠额30万元")
    found = {key: zh for key, (_, zh) in CATALOGUE.items() if UNMARKED_WAN.search(_text(zh))}
    assert not found, found


def test_a_change_in_retention_is_in_points():
    # "+3%" on a retention rate reads as a relative change; the change is 3 points.
    found = {key: zh for key, (_, zh) in CATALOGUE.items() if re.search(r"留存率\s?[+＋]\d+(\.\d+)?%", zh)}
    assert not found, found


def test_no_trailing_zero_before_wan_or_yi():
    found = {key: zh for key, (_, zh) in CATALOGUE.items() if re.search(r"\d\.0+\s?[万亿]", zh)}
    assert not found, found
