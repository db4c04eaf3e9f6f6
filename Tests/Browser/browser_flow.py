#!/usr/bin/env python3
"""ArmsTrace in a real browser: Debian's Chromium, headless, driven through Selenium and chromium-driver.

Starts `armstrace serve --demo` on a new SQLite file and walks the flow officers use, failing at the first step
that does not do what it should:

1. KEN's officer signs in, uploads a CSV with one bad row and reads the report (line and column), then the
   corrected file;
2. searches a serial read with look-alike characters, finds the uploaded record with the differing characters
   marked, and sends a trace request to UGA from the result;
3. UGA's officer signs in, acknowledges and answers it;
4. KEN's officer closes it with the origin established and sees the SDG 16.4.2 figure change;
5. admins of UNODA and KEN (made at the command line) walk an assistance need: UNODA posts an offer, KEN posts a
   need for stockpile-management training (a wrong paragraph first), accepts UNODA's offer among those proposed,
   UNODA records the outcome, and the need is in both members' national report drafts.

With --screenshots DIR it instead renders the dashboard, a search result and a trace request page from the demo
data at 1280x800 and 390x844 into DIR.

Usage: browser_flow.py --armstrace .build/debug/armstrace [--screenshots docs/screenshots]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait


class Failure(Exception):
    pass


def step(name):
    print(f"· {name}", flush=True)


def expect(condition, message):
    if not condition:
        raise Failure(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`armstrace serve --demo` on a new database; reads the demo logins it prints."""

    def __init__(self, binary, records):
        self.binary = binary
        self.folder = tempfile.mkdtemp(prefix="armstrace-browser-")
        self.port = free_port()
        self.log = open(os.path.join(self.folder, "server.log"), "w+")
        self.process = subprocess.Popen(
            [binary, "serve", "--demo", "--demo-records", str(records), "--database",
             os.path.join(self.folder, "demo.sqlite"), "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, text=True)
        self.logins = {}
        deadline = time.time() + 300
        while time.time() < deadline:
            self.log.seek(0)
            text = self.log.read()
            for member, login, password in re.findall(r"^\s+([A-Z]+)\s+at_\S+\s+(\S+) / (\S+)$", text, re.M):
                self.logins[member] = (login, password)
            if "listening on" in text and self.logins and self.ready():
                return
            if self.process.poll() is not None:
                raise Failure("the server stopped:\n" + text)
            time.sleep(0.5)
        raise Failure("the server did not start within 5 minutes")

    def ready(self):
        """Whether the server serves every request: its search index is loaded (`GET /ready`)."""
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/ready", timeout=2).status == 200
        except OSError:
            return False

    def add_admin(self, member):
        """A new admin of `member` with a web sign-in, made at the command line as an operator would."""
        database = os.path.join(self.folder, "demo.sqlite")
        added = subprocess.run([self.binary, "user", "add", "--database", database, "--member", member, "--name",
                                f"{member} admin", "--role", "admin", "--json"], capture_output=True, text=True, check=True)
        login, password = f"{member.lower()}.admin", f"browser-{member}-{os.getpid()}"
        subprocess.run([self.binary, "user", "password", "--database", database, "--user", json.loads(added.stdout)["user_id"],
                        "--login", login, "--cost", "4"], input=password + "\n", capture_output=True, text=True, check=True)
        self.logins[member + " admin"] = (login, password)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def browser(width, height, javascript=True):
    options = webdriver.ChromeOptions()
    if not javascript:
        # Every core flow must work without the pages' script.
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1", "--lang=en"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    # Headless windows are at least 500 pixels wide: a phone's viewport is emulated instead.
    if width < 500:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    return driver


class Session:
    def __init__(self, driver, server):
        self.driver = driver
        self.server = server

    def open(self, path):
        self.driver.get(self.server.url + path)
        self.check_page()

    def check_page(self):
        """What every page must have: a language, one main landmark and one h1, and a label for every field."""
        driver = self.driver
        expect(self.find("html").get_attribute("lang") == "en", f"{driver.current_url}: no lang")
        expect(len(self.all("main")) == 1 and len(self.all("h1")) == 1, f"{driver.current_url}: not one main and one h1")
        for field in self.all("input, select, textarea"):
            kind = field.get_attribute("type")
            if kind in ("hidden", "submit", "button"):
                continue
            identifier = field.get_attribute("id")
            wrapped = field.find_elements(By.XPATH, "ancestor::label")
            labelled = identifier and self.all(f"label[for='{identifier}']")
            expect(wrapped or labelled, f"{driver.current_url}: the field {field.get_attribute('name')} has no label")

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self):
        return self.find("main").text

    def expand(self, summary):
        """Opens the <details> whose summary reads `summary` (a step's form on a request's page)."""
        matches = [element for element in self.all("details > summary") if element.text.strip() == summary]
        expect(matches, f"no section '{summary}' on {self.driver.current_url}")
        matches[0].click()

    def sign_in(self, member):
        login, password = self.server.logins[member]
        self.open("/login")
        self.find("#login").send_keys(login)
        self.find("#password").send_keys(password)
        self.find("form button[type=submit]").click()
        WebDriverWait(self.driver, 20).until(expected_conditions.url_contains("/dashboard"))
        expect(member in self.find("header").text, f"the dashboard does not say who is signed in ({member})")

    def sign_out(self):
        self.find("header form button").click()
        WebDriverWait(self.driver, 20).until(expected_conditions.url_contains("/login"))

    def submit(self, form_selector, button_text=None):
        buttons = self.all(f"{form_selector} button[type=submit]")
        if button_text:
            buttons = [b for b in buttons if b.text.strip() == button_text]
        expect(buttons, f"no button {button_text or ''} in {form_selector}")
        # Wait for the answer to replace this page before looking at it: right after the click the old document is
        # going and the new one may not be there yet.
        page = self.find("html")
        buttons[0].click()
        WebDriverWait(self.driver, 60).until(lambda _: gone(page))
        WebDriverWait(self.driver, 60).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "main")))
        self.check_page()


