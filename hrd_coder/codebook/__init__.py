"""The YAML codebook: codes with definitions, rules, hierarchy, colours and hotkeys."""

from hrd_coder.codebook.load import load_codebook, parse_codebook
from hrd_coder.codebook.model import Code, Codebook

__all__ = ["Code", "Codebook", "load_codebook", "parse_codebook"]
