"""Writes the Inspect AI golden logs in this folder (run by hand; needs `pip install inspect-ai`).

    python tests/evals/imports/golden/make_inspect_logs.py

Real logs from Inspect's own writer, offline: the models are `mockllm` instances with scripted
outputs, one for the model under evaluation and one for the `model_graded_qa` grader. Two logs of the
same task and samples: model-a as `.eval` (two epochs) and model-b as `.json` (one epoch), so an
import of both gives two models to compare on the same items.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from inspect_ai import Task, eval, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, ModelOutput, ModelUsage, get_model
from inspect_ai.scorer import Score, Target, includes, match, mean, model_graded_qa, scorer
from inspect_ai.solver import TaskState, generate

HERE = Path(__file__).parent

SAMPLES = [
    Sample(id="q1", input="What is 17 + 25? Answer with the number only.", target="42",
           metadata={"domain": "STEM", "difficulty": "easy"}),
    Sample(id="q2", input=[ChatMessageSystem(content="You are a careful geography tutor."),
                          ChatMessageUser(content="Which city is the capital of Australia?")],
           target="Canberra", metadata={"domain": "General Knowledge"}),
    Sample(id=3, input="Name the chemical symbol for gold.", target=["Au", "au"]),
    Sample(id="q4", input="写出“你好”的英文。", target="hello", metadata={"language": "zh"}),
]

# What each model answers, per sample in order (model-a runs two epochs: the list is cycled per call).
ANSWERS = {
    "model-a": {"What is 17": "42", "Which city": "Sydney is the capital.", "Name the chemical": "Au",
                "写出": "Hello"},
    "model-b": {"What is 17": "The answer is 42", "Which city": "Canberra", "Name the chemical": "Ag",
                "写出": "hello"},
}
GRADES = {"42": "C", "Sydney is the capital.": "I", "Au": "C", "Hello": "C", "The answer is 42": "P",
          "Canberra": "C", "Ag": "I", "hello": "C"}


def _output(model: str, text: str) -> ModelOutput:
    # With usage given, mockllm does not count tokens with tiktoken (which would download its tables).
    out = ModelOutput.from_content(model=model, content=text)
    out.usage = ModelUsage(input_tokens=20, output_tokens=len(text.split()), total_tokens=20 + len(text.split()))
    return out


def _answerer(model: str):  # type: ignore[no-untyped-def]
    def answer(messages, tools, tool_choice, config):  # type: ignore[no-untyped-def]
        text = messages[-1].text
        for start, reply in ANSWERS[model].items():
            if text.startswith(start):
                return _output(model, reply)
        raise AssertionError(text)
    return answer


def _grader(messages, tools, tool_choice, config):  # type: ignore[no-untyped-def]
    prompt = messages[-1].text
    submission = prompt.split("[Submission]:", 1)[1].split("***", 1)[0].strip()
    grade = GRADES[submission]
    return _output("grader", f"The submission says {submission!r}; compared with the criterion.\n\nGRADE: {grade}")


@scorer(metrics={"correct": [mean()], "concise": [mean()]})
def answer_shape():  # type: ignore[no-untyped-def]
    """A scorer with a dict value: one criterion per key."""

    async def score(state: TaskState, target: Target) -> Score:
        text = state.output.completion
        return Score(value={"correct": int(any(t.lower() in text.lower() for t in target)),
                            "concise": 1.0 if len(text.split()) <= 3 else 0.0},
                     answer=text, explanation=f"{len(text.split())} words")

    return score


@task
def arithmetic_and_facts() -> Task:
    grader = get_model("mockllm/grader", custom_outputs=_grader)
    return Task(dataset=SAMPLES, solver=generate(),
                scorer=[match(location="any"), includes(), model_graded_qa(model=grader, partial_credit=True),
                        answer_shape()])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for model, fmt, epochs, out in (("model-a", "eval", 2, "inspect_model_a.eval"),
                                        ("model-b", "json", 1, "inspect_model_b.json")):
            logs = eval(arithmetic_and_facts(), model=get_model(f"mockllm/{model}", custom_outputs=_answerer(model)),
                        epochs=epochs, log_dir=tmp, log_format=fmt, display="none", max_samples=1)
            assert logs[0].status == "success", logs[0].error
            shutil.copy(logs[0].location, HERE / out)
            print("wrote", HERE / out)


if __name__ == "__main__":
    main()
