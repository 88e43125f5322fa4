"""The article-format text a script prints, read back, so that the tests can compare it with what
the script wrote as JSON (`--json`)."""

import re
from dataclasses import dataclass, field

# A prediction line: "['A', 'B', 'C'] -> D" or "A -> B", with an optional remark in brackets.
PREDICTION = re.compile(
    r"^(?:\[(?P<letters>[^\]]*)\]|(?P<letter>[A-Z])) -> (?P<out>[A-Z])(?:\s+\(.*\))?$"
)
HEADER = re.compile(r"^(New start:|Warm start:).*|.*:$")


@dataclass
class Printed:
    """What one script printed: the `Model Accuracy:` figure, the prediction sections (a header
    line -> (input, output) pairs; "" for the block right after the accuracy line) and other
    lines after the accuracy line (`notes`)."""

    accuracy: float
    train_seconds: float | None
    sections: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def note(self, prefix):
        return next((line for line in self.notes if line.startswith(prefix)), None)


def parse_output(text):
    """Read a script's standard output back into a `Printed`; ValueError if it is malformed."""
    accuracy = re.search(r"^Model Accuracy: (\d+\.\d\d)%$", text, re.MULTILINE)
    if not accuracy:
        raise ValueError("no 'Model Accuracy: NN.NN%' line in the output")
    took = re.search(r"^Training took (\d+\.\d) s$", text, re.MULTILINE)
    result = Printed(accuracy=float(accuracy[1]), train_seconds=float(took[1]) if took else None)
    header = ""
    result.sections[header] = []
    for line in text[accuracy.end() :].splitlines():
        match = PREDICTION.match(line.strip())
        if match is None and HEADER.match(line):
            header = line.strip()
            result.sections[header] = []
        elif match is None:
            if line.strip():
                result.notes.append(line.strip())
        elif match["letter"]:
            result.sections[header].append((match["letter"], match["out"]))
        else:
            letters = "".join(re.findall(r"'([A-Z])'", match["letters"]))
            result.sections[header].append((letters, match["out"]))
    return result
