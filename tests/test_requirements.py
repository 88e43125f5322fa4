"""requirements.txt resolves on every platform the README names, with pip's own resolver.

For each platform, pip runs `install --dry-run --only-binary=:all:` with the platform's wheel tags
(`--platform`, one per tag: pip matches them exactly) and Python 3.11, and must find a wheel for
every package, dependencies included; the report must hold tensorflow-cpu or tensorflow, as the
markers in requirements.txt intend. Intel Macs are refused, as the README says.

Two things make this work from any machine, and keep it light:

- pip evaluates environment markers (`; platform_machine == "x86_64"`) for the machine it runs
  on, whatever `--platform` says, so a Linux host would pick tensorflow-cpu for the Mac too. pip
  runs here in a small wrapper that gives its marker evaluation the target platform's values.
- pip before 25.3 downloads every wheel at the end of a dry run (about 1.5 GB here). A pinned pip
  (PIP, run from its wheel) reads only each wheel's metadata: the index's `.metadata` files
  (PEP 658) where it offers them, else a few HTTP range requests into the wheel
  (`--use-feature=fast-deps`). The test fails if pip downloads a whole wheel.

pip reads its usual configuration (index, mirrors, certificates), so it asks the indexes that
`pip install` on this machine would. Nothing is skipped offline: without the index, the test fails.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

PIP = "26.3"  # >= 25.3: a dry run no longer downloads the wheels it resolved
PYTHON = "3.11"

# Each platform as pip on it sees itself: the wheel tags it accepts (newest system first, as
# pip lists them) and the environment-marker values of PEP 508.
_GLIBC = 39  # glibc 2.39 (Ubuntu 24.04); manylinux_2_39 .. manylinux_2_17 (aarch64) or _2_5
_MACOS = (26, 15, 14, 13, 12, 11)  # macOS 26 Tahoe back to 11, the first on Apple silicon


def _linux_tags(arch, oldest):
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(_GLIBC, oldest - 1, -1)]
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}  # PEP 599, 571, 513 names
    tags += [f"{name}_{arch}" for minor, name in legacy.items() if minor >= oldest]
    return tags + [f"linux_{arch}"]


def _mac_tags(arch, formats):
    tags = [f"macosx_{major}_0_{fmt}" for major in _MACOS for fmt in formats]
    return tags + [
        f"macosx_10_{minor}_{fmt}"
        for minor in range(16, 3, -1)
        for fmt in formats
        if fmt != "arm64"
    ]


def _env(os_name, sys_platform, system, machine):
    return {
        "os_name": os_name,
        "sys_platform": sys_platform,
        "platform_system": system,
        "platform_machine": machine,
    }


PLATFORMS = {
    # name: (wheel tags, marker values, the TensorFlow package requirements.txt should give it)
    "linux-x86_64": (
        _linux_tags("x86_64", 5),
        _env("posix", "linux", "Linux", "x86_64"),
        "tensorflow-cpu",
    ),
    "linux-aarch64": (
        _linux_tags("aarch64", 17),
        _env("posix", "linux", "Linux", "aarch64"),
        "tensorflow",
    ),
    "macos-arm64": (
        _mac_tags("arm64", ("arm64", "universal2")),
        _env("posix", "darwin", "Darwin", "arm64"),
        "tensorflow",
    ),
    "windows-amd64": (["win_amd64"], _env("nt", "win32", "Windows", "AMD64"), "tensorflow-cpu"),
}
INTEL_MAC = (
    _mac_tags("x86_64", ("x86_64", "intel", "fat64", "fat32", "universal2", "universal")),
    _env("posix", "darwin", "Darwin", "x86_64"),
)

# Runs pip (argv[1], its wheel) with markers evaluated for argv[2] (JSON) on top of this
# interpreter's own values; the rest of argv goes to pip.
_WRAPPER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pip._vendor.packaging import markers
target, host = json.loads(sys.argv[2]), markers.default_environment
markers.default_environment = lambda: {**host(), **target}
from pip._internal.cli.main import main
sys.exit(main(sys.argv[3:]))
"""
# not "....whl.metadata (..."
_WHOLE_WHEEL = re.compile(r"^\s*Downloading (\S+\.whl) \(", re.MULTILINE)


