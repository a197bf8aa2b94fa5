from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def page_parameters(items: str) -> list[OpenApiParameter]:
    """The query parameters of a paginated list of `items` ("Exports"), for the schema."""
    return [
        OpenApiParameter("page", int, description="The page's number, from 1."),
        OpenApiParameter("page_size", int, description=f"{items} per page, at most 100."),
    ]
