"""
A SelfCommunity-shaped API written with Django REST Framework (Debian's python3-djangorestframework),
mounted by dotserver.py when DOT_DRF_RATE is set (the REST_FRAMEWORK settings are there): what decides
authentication, pagination and throttling here is stock DRF and DOT code, not ours.

  Authentication  DOT's own DRF class (oauth2_provider.contrib.rest_framework.OAuth2Authentication)
  Throttle        DRF's UserRateThrottle at DOT_DRF_RATE ("40/s": DRF reads the period's first letter),
                  in Django's local-memory cache: 429 + Retry-After before the view runs
  Pagination      DRF's LimitOffsetPagination, at most DOT_DRF_MAX_PAGE items a page

  GET  /api/v2/user/me/                 who the token belongs to
  GET  /api/v2/status/?limit&offset     {count, next, previous, results}, `voted`/`reaction` per item
  GET  /api/v2/status/{id}/             one status
  POST /api/v2/status/{id}/vote/        TOGGLES the user's vote (?reaction=R), 204
  GET  /api/v2/{discussion,post,comment}/, /api/v2/reaction/, /api/v2/feature/
  GET  /_test/drf/                      vote POSTs applied per status (those the throttle let through)

DOT_DRF_STATUSES statuses, DOT_DRF_VOTED of them voted by the user (reactions 1 and 2 in turn).
"""
import datetime
import os
import random
import threading

from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

STATUSES = int(os.environ.get("DOT_DRF_STATUSES", "400"))
VOTED = int(os.environ.get("DOT_DRF_VOTED", "150"))
MAX_PAGE = int(os.environ.get("DOT_DRF_MAX_PAGE", "10"))

REACTIONS = [
    {"id": 1, "label": "Like", "sentiment": "positive", "image": "", "active": True},
    {"id": 2, "label": "Love", "sentiment": "positive", "image": "", "active": True},
]
LOCK = threading.Lock()
ITEMS = {}  # status id -> {"id", "added_at", "html", "votes": {user id: reaction id}}
APPLIED = {}  # status id -> vote POSTs that reached the view


class Page(LimitOffsetPagination):
    default_limit = max_limit = MAX_PAGE


def seed(user_id):
    """The statuses, newest with the highest id; VOTED of them voted by `user_id`."""
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    voted = sorted(random.Random(24).sample(range(1, STATUSES + 1), VOTED))
    for i in range(1, STATUSES + 1):
        ITEMS[i] = {"id": i, "added_at": (start + datetime.timedelta(minutes=i)).isoformat(), "html": f"status {i}"}
        ITEMS[i]["votes"] = {}
    for n, i in enumerate(voted):
        ITEMS[i]["votes"][user_id] = 1 + n % 2
    return voted


def show(item, user):
    mine = item["votes"].get(user.id)
    return {
        "id": item["id"],
        "type": "status",
        "added_at": item["added_at"],
        "html": item["html"],
        "summary": item["html"],
        "comment_count": 0,
        "vote_count": len(item["votes"]),
        "voted": mine is not None,
        "reaction": REACTIONS[mine - 1] if mine else None,
    }


def paginated(request, rows):
    page = Page()
    return page.get_paginated_response(page.paginate_queryset(rows, request))


@api_view(["GET"])
def me(request):
    return Response({"id": request.user.id, "username": request.user.username, "real_name": "", "email": ""})


@api_view(["GET"])
def statuses(request):
    with LOCK:
        rows = [show(item, request.user) for item in ITEMS.values()]
    rows.sort(key=lambda r: r["added_at"], reverse=request.query_params.get("ordering", "-added_at") != "added_at")
    return paginated(request, rows)


def item_or_404(pk):
    if pk not in ITEMS:
        raise NotFound()
    return ITEMS[pk]


@api_view(["GET"])
def status(request, pk):
    with LOCK:
        return Response(show(item_or_404(pk), request.user))


@api_view(["POST"])
def vote(request, pk):
    """The toggle: no vote -> add R; voted R -> remove; voted S != R -> change to R (R defaults to 1)."""
    reaction = int(request.query_params.get("reaction", "1"))
    with LOCK:
        votes = item_or_404(pk)["votes"]
        APPLIED[pk] = APPLIED.get(pk, 0) + 1
        if votes.get(request.user.id) == reaction:
            del votes[request.user.id]
        else:
            votes[request.user.id] = reaction
    return Response(status=204)


@api_view(["GET"])
def empty(request):
    return paginated(request, [])


@api_view(["GET"])
@permission_classes([AllowAny])
def reactions(request):
    return paginated(request, REACTIONS)


@api_view(["GET"])
def features(request):
    return Response(["reaction"])


def state(request):
    from django.http import JsonResponse

    with LOCK:
        voted = [i for i, item in ITEMS.items() if item["votes"]]
        return JsonResponse({"applied": {str(k): v for k, v in APPLIED.items()}, "voted": voted})


urlpatterns = [
    path("api/v2/user/me/", me),
    path("api/v2/status/", statuses),
    path("api/v2/status/<int:pk>/", status),
    path("api/v2/status/<int:pk>/vote/", vote),
    path("api/v2/discussion/", empty),
    path("api/v2/post/", empty),
    path("api/v2/comment/", empty),
    path("api/v2/reaction/", reactions),
    path("api/v2/feature/", features),
    path("_test/drf/", state),
]
