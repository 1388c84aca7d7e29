"""The web application in a real browser: qualify from a spreadsheet, verify good and tampered
certificates, the Spanish interface end to end, a portfolio job to its results, keyboard only."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.web.conftest import EXAMPLES, Server, sign_in
from tmec.cli import main

pytestmark = pytest.mark.browser


def _api(server: Server, method: str, path: str, role: str, body: Any = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{server.url}{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {server.keys[role]}",
                                          "Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(req, timeout=60) as r:  # loopback only: the test's own server
        return bytes(r.read())


@pytest.fixture(scope="module")
def certificate(server: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    body = {
        "parties": yaml.safe_load((EXAMPLES / "certifier.yaml").read_text(encoding="utf-8")),
        "case_yaml": (EXAMPLES / "bearing.yaml").read_text(encoding="utf-8"),
        "blanket_from": "2025-01-01",
        "blanket_to": "2025-12-31",
    }
    issued = json.loads(_api(server, "POST", "/api/v1/certificates", "certifier", body))
    d = tmp_path_factory.mktemp("cert")
    cid = issued["certificate_id"]
    (d / "certificate.json").write_bytes(_api(server, "GET", f"/api/v1/certificates/{cid}", "viewer"))
    (d / "certificate.pdf").write_bytes(_api(server, "GET", f"/api/v1/certificates/{cid}/pdf", "viewer"))
    env = json.loads((d / "certificate.json").read_text(encoding="utf-8"))
    env["payload"]["good"]["hs"] = "8482.20"  # a different subheading: the signature no longer holds
    (d / "tampered.json").write_text(json.dumps(env, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"json": d / "certificate.json", "pdf": d / "certificate.pdf", "tampered": d / "tampered.json"}


def test_qualify_from_a_spreadsheet(page: Any, server: Server, tmp_path: Path) -> None:
    sign_in(page, server)
    page.set_input_files("#bom", str(EXAMPLES / "wheel_bom.csv"))
    page.set_input_files("#good", str(EXAMPLES / "wheel_good.yaml"))
    page.click("#bom-form button[type=submit]")
    verdict = page.locator("#verdict")
    assert "ORIGINATING" in verdict.inner_text()
    assert "criterion B" in verdict.inner_text()
    assert page.locator("#steps li").count() > 5
    assert "Tariff shift: passed" in page.content()
    server.shot(page, "en-qualify-result")
    # a bad cell is shown in place, in the grid, with the CLI's message
    bad = tmp_path / "wheel_bom.csv"
    bad.write_text(
        (EXAMPLES / "wheel_bom.csv").read_text(encoding="utf-8").replace("19.00", "n/a"), encoding="utf-8"
    )
    page.goto(f"{server.url}/qualify")
    page.set_input_files("#bom", str(bad))
    page.set_input_files("#good", str(EXAMPLES / "wheel_good.yaml"))
    page.click("#bom-form button[type=submit]")
    cell = page.locator("#bad-cell")
    assert cell.locator("mark").inner_text() == "n/a"
    assert "wheel_bom.csv:3: value: expected a number written 1234.56" in cell.inner_text()
    assert "found 'n/a'" in cell.inner_text()
    assert page.locator("tr.bad-row th").inner_text() == "3"
    server.shot(page, "en-qualify-bad-cell")


def test_verify_good_and_tampered(page: Any, server: Server, certificate: dict[str, Path]) -> None:
    page.goto(f"{server.url}/verify")  # public: no sign-in
    page.set_input_files("#file", str(certificate["pdf"]))
    page.click("#verify-form button[type=submit]")
    assert page.locator("#verdict").inner_text().startswith("VALID")
    assert page.locator("#checks tr.bad").count() == 0
    assert page.locator("#checks tbody tr").count() >= 5
    server.shot(page, "en-verify-valid")
    page.set_input_files("#file", str(certificate["tampered"]))
    page.click("#verify-form button[type=submit]")
    assert page.locator("#verdict").inner_text().startswith("INVALID")
    assert page.locator("#verdict.bad").is_visible()
    assert "signature" in page.locator("#checks tr.bad").first.inner_text()
    server.shot(page, "en-verify-tampered")


def test_spanish_interface_end_to_end(page_es: Any, server: Server, certificate: dict[str, Path]) -> None:
    page = page_es
    page.goto(server.url)
    assert page.locator("html").get_attribute("lang") == "es-MX"
    assert "Reglas de origen del T-MEC" in page.locator("h1").inner_text()
    server.shot(page, "es-home")
    page.click("text=Iniciar sesión")
    page.fill("#key", server.keys["analyst"])
    page.click("form.card button[type=submit]")
    page.goto(f"{server.url}/qualify")
    assert page.locator("h1").inner_text() == "¿La mercancía es originaria?"
    # the form: amounts as es-MX writes them (1,234.56)
    page.fill("#f-hs", "7306.30")
    page.fill("#f-date", "2024-01-15")
    page.fill("#f-transaction_value", "1,250.00")
    page.fill("#f-other_product_costs", "180.50")
    page.fill("input[name=m0_id]", "COIL")
    page.fill("input[name=m0_hs]", "7208.51")
    page.select_option("select[name=m0_origin]", "non_originating")
    page.fill("input[name=m0_value]", "1,020.00")
    page.click("#form-form button[type=submit]")
    verdict = page.locator("#verdict").inner_text()
    assert verdict.startswith("NO ORIGINARIA")  # no weight for the coil, an RVC of 15 %
    assert "de enero de 2024" in verdict  # the date in the reader's locale
    assert "Por qué" in page.content()
    steps = page.locator("#steps").inner_text()  # the library's explanation, in Spanish too
    assert "no se cumple ninguna alternativa de la regla" in steps
    assert "desde 72.08-72.29, que la regla exceptúa" in steps
    assert "desconocido: falta el peso de COIL" in steps
    assert "no alternative of the rule is met" not in steps and "materials fail" not in steps
    questions = page.locator("#questions").inner_text()
    assert "no se indica el peso de COIL (7208.51)" in questions
    server.shot(page, "es-qualify-result")
    # an amount written the European way is refused, not guessed
    page.goto(f"{server.url}/qualify")
    page.fill("#f-hs", "7306.30")
    page.fill("#f-date", "2024-01-15")
    page.fill("#f-transaction_value", "1.250,00")
    page.click("#form-form button[type=submit]")
    error = page.locator("#error").inner_text()
    assert "se esperaba un número escrito como 1,234.56" in error
    assert "transaction_value" in error
    # duty, stacked, in Spanish with the reader's number format
    page.goto(f"{server.url}/duty")
    page.fill("#d-hts", "7326.90.86")
    page.fill("#d-origin", "MX")
    page.fill("#d-value", "100,000")
    page.fill("#d-entry_date", "2025-06-10")
    page.fill("#d-steel_value", "40,000")
    page.click("#duty-form button[type=submit]")
    assert page.locator("#total-duty").inner_text() == "37,900.00"
    assert "Aranceles acumulados" in page.content()
    server.shot(page, "es-duty")
    page.goto(f"{server.url}/impact")
    page.click("#impact-form button[type=submit]")
    assert page.locator("#chart").is_visible()
    assert page.locator("#chart").evaluate("img => img.naturalWidth") > 0
    server.shot(page, "es-impact")
    page.goto(f"{server.url}/verify")
    page.set_input_files("#file", str(certificate["json"]))
    page.click("#verify-form button[type=submit]")
    assert page.locator("#verdict").inner_text().startswith("VÁLIDO")
    server.shot(page, "es-verify")
    page.goto(f"{server.url}/monitor")
    assert page.locator("#log-state").inner_text().startswith("CONSISTENTE")
    assert int(page.locator("#by-chapter td").first.inner_text()) >= 1
    server.shot(page, "es-monitor")
    # switch to English on any page, and it sticks
    page.click("a[hreflang=en]")
    assert page.locator("h1").inner_text() == "The transparency log and certificates issued"
    page.goto(f"{server.url}/rules?hs=7306.30&date=2023-07-01")
    assert page.locator("#alternatives li").count() == 3
    server.shot(page, "en-rules")


def test_portfolio_job_to_its_results(page: Any, server: Server, tmp_path: Path) -> None:
    bom = tmp_path / "bom"
    assert (
        CliRunner()
        .invoke(main, ["generate", "portfolio", str(bom), "--goods", "15", "--format", "csv"])
        .exit_code
        == 0
    )
    sign_in(page, server, then="/jobs")
    for name in ("goods", "parts", "edges"):
        page.set_input_files(f"#p-{name}", str(bom / f"{name}.csv"))
    page.set_input_files("#p-rules", str(bom / "rules.yaml"))
    page.fill("#p-date", "2026-03-02")
    page.click("#portfolio-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f]+$"))
    summary = page.locator("#job-summary")
    summary.wait_for(timeout=120_000)
    assert re.search(r"\d+ of 15 goods qualify", summary.inner_text())
    assert page.locator("#job-progress").get_attribute("value") == "15"
    links = page.locator("#downloads a")
    assert sorted(links.all_inner_texts()) == ["CSV", "PARQUET", "XLSX"]
    with page.expect_download() as download:
        page.click("#downloads a:text('CSV')")
    path = download.value.path()
    assert len(Path(path).read_text(encoding="utf-8").strip().splitlines()) == 16
    server.shot(page, "en-portfolio-job")


def test_keyboard_only(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/login?next=/duty")
    assert page.evaluate("document.activeElement.id") == "key"  # the key field has the focus
    page.keyboard.type(server.keys["analyst"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/duty")
    page.locator("#d-hts").focus()
    for text in ("7326.90.86", "MX", "100000"):
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    page.keyboard.type("06102025")  # a date field takes digits in the browser's order (en-US: mm dd yyyy)
    for _ in range(3):  # past the date field's own calendar button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "d-steel_value":
            break
    page.keyboard.type("40000")
    page.keyboard.press("Enter")
    assert page.locator("#total-duty").inner_text() == "37,900.00"
    # every page: the first Tab reaches the skip link, which jumps to the content
    page.goto(f"{server.url}/verify")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.locator("#file").focus()
    assert page.evaluate("document.activeElement.id") == "file"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "vdate"
    server.shot(page, "en-keyboard-duty")


def _tab_to(page: Any, selector: str, most: int = 4) -> None:
    """Tab until ``selector`` has the focus (a date field's own buttons take a Tab or two)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab did not reach {selector}")


def test_keyboard_only_qualify_form(page: Any, server: Server) -> None:
    """The qualify form, from the first field to the result, with the keyboard only."""
    sign_in(page, server)
    page.locator("#f-hs").focus()
    page.keyboard.type("7306.30")
    _tab_to(page, "#f-desc")
    page.keyboard.type("welded tube")
    _tab_to(page, "#f-date")
    page.keyboard.type("01152024")
    _tab_to(page, "#f-transaction_value")
    page.keyboard.type("1,250.00")
    _tab_to(page, "#f-other_product_costs")
    page.keyboard.type("180.50")
    _tab_to(page, "[name=m0_id]", most=6)
    page.keyboard.type("COIL")
    _tab_to(page, "[name=m0_hs]")
    page.keyboard.type("7208.51")
    _tab_to(page, "[name=m0_origin]")
    page.keyboard.press("ArrowDown")  # a select moves through its options with the arrows
    page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("[name=m0_origin]", "s => s.value") == "non_originating"
    _tab_to(page, "[name=m0_value]")
    page.keyboard.type("1,020.00")
    page.keyboard.press("Enter")  # submits the form it is in
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").inner_text().startswith("NOT ORIGINATING")  # the form's case, as typed
    assert "COIL" in page.locator("#steps").inner_text()
    server.shot(page, "en-keyboard-qualify")


PAGES = {"home": "/", "qualify": "/qualify", "verify": "/verify", "duty": "/duty", "impact": "/impact",
         "rules": "/rules?hs=7306.30&date=2023-07-01", "jobs": "/jobs", "monitor": "/monitor"}  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "en"])
def test_screenshots_of_the_main_pages(page: Any, server: Server, lang: str) -> None:
    """Every main page in both languages, for a person to look at (``.screenshots/``, not committed)."""
    sign_in(page, server)
    for name, path in PAGES.items():
        page.goto(f"{server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.locator("html").get_attribute("lang") == ("es-MX" if lang == "es" else "en")
        assert page.locator("h1").count() == 1
        server.shot(page, f"{lang}-page-{name}")
