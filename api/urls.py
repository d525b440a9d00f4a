"""The reader apps' API, mounted at /api/ (routes are added by the API app)."""

urlpatterns = []
