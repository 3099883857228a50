"""Boilerplate rules for HTML pages, as data: tags, class words and phrases.

:mod:`searcher.ingest.html_content` reads these; changing what counts as
boilerplate means editing a set here, not code.
"""

from __future__ import annotations

import re

#: Elements whose text is never article text.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "nav", "aside", "footer", "iframe", "svg", "math",
        "button", "select", "option", "input", "textarea", "template", "object", "embed",
        "canvas", "video", "audio", "map", "dialog", "menu", "figure", "figcaption",
        "head", "title", "meta", "link", "label", "picture", "img", "source",
    }
)  # fmt: skip
#: Inline elements: their text belongs to the enclosing block.
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del",
        "dfn", "em", "font", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
        "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "nobr",
    }
)  # fmt: skip
#: The page itself: never climbed to as the article container.
ROOT_TAGS = frozenset({"body", "html", "[document]"})
#: Blocks that are paragraphs: they score their parent, not themselves.
PARAGRAPH_TAGS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "td", "th"}
)
#: Class or id words of elements that hold boilerplate, not article text.
NEGATIVE_WORDS = (
    "share", "sharing", "related", "recommend", "recommended", "comment", "comments",
    "newsletter", "subscribe", "subscription", "signup", "promo", "advert", "advertisement",
    "ad", "ads", "adslot", "sponsor", "sponsored", "cookie", "consent", "gdpr", "banner",
    "breadcrumb", "breadcrumbs", "sidebar", "widget", "masthead", "menu", "nav", "navbar",
    "popup", "modal", "outbrain", "taboola", "recirc", "recirculation", "trending", "popular",
    "most-read", "more-stories", "read-more", "readmore", "tags", "tag-list", "byline",
    "dateline", "timestamp", "caption", "credit", "toolbar", "skip", "sr-only",
    "visually-hidden", "screen-reader-text", "pagination", "pager", "follow", "login",
    "author-bio", "bio", "disqus", "rail", "footer", "header", "jump", "print", "tooltip",
    "meta", "post-meta", "article-meta", "inline-related", "see-also", "also-read",
    "rollover", "popover", "hovercard", "flyout",
)  # fmt: skip
#: Class or id words of elements that hold article text.
POSITIVE_WORDS = (
    "article", "articlebody", "article-body", "article-content", "body", "content", "entry",
    "entry-content", "main", "post", "post-content", "story", "story-body", "text", "prose",
)  # fmt: skip
#: Short blocks that are calls to action, not article text.
BOILERPLATE_PHRASES = re.compile(
    r"^(?:advert|advertisement|advertising|sponsored|share(?: this)?(?: article| story)?|"
    r"comments?|leave a (?:comment|reply)|tell us what you think|newsletter|trending|"
    r"you (?:may|might) also like|recommended(?: for you)?|most (?:read|popular)|"
    r"(?:this|the) (?:slideshow|video|content|page) requires javascript|"
    r"(?:click|tap) here|read more|continue reading|related(?: articles| stories)?|"
    r"sign up|subscribe|follow us|image|photo|video|getty images|"
    r"(?:supported|story continues) below|skip (?:to )?\w+|loading|"
    r"this (?:article|story) (?:is|was) (?:part|updated)|all rights reserved|"
    r"sharing is caring|like this|like loading|explore further|don'?t miss|filed under|"
    r"(?:last )?updated:? (?:at |on )?\d)\b",
    re.IGNORECASE,
)
#: Whole blocks that are interface labels or bare links, not article text.
UI_LABELS = re.compile(
    r"(?:caption|close|open|menu|search|print|email|e-mail|next|previous|prev|more|"
    r"play|pause|expand|collapse|back to(?: the)? \w+|top|hide caption|toggle caption|"
    r"\d+ of \d+|(?:https?://|www\.)?[\w.-]+\.[a-z]{2,}(?:/\S*)?|[\w.+-]+@[\w-]+\.[\w.]+)[.:!]?",
    re.IGNORECASE,
)
