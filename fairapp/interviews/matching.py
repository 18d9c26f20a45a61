"""Job suggestions (gợi ý việc làm): which vacancies and training programmes of a fair fit a job
seeker, best first, each with a one-line reason.

    fair_offer(fair_id)                     what may be suggested at a fair, read once, ready to score
    suggestions(registration, offer=None)   the fitting vacancies and programmes, best first
    booths_for(registration, limit=5)       the booths to visit: each booth once, by its best option
    candidates_for_booth(booth, limit=20)   people who may fit a booth and whom it has not recorded
    outreach(fair, page=1)                  every registration with its top booths, priority groups first

Only what the public may see is ever suggested (fairapp.booths.services.public_offer: confirmed booths
of approved partners, visible open vacancies). Scoring is pure Python over plain data, so one fair's
offer is read once per call and then reused for every person a page shows.

The signals, strongest first: a desired job that is a vacancy's title or occupation word for word; a
vacancy ticked when registering; desired jobs sharing their rarer words with a vacancy (words common
to many vacancies of the fair, "công nhân", weigh little); for programmes, the trade the person wants
to learn, or simply wanting to train. A vacancy whose age range excludes the person is never
suggested; one asking for more schooling than the person has comes last, saying so. Unknown age or
schooling excludes nothing and claims no fit."""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import gettext as _

from fairapp.attendees.models import Attendee, PriorityGroup, Registration
from fairapp.attendees.models import EducationLevel as Schooling
from fairapp.booths.models import Booth
from fairapp.booths.services import public_offer
from fairapp.checkins.models import CheckIn
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.fairs.services import local_day
from fairapp.interviews.card import Card, cards
from fairapp.interviews.models import Interview
from fairapp.partners.forms import EDUCATION_LABELS
from fairapp.partners.models import EducationLevel
from fairapp.registrations.services import Page
from fairapp.text import fold

VACANCY, PROGRAMME = "vacancy", "programme"
PRIORITY_ORDER = (PriorityGroup.POOR, PriorityGroup.NEAR_POOR, PriorityGroup.ESCAPED_POVERTY)
OUTREACH_PER_PAGE = 100

# Scores: a word-for-word match always outranks a ticked vacancy with overlapping words (60 + 35).
EXACT, TICKED, CLOSE, TRAINING, JOB_TRAINING, FIT = 100, 60, 35, 10, 20, 2
CLOSE_ENOUGH = 0.5  # the share of a wish's weight a vacancy must cover to count as close

# Schooling a vacancy asks for, in order; vocational and above are technical qualifications.
_REQUIRED = {level: rank for rank, level in enumerate(EducationLevel)}
_VOCATIONAL = _REQUIRED[EducationLevel.VOCATIONAL]
_SCHOOLING = {level: rank for rank, level in enumerate(Schooling)}  # none, primary, lower/upper secondary
# A qualification: (its rank on the vacancy's scale, the least schooling it implies)
_QUALIFICATION = {
    "none": (0, None),
    "short_course": (_VOCATIONAL, None),
    "intermediate": (_VOCATIONAL, 2),  # trung cấp admits from lower secondary
    "college": (_REQUIRED[EducationLevel.COLLEGE], 3),
    "university": (_REQUIRED[EducationLevel.UNIVERSITY], 3),
}

_WORD = re.compile(r"[a-z0-9]+")
_PHRASE_BREAK = re.compile(r"[,;/|+.()\n\r–-]+")
_CONJUNCTION = re.compile(r"\b(?:hoac|va|hay)\b")
# Words that say nothing about the job ("làm", "việc" as in "việc làm", "muốn"...), folded.
_FILLER = frozenset({"lam", "viec", "muon", "duoc", "cac", "o", "tai", "nghe", "hoc", "va", "hoac", "hay"})


def _all_words(text: str) -> tuple[str, ...]:
    """The meaningful words of a text, folded: "Làm công nhân may" → ("cong", "nhan", "may")."""
    return tuple(word for word in _WORD.findall(fold(text)) if word not in _FILLER)


# Short texts (titles, occupations, programme names, wishes) are folded once per process.
_words = lru_cache(maxsize=8192)(_all_words)


def _phrases(text: str | None) -> tuple[tuple[str, ...], ...]:
    """A wish in words ("Công nhân may, lái xe hoặc bảo vệ") as its phrases' words."""
    found = []
    for part in _PHRASE_BREAK.split(text or ""):
        for phrase in _CONJUNCTION.split(fold(part)):
            if words := _words(phrase):
                found.append(words)
    return tuple(found)


