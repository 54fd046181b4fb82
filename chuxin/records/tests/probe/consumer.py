"""The probe's consumer: it keeps what it was handed, as study hours or points would count it."""

COUNTED: list = []


def count(record) -> None:
    COUNTED.append((record.kind, record.target_id, record.payload.get("hours", 0)))
