"""Ordinary English words that are also first names or surnames.

The anonymity guard does not refuse an output for one of these words standing alone (it would
refuse nearly every letter: "Young people...", "May 2018", "Will the partnership..."). A full
name ("Will Carter") is still refused, and so is any other name standing alone. Words are
lower case; the list is deliberately short and can only make the guard stricter by shrinking.
"""

from __future__ import annotations

COMMON_WORDS: frozenset[str] = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    a an and as at be but by for from in into is it no not of on or so the to up we
    will may june april august summer autumn winter spring dawn eve sunny
    hope grace faith joy charity patience prudence constance mercy honor honour
    precious blessing blessings favour favor gift peace wisdom innocent prosper success goodness
    promise harmony unity liberty destiny serenity trinity angel heaven honesty comfort
    rose lily daisy holly ivy iris heather hazel poppy violet jasmine willow fern olive
    ruby pearl amber crystal jade coral sky storm river brook rain star
    young old white black green brown grey gray gold silver long short small little
    hall wood woods hill hills street lane field fields brook marsh moore moor park
    church chapel king kings queen prince bishop knight lord earl duke baron
    north south east west
    ward wards wall walls bridge bridges ford fords well wells house houses
    page price rich strong bright golden
    bill bills mark marks frank grant chase chance cash sterling penny victor
    case cases child children family care health police education school schools
    good outstanding inadequate best better
    early help key head major mayor more most much
    justice law judge lawyer
    day days week weeks night morning
    love happy
    main next yours sincerely between area areas joint page headline findings strengths study
    studies partnership improvement priority action director chief constable commissioner
    officer manager chair board service services local national independent youth
    """.split()  # noqa: SIM905 - a word list reads best as words
)
