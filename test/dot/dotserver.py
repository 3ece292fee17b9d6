"""
A throwaway community OAuth server for the DOT test layer: stock Django OAuth Toolkit (Debian's
python3-django-oauth-toolkit) in a one-file Django project whose sqlite database, templates and
secret live in the temp dir given as argv[1]. Serves on 127.0.0.1 (a free port) with Django's own
threaded WSGI server, and prints one JSON line (base URL, client id, user) when ready.

  /accounts/login/        Django's login form (CSRF)
  /oauth/...              DOT's authorize / token / revoke_token views, unchanged
  /api/v2/user/me/        who the bearer token belongs to; the token is validated by DOT (401 if not)
  /_test/log/             every request seen (method, path, grant_type, status): server-side counts
  /_test/stats/           rows of DOT's token tables
  /_test/expire/          POST: makes every access token expired in the database (a 401 on next use)

With DOT_DRF_RATE set (e.g. "40/s"), drfapi.py's SelfCommunity-shaped API written with Django REST
Framework is mounted in front (its /api/v2/user/me/ replaces the one here), throttled by DRF's
UserRateThrottle at that rate, and an access token for the user is made and printed ("token").

Settings under test (OAUTH2_PROVIDER): PKCE required, rotating refresh tokens, a short access-token
lifetime, no refresh grace period. Everything else is DOT's default, ALLOWED_REDIRECT_URI_SCHEMES
included.
"""
import json
import os
import secrets
import sys
import threading
import time

import django
from django.conf import settings

TMP = sys.argv[1]
ACCESS_TOKEN_SECONDS = int(os.environ.get("DOT_ACCESS_TOKEN_SECONDS", "60"))
DRF_RATE = os.environ.get("DOT_DRF_RATE")
USERNAME, PASSWORD = "alice", secrets.token_urlsafe(12)
REDIRECT_URIS = [
    "http://127.0.0.1/oauth-callback",  # desktop VS Code: the loopback redirect, any port (RFC 8252)
    "https://vscode.example.test/stable-0123abcd/callback",  # browser-hosted VS Code, without its query
]

os.makedirs(os.path.join(TMP, "templates", "registration"), exist_ok=True)
with open(os.path.join(TMP, "templates", "registration", "login.html"), "w") as f:
    f.write(
        '<!doctype html><title>Log in</title><form method="post">{% csrf_token %}{{ form.as_p }}'
        '<input type="hidden" name="next" value="{{ next }}"><button>Log in</button></form>'
    )

# Stock DRF, configured as a DRF project would be: DOT's authentication, DRF's per-user throttle in
# Django's local-memory cache, JSON only.
DRF_SETTINGS = {
    "INSTALLED_APPS": ["rest_framework"],
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "REST_FRAMEWORK": {
        "DEFAULT_AUTHENTICATION_CLASSES": ["oauth2_provider.contrib.rest_framework.OAuth2Authentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"user": DRF_RATE},
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    },
}

settings.configure(
    **({k: v for k, v in DRF_SETTINGS.items() if k != "INSTALLED_APPS"} if DRF_RATE else {}),
    DEBUG=False,
    SECRET_KEY=secrets.token_urlsafe(40),
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    STATIC_URL="/static/",
    LOGIN_URL="/accounts/login/",
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "oauth2_provider",
        *(DRF_SETTINGS["INSTALLED_APPS"] if DRF_RATE else []),
    ],
    MIDDLEWARE=[
        __name__ + ".RequestLog",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [os.path.join(TMP, "templates")],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ]
            },
        }
    ],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(TMP, "db.sqlite3"),
            "OPTIONS": {"timeout": 30},
        }
    },
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # a throwaway user: fast
    OAUTH2_PROVIDER={
        "PKCE_REQUIRED": True,
        "ROTATE_REFRESH_TOKEN": True,
        "ACCESS_TOKEN_EXPIRE_SECONDS": ACCESS_TOKEN_SECONDS,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    },
)
django.setup()

from django.contrib.auth import views as auth_views  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken  # noqa: E402
from oauth2_provider.oauth2_backends import get_oauthlib_core  # noqa: E402

LOG = []
STARTED = time.monotonic()
LOG_LOCK = threading.Lock()


class RequestLog:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        at = (time.monotonic() - STARTED) * 1000
        grant_type = request.POST.get("grant_type") if request.method == "POST" else None
        response = self.get_response(request)
        if not request.path.startswith("/_test/"):
            entry = {"method": request.method, "path": request.path, "grant_type": grant_type}
            entry.update(status=response.status_code, at=at, retry_after=response.get("Retry-After"))
            if response.status_code == 429:
                entry["body"] = json.loads(response.content)
            with LOG_LOCK:
                LOG.append(entry)
        return response


def me(request):
    valid, r = get_oauthlib_core().verify_request(request, scopes=["read"])
    if not valid:
        response = JsonResponse({"detail": "Authentication credentials were not provided or are invalid."}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return JsonResponse({"id": r.user.id, "username": r.user.username, "real_name": ""})


def test_log(request):
    with LOG_LOCK:
        return JsonResponse(list(LOG), safe=False)


def stats(request):
    return JsonResponse(
        {
            "accessTokens": AccessToken.objects.count(),
            "refreshTokens": RefreshToken.objects.count(),
            "liveRefreshTokens": RefreshToken.objects.filter(revoked__isnull=True).count(),
            "grants": Grant.objects.count(),
        }
    )


@csrf_exempt
def expire(request):
    n = AccessToken.objects.update(expires=timezone.now() - timezone.timedelta(seconds=1))
    return JsonResponse({"expired": n})


urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view()),
    path("oauth/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("api/v2/user/me/", me),
    path("_test/log/", test_log),
    path("_test/stats/", stats),
    path("_test/expire/", expire),
]
if DRF_RATE:
    import drfapi  # noqa: E402 (beside this file: needs the settings above)

    urlpatterns[:0] = drfapi.urlpatterns


def admin_form_verdict(uri):
    """What DOT's own validation (the admin form's) says about registering this redirect URI."""
    app = Application(
        name="probe",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=uri,
    )
    try:
        app.clean()
        return "accepted"
    except ValidationError as e:
        return "; ".join(e.messages)


def main():
    call_command("migrate", verbosity=0, interactive=False)
    user = User.objects.create_user(USERNAME, password=PASSWORD)
    app = Application(
        name="Reactions for VS Code",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(REDIRECT_URIS),
        skip_authorization=False,
    )
    app.full_clean()  # what the admin form checks
    app.save()
    drf = {}
    if DRF_RATE:
        token = AccessToken.objects.create(
            user=user,
            application=app,
            token=secrets.token_urlsafe(30),
            expires=timezone.now() + timezone.timedelta(hours=1),
            scope="read write",
        )
        drf = {"token": token.token, "rate": DRF_RATE, "voted": drfapi.seed(user.id)}
        drf["versions"] = {"drf": __import__("rest_framework").__version__}

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    host, port = server.server_address[:2]
    print(
        json.dumps(
            {
                "baseUrl": f"http://{host}:{port}",
                "clientId": app.client_id,
                "username": USERNAME,
                "password": PASSWORD,
                "redirectUris": REDIRECT_URIS,
                "accessTokenSeconds": ACCESS_TOKEN_SECONDS,
                "versions": {"django": django.get_version(), "dot": __import__("oauth2_provider").__version__},
                "vscodeSchemeVerdict": admin_form_verdict("vscode://reactions-dev.reactions-vscode/oauth-callback"),
                **({"drf": drf} if drf else {}),
            }
        ),
        flush=True,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
