from django.conf import settings
from rest_framework import pagination


class Pages(pagination.PageNumberPagination):
    """?page=2&page_size=200: API_PAGE_SIZE rows a page by default, API_MAX_PAGE_SIZE at most."""

    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
