"""The fault suite (issue #14): no flag lost, no wrong level shown, whatever breaks.

In the spirit of Jepsen's checks: a bounded driver makes a few hundred risk edits through
`cases.services` from several threads, while the suite SIGKILLs the worker (once as it delivers a
webhook), stops Redis and brings it back empty, stops beat, and sends duplicate and late messages.
Then everything runs again, and the suite checks the promise:

- no edit was refused or lost (the database holds what every edit wrote);
- no case stayed stale beyond the sweep bound once the parts were back;
- every case's stored level and digest equal a fresh computation from its facts;
- each change of level raised exactly one alert (none missing, none twice);
- the partner received every alert at least once, signed, with one body per delivery id, so it
  can drop the duplicates by id.

It prints its figures and fails on any that must be zero. It needs PostgreSQL (the worker is
another process on the test database) and redis-server (it runs one of its own on a free port).
docs/operations.md ("What happens when") quotes its figures.
"""

import datetime
import itertools
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from cases import background, choices, services
from cases.models import Case, Charge, Person, RiskAlert, RiskAssessment, WebhookDelivery, WebhookSubscription
from cases.risk import assessment
from registry.celery import app as celery_app
from tests.factories import CaseFactory, PersonFactory, article
from tests.faults.harness import CeleryProcess, OwnRedis, Partner, celery_env, wait_for
from tests.security.summary import FAULT_PROPERTY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

D = datetime.date
SEED = 20221205
CASES = 24
EDITORS = 3
EDITS_PER_EDITOR = 100  # 300 edits in all
DRIVE_SECONDS = 40.0
# The sweep and the webhook retries run this often in the suite (60 s in production): the bound
# on staleness once every part is back is a few sweeps, not minutes, so the suite stays short.
SWEEP_SECONDS = 3
RECOVERY_BOUND_SECONDS = 60
# Articles with every level between them (art. 342 part 1: none; 218 part 2: watch; 289: capital).
# (art. 289 part 3 also for an attempt committed from 29 May 2022: hence two offence dates).
ARTICLES = ["342.1", "339.1", "218.2", "289.1", "289.3", "356.2"]
OFFENCE_DATES = [D(2022, 2, 1), D(2023, 1, 10)]
SECRET = "fault-suite-partner-secret-0123456789"


@dataclass
class Figures:
    edits: int = 0
    refused: list = field(default_factory=list)
    messages_sent: int = 0
    messages_failed: int = 0
    faults: Counter = field(default_factory=Counter)
    recovery_seconds: float | None = None

    def line(self, checks: dict) -> str:
        parts = [f"edits: {self.edits}", *(f"{name}: {value}" for name, value in checks.items())]
        parts += [
            f"messages sent: {self.messages_sent}",
            f"messages refused by the broker: {self.messages_failed}",
        ]
        parts += [f"{name}: {count}" for name, count in sorted(self.faults.items())]
        parts.append(
            f"caught up in: {self.recovery_seconds:.1f} s"
            if self.recovery_seconds is not None
            else "caught up: never"
        )
        return "fault suite: " + ", ".join(parts)


def key(article_) -> str:
    """'289.3': how ARTICLES name an article."""
    return f"{article_.number}.{article_.part}" if article_.part else article_.number


class Model:
    """What the driver expects the database to hold after its edits: each case's active charges
    (by article) and each person's sex, updated only when the service call returned."""

    def __init__(self):
        self.active: dict[int, Counter] = {}
        self.sex: dict[int, str] = {}


class Editor(threading.Thread):
    """One staff member's worth of edits on its own cases (its own database connection)."""

    def __init__(self, index, cases, model, figures, started, rng):
        super().__init__(name=f"editor-{index}", daemon=True)
        self.index, self.cases, self.model, self.figures, self.started = index, cases, model, figures, started
        self.rng = rng
        self.days = itertools.count(1)

    def run(self):
        try:
            for number in range(EDITS_PER_EDITOR):
                # Paced over DRIVE_SECONDS so that every fault in the timeline meets edits.
                due = self.started + DRIVE_SECONDS * number / EDITS_PER_EDITOR
                time.sleep(max(0.0, due - time.monotonic()))
                case_id = self.rng.choice(self.cases)
                try:
                    self.edit(case_id)
                    self.figures.edits += 1
                except Exception as error:  # an edit refused is what the suite is there to see
                    self.figures.refused.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    def edit(self, case_id: int) -> None:
        case = Case.objects.select_related("person").get(pk=case_id)
        active = list(case.charges.filter(state=choices.ChargeState.ACTIVE).select_related("article"))
        on = D(2022, 6, 1) + datetime.timedelta(days=next(self.days))
        kind = self.rng.choice(["reclassify", "reclassify", "add", "end", "sex"])
        if kind == "add" or not active:
            to = article(self.rng.choice(ARTICLES))
            stage = self.rng.choice([choices.ChargeStage.COMPLETED, choices.ChargeStage.ATTEMPT])
            offence = self.rng.choice(OFFENCE_DATES)
            services.add_charge(case=case, article=to, stage=stage, offence_date=offence, charged_on=on)
            self.model.active[case_id][key(to)] += 1
        elif kind == "reclassify":
            charge = self.rng.choice(active)
            to = article(self.rng.choice([a for a in ARTICLES if a != key(charge.article)]))
            services.reclassify_charge(charge=charge, to_article=to, on=on)
            self.model.active[case_id][key(charge.article)] -= 1
            self.model.active[case_id][key(to)] += 1
        elif kind == "end" and len(active) > 1:
            charge = self.rng.choice(active)
            services.end_charge(charge=charge, state=choices.ChargeState.DROPPED, on=on)
            self.model.active[case_id][key(charge.article)] -= 1
        else:
            sex = choices.Sex.FEMALE if case.person.sex == choices.Sex.MALE else choices.Sex.MALE
            services.update_person(person=case.person, sex=sex)
            self.model.sex[case.person_id] = sex


