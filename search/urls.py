"""Archive search, mounted at /api/search/."""

urlpatterns = []