# --- The fair's offer, ready to score ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    """A vacancy or programme the public sees at the fair, with its booth and its folded words."""

    kind: str
    id: int
    booth_id: int
    booth_label: str | None
    holder: str
    title: str
    keys: frozenset[str]  # the title and occupation as joined words, for a word-for-word match
    words: frozenset[str]  # of the title and occupation
    detail_words: frozenset[str]  # of the other requirements
    education: EducationLevel | None = None
    age_min: int | None = None
    age_max: int | None = None
    order: tuple = ()  # booth label ("A3" before "A10"), holder, title, id: how ties are broken


@dataclass(frozen=True)
class FairOffer:
    options: list[Option]
    weights: dict[str, float]  # a word's weight (inverse document frequency over the fair's options)
    unknown_weight: float  # of a word no option has

    def weight(self, word: str) -> float:
        return self.weights.get(word, self.unknown_weight)


@lru_cache(maxsize=2048)
def _option(
    kind: str,
    id_: int,
    booth_id: int,
    label: str | None,
    holder: str,
    title: str,
    occupation: str | None = None,
    detail: str | None = None,
    education: EducationLevel | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
) -> Option:
    """An option prepared for scoring, from plain values (cached: a fair's vacancies and programmes are
    folded once per process, and again only when one of these values changes)."""
    keyed = [words for text in (title, occupation) if text and (words := _words(text))]
    return Option(
        kind,
        id_,
        booth_id,
        label,
        holder,
        title,
        keys=frozenset(" ".join(words) for words in keyed),
        words=frozenset(word for words in keyed for word in words),
        detail_words=frozenset(_all_words(detail)) if detail else frozenset(),
        education=education,
        age_min=age_min,
        age_max=age_max,
        order=(label is None, (label or "").zfill(8), holder.casefold(), title.casefold(), id_),
    )


def fair_offer(fair_id: int, *, now=None) -> FairOffer:
    """What may be suggested at the fair (public_offer), read in one go and prepared for scoring."""
    offer = public_offer(fair_id, now=now)
    holders = {booth.id: (booth.employer or booth.school).name for booth in offer.booths}
    by_employer = {booth.employer_id: booth for booth in offer.booths if booth.employer_id is not None}
    by_school = {booth.school_id: booth for booth in offer.booths if booth.school_id is not None}
    options = []
    for v in offer.vacancies:
        booth = by_employer[v.employer_id]
        options.append(
            _option(
                VACANCY,
                v.id,
                booth.id,
                booth.label,
                holders[booth.id],
                v.title,
                v.occupation,
                v.requirements,
                v.education,
                v.age_min,
                v.age_max,
            )
        )
    for p in offer.programmes:
        booth = by_school[p.school_id]
        options.append(_option(PROGRAMME, p.id, booth.id, booth.label, holders[booth.id], p.name))
    counts = Counter(word for option in options for word in option.words)
    total = len(options) + 1
    weights = {word: math.log(total / count) for word, count in counts.items()}
    return FairOffer(options, weights, math.log(total))  # a word no option has weighs as the rarest


# --- The person, ready to score ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    jobs: tuple[tuple[str, ...], ...]  # desired jobs, phrase by phrase
    ticked: frozenset[int]
    wants_training: bool
    job_keys: frozenset[str]  # each desired job's words joined, for a word-for-word match
    wish: tuple[tuple[str, ...], ...]  # the trade to learn
    wish_keys: frozenset[str]
    age: int | None
    schooling: int | None
    qualification: int | None

    @classmethod
    def of(
        cls,
        *,
        desired_jobs,
        desired_vacancy_ids,
        wants_training,
        training_wish,
        birth_year,
        education_level,
        qualification,
        year: int,
    ) -> "Person":
        schooling = _SCHOOLING.get(education_level)
        trained, implied = _QUALIFICATION.get(qualification, (None, None))
        if implied is not None:
            schooling = max(schooling or 0, implied)
        jobs, wish = _phrases(desired_jobs), _phrases(training_wish)
        return cls(
            jobs=jobs,
            job_keys=frozenset(" ".join(phrase) for phrase in jobs),
            ticked=frozenset(i for i in desired_vacancy_ids or () if isinstance(i, int)),
            wants_training=bool(wants_training),
            wish=wish,
            wish_keys=frozenset(" ".join(phrase) for phrase in wish),
            age=year - birth_year if birth_year else None,
            schooling=schooling,
            qualification=trained,
        )

    def meets(self, required: EducationLevel | None) -> bool | None:
        """Whether the person has the schooling asked for (None: cannot tell)."""
        rank = _REQUIRED.get(required, 0)
        if rank == 0:
            return True
        have = self.schooling if rank < _VOCATIONAL else self.qualification
        return None if have is None else have >= rank