def _count_messages(figures: Figures, monkeypatch) -> None:
    real_send = background.send

    def counted(name, **kwargs):
        try:
            real_send(name, **kwargs)
        except Exception:
            figures.messages_failed += 1
            raise
        figures.messages_sent += 1

    monkeypatch.setattr(background, "send", counted)


def _quiet(subscription) -> bool:
    """Nothing left to do: no case stale, no delivery pending."""
    return (
        not Case.objects.filter(risk_stale=True).exists()
        and not WebhookDelivery.objects.filter(
            subscription=subscription, state=WebhookDelivery.State.PENDING
        ).exists()
    )


def _lost_edits(model: Model) -> int:
    """Cases or people whose stored facts differ from what the returned edits wrote."""
    lost = 0
    for case_id, expected in model.active.items():
        notations = Counter(
            key(charge.article)
            for charge in Charge.objects.filter(
                case_id=case_id, state=choices.ChargeState.ACTIVE
            ).select_related("article")
        )
        lost += notations != +expected
    for person_id, sex in model.sex.items():
        lost += Person.objects.get(pk=person_id).sex != sex
    return lost


def _wrong_levels() -> int:
    today = timezone.localdate()
    wrong = 0
    for case in Case.objects.select_related("person", "jurisdiction"):
        context = assessment.LawContext.load(case.jurisdiction)
        wrong += not assessment.stored_result_is_current(case, context=context, on=today)
    return wrong


def _alert_figures() -> dict:
    """Each stored change of level must have exactly one alert, and each case's alerts must chain
    from 'none' to its current level (a missing or doubled alert breaks the chain)."""
    changes = {
        a.pk
        for a in RiskAssessment.objects.only("pk", "level", "previous_level")
        if a.level != (a.previous_level or choices.RiskLevel.NONE)
    }
    per_assessment = Counter(RiskAlert.objects.values_list("assessment_id", flat=True))
    missing = len(changes - set(per_assessment))
    duplicate = sum(count - 1 for count in per_assessment.values()) + len(set(per_assessment) - changes)
    broken = 0
    by_case = defaultdict(list)
    for alert in RiskAlert.objects.order_by("id"):
        by_case[alert.case_id].append(alert)
    for case in Case.objects.all():
        level = choices.RiskLevel.NONE
        for alert in by_case[case.pk]:
            broken += alert.old_level != level
            level = alert.new_level
        broken += level != case.risk_level
    return {"missing alerts": missing, "duplicate alerts": duplicate, "broken alert chains": broken}


def _partner_figures(partner: Partner, subscription) -> dict:
    """Every alert to a published case has a delivery that reached the partner at least once."""
    alerts_published = RiskAlert.objects.filter(
        case__person__publication_state=choices.PublicationState.PUBLISHED
    )
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    without_delivery = alerts_published.exclude(deliveries__subscription=subscription).count()
    ids = {d.payload["delivery_id"] for d in deliveries}
    return {
        "alerts never delivered": without_delivery + len(ids - set(partner.received)),
        "deliveries not marked delivered": deliveries.exclude(state=WebhookDelivery.State.DELIVERED).count(),
        "bad signatures": partner.bad_signatures,
        "duplicates a partner cannot tell apart": partner.conflicting_duplicates(),
    }


