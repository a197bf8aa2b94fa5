"""Uploaded files (results, plan files): streamed to disk by Django's handlers, and cut off past the
size limit while they arrive, instead of after a huge file has been written out."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class SizeLimitedUpload(FileUploadHandler):
    """Put first among a request's upload handlers: passes each chunk on to the next
    (which writes it to a temporary file) until a file exceeds `max_bytes`, then skips
    the rest of that file. `too_large` tells the view."""

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file