def gone(element):
    """Whether `element` has left the page. Chrome answers a question about an element of a document being replaced
    either "stale" or, in the instant between, "Node with given id does not belong to the document": both mean gone."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def sdg_figure(session, year):
    session.open(f"/statistics?year={year}")
    text = session.find("#sdg-figure").text
    match = re.search(r"\((\d+) of (\d+)\)", text)
    expect(match, f"the statistics page shows no SDG 16.4.2 counts: {text}")
    return int(match.group(1)), int(match.group(2)), text


def flow(server, folder):
    today = datetime.date.today()
    year = today.year
    header = "external_ref,category,make,model,calibre,serial_number,markings,country_of_manufacture,import_country,status,event_date,event_country,event_circumstances"
    rows = [
        f"BRW-1,assault_rifle,Zastava,M70,7.62x39mm,BX4471O2,manufacture:ZCZ M70 BX4471O2;import:UGA 2019,SRB,UGA,seized,{today.isoformat()},KEN,Roadside check",
        f"BRW-2,revolver_pistol,Glock,17,9x19mm,QKT118,manufacture:GLOCK 17 QKT118,AUT,UGA,seized,{today.isoformat()},KEN,Search of premises",
        f"BRW-3,machine_pistol,Uzi,Mini,9x19mm,UZ55102,manufacture:IMI UZ55102,ISR,UGA,seized,{today.isoformat()},KEN,Checkpoint",
    ]
    bad = os.path.join(folder, "with-a-bad-row.csv")
    good = os.path.join(folder, "corrected.csv")
    with open(bad, "w") as f:
        f.write("\n".join([header] + rows) + "\n")
    with open(good, "w") as f:
        f.write("\n".join([header] + rows[:2] + [rows[2].replace("machine_pistol", "submachine_gun")]) + "\n")

    driver = browser(1280, 800, javascript=False)
    session = Session(driver, server)
    try:
        step("KEN signs in (the browser runs no script: every step works without it)")
        session.sign_in("KEN")
        before = sdg_figure(session, year)

        step("KEN uploads a CSV with one bad row and reads the report")
        session.open("/upload")
        session.find("#file").send_keys(bad)
        session.submit("form[action='/upload']")
        report = session.find(".report").text
        expect("not imported" in report, f"the bad file was not refused: {report}")
        cells = [c.text for c in session.all(".report tbody td")]
        expect("4" in cells and "category" in cells, f"the report does not name line 4, column category: {cells}")
        expect("Nothing was stored" in report, "the report does not say that nothing was stored")

        step("KEN uploads the corrected file")
        session.find("#file").send_keys(good)
        session.submit("form[action='/upload']")
        report = session.find(".report").text
        expect("3 created" in report, f"the corrected file was not imported: {report}")

        step("KEN reads an import mark against the published schemes")
        session.open("/reference?mark=KEN+19")
        expect("import mark of KEN, year of import 2019" in session.text(), "the mark was not read")

        step("KEN searches a serial read with look-alike characters")
        session.open("/search")
        session.find("#serial").send_keys("8X 4471-02")
        session.find("#make").send_keys("Zastava")
        session.submit("form[action='/search']")
        candidates = session.all(".candidate")
        expect(candidates, f"no candidates: {session.text()[:400]}")
        first = candidates[0]
        expect("BRW-1" in first.text or "BX4471O2" in first.text.replace(" ", ""), f"the first candidate is not the uploaded record: {first.text}")
        marks = first.find_elements(By.CSS_SELECTOR, "mark")
        expect(marks, "the differing characters are not marked")
        expect("look-alike" in first.text, "the differences are not explained")

        step("KEN sends a trace request to UGA from the result")
        first.find_element(By.LINK_TEXT, "Send trace request").click()
        WebDriverWait(driver, 20).until(expected_conditions.url_contains("/traces/new"))
        session.find("input[name=requested][value=UGA]").click()
        session.find("input[name=grounds][value=illicit_under_law_where_found]").click()
        session.find("#legal_basis").send_keys("Firearms Act, section 4")
        session.find("#intended_use").send_keys("Criminal investigation CR/88/2026")
        session.submit("form[action='/traces/new']", "Send request")
        WebDriverWait(driver, 20).until(expected_conditions.url_matches(r"/traces/[0-9a-f-]{36}"))
        trace_path = "/traces/" + driver.current_url.split("/traces/")[1].split("?")[0]
        expect("sent" in session.text(), f"the request was not sent: {session.text()[:400]}")
        session.sign_out()

        step("UGA signs in, acknowledges and answers")
        session.sign_in("UGA")
        session.open("/traces?box=incoming")
        expect(trace_path in [l.get_attribute("href").replace(server.url, "") for l in session.all("main table a")],
               "the request is not in UGA's inbox")
        session.open(trace_path)
        session.submit(f"form[action='{trace_path}/acknowledge']")
        WebDriverWait(driver, 20).until(expected_conditions.url_contains("done=acknowledge"))
        session.expand("Answer the request")
        session.find("#custody_0_kind").send_keys("import")
        session.find("#custody_0_party").send_keys("Kampala Arms Ltd, licensed importer")
        session.find("#custody_0_country").send_keys("UGA")
        session.find("#last_legal_holder").send_keys("Kampala Arms Ltd")
        session.find("input[name=point_of_diversion_established][value=yes]").click()
        session.find("#point_of_diversion").send_keys("Reported stolen from the importer's warehouse, 2025")
        session.submit(f"form[action='{trace_path}/answer']")
        WebDriverWait(driver, 20).until(expected_conditions.url_contains("done=answer"))
        expect("answered" in session.text(), "the request is not answered")
        session.sign_out()

        step("KEN closes it with the origin established; the 16.4.2 figure changes")
        session.sign_in("KEN")
        session.open(trace_path)
        expect("Kampala Arms Ltd" in session.text(), "KEN does not see the answer")
        session.expand("Close the request")
        session.find("input[name=origin_established][value=yes]").click()
        session.submit(f"form[action='{trace_path}/close']")
        WebDriverWait(driver, 20).until(expected_conditions.url_contains("done=close"))
        after = sdg_figure(session, year)
        expect(after[0] == before[0] + 1 and after[1] == before[1] + 3,
               f"the figure did not change as expected: before {before[2]!r}, after {after[2]!r}")
        print(f"  16.4.2 before: {before[2]}\n  16.4.2 after:  {after[2]}")
    except Exception:
        path = os.path.join(folder, "failure.png")
        driver.save_screenshot(path)
        print(f"page at the failure: {driver.current_url}; screenshot {path}", file=sys.stderr)
        raise
    finally:
        driver.quit()


def cooperation_flow(server, folder):
    """Issue 10's walk: Kenya needs stockpile-management training, UNODA's offer is proposed and accepted, the need
    is completed, and it is in both members' report drafts."""
    server.add_admin("KEN")
    server.add_admin("UNODA")
    driver = browser(1280, 800, javascript=False)
    session = Session(driver, server)
    title = "Stockpile management training for county armourers"
    offer = "Armoury management courses for East Africa"
    try:
        step("UNODA's admin posts an offer")
        session.sign_in("UNODA admin")
        session.open("/assistance")
        form = "form[action='/assistance/offers']"
        session.find(f"{form} #offer-title").send_keys(offer)
        session.find(f"{form} input[name=areas][value=stockpile_management]").click()
        session.find(f"{form} input[name=kinds][value=training]").click()
        session.find(f"{form} input[name=regions][value=africa]").click()
        session.find(f"{form} #offer-budget").send_keys("80000")
        session.submit(form)
        expect(offer in session.text(), "the offer is not listed")
        session.sign_out()

        step("KEN's admin posts a need, mistyping the paragraph first")
        session.sign_in("KEN admin")
        session.open("/assistance")
        form = "form[action='/assistance/needs']"
        Select(session.find(f"{form} #need-area")).select_by_value("stockpile_management")
        session.find(f"{form} input[name=kinds][value=training]").click()
        session.find(f"{form} #need-title").send_keys(title)
        session.find(f"{form} #need-budget").send_keys("50000")
        session.find(f"{form} #need-paragraph").send_keys("Article 8")
        session.submit(form)
        expect("not a PoA paragraph" in session.text(), "the wrong paragraph is not named")
        expect(session.find(f"{form} #need-title").get_attribute("value") == title, "the title typed was lost")
        Select(session.find(f"{form} #need-area")).select_by_value("stockpile_management")
        session.find(f"{form} input[name=kinds][value=training]").click()
        session.find(f"{form} #need-paragraph").clear()
        session.find(f"{form} #need-paragraph").send_keys("III 8")
        session.submit(form)
        WebDriverWait(driver, 20).until(expected_conditions.url_matches(r"/assistance/needs/[0-9a-f-]{36}"))
        need_path = "/assistance/needs/" + driver.current_url.split("/assistance/needs/")[1]

        step("UNODA's offer is proposed, with its reasons; KEN accepts it")
        proposals = [item for item in session.all("#matches-h ~ ol > li") if offer in item.text]
        expect(proposals and "works in Africa" in proposals[0].text, f"the offer is not proposed: {session.text()[:600]}")
        page = session.find("html")
        proposals[0].find_element(By.CSS_SELECTOR, "button").click()
        WebDriverWait(driver, 60).until(lambda _: gone(page))
        # The answer is a redirect to the need's page: wait until that page has loaded before reading it.
        WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,)).until(
            lambda d: "matched" in d.find_element(By.CSS_SELECTOR, "main table").text)
        session.check_page()
        session.sign_out()

        step("UNODA starts the work and records the outcome")
        session.sign_in("UNODA admin")
        session.open(need_path)
        session.submit("main form", "Work has started")
        session.find("#outcome").send_keys("26 armourers of 12 county armouries trained")
        session.submit("main form", "Record as completed")
        expect("completed" in session.find("main table").text, "the need is not completed")
        session.open("/report")
        given = session.find("#assistance-h").find_element(By.XPATH, "..").text
        expect(title in given and "KEN" in given, "the need is not in UNODA's report as given")
        session.sign_out()

        step("The need is in KEN's report draft; KEN answers a question and prints")
        session.sign_in("KEN admin")
        session.open("/report")
        received = session.find("#assistance-h").find_element(By.XPATH, "..").text
        expect(title in received and "26 armourers" in received, "the need is not in KEN's report as received")
        Select(session.find("#answer-assistance")).select_by_value("yes")
        session.submit("form[action='/report/answers']")
        expect("Answers saved" in session.text(), "the answers were not saved")
        driver.get(server.url + "/report?print=1")
        expect(title in driver.find_element(By.TAG_NAME, "main").text, "the printed report lacks the need")
    except Exception:
        path = os.path.join(folder, "cooperation-failure.png")
        driver.save_screenshot(path)
        print(f"page at the failure: {driver.current_url}; screenshot {path}", file=sys.stderr)
        raise
    finally:
        driver.quit()