def test_fault_suite_loses_no_flag_and_shows_no_wrong_level(law, tmp_path, monkeypatch, record_property):
    rng = random.Random(SEED)
    figures = Figures()
    own_redis = OwnRedis(tmp_path).start()
    partner = Partner(SECRET).start()
    env = celery_env(own_redis.url, sweep_seconds=SWEEP_SECONDS)
    worker = CeleryProcess(
        "worker",
        ["worker", "-P", "prefork", "-c", "2", "-Q", "celery,control"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        env,
        tmp_path,
    )
    beat = CeleryProcess("beat", ["beat", "--schedule", str(tmp_path / "beat-schedule")], env, tmp_path)
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{own_redis.url}/1",
            "KEY_PREFIX": "registry",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings_override = override_settings(
        CACHES=caches, RISK_MERGE_QUEUED_ASSESSMENTS=True, WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True
    )
    try:
        conf.update(broker_url=f"{own_redis.url}/0", task_always_eager=False)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        settings_override.enable()
        _count_messages(figures, monkeypatch)
        worker.start()
        beat.start()

        # The registry before the faults: published people, each case charged, all assessed.
        subscription = WebhookSubscription.objects.create(
            organisation="Partner", url=partner.url, secret=SECRET
        )
        model = Model()
        case_ids = []
        for _ in range(CASES):
            person = PersonFactory()
            case = CaseFactory(person=person)
            services.publish_person(person=person)
            notation = rng.choice(ARTICLES)
            services.add_charge(
                case=case, article=article(notation), offence_date=D(2022, 2, 1), charged_on=D(2022, 3, 1)
            )
            model.active[case.pk] = Counter({notation: 1})
            model.sex[person.pk] = person.sex
            case_ids.append(case.pk)
        assert wait_for(lambda: _quiet(subscription), timeout=90), worker.logs()

        # The drive: editors at work while the timeline breaks things.
        started = time.monotonic()
        shares = [case_ids[i::EDITORS] for i in range(EDITORS)]
        editors = [
            Editor(i, shares[i], model, figures, started, random.Random(SEED + i)) for i in range(EDITORS)
        ]
        for editor in editors:
            editor.start()
        late_messages = list(case_ids)  # messages for edits long superseded, sent again later

        def at(second):
            time.sleep(max(0.0, started + second - time.monotonic()))

        at(4)
        worker.kill()
        figures.faults["worker SIGKILLs"] += 1
        at(7)
        worker.start()

        at(10)
        partner.slow.set()  # the next delivery takes 3 s to answer: the worker dies during it
        partner.in_flight.clear()
        partner.in_flight.wait(timeout=8)
        time.sleep(1)
        worker.kill()
        figures.faults["worker SIGKILLs"] += 1
        partner.slow.clear()
        at(15)
        worker.start()

        at(17)
        own_redis.stop()
        figures.faults["Redis stops"] += 1
        at(22)
        own_redis.restart_empty()
        figures.faults["Redis restarts empty"] += 1

        at(24)
        beat.kill()
        figures.faults["beat stops"] += 1
        at(27)

        def inject(kind, name, **kwargs):
            try:
                background.send(name, **kwargs)
            except Exception:  # already counted among the messages the broker refused
                return
            figures.faults[kind] += 1

        for case_id in rng.sample(case_ids, 10):
            inject("duplicate messages", "assess_case", case_id=case_id)  # delivered twice
            inject("duplicate messages", "assess_case", case_id=case_id)
        for case_id in late_messages:
            inject("late messages", "assess_case", case_id=case_id)
        for delivery_id in WebhookDelivery.objects.values_list("id", flat=True)[:20]:
            inject("duplicate webhook messages", "deliver_webhook", delivery_id=delivery_id)
        inject("duplicate messages", "sweep_stale_cases")
        inject("duplicate messages", "sweep_stale_cases")
        at(34)
        beat.start()

        for editor in editors:
            editor.join(timeout=DRIVE_SECONDS * 4)
        assert not any(editor.is_alive() for editor in editors), "the editors did not finish"

        # Every part is back: how long until nothing is stale and every delivery went out?
        back = time.monotonic()
        caught_up = wait_for(lambda: _quiet(subscription), timeout=RECOVERY_BOUND_SECONDS, interval=0.5)
        if caught_up:
            figures.recovery_seconds = time.monotonic() - back

        checks = {
            "refused": len(figures.refused),
            "lost": _lost_edits(model),
            "stale": Case.objects.filter(risk_stale=True).count(),
            "wrong": _wrong_levels(),
            **_alert_figures(),
            **_partner_figures(partner, subscription),
        }
        report = figures.line(checks) + f", partner duplicates dropped by id: {partner.duplicates()}"
        print("\n" + report)
        record_property(FAULT_PROPERTY, report)  # pytest's summary prints it, under xdist too
        failing = {name: value for name, value in checks.items() if value}
        assert not failing, f"{report}\nrefused: {figures.refused[:5]}\n{worker.logs()}\n{beat.logs()}"
        assert figures.edits == EDITORS * EDITS_PER_EDITOR
        assert figures.faults["worker SIGKILLs"] == 2 and own_redis.restarts == 1
    finally:
        for process in (worker, beat):
            process.stop()
        settings_override.disable()
        conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        partner.stop()
        own_redis.stop()
