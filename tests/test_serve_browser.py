"""``dmtool serve``'s page in headless Chromium (the distribution's ``chromium`` and ``chromedriver``, driven by
Selenium, with a new empty profile and background networking off), against ``dmtool serve`` started as a user
starts it: a message dropped on the page shows its issues and its marked line; the form works without JavaScript
and from the keyboard; the page breaks none of its own security policy.

Without Chromium, its driver or Selenium these tests are skipped, unless ``DMTOOL_TEST_BROWSER_REQUIRED`` is set
(``.ci/run`` sets it), when they fail: CI must not pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from paths import ROOT
from serving import served

REQUIRED_ENV = "DMTOOL_TEST_BROWSER_REQUIRED"
INVALID = ROOT / "fixtures" / "families" / "dialog" / "bad-hnummer.xml"  # NO-HJELPENUMMER at line 46
#: Chromium's switches: headless, as root (no sandbox), no GPU, and nothing reaching out to the network by itself.
SWITCHES = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--window-size=1280,1600")  # fmt: skip


def _missing(why: str) -> None:
    if os.environ.get(REQUIRED_ENV):
        pytest.fail(f"{REQUIRED_ENV} is set but {why}: the browser tests must run (.ci/run installs chromium)")
    pytest.skip(f"{why}: apt-get install chromium chromium-driver, pip install selenium")


def _tools() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        _missing("chromium or chromedriver is not installed")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed")
    assert chromium is not None and driver is not None
    return chromium, driver


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _tools()
    with served() as (url, _):
        yield url


def _browser(tmp_path: Path, *, script: bool = True) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _tools()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for switch in (*SWITCHES, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(switch)
    if not script:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    driver = _browser(tmp_path)
    try:
        yield driver
    finally:
        driver.quit()


def _results(driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 60).until(lambda d: d.find_elements("id", "results"))


def _check_marked_line(driver: Any) -> None:
    rows = driver.find_elements("css selector", "table.issues tbody tr")
    assert [row.find_element("css selector", ".rule").text for row in rows] == ["NO-HJELPENUMMER"]
    (row,) = rows
    assert "fødselsnummer" in row.text  # the Norwegian text for the sender
    marked = driver.find_elements("css selector", "ol.lines li.marked")
    assert [line.get_attribute("id") for line in marked] == ["f1-L46"]
    line = INVALID.read_text(encoding="utf-8").split("\n")[45].strip()
    assert "NO-HJELPENUMMER" in marked[0].text and line in marked[0].text
    link = row.find_element("link text", "line 46")
    link.click()
    assert driver.execute_script("return location.hash") == "#f1-L46"


def _no_policy_breach(driver: Any) -> None:
    logs = driver.get_log("browser")
    assert [entry for entry in logs if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
            ] == []  # fmt: skip


#: What a drop of a file on the form does in a browser: a drop event whose DataTransfer holds the file.
DROP = """
const [text, name] = arguments;
const data = new DataTransfer();
data.items.add(new File([text], name, {type: "application/xml"}));
const zone = document.getElementById("drop-zone");
for (const kind of ["dragenter", "dragover", "drop"]) {
  zone.dispatchEvent(new DragEvent(kind, {dataTransfer: data, bubbles: true, cancelable: true}));
}
"""


def test_a_dropped_invalid_message_shows_its_rule_and_its_marked_line(server, browser):
    browser.get(server)
    assert browser.title.startswith("dmtool")
    assert "droppable" in browser.find_element("id", "drop-zone").get_attribute("class")  # the script ran
    browser.execute_script(DROP, INVALID.read_text(encoding="utf-8"), "dropped.xml")
    _results(browser)
    assert "INVALID" in browser.find_element("css selector", ".message h4").text
    assert "dropped.xml" in browser.find_element("css selector", ".file h3").text
    _check_marked_line(browser)
    _no_policy_breach(browser)


def test_the_form_works_without_javascript_from_the_keyboard(server, tmp_path):
    from selenium.webdriver.common.keys import Keys

    driver = _browser(tmp_path, script=False)
    try:
        driver.get(server)
        assert "droppable" not in driver.find_element("id", "drop-zone").get_attribute("class")  # no script ran
        driver.find_element("id", "files").send_keys(str(INVALID))
        driver.find_element("css selector", "#check-form button").send_keys(Keys.ENTER)
        _results(driver)
        _check_marked_line(driver)
    finally:
        driver.quit()


def test_every_control_of_the_form_is_reached_with_tab_in_order(server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(server)
    reached = []
    for _ in range(5):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        reached.append(active.get_attribute("id") or active.tag_name)
    assert reached == ["a", "files", "pasted", "profile", "button"]
    skip = browser.find_element("css selector", "a.skip")
    assert skip.get_attribute("href").endswith("#check-form")


def test_the_apprec_downloads_as_a_file(server, browser, tmp_path):
    import time

    from dmtool import apprec

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.get(server)
    browser.execute_script(DROP, INVALID.read_text(encoding="utf-8"), "dropped.xml")
    _results(browser)
    browser.find_element("css selector", "a.download").click()
    target = downloads / "dropped.apprec.xml"
    for _ in range(100):  # bounded: 10 s at most
        if target.exists():
            break
        time.sleep(0.1)
    assert apprec.parse_apprec(target.read_bytes()).status == "2"
