"""Sign in and out (Django's views; django-axes throttles failed attempts)."""

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "caseinspect/registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
