"""factory_boy factories that go through the real services where a service exists."""

from __future__ import annotations

import factory

from clientela.accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    role = Role.VIEWER
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_party(actor=None, **kwargs):
    """A person through `party_create`; pass relationship_kind/owner/stage as needed."""
    from clientela.parties.services import party_create

    defaults = {"given_name": "Ana", "family_name": "Popescu"}
    defaults.update(kwargs)
    return party_create(actor=actor, **defaults)
