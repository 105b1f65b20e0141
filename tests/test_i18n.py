import re

from clv_engine.i18n import CATALOGUE, t


def test_every_string_has_both_languages():
    for key, (en, zh) in CATALOGUE.items():
        assert en.strip() and zh.strip(), key


def test_placeholders_match_between_languages():
    for key, (en, zh) in CATALOGUE.items():
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", zh)), key


def test_lookup_and_format():
    assert t("building.sample", "en", n=10_000) == "Building the sample database (10,000 customers) on first start…"
    assert t("page.overview", "zh") == "总览"
