"""Batch ingestion, the services behind `POST /events:batch` (touchpoints) and
`POST /orders:batch` (orders with lines, payer and consumer per line): `events_ingest` and
`orders_ingest`, up to 10,000 items a call.

Guarantees (docs/api.md, "Batch ingestion"):
- a batch that breaks the schema (not JSON, wrong shape, a bad item, a repeated external
  id, more than 10,000 items) is refused whole, 422 listing every problem, nothing written;
- otherwise every item gets a result, in input order: `created`, `unchanged` (its
  external id was already recorded: a retried batch creates nothing twice) or `rejected`
  with the reason in the error shape (an unknown party or catalogue item, a party the
  caller's role may not change, an external id already used for another party);
- everything accepted is written in one transaction, through the bulk paths of the owning
  apps (`activity_record_bulk_keyed`, `order_build_unsaved` + `order_save_bulk_keyed`);
  parties created on request go through `party_create`, as on the party form;
- two identical batches at once still create each item once: the unique external ids
  decide (inserts skip conflicts and report the winner's row), and parties created by
  email are serialised by a transaction-scoped lock per email (PostgreSQL; SQLite takes
  its write lock at BEGIN, which serialises whole batches).
The role rules are those of the per-item services: `activity.log` for events (support
agents may), `order.record` for orders, `party.create` when `create_parties` is set.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, authorize_parties, is_allowed
from clientela.activities.services import TouchpointIn, activity_record_bulk_keyed
from clientela.api.schemas.batch import EventBatchIn, OrderBatchIn
from clientela.commerce.services import LineIn, order_build_unsaved, order_save_bulk_keyed
from clientela.core.errors import ApplicationError, ErrorCode


def events_ingest(*, actor, batch: EventBatchIn) -> dict:
    """Record up to 10,000 touchpoints; each item's `external_id` makes a retry harmless.
    Per item: `created`, `unchanged` or `rejected` (with the reason); a malformed batch is
    a 422 listing every problem, and nothing is written."""
    user = actor
    authorize(user, Action.ACTIVITY_LOG)
    if batch.create_parties:
        authorize(user, Action.PARTY_CREATE)
    items = batch.items
    results = _Results(items)
    with transaction.atomic():
        parties = _Parties(actor=user, create=batch.create_parties, ids_only=True)
        refs = [_ref(item, "party") for item in items]
        parties.prefetch(refs)
        accepted: list[tuple[int, object]] = []
        for index, ref in enumerate(refs):
            try:
                accepted.append((index, parties.resolve(f"items[{index}]", ref)))
            except ApplicationError as exc:
                results.reject(index, exc)
        accepted = _permitted(user, Action.ACTIVITY_LOG, accepted, results)
        outcomes = activity_record_bulk_keyed(
            actor=user,
            items=[
                TouchpointIn(
                    party_id=party.pk,
                    kind=items[index].kind,
                    occurred_at=items[index].occurred_at,
                    channel=items[index].channel or "",
                    direction=items[index].direction,
                    subject=items[index].subject,
                    properties=items[index].properties,
                    external_id=items[index].external_id,
                )
                for index, party in accepted
            ],
        )
        for (index, party), outcome in zip(accepted, outcomes, strict=True):
            results.record(index, party, outcome.public_id, outcome.party_id, outcome.created)
    return results.body()


def orders_ingest(*, actor, batch: OrderBatchIn) -> dict:
    """Record up to 10,000 orders with their lines (payer and consumer per line); each
    item's `external_id` makes a retry harmless, and an order already recorded is never
    changed. Per item: `created`, `unchanged` or `rejected` (with the reason)."""
    user = actor
    authorize(user, Action.ORDER_RECORD)
    if batch.create_parties:
        authorize(user, Action.PARTY_CREATE)
    items = batch.items
    results = _Results(items)
    with transaction.atomic():
        parties = _Parties(actor=user, create=batch.create_parties)
        refs = [_ref(item, "party") for item in items]
        refs += [_ref(line, "consumer") for item in items for line in item.lines]
        parties.prefetch(refs)
        catalogue = _Catalogue(items)
        resolved: list[tuple[int, object, list[LineIn]]] = []
        for index, item in enumerate(items):
            try:
                payer = parties.resolve(f"items[{index}]", _ref(item, "party"))
                lines = [
                    _line(f"items[{index}].lines[{n}]", line, catalogue, parties)
                    for n, line in enumerate(item.lines)
                ]
            except ApplicationError as exc:
                results.reject(index, exc)
                continue
            resolved.append((index, payer, lines))
        permitted = {
            index
            for index, _party in _permitted(
                user, Action.ORDER_RECORD, [(i, payer) for i, payer, _l in resolved], results
            )
        }
        current = _current_relationships({payer.pk for _i, payer, _l in resolved})
        accepted, built = [], []
        for index, payer, lines in resolved:
            if index not in permitted:
                continue
            item = items[index]
            try:
                built.append(
                    order_build_unsaved(
                        payer=payer,
                        lines=lines,
                        currency=item.currency,
                        channel=item.channel,
                        status=item.status,
                        placed_at=item.placed_at,
                        external_id=item.external_id,
                        relationship=current.get(payer.pk),
                    )
                )
            except ApplicationError as exc:
                results.reject(index, _prefixed(f"items[{index}]", exc))
                continue
            accepted.append((index, payer))
        outcomes = order_save_bulk_keyed(actor=user, orders=built)
        for (index, payer), outcome in zip(accepted, outcomes, strict=True):
            results.record(index, payer, outcome.public_id, outcome.payer_id, outcome.created)
    return results.body()


class _Ref(NamedTuple):
    """How an item names a party: by public id, or by email and/or external id (with the
    names to give it if it is created). A named tuple: one is made per item and line."""

    public_id: str | None
    email: str | None
    external_id: str | None
    given_name: str = ""
    family_name: str = ""


def _ref(obj, prefix: str) -> _Ref | None:
    if prefix == "party":
        names = (obj.party_given_name, obj.party_family_name)
    else:
        names = (obj.consumer_given_name, obj.consumer_family_name)
    ref = _Ref(
        getattr(obj, prefix),
        getattr(obj, f"{prefix}_email"),
        getattr(obj, f"{prefix}_external_id"),
        *names,
    )
    return ref if (ref.public_id or ref.email or ref.external_id) else None


class _Parties:
    """Finds the parties a batch names (a few queries for the whole batch) and, when asked,
    creates the missing ones through `party_create` as customers."""

    def __init__(self, *, actor, create: bool, ids_only: bool = False) -> None:
        """`ids_only`: load only the ids of the parties found (internal, public, external),
        for a caller that needs no more (events); by default every column."""
        self.actor, self.create = actor, create
        self.columns = ("id", "public_id", "external_id") if ids_only else ()
        self.by_public_id: dict[str, object] = {}
        self.by_email: dict[str, object] = {}
        self.by_external_id: dict[str, object] = {}

    def prefetch(self, refs: list[_Ref | None]) -> None:
        refs = [ref for ref in refs if ref is not None]
        self._load(
            public_ids={r.public_id for r in refs if r.public_id},
            emails={r.email for r in refs if r.email},
            external_ids={r.external_id for r in refs if r.external_id},
        )
        if not self.create or connection.vendor != "postgresql":
            return
        # Lock every email / external id this batch may create, in one sorted order (no
        # deadlock between two batches), then look again: a concurrent batch that created
        # one of them has committed by the time the lock is ours.
        emails = {r.email for r in refs if r.email and r.email not in self.by_email}
        external_ids = {
            r.external_id
            for r in refs
            if r.external_id and r.external_id not in self.by_external_id
        }
        keys = sorted({f"email:{e}" for e in emails} | {f"ext:{x}" for x in external_ids})
        if not keys:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT "
                "hashtextextended('clientela.party:' || k, 0) AS h "
                "FROM unnest(%s::text[]) AS k ORDER BY h) AS locks",
                [keys],
            )
        self._load(public_ids=set(), emails=emails, external_ids=external_ids)

    def _load(self, *, public_ids: set, emails: set, external_ids: set) -> None:
        from clientela.parties.models import ContactPoint, Party

        parties = Party.objects.only(*self.columns) if self.columns else Party.objects.all()
        for chunk in _chunks(public_ids):
            for party in parties.filter(public_id__in=chunk):
                self.by_public_id[party.public_id] = party
        for chunk in _chunks(external_ids):
            for party in parties.filter(external_id__in=chunk):
                self.by_external_id[party.external_id] = party
        for chunk in _chunks(emails):
            points = (
                ContactPoint.objects.filter(kind="email", normalized__in=chunk)
                .select_related("party")
                .order_by("-id")  # the first recorded wins, as in party_find_by_email
            )
            if self.columns:
                points = points.only("normalized", *(f"party__{c}" for c in self.columns))
            for point in points:
                self.by_email[point.normalized] = point.party

    def resolve(self, name: str, ref: _Ref | None):
        """The party `ref` names (`name` is the item, for the error), created if asked."""
        if ref is None:
            return None
        if ref.public_id:
            party = self.by_public_id.get(ref.public_id)
            if party is None:
                raise _unknown(
                    f"{_field(name)}", _("no party with id %(id)s") % {"id": ref.public_id}
                )
            return party
        found = self.by_external_id.get(ref.external_id) or self.by_email.get(ref.email)
        if found is not None:
            return found
        if not self.create:
            if ref.external_id:
                field = f"{_field(name)}_external_id"
                problem = _(
                    "no party with this external id (send create_parties: true to create it)"
                )
            else:
                field = f"{_field(name)}_email"
                problem = _("no party with this email (send create_parties: true to create it)")
            raise _unknown(field, problem)
        try:
            party = self._create(ref)
        except ApplicationError as exc:  # e.g. a name the party form would refuse
            raise _prefixed(_field(name), exc) from exc
        if ref.external_id:
            self.by_external_id[ref.external_id] = party
        if ref.email:
            self.by_email[ref.email] = party
        return party

    def _create(self, ref: _Ref):
        from clientela.parties.models import Party
        from clientela.parties.services import party_create

        given, family = ref.given_name.strip(), ref.family_name.strip()
        if not (given or family):
            given = (ref.email or ref.external_id or "")[:100]
        try:
            with transaction.atomic():
                return party_create(
                    actor=self.actor,
                    given_name=given,
                    family_name=family,
                    external_id=ref.external_id,
                    emails=[ref.email] if ref.email else [],
                    relationship_kind="customer",
                )
        except IntegrityError:
            # Another writer (not a batch: batches hold the lock) took the external id.
            if ref.external_id:
                party = Party.objects.filter(external_id=ref.external_id).first()
                if party is not None:
                    return party
            raise


def _field(name: str) -> str:
    """ "items[3]" -> "items[3].party"; "items[3].lines[0]" -> "items[3].lines[0].consumer"."""
    return f"{name}.consumer" if name.endswith("]") and ".lines[" in name else f"{name}.party"


def _unknown(field: str, problem: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.NOT_FOUND, f"{field}: {problem}", {"fields": {field: [problem]}}
    )


class _Catalogue:
    """The catalogue items a batch names, by id and by SKU (two queries)."""

    def __init__(self, items) -> None:
        from clientela.commerce.models import CatalogItem

        ids = {line.item for item in items for line in item.lines if line.item}
        skus = {line.sku for item in items for line in item.lines if line.sku}
        self.by_id = {
            i.public_id: i
            for c in _chunks(ids)
            for i in CatalogItem.objects.filter(public_id__in=c)
        }
        self.by_sku = {
            i.sku: i for c in _chunks(skus) for i in CatalogItem.objects.filter(sku__in=c)
        }

    def get(self, name: str, line):
        if line.item:
            if line.item not in self.by_id:
                raise _unknown(f"{name}.item", _("no catalogue item %(id)s") % {"id": line.item})
            return self.by_id[line.item]
        if line.sku:
            if line.sku not in self.by_sku:
                raise _unknown(
                    f"{name}.sku", _("no catalogue item with SKU %(sku)s") % {"sku": line.sku}
                )
            return self.by_sku[line.sku]
        return None


def _line(name: str, line, catalogue: _Catalogue, parties: _Parties) -> LineIn:
    item = catalogue.get(name, line)
    return LineIn(
        description=line.description,
        unit_price=item.unit_price if line.unit_price is None else line.unit_price,
        quantity=line.quantity,
        item=item,
        offering=line.offering,
        consumer=parties.resolve(name, _ref(line, "consumer")),
    )


def _permitted(user, action: Action, accepted: list, results: _Results) -> list:
    """The (index, party) pairs the user may act on; the others are rejected. One query
    per 2,000 parties when all are allowed (the usual case), one per party otherwise."""
    try:
        authorize_parties(user, action, party_ids=[party.pk for _i, party in accepted])
        return accepted
    except ApplicationError:
        pass
    allowed: dict[int, bool] = {}
    kept = []
    for index, party in accepted:
        if party.pk not in allowed:
            allowed[party.pk] = is_allowed(user, action, party=party)
        if allowed[party.pk]:
            kept.append((index, party))
            continue
        results.reject(
            index,
            ApplicationError(
                ErrorCode.PERMISSION_DENIED,
                _("Your role may not do this (%(action)s) on this party.")
                % {"action": action.value},
            ),
        )
    return kept


def _current_relationships(party_ids: set[int]) -> dict[int, object]:
    from clientela.parties.models import Relationship

    return {
        rel.party_id: rel
        for chunk in _chunks(party_ids)
        for rel in Relationship.objects.filter(party_id__in=chunk, is_current=True)
    }


def _prefixed(name: str, exc: ApplicationError) -> ApplicationError:
    """A service's error about `lines[0].quantity` as one about `items[3].lines[0].quantity`."""
    fields = {
        f"{name}.{field}": problems for field, problems in exc.extra.get("fields", {}).items()
    }
    if not fields:
        fields = {name: [exc.message]}
    message = "; ".join(f"{field}: {' '.join(problems)}" for field, problems in fields.items())
    return ApplicationError(exc.code, message, {"fields": fields})


