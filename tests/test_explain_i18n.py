"""The library's explanation (steps, questions, reasons) in Spanish where it is shown; the JSON
contract stays English to the byte."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.i18n import locale_for
from tmec.i18n.explain import Template, Translator, _compile, templates

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SLOT = re.compile(r"\{(\w+)\}")
# Steps that quote the law's own data (a rule's note as the rule file words it), not the library.
QUOTED = {"rule.note"}


def _texts(doc: dict[str, Any]) -> list[str]:
    out = [s["result"] for s in doc["explanation"] if s["step"] not in QUOTED]
    out += [q["question"] for q in doc["questions"]]
    out += [f["reason"] for f in doc["tariff_shift"]["failing_materials"]]
    if doc.get("cheapest_flip"):
        out.append(doc["cheapest_flip"]["qualifies"])
    return out


@pytest.fixture(scope="module")
def determinations() -> dict[str, dict[str, Any]]:
    docs = {}
    for case in sorted(EXAMPLES.glob("*.yaml")):
        r = CliRunner().invoke(main, ["qualify", str(case), "--json"])
        if r.exit_code in (0, 1) and r.stdout.lstrip().startswith("{"):
            docs[case.name] = json.loads(r.stdout)
    assert len(docs) >= 8
    return docs


def test_every_template_keeps_its_slots() -> None:
    table = templates("es")
    assert len(table) > 100
    for t in table:
        assert set(SLOT.findall(t.source)) == set(SLOT.findall(t.target)), t.source


def test_every_sentence_of_the_examples_is_in_spanish(determinations: dict[str, dict[str, Any]]) -> None:
    es, en = locale_for("es"), locale_for("en")
    from tmec.i18n.explain import explanation_translator

    tr = explanation_translator("es")
    missing = []
    for name, doc in determinations.items():
        for text in _texts(doc):
            assert en.explain(text) == text
            if tr.translate(text) is None:
                missing.append(f"{name}: {text}")
            else:
                assert es.explain(text) == tr.translate(text)
    assert not missing, "no Spanish template for:\n" + "\n".join(missing)


def test_templates_fill_slots_translate_phrases_and_lists() -> None:
    es = locale_for("es")
    assert es.explain("4 of 5 materials are not originating (1 of unknown origin)") == (
        "4 de 5 materiales no son originarios (1 de origen desconocido)"
    )
    # a slot holding a phrase with its own template; a list joined by "; " item by item
    assert es.explain(
        "change of subheading except from 8482.10-8482.80: 2 of 4 non-originating materials fail — "
        "RINGS (8482.99): from 8482.99, which the rule excepts; CAGE: classification not given"
    ) == (
        "cambio de subpartida excepto desde 8482.10-8482.80: 2 de 4 materiales no originarios no califican — "
        "RINGS (8482.99): desde 8482.99, que la regla exceptúa; CAGE: clasificación no indicada"
    )
    # a supplier's statement the determination relied on (tmec.statements), and criterion D's reason
    assert es.explain(
        "material GREASE: originating, by statement S-1 of Lubes SA (valid 2024-01-01 to 2024-12-31, "
        "signed by J. Pérez)"
    ) == (
        "material GREASE: originario, según la declaración S-1 de Lubes SA (vigente del 2024-01-01 al "
        "2024-12-31, firmada por J. Pérez)"
    )
    assert es.explain("applies: every failing non-originating part is of the good's own subheading") == (
        "aplica: toda parte no originaria que no cumple es de la propia subpartida de la mercancía"
    )
    # a loose template ("{material}: {reason}") never half-translates English it was not written for
    note = "Table B (brakes, wheels): its tariff shift, or the staged RVC from 70 NC"
    assert es.explain(note) == note
    assert es.explain(None) == "" and es.explain(12) == "12"


def test_a_repeated_slot_must_repeat() -> None:
    t = Template("total {a} / {a}", "total {a} ÷ {a}", _compile("total {a} / {a}"), 9)
    tr = Translator((t,))
    assert tr.translate("total x / x") == "total x ÷ x"
    assert tr.translate("total x / y") is None


def test_the_cli_explains_in_spanish_and_its_json_is_unchanged() -> None:
    case = str(EXAMPLES / "bearing.yaml")
    es = CliRunner().invoke(main, ["qualify", case, "--lang", "es"]).output
    en = CliRunner().invoke(main, ["qualify", case, "--lang", "en"]).output
    assert "4 de 5 materiales no son originarios" in es and "se cumple con la alternativa 2" in es
    assert "4 of 5 materials are not originating" in en and "met under alternative 2" in en
    plain = CliRunner().invoke(main, ["qualify", case, "--json"]).stdout
    assert CliRunner().invoke(main, ["qualify", case, "--json", "--lang", "es"]).stdout == plain
