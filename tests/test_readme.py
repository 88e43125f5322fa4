"""The README's Python code blocks run as they are, with only Keras and NumPy."""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as _file:
    BLOCKS = re.findall(r"^```python\n(.*?)^```$", _file.read(), re.MULTILINE | re.DOTALL)


def test_the_readme_has_a_recipe_to_run():
    assert BLOCKS and any("stateful=True" in block for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i + 1}" for i in range(len(BLOCKS))])
def test_readme_code_block_runs_on_its_own(block, tmp_path):
    # Run from an empty folder, so that it cannot lean on the project's modules.
    script = tmp_path / "block.py"
    script.write_text(block)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert os.listdir(tmp_path) == ["block.py"]  # writes nothing
