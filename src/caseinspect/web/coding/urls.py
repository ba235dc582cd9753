"""URLs of the coding workspace and the practice library (included under ``/coding/``)."""

from django.urls import path

from . import views

app_name = "coding"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("codes/", views.save_codes, name="save"),
    path("sample/", views.draw_sample, name="sample"),
    path("suggest/", views.suggest, name="suggest"),
    path("index/", views.reindex, name="reindex"),
    path("agreement/", views.agreement, name="agreement"),
    path("codes.csv", views.export_codes, name="export"),
    path("library/", views.library, name="library"),
    path("library/<int:pk>/mark/", views.mark, name="mark"),
    path("library/<int:pk>/review/", views.review, name="review"),
    path("library/publish/", views.publish, name="publish"),
    path("library/examples.csv", views.publish_csv, name="publish-csv"),
]
