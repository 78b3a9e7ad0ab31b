"""What a user sees of an answer: its text, or an Excel download's cell values.

Imports no app, so any app's tests may use it without crossing the layers.
"""

import io
import zipfile

from openpyxl import load_workbook


def body_of(response) -> bytes:
    """The answer's bytes. A streamed one (a FileResponse's open file) is read to its end,
    where the test client closes it; calling ``close()`` here would also fire
    ``request_finished`` and close the test's database connection."""
    if response.streaming:
        content = b"".join(response.streaming_content)
        response.streaming_content = [content]  # readable again
        return content
    return response.content


def visible_text(response) -> str:
    body = body_of(response)
    if body[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(body)):
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", "replace")
