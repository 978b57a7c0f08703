"""Pages of federated sharing, for platform admins and consortium evaluators:
trusted publishers, imported bundles and the protected figures in each.
Importing and trusting are done with ``evidencehub bundle`` or the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from evidencehub.apps.federation import selectors


def _require_access(request: HttpRequest) -> None:
    if not selectors.bundle_access(user=request.user).can_list:
        raise PermissionDenied


@login_required
def bundle_list(request: HttpRequest) -> HttpResponse:
    _require_access(request)
    return render(
        request,
        "federation/bundles.html",
        {
            "rows": selectors.imported_bundles(),
            "publishers": selectors.trusted_publishers(),
            "own_key": selectors.signing_keys().first(),
        },
    )


@login_required
def bundle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_access(request)
    bundle = selectors.imported_bundle(pk=pk)
    if bundle is None:
        raise Http404
    return render(
        request,
        "federation/bundle_detail.html",
        {"bundle": bundle, "figures": selectors.bundle_figures(bundle=bundle)},
    )
