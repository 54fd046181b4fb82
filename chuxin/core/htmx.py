from django.http import HttpRequest


def partial_name(request: HttpRequest, template: str, partial: str) -> str:
    """The whole page for a normal request, only the named partial for an htmx one."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return f"{template}#{partial}"
    return template
