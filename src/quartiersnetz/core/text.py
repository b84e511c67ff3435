"""User-written text: Markdown rendered to HTML that is safe to show."""

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


def render_markdown(text):
    """Markdown to sanitised HTML: no scripts, styles, images or foreign attributes."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def plain_text(text):
    """Markdown source reduced to text without any markup (feeds, meta descriptions)."""
    if not text:
        return ""
    return nh3.clean(markdown.markdown(text), tags=set()).strip()
