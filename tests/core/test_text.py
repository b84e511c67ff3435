from quartiersnetz.core.text import plain_text, render_markdown


def test_markdown_is_rendered_and_scripts_are_removed():
    html = render_markdown(
        "**Fest** im [Park](https://example.org)\n\n<script>alert(1)</script>"
        '<img src="https://tracker.example/x.gif" onerror="alert(2)">'
        '<a href="javascript:alert(3)">klick</a>'
    )
    assert "<strong>Fest</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<script" not in html
    assert "<img" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_plain_text_strips_all_markup():
    assert plain_text("**Fest** <b>heute</b>") == "Fest heute"
    assert plain_text("") == ""
