from django.urls import path

from accounts import views

app_name = "portal"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("team/", views.team, name="team"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
