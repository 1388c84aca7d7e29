"""The pages without a browser: language choice, catalogs, CSRF, sign-in, no path or host from a request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tmec.api import Settings, create_app
from tmec.core.errors import InputError
from tmec.i18n import LOCALES_DIR, choose, cli_language, locale_for
from tmec.store.access import create_key
from tmec.store.db import open_store

WEB = Path(__file__).resolve().parents[2] / "src" / "tmec" / "web"
MESSAGE = re.compile(r"""_\(\s*(["'])((?:(?!\1).)*)\1\s*\)""")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'tmec.db'}", rate_limit=0)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        store = open_store(settings.database_url, home=tmp_path)
        c.key = create_key(store, "analyst", "analyst")  # type: ignore[attr-defined]
        store.close()
        yield c


def test_every_message_has_a_spanish_translation() -> None:
    es = locale_for("es")
    sources = [*WEB.glob("templates/*.html"), WEB / "pages.py"]
    messages = {m.group(2) for path in sources for m in MESSAGE.finditer(path.read_text(encoding="utf-8"))}
    assert len(messages) > 100
    missing = sorted(m for m in messages if es.gettext(m) == m and m not in {"Error", "ID", "Base (USD)"})
    assert not missing, f"no Spanish for: {missing}"
    assert (LOCALES_DIR / "es" / "LC_MESSAGES" / "tmec.po").is_file()


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9", "en"),
        ("fr-CA,es;q=0.5", "es"),
        ("de", "en"),
        (None, "en"),
        ("en;q=0.1, es;q=0.9", "es"),
        ("es;q=abc", "en"),
    ],
)
def test_accept_language(header: str | None, lang: str) -> None:
    assert choose(header) == lang


def test_numbers_and_dates_in_the_readers_locale() -> None:
    es, en = locale_for("es"), locale_for("en")
    assert es.number("1234567.5", 2) == "1,234,567.50"
    assert es.date("2025-03-03") == "3 de marzo de 2025"
    assert en.date("2025-03-03") == "March 3, 2025"
    assert str(es.parse_amount("1,234.56", "value")) == "1234.56"
    with pytest.raises(InputError, match=r"se esperaba un número escrito como 1,234\.56") as bad:
        es.parse_amount("1.234,56", "value")
    assert bad.value.field == "value"
    with pytest.raises(InputError):
        en.parse_amount("12abc", "value")


def test_cli_language_from_option_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert cli_language().lang == "en"
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    assert cli_language().lang == "es"
    assert cli_language("en").lang == "en"


def test_pages_choose_and_switch_language(client: TestClient) -> None:
    r = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert '<html lang="es-MX">' in r.text
    assert "Iniciar sesión" in r.text
    r = client.get("/verify?lang=en", headers={"Accept-Language": "es-MX"})
    assert '<html lang="en">' in r.text
    assert client.cookies.get("tmec_lang") == "en"
    assert '<html lang="en">' in client.get("/monitor", headers={"Accept-Language": "es-MX"}).text
    for path in ("/", "/verify", "/monitor", "/login"):
        page = client.get(path).text
        assert 'hreflang="es"' in page or "<strong aria-current" in page  # the switch on every page


