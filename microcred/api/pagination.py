from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def positive_number(request, name: str, *, most: int | None = None) -> int | None:
    """The query's whole number `name` (None when absent); a 400 saying what it should be
    when it is not a whole number from 1 (to `most`), rather than DRF's silent default."""
    text = request.query_params.get(name)
    if text is None:
        return None
    limit = f" to {most}" if most else ""
    if not text.isdigit() or not 1 <= int(text) <= (most or int(text)):
        raise ValidationError({name: [f"A whole number from 1{limit}."]})
    return int(text)


class PagePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = "The page's number, from 1."
    page_size_query_description = "Items per page, from 1 to 100 (25 unless given)."

    def get_page_size(self, request):
        return positive_number(request, self.page_size_query_param, most=self.max_page_size) or (
            self.page_size
        )

    def paginate_queryset(self, queryset, request, view=None):
        positive_number(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
