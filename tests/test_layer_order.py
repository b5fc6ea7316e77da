"""Reports and menus (F7's `l`, `--by-layer`) list the people, then consensus, then the
machine coders in run order: found walking the study path of issue 17, where F7's `l` went
from lena through every model:... layer (sorted as names, llm-10 before llm-4) to tomas."""

from hrd_coder.services.layers import in_layer_order


def test_people_then_consensus_then_the_machines_in_run_order():
    found = ["tomas", "model:llm-10", "consensus", "model:classifier-4", "lena", "model:llm-5"]
    assert in_layer_order(found) == [
        "lena",
        "tomas",
        "consensus",
        "model:classifier-4",
        "model:llm-5",
        "model:llm-10",
    ]
    assert in_layer_order(["tomas", "lena"]) == ["lena", "tomas"]
