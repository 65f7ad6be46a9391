"""Routes for search, feeds and sitemaps, part of the "newsroom" namespace."""

urlpatterns: list = []
