"""Small multi-agency record sets with known true children, for linkage tests."""

from __future__ import annotations

import random
from typing import Any

FIRST = {
    "male": [
        "Jack",
        "Oliver",
        "Harry",
        "George",
        "Noah",
        "Charlie",
        "Jacob",
        "Alfie",
        "Freddie",
        "Oscar",
        "Leo",
        "Logan",
        "Archie",
        "Theo",
        "Thomas",
        "James",
        "Joshua",
        "Henry",
        "William",
        "Max",
    ],
    "female": [
        "Olivia",
        "Amelia",
        "Isla",
        "Ava",
        "Emily",
        "Sophia",
        "Grace",
        "Mia",
        "Poppy",
        "Ella",
        "Lily",
        "Evie",
        "Isabella",
        "Sophie",
        "Ivy",
        "Freya",
        "Harper",
        "Willow",
        "Chloe",
        "Ruby",
    ],
}
LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
]
AGENCIES = ("csc", "police", "health", "education")


def nhs(rng: random.Random) -> str:
    """A random NHS number that passes the modulus-11 check."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text))
    return text[:i] + text[i + 1 :] if len(text) > 3 else text + "e"


def population(n: int, seed: int = 1, twins: int = 0) -> list[dict[str, Any]]:
    """``n`` children (the last ``twins`` pairs are same-sex twins) with true ids."""
    rng = random.Random(seed)
    kids = []
    for i in range(n):
        sex = rng.choice(["male", "female"])
        kids.append(
            {
                "truth": f"T{i}",
                "first_name": rng.choice(FIRST[sex]),
                "last_name": rng.choice(LAST),
                "dob": f"{rng.randint(2001, 2017)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "sex": sex,
                "postcode": f"SB{rng.randint(1, 9)} {rng.randint(1, 9)}"
                f"{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
                "nhs_number": nhs(rng),
            }
        )
    for j in range(twins):
        twin = dict(kids[j])
        names = [f for f in FIRST[twin["sex"]] if f != twin["first_name"]]
        twin.update(truth=f"T{n + j}", first_name=rng.choice(names), nhs_number=nhs(rng))
        kids.append(twin)
    return kids


def records(kids: list[dict[str, Any]], seed: int = 2, noise: float = 0.1) -> dict[str, list[dict[str, Any]]]:
    """Each child's rows in two or three agencies, with typos and missing identifiers."""
    rng = random.Random(seed)
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in AGENCIES}
    for k in kids:
        for agency in rng.sample(AGENCIES, rng.randint(2, 3)):
            person = dict(k)
            if rng.random() < noise:
                person["first_name"] = _typo(rng, person["first_name"])
            if rng.random() < noise:
                person["postcode"] = None
            if agency != "health" and rng.random() < 0.6:
                person["nhs_number"] = None
            pid = f"{agency[:2].upper()}{rng.randint(10**6, 10**7)}"
            for e in range(rng.randint(1, 3)):
                out[agency].append(
                    {
                        **{
                            f: person[f]
                            for f in ("first_name", "last_name", "dob", "sex", "postcode", "nhs_number")
                        },
                        "agency_person_id": pid,
                        "la_child_id": f"LA{k['truth']}" if agency == "csc" else None,
                        "event_type": "person",
                        "event_date": f"2018-0{1 + e}-15",
                        "truth": k["truth"],
                    }
                )
    return out


def load(conn: Any, by_agency: dict[str, list[dict[str, Any]]]) -> dict[int, str]:
    """Insert the records; return each record id's true child."""
    from jtai.store import records

    truth: dict[int, str] = {}
    for agency, rows in by_agency.items():
        canonical = [{k: v for k, v in r.items() if k != "truth"} for r in rows]
        ids = records.insert_records(conn, canonical, file_name=f"{agency}.csv", agency=agency)
        truth.update(zip(ids, (r["truth"] for r in rows), strict=True))
    return truth


def pairwise(truth: dict[int, str], predicted: dict[int, str]) -> tuple[float, float]:
    """Pairwise precision and recall of predicted clusters against the truth."""
    from collections import Counter

    def pairs(counter: Counter[Any]) -> int:
        return sum(c * (c - 1) // 2 for c in counter.values())

    both = pairs(Counter((truth[r], predicted[r]) for r in truth))
    pred = pairs(Counter(predicted[r] for r in truth))
    true = pairs(Counter(truth.values()))
    return (both / pred if pred else 1.0), (both / true if true else 1.0)
