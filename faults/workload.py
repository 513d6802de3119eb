"""Every kind of change the partners follow, made in process through the domain services, mixed at random.

| kind               | portal service                         | partner calls                                   |
|--------------------|----------------------------------------|-------------------------------------------------|
| extend             | permit_extend                          | Buzz-In update validity, OPS-COM update         |
| noc                | noc_version_upload (active permit)     | Buzz-In replaceNoc (not idempotent there)       |
| reissue            | permit_reissue                         | Buzz-In reissuePass (not idempotent there)      |
| vehicle_add        | vehicle_add (active permit)            | OPS-COM push                                    |
| vehicle_remove     | vehicle_remove                         | OPS-COM delete                                  |
| permit_new         | draft, permit_submit, permit_approve   | Buzz-In create and submit                       |
| contractor         | contractor_revoke / contractor_approve | Buzz-In revoke / approve                        |

What committed is read from the database at the end; the clients' view is only counted.
"""

from __future__ import annotations

import datetime
import logging
import random
import threading
import time
from collections import Counter

from .seed import Estate

logger = logging.getLogger("faults")

KINDS = ("extend", "noc", "reissue", "vehicle_add", "vehicle_remove", "permit_new", "contractor")
WEIGHTS = (40, 12, 10, 10, 8, 10, 10)
MAX_VEHICLES = 3


class Workload:
    def __init__(self, estate: Estate, seed: int):
        self.estate = estate
        self.rng = random.Random(seed)
        self.done: Counter = Counter()
        self.errors: Counter = Counter()
        self.lock = threading.Lock()
        self.minutes = 0  # every extension gets its own valid_till: base_till + minutes
        self.new_permits: list[int] = []
        self._plates = 0
        self._nocs = 0
        self._drafts = 0

    # --- pacing ---

    def run(self, count: int, *, duration: float, kinds: tuple[str, ...] = KINDS) -> None:
        """``count`` changes spread evenly over ``duration`` seconds."""
        from django.db import connection

        weights = [WEIGHTS[KINDS.index(kind)] for kind in kinds]
        started = time.monotonic()
        step = duration / max(count, 1)
        for position in range(count):
            delay = started + position * step - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with self.lock:
                kind = self.rng.choices(kinds, weights)[0]
            try:
                getattr(self, f"_{kind}")()
            except Exception as error:  # counted; what committed is read from the database
                logger.warning("%s failed: %s", kind, error)
                with self.lock:
                    self.errors[kind] += 1
                connection.close_if_unusable_or_obsolete()
            else:
                with self.lock:
                    self.done[kind] += 1

    def run_parallel(self, count: int, *, duration: float, threads: int, kinds: tuple[str, ...] = KINDS) -> None:
        """``run`` from ``threads`` threads at once (each with its own database connection): more rows at a time."""
        from django.db import connection

        def part() -> None:
            try:
                self.run(count // threads, duration=duration, kinds=kinds)
            finally:
                connection.close()

        workers = [threading.Thread(target=part, name=f"changes-{n}", daemon=True) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=300)

    def _number(self, name: str) -> int:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)
            return getattr(self, name)

    def run_until(self, done: threading.Event, *, rate: float, kinds: tuple[str, ...] = KINDS, limit: int) -> None:
        """Changes at ``rate`` a second until ``done`` is set (the fault needs calls to act on), at most ``limit``."""
        made = 0
        while not done.is_set() and made < limit:
            batch = max(int(rate), 1)
            self.run(batch, duration=1.0, kinds=kinds)
            made += batch

    def burst(self, before_commit=None) -> None:
        """Every active permit extended in one transaction (as a bulk action would): all their rows at once."""
        from django.db import transaction

        from permits.services import permit_extend

        with transaction.atomic():
            for permit_id in self.estate.permit_ids:
                permit_extend(actor=self._actor(), permit=permit_id, valid_till=self.next_till())
            if before_commit is not None:
                before_commit()
        with self.lock:
            self.done["extend"] += len(self.estate.permit_ids)

    def next_till(self) -> datetime.datetime:
        with self.lock:
            self.minutes += 1
            return self.estate.base_till + datetime.timedelta(minutes=self.minutes)

    # --- the kinds ---

    def _actor(self):
        from portal.core.actors import Actor

        return Actor.system("fault tests")

    def _active_permit(self) -> int:
        with self.lock:
            return self.rng.choice(self.estate.permit_ids)

    def _extend(self) -> None:
        from permits.services import permit_extend

        permit_extend(actor=self._actor(), permit=self._active_permit(), valid_till=self.next_till())

    def _noc(self) -> None:
        from django.utils import timezone

        from permits.models import Permit
        from permits.services import noc_version_upload

        number = self._number("_nocs")
        permit = Permit.objects.get(pk=self._active_permit())
        today = timezone.localdate()
        noc_version_upload(
            actor=self._actor(),
            permit=permit,
            noc_number=f"NOC-R{number:05d}",
            issue_date=today - datetime.timedelta(days=1),
            expiry_date=today + datetime.timedelta(days=800),
            document_url=f"https://docs.example.com/noc/replacement-{number}.pdf",
        )

    def _reissue(self) -> None:
        from permits.services import permit_reissue

        permit_reissue(actor=self._actor(), permit=self._active_permit(), reason="Fault test: code shared")

    def _vehicle_add(self) -> None:
        from permits.models import Vehicle
        from permits.services import vehicle_add

        permit_id = self._active_permit()
        if Vehicle.objects.filter(permit_id=permit_id, removed_at__isnull=True).count() >= MAX_VEHICLES:
            return self._vehicle_remove(permit_id)
        vehicle_add(actor=self._actor(), permit=permit_id, plate=f"V{self._number('_plates'):06d}")

    def _vehicle_remove(self, permit_id: int | None = None) -> None:
        from permits.models import Vehicle
        from permits.services import vehicle_remove

        live = Vehicle.objects.filter(permit_id=permit_id or self._active_permit(), removed_at__isnull=True)
        vehicle = live.order_by("?").first()
        if vehicle is None:
            return self._vehicle_add()
        vehicle_remove(actor=self._actor(), vehicle=vehicle)

    def _permit_new(self) -> None:
        from django.db import transaction
        from django.utils import timezone

        from contractors.models import Contractor
        from permits import services
        from portal.core.models import Property, Unit

        from .seed import draft_permit

        tower = Property.objects.filter(community_id=self.estate.community_id).first()
        units = list(Unit.objects.filter(property=tower).order_by("pk")[:10])
        contractor = Contractor.objects.get(memberships__pk=self.estate.membership_id)
        now = timezone.now().astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
        far = timezone.localdate() + datetime.timedelta(days=800)
        index = 100000 + self._number("_drafts")
        with transaction.atomic():
            permit = draft_permit(tower, units, contractor, index, now=now, far=far, vehicles=0)
        self.new_permits.append(permit.pk)
        permit = services.permit_submit(actor=self._actor(), permit=permit)
        services.permit_approve(actor=self._actor(), permit=permit)

    def _contractor(self) -> None:
        from contractors.choices import MembershipStatus
        from contractors.models import ContractorMembership
        from contractors.services import contractor_approve
        from permits.services.contractors import contractor_revoke

        with self.lock:
            membership_id = self.rng.choice(self.estate.churn_membership_ids)
        membership = ContractorMembership.objects.get(pk=membership_id)
        if membership.status == MembershipStatus.APPROVED:
            contractor_revoke(actor=self._actor(), membership=membership, reason="Fault test: revoked")
        else:
            contractor_approve(actor=self._actor(), membership=membership)
