"""Name normalization: accents, scripts, company forms."""

from __future__ import annotations

import pytest

from seawall.risk.watchlists.normalize import normalize_identifier, normalize_name


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Müller Präzisionstechnik", "muller prazisionstechnik"),
        ("Société Lefèvre", "societe lefevre"),
        ("Öztürk Dış Ticaret", "ozturk dis ticaret"),
        ("Волга Трейдинг", "volga treyding"),
        ("Сергей Кузнецов", "sergey kuznetsov"),
        ("深圳华信贸易", "shenzhenhuaxinmaoyi"),
        ("محمد حسين", "mhmd hsyn"),
    ],
)
def test_accents_and_scripts_become_ascii(written: str, key: str) -> None:
    assert normalize_name(written) == key


@pytest.mark.parametrize(
    "written",
    [
        "Huaxin Trading Co., Ltd.",
        "HUAXIN TRADING CO.,LTD",
        "Huaxin Trading Company Limited",
        "Huaxin Trading LLC",
        "Huaxin Trading L.L.C.",
        "Huaxin Trading GmbH",
        "Huaxin Trading OOO",
        "ООО Huaxin Trading",
        "Huaxin Trading S.A.",
        "Huaxin Trading SA",
        "Huaxin Trading Sdn. Bhd.",
        "PT Huaxin Trading",
        "Huaxin Trading (Pvt.) Ltd.",
        "Huaxin Trading GmbH & Co. KG",
        "huaxin   trading",
    ],
)
def test_company_forms_are_removed(written: str) -> None:
    assert normalize_name(written) == "huaxin trading"


def test_native_company_form_glued_to_a_chinese_name_is_removed() -> None:
    assert normalize_name("深圳华信贸易有限公司") == normalize_name("深圳华信贸易")


def test_a_name_that_is_only_a_company_form_is_kept() -> None:
    assert normalize_name("Limited") != ""


def test_native_name_repeated_in_brackets_adds_nothing() -> None:
    assert normalize_name("Volga Trading (Волга)") == "volga trading"


def test_identifiers_compare_without_punctuation() -> None:
    assert normalize_identifier("de 123.456-789") == normalize_identifier("DE123456789")
