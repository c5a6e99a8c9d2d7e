"""The ingest benchmark's articles: new bytes each time, of about the size asked."""

from bench.ingest import Articles


def test_every_article_is_new_bytes_of_about_the_size_asked():
    # given
    articles = Articles()

    # when
    first, second = articles.next(5 * 1024), articles.next(5 * 1024)

    # then
    assert first != second
    assert 4 * 1024 < len(first) <= 5 * 1024
    assert 90 * 1024 < len(articles.next(100 * 1024)) <= 100 * 1024
