from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """Every response to a signed-in user is about their plans: never kept by a shared
    proxy or the browser's cache, where the next person at the computer could read it
    (back button, cached PDF download)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