def _person(registration: Registration, year: int) -> Person:
    attendee = registration.attendee
    return Person.of(
        desired_jobs=registration.desired_jobs,
        desired_vacancy_ids=registration.desired_vacancy_ids,
        wants_training=registration.wants_training,
        training_wish=registration.training_wish,
        birth_year=attendee.birth_year,
        education_level=attendee.education_level,
        qualification=attendee.qualification,
        year=year,
    )


def fair_year(fair: Fair) -> int:
    """The year a person's age is counted in: the fair's (local) year."""
    return local_day(fair.starts_at).year


# --- Scoring ----------------------------------------------------------------------------------------

# Why an option was suggested: the one line the person (or the booth, or the organiser) reads.
_REASONS = {
    "exact": lambda s: _("Đúng công việc bạn muốn: %(title)s", title=s.title),
    "ticked": lambda s: _("Bạn đã chọn vị trí này khi đăng ký: %(title)s", title=s.title),
    "close": lambda s: _("Gần với công việc bạn muốn: %(title)s", title=s.title),
    "age_education": lambda s: _("Phù hợp độ tuổi và trình độ: %(title)s", title=s.title),
    "age": lambda s: _("Phù hợp độ tuổi: %(title)s", title=s.title),
    "education": lambda s: _("Phù hợp trình độ: %(title)s", title=s.title),
    "open": lambda s: _("Đang tuyển: %(title)s", title=s.title),
    "underqualified": lambda s: _(
        "Chưa đủ trình độ (cần %(level)s): %(title)s", level=EDUCATION_LABELS[s.education], title=s.title
    ),
    "wish": lambda s: _("Bạn muốn học nghề: %(title)s", title=s.title),
    "wish_close": lambda s: _("Gần với nghề bạn muốn học: %(title)s", title=s.title),
    "job_training": lambda s: _("Học nghề gần với công việc bạn muốn: %(title)s", title=s.title),
    "training": lambda s: _("Bạn muốn học nghề, trường có đào tạo: %(title)s", title=s.title),
}
# The same reasons as a booth reads them, about the person (its page: people who may fit).
_BOOTH_REASONS = {
    "exact": lambda s: _("Muốn đúng công việc: %(title)s", title=s.title),
    "ticked": lambda s: _("Đã chọn vị trí này khi đăng ký: %(title)s", title=s.title),
    "close": lambda s: _("Muốn công việc gần với: %(title)s", title=s.title),
    "age_education": lambda s: _("Phù hợp độ tuổi và trình độ: %(title)s", title=s.title),
    "age": lambda s: _("Phù hợp độ tuổi: %(title)s", title=s.title),
    "education": lambda s: _("Phù hợp trình độ: %(title)s", title=s.title),
    "open": lambda s: _("Có thể phù hợp: %(title)s", title=s.title),
    "underqualified": lambda s: _(
        "Chưa đủ trình độ (cần %(level)s): %(title)s", level=EDUCATION_LABELS[s.education], title=s.title
    ),
    "wish": lambda s: _("Muốn học đúng nghề: %(title)s", title=s.title),
    "wish_close": lambda s: _("Muốn học nghề gần với: %(title)s", title=s.title),
    "job_training": lambda s: _("Muốn làm công việc gần với nghề: %(title)s", title=s.title),
    "training": lambda s: _("Muốn học nghề, trường có đào tạo: %(title)s", title=s.title),
}
# The reasons that come from what the person asked for (not only from fitting the requirements).
WISHED = frozenset({"exact", "ticked", "close", "wish", "wish_close", "job_training", "training"})


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str  # VACANCY or PROGRAMME
    id: int
    booth_id: int
    booth_label: str | None
    holder: str  # the employer's or school's name
    title: str  # the vacancy's title or the programme's name
    why: str  # a key of _REASONS
    score: float
    underqualified: bool = False
    education: EducationLevel | None = None

    @property
    def reason(self) -> str:
        """The one-line reason, in the current language."""
        return _REASONS[self.why](self)

    @property
    def booth_reason(self) -> str:
        """The reason as the booth reads it, about the person."""
        return _BOOTH_REASONS[self.why](self)

    @property
    def wished(self) -> bool:
        return self.why in WISHED


