"""Contracts in the demo, from the clients, owners, orders and catalogue already loaded.

- every agency or bank client in purchase or later gets a binding contract: `signed` in
  purchase, `active` in onboarding and relationship management; it starts when the client
  entered purchase (or its relationship started), is signed a few days before, names one of
  the catalogue's personalised services, and its value per period is the client's average
  order (or the service's price); the rhythm is monthly, quarterly or yearly; the end (and
  renewal) date lies 5 to 365 days after `now`, a quarter of them within 60 days, so the
  renewal lists are alive;
- a client whose contract started more than 400 days before `now` first had a one-year
  contract that expired, followed by the current one;
- six in ten clients in consideration get a draft (or sent) contract, and three in ten an
  earlier proposal that was terminated ("the client chose another provider");
- each contract's status changes are in its amendment history; three active contracts carry
  a tiny generated PDF as their signed document.
Deterministic from `seed`; with contracts already in the database it adds nothing (a second
load returns 0). `cafe` has no clients: 0.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

_RHYTHMS = (("monthly", 5), ("quarterly", 3), ("yearly", 2))
_PERIODS = {"monthly": 1, "quarterly": 3, "yearly": 12}
_NOTICE = (30, 30, 60, 90)
_DOCUMENTS = 3


def demo_load(*, business: str, seed: int, now: dt.datetime) -> int:
    """Create the demo's contracts; returns how many rows (contracts and amendments)."""
    from clientela.commerce.models import CatalogItem, Offering
    from clientela.contracts.models import Contract
    from clientela.core.selectors import business_get
    from clientela.parties.models import Relationship

    if business not in {"agency", "bank"} or Contract.objects.exists():
        return 0
    now = now if timezone.is_aware(now) else timezone.make_aware(now, dt.UTC)
    today = timezone.localtime(now).date()
    items = list(
        CatalogItem.objects.filter(offering=Offering.PERSONALISED, active=True).order_by(
            "sku", "id"
        )
    )
    rels = list(
        Relationship.objects.filter(
            kind="client",
            is_current=True,
            stage__in=("consideration", "purchase", "onboarding", "relationship_management"),
        )
        .select_related("party")
        .order_by("started_at", "party__sort_key", "id")
    )
    if not rels:
        return 0
    ids = [r.pk for r in rels]
    entered = _purchase_entries(ids)
    averages = _average_orders(ids)
    signers = _signers([r.party for r in rels])
    currency = business_get().currency
    rng = random.Random(f"contracts:{seed}")
    plan = _Plan(today=today, now=now, currency=currency, rng=rng)
    for rel in rels:
        item = rng.choice(items) if items else None
        value = averages.get(rel.pk) or (item.unit_price if item else Decimal("1000.00"))
        plan.add_client(rel, item=item, value=value, signer=signers.get(rel.party_id),
                        entered=entered.get(rel.pk))  # fmt: skip
    with transaction.atomic():
        created = plan.write()
    return created


