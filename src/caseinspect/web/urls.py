"""URLs. Objects are addressed by database id; every view checks access (``access``)."""

from django.contrib import admin
from django.urls import include, path

from .views import (
    analysis,
    audit,
    auth,
    bulletin,
    cases,
    errors,
    home,
    inspections,
    quality,
    rounds,
    sampling,
    users,
)

handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("cases/", cases.my_cases, name="my-cases"),
    path("cases/<int:pk>/", cases.case_overview, name="case"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case-edit"),
    path("cases/<int:pk>/review/", cases.case_review, name="case-review"),
    path("cases/<int:pk>/second-marking/", cases.case_second_marking, name="case-second-marking"),
    path("cases/<int:pk>/replace/", sampling.case_replace, name="case-replace"),
    path("inspections/", inspections.inspection_list, name="inspections"),
    path("inspections/new/", inspections.inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/cases/", inspections.inspection_cases, name="inspection-cases"),
    path(
        "inspections/<int:pk>/allocate/",
        inspections.inspection_allocate,
        name="inspection-allocate",
    ),
    path("inspections/<int:pk>/import/", sampling.inspection_import, name="inspection-import"),
    path("inspections/<int:pk>/sample/", sampling.inspection_sample, name="inspection-sample"),
    path("inspections/<int:pk>/qa/", quality.inspection_qa, name="inspection-qa"),
    path("inspections/<int:pk>/ratings/", quality.inspection_ratings, name="inspection-ratings"),
    path(
        "inspections/<int:pk>/ratings/decision/",
        quality.inspection_rating_decision,
        name="inspection-rating-decision",
    ),
    path("inspections/<int:pk>/sign-off/", quality.inspection_sign_off, name="inspection-sign-off"),
    path("inspections/<int:pk>/reopen/", quality.inspection_reopen, name="inspection-reopen"),
    path(
        "inspections/<int:pk>/analysis/", analysis.inspection_analysis, name="inspection-analysis"
    ),
    path(
        "inspections/<int:pk>/download/<str:what>.<str:fmt>",
        analysis.inspection_download,
        name="inspection-download",
    ),
    path("inspections/<int:pk>/audit/", audit.audit_inspection, name="inspection-audit"),
    path("analysis/", analysis.analysis_index, name="analysis"),
    path("rounds/", rounds.round_list, name="rounds"),
    path("rounds/<str:name>/", rounds.round_detail, name="round"),
    path("rounds/<str:name>/analysis/", rounds.round_analysis, name="round-analysis"),
    path("rounds/<str:name>/bulletin/", bulletin.round_bulletin, name="round-bulletin"),
    path(
        "rounds/<str:name>/download/<str:what>.<str:fmt>",
        rounds.round_download,
        name="round-download",
    ),
    path("audit/", audit.audit_all, name="audit"),
    path("users/", users.user_list, name="users"),
    path("users/<int:pk>/", users.user_detail, name="user"),
    path("coding/", include("caseinspect.web.coding.urls")),
    path("admin/", admin.site.urls),
]
