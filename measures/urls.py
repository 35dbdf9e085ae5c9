from django.urls import path

from . import views

# Under the case's own address, as the pages are the case's: the same paths and names as before the
# measures had an app of their own.
urlpatterns = [
    path("cases/<int:pk>/measures/", views.case_measures, name="case_measures"),
    path("cases/<int:pk>/measures/safety/<slug:phase>/", views.measure_safety, name="measure_safety"),
    path("cases/<int:pk>/measures/katz/<slug:phase>/", views.measure_katz, name="measure_katz"),
    path("cases/<int:pk>/measures/copm/new/", views.copm_goal_new, name="copm_goal_new"),
    path("cases/<int:pk>/measures/copm/<int:goal_pk>/", views.copm_goal_edit, name="copm_goal_edit"),
    path("cases/<int:pk>/measures/ibic/", views.measure_ibic, name="measure_ibic"),
]
