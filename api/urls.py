from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("cases", views.CaseViewSet, basename="case")
router.register("charges", views.ChargeViewSet, basename="charge")
router.register("events", views.EventViewSet, basename="event")
router.register("hearings", views.HearingViewSet, basename="hearing")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("webhooks", views.WebhookSubscriptionViewSet, basename="webhook")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("letters", views.LetterCountViewSet, basename="letters")
router.register("particular-risks", views.ParticularRiskViewSet, basename="particular-risk")

app_name = "api"
urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/series/", views.StatisticsSeriesView.as_view(), name="statistics-series"),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    path("silences/", views.SilenceView.as_view(), name="silences"),
    path("", include(router.urls)),
]
