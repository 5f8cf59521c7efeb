"""The follow-up of the sessions' conclusions: open and done items, and marking one done."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from core.actions import InlineActionView

from ..models import FollowUpItem, FollowUpStatus
from ..selectors import follow_up_list_visible_to
from .actions import FOLLOW_UP_ACTIONS
from .base import DeskMixin


class FollowUpListView(DeskMixin, TemplateView):
    template_name = "reception/followup_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        items = follow_up_list_visible_to(user=self.user)
        open_items = list(items.filter(status=FollowUpStatus.OPEN).order_by("due_on", "pk")[:200])
        return super().get_context_data(
            open_items=open_items,
            # the items whose "done" form this official may send
            completable={i.pk for i in open_items if FOLLOW_UP_ACTIONS.may("complete", user=self.user, record=i)},
            done_items=list(items.filter(status=FollowUpStatus.DONE).order_by("-done_on", "-pk")[:50]),
            today=timezone.localdate(),
            **kwargs,
        )


class FollowUpActionView(InlineActionView[FollowUpItem]):
    """POST from the follow-up list: mark an item done with its result."""

    table = FOLLOW_UP_ACTIONS

    def get_record(self) -> FollowUpItem:
        return get_object_or_404(follow_up_list_visible_to(user=self.request.user), pk=self.kwargs["pk"])

    def redirect_after(self, result: object) -> HttpResponse:
        return redirect("reception:followup_list")
