"""Real Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright (sync API)."""

from __future__ import annotations

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_server):
    """A zh-CN phone (390×844) that may only talk to the live server: every other request (map
    tiles, anything else) is aborted, so no test waits on the outside world."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def fast_password_hashing(settings):
    # Requested before `world` so its users get cheap hashes; PBKDF2 stays as a fallback.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def live_world(transactional_db, fast_password_hashing, world):
    """The conftest `world`, committed for real: live_server answers from another thread, so the
    test must not hide its rows inside a transaction."""
    return world