@pytest.fixture(scope="module")
def pip_wheel(tmp_path_factory):
    dest = tmp_path_factory.mktemp("pip")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            f"pip=={PIP}",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(dest),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return str(dest / f"pip-{PIP}-py3-none-any.whl")


def resolve(pip_wheel, requirements, tags, markers, report, python=PYTHON):
    """pip's dry-run install for one platform: (process, {name: version} or None if pip refused).

    `requirements` are pip's arguments, such as ["-r", "requirements.txt"]; `report` a file path."""
    major, minor = python.split(".")
    markers = {
        **markers,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": f"{python}.0",
    }
    command = [
        sys.executable,
        "-c",
        _WRAPPER,
        pip_wheel,
        json.dumps(markers),
        "install",
        "--dry-run",
        "--ignore-installed",
        "--only-binary=:all:",
        "--use-feature=fast-deps",
        "--disable-pip-version-check",
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--abi",
        f"cp{major}{minor}",
        *(f"--platform={tag}" for tag in tags),
        *requirements,
        "--report",
        report,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    if proc.returncode != 0:
        return proc, None
    with open(report, encoding="utf-8") as f:
        installs = json.load(f)["install"]
    return proc, {
        re.sub(r"[-_.]+", "-", item["metadata"]["name"]).lower(): item["metadata"]["version"]
        for item in installs
    }


@pytest.fixture(scope="module")
def resolutions(pip_wheel, tmp_path_factory):
    """The four platforms and the Intel Mac, resolved at once (each takes seconds of network)."""
    out = tmp_path_factory.mktemp("reports")
    requirements = ["-r", os.path.join(ROOT, "requirements.txt")]
    jobs = {name: (requirements, tags, markers) for name, (tags, markers, _) in PLATFORMS.items()}
    jobs["macos-x86_64"] = (requirements, *INTEL_MAC)
    # the other package, alone
    jobs["macos-x86_64 tensorflow"] = (["tensorflow==2.21.0"], *INTEL_MAC)
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        futures = {
            name: pool.submit(resolve, pip_wheel, *job, str(out / f"{name}.json"))
            for name, job in jobs.items()
        }
        return {name: future.result() for name, future in futures.items()}


def _pins():
    """requirements.txt's pins: [(name, version, marker or None)]."""
    pins = []
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                requirement, _, marker = line.partition(";")
                name, version = requirement.strip().split("==")
                pins.append((name, version, marker.strip() or None))
    return pins


def test_requirements_pin_tensorflow_twice_with_markers():
    pins = {name: (version, marker) for name, version, marker in _pins()}
    assert pins["tensorflow"][0] == pins["tensorflow-cpu"][0] == "2.21.0"
    assert pins["tensorflow"][1] and pins["tensorflow-cpu"][1]  # each only where it has wheels


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_requirements_resolve_on(platform, resolutions):
    proc, resolved = resolutions[platform]
    output = proc.stdout + proc.stderr
    assert resolved is not None, f"pip found no install for {platform}:\n{output[-4000:]}"
    tensorflow = PLATFORMS[platform][2]
    other = {"tensorflow": "tensorflow-cpu", "tensorflow-cpu": "tensorflow"}[tensorflow]
    assert tensorflow in resolved and other not in resolved, sorted(resolved)
    for name, version, _ in _pins():
        if name != other:
            assert resolved.get(name) == version, (name, resolved.get(name))
    # no CUDA libraries
    assert not any(name.startswith("nvidia-") for name in resolved), sorted(resolved)
    # Light: metadata only, no wheel downloaded whole (a wheel already on disk shows as
    # "Processing").
    assert not _WHOLE_WHEEL.findall(output), _WHOLE_WHEEL.findall(output)


@pytest.mark.parametrize(
    "run, package", [("macos-x86_64", "tensorflow-cpu"), ("macos-x86_64 tensorflow", "tensorflow")]
)
def test_intel_mac_is_refused(run, package, resolutions):
    """The README says Intel Macs are not supported: neither TensorFlow package has a 2.21 wheel."""
    proc, resolved = resolutions[run]
    output = proc.stdout + proc.stderr
    assert resolved is None and proc.returncode != 0, sorted(resolved or ())
    assert f"No matching distribution found for {package}==2.21.0" in output, output[-4000:]
    # The index answered (it lists the older releases that had Intel-Mac wheels): not a network
    # error.
    assert "(from versions: none)" not in output, output[-4000:]
