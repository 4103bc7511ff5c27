"""Printable PDF documents (the evaluation report, the guardian letter) with WeasyPrint.

The HTML is rendered from the app's own templates; nothing outside the document is fetched (only
`data:` URLs are allowed), so a value in a template can never make the server request a URL.
"""

from weasyprint import HTML
from weasyprint.urls import URLFetcher


def html_to_pdf(*, html: str) -> bytes:
    """The PDF of a complete HTML document (styles inline in the document)."""
    fetcher = URLFetcher(allowed_protocols=["data"], timeout=1)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
