"""/api/v1/: the endpoints (a DRF router), the OpenAPI schema and its page. The schema and its
page are open to anyone, like any published API's documentation: they describe the data, they
hold none of it."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("tinh", views.ProvinceViewSet, basename="api-province")
router.register("chi-so", views.DimensionViewSet, basename="api-dimension")
router.register("diem", views.ScoreViewSet, basename="api-score")
router.register("ke-hoach", views.PlanViewSet, basename="api-plan")
router.register("chi-tieu", views.TargetViewSet, basename="api-target")
router.register("nhiem-vu", views.TaskViewSet, basename="api-task")
router.register("ky-bao-cao", views.PeriodViewSet, basename="api-period")
router.register("bao-cao", views.ReportViewSet, basename="api-report")
router.register("ket-qua", views.TaskProgressViewSet, basename="api-task-progress")

schema_view = SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[])
docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema",
    permission_classes=[AllowAny],
    authentication_classes=[],
    renderer_classes=[TemplateHTMLRenderer],
    template_name="api/swagger_ui.html",
    title="PAPI Tracker API",
)

urlpatterns = [
    path("schema/", login_not_required(schema_view), name="api-schema"),
    path("tai-lieu/", login_not_required(docs_view), name="api-docs"),
    *router.urls,
]
