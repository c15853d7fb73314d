"""Questions and answers as values: what a chunk may ask, and what counts as an answer."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agent_tools import ChunkResult, InputRequest, InputResponse
from agent_tools.core.input_requests import InputRound, answer_problems

CHOICE = InputRequest(
    message="Which region?",
    requested_schema={
        "type": "object",
        "properties": {"region": {"type": "string", "enum": ["eu", "us"]}},
        "required": ["region"],
    },
)


def test_a_question_needs_an_object_schema_that_is_valid() -> None:
    with pytest.raises(ValidationError, match="object schema"):
        InputRequest(message="?", requested_schema={"type": "string"})
    with pytest.raises(ValidationError, match="not a valid JSON Schema"):
        InputRequest(message="?", requested_schema={"type": "object", "required": "region"})
    assert InputRequest(message="Go on?").requested_schema == {"type": "object", "properties": {}}


def test_a_chunk_asks_under_plain_names_and_never_while_completing() -> None:
    with pytest.raises(ValidationError, match="question name"):
        ChunkResult(ask={"has space": CHOICE})
    with pytest.raises(ValidationError, match="cannot also complete"):
        ChunkResult(ask={"region": CHOICE}, completed=True)
    assert ChunkResult(ask={"region.v2": CHOICE}).ask["region.v2"] == CHOICE


def test_keys_carry_the_chunk_index_so_they_are_never_reused() -> None:
    first = InputRound.asked(3, {"region": CHOICE})
    assert list(first.outstanding) == ["region@3"]
    assert first.name_of("region@3") == "region"
    assert first.name_of("region@4") is None
    assert first.name_of("other@3") is None
    assert first.name_of("region") is None


def test_a_round_is_complete_once_every_question_has_any_answer() -> None:
    round_ = InputRound.asked(0, {"region": CHOICE, "go": InputRequest(message="Go?")})
    partly = round_.answered({"go": InputResponse(action="decline")})
    assert not partly.complete and list(partly.outstanding) == ["region@0"]
    done = partly.answered({"region": InputResponse(content={"region": "eu"})})
    assert done.complete and done.outstanding == {}
    kept = done.answered({"region": InputResponse(content={"region": "us"})})
    assert kept.responses["region"].content == {"region": "eu"}


def test_only_accepted_answers_are_checked_against_the_schema() -> None:
    assert answer_problems(CHOICE, InputResponse(content={"region": "eu"})) == []
    problems = answer_problems(CHOICE, InputResponse(content={"region": "mars"}))
    assert problems == ["region: 'mars' is not one of ['eu', 'us']"]
    assert answer_problems(CHOICE, InputResponse(content={})) == [
        "(content): 'region' is a required property"
    ]
    assert answer_problems(CHOICE, InputResponse(action="decline")) == []
