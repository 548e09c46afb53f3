from django.urls import path

from applications.api import views

urlpatterns = [
    path("applications/", views.ApplicationListApi.as_view(), name="application-list"),
    path(
        "applications/questions/",
        views.ScreeningQuestionListApi.as_view(),
        name="application-questions",
    ),
    path(
        "applications/<uuid:pk>/", views.ApplicationDetailApi.as_view(), name="application-detail"
    ),
    path(
        "applications/<uuid:pk>/withdraw/",
        views.ApplicationWithdrawApi.as_view(),
        name="application-withdraw",
    ),
    path("notifications/", views.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read/", views.NotificationReadApi.as_view(), name="notification-read"),
    path(
        "notifications/preferences/",
        views.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("notifications/sms-consent/", views.SmsConsentApi.as_view(), name="sms-consent"),
]
