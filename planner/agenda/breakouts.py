"""The balanced split of participants over parallel breakouts: a pure function, no database."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    id: int
    language: str  # preferred language code, "" when unknown
    country: str  # ISO 3166-1 alpha-2, "" when unknown


@dataclass(frozen=True)
class Breakout:
    id: int
    language: str  # working language of the breakout, "" when any
    capacity: int | None  # seats for participants, None when unlimited


@dataclass
class SplitResult:
    assignments: dict[int, int] = field(default_factory=dict)  # person id -> breakout id
    unplaced: list[int] = field(default_factory=list)  # people for whom no seat was left


def balanced_split(
    people: Sequence[Person],
    breakouts: Sequence[Breakout],
    current: Mapping[int, int] | None = None,
    *,
    redo: bool = False,
) -> SplitResult:
    """Place every person in one breakout; deterministic for the same input.

    The rule, in order of priority:
    1. Capacity is never exceeded; people left without a seat are returned as ``unplaced``.
    2. Working language first: a person goes to a breakout in their language when one has a
       seat; otherwise to one without a set language; only then to any breakout with a seat.
    3. Countries are spread evenly: among the breakouts allowed by 2, the one with the fewest
       people of the person's country, then the fewest people, then the earlier one.
    People already placed (``current``, person id -> breakout id) keep their place unless
    ``redo``; a split run twice therefore changes nothing the second time.
    """
    current = current or {}
    known = {b.id for b in breakouts}
    people_by_id = {p.id: p for p in people}
    result = SplitResult()
    load: Counter[int] = Counter()
    by_country: dict[int, Counter[str]] = {b.id: Counter() for b in breakouts}
    if not redo:
        for person_id, breakout_id in current.items():
            if person_id in people_by_id and breakout_id in known:
                result.assignments[person_id] = breakout_id
                load[breakout_id] += 1
                by_country[breakout_id][people_by_id[person_id].country] += 1

    def has_seat(breakout: Breakout) -> bool:
        return breakout.capacity is None or load[breakout.id] < breakout.capacity

    def tiers(person: Person) -> list[list[Breakout]]:
        same = [b for b in breakouts if b.language and b.language == person.language]
        open_language = [b for b in breakouts if not b.language]
        return [same, open_language, list(breakouts)]

    waiting = [p for p in people if p.id not in result.assignments]
    # Most constrained first (fewest breakouts in their language), then the largest country
    # groups first so their members are dealt round the breakouts.
    country_size = Counter(p.country for p in waiting)
    waiting.sort(
        key=lambda p: (
            len(tiers(p)[0]) or len(breakouts) + 1,
            -country_size[p.country],
            p.country,
            p.id,
        )
    )
    position = {b.id: n for n, b in enumerate(breakouts)}
    for person in waiting:
        for tier in tiers(person):
            open_seats = [b for b in tier if has_seat(b)]
            if open_seats:
                chosen = min(
                    open_seats,
                    key=lambda b: (by_country[b.id][person.country], load[b.id], position[b.id]),
                )
                result.assignments[person.id] = chosen.id
                load[chosen.id] += 1
                by_country[chosen.id][person.country] += 1
                break
        else:
            result.unplaced.append(person.id)
    return result