def _closeness(phrases, words: frozenset[str], detail: frozenset[str], offer: FairOffer) -> float:
    """How much of the best phrase's weight the option's words cover (its other requirements count
    half), 0 to 1."""
    best = 0.0
    for phrase in phrases:
        if words.isdisjoint(phrase) and detail.isdisjoint(phrase):
            continue
        total = sum(offer.weight(w) for w in phrase)
        covered = sum(offer.weight(w) for w in phrase if w in words)
        covered += sum(offer.weight(w) for w in phrase if w in detail and w not in words) / 2
        best = max(best, covered / total)
    return best


def _score_vacancy(option: Option, person: Person, offer: FairOffer) -> Suggestion | None:
    age = person.age
    if age is not None and (
        (option.age_min is not None and age < option.age_min)
        or (option.age_max is not None and age > option.age_max)
    ):
        return None
    score, why = 0.0, None
    if not option.keys.isdisjoint(person.job_keys):
        score, why = EXACT, "exact"
    if option.id in person.ticked:
        score, why = score + TICKED, why or "ticked"
    if why != "exact" and person.jobs:
        closeness = _closeness(person.jobs, option.words, option.detail_words, offer)
        if closeness >= CLOSE_ENOUGH:
            score, why = score + CLOSE * closeness, why or "close"
    meets = person.meets(option.education)
    fits_age = age is not None and (option.age_min is not None or option.age_max is not None)
    fits_education = meets is True and _REQUIRED.get(option.education, 0) > 0
    score += FIT * fits_age + FIT * fits_education
    if meets is False:
        why = "underqualified"
    elif why is None:
        why = {(True, True): "age_education", (True, False): "age", (False, True): "education"}.get(
            (fits_age, fits_education), "open"
        )
    return _suggestion(option, why, score, underqualified=meets is False)


def _score_programme(option: Option, person: Person, offer: FairOffer) -> Suggestion | None:
    if not option.keys.isdisjoint(person.wish_keys):
        return _suggestion(option, "wish", EXACT)
    nothing = frozenset()
    if person.wish and (closeness := _closeness(person.wish, option.words, nothing, offer)) >= CLOSE_ENOUGH:
        return _suggestion(option, "wish_close", CLOSE * closeness)
    if person.jobs and (closeness := _closeness(person.jobs, option.words, nothing, offer)) >= CLOSE_ENOUGH:
        score = JOB_TRAINING * closeness + TRAINING * person.wants_training
        return _suggestion(option, "job_training", score)
    if person.wants_training:
        return _suggestion(option, "training", TRAINING)
    return None


def _suggestion(option: Option, why: str, score: float, *, underqualified: bool = False) -> Suggestion:
    return Suggestion(
        option.kind,
        option.id,
        option.booth_id,
        option.booth_label,
        option.holder,
        option.title,
        why,
        round(score, 6),
        underqualified,
        option.education,
    )


_SCORERS = {VACANCY: _score_vacancy, PROGRAMME: _score_programme}


def rank(person: Person, offer: FairOffer, options: Iterable[Option] | None = None) -> list[Suggestion]:
    """Every option that may fit the person, best first; ties by booth label, holder, title."""
    scored = []
    for option in offer.options if options is None else options:
        if (found := _SCORERS[option.kind](option, person, offer)) is not None:
            scored.append((found.underqualified, -found.score, option.order, found))
    scored.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in scored]


def by_booth(ranked: Sequence[Suggestion], limit: int) -> list[Suggestion]:
    """The best suggestion of each booth, in the order given, at most `limit`."""
    seen, kept = set(), []
    for suggestion in ranked:
        if suggestion.booth_id not in seen:
            seen.add(suggestion.booth_id)
            kept.append(suggestion)
            if len(kept) == limit:
                break
    return kept


# --- For one job seeker -----------------------------------------------------------------------------


def suggestions(registration: Registration, offer: FairOffer | None = None) -> list[Suggestion]:
    """The fair's vacancies and programmes that may fit this registration, best first."""
    offer = offer or fair_offer(registration.fair_id)
    return rank(_person(registration, fair_year(registration.fair)), offer)


def booths_for(
    registration: Registration, limit: int = 5, offer: FairOffer | None = None
) -> list[Suggestion]:
    """The booths this person should visit (gian hàng nên ghé), each by its best suggestion."""
    return by_booth(suggestions(registration, offer), limit)