class _Plan:
    """Contracts and their amendments, built in memory, written in bulk."""

    def __init__(self, *, today, now, currency, rng):
        self.today, self.now, self.currency, self.rng = today, now, currency, rng
        self.contracts: list = []  # (Contract, item, signer, [(at, changes, note)])

    def add_client(self, rel, *, item, value, signer, entered) -> None:
        rng = self.rng
        rhythm = rng.choices([r for r, _ in _RHYTHMS], [w for _, w in _RHYTHMS])[0]
        if item is not None and "monthly" in item.name.lower():
            rhythm = "monthly"  # the catalogue says how this service is billed
        per_period = (Decimal(value) * _PERIODS[rhythm] / 1).quantize(Decimal("0.01"))
        if rel.stage == "consideration":
            self._proposal(rel, item, signer, per_period, rhythm)
            return
        start = (entered or rel.started_at).date()
        start = min(start, self.today)
        if (self.today - start).days > 400:
            self._expired(rel, item, signer, per_period, rhythm, start)
            start = start + dt.timedelta(days=365)
        soon = rng.random() < 0.25
        end = self.today + dt.timedelta(days=rng.randint(5, 59) if soon else rng.randint(60, 365))
        status = "signed" if rel.stage == "purchase" else "active"
        self._binding(rel, item, signer, per_period, rhythm, start, end, status)

    def _new(self, rel, item, per_period, rhythm, start, end, status, **extra):
        from clientela.contracts.models import Contract

        title = f"{item.name if item else 'Advisory'} {start:%Y}"[:200]
        contract = Contract(
            relationship_id=rel.pk,
            party_id=rel.party_id,
            title=title,
            value=per_period,
            currency=self.currency,
            billing=rhythm,
            start_on=start,
            end_on=end,
            notice_days=self.rng.choice(_NOTICE),
            exclusive=self.rng.random() < 0.4,
            status=status,
            created_at=self._at(start - dt.timedelta(days=20)),
            updated_at=self.now,
            **extra,
        )
        contract.assign_public_id()
        return contract

    def _binding(self, rel, item, signer, per_period, rhythm, start, end, status):
        signed_on = start - dt.timedelta(days=self.rng.randint(1, 10))
        contract = self._new(rel, item, per_period, rhythm, start, end, status, signed_on=signed_on)
        history = [
            (signed_on - dt.timedelta(days=7), {"status": ["draft", "sent"]}, ""),
            (signed_on, {"status": ["sent", "signed"],
                         "signed_on": [None, signed_on.isoformat()]}, ""),
        ]  # fmt: skip
        if status == "active":
            history.append((start, {"status": ["signed", "active"]}, ""))
        self.contracts.append((contract, item, signer, history))

    def _expired(self, rel, item, signer, per_period, rhythm, start):
        end = start + dt.timedelta(days=364)
        signed_on = start - dt.timedelta(days=5)
        contract = self._new(rel, item, per_period, rhythm, start, end, "expired",
                             signed_on=signed_on)  # fmt: skip
        history = [
            (signed_on - dt.timedelta(days=7), {"status": ["draft", "sent"]}, ""),
            (signed_on, {"status": ["sent", "signed"],
                         "signed_on": [None, signed_on.isoformat()]}, ""),
            (start, {"status": ["signed", "active"]}, ""),
            (end + dt.timedelta(days=1), {"status": ["active", "expired"]}, "expired"),
        ]  # fmt: skip
        self.contracts.append((contract, item, signer, history))

    def _proposal(self, rel, item, signer, per_period, rhythm):
        start = self.today + dt.timedelta(days=self.rng.randint(14, 60))
        end = start + dt.timedelta(days=364)
        draw = self.rng.random()
        if draw < 0.6:
            sent = draw < 0.25
            status = "sent" if sent else "draft"
            contract = self._new(rel, item, per_period, rhythm, start, end, status)
            history = [(self.today - dt.timedelta(days=3), {"status": ["draft", "sent"]}, "")]
            self.contracts.append((contract, item, signer, history if sent else []))
        if self.rng.random() < 0.3:
            old_start = self.today - dt.timedelta(days=self.rng.randint(90, 200))
            reason = "The client chose another provider"
            terminated_on = old_start - dt.timedelta(days=10)
            old = self._new(rel, item, per_period, rhythm, old_start,
                            old_start + dt.timedelta(days=364), "terminated",
                            terminated_on=terminated_on, termination_reason=reason)  # fmt: skip
            old.created_at = self._at(old_start - dt.timedelta(days=40))
            history = [
                (terminated_on - dt.timedelta(days=20), {"status": ["draft", "sent"]}, ""),
                (terminated_on, {"status": ["sent", "terminated"],
                                 "terminated_on": [None, terminated_on.isoformat()],
                                 "termination_reason": ["", reason]}, reason),
            ]  # fmt: skip
            self.contracts.append((old, item, signer, history))

    def _at(self, day: dt.date) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
        return min(moment, self.now)

    def write(self) -> int:
        from clientela.contracts.models import Contract, ContractAmendment

        rows = [c for c, *_ in self.contracts]
        Contract.objects.bulk_create(rows, batch_size=500)
        saved = dict(
            Contract.objects.filter(public_id__in=[c.public_id for c in rows]).values_list(
                "public_id", "id"
            )
        )
        services, signatories, amendments = [], [], []
        for contract, item, signer, history in self.contracts:
            contract.pk = saved[contract.public_id]
            if item is not None:
                services.append(Contract.services.through(contract_id=contract.pk,
                                                          catalogitem_id=item.pk))  # fmt: skip
            if signer is not None:
                signatories.append(Contract.signatories.through(contract_id=contract.pk,
                                                                party_id=signer))  # fmt: skip
            for day, changes, note in history:
                amendments.append(ContractAmendment(contract_id=contract.pk, at=self._at(day),
                                                    changes=changes, note=note))  # fmt: skip
        Contract.services.through.objects.bulk_create(services, batch_size=1000)
        Contract.signatories.through.objects.bulk_create(signatories, batch_size=1000)
        ContractAmendment.objects.bulk_create(amendments, batch_size=1000)
        self._documents([c for c, *_ in self.contracts if c.status == "active"][:_DOCUMENTS])
        return len(rows) + len(amendments)

    def _documents(self, contracts) -> None:
        import hashlib

        from clientela.core.files import PDF

        for contract in contracts:
            content = _tiny_pdf(contract.title)
            contract._upload_content_type = PDF
            contract.document.save("signed-contract.pdf", ContentFile(content), save=False)
            contract.document_name = f"{contract.public_id}-signed.pdf"
            contract.document_size = len(content)
            contract.document_content_type = PDF
            contract.document_sha256 = hashlib.sha256(content).hexdigest()
            contract.document_uploaded_at = self._at(contract.signed_on or contract.start_on)
            contract.save(update_fields=["document", "document_name", "document_size",
                                         "document_content_type", "document_sha256",
                                         "document_uploaded_at"])  # fmt: skip


def _purchase_entries(ids: list[int]) -> dict[int, dt.datetime]:
    from clientela.journeys.models import JourneyTransition

    entries: dict[int, dt.datetime] = {}
    rows = (
        JourneyTransition.objects.filter(relationship_id__in=ids, to_stage="purchase")
        .order_by("relationship_id", "at")
        .values_list("relationship_id", "at")
    )
    for rid, at in rows:
        entries.setdefault(rid, at)
    return entries


def _average_orders(ids: list[int]) -> dict[int, Decimal]:
    from clientela.commerce.models import Order

    rows = (
        Order.objects.filter(relationship_id__in=ids)
        .values("relationship_id")
        .annotate(avg=Avg("total"))
        .order_by()
    )
    return {
        row["relationship_id"]: Decimal(row["avg"]).quantize(Decimal("0.01"))
        for row in rows
        if row["avg"]
    }


def _signers(parties) -> dict[int, int]:
    """The party itself for a person; the first member (by name) for an organisation."""
    from clientela.parties.models import Membership

    result = {p.pk: p.pk for p in parties if p.kind == "person"}
    orgs = [p.pk for p in parties if p.kind != "person"]
    members = (
        Membership.objects.filter(organisation_id__in=orgs)
        .order_by("organisation_id", "person__sort_key", "person_id")
        .values_list("organisation_id", "person_id")
    )
    for org, person in members:
        result.setdefault(org, person)
    return result


def _tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF saying `title` (ASCII only), for the demo's signed documents."""
    text = title.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td (Signed contract: {text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
