"""The pages where people make and revoke API tokens ("Khóa API"). Thin: api.access decides
who and which tokens, api.services makes and revokes them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, services
from .forms import TokenForm

NEW_KEY = "api-new-key"


def _manager(request):
    if not access.may_manage_tokens(request.user):
        raise Http404


def token_list(request):
    """The tokens the user manages, with their last use; the form to make one. The new key is
    shown once, on the page the form redirects to (taken out of the session as it is shown), so
    reloading that page neither shows it again nor makes another token; nor does a double click
    (services.create_token: the second finds the first's token, whose key is the one shown)."""
    _manager(request)
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, key = services.create_token(request.user, form.cleaned_data["name"], form.cleaned_data["province"])
        if key is None:
            # The same form sent twice: the key the first made stays in the session, untouched
            # here, so the page shows it, the one that works.
            messages.info(
                request,
                _(
                    "Khóa “%(name)s” vừa được tạo nên không tạo thêm khóa (biểu mẫu được gửi hai lần). "
                    "Cần thêm khóa thì đặt tên khác."
                )
                % {"name": token.name},
            )
        else:
            request.session[NEW_KEY] = key
        return redirect("api_tokens")
    tokens = access.visible_tokens(request.user).select_related("province", "created_by", "revoked_by")
    context = {"form": form, "tokens": tokens, "new_key": request.session.pop(NEW_KEY, None)}
    return render(request, "api/token_list.html", context, status=400 if form.is_bound else 200)


@require_POST
def token_revoke(request, pk):
    _manager(request)
    token = access.get_token_for_user(request.user, pk)
    services.revoke_token(token, request.user)
    messages.success(request, _("Đã thu hồi khóa “%(name)s”: hệ thống dùng khóa này không đọc được nữa.") % {"name": token.name})
    return redirect("api_tokens")
