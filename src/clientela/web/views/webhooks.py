"""The webhooks pages (Settings > Webhooks), for admins: subscriptions, their state and
delivery log, and the actions (create, edit, send a test event, enable, disable, rotate
the secret, delete). Every view calls a webhooks selector or service first, which refuses
other roles with PERMISSION_DENIED (403). A new or rotated secret is shown once, on the page
the action redirects to, and then only exists in the subscription row."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from clientela.core.errors import ApplicationError
from clientela.web.forms import attach_error, parse
from clientela.webhooks.models import DeliveryStatus
from clientela.webhooks.selectors import (
    webhook_delivery_page,
    webhook_event_type_choices,
    webhook_subscription_get,
    webhook_subscription_list,
)
from clientela.webhooks.services import (
    webhook_secret_rotate,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_disable,
    webhook_subscription_enable,
    webhook_subscription_update,
    webhook_test_send,
)

_SECRET_KEY = "webhook_secret_once"
# The POST-only actions on one subscription, each at settings/webhooks/<id>/<action>/.
ACTIONS = ("test", "enable", "disable", "rotate", "delete")


class WebhookForm(forms.Form):
    """Parses the page's input; the service validates it (and names the bad field)."""

    url = forms.CharField(
        required=False,
        max_length=2000,
        label=gettext_lazy("URL"),
        widget=forms.TextInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    description = forms.CharField(required=False, max_length=200, label=gettext_lazy("Description"))
    event_types = forms.MultipleChoiceField(
        required=False,
        choices=webhook_event_type_choices,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Events"),
    )


@require_http_methods(["GET", "POST"])
def webhooks(request):
    subscriptions = list(webhook_subscription_list(actor=request.user))
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            data = parse(form)
            subscription = webhook_subscription_create(
                actor=request.user,
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
            )
        except ApplicationError as exc:
            attach_error(form, exc)
            context = {"subscriptions": subscriptions, "form": form, "error": exc.message}
            return render(request, "web/webhooks.html", context, status=exc.http_status)
        _show_secret_once(request, subscription)
        messages.success(request, _("The webhook subscription is created."))
        return redirect("web:webhook", public_id=subscription.public_id)
    return render(request, "web/webhooks.html", {"subscriptions": subscriptions, "form": form})


@require_http_methods(["GET", "POST"])
def webhook_detail(request, public_id: str):
    subscription = webhook_subscription_get(actor=request.user, public_id=public_id)
    status, error = 200, None
    if request.method == "POST":
        form = WebhookForm(request.POST)
        try:
            data = parse(form)
            webhook_subscription_update(
                actor=request.user,
                subscription=subscription,
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
            )
        except ApplicationError as exc:
            attach_error(form, exc)
            status, error = exc.http_status, exc.message
        else:
            messages.success(request, _("The webhook subscription is saved."))
            return redirect("web:webhook", public_id=subscription.public_id)
    else:
        form = WebhookForm(
            initial={
                "url": subscription.url,
                "description": subscription.description,
                "event_types": subscription.event_types,
            }
        )
    page = webhook_delivery_page(
        actor=request.user,
        subscription=subscription,
        cursor=request.GET.get("cursor") or None,
        status=request.GET.get("status") or None,
    )
    shown = request.session.pop(_SECRET_KEY, None)
    context = {
        "subscription": subscription,
        "form": form,
        "error": error,
        "page": page,
        "status_filter": request.GET.get("status") or "",
        "statuses": DeliveryStatus.choices,
        "secret": shown["secret"] if shown and shown.get("id") == public_id else None,
    }
    return render(request, "web/webhooks.html", context, status=status)


@require_POST
def webhook_action(request, public_id: str, action: str):
    subscription = webhook_subscription_get(actor=request.user, public_id=public_id)
    if action == "test":
        webhook_test_send(actor=request.user, subscription=subscription)
        messages.success(request, _("A test event is queued; the worker sends it shortly."))
    elif action == "enable":
        webhook_subscription_enable(actor=request.user, subscription=subscription)
        messages.success(request, _("The webhook subscription is enabled."))
    elif action == "disable":
        webhook_subscription_disable(actor=request.user, subscription=subscription)
        messages.success(request, _("The webhook subscription is disabled."))
    elif action == "rotate":
        webhook_secret_rotate(actor=request.user, subscription=subscription)
        _show_secret_once(request, subscription)
        messages.success(request, _("The secret is replaced; the old one also signs for 24 hours."))
    else:  # delete
        webhook_subscription_delete(actor=request.user, subscription=subscription)
        messages.success(request, _("The webhook subscription is deleted."))
        return redirect("web:webhooks")
    return redirect("web:webhook", public_id=subscription.public_id)


def _show_secret_once(request, subscription) -> None:
    request.session[_SECRET_KEY] = {"id": subscription.public_id, "secret": subscription.secret}
