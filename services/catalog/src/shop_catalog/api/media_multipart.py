"""Reading an upload form as it streams in: each file part goes chunk by chunk to a staged
file in the media store's folder (never the whole file in memory), over its cap -> 413 at
once; small text fields are kept (bounded). A body that ends before the form's closing
boundary, or a client that goes away, leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from shop_catalog.domain.media_errors import InvalidUploadError, UploadTooLargeError
from shop_catalog.service.media_staging import StagedFile

MAX_FIELD_BYTES = 20_000  # a title, the CSRF token...
MAX_FIELDS = 20


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, StagedFile]] = field(default_factory=list)

    def files_named(self, name: str) -> list[StagedFile]:
        return [f for n, f in self.files if n == name and (f.size or f.filename)]

    def one_file(self, name: str) -> StagedFile:
        found = self.files_named(name)
        if len(found) != 1:
            raise InvalidUploadError(f"send exactly one file in the form field {name!r}")
        return found[0]

    def discard(self) -> None:
        """Remove the staged files not adopted by the library (all of them on an error)."""
        for _, staged in self.files:
            staged.discard()


class _Receiver:
    def __init__(self, folder: Path, max_file_bytes: int, max_files: int) -> None:
        self.form = UploadForm()
        self.folder = folder
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.headers: dict[bytes, bytes] = {}
        self.header_name = b""
        self.header_value = b""
        self.name = ""
        self.text: bytearray | None = None
        self.staged: StagedFile | None = None
        self.ended = False

    def on_part_begin(self) -> None:
        self.headers, self.name, self.text, self.staged = {}, "", None, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", errors="replace")
        if b"filename" in options:
            if len(self.form.files) >= self.max_files:
                raise InvalidUploadError(f"at most {self.max_files} files in one form")
            filename = options[b"filename"].decode("utf-8", errors="replace")
            self.staged = StagedFile.open(self.folder, filename, self.max_file_bytes)
            self.form.files.append((self.name, self.staged))
        else:
            if len(self.form.fields) >= MAX_FIELDS:
                raise InvalidUploadError("too many form fields")
            self.text = bytearray()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.staged is not None:
            self.staged.write(data[start:end])
        elif self.text is not None:
            self.text += data[start:end]
            if len(self.text) > MAX_FIELD_BYTES:
                raise InvalidUploadError(f"the form field {self.name!r} is too long")

    def on_part_end(self) -> None:
        if self.staged is not None:
            self.staged.finish()
        elif self.text is not None:
            self.form.fields[self.name] = self.text.decode("utf-8", errors="replace")
        self.staged, self.text = None, None

    def on_end(self) -> None:
        self.ended = True


async def read_upload_form(
    request: Request, *, folder: Path, max_file_bytes: int, max_files: int = 1
) -> UploadForm:
    """The form with its files staged; on any error (413, 422, the client gone) nothing
    staged remains and the error goes on."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidUploadError("send the file as multipart/form-data (a form field `file`)")
    receiver = _Receiver(folder, max_file_bytes, max_files)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
            "on_headers_finished", "on_part_data", "on_part_end", "on_end",
        )
    }  # fmt: skip
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if chunk:
                parser.write(chunk)
        parser.finalize()
        if not receiver.ended or any(not f.complete for _, f in receiver.form.files):
            raise InvalidUploadError("the upload was cut off before the form's end")
    except (InvalidUploadError, UploadTooLargeError, ClientDisconnect):
        receiver.form.discard()
        raise
    except FormParserError as exc:
        receiver.form.discard()
        raise InvalidUploadError(f"the form could not be read: {exc}") from exc
    except BaseException:
        receiver.form.discard()
        raise
    return receiver.form
