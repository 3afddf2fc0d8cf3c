"""Article pages to main text, for entries whose feed carries only a summary."""

from __future__ import annotations

import dataclasses
import datetime as dt

import requests
from bs4 import BeautifulSoup, Tag

from watcher.config import FetchSettings
from watcher.errors import WatcherError
from watcher.fetch import fetch
from watcher.models import Article
from watcher.normalize import to_utc
from watcher.text import clean, detect_lang

BOILERPLATE = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "figure"]


def main_text(html: bytes | str) -> tuple[str, dt.datetime | None, str | None]:
    """The page's main text, the date in its <time datetime>, and its <html lang>."""
    soup = BeautifulSoup(html, "lxml")
    lang = soup.html.get("lang") if isinstance(soup.html, Tag) else None
    published = None
    time_tag = soup.find("time", attrs={"datetime": True})
    if isinstance(time_tag, Tag):
        try:
            published = to_utc(dt.datetime.fromisoformat(str(time_tag["datetime"]).replace("Z", "+00:00")))
        except ValueError:
            published = None
    for tag in soup(BOILERPLATE):
        tag.decompose()
    root = next((t for t in (soup.find("article"), soup.find("main"), _densest(soup), soup.body)
                 if isinstance(t, Tag)), soup)
    blocks = [p.get_text(" ", strip=True) for p in root.find_all(["p", "h2", "h3", "blockquote", "li"])]
    text = "\n\n".join(b for b in blocks if b) or root.get_text("\n", strip=True)
    return clean(text), published, str(lang) if lang else None


def _densest(soup: BeautifulSoup) -> Tag | None:
    """The element holding the most paragraph text, for pages without <article> or <main>."""
    best, best_len = None, 0
    for p in soup.find_all("p"):
        parent = p.parent
        if isinstance(parent, Tag):
            size = sum(len(q.get_text()) for q in parent.find_all("p", recursive=False))
            if size > best_len:
                best, best_len = parent, size
    return best


def needs_page(article: Article, settings: FetchSettings) -> bool:
    short = article.summary_only or len(article.text) < settings.min_text_chars
    return settings.fetch_article_pages and bool(article.url) and short


def extract(session: requests.Session, article: Article, settings: FetchSettings) -> Article:
    """The article with its page's main text, when the feed gave only a summary; on failure, as it was."""
    if not needs_page(article, settings):
        return article
    try:
        page = fetch(session, article.url, settings, accept="text/html,application/xhtml+xml")
        text, published, lang = main_text(page.content)
    except WatcherError as e:
        return dataclasses.replace(article, extract_error=str(e))
    if len(text) <= len(article.text):
        return dataclasses.replace(article, summary_only=False)
    better_date = article.date_source == "fetched" and published is not None
    return dataclasses.replace(
        article, text=text, summary_only=False,
        published=published if better_date and published else article.published,
        date_source="page" if better_date else article.date_source,
        lang=detect_lang(f"{article.title}\n{text}", lang or article.lang),
    )