# --- For a booth ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person who may fit the booth: the card (what the booth may see of them) and why."""

    card: Card
    suggestion: Suggestion

    def as_dict(self) -> dict:
        kind = self.suggestion.kind
        return {
            **self.card.labelled(),
            "reason": self.suggestion.booth_reason,
            "vacancy_id": self.suggestion.id if kind == VACANCY else None,
            "programme_id": self.suggestion.id if kind == PROGRAMME else None,
        }


_MATCH_COLUMNS = (
    Registration.id,
    Registration.desired_jobs,
    Registration.desired_vacancy_ids,
    Registration.wants_training,
    Registration.training_wish,
    Attendee.birth_year,
    Attendee.education_level,
    Attendee.qualification,
)


def _person_of_row(row, year: int) -> Person:
    return Person.of(
        desired_jobs=row.desired_jobs,
        desired_vacancy_ids=row.desired_vacancy_ids,
        wants_training=row.wants_training,
        training_wish=row.training_wish,
        birth_year=row.birth_year,
        education_level=row.education_level,
        qualification=row.qualification,
        year=year,
    )


def candidates_for_booth(booth: Booth, limit: int = 20) -> list[Candidate]:
    """People registered for the booth's fair whose wishes fit one of its vacancies or programmes,
    whom it has not recorded yet and who share their profile with it, best first. What the booth sees
    of each is the card (fairapp.interviews.card) and a reason naming its own vacancy or programme:
    never the priority group, phone or citizen ID, which are not even read here. A booth the public
    does not see has none."""
    offer = fair_offer(booth.fair_id)
    options = [option for option in offer.options if option.booth_id == booth.id]
    if not options:
        return []
    recorded = sa.select(Interview.registration_id).where(Interview.booth_id == booth.id)
    rows = db.session.execute(
        sa.select(*_MATCH_COLUMNS)
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .where(
            Registration.fair_id == booth.fair_id,
            Attendee.erased_at.is_(None),
            Registration.id.not_in(recorded),
        )
    )
    year, fitting = fair_year(booth.fair), []
    for row in rows:
        ranked = rank(_person_of_row(row, year), offer, options)
        if ranked and ranked[0].wished and not ranked[0].underqualified:
            fitting.append((ranked[0].underqualified, -ranked[0].score, row.id, ranked[0]))
    fitting.sort(key=lambda entry: entry[:3])
    seen = cards(booth, [entry[2] for entry in fitting])
    shared = [Candidate(seen[entry[2]], entry[3]) for entry in fitting if seen[entry[2]].shared]
    return shared[:limit]


# --- For organisers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachRow:
    registration_id: int
    full_name: str
    phone: str
    birth_year: int
    priority_group: PriorityGroup
    checked_in: bool
    suggestions: list[Suggestion]


def outreach(fair: Fair, *, page: int = 1, per_page: int = OUTREACH_PER_PAGE, top: int = 3) -> Page:
    """Every registration of the fair (erased people aside) with its `top` booths to visit: people of
    poor, near-poor and newly-escaped-poverty households first, in that order, then by name. For
    staff: it shows the priority group and the phone."""
    priority = sa.case(
        {group.value: order for order, group in enumerate(PRIORITY_ORDER)},
        value=Attendee.priority_group,
        else_=len(PRIORITY_ORDER),
    )
    condition = sa.and_(Registration.fair_id == fair.id, Attendee.erased_at.is_(None))
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).join(Registration.attendee).where(condition)
    )
    page = max(1, page)
    rows = db.session.execute(
        sa.select(
            *_MATCH_COLUMNS,
            Attendee.full_name,
            Attendee.phone,
            Attendee.priority_group,
            CheckIn.id.label("check_in_id"),
        )
        .join(Attendee, Registration.attendee_id == Attendee.id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(condition)
        .order_by(priority, Attendee.name_key, Registration.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    offer = fair_offer(fair.id) if rows else None
    year = fair_year(fair)
    items = [
        OutreachRow(
            registration_id=row.id,
            full_name=row.full_name,
            phone=row.phone,
            birth_year=row.birth_year,
            priority_group=row.priority_group,
            checked_in=row.check_in_id is not None,
            suggestions=by_booth(rank(_person_of_row(row, year), offer), top),
        )
        for row in rows
    ]
    return Page(items, page, per_page, total)
