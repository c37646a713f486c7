"""Just enough HTML reading to walk the shop's pages like a browser: forms, buttons, links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass
class Form:
    action: str  # absolute
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)  # visible labels of submit buttons

    def has_button(self, label: str) -> bool:
        return any(label.lower() in b.lower() for b in self.buttons)


@dataclass
class Page:
    url: str
    status: int
    html: str
    text: str = ""
    forms: list[Form] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # absolute hrefs
    loose_buttons: list[str] = field(default_factory=list)  # buttons outside any form

    def buttons(self) -> list[str]:
        return [b for f in self.forms for b in f.buttons] + self.loose_buttons

    def has_button(self, label: str) -> bool:
        return any(label.lower() in b.lower() for b in self.buttons())

    def form_with_button(self, label: str) -> Form:
        for form in self.forms:
            if form.has_button(label):
                return form
        raise AssertionError(f"no form with a {label!r} button on {self.url}: {self.buttons()}")

    def links_containing(self, fragment: str) -> list[str]:
        return [link for link in self.links if fragment in link]


class _PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.loose_buttons: list[str] = []
        self.text_parts: list[str] = []
        self._form: Form | None = None
        self._button: list[str] | None = None
        self._skip = 0  # inside <script> / <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "form":
            action = urljoin(self.url, a.get("action", ""))
            self._form = Form(action, a.get("method", "get").upper())
        elif tag == "a" and "href" in a:
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "input":
            self._input(a)
        elif tag == "button":
            self._button = []
            if self._form is not None and a.get("name"):
                self._form.fields.setdefault(a["name"], a.get("value", ""))

    def _input(self, a: dict[str, str]) -> None:
        kind = a.get("type", "text").lower()
        if kind in ("submit", "button"):
            (self._form.buttons if self._form else self.loose_buttons).append(a.get("value", ""))
        elif (
            self._form is not None
            and a.get("name")
            and (kind not in ("checkbox", "radio") or "checked" in a)
        ):
            self._form.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "button" and self._button is not None:
            label = _clean(" ".join(self._button))
            (self._form.buttons if self._form else self.loose_buttons).append(label)
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text_parts.append(data)
        if self._button is not None:
            self._button.append(data)


def parse_page(url: str, status: int, html: str) -> Page:
    parser = _PageParser(url)
    parser.feed(html)
    parser.close()
    if parser._form is not None:  # unclosed form
        parser.forms.append(parser._form)
    return Page(
        url=url,
        status=status,
        html=html,
        text=_clean(" ".join(parser.text_parts)),
        forms=parser.forms,
        links=parser.links,
        loose_buttons=parser.loose_buttons,
    )
