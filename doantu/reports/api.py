"""The province side of the roll-up through the API: a ward's server pushes its signed figures for a period
(``rollup.export_envelope``'s JSON, as downloaded from /staff/so-lieu/xuat-so-lieu/) with the API key of an account
of the province. The same service as the file import (``rollup.import_envelope``): the signature is checked
against the keys the province registered, a repeated push changes nothing, a tampered one is refused with nothing
saved; only the province (and administrators) may import."""

from typing import Any

from ninja import Field, Router, Schema, Status

from doantu.api_errors import Detail, ErrorsOut
from doantu.tips.api import STAFF_AUTH

from . import rollup

router = Router(tags=["Cấp tỉnh: số liệu phường gửi lên"])


class EnvelopeIn(Schema):
    # Bounds with room to spare: the format is a short name with its version, the key an Ed25519 public key and the
    # signature an Ed25519 signature, each base64 (44 and 88 characters).
    format: str = Field(max_length=60)
    payload: dict[str, Any]
    key: str = Field(max_length=200)
    signature: str = Field(max_length=400)


class SubmissionOut(Schema):
    ward: str
    period: str
    issued_at: str
    outcome: str  # created, updated (a newer issue for the period) or unchanged (the same envelope again)


@router.post(
    "/rollup/submissions",
    response={200: SubmissionOut, 201: SubmissionOut, 400: ErrorsOut, 401: Detail, 403: Detail, 413: Detail},
    auth=STAFF_AUTH,
    summary="Nhận số liệu đã ký của một phường (cấp tỉnh)",
)
def push_submission(request, body: EnvelopeIn):
    submission, outcome = rollup.import_envelope(actor=request.user, data=body.dict())
    out = {
        "ward": submission.ward.code,
        "period": submission.period_key,
        "issued_at": submission.issued_at.isoformat(),
        "outcome": outcome,
    }
    return Status(201 if outcome == "created" else 200, out)
