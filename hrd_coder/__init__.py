"""hrd_coder: code interviews and case histories on human rights diplomacy, measure
agreement between coders, and turn coded mechanisms into survival-model variables."""

__version__ = "0.1.0"
