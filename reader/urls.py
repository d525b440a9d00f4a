from django.urls import path

from . import views

urlpatterns = [
    path("sw.js", views.service_worker, name="reader_service_worker"),
    path("manifest.webmanifest", views.manifest, name="reader_manifest"),
]
