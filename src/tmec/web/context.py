"""What every page needs: the reader's language, the CSRF token, who is signed in; rendering."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from tmec.api.access import caller
from tmec.api.errors import ApiError
from tmec.i18n import LANGUAGES, NAMES, Locale, choose, locale_for
from tmec.store.access import ApiKey

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSRF_COOKIE = "tmec_csrf"
LANG_COOKIE = "tmec_lang"
SESSION_COOKIE = "tmec_session"

env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return choose(request.headers.get("accept-language"))


def who(request: Request) -> ApiKey | None:
    try:
        return caller(request)
    except ApiError:
        return None


def csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE)
    if token and len(token) >= 32:
        return token
    cached = getattr(request.state, "csrf", None)
    if cached is None:
        cached = secrets.token_urlsafe(32)
        request.state.csrf = cached
    return str(cached)


def check_csrf(request: Request, form_token: str | None) -> None:
    """Double submit: the form's token must equal the cookie's (a cross-site form cannot read it)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not form_token or not secrets.compare_digest(cookie, form_token):
        raise ApiError(403, "the form's security token is missing or stale: reload the page", field="csrf")


def switch_url(request: Request, lang: str) -> str:
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    loc: Locale = locale_for(lang)
    token = csrf_token(request)
    body = env.get_template(template).render(
        request=request,
        _=loc.gettext,
        loc=loc,
        lang=lang,
        csrf=token,
        who=who(request),
        languages=[(code, NAMES[code], switch_url(request, code)) for code in LANGUAGES],
        **context,
    )
    response = HTMLResponse(body, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="strict", path="/", secure=secure(request)
        )
    if request.query_params.get("lang") in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", path="/", max_age=365 * 86400)
    return response


def secure(request: Request) -> bool:
    """Cookies are Secure when the page came over TLS (uvicorn trusts the local proxy's headers)."""
    return request.url.scheme == "https"
