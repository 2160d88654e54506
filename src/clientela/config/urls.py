from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("clientela.api.urls")),
    path("", include("clientela.web.urls")),
    path("", include("clientela.notifications.urls")),
    path("", include("clientela.contracts.urls")),
    path("", include("clientela.onboarding.urls")),
    path("", include("clientela.checkins.urls")),
    path("", include("clientela.reviews.urls")),
    path("", include("clientela.booking.urls")),
    path("", include("clientela.clientdesk.urls")),
    path("", include("clientela.loyalty.urls")),
    path("", include("clientela.rewards.urls")),
    path("", include("clientela.coupons.urls")),
    path("", include("clientela.referrals.urls")),
    path("", include("clientela.support.urls")),
    path("", include("clientela.customerdesk.urls")),
]