def test_nothing_is_loaded_from_another_host(client: TestClient) -> None:
    for path in ("/", "/verify", "/monitor", "/login", "/docs"):
        page = client.get(path).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), path
    docs = client.get("/docs")
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]
    assert "'unsafe-inline'" not in client.get("/").headers["content-security-policy"].split("script-src")[1]


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../api/app.py",
        "/static/%2e%2e/%2e%2e/api/app.py",
        "/static/..%2f..%2fapi%2fapp.py",
        "/docs-assets/../__init__.py",
    ],
)
def test_no_request_path_reaches_the_file_system(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_sign_in_redirects_and_no_open_redirect(client: TestClient) -> None:
    r = client.get("/qualify", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/qualify")
    client.get("/login")
    csrf = client.cookies.get("tmec_csrf")
    r = client.post("/login", data={"key": "tmec_wrong", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 401
    for target in ("//evil.example/x", "https://evil.example", "/\\evil"):
        r = client.post(
            "/login", data={"key": client.key, "csrf": csrf, "next": target}, follow_redirects=False
        )  # type: ignore[attr-defined]
        assert (r.status_code, r.headers["location"]) == (303, "/")
    assert client.get("/qualify").status_code == 200
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    client.get("/verify")
    r = client.post("/verify", files={"file": ("c.json", b"{}", "application/json")})
    assert (r.status_code, r.json()["error"]["field"]) == (403, "csrf")
    r = client.post("/verify", data={"csrf": "x" * 43}, files={"file": ("c.json", b"{}", "application/json")})
    assert r.status_code == 403
    r = client.post(
        "/verify",
        data={"csrf": client.cookies.get("tmec_csrf")},
        files={"file": ("c.json", b"{}", "application/json")},
    )
    assert r.status_code == 422  # read, and refused as not a certificate
    assert "not a tmec certificate" in r.text


def test_the_session_cookie_does_not_open_the_api_for_writing(client: TestClient) -> None:
    client.get("/login")
    client.post("/login", data={"key": client.key, "csrf": client.cookies.get("tmec_csrf")})  # type: ignore[attr-defined]
    assert client.get("/api/v1/rules/7306.30").status_code == 200  # reading: a page polls its job
    r = client.post(
        "/api/v1/duty", json={"hts": "7326.90.86", "origin": "MX", "value": "1", "entry_date": "2025-06-10"}
    )
    assert r.status_code == 401


def test_the_cli_shares_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from tmec.cli import main

    case = str(Path(__file__).resolve().parents[2] / "examples" / "stamped_body_part.yaml")
    out = CliRunner().invoke(main, ["qualify", case, "--lang", "es"]).output
    assert "NO ORIGINARIA" in out
    assert "Por qué" in out
    assert "Preguntas que cambiarían el resultado" in out
    monkeypatch.setenv("TMEC_LANG", "es")
    assert "NO ORIGINARIA" in CliRunner().invoke(main, ["qualify", case]).output
    assert "NOT ORIGINATING" in CliRunner().invoke(main, ["qualify", case, "--lang", "en"]).output


def test_the_qualify_result_explains_in_the_readers_language(client: TestClient) -> None:
    client.get("/login")
    client.post("/login", data={"key": client.key, "csrf": client.cookies.get("tmec_csrf")})  # type: ignore[attr-defined]
    case = (Path(__file__).resolve().parents[2] / "examples" / "bearing.yaml").read_bytes()

    def result(lang: str) -> str:
        client.get(f"/qualify?lang={lang}")
        r = client.post(
            "/qualify",
            data={"csrf": client.cookies.get("tmec_csrf"), "mode": "case"},
            files={"case": ("bearing.yaml", case, "application/yaml")},
        )
        assert r.status_code == 200, r.text
        return r.text

    es, en = result("es"), result("en")
    spanish = (
        "4 de 5 materiales no son originarios (1 de origen desconocido)",
        "se cumple con la alternativa 2",
        "desde 8482.99, que la regla exceptúa",
        "sí: criterio B (regla específica de origen)",
    )
    english = (
        "4 of 5 materials are not originating (1 of unknown origin)",
        "met under alternative 2",
        "from 8482.99, which the rule excepts",
        "yes: criterion B (product-specific rule)",
    )
    assert all(s in es for s in spanish)
    assert all(e in en and e not in es for e in english)


def test_the_duty_form_takes_every_fact_of_an_entry_line(client: TestClient) -> None:
    """The form asks what ``tmec duty`` asks: a metals relief changes the heading and the duty."""
    from tmec.tariffs.entry import RELIEFS

    client.get("/login")
    client.post("/login", data={"key": client.key, "csrf": client.cookies.get("tmec_csrf")})  # type: ignore[attr-defined]
    page = client.get("/duty?lang=en").text
    select = page[page.index('name="metals_relief"') : page.index("</select>")]
    assert set(re.findall(r'<option value="([a-z0-9_]+)"', select)) == set(RELIEFS)

    def priced(status: int = 200, **extra: str) -> str:
        form = {
            "csrf": client.cookies.get("tmec_csrf") or "",
            "hts": "7208.51.00",
            "origin": "MX",
            "value": "1000",
            "entry_date": "2026-07-01",
            "steel_value": "1000",
            "melted_poured": "MX",
            "usmca": "yes",
            **extra,
        }
        r = client.post("/duty", data=form, files={"none": ("", b"")})
        assert r.status_code == status, r.text
        return r.text

    asked = priced()
    assert "9903.82.02" in asked and 'id="total-duty">500.00<' in asked
    assert "Secretary of Commerce authorised" in asked  # the question, not a silent guess
    relieved = priced(metals_relief="commerce_quota")
    assert "9903.82.18" in relieved and 'id="total-duty">0.00<' in relieved
    assert "metals_relief" in priced(422, metals_relief="sometimes")
    # note 16(j): a USMCA (c)(xi) loader's U.S. parts, asked in the reader's language
    loader = {"hts": "8429.51.10", "entry_date": "2026-06-10", "weight_kg": "100", "metal_weight_kg": "80"}
    split = priced(**loader, value="100000", steel_value="", us_parts_value="30000", metals_relief="none")
    assert "9903.82.21" in split and 'id="total-duty">17,500.00<' in split
    assert "--us-parts-value" in priced(**loader, value="100000", steel_value="", metals_relief="none")
    assert "Valor de las partes producidas en EE. UU." in client.get("/duty?lang=es").text
