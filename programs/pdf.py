"""Printable PDF documents (the evaluation report, the guardian letter) with WeasyPrint.

The HTML is rendered from the app's own templates; nothing outside the document is fetched (only
`data:` URLs are allowed), so a value in a template can never make the server request a URL.
"""


def html_to_pdf(*, html: str) -> bytes:
    """The PDF of a complete HTML document (styles inline in the document)."""
    # Imported on first use: loading WeasyPrint (and its default style sheets) takes a second
    # that no web or worker process should pay before someone asks for a PDF. A library, not
    # one of the apps, so no layer is crossed.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"], timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
