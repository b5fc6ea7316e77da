"""Warnings from lifelines, statsmodels and numpy while fitting, as plain sentences.

The libraries warn in their own words (Python code to paste, links, "death events"), on
stderr, once per place in their code. Researchers get one sentence per warning among
a result's notes instead, saying what it means for the figures and what to do.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

# (pattern in the warning's text, sentence; {name} is the pattern's `name` group).
PLAIN = (
    (
        r"Column (?P<name>\S+) have very low variance when conditioned on death",
        "{name} hardly varies among the released cases or among the others, so it may "
        "separate them: read its hazard ratio with care and cross-tabulate it against release",
    ),
    (
        r"Column\(s\) (?P<name>.+?) have very low variance",
        "{name}: hardly any variation (variance below 0.0001), which makes the fit "
        "unstable; leave it out",
    ),
    (
        r"Column (?P<name>\S+) has high sample correlation with the duration",
        "{name} is almost perfectly ordered with the durations, a form of separation: read "
        "its hazard ratio with care",
    ),
    (
        r"Column (?P<name>\S+) has a large mean",
        "{name} has a large mean (above 10,000): subtract a constant from it for a stabler "
        "fit (its hazard ratio per unit stays the same)",
    ),
    (
        r"norm\(delta\) is still high",
        "the fit converged with a last step still large, so the estimates may not be unique: "
        "two covariates may carry the same information, or one may separate the released "
        "from the others",
    ),
    (
        r"failed to converge|suspiciously close to 0",
        "the fit did not fully converge: read the estimates with care, and try fewer covariates",
    ),
    (
        r"more variables than samples",
        "the model has more covariates than cases, so it cannot be estimated reliably: use "
        "fewer covariates",
    ),
    (
        r"not invertible|variance_matrix_ has negative values",
        "the standard errors are approximations (the information matrix is singular): do "
        "not trust them, and drop a covariate that repeats another",
    ),
    (
        r"overflow",
        "numbers overflowed during the computation (very large covariate values, or a "
        "covariate that separates the cases): check the covariates' scale",
    ),
    (
        r"invalid value|divide by zero",
        "some intermediate values could not be computed (a division by zero); figures that "
        "depend on them are left out or marked",
    ),
)
# Notices about the libraries' own future (renamed arguments, changing defaults) say
# nothing about the data and nothing a researcher can act on, so they are dropped.
IGNORED = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


@contextmanager
def warnings_as_notes(notes: list[str]) -> Iterator[None]:
    """Catch every warning raised inside; append each as a plain sentence to `notes`, once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for found in caught:
        if issubclass(found.category, IGNORED):
            continue
        sentence = plain_sentence(str(found.message), found.filename)
        if sentence not in notes:
            notes.append(sentence)


def plain_sentence(message: str, source: str = "") -> str:
    """One warning's message as a sentence for researchers."""
    for pattern, sentence in PLAIN:
        if found := re.search(pattern, message, flags=re.DOTALL):
            name = found.groupdict().get("name") or ""
            return sentence.format(name=re.sub(r"[\[\]'\"]", "", name))
    library = next((n for n in ("lifelines", "statsmodels", "scipy", "numpy") if n in source), "")
    first = " ".join(message.split()).split(". ")[0].rstrip(".")
    return f"{library or 'a library'} warned: {first}"