def screenshots(server, out):
    os.makedirs(out, exist_ok=True)
    for width, height, name in [(1280, 800, "desktop"), (390, 844, "phone")]:
        driver = browser(width, height)
        session = Session(driver, server)
        try:
            session.sign_in("KEN")
            session.open("/dashboard")
            driver.save_screenshot(os.path.join(out, f"dashboard-{name}.png"))
            driver.execute_script("document.getElementById('counts-h').scrollIntoView()")
            driver.save_screenshot(os.path.join(out, f"dashboard-charts-{name}.png"))
            # A serial from the demo data, read with a look-alike character and a wrong last one.
            session.open("/records?status=seized")
            look_alikes = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
            serials = [cell.text for cell in session.all("main tbody td.serial")]
            serial = next((s for s in serials if len(s) >= 6 and any(c in look_alikes for c in s[:-1])), serials[0])
            position = next((i for i, c in enumerate(serial[:-1]) if c in look_alikes), 0)
            misread = serial[:position] + look_alikes.get(serial[position], serial[position]) + serial[position + 1:-1] + "X"
            session.open("/search")
            session.find("#serial").send_keys(misread)
            session.submit("form[action='/search']")
            driver.execute_script("document.getElementById('result-h').scrollIntoView()")
            driver.save_screenshot(os.path.join(out, f"search-{name}.png"))
            session.open("/traces?box=incoming")
            session.all("main tbody a")[0].click()
            driver.save_screenshot(os.path.join(out, f"trace-request-{name}.png"))
        finally:
            driver.quit()
    print(f"screenshots in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--armstrace", required=True, help="the armstrace executable")
    parser.add_argument("--screenshots", help="render screenshots into this folder instead of running the flow")
    parser.add_argument("--records", type=int, default=2000, help="demo records to seed")
    arguments = parser.parse_args()
    server = Server(arguments.armstrace, arguments.records)
    folder = tempfile.mkdtemp(prefix="armstrace-browser-files-")
    try:
        if arguments.screenshots:
            screenshots(server, arguments.screenshots)
        else:
            flow(server, folder)
            cooperation_flow(server, folder)
            print("browser flow passed")
    except Failure as failure:
        print(f"browser flow FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
