import pytest

from clientela.accounts.models import User
from clientela.accounts.services import user_create, user_set_language
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent


def test_user_create_sets_role_flags_and_audits(admin):
    user, password = user_create(actor=admin, username=" Marta ", role="manager", language="pl")

    user = User.objects.get(pk=user.pk)
    assert (user.username, user.role, user.is_staff, user.is_superuser, user.language) == (
        "Marta",
        "manager",
        True,
        False,
        "pl",
    )
    assert (len(password) >= 12, user.check_password(password)) == (True, True)
    event = AuditEvent.objects.get(action="user.created")
    assert (event.actor, event.target_id, event.data) == (admin, str(user.pk), {"role": "manager"})


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"username": " ", "role": "viewer"}, ErrorCode.VALIDATION, "username"),
        ({"username": "ADMIN", "role": "viewer"}, ErrorCode.CONFLICT, "username"),
        ({"username": "x", "role": "boss"}, ErrorCode.VALIDATION, "role"),
        ({"username": "x", "role": "viewer", "password": "123"}, ErrorCode.VALIDATION, "password"),
        ({"username": "x", "role": "viewer", "language": "de"}, ErrorCode.VALIDATION, "language"),
    ],
)
def test_bad_users_are_refused_naming_the_field(admin, kwargs, code, field):
    with pytest.raises(ApplicationError) as info:
        user_create(actor=admin, **kwargs)

    assert (info.value.code, list(info.value.extra["fields"])) == (code, [field])
    assert User.objects.count() == 6


def test_user_set_language_refuses_an_unknown_language(users):
    viewer = users["viewer"]

    with pytest.raises(ApplicationError) as info:
        user_set_language(actor=viewer, language="de")

    assert info.value.extra == {"fields": {"language": ["unsupported language 'de'"]}}
    assert User.objects.get(pk=viewer.pk).language == "en"
