"""The suite's shared runs (conftest.script_runs): each run once per session, in the order
asked, and a failed run reported to every test that asks for it, not trained again."""

import pytest

FAKE = """import json, sys
open({count!r}, "a").write("x")  # one x per time it runs
if {fail}:
    sys.exit(3)
json.dump({{"argv": sys.argv[1:]}}, open(sys.argv[sys.argv.index("--json") + 1], "w"))
"""


def fake_script(tmp_path, name, fail):
    script, count = tmp_path / f"{name}.py", tmp_path / f"{name}.count"
    script.write_text(FAKE.format(count=str(count), fail=fail))
    return str(script), count  # an absolute path: script_runs joins it to the project's folder


def test_each_run_trains_once_and_comes_back_in_the_order_asked(script_runs, tmp_path):
    first, first_count = fake_script(tmp_path, "first", fail=False)
    second, second_count = fake_script(tmp_path, "second", fail=False)
    runs = script_runs([(second, "--seed", 8), (first, "--seed", 7)])
    again = script_runs([(first, "--seed", 7), (second, "--seed", 8)])
    assert [run.found["argv"][:2] for run in runs] == [["--seed", "8"], ["--seed", "7"]]
    assert [run.found for run in again] == [runs[1].found, runs[0].found]
    assert first_count.read_text() == second_count.read_text() == "x"


def test_a_failed_run_is_reported_to_each_asker_and_not_tried_again(script_runs, tmp_path):
    broken, count = fake_script(tmp_path, "broken", fail=True)
    for _ in range(2):
        with pytest.raises(AssertionError, match="failed, status 3"):
            script_runs([(broken,)])
    assert count.read_text() == "x"
