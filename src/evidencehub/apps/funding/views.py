"""Pages of the funders database. Public records need a sign-in; pages of an
organisation (matches, profile, saved searches, watchlist, sharing) resolve it
with ``organisation_required`` so outsiders get 404. Calendar feeds are
reached by an unguessable token because calendar apps cannot sign in."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidencehub.apps.accounts.decorators import organisation_required
from evidencehub.apps.accounts.models import Organisation, User
from evidencehub.apps.accounts.selectors import organisations_for_user
from evidencehub.apps.forms import apply_validation_error
from evidencehub.apps.funding import selectors, services
from evidencehub.apps.funding.forms import (
    AnonymiseForm,
    ImportForm,
    PersonSettingsForm,
    ProfileForm,
    ReviewForm,
    SaveSearchForm,
    SearchForm,
    ShareForm,
    SubmissionForm,
    search_params,
)
from evidencehub.apps.funding.imports import (
    ImportFailed,
    anonymise_recipient,
    export_package,
    import_360giving,
)
from evidencehub.apps.funding.models import (
    Call,
    CallStatus,
    Funder,
    FundingProfile,
    PastGrant,
    PersonSettings,
    Programme,
    RecordChange,
    SavedSearch,
    Submission,
    WatchedCall,
)
from evidencehub.core.funding.giving360 import ATTRIBUTION, Giving360Error
from evidencehub.core.funding.matching import grant_range
from evidencehub.core.funding.vocab import (
    FUNDER_TYPES,
    LEGAL_FORMS,
    SIZE_BANDS,
    THEMES,
    country_name,
)
from evidencehub.core.permissions import Capability, Role

ICS = "text/calendar; charset=utf-8"


def _tz(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return services.settings_for(request.user).time_zone  # type: ignore[arg-type]
    return "UTC"


def _call_rows(calls: list[Call], tz: str) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for call in calls:
        shown = [
            d for d in selectors.shown_deadlines(call, tz=tz, now=now) if not d.passed
        ]
        rows.append(
            {
                "call": call,
                "who": selectors.one_line_who(call),
                "next": shown[0] if shown else None,
                "days_left": (shown[0].due_at - now).days if shown else None,
                "grant": grant_range(selectors.call_facts(call)),
                "funder": call.funder.name if call.funder else call.parent_text,
                "status": CallStatus(getattr(call, "live_status", call.status)).label,
            }
        )
    return rows


def _with_status(query: Any, status: str) -> str:
    changed = query.copy()
    changed.setlist("status", [status])
    return str(changed.urlencode())


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    params = search_params(request.GET)
    result = selectors.search_calls(params)
    facets = selectors.facet_counts(params)
    text = str(params.get("q", ""))
    records = selectors.search_records(text, limit=8) if text.strip() else {}
    query = request.GET.copy()
    query.pop("page", None)
    tz = _tz(request)
    return render(
        request,
        "funding/search.html",
        {
            "form": form,
            "result": result,
            "rows": _call_rows(result.calls, tz),
            "facets": facets,
            "records": records,
            "query": query.urlencode(),
            "table": request.GET.get("view") == "table",
            "tz": tz,
            "organisations": organisations_for_user(user=request.user),
            "closed_url": "?" + _with_status(query, "closed"),
        },
    )


def _provenance(record: Any) -> dict[str, Any]:
    return {
        "sources": record.sources,
        "verified": record.last_verified_on,
        "history": RecordChange.objects.filter(
            record_type=record._meta.model_name, record_key=record.key
        )[:20],
    }


@login_required
def call_detail(request: HttpRequest, key: str) -> HttpResponse:
    call = selectors.call_by_key(key)
    if call is None:
        raise Http404
    now = timezone.now()
    tz = _tz(request)
    organisations = list(organisations_for_user(user=request.user))
    watched = set(
        WatchedCall.objects.filter(
            call=call, organisation__in=organisations
        ).values_list("organisation_id", flat=True)
    )
    live = selectors.with_effective_status(  # type: ignore[misc]
        Call.objects.filter(pk=call.pk), now
    ).values_list("live_status", flat=True)[0]
    return render(
        request,
        "funding/call_detail.html",
        {
            "call": call,
            "live_status": live,
            "live_status_label": dict(Call._meta.get_field("status").choices or [])[
                live
            ],
            "row": _call_rows([call], tz)[0],
            "deadlines": selectors.shown_deadlines(call, tz=tz, now=now),
            "tz": tz,
            "themes": [THEMES.get(t, t) for t in call.themes],
            "countries": [country_name(c) for c in call.countries],
            "org_types": [LEGAL_FORMS.get(t, t) for t in call.eligible_org_types],
            "sizes": [SIZE_BANDS[s][0] for s in call.eligible_sizes if s in SIZE_BANDS],
            "organisations": [(o, o.pk in watched) for o in organisations],
            **_provenance(call),
        },
    )


@login_required
def call_ics(request: HttpRequest, key: str) -> HttpResponse:
    call = selectors.call_by_key(key)
    if call is None:
        raise Http404
    body = selectors.ical_for_calls(call.name, [call], host=request.get_host())
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{call.key}.ics"'
    return response


@login_required
def call_commongrants(request: HttpRequest, key: str) -> JsonResponse:
    call = selectors.call_by_key(key)
    if call is None:
        raise Http404
    return JsonResponse(selectors.commongrants(call), json_dumps_params={"indent": 2})


@login_required
def funder_list(request: HttpRequest) -> HttpResponse:
    funders = Funder.objects.filter(named_only=False).order_by("name")
    named = Funder.objects.filter(named_only=True).order_by("name")
    return render(
        request,
        "funding/funder_list.html",
        {"funders": funders, "named": named, "types": FUNDER_TYPES},
    )


@login_required
def funder_detail(request: HttpRequest, key: str) -> HttpResponse:
    funder = get_object_or_404(Funder, key=key)
    return render(
        request,
        "funding/record_detail.html",
        {
            "record": funder,
            "kind": "funder",
            "programmes": funder.programmes.all(),
            "calls": _call_rows(
                list(funder.calls.prefetch_related("deadlines")), _tz(request)
            ),
            "grants": funder.past_grants.all()[:20],
            "themes": [THEMES.get(t, t) for t in funder.themes],
            "countries": [country_name(c) for c in funder.countries],
            "type_label": FUNDER_TYPES.get(funder.funder_type, ""),
            **_provenance(funder),
        },
    )


@login_required
def programme_detail(request: HttpRequest, key: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("funder"), key=key)
    return render(
        request,
        "funding/record_detail.html",
        {
            "record": programme,
            "kind": "programme",
            "calls": _call_rows(
                list(
                    programme.calls.select_related("funder").prefetch_related(
                        "deadlines"
                    )
                ),
                _tz(request),
            ),
            "themes": [THEMES.get(t, t) for t in programme.themes],
            "countries": [country_name(c) for c in programme.countries],
            "type_label": FUNDER_TYPES.get(programme.funder_type, ""),
            **_provenance(programme),
        },
    )


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    grants = (
        selectors.search_grants(text, limit=50)
        if text.strip()
        else list(PastGrant.objects.all()[:50])
    )
    return render(
        request,
        "funding/grant_list.html",
        {
            "grants": grants,
            "q": text,
            "total": PastGrant.objects.count(),
            "attribution": ATTRIBUTION,
        },
    )


@login_required
def grant_export(request: HttpRequest) -> HttpResponse:
    grants = PastGrant.objects.order_by("identifier")
    if not grants.exists():
        raise Http404("No past grants to export.")
    try:
        package = export_package(grants)
    except Giving360Error as exc:  # pragma: no cover - stored grants were valid
        return HttpResponse(str(exc), status=500)
    response = HttpResponse(
        json.dumps(package, indent=2, ensure_ascii=False, default=str),
        content_type="application/json",
    )
    response["Content-Disposition"] = (
        'attachment; filename="past-grants-360giving.json"'
    )
    return response


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    return render(request, "funding/coverage.html", {"c": selectors.coverage()})


@login_required
def person_settings(request: HttpRequest) -> HttpResponse:
    prefs = services.settings_for(request.user)  # type: ignore[arg-type]
    form = PersonSettingsForm(
        request.POST or None,
        initial={
            "time_zone": prefs.time_zone,
            "digest": prefs.digest,
            "reminders": prefs.reminders,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_settings_update(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("funding:settings")
    return render(request, "funding/settings.html", {"form": form})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    prefs = PersonSettings.objects.filter(unsubscribe_token=token).first()
    if prefs is None:
        raise Http404
    done = False
    if request.method == "POST":
        prefs.digest = PersonSettings.Digest.OFF
        prefs.reminders = False
        prefs.save(update_fields=["digest", "reminders"])
        done = True
    return render(request, "funding/unsubscribe.html", {"done": done})


def _feed(name: str, calls: list[Call], request: HttpRequest) -> HttpResponse:
    body = selectors.ical_for_calls(name, calls, host=request.get_host())
    return HttpResponse(body, content_type=ICS)


def search_feed(request: HttpRequest, token: str) -> HttpResponse:
    saved = SavedSearch.objects.filter(feed_token=token).first()
    if saved is None:
        raise Http404
    return _feed(f"Funding: {saved.name}", selectors.saved_search_calls(saved), request)


def watchlist_feed(request: HttpRequest, token: str) -> HttpResponse:
    profile = (
        FundingProfile.objects.filter(feed_token=token)
        .select_related("organisation")
        .first()
    )
    if profile is None:
        raise Http404
    return _feed(
        f"Funding watchlist: {profile.organisation.name}",
        selectors.watched_calls(profile.organisation),
        request,
    )


# --- organisation pages ---------------------------------------------------------


@organisation_required()
def organisation_home(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    profile, _created = FundingProfile.objects.get_or_create(organisation=organisation)
    eligible, ineligible = selectors.matches_for(organisation)
    tz = _tz(request)
    rows = _call_rows([c for c, _m in eligible], tz)
    for row, (_call, match) in zip(rows, eligible, strict=True):
        row["match"] = match
    blocked = [{"call": c, "match": m} for c, m in ineligible]
    return render(
        request,
        "funding/organisation.html",
        {
            "organisation": organisation,
            "profile": profile,
            "profile_empty": not (
                profile.legal_form or profile.size_band or profile.themes
            ),
            "rows": rows,
            "blocked": blocked,
            "saved": [
                (s, urlencode(s.params, doseq=True))
                for s in SavedSearch.objects.filter(organisation=organisation)
            ],
            "watched": _call_rows(selectors.watched_calls(organisation), tz),
            "tz": tz,
            "can_edit": role == Role.ADMIN or role == Role.ANALYST,
        },
    )


@organisation_required(Capability.EDIT_PLAN)
def profile_edit(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    profile, _created = FundingProfile.objects.get_or_create(organisation=organisation)
    form = ProfileForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "initiative": profile.initiative,
            "legal_form": profile.legal_form,
            "size_band": profile.size_band,
            "themes": profile.themes,
            "languages": ", ".join(profile.languages),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Funding profile saved."))
            return redirect("funding:organisation", org_slug=organisation.slug)
    return render(
        request,
        "funding/profile_form.html",
        {"form": form, "organisation": organisation},
    )


@require_POST
@organisation_required()
def save_search(
    request: HttpRequest, organisation: Organisation, role: Role
) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    params = search_params(request.POST)
    params.pop("page", None)
    if form.is_valid():
        try:
            services.saved_search_create(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                name=form.cleaned_data["name"],
                params=params,
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(
                request, _("Search saved. Its new calls will be in your digest.")
            )
            return redirect("funding:organisation", org_slug=organisation.slug)
    else:
        messages.error(request, _("Give the search a name."))
    return redirect(reverse("funding:search") + "?" + urlencode(params, doseq=True))


@require_POST
@organisation_required()
def delete_search(
    request: HttpRequest, organisation: Organisation, role: Role, pk: int
) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, organisation=organisation, pk=pk)
    services.saved_search_delete(actor=request.user, saved=saved)  # type: ignore[arg-type]
    messages.success(request, _("Saved search deleted."))
    return redirect("funding:organisation", org_slug=organisation.slug)


@require_POST
@organisation_required()
def toggle_watch(
    request: HttpRequest, organisation: Organisation, role: Role, key: str
) -> HttpResponse:
    call = get_object_or_404(Call, key=key)
    if WatchedCall.objects.filter(organisation=organisation, call=call).exists():
        services.unwatch(actor=request.user, organisation=organisation, call=call)  # type: ignore[arg-type]
        messages.success(request, _("Removed from the watchlist."))
    else:
        services.watch(actor=request.user, organisation=organisation, call=call)  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "Added to the watchlist. You will be reminded two weeks before "
                "the deadline."
            ),
        )
    return redirect("funding:call", key=call.key)


@organisation_required()
def share(
    request: HttpRequest, organisation: Organisation, role: Role, key: str
) -> HttpResponse:
    call = get_object_or_404(Call, key=key)
    people = [
        (str(u.pk), str(u))
        for u in User.objects.filter(memberships__organisation=organisation)
        .exclude(pk=request.user.pk)  # type: ignore[misc]
        .order_by("email")
    ]
    form = ShareForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        recipients = list(User.objects.filter(pk__in=form.cleaned_data["recipients"]))
        try:
            services.share_call(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                call=call,
                recipients=recipients,
                message=form.cleaned_data["message"],
                call_url=request.build_absolute_uri(
                    reverse("funding:call", args=[call.key])
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Shared with your colleagues."))
            return redirect("funding:call", key=call.key)
    return render(
        request,
        "funding/share.html",
        {"form": form, "call": call, "organisation": organisation},
    )


# --- submissions and review -------------------------------------------------


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    initial = {k: request.GET[k] for k in ("kind", "target") if k in request.GET}
    form = SubmissionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = {
            k: data[k]
            for k in ("name", "deadline_text", "eligibility", "url")
            if data.get(k)
        }
        target_type, _sep, target_key = (data.get("target") or "").partition(":")
        if data["kind"] == "call" and data.get("funder"):
            payload["funder"] = data["funder"]
        if data["kind"] == "funder":
            payload.pop("deadline_text", None)
            if "url" in payload:
                payload["website"] = payload.pop("url")
        try:
            services.submission_create(
                actor=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                payload=payload,
                source_url=data["source_url"],
                note=data.get("note", ""),
                target_type=target_type if data["kind"] == "correction" else "",
                target_key=target_key if data["kind"] == "correction" else "",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Thank you. A platform admin will review your proposal.")
            )
            return redirect("funding:submissions")
    return render(request, "funding/submit.html", {"form": form})


@login_required
def submissions(request: HttpRequest) -> HttpResponse:
    mine = Submission.objects.filter(submitted_by=request.user)  # type: ignore[misc]
    return render(request, "funding/submissions.html", {"submissions": mine})


def _platform_admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _platform_admin(request)
    pending = Submission.objects.filter(state=Submission.State.PENDING).select_related(
        "submitted_by"
    )
    done = Submission.objects.exclude(state=Submission.State.PENDING)[:30]
    return render(
        request,
        "funding/review.html",
        {"pending": pending, "done": done, "form": ReviewForm()},
    )


@require_POST
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    _platform_admin(request)
    submission = get_object_or_404(Submission, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
        return redirect("funding:review_queue")
    try:
        services.submission_review(
            actor=request.user,  # type: ignore[arg-type]
            submission=submission,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(
            request,
            "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
            if hasattr(exc, "error_dict")
            else "; ".join(exc.messages),
        )
    else:
        messages.success(request, _("Review saved."))
    return redirect("funding:review_queue")


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    _platform_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    failed = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_360giving(
                actor=request.user,  # type: ignore[arg-type]
                name=upload.name,
                data=upload.read(),
            )
        except ImportFailed as exc:
            report, failed = exc.report, True
        else:
            report = dict(batch.report, created=batch.created, updated=batch.updated)
    return render(
        request,
        "funding/import.html",
        {"form": form, "report": report, "failed": failed},
    )


@login_required
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    _platform_admin(request)
    grant = get_object_or_404(PastGrant, pk=pk)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        anonymise_recipient(
            actor=request.user,  # type: ignore[arg-type]
            grant=grant,
            region=form.cleaned_data["region"],
            description=form.cleaned_data["description"] or None,
        )
        messages.success(
            request,
            _("The recipient is now shown as an anonymous recipient everywhere."),
        )
        return redirect("funding:grants")
    return render(request, "funding/anonymise.html", {"form": form, "grant": grant})
