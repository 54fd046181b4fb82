"""Excel import of member files (being written)."""


def build_template() -> bytes:
    raise NotImplementedError


def import_members(*, actor, upload, request=None):
    raise NotImplementedError
