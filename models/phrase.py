"""A sentence made now and said later, in the language its reader asks for.

Every layer finds things to say (a bad cell, a rule a plan breaks, why a project cannot run)
but only the edges (the command line, the server's pages, the writers) know who reads them.
So a sentence is kept as its two templates, English and Chinese, with its values: names among
them as `Named` (`p01 (培训名)`, `培训名（p01）`), lists as `Joined`; `text(lang)` says it. It
sits at the bottom of the house, as the input is the first layer with something to say; the
messages of the command line are in `scheduler.messages`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Named:
    """A project, venue, trainer or town as a sentence names it: `p01 (培训名)`, in Chinese
    `培训名（p01）`; the sentence says what kind of thing it is."""

    id: str
    name: str

    def text(self, lang: str) -> str:
        return f"{self.name}（{self.id}）" if lang == "zh" else f"{self.id} ({self.name})"


@dataclass(frozen=True)
class Joined:
    """Items said one after the other, with `separators` (English, Chinese) between them."""

    items: tuple[object, ...]
    separators: tuple[str, str] = (", ", "、")

    def text(self, lang: str) -> str:
        english, chinese = self.separators
        return (chinese if lang == "zh" else english).join(
            str(said(item, lang)) for item in self.items)


@dataclass(frozen=True)
class Phrase:
    """A sentence made now and said later, in the language asked: its (English, Chinese)
    templates for str.format and its values. A value that is itself a `Named`, `Joined` or
    `Phrase` is said in that language too; a number keeps its format spec. Hashable, so equal
    sentences can be told apart from different ones in either language."""

    words: tuple[str, str]
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str) -> str:
        english, chinese = self.words
        return (chinese if lang == "zh" else english).format(
            **{key: said(value, lang) for key, value in self.values})

    def __str__(self) -> str:
        return self.text("en")


def phrase(words: tuple[str, str], **values: object) -> Phrase:
    """The sentence `words` (English, Chinese) with `values`, to be said later."""
    return Phrase(words, tuple(values.items()))


def by_reading(choose: Callable[[str], object]) -> Phrase:
    """A sentence whose parts depend on how they read: `choose(language)` for English and for
    Chinese (a list sorted by its words, the first of equal things by its words), so that
    each reader sees the order their own words give."""
    return phrase(("{english}", "{chinese}"), english=choose("en"), chinese=choose("zh"))


def plain(text: str) -> Phrase:
    """Text that reads the same in both languages (a path with the system's reason, a JSON
    path with pydantic's), as a sentence."""
    return phrase(("{text}", "{text}"), text=text)


def said(value: object, lang: str) -> object:
    """A value of a sentence in `lang`: names, lists and sentences as text, others as they are."""
    if isinstance(value, Named | Joined | Phrase):
        return value.text(lang)
    return value


def in_file(path: object, problem: Phrase | str) -> Phrase | str:
    """The problem beginning with the file it is in, unless it already does."""
    if str(problem).startswith(str(path)):
        return problem
    return phrase(("{file}: {problem}", "{file}: {problem}"), file=str(path), problem=problem)
