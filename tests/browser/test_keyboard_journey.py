"""Booking with the keyboard alone: every control reachable, the focus always visible and never covered."""

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation

pytestmark = pytest.mark.django_db(transaction=True)

# What the focused element looks like: its outline (or, for a visually hidden radio, its label's), and
# whether the topmost element at its centre is the element itself or part of it.
# It first waits for any smooth scrolling (Bootstrap's default) to come to rest.
FOCUS_STATE = """async () => {
  let last = null, still = 0;
  for (let frame = 0; frame < 120 && still < 3; frame++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    still = scrollY === last ? still + 1 : 0;
    last = scrollY;
  }
  const element = document.activeElement;
  if (!element || element === document.body) return {name: "nothing", visible: false, covered: false};
  const shown = element.matches(".btn-check") ? element.labels[0] : element;
  const style = getComputedStyle(shown);
  const rect = shown.getBoundingClientRect();
  const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const own = (node) => node && (shown.contains(node) || node.contains(shown) ||
    [...(element.labels || [])].some((label) => label.contains(node)));
  return {
    name: (element.getAttribute("aria-label") || element.labels?.[0]?.innerText || element.innerText ||
           element.name || element.id || element.tagName).trim().slice(0, 60),
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    inViewport: rect.bottom > 0 && rect.top < innerHeight && rect.width > 0 && rect.height > 0,
    covered: !own(top),
  };
}"""


# Radios in a group share one stop in the tab order, so a group counts as one control.
CONTROL_KEY = """(element) => element.type === "radio" ? `radio:${element.name}` :
  element.id || element.name || `node:${[...document.querySelectorAll("*")].indexOf(element)}`"""
FORM_CONTROLS = f"""(form) => [...form.querySelectorAll("input, select, textarea, button")]
  .filter((element) => element.type !== "hidden" && element.tabIndex >= 0 && !element.disabled)
  .map({CONTROL_KEY})"""


class Keyboard:
    """Presses keys like a keyboard user and checks the focus after every key that moves it."""

    def __init__(self, page):
        self.page = page
        self.visited = []

    def check_focus(self):
        state = self.page.evaluate(FOCUS_STATE)
        self.visited.append(state["name"])
        assert state["visible"], f"focus ring missing on {state['name']!r}"
        assert state["inViewport"], f"{state['name']!r} is focused but off screen"
        assert not state["covered"], f"{state['name']!r} is hidden under another element"
        return state

    def press(self, key):
        self.page.keyboard.press(key)
        return self.check_focus()

    def sweep(self, *, limit=150):
        """Tab through the whole page once; the controls reached, checking the focus at every stop."""
        reached = set()
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            key = self.page.evaluate(
                f"() => document.activeElement === document.body ? null : ({CONTROL_KEY})(document.activeElement)"
            )
            if key is None or key in reached:
                return reached
            reached.add(key)
            self.check_focus()
        raise AssertionError(f"the tab order never came round again after {limit} stops")

    def follow(self, key="Enter"):
        """Press a key that loads another page (a link, a submit button)."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def tab_to(self, locator, *, limit=80, backwards=False):
        """Tab (or Shift+Tab) until the locator has focus, checking the focus at every stop."""
        for _ in range(limit):
            self.press("Shift+Tab" if backwards else "Tab")
            if locator.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"never reached {locator} by keyboard; visited {self.visited[-limit:]}")

    def type(self, text):
        self.page.keyboard.type(text)


def test_visitor_books_by_keyboard_alone(page, demo_content):
    keys = Keyboard(page)
    page.goto("/")

    skip = page.get_by_role("link", name="Skip to main content")
    keys.tab_to(skip, limit=1)
    keys.tab_to(page.get_by_role("banner").get_by_role("link", name="Book a free 15-minute consultation"))
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a free 15-minute phone consultation")

    keys.tab_to(page.locator(".slot-option").first)
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details for the call")

    reached = keys.sweep()
    # The optional questions are folded; Enter on the fold's summary opens it.
    keys.tab_to(page.locator("summary", has_text="Tell us a little more (optional)"))
    keys.press("Enter")
    reached |= keys.sweep()
    controls = set(page.locator("form.booking-form").evaluate(FORM_CONTROLS))
    assert {"id_first_name", "id_phone", "id_email", "radio:service", "id_consent"} <= controls
    unreachable = controls - reached - {"id_state_of_residence"}  # shown only for online sessions
    assert not unreachable, f"not reachable by Tab: {unreachable}"

    keys.tab_to(page.get_by_label("First name"))
    keys.type("Sammy")
    keys.tab_to(page.get_by_label("Last name"))
    keys.type("Rivera")
    # Back to fix the first name.
    keys.tab_to(page.get_by_label("First name"), backwards=True)
    keys.press("Control+a")
    keys.type("Sam")
    keys.tab_to(page.get_by_label("Phone number"))
    keys.type("206-201-0142")
    keys.tab_to(page.get_by_label("Email"))
    keys.type("sam.rivera@example.com")
    keys.tab_to(page.get_by_label("Yes, you can leave a message"))
    keys.press("Space")
    keys.tab_to(page.get_by_label("Individual therapy"))
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    # Choosing "Online" asks for the state; going on to "Either" hides it again.
    keys.tab_to(page.get_by_label("In person in Seattle"))
    keys.press("ArrowDown")
    expect(page.get_by_label("Which state do you live in?")).to_be_visible()
    keys.press("ArrowDown")
    expect(page.get_by_label("Which state do you live in?")).to_be_hidden()
    # The consent box is left unticked on purpose; submit with Enter on the button.
    keys.tab_to(page.get_by_role("button", name="Book my call"))
    keys.follow()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please agree to the privacy policy")
    keys.check_focus()
    keys.tab_to(summary.get_by_role("link", name="Please agree to the privacy policy", exact=False))
    keys.press("Enter")
    consent = page.get_by_label("I agree to the")
    expect(consent).to_be_focused()
    keys.check_focus()
    keys.press("Space")
    expect(consent).to_be_checked()
    keys.tab_to(page.get_by_role("button", name="Book my call"))
    keys.follow()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your free consultation is booked")
    booked = Consultation.objects.get()
    assert (booked.first_name, booked.last_name, str(booked.phone)) == ("Sam", "Rivera", "+12062010142")
    assert booked.voicemail_ok is True
    assert (booked.service, booked.session_format) == ("not_sure", "either")


def test_the_focus_check_catches_a_hidden_or_covered_focus(page):
    """Guards the harness: a focus ring removed by CSS, or a control under a sticky banner, must fail."""
    keys = Keyboard(page)
    page.set_content(
        "<style>a:focus-visible { outline: 3px solid } #bare:focus-visible { outline: none }"
        " #banner { position: fixed; top: 0; left: 0; right: 0; height: 80px; background: white }</style>"
        "<div id=banner>Sticky</div><a id=covered href=#>Covered</a>"
        "<p style='margin-top: 200px'><a id=bare href=#>No ring</a></p>"
    )
    with pytest.raises(AssertionError, match="hidden under another element"):
        keys.press("Tab")
    with pytest.raises(AssertionError, match="focus ring missing"):
        keys.press("Tab")
