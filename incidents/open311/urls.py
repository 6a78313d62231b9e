"""/open311/v2/…: each resource with and without its .json/.xml suffix (the spec's form is the
suffix; without it a `format` argument or XML)."""

from django.urls import path, register_converter

from incidents.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311format")

app_name = "open311"


def _both(route: str, view, name: str) -> list:
    return [path(f"{route}.<open311format:format>", view, name=f"{name}-format"), path(route, view, name=name)]


urlpatterns = [
    *_both("discovery", views.discovery, "discovery"),
    *_both("services", views.services, "services"),
    *_both("services/<slug:code>", views.service_definition, "service"),
    *_both("requests", views.requests_, "requests"),
    *_both("requests/<slug:request_id>", views.request_detail, "request"),
    *_both("tokens/<slug:token>", views.token, "token"),
]
