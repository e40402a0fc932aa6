"""What a person does on the sandbox page, in Selenium terms; waits are for what they see."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.sandbox.people import BACKLOG_CHANNEL, PEOPLE

REP, SECOND_REP, ADMIN, VIEWER = (p.user_id for p in PEOPLE)
WAIT_SECONDS = 15


@dataclass
class SandboxPage:
    """One browser on the sandbox."""

    driver: Any  # selenium's WebDriver (untyped)
    url: str

    def open(self, user: str = REP, where: str = BACKLOG_CHANNEL, keep_modal: bool = False) -> None:
        """Load the page as `user`, looking at `where`; a modal left open by an earlier
        journey is cancelled unless `keep_modal`."""
        self.driver.get(f"{self.url}/?as={user}&in={where}")
        self.wait_css("#pane .pane-head")
        while not keep_modal and self.driver.find_elements("css selector", "#modal .modal"):
            self.retry(lambda: self.driver.find_element("css selector", ".cancel-view").click())
            self.modal_closed()

    def type_in_composer(self, text: str) -> None:
        """Type a line in the composer and press Enter."""
        from selenium.webdriver.common.keys import Keys

        box = self.wait_css("#compose")
        box.send_keys(text + Keys.ENTER)

    def wait_css(self, css: str, text: str | None = None, within: Any = None) -> Any:
        """The first element matching `css` (and showing `text`), once it is there."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        def found(_: Any) -> Any:
            root = within or self.driver
            for element in root.find_elements(By.CSS_SELECTOR, css):
                try:
                    if text is None or text in element.text:
                        return element
                except Exception:  # stale: the page redrew it; look again
                    continue
            return False

        return WebDriverWait(self.driver, WAIT_SECONDS).until(
            found, f"nothing matching {css!r} showing {text!r}"
        )

    def message(self, text: str, pane: str = "#pane") -> str:
        """What the latest message showing `text` says (waits for it)."""
        return str(self.retry(lambda: self._message(text, pane).text))

    def _message(self, text: str, pane: str) -> Any:
        from selenium.webdriver.common.by import By

        self.wait_css(f"{pane} .message", text)
        shown = self.driver.find_elements(By.CSS_SELECTOR, f"{pane} .message")
        return [m for m in shown if text in m.text][-1]

    def click_in_message(self, text: str, label: str, pane: str = "#pane") -> None:
        """Click the button showing `label` in the latest message showing `text`."""
        self.retry(lambda: self.wait_css("button", label, self._message(text, pane)).click())

    def scroll_to(self, text: str, pane: str = "#pane") -> None:
        """Scroll the latest message showing `text` to the top of its pane."""
        self.retry(
            lambda: self.driver.execute_script(
                "arguments[0].scrollIntoView(true);", self._message(text, pane)
            )
        )

    def more_actions(self, text: str) -> None:
        """Open the "More actions" menu of the latest message showing `text`."""
        from selenium.webdriver.common.by import By

        def click() -> None:
            message = self._message(text, "#pane")
            message.find_element(By.CSS_SELECTOR, ".more-actions").click()

        self.retry(click)

    def click_label(self, label: str, within: str = "body") -> None:
        """Click the radio button or checkbox labelled `label` inside `within` (CSS)."""
        self.retry(lambda: self.wait_css(f"{within} label.choice", label).click())

    def retry(self, gesture: Any) -> Any:
        """Run `gesture` again when the page redrew what it touched (a live update)."""
        from selenium.common.exceptions import StaleElementReferenceException

        for _ in range(20):
            try:
                return gesture()
            except StaleElementReferenceException:
                continue
        return gesture()

    def click_button(self, label: str, within: str = "body") -> None:
        """Click the (Block Kit or page) button showing `label` inside `within` (CSS)."""
        self.retry(lambda: self.wait_css(f"{within} button", label).click())

    def modal(self, title: str) -> Any:
        """The open modal, once its title shows `title`."""
        return self.wait_css("#modal .modal", title)

    def set_value(self, element: Any, value: str) -> None:
        """Set a date, time or text control as a person would, firing its change event."""
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            element,
            value,
        )

    def choose(self, css: str, label: str) -> None:
        """Pick the option showing `label` in the select matching `css`."""
        from selenium.webdriver.support.ui import Select

        self.retry(lambda: Select(self.wait_css(css)).select_by_visible_text(label))

    def fill(self, css: str, value: str) -> None:
        """Set the control matching `css` to `value`."""
        self.retry(lambda: self.set_value(self.wait_css(css), value))

    def lookup(self, order: str) -> str:
        """`/backlog ORDER` in the composer; what the card says once it is shown."""
        self.type_in_composer(f"/backlog {order}")
        return self.message(f"Order {order}")

    def messages_showing(self, text: str, pane: str = "#pane") -> int:
        """How many messages in the pane show `text`."""
        from selenium.webdriver.common.by import By

        def count() -> int:
            shown = self.driver.find_elements(By.CSS_SELECTOR, f"{pane} .message")
            return sum(text in m.text for m in shown)

        return int(self.retry(count))

    def wait_until(self, condition: Any, message: str) -> None:
        """Wait until `condition()` holds, as the page updates itself."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, WAIT_SECONDS).until(lambda _: condition(), message)

    def modal_closed(self) -> None:
        """Wait until no modal is open."""
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, WAIT_SECONDS).until(
            lambda d: not d.find_elements("css selector", "#modal .modal"), "the modal stayed open"
        )

    def screenshot(self, path: Path) -> Path:
        """Save what the browser shows as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return path