def _chunks(values: set, size: int = 2000):
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class _Results:
    """One result per item, in input order, and the totals."""

    def __init__(self, items) -> None:
        self.items = items
        self.rows: list[dict | None] = [None] * len(items)

    def reject(self, index: int, exc: ApplicationError) -> None:
        self.rows[index] = {
            "index": index,
            "external_id": self.items[index].external_id,
            "status": "rejected",
            "id": None,
            "party": None,
            "error": {
                "code": exc.code.value,
                "message": exc.message,
                "fields": exc.extra.get("fields") or {},
                "rule": exc.extra.get("rule"),
            },
        }

    def record(self, index: int, party, public_id: str, owner_id: int, created: bool) -> None:
        if owner_id != party.pk:
            problem = _("is already used for another party")
            self.reject(
                index,
                ApplicationError(
                    ErrorCode.CONFLICT,
                    f"items[{index}].external_id: {problem}",
                    {"fields": {f"items[{index}].external_id": [problem]}},
                ),
            )
            return
        self.rows[index] = {
            "index": index,
            "external_id": self.items[index].external_id,
            "status": "created" if created else "unchanged",
            "id": public_id,
            "party": party.public_id,
            "error": None,
        }

    def body(self) -> dict:
        totals = {"created": 0, "unchanged": 0, "rejected": 0}
        for row in self.rows:
            totals[row["status"]] += 1
        return {"totals": totals, "items": self.rows}
